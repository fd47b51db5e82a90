"""The firm-deregistered rule also screens the new one-off job-expansion subsidy (KGBZ), which, like the hiring
subsidy, is paid to a firm. A rule an administrator narrowed away from the hiring subsidy is left as it is."""

from django.db import migrations

RULE = "firm-deregistered"


def cover(apps, schema_editor):
    rule = apps.get_model("integrity", "RiskRule").objects.filter(code=RULE).first()
    if rule is not None and "XNJY" in rule.kinds and "KGBZ" not in rule.kinds:
        rule.kinds = [*rule.kinds, "KGBZ"]
        rule.version += 1
        rule.save(update_fields=["kinds", "version"])


def uncover(apps, schema_editor):
    rule = apps.get_model("integrity", "RiskRule").objects.filter(code=RULE).first()
    if rule is not None and "KGBZ" in rule.kinds:
        rule.kinds = [kind for kind in rule.kinds if kind != "KGBZ"]
        rule.version += 1
        rule.save(update_fields=["kinds", "version"])


class Migration(migrations.Migration):
    dependencies = [("integrity", "0002_seed_rules_and_parameters")]

    operations = [migrations.RunPython(cover, uncover)]
