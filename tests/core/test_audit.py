"""The audit trail: an append-only, keyed hash chain, and ``helhet audit verify`` that checks it.

Tampering is done the way an intruder with database access would: raw SQL with the append-only
triggers switched off (SQLite: drop the trigger inside the test's transaction; PostgreSQL:
``session_replication_role = replica``, which skips triggers — the test database user is a
superuser). Every kind of tampering must make ``verify()`` fail and name the first bad row.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from factories import World
from helhet import cli
from helhet.core import access, audit
from helhet.core.access import Action
from helhet.core.models import AuditAction, AuditEvent, AuditHead

N = 5  # rows in the chain the tamper tests start from


@contextmanager
def triggers_off() -> Iterator[Any]:
    """A cursor that can UPDATE and DELETE audit rows, as someone with owner rights could."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # DDL is transactional in SQLite: the test's rollback brings the trigger back.
            cursor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_update")
            yield cursor
        elif connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
            try:
                yield cursor
            finally:
                cursor.execute("SET session_replication_role = DEFAULT")
        else:  # pragma: no cover
            pytest.skip(f"no tamper recipe for {connection.vendor}")


def chain(world: World, n: int = N) -> list[AuditEvent]:
    """``n`` rows of different kinds: reads with a ground, a refusal, a system row, Unicode details."""
    assert not AuditEvent.objects.exists(), "the audit tests expect to start from an empty trail"
    rows = []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            decision = access.check(world.helper_a, Action.VIEW, world.P)
            rows.append(
                audit.record(
                    user=world.helper_a, action=AuditAction.READ, person=world.P, obj=world.P, decision=decision
                )
            )
        elif kind == 1:
            rows.append(
                audit.record(
                    user=world.nurse_b,
                    action=AuditAction.REFUSED,
                    person=world.P,
                    details={"grunn": "ikke tjenstlig behov", "felt": ["fødselsnummer", "adresse"]},
                )
            )
        elif kind == 2:
            rows.append(audit.record(user=None, action=AuditAction.SEARCH, details={"treff": 3, "æøå": True}))
        else:
            rows.append(
                audit.record(
                    user=world.saksbehandler_1,
                    action=AuditAction.UPDATE,
                    person=world.P,
                    obj=world.P,
                    ground="saksansvarlig",
                    ground_label="Saksbehandler for saken i bydelen",
                    details={"endret": ["adresse", "telefon"]},
                )
            )
    return rows


def assert_broken_at(seq: int, problem_part: str) -> audit.VerifyResult:
    result = audit.verify()
    assert not result.ok
    assert result.first_bad_seq == seq, result.describe()
    assert problem_part in result.problem
    assert f"seq={seq}" in result.describe()
    return result


# --- appending ---------------------------------------------------------------------------------------


def test_record_appends_rows_in_a_chain(world: World) -> None:
    rows = chain(world, 6)

    stored = list(AuditEvent.objects.order_by("seq"))
    assert [r.seq for r in stored] == [1, 2, 3, 4, 5, 6] == [r.seq for r in rows]
    assert stored[0].prev_hash == audit.GENESIS_HASH
    for before, row in itertools.pairwise(stored):
        assert row.prev_hash == before.hash
    assert len({r.hash for r in stored}) == 6
    assert all(len(r.hash) == 64 for r in stored)
    head = AuditHead.objects.get(pk=1)
    assert (head.last_seq, head.last_hash) == (6, stored[-1].hash)


def test_record_copies_who_what_and_why(world: World) -> None:
    decision = access.check(world.helper_a, Action.VIEW, world.P)

    row = audit.record(user=world.helper_a, action=AuditAction.READ, person=world.P, obj=world.P, decision=decision)

    row.refresh_from_db()
    assert (row.username, row.user_display, row.user_roles) == ("helper_a", "Hege Haugen", "helsefagarbeider")
    assert (row.ground, row.ground_label) == ("team", "Medlem av teamet som yter tjenester")
    assert (row.record_type, row.record_id) == ("core.Tjenestemottaker", str(world.P.pk))
    assert row.tjenestemottaker_id == world.P.pk


def test_the_hash_is_keyed(world: World, settings: Any) -> None:
    row = chain(world, 1)[0]
    stored = AuditEvent.objects.get(seq=1)
    assert audit.compute_hash(stored.prev_hash, stored) == row.hash
    plain = hashlib.sha256(stored.prev_hash.encode() + b"|" + audit.canonical(stored)).hexdigest()
    assert plain != row.hash

    settings.AUDIT_HMAC_KEY = "another key"

    assert_broken_at(1, "endret")


# --- verify ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_verify_passes_on_an_empty_trail() -> None:
    result = audit.verify()
    assert (result.ok, result.checked, result.first_bad_seq) == (True, 0, None)
    assert result.describe() == "OK: tilgangsloggen er hel (0 rader kontrollert)."


@pytest.mark.parametrize("batch", [1, 2, 2000])
def test_verify_passes_on_an_untouched_chain(world: World, batch: int) -> None:
    chain(world)
    result = audit.verify(batch=batch)
    assert (result.ok, result.checked, result.first_bad_seq) == (True, N, None)
    assert result.describe() == f"OK: tilgangsloggen er hel ({N} rader kontrollert)."


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("username", "mallory"),
        ("user_display", "Noen Andre"),
        ("user_roles", "sykepleier"),
        ("action", "delete"),
        ("ground", "nodtilgang"),
        ("record_id", "999"),
        ("path", "/annen/side/"),
        ("details", '{"treff": 4}'),
        ("nodtilgang_reason", "lagt til etterpå"),
    ],
)
@pytest.mark.parametrize("seq", [1, 3, N])
def test_verify_names_a_row_edited_in_the_database(world: World, column: str, value: str, seq: int) -> None:
    chain(world)
    before = AuditEvent.objects.get(seq=seq)
    assert getattr(before, column) != (json.loads(value) if column == "details" else value), "not an edit"
    with triggers_off() as cursor:
        cursor.execute(f"UPDATE core_auditevent SET {column} = %s WHERE seq = %s", [value, seq])
        assert cursor.rowcount == 1

    assert_broken_at(seq, "endret")


def test_verify_names_a_row_whose_time_was_moved(world: World) -> None:
    chain(world)
    row = AuditEvent.objects.get(seq=2)
    with triggers_off() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET tid = %s WHERE seq = %s",
            [row.tid.replace(microsecond=(row.tid.microsecond + 1) % 1_000_000), 2],
        )

    assert_broken_at(2, "endret")


def test_verify_names_a_row_whose_own_hash_was_overwritten(world: World) -> None:
    chain(world)
    with triggers_off() as cursor:
        cursor.execute("UPDATE core_auditevent SET hash = %s WHERE seq = %s", ["f" * 64, 3])

    assert_broken_at(3, "endret")


def test_verify_names_a_row_whose_link_was_overwritten(world: World) -> None:
    chain(world)
    with triggers_off() as cursor:
        cursor.execute("UPDATE core_auditevent SET prev_hash = %s WHERE seq = %s", ["0" * 64, 4])

    assert_broken_at(4, "forrige-hash")


@pytest.mark.parametrize("seq", [1, 2, 3, N - 1])
def test_verify_names_a_row_deleted_from_the_middle(world: World, seq: int) -> None:
    chain(world)
    with triggers_off() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq = %s", [seq])

    assert_broken_at(seq, "mangler")


def test_verify_names_the_last_row_when_it_is_deleted(world: World) -> None:
    chain(world)
    with triggers_off() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq = %s", [N])

    result = assert_broken_at(N, "hode")
    assert result.checked == N - 1


def test_verify_names_the_first_row_when_all_rows_are_deleted(world: World) -> None:
    chain(world)
    with triggers_off() as cursor:
        cursor.execute("DELETE FROM core_auditevent")

    assert_broken_at(1, "hode")


def test_verify_notices_a_missing_head(world: World) -> None:
    chain(world)
    AuditHead.objects.all().delete()

    assert_broken_at(1, "hode")


def forge(template: AuditEvent, *, seq: int, prev_hash: str, **changes: Any) -> AuditEvent:
    """A row as an intruder without the key would write it: content of their choosing, plain SHA-256."""
    row = AuditEvent(
        **{f.attname: getattr(template, f.attname) for f in AuditEvent._meta.concrete_fields if f.attname != "id"}
    )
    for name, value in changes.items():
        setattr(row, name, value)
    row.seq, row.prev_hash = seq, prev_hash
    row.hash = hashlib.sha256(prev_hash.encode() + b"|" + audit.canonical(row)).hexdigest()
    AuditEvent.objects.bulk_create([row])  # bypasses Model.save(), as raw SQL would
    return row


def test_verify_names_a_forged_row_appended_at_the_end(world: World) -> None:
    rows = chain(world)
    forged = forge(rows[0], seq=N + 1, prev_hash=rows[-1].hash, username="mallory")
    AuditHead.objects.filter(pk=1).update(last_seq=N + 1, last_hash=forged.hash)

    assert_broken_at(N + 1, "endret")


def test_verify_names_a_forged_row_that_replaces_a_deleted_one(world: World) -> None:
    rows = chain(world)
    with triggers_off() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq = %s", [3])
    forge(rows[2], seq=3, prev_hash=rows[1].hash, username="mallory", details={"forfalsket": True})

    assert_broken_at(3, "endret")


def test_verify_names_the_first_row_of_a_chain_rewritten_without_the_key(world: World) -> None:
    rows = chain(world)
    with triggers_off() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq >= %s", [2])
    prev = rows[0].hash
    for row in rows[1:]:
        prev = forge(row, seq=row.seq, prev_hash=prev, username="mallory").hash
    AuditHead.objects.filter(pk=1).update(last_hash=prev)

    assert_broken_at(2, "endret")


def test_a_chain_rewritten_with_the_key_passes(world: World) -> None:
    """The threat model, stated: whoever holds ``AUDIT_HMAC_KEY`` can rewrite history undetected,
    so the key must live outside the database and away from its administrators."""
    rows = chain(world)
    with triggers_off() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq = %s", [N])
    row = forge(rows[-1], seq=N, prev_hash=rows[-2].hash, username="mallory")
    good_hash = audit.compute_hash(row.prev_hash, row)
    with triggers_off() as cursor:
        cursor.execute("UPDATE core_auditevent SET hash = %s WHERE seq = %s", [good_hash, N])
    AuditHead.objects.filter(pk=1).update(last_hash=good_hash)

    assert audit.verify().ok


# --- append-only, in the model and in the database ---------------------------------------------------


def test_model_refuses_to_save_an_existing_row(world: World) -> None:
    row = chain(world, 1)[0]
    row.username = "mallory"
    with pytest.raises(RuntimeError, match="append-only"):
        row.save()
    stored = AuditEvent.objects.get(seq=1)
    with pytest.raises(RuntimeError, match="append-only"):
        stored.save()
    assert AuditEvent.objects.get(seq=1).username == "helper_a"


def test_model_refuses_to_delete_a_row(world: World) -> None:
    chain(world, 1)
    with pytest.raises(RuntimeError, match="append-only"):
        AuditEvent.objects.get(seq=1).delete()
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_model_refuses_rows_not_written_by_the_audit_module() -> None:
    with pytest.raises(RuntimeError, match=r"audit\.record"):
        AuditEvent.objects.create(seq=1, tid="2025-01-01T00:00:00Z", username="x", prev_hash="0", hash="0")
    assert not AuditEvent.objects.exists()


def test_database_refuses_queryset_update(world: World) -> None:
    chain(world, 2)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(username="mallory")
    assert AuditEvent.objects.get(seq=1).username == "helper_a"
    assert audit.verify().ok


def test_database_refuses_queryset_delete_on_postgresql(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("on SQLite only UPDATE is refused by trigger: Django's test flush needs DELETE (see 0002)")
    chain(world, 2)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).delete()
    assert AuditEvent.objects.count() == 2


def test_postgresql_triggers_are_back_after_the_tamper_recipe(world: World) -> None:
    """The tamper recipe must not leak: the replication role is reset when the block ends."""
    if connection.vendor != "postgresql":
        pytest.skip("on SQLite the dropped trigger comes back with the test's rollback (next test)")
    chain(world, 1)
    with triggers_off():
        pass
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(username="mallory")


def test_sqlite_trigger_exists_again_after_other_tests_dropped_it(db: None) -> None:
    """Runs after the tamper tests in this module: their DROP TRIGGER was rolled back with them."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'core_auditevent'")
        assert [r[0] for r in cursor.fetchall()] == ["core_auditevent_no_update"]


# --- helhet audit verify -----------------------------------------------------------------------------


def test_command_reports_ok(world: World) -> None:
    chain(world)
    out = io.StringIO()

    call_command("audit", "verify", stdout=out)

    assert out.getvalue().strip() == f"OK: tilgangsloggen er hel ({N} rader kontrollert)."


def test_command_names_the_first_bad_row(world: World) -> None:
    chain(world)
    with triggers_off() as cursor:
        cursor.execute("UPDATE core_auditevent SET username = %s WHERE seq = %s", ["mallory", 2])

    with pytest.raises(CommandError) as info:
        call_command("audit", "verify", "--batch", "2")

    assert info.value.returncode == 1
    assert str(info.value) == audit.verify().describe()
    assert "seq=2" in str(info.value)


def test_command_needs_a_subcommand(db: None) -> None:
    with pytest.raises(CommandError, match="KOMMANDO"):
        call_command("audit")


@pytest.fixture
def keep_connections_open(monkeypatch: pytest.MonkeyPatch) -> None:
    """``run_from_argv`` closes all connections when done; inside a test's transaction that would end it."""
    monkeypatch.setattr(connections, "close_all", lambda: None)


def test_helhet_audit_verify_exits_0_when_whole(
    world: World, keep_connections_open: None, capsys: pytest.CaptureFixture[str]
) -> None:
    chain(world)

    cli.main(["audit", "verify"])  # returns normally: exit status 0

    assert f"OK: tilgangsloggen er hel ({N} rader kontrollert)." in capsys.readouterr().out


def test_helhet_audit_verify_exits_1_and_names_the_row(
    world: World, keep_connections_open: None, capsys: pytest.CaptureFixture[str]
) -> None:
    chain(world)
    with triggers_off() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq = %s", [3])

    with pytest.raises(SystemExit) as info:
        cli.main(["audit", "verify"])

    assert info.value.code == 1
    err = capsys.readouterr().err
    assert "BRUDD i tilgangsloggen ved rad seq=3" in err
    assert "rad 3 mangler" in err
