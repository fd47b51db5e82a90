"""On PostgreSQL, refuse UPDATE and DELETE on the audit tables, whoever the client is.

TRUNCATE is left alone: it is a table owner's maintenance act (test flushes, archiving by an operator),
not something the application's statements can do by accident. SQLite has no such guard; the embedded
demo relies on the hash chain alone.
"""

from django.db import migrations

TABLES = ("audit_auditevent", "audit_auditseal")

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # params=None: the function body's % signs are PL/pgSQL placeholders, not query parameters.
    schema_editor.execute(CREATE_FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS audit_refuse_change()")


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_seal_position'),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
