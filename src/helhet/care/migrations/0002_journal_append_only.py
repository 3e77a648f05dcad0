"""The journal is append-only in the database itself: a correction is a new note (journalforskriften § 11).

PostgreSQL: a trigger refuses UPDATE and DELETE on care_journalnotat. SQLite: a trigger refuses
UPDATE (DELETE stays possible for Django's test flush), as for the audit trail.
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION helhet_journal_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'care_journalnotat is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER care_journalnotat_append_only
    BEFORE UPDATE OR DELETE ON care_journalnotat
    FOR EACH ROW EXECUTE FUNCTION helhet_journal_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS care_journalnotat_append_only ON care_journalnotat;
DROP FUNCTION IF EXISTS helhet_journal_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER care_journalnotat_no_update BEFORE UPDATE ON care_journalnotat
BEGIN
    SELECT RAISE(ABORT, 'care_journalnotat is append-only');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS care_journalnotat_no_update;"


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("care", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
