import sys

from django.core.management.base import BaseCommand

from guangyuan_jobs.audit.selectors import audit_chain_verify
from guangyuan_jobs.audit.services import audit_seal_pending


class Command(BaseCommand):
    help = "Recompute the audit trail's hash chain; exit 1 when a sealed event or seal was changed or removed."

    def add_arguments(self, parser):
        parser.add_argument("--seal", action="store_true", help="Seal pending events first.")

    def handle(self, *args, seal=False, **options):
        if seal:
            self.stdout.write(f"sealed {audit_seal_pending()} pending events")
        result = audit_chain_verify()
        if result.ok:
            self.stdout.write(self.style.SUCCESS(f"audit chain intact: {result.checked} events checked"))
            return
        self.stderr.write(self.style.ERROR(
            f"audit chain BROKEN at event {result.first_bad_event_id} after {result.checked} good events: "
            f"{result.reason}"
        ))
        sys.exit(1)
