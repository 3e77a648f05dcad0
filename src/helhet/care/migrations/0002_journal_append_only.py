"""The journal is append-only in the database itself: a correction is a new note (journalforskriften § 11).

PostgreSQL refuses UPDATE and DELETE on care_journalnotat; SQLite refuses UPDATE (see helhet.core.dbtriggers).
"""

from django.db import migrations

from helhet.core.dbtriggers import append_only


class Migration(migrations.Migration):
    dependencies = [("care", "0001_initial")]
    operations = [append_only("care_journalnotat", "helhet_journal_append_only")]
