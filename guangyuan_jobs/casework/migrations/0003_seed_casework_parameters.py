"""The policy parameters casework itself reads: default time limit, 容缺 due period, dual-approval threshold.

Seeded only when no row for the key exists, so a value entered by the policy seed or an admin wins.
"""

import datetime

from django.db import migrations

VALID_FROM = datetime.date(2020, 1, 1)

PARAMETERS = [
    {
        "key": "casework.time_limit_days.default",
        "value": 20,
        "value_type": "integer",
        "unit": "working days",
        "confidence": "secondary",
        "note": "Default time limit from acceptance to decision for a kind that sets none: the 20 working days "
                "of the Administrative Licensing Law art. 42, the usual ceiling for service matters.",
    },
    {
        "key": "casework.missing_material_due_working_days",
        "value": 5,
        "value_type": "integer",
        "unit": "working days",
        "confidence": "unverified",
        "note": "容缺受理: working days the applicant has to supply a missing material. Sichuan practice is "
                "5 to 10 working days; Guangyuan's own figure was not found.",
    },
    {
        "key": "casework.dual_approval_threshold",
        "value": "50000.00",
        "value_type": "decimal",
        "unit": "yuan",
        "confidence": "unverified",
        "note": "Above this approved amount two different approvers are needed (internal-control practice; "
                "the Center's own figure was not found).",
    },
]


def seed(apps, schema_editor):
    PolicyParameter = apps.get_model("policy", "PolicyParameter")
    for row in PARAMETERS:
        if PolicyParameter.objects.filter(key=row["key"]).exists():
            continue
        PolicyParameter.objects.create(valid_from=VALID_FROM, region=None, **row)


def unseed(apps, schema_editor):
    PolicyParameter = apps.get_model("policy", "PolicyParameter")
    PolicyParameter.objects.filter(key__in=[r["key"] for r in PARAMETERS], valid_from=VALID_FROM,
                                   region__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0002_case_calendar_warning_payment_cancelled"),
        ("policy", "0001_initial"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
