from django.apps import AppConfig


class SubsidiesConfig(AppConfig):
    name = "subsidies"

    def ready(self):
        from guangyuan_jobs.casework.kinds import register_kind, register_payment_hold
        from subsidies.kinds import SUBSIDY_KINDS
        from subsidies.services.notices import payment_hold_reasons

        for kind in SUBSIDY_KINDS:
            register_kind(kind)
        # Casework refuses "pay" while a public notice runs or an objection is open.
        register_payment_hold(payment_hold_reasons)
        # A monthly subsidy is paid month by month in payment batches, never whole by casework's "pay".
        from subsidies.services.payments import instalment_hold_reasons

        register_payment_hold(instalment_hold_reasons)
