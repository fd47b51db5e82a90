"""The demo data: a verifier, department records, findings, and a recovery partly repaid."""

from django.core.management import call_command

from integrity.models import Finding, Recovery


def test_the_demo_has_findings_a_recovery_and_a_verifier(db, settings):
    settings.DEMO_MODE = True
    with open("/dev/null", "w") as sink:
        call_command("seed_demo", stdout=sink)
        call_command("seed_demo", stdout=sink)  # idempotent
    assert Finding.objects.filter(rule__code="paid-after-death").exists()
    recovery = Recovery.objects.get()
    assert 0 < recovery.recovered < recovery.amount
    assert Finding.objects.filter(status=Finding.Status.OPEN).exists()
