"""The audit log refuses UPDATE in the database itself, not only in the ORM.

DELETE stays possible at the SQL level for a documented retention purge (and for test flushes);
the ORM refuses it.
"""

from django.db import migrations

SQL = {
    "sqlite": (
        "CREATE TRIGGER core_auditlog_no_update BEFORE UPDATE ON core_auditlog "
        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;",
        "DROP TRIGGER IF EXISTS core_auditlog_no_update;",
    ),
    "postgresql": (
        "CREATE FUNCTION core_auditlog_refuse() RETURNS trigger AS $$ BEGIN "
        "RAISE EXCEPTION 'audit log is append-only'; END; $$ LANGUAGE plpgsql; "
        "CREATE TRIGGER core_auditlog_no_update BEFORE UPDATE ON core_auditlog "
        "FOR EACH ROW EXECUTE FUNCTION core_auditlog_refuse();",
        "DROP TRIGGER IF EXISTS core_auditlog_no_update ON core_auditlog; DROP FUNCTION IF EXISTS core_auditlog_refuse();",
    ),
}


def forwards(apps, schema_editor):
    sql = SQL.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql[0])


def backwards(apps, schema_editor):
    sql = SQL.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql[1])


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
