"""No two live benefit periods of one person may overlap, whatever the benefit (失业补助金 ⟂ 失业保险金 ⟂
临时生活补助, DOMAIN.md §3.2): an exclusion constraint on PostgreSQL. SQLite has none; the claim service
checks the overlap there. btree_gist lets the person's id join the range in one GiST index (a trusted
extension from PostgreSQL 13, so the database owner may create it)."""

from django.db import migrations

CONSTRAINT = "benefit_period_no_overlap"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE subsidies_benefitperiod ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
        "(person_id WITH =, daterange(start_date, end_date, '[]') WITH &&) WHERE (NOT voided)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE subsidies_benefitperiod DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0006_claim_reviewer_amount_and_stop_reason")]
    operations = [migrations.RunPython(create, drop)]
