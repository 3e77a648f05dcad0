"""Varsling use cases: who sees a case, anonymous codes and passphrases, rate limits, dialogue, retention."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from factories import RoleAssignmentFactory, UserFactory, World
from helhet.core import demo
from helhet.core.models import AuditAction, AuditEvent, Leverandor, Role, User
from helhet.quality import demo_varsling
from helhet.quality import services_varsling as services
from helhet.quality.models import VarslingForsok, VarslingMelding, VarslingMottaker, VarslingNotat, VarslingSak
from helhet.quality.models.varsling import VARSELMOTTAKER_KIND, Kanal
from helhet.quality.rules import varsling as rules

pytestmark = pytest.mark.django_db

PASSFRASE = "blåbær i skogen om høsten"
TEKST = "Nattevakten blir bedt om å signere for medisiner som ikke er gitt."


@dataclass
class Cast:
    world: World
    intern: User  # named internal recipient (a staff member with an ordinary role)
    ekstern: User  # the audit firm's login: no role, kind varselmottaker


@pytest.fixture
def cast(world: World) -> Cast:
    intern = UserFactory(username="verneombud", first_name="Vera", last_name="Verne")
    RoleAssignmentFactory(user=intern, rolle=Role.HELSEFAGARBEIDER, team=world.team_b)
    ekstern = UserFactory(username="revisor", kind=VARSELMOTTAKER_KIND)
    VarslingMottaker.objects.create(leverandor=world.leverandor, user=intern, kanal=Kanal.INTERN)
    VarslingMottaker.objects.create(leverandor=world.leverandor, user=ekstern, kanal=Kanal.EKSTERN, organisasjon="R AS")
    return Cast(world, intern, ekstern)


def anonymous(
    leverandor: Leverandor, kanal: str = Kanal.INTERN, passfrase: str = PASSFRASE, tekst: str = TEKST
) -> tuple[VarslingSak, str]:
    _code, signed = services.new_form_code()
    return services.report_anonymous(
        leverandor, services.VarslingInput(kanal=kanal, beskrivelse=tekst), signed, passfrase, passfrase
    )


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(services, "clock", fake)
    return fake


# --- anonymous reporting -------------------------------------------------------------------------------


def test_an_anonymous_report_stores_only_hashes_and_opens_with_code_and_passphrase(cast: Cast, clock: Clock) -> None:
    audit_rows = AuditEvent.objects.count()
    sak, code = anonymous(cast.world.leverandor)
    stored = VarslingSak.objects.get(pk=sak.pk)
    assert stored.anonym and stored.melder is None and stored.mottatt == timezone.localdate()
    assert code not in str(stored.__dict__) and code.replace("-", "") not in str(stored.__dict__)
    assert stored.kode_hmac == services.code_hash(code) and stored.passfrase_hash.startswith("$argon2id$")
    assert PASSFRASE not in stored.passfrase_hash
    # Typed forgivingly: lower case, no dashes, O for 0 is fine.
    typed = code.lower().replace("-", " ")
    assert services.open_anonymous(typed, PASSFRASE) == stored
    # Nothing about the anonymous reporter went into the audit trail.
    assert AuditEvent.objects.count() == audit_rows


def test_wrong_passphrase_unknown_code_and_garbage_give_the_same_message(cast: Cast, clock: Clock) -> None:
    _sak, code = anonymous(cast.world.leverandor)
    other = rules.new_case_code()
    answers = []
    for typed, phrase in ((code, "feil passfrase helt sikkert"), (other, PASSFRASE), ("hei", PASSFRASE)):
        with pytest.raises(ValidationError) as exc:
            services.open_anonymous(typed, phrase)
        answers.append(exc.value.messages)
    assert answers[0] == answers[1] == answers[2] == [services.WRONG_ACCESS]


def test_tries_are_limited_per_code_without_any_address_and_the_lock_ends(cast: Cast, clock: Clock) -> None:
    sak, code = anonymous(cast.world.leverandor)
    for _ in range(rules.RATE_POLICY.limit):
        with pytest.raises(ValidationError, match="stemmer ikke"):
            services.open_anonymous(code, "feil passfrase helt sikkert")
    # The next try is refused even with the right passphrase, and the message says only «wait».
    with pytest.raises(ValidationError, match=r"For mange forsøk\. Prøv igjen om 15 minutter\."):
        services.open_anonymous(code, PASSFRASE)
    # An unknown code locks the same way: the answer does not tell whether a case exists.
    unknown = rules.new_case_code()
    for _ in range(rules.RATE_POLICY.limit):
        with pytest.raises(ValidationError, match="stemmer ikke"):
            services.open_anonymous(unknown, PASSFRASE)
    with pytest.raises(ValidationError, match="For mange forsøk"):
        services.open_anonymous(unknown, PASSFRASE)
    # The state holds keyed hashes only: no code, no address.
    keys = list(VarslingForsok.objects.values_list("nokkel", flat=True))
    assert services.GLOBAL_KEY in keys and all(code not in k and unknown not in k for k in keys)
    assert not any("127.0.0.1" in str(row.tilstand) + row.nokkel for row in VarslingForsok.objects.all())
    # After the lockout the right passphrase opens the case, and the code's count starts over.
    clock.now += rules.RATE_POLICY.base_lockout + 1
    assert services.open_anonymous(code, PASSFRASE) == sak
    assert not VarslingForsok.objects.filter(nokkel=services._rate_key(rules.normalize_case_code(code), code)).exists()


def test_the_global_bucket_limits_guessing_across_codes(
    cast: Cast, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "GLOBAL_POLICY", rules.RatePolicy(limit=3, window=60, base_lockout=60))
    sak, code = anonymous(cast.world.leverandor)
    for _ in range(3):
        with pytest.raises(ValidationError, match="stemmer ikke"):
            services.open_anonymous(rules.new_case_code(), PASSFRASE)
    with pytest.raises(ValidationError, match="For mange forsøk"):
        services.open_anonymous(code, PASSFRASE)
    clock.now += 61
    assert services.open_anonymous(code, PASSFRASE) == sak
    # Idle state is pruned.
    clock.now += 2 * 24 * 3600
    assert services.prune_rate_state() >= 1


@pytest.mark.parametrize(
    ("passfrase", "gjentatt", "field", "fragment"),
    [
        ("", "", "passfrase", "Velg en passfrase"),
        ("kort frase", "kort frase", "passfrase", "minst 15 tegn"),
        ("aaaaaaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaaaaaa", "passfrase", "forskjellige tegn"),
        (PASSFRASE, PASSFRASE + "x", "passfrase_gjentatt", "ikke like"),
    ],
)
def test_bad_passphrases_are_refused_and_nothing_is_saved(
    cast: Cast, passfrase: str, gjentatt: str, field: str, fragment: str
) -> None:
    _code, signed = services.new_form_code()
    data = services.VarslingInput(kanal=Kanal.INTERN, beskrivelse=TEKST)
    with pytest.raises(ValidationError) as exc:
        services.report_anonymous(cast.world.leverandor, data, signed, passfrase, gjentatt)
    assert any(fragment in m for m in exc.value.message_dict[field])
    assert not VarslingSak.objects.exists()


def test_a_passphrase_holding_the_case_code_or_a_common_password_is_refused(cast: Cast) -> None:
    code, signed = services.new_form_code()
    data = services.VarslingInput(kanal=Kanal.INTERN, beskrivelse=TEKST)
    phrase = f"min kode er {code.lower()}"
    with pytest.raises(ValidationError) as exc:
        services.report_anonymous(cast.world.leverandor, data, signed, phrase, phrase)
    assert "Passfrasen kan ikke inneholde saksnummeret." in exc.value.message_dict["passfrase"]
    common = next(p for p in services._blocklist() if len(p) >= 15 and len(set(p)) >= 5)
    with pytest.raises(ValidationError) as exc:
        services.report_anonymous(cast.world.leverandor, data, signed, common, common)
    assert "Passfrasen er for vanlig. Velg en annen." in exc.value.message_dict["passfrase"]
    assert not VarslingSak.objects.exists()


def test_empty_text_a_forged_form_code_and_a_channel_without_recipients_are_refused(cast: Cast) -> None:
    _code, signed = services.new_form_code()
    with pytest.raises(ValidationError) as exc:
        services.report_anonymous(
            cast.world.leverandor,
            services.VarslingInput(kanal=Kanal.INTERN, beskrivelse="  "),
            signed,
            PASSFRASE,
            PASSFRASE,
        )
    assert exc.value.message_dict["beskrivelse"] == [services.EMPTY_TEXT]
    with pytest.raises(ValidationError) as exc:
        services.report_anonymous(
            cast.world.leverandor,
            services.VarslingInput(kanal=Kanal.INTERN, beskrivelse=TEKST),
            "7KQ2-M9XD-4HTR",  # unsigned: the reporter cannot choose the code
            PASSFRASE,
            PASSFRASE,
        )
    assert "__all__" in exc.value.message_dict
    VarslingMottaker.objects.filter(kanal=Kanal.EKSTERN).update(aktiv=False)
    assert services.channels(cast.world.leverandor) == [Kanal.INTERN]
    with pytest.raises(ValidationError) as exc:
        anonymous(cast.world.leverandor, kanal=Kanal.EKSTERN)
    assert "kanal" in exc.value.message_dict
    # The same form sent twice does not make two cases with one code.
    _code, signed = services.new_form_code()
    data = services.VarslingInput(kanal=Kanal.INTERN, beskrivelse=TEKST)
    services.report_anonymous(cast.world.leverandor, data, signed, PASSFRASE, PASSFRASE)
    with pytest.raises(ValidationError):
        services.report_anonymous(cast.world.leverandor, data, signed, PASSFRASE, PASSFRASE)
    assert VarslingSak.objects.count() == 1


# --- who sees what ---------------------------------------------------------------------------------------


def test_only_named_recipients_of_the_channel_see_a_case_no_manager_does(cast: Cast) -> None:
    w = cast.world
    intern, _ = anonymous(w.leverandor, Kanal.INTERN)
    ekstern, _ = anonymous(w.leverandor, Kanal.EKSTERN)
    assert list(services.recipient_cases(cast.intern)) == [intern]
    assert list(services.recipient_cases(cast.ekstern)) == [ekstern]
    for manager in (w.leader_a, w.leader_b, w.kvalitetsleder, w.sysadmin, w.personvern):
        assert not services.is_recipient(manager)
        assert not services.recipient_cases(manager).exists()
        assert not services.may_handle(manager, intern)
    assert not services.may_handle(cast.ekstern, intern) and not services.may_handle(cast.intern, ekstern)
    # A recipient who is no longer active loses access at once.
    VarslingMottaker.objects.filter(user=cast.intern).update(aktiv=False)
    assert not services.may_handle(cast.intern, intern)
    with pytest.raises(ValidationError):
        services.recipient_message(cast.intern, intern, "Hei")


def test_a_named_report_is_audited_and_only_to_ones_own_provider(cast: Cast, world: World) -> None:
    data = services.VarslingInput(kanal=Kanal.INTERN, beskrivelse=TEKST)
    sak = services.report_named(world.helper_a, world.leverandor, data)
    assert sak.melder == world.helper_a and not sak.anonym and sak.kode_hmac is None
    assert AuditEvent.objects.filter(user=world.helper_a, action=AuditAction.CREATE, record_id=str(sak.pk)).exists()
    assert list(services.named_cases(world.helper_a)) == [sak]
    with pytest.raises(ValidationError, match="jobber for"):
        services.report_named(world.kvalitetsleder, world.leverandor, data)


# --- dialogue, status, closing, retention -----------------------------------------------------------------


def test_two_way_dialogue_and_acknowledgement(cast: Cast) -> None:
    sak, code = anonymous(cast.world.leverandor)
    before = AuditEvent.objects.count()
    services.recipient_message(cast.intern, sak, "Hvilken enhet gjelder det?")
    sak.refresh_from_db()
    assert sak.kvittert == timezone.localdate() and sak.nytt_fra_mottaker
    assert AuditEvent.objects.filter(user=cast.intern, action=AuditAction.CREATE).count() == 1
    after_recipient = AuditEvent.objects.count()
    assert after_recipient == before + 1
    opened = services.open_anonymous(code, PASSFRASE)
    services.anonymous_message(opened, "Enhet B, nattevakter.")
    services.anonymous_message(opened, "Enhet B, nattevakter.")  # a reload sends it again: kept once
    sak.refresh_from_db()
    assert sak.nytt_fra_melder and not sak.nytt_fra_mottaker
    assert [(m.fra, m.tekst) for m in services.dialogue(sak)] == [
        ("mottaker", "Hvilken enhet gjelder det?"),
        ("melder", "Enhet B, nattevakter."),
    ]
    assert VarslingMelding.objects.filter(fra="melder", forfatter__isnull=False).count() == 0
    assert AuditEvent.objects.count() == after_recipient  # the reporter's side is never audited
    with pytest.raises(ValidationError):
        services.anonymous_message(opened, "   ")
    services.add_note(cast.intern, sak, "Sjekk vaktlister.")
    services.start_investigation(cast.intern, sak)
    with pytest.raises(ValidationError):
        services.start_investigation(cast.intern, sak)


def test_closing_sets_the_deletion_date_and_due_cases_are_deleted(cast: Cast) -> None:
    sak, code = anonymous(cast.world.leverandor)
    services.recipient_message(cast.intern, sak, "Takk, vi ser på det.")
    services.anonymous_message(sak, "Bra.")
    services.add_note(cast.intern, sak, "Intern vurdering.")
    with pytest.raises(ValidationError) as exc:
        services.close(cast.intern, sak, "")
    assert "utfall" in exc.value.message_dict
    closed = dt.date(2026, 3, 1)
    sletting = services.close(cast.intern, sak, rules.Utfall.UBEGRUNNET, today=closed)
    sak.refresh_from_db()
    assert sak.status == VarslingSak.Status.AVSLUTTET and sak.slettes == dt.date(2026, 4, 30) == sletting.due
    assert sak.slette_regel == rules.RETENTION[rules.Utfall.UBEGRUNNET].rule
    with pytest.raises(ValidationError, match="avsluttet"):
        services.anonymous_message(sak, "Mer")
    # A case on legal hold is kept.
    held, _ = anonymous(cast.world.leverandor)
    services.close(cast.intern, held, rules.Utfall.RETTSLIG, today=closed)
    held.refresh_from_db()
    assert held.slettes is None

    assert services.delete_due(dt.date(2026, 4, 29)) == 0
    assert services.delete_due(dt.date(2026, 4, 30)) == 1
    sak.refresh_from_db()
    assert sak.slettet == dt.date(2026, 4, 30)
    assert (sak.beskrivelse, sak.kode_hmac, sak.passfrase_hash, sak.melder) == ("", None, "", None)
    assert sak.utfall == rules.Utfall.UBEGRUNNET and sak.mottatt  # the anonymous tally stays
    assert not VarslingMelding.objects.filter(sak=sak).exists() and not VarslingNotat.objects.filter(sak=sak).exists()
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, record_id=str(sak.pk)).exists()
    assert sak not in services.recipient_cases(cast.intern)
    with pytest.raises(ValidationError, match="stemmer ikke"):
        services.open_anonymous(code, PASSFRASE)
    assert services.delete_due(dt.date(2030, 1, 1)) == 0  # held stays until decided again
    # The legal hold ends: closed again with the final outcome, the deletion date follows.
    services.close(cast.intern, held, rules.Utfall.BEGRUNNET, today=dt.date(2026, 6, 1))
    held.refresh_from_db()
    assert held.slettes == dt.date(2028, 5, 31)


# --- figures --------------------------------------------------------------------------------------------


def test_figures_count_received_closed_and_acknowledged_within_seven_days() -> None:
    d = dt.date(2026, 3, 1)
    rows = [
        services.SakRad(d, d + dt.timedelta(days=2), d + dt.timedelta(days=40)),  # in time, closed
        services.SakRad(d, d + dt.timedelta(days=9), None),  # late
        services.SakRad(d, None, None),  # never acknowledged, 7 days gone: late
        services.SakRad(dt.date(2026, 3, 28), None, None),  # still has time: not counted in the share
        services.SakRad(dt.date(2025, 1, 1), d, d),  # outside the period
    ]
    lines = services.tall(rows, dt.date(2026, 3, 1), dt.date(2026, 3, 31), today=dt.date(2026, 3, 30))
    assert lines == [
        ("varsler_mottatt", "4", "stk"),
        ("varsler_avsluttet", "1", "stk"),
        ("varsler_kvittert_innen_7_dager_andel", "33.3", "%"),
    ]
    assert services.tall([], d, d, d)[2][1] == "-"


def test_nokkeltall_reads_the_rows(cast: Cast) -> None:
    anonymous(cast.world.leverandor)
    today = timezone.localdate()
    lines = services.nokkeltall(today - dt.timedelta(days=30), today, cast.world.enhet_a)
    assert lines[0] == ("varsler_mottatt", "1", "stk")


# --- demo ----------------------------------------------------------------------------------------------


def test_the_demo_names_recipients_and_builds_cases_a_manager_cannot_see(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo.build_demo_world(1, cases=False)
    counts = demo_varsling.build_demo(random.Random(1), timezone.localdate())
    assert counts == {"Varslingsmottakere": 2, "Varslingssaker": 3, "Meldinger i varslingssaker": 2}
    revisor = User.objects.get(username=demo_varsling.EXTERNAL_USERNAME)
    assert revisor.kind == VARSELMOTTAKER_KIND and not revisor.role_assignments.exists()
    assert revisor.check_password(demo.DEMO_PASSWORD)
    kvalitetsleder = User.objects.get(username="kvalitetsleder")
    assert services.recipient_cases(kvalitetsleder).count() == 2
    assert services.recipient_cases(revisor).count() == 1
    for username in ("leder", "meldingsansvarlig"):
        assert not services.recipient_cases(User.objects.get(username=username)).exists()
    code = demo_varsling.demo_case_code()
    assert code is not None
    assert services.open_anonymous(code, demo_varsling.DEMO_PASSPHRASE).meldinger.count() == 2
    assert demo_varsling.demo_logins()[0][0] == "varsel-revisor"
