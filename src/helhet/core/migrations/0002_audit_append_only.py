"""Make the audit table append-only in the database itself (defence in depth).

PostgreSQL: a trigger refuses UPDATE and DELETE on core_auditevent (TRUNCATE, used by test
teardown, is a separate privilege that production roles should not hold).
SQLite: a trigger refuses UPDATE (DELETE stays possible because Django's test flush uses it).
Someone with owner rights can still disable the triggers; the hash chain catches that.
"""

from django.db import migrations

from helhet.core.dbtriggers import append_only


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [append_only("core_auditevent", "helhet_audit_append_only")]
