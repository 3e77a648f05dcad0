"""Varsling use cases (issue 7 point 2). One transaction each; every recipient access is audited.

Who sees a case: only the **named recipients** (:class:`~helhet.quality.models.VarslingMottaker`) of
the case's provider *and* channel (intern/ekstern). No role gives access by itself: a leder,
kvalitetsleder or meldingsansvarlig who is not named sees nothing, and a refused attempt is audited.

Reporting:

- A logged-in staff member reports in their own name (:func:`report_named`; audited, they follow the
  case under «Mine varsler») or anonymously.
- Anyone can report anonymously (:func:`report_anonymous`), also without a login, from the provider's
  public page. The form shows the case code (:func:`rules.varsling.new_case_code`, carried signed in
  the form so the passphrase can be checked against it); the reporter chooses a passphrase
  (:func:`rules.varsling.passphrase_problems` with Django's common-password list). Only a keyed hash
  of the code (HMAC-SHA256 with ``SECRET_KEY``; lookups also try ``SECRET_KEY_FALLBACKS``) and an
  Argon2id hash of the passphrase are stored.
- The reporter comes back with code and passphrase (:func:`open_anonymous`): rate-limited by the pure
  step function :func:`rules.varsling.step`, with the state in the database (:class:`VarslingForsok`)
  under two keys — a keyed hash of the typed code (protects one case from a distributed attack) and
  one global bucket (bounds guessing across all codes). **No key uses the client's address.** A
  wrong passphrase, an unknown code and a malformed code give the same message after one Argon2
  verification of the same cost (:func:`rules.varsling.verify_case_access`). While the reporter
  reads and answers, a signed, short-lived token in the page (not a session, not a cookie) names
  the case: nothing on the server links a browser to a case.

Nothing about the anonymous reporter's request is stored: no audit row (the audit trail holds exact
times and request ids that could be matched against a web server's access log), no IP address, no
user agent, and only the date (never the time) of the case and of the reporter's messages.

Retention: :func:`close` sets ``slettes`` from :func:`rules.varsling.deletion_due`; :func:`delete_due`
(run daily) deletes the content of due cases and keeps an anonymous tally.
"""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from helhet.core import audit
from helhet.core.models import AuditAction, Enhet, Leverandor, Role, User, UserKind
from helhet.quality.models import VarslingForsok, VarslingMelding, VarslingMottaker, VarslingNotat, VarslingSak
from helhet.quality.models.varsling import Kanal
from helhet.quality.rules import varsling as rules

MAX_TEKST = 10_000
HASHER = rules.make_hasher()
#: Seconds the reporter's page stays usable after code and passphrase were accepted.
TOKEN_MAX_AGE = 30 * 60
_TOKEN_SALT = "helhet.quality.varsling.oppfolging"  # noqa: S105 - a signing salt, not a secret
_FORM_CODE_SALT = "helhet.quality.varsling.skjemakode"
_CODE_HMAC_SALT = "helhet.quality.varsling.kode"
#: The global bucket: at most 60 tries per 15 minutes across all codes; then 5 min, doubling to 1 h.
GLOBAL_KEY = "alle"
GLOBAL_POLICY = rules.RatePolicy(limit=60, window=15 * 60, base_lockout=5 * 60, max_lockout=60 * 60)
CODE_POLICY = rules.RATE_POLICY
#: Days within which a case should be acknowledged (the EU whistleblowing directive 2019/1937 art. 9
#: nr. 1 b asks for 7 days; UNCONFIRMED as Norwegian law — used here as a target for the figure only).
KVITTERING_DAGER = 7

WRONG_ACCESS = "Saksnummeret eller passfrasen stemmer ikke. Sjekk at du har skrevet begge riktig."
EMPTY_TEXT = "Skriv hva varselet gjelder."
CLOSED = "Saken er avsluttet. Har du noe nytt å melde, kan du sende et nytt varsel."
NOT_RECIPIENT = "Bare navngitte mottakere av varsler kan se denne saken."


def clock() -> float:
    """Wall-clock seconds for the rate limiter (shared by all web processes; tests replace it)."""
    return time.time()


def _today() -> dt.date:
    return timezone.localdate()


# --- recipients and channels --------------------------------------------------------------------------


def channels(leverandor: Leverandor) -> list[str]:
    """The channels of a provider that have at least one active named recipient (intern first)."""
    found = set(
        VarslingMottaker.objects.filter(leverandor=leverandor, aktiv=True, user__is_active=True).values_list(
            "kanal", flat=True
        )
    )
    return [k for k in Kanal.values if k in found]


def _recipient_pairs(user: User) -> set[tuple[int, str]]:
    if not user.is_authenticated:
        return set()
    return set(VarslingMottaker.objects.filter(user=user, aktiv=True).values_list("leverandor_id", "kanal"))


def is_recipient(user: User) -> bool:
    return bool(_recipient_pairs(user))


def recipient_cases(user: User) -> QuerySet[VarslingSak]:
    """The cases the user may handle: their provider and channel, content not deleted."""
    pairs = _recipient_pairs(user)
    if not pairs:
        return VarslingSak.objects.none()
    q = Q()
    for leverandor_id, kanal in pairs:
        q |= Q(leverandor_id=leverandor_id, kanal=kanal)
    return VarslingSak.objects.filter(q, slettet__isnull=True)


def may_handle(user: User, sak: VarslingSak) -> bool:
    return sak.slettet is None and (sak.leverandor_id, sak.kanal) in _recipient_pairs(user)


def staff_leverandorer(user: User) -> list[Leverandor]:
    """The providers a staff member works for (where they can report in their own name)."""
    ids: set[int] = set()
    for a in user.active_assignments():
        if a.leverandor_id:
            ids.add(a.leverandor_id)
        elif a.enhet is not None:
            ids.add(a.enhet.leverandor_id)
        elif a.team is not None:
            ids.add(a.team.enhet.leverandor_id)
    return list(Leverandor.objects.filter(pk__in=ids).order_by("navn"))


# --- codes, passphrases, tokens ---------------------------------------------------------------------


def _code_hmacs(code: str) -> list[str]:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [hmac.new(f"{_CODE_HMAC_SALT}:{key}".encode(), code.encode(), "sha256").hexdigest() for key in keys if key]


def code_hash(code: str) -> str:
    """The stored form of a canonical case code (keyed with the current ``SECRET_KEY``)."""
    return _code_hmacs(code)[0]


def new_form_code() -> tuple[str, str]:
    """A fresh case code for the reporting form, and its signed form for the hidden field."""
    code = rules.new_case_code()
    return code, signing.dumps(code, salt=_FORM_CODE_SALT)


def code_from_form(signed: str) -> str | None:
    try:
        code = signing.loads(signed, salt=_FORM_CODE_SALT)
    except signing.BadSignature:
        return None
    return rules.normalize_case_code(code) if isinstance(code, str) else None


@functools.cache
def _blocklist() -> frozenset[str]:
    return frozenset(p.casefold() for p in CommonPasswordValidator().passwords)


def passphrase_errors(passfrase: str, gjentatt: str, code: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    problems = rules.passphrase_problems(passfrase, case_code=code, blocklist=_blocklist())
    if not passfrase:
        problems = ["Velg en passfrase, så du kan komme tilbake til saken og se svar."]
    if problems:
        errors["passfrase"] = problems
    elif rules.normalize_passphrase(passfrase) != rules.normalize_passphrase(gjentatt):
        errors["passfrase_gjentatt"] = ["Passfrasene er ikke like. Skriv den samme passfrasen to ganger."]
    return errors


def reporter_token(sak: VarslingSak) -> str:
    """A signed, time-limited pass for the reporter's open page (in the page only, never stored)."""
    return signing.dumps({"sak": sak.pk}, salt=_TOKEN_SALT)


def sak_from_token(token: str) -> VarslingSak | None:
    try:
        data = signing.loads(token, salt=_TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    pk = data.get("sak") if isinstance(data, dict) else None
    if not isinstance(pk, int):
        return None
    return VarslingSak.objects.filter(pk=pk, anonym=True, slettet__isnull=True).select_related("leverandor").first()


# --- reporting -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VarslingInput:
    kanal: str = ""
    beskrivelse: str = ""
    tidsrom: str = ""


def _validate(leverandor: Leverandor, data: VarslingInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.beskrivelse.strip():
        errors["beskrivelse"] = [EMPTY_TEXT]
    elif len(data.beskrivelse) > MAX_TEKST:
        errors["beskrivelse"] = [f"Teksten kan ha høyst {MAX_TEKST} tegn."]
    if len(data.tidsrom) > 200:
        errors["tidsrom"] = ["Skriv kortere (høyst 200 tegn)."]
    open_channels = channels(leverandor)
    if not open_channels:
        errors["kanal"] = ["Denne virksomheten har ingen mottaker for varsler ennå. Kontakt Arbeidstilsynet."]
    elif data.kanal not in open_channels:
        errors["kanal"] = ["Velg hvem som skal få varselet."]
    return errors


@transaction.atomic
def report_anonymous(
    leverandor: Leverandor, data: VarslingInput, signed_code: str, passfrase: str, gjentatt: str
) -> tuple[VarslingSak, str]:
    """An anonymous report. Returns the case and its code (to be shown to the reporter, then forgotten).

    Nothing about the request is stored or audited (see the module docstring).
    """
    code = code_from_form(signed_code)
    errors = _validate(leverandor, data)
    if code is None:
        errors.setdefault("__all__", []).append(
            "Skjemaet var ugyldig. Du har fått et nytt saksnummer; se over og send igjen."
        )
    else:
        for field, msgs in passphrase_errors(passfrase, gjentatt, code).items():
            errors.setdefault(field, []).extend(msgs)
    if errors:
        raise ValidationError(errors)
    assert code is not None
    kode_hmac = _code_hmacs(code)[0]
    if VarslingSak.objects.filter(kode_hmac__in=_code_hmacs(code)).exists():
        # The same form sent twice (or, with 60 bits, practically never, a collision): never reuse a code.
        raise ValidationError({"__all__": ["Dette skjemaet er allerede sendt. Se etter svar med saksnummeret ditt."]})
    sak = VarslingSak.objects.create(
        leverandor=leverandor,
        kanal=data.kanal,
        anonym=True,
        beskrivelse=data.beskrivelse.strip(),
        tidsrom=data.tidsrom.strip(),
        kode_hmac=kode_hmac,
        passfrase_hash=rules.hash_passphrase(passfrase, HASHER),
        mottatt=_today(),
    )
    return sak, code


@transaction.atomic
def report_named(user: User, leverandor: Leverandor, data: VarslingInput) -> VarslingSak:
    """A report in the staff member's own name (audited: they are who they say they are)."""
    errors = _validate(leverandor, data)
    if leverandor.pk not in {lev.pk for lev in staff_leverandorer(user)}:
        errors.setdefault("__all__", []).append("Du kan bare varsle med navn til en virksomhet du jobber for.")
    if errors:
        raise ValidationError(errors)
    sak = VarslingSak.objects.create(
        leverandor=leverandor,
        kanal=data.kanal,
        anonym=False,
        melder=user,
        beskrivelse=data.beskrivelse.strip(),
        tidsrom=data.tidsrom.strip(),
        mottatt=_today(),
    )
    audit.record(user=user, action=AuditAction.CREATE, obj=sak, details={"handling": "varsle_med_navn"})
    return sak


def named_cases(user: User) -> QuerySet[VarslingSak]:
    return VarslingSak.objects.filter(melder=user, anonym=False, slettet__isnull=True)


# --- the anonymous reporter comes back -----------------------------------------------------------------


def _rate_key(code: str | None, typed: str) -> str:
    material = code if code is not None else "ugyldig:" + typed.strip().casefold()[:64]
    return "kode:" + _code_hmacs(material)[0]


def _load(data: dict[str, Any]) -> rules.KeyState:
    return rules.KeyState(
        attempts=tuple(float(t) for t in data.get("a", ())),
        locked_until=data.get("l"),
        strikes=int(data.get("s", 0)),
        last_lock_end=data.get("e"),
    )


def _dump(state: rules.KeyState) -> dict[str, Any]:
    return {"a": list(state.attempts), "l": state.locked_until, "s": state.strikes, "e": state.last_lock_end}


def _attempt(key: str, policy: rules.RatePolicy, now: float) -> rules.Decision:
    for _ in range(2):  # a concurrent first try may create the row between our get and create
        try:
            with transaction.atomic():
                row, _created = VarslingForsok.objects.select_for_update().get_or_create(nokkel=key)
                decision, state = rules.step(_load(row.tilstand), now, policy)
                row.tilstand = _dump(state)
                row.save(update_fields=["tilstand"])
                return decision
        except IntegrityError:
            continue
    raise RuntimeError("rate state could not be stored")


def open_anonymous(typed_code: str, passfrase: str) -> VarslingSak:
    """The case for a code and passphrase, or ``ValidationError`` with the same message for every miss.

    Each try is counted under the typed code's key and the global key before anything is checked; a
    locked key refuses without checking (the same answer whether the case exists or not).
    """
    now = clock()
    code = rules.normalize_case_code(typed_code)
    key = _rate_key(code, typed_code)
    decisions = [_attempt(key, CODE_POLICY, now), _attempt(GLOBAL_KEY, GLOBAL_POLICY, now)]
    refused = [d for d in decisions if not d.allowed]
    if refused:
        raise ValidationError(max(refused, key=lambda d: d.retry_after).message)
    found: list[VarslingSak] = []

    def lookup(canonical: str) -> str | None:
        hashes = _code_hmacs(canonical)
        sak = VarslingSak.objects.filter(kode_hmac__in=hashes, anonym=True, slettet__isnull=True).first()
        if sak is None:
            return None
        found.append(sak)
        return sak.passfrase_hash

    if not rules.verify_case_access(typed_code, passfrase, lookup, HASHER) or not found:
        raise ValidationError(WRONG_ACCESS)
    sak = found[0]
    with transaction.atomic():
        VarslingForsok.objects.filter(nokkel=key).delete()
        if rules.needs_rehash(sak.passfrase_hash, HASHER):
            sak.passfrase_hash = rules.hash_passphrase(passfrase, HASHER)
            sak.save(update_fields=["passfrase_hash"])
    return sak


def _check_text(tekst: str, field: str = "tekst") -> str:
    text = tekst.strip()
    if not text:
        raise ValidationError({field: "Skriv en melding før du sender."})
    if len(text) > MAX_TEKST:
        raise ValidationError({field: f"Meldingen kan ha høyst {MAX_TEKST} tegn."})
    return text


def _reporter_message(sak: VarslingSak, tekst: str) -> VarslingMelding:
    text = _check_text(tekst)
    if sak.slettet is not None or sak.status == VarslingSak.Status.AVSLUTTET:
        raise ValidationError({"tekst": CLOSED})
    last = sak.meldinger.order_by("-pk").first()
    if last is not None and last.fra == VarslingMelding.Fra.MELDER and last.tekst == text:
        return last  # the same page sent twice (reload after a POST): keep one
    melding = VarslingMelding.objects.create(sak=sak, fra=VarslingMelding.Fra.MELDER, tekst=text, dato=_today())
    VarslingSak.objects.filter(pk=sak.pk).update(nytt_fra_melder=True, nytt_fra_mottaker=False)
    return melding


@transaction.atomic
def anonymous_message(sak: VarslingSak, tekst: str) -> VarslingMelding:
    """The anonymous reporter answers or adds information (not audited: see the module docstring)."""
    return _reporter_message(sak, tekst)


def anonymous_seen(sak: VarslingSak) -> None:
    VarslingSak.objects.filter(pk=sak.pk).update(nytt_fra_mottaker=False)


@transaction.atomic
def named_message(user: User, sak: VarslingSak, tekst: str) -> VarslingMelding:
    if sak.melder_id != user.pk:
        raise ValidationError(NOT_RECIPIENT)
    melding = _reporter_message(sak, tekst)
    audit.record(user=user, action=AuditAction.CREATE, obj=sak, details={"handling": "melding_fra_varsler"})
    return melding


def named_seen(user: User, sak: VarslingSak) -> None:
    audit.record(user=user, action=AuditAction.READ, obj=sak, details={"visning": "min_varslingssak"})
    VarslingSak.objects.filter(pk=sak.pk).update(nytt_fra_mottaker=False)


def dialogue(sak: VarslingSak) -> list[VarslingMelding]:
    return list(sak.meldinger.all())


# --- the recipient -----------------------------------------------------------------------------------


def audit_list(user: User, shown: Iterable[VarslingSak]) -> None:
    """One audit row for the list view: who looked, and which case ids were listed."""
    ids = [s.pk for s in shown]
    audit.record(user=user, action=AuditAction.READ, details={"visning": "varsling_mottak", "saker": ids[:200]})


def audit_open(user: User, sak: VarslingSak) -> None:
    audit.record(user=user, action=AuditAction.READ, obj=sak, details={"visning": "varsling_sak"})
    if sak.nytt_fra_melder:
        VarslingSak.objects.filter(pk=sak.pk).update(nytt_fra_melder=False)


def audit_refused(user: User, sak_id: int) -> None:
    sak = VarslingSak.objects.filter(pk=sak_id).first()
    audit.record(
        user=user,
        action=AuditAction.REFUSED,
        obj=sak,
        details={"handling": "se_varslingssak", "avslag": "ikke_navngitt_mottaker", "sak": sak_id},
    )


def _require_handler(user: User, sak: VarslingSak) -> None:
    if not may_handle(user, sak):
        raise ValidationError(NOT_RECIPIENT)


def _acknowledge(sak: VarslingSak) -> None:
    if sak.kvittert is None:
        sak.kvittert = _today()


@transaction.atomic
def recipient_message(user: User, sak: VarslingSak, tekst: str) -> VarslingMelding:
    """A question or answer to the reporter (counts as the acknowledgement if it is the first)."""
    _require_handler(user, sak)
    text = _check_text(tekst)
    if sak.status == VarslingSak.Status.AVSLUTTET:
        raise ValidationError({"tekst": "Saken er avsluttet."})
    melding = VarslingMelding.objects.create(
        sak=sak, fra=VarslingMelding.Fra.MOTTAKER, forfatter=user, tekst=text, dato=_today()
    )
    _acknowledge(sak)
    sak.nytt_fra_mottaker = True
    sak.save(update_fields=["kvittert", "nytt_fra_mottaker"])
    audit.record(user=user, action=AuditAction.CREATE, obj=sak, details={"handling": "melding_til_varsler"})
    return melding


@transaction.atomic
def add_note(user: User, sak: VarslingSak, tekst: str) -> VarslingNotat:
    _require_handler(user, sak)
    text = _check_text(tekst, "notat")
    notat = VarslingNotat.objects.create(sak=sak, forfatter=user, tekst=text)
    audit.record(user=user, action=AuditAction.CREATE, obj=sak, details={"handling": "internt_notat"})
    return notat


@transaction.atomic
def start_investigation(user: User, sak: VarslingSak) -> None:
    _require_handler(user, sak)
    if sak.status != VarslingSak.Status.MOTTATT:
        raise ValidationError("Saken er allerede under undersøkelse eller avsluttet.")
    sak.status = VarslingSak.Status.UNDER_UNDERSOKELSE
    _acknowledge(sak)
    sak.save(update_fields=["status", "kvittert"])
    audit.record(user=user, action=AuditAction.UPDATE, obj=sak, details={"status": sak.status})


@transaction.atomic
def close(user: User, sak: VarslingSak, utfall: str, today: dt.date | None = None) -> rules.Sletting:
    """Close with an outcome; the deletion date follows from :func:`rules.varsling.deletion_due`.

    A case held for legal proceedings (``rettslig``) may be closed again with the final outcome.
    """
    _require_handler(user, sak)
    if sak.status == VarslingSak.Status.AVSLUTTET and sak.utfall != rules.Utfall.RETTSLIG:
        raise ValidationError("Saken er allerede avsluttet.")
    try:
        outcome = rules.Utfall(utfall)
    except ValueError as exc:
        raise ValidationError({"utfall": "Velg utfallet av saken."}) from exc
    day = today or _today()
    sletting = rules.deletion_due(day, outcome)
    sak.status = VarslingSak.Status.AVSLUTTET
    sak.utfall = outcome.value
    sak.avsluttet = day
    sak.slettes = sletting.due
    sak.slette_regel = sletting.rule
    _acknowledge(sak)
    sak.save(update_fields=["status", "utfall", "avsluttet", "slettes", "slette_regel", "kvittert"])
    audit.record(
        user=user,
        action=AuditAction.UPDATE,
        obj=sak,
        details={"status": sak.status, "utfall": sak.utfall, "slettes": str(sak.slettes or "")},
    )
    return sletting


@transaction.atomic
def delete_due(today: dt.date | None = None) -> int:
    """Delete the content of every closed case whose deletion day has come; keep an anonymous tally.

    Run daily (a scheduled job or ``helhet kvalitet``); returns how many cases were deleted. Also
    drops rate-limit state that no longer matters.
    """
    day = today or _today()
    due = list(
        VarslingSak.objects.select_for_update().filter(slettet__isnull=True, slettes__isnull=False, slettes__lte=day)
    )
    for sak in due:
        VarslingMelding.objects.filter(sak=sak).delete()
        VarslingNotat.objects.filter(sak=sak).delete()
        VarslingSak.objects.filter(pk=sak.pk).update(
            beskrivelse="",
            tidsrom="",
            melder=None,
            kode_hmac=None,
            passfrase_hash="",
            slettet=day,
            nytt_fra_melder=False,
            nytt_fra_mottaker=False,
        )
        audit.record(
            user=None,
            action=AuditAction.DELETE,
            obj=sak,
            details={"handling": "sletting_etter_frist", "utfall": sak.utfall, "slettes": str(sak.slettes)},
        )
    prune_rate_state()
    return len(due)


def prune_rate_state(now: float | None = None) -> int:
    """Drop rate-limit rows that are idle (:func:`rules.varsling.is_idle`)."""
    moment = clock() if now is None else now
    idle = []
    for row in VarslingForsok.objects.all().iterator():
        policy = GLOBAL_POLICY if row.nokkel == GLOBAL_KEY else CODE_POLICY
        if rules.is_idle(_load(row.tilstand), moment, policy):
            idle.append(row.pk)
    VarslingForsok.objects.filter(pk__in=idle).delete()
    return len(idle)


# --- figures (counts only, never content) ----------------------------------------------------------------


@dataclass(frozen=True)
class SakRad:
    """What a figure needs of one case: dates only."""

    mottatt: dt.date
    kvittert: dt.date | None
    avsluttet: dt.date | None


def tall(rows: Iterable[SakRad], fra: dt.date, til: dt.date, today: dt.date) -> list[tuple[str, str, str]]:
    """Pure: cases received in [fra, til], closed, and the share acknowledged within 7 days.

    A case still unacknowledged counts in the denominator only once its 7 days have passed (it can
    still make it); the share is blank with no such cases.
    """
    received = [r for r in rows if fra <= r.mottatt <= til]
    closed = [r for r in received if r.avsluttet is not None]
    limit = dt.timedelta(days=KVITTERING_DAGER)
    decided = [r for r in received if r.kvittert is not None or today - r.mottatt > limit]
    in_time = [r for r in decided if r.kvittert is not None and r.kvittert - r.mottatt <= limit]
    share = f"{100 * len(in_time) / len(decided):.1f}" if decided else "-"
    return [
        ("varsler_mottatt", str(len(received)), "stk"),
        ("varsler_avsluttet", str(len(closed)), "stk"),
        (f"varsler_kvittert_innen_{KVITTERING_DAGER}_dager_andel", share, "%"),
    ]


def nokkeltall(fra: dt.date, til: dt.date, enhet: Enhet | None) -> list[tuple[str, str, str]]:
    """Figures for ``helhet kvalitet nokkeltall``. Cases belong to a provider, not an enhet: with an
    enhet, the figures are for its provider (a smaller group would risk pointing at the reporter)."""
    qs = VarslingSak.objects.all()
    if enhet is not None:
        qs = qs.filter(leverandor_id=enhet.leverandor_id)
    rows = [SakRad(m, k, a) for m, k, a in qs.values_list("mottatt", "kvittert", "avsluttet")]
    return tall(rows, fra, til, _today())


# --- naming the recipients ----------------------------------------------------------------------------

#: Who names a provider's recipients: its kvalitetsleder or a leder placed at the whole provider.
RECIPIENT_ADMIN_ROLES = frozenset({Role.KVALITETSLEDER, Role.LEDER})


def managed_leverandorer(user: User) -> list[Leverandor]:
    """The providers whose recipients the user names (a kvalitetsleder placed nowhere: all)."""
    ids: set[int] = set()
    for a in user.active_assignments():
        if a.rolle not in RECIPIENT_ADMIN_ROLES:
            continue
        if a.leverandor_id:
            ids.add(a.leverandor_id)
        elif a.rolle == Role.KVALITETSLEDER and not (a.enhet_id or a.team_id or a.bydel_id):
            return list(Leverandor.objects.order_by("navn"))
    return list(Leverandor.objects.filter(pk__in=ids).order_by("navn"))


def may_manage_recipients(user: User, leverandor: Leverandor) -> bool:
    return any(lev.pk == leverandor.pk for lev in managed_leverandorer(user))


def recipient_candidates(leverandor: Leverandor, kanal: str) -> QuerySet[User]:
    """Internal: active staff working at the provider. External: active users of the external kind."""
    if kanal == Kanal.EKSTERN:
        return User.objects.filter(kind=UserKind.VARSELMOTTAKER, is_active=True).order_by("last_name", "first_name")
    day = timezone.localdate()
    active = Q(role_assignments__gyldig_fra__lte=day) & (
        Q(role_assignments__gyldig_til__isnull=True) | Q(role_assignments__gyldig_til__gte=day)
    )
    here = (
        Q(role_assignments__leverandor=leverandor)
        | Q(role_assignments__enhet__leverandor=leverandor)
        | Q(role_assignments__team__enhet__leverandor=leverandor)
    )
    return (
        User.objects.filter(active & here, kind=UserKind.STAFF, is_active=True)
        .distinct()
        .order_by("last_name", "first_name")
    )


def _require_admin(user: User, leverandor: Leverandor) -> None:
    if not may_manage_recipients(user, leverandor):
        raise ValidationError("Bare kvalitetsleder eller leder for virksomheten kan navngi mottakere for varsler.")


def _record_recipient(user: User, action: str, mottaker: VarslingMottaker, handling: str) -> None:
    audit.record(
        user=user,
        action=action,
        obj=mottaker,
        details={"handling": handling, "kanal": mottaker.kanal, "mottaker": mottaker.user_id},
    )


@transaction.atomic
def add_recipient(
    user: User, leverandor: Leverandor, recipient: User | None, kanal: str, organisasjon: str = ""
) -> VarslingMottaker:
    """Name a recipient (or take an earlier one back). Audited: the recipients see who changed the list."""
    _require_admin(user, leverandor)
    errors: dict[str, str] = {}
    if kanal not in Kanal.values:
        errors["kanal"] = "Velg intern eller ekstern mottaker."
    if recipient is None:
        errors["mottaker"] = "Velg hvem som skal ta imot varsler."
    elif kanal in Kanal.values and not recipient_candidates(leverandor, kanal).filter(pk=recipient.pk).exists():
        errors["mottaker"] = (
            "En ekstern mottaker må ha en egen innlogging som ekstern varslingsmottaker."
            if kanal == Kanal.EKSTERN
            else "En intern mottaker må være en aktiv ansatt i virksomheten."
        )
    organisasjon = organisasjon.strip()
    if kanal == Kanal.EKSTERN and not organisasjon:
        errors["organisasjon"] = "Skriv hvilken organisasjon den eksterne mottakeren hører til."
    if errors:
        raise ValidationError(errors)
    assert recipient is not None
    mottaker, created = VarslingMottaker.objects.get_or_create(
        leverandor=leverandor, user=recipient, kanal=kanal, defaults={"organisasjon": organisasjon}
    )
    if not created:
        if mottaker.aktiv:
            raise ValidationError({"mottaker": f"{recipient.get_full_name()} er allerede mottaker i denne kanalen."})
        mottaker.aktiv = True
        mottaker.organisasjon = organisasjon or mottaker.organisasjon
        mottaker.save(update_fields=["aktiv", "organisasjon"])
    _record_recipient(user, AuditAction.CREATE if created else AuditAction.UPDATE, mottaker, "mottaker_lagt_til")
    return mottaker


@transaction.atomic
def remove_recipient(user: User, mottaker: VarslingMottaker) -> None:
    """Stop a recipient; refused when open cases in the channel would be left with no one to handle them."""
    _require_admin(user, mottaker.leverandor)
    mottaker = VarslingMottaker.objects.select_for_update().get(pk=mottaker.pk)
    others = (
        VarslingMottaker.objects.filter(leverandor=mottaker.leverandor, kanal=mottaker.kanal, aktiv=True)
        .exclude(pk=mottaker.pk)
        .exists()
    )
    open_cases = (
        VarslingSak.objects.filter(leverandor=mottaker.leverandor, kanal=mottaker.kanal, slettet__isnull=True)
        .exclude(status=VarslingSak.Status.AVSLUTTET)
        .exists()
    )
    if open_cases and not others:
        raise ValidationError(
            "Det finnes åpne varslingssaker i denne kanalen. Navngi en ny mottaker før denne fjernes, "
            "så ingen sak står uten mottaker."
        )
    mottaker.aktiv = False
    mottaker.save(update_fields=["aktiv"])
    _record_recipient(user, AuditAction.UPDATE, mottaker, "mottaker_fjernet")


def recipient_changes(leverandor: Leverandor, limit: int = 20) -> list[Any]:
    """The latest changes of the provider's recipient list (who changed what, when), for transparency."""
    from helhet.core.models import AuditEvent

    ids = list(VarslingMottaker.objects.filter(leverandor=leverandor).values_list("pk", flat=True))
    return list(
        AuditEvent.objects.filter(record_type="quality.VarslingMottaker", record_id__in=[str(i) for i in ids]).order_by(
            "-pk"
        )[:limit]
    )
