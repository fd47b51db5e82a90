from django.apps import AppConfig


class IntegrityConfig(AppConfig):
    name = "integrity"

    def ready(self):
        from guangyuan_jobs.casework.kinds import register_payment_hold, register_transition_hook
        from integrity import risk_checks  # noqa: F401 - registers the built-in checks
        from integrity.services.findings import payment_hold_reasons
        from integrity.services.screening import screen_on_transition

        # Every submitted case is screened; a case with an open or verified finding is not paid.
        register_transition_hook(screen_on_transition)
        register_payment_hold(payment_hold_reasons)
