"""Append-only tables in the database itself (defence in depth), for migrations to use.

PostgreSQL: a trigger refuses UPDATE and DELETE (TRUNCATE, used by test teardown, is a separate
privilege that production roles should not hold). SQLite: a trigger refuses UPDATE (DELETE stays
possible because Django's test flush uses it). Someone with owner rights can still drop a trigger;
the audit trail's hash chain catches that for the audit table.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def append_only(table: str, function: str) -> migrations.RunPython:
    """A migration operation that makes ``table`` append-only; ``function`` names the PostgreSQL function."""
    pg_up = f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{table} is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {table}_append_only
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {function}();
"""
    pg_down = f"""
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
DROP FUNCTION IF EXISTS {function}();
"""
    sqlite_up = f"""
CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
BEGIN
    SELECT RAISE(ABORT, '{table} is append-only');
END;
"""
    sqlite_down = f"DROP TRIGGER IF EXISTS {table}_no_update;"

    def run(sql: dict[str, str]) -> Any:
        def apply(apps: Any, schema_editor: Any) -> None:
            statement = sql.get(schema_editor.connection.vendor)
            if statement:
                schema_editor.execute(statement)

        return apply

    return migrations.RunPython(
        run({"postgresql": pg_up, "sqlite": sqlite_up}), run({"postgresql": pg_down, "sqlite": sqlite_down})
    )
