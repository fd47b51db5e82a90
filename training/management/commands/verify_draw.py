"""manage.py verify_draw <session reference>: recompute a draw session from its published record."""

from django.core.management.base import BaseCommand, CommandError

from training.models import DrawSession
from training.verification import draw_record, verify_record


class Command(BaseCommand):
    help = "Recompute every hash and result of a training-institution draw session from its published inputs."

    def add_arguments(self, parser):
        parser.add_argument("session", help="the draw session's reference, e.g. CQ-2026-7K3M9Q2X")

    def handle(self, *args, **options):
        session = DrawSession.objects.filter(ref=options["session"].strip()).first()
        if session is None:
            raise CommandError(f"No draw session {options['session']!r}.")
        report = verify_record(draw_record(session))
        for label, passed in report.checks:
            self.stdout.write(("  OK   " if passed else "  FAIL ") + label)
        for package, winner in report.winners.items():
            self.stdout.write(f"  -> {package} winner: {winner}")
        if not report.ok:
            raise CommandError("SOME CHECKS FAILED")
        self.stdout.write(self.style.SUCCESS("ALL CHECKS PASSED"))
