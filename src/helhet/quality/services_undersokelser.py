"""Undersøkelse use cases (issue 7 point 7). One transaction each; changes and result reads are audited.

- Build: ``create_survey`` → ``add_question`` (a type from :class:`rules.undersokelse.Kind`) →
  ``create_round`` (open/close dates) → for a user survey ``create_links`` (one-time tokens; the raw
  tokens are returned once and only their SHA-256 is stored).
- Answer: ``answer_with_token`` (users and relatives, no login) and ``answer_as_staff`` (logged in).
  Both refuse outside the round's dates with a Norwegian message and save nothing. The answers
  (:class:`Besvarelse`) carry the round and the group only; the token is marked used, and a staff
  member's :class:`Deltakelse` is written in a separate table. Neither links to the answers.
- Results: ``results`` turns the rows into :mod:`rules.undersokelse` answers, aggregates them (groups
  under ``MIN_GROUP_SIZE`` never shown) and compares with the previous round of the same survey.

Who: building, links and results are for leder and kvalitetsleder at the survey's leverandør (a leder
placed at the leverandør or at one of its enheter; a kvalitetsleder anywhere). Staff answer the
employee surveys of the leverandør they work for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from helhet.core import audit
from helhet.core.models import AuditAction, Enhet, Leverandor, Role, User
from helhet.quality.models import (
    Besvarelse,
    Deltakelse,
    Runde,
    Svar,
    SvarLenke,
    Undersokelse,
    UndersokelseSporsmal,
)
from helhet.quality.rules import undersokelse as rules
from helhet.quality.rules.undersokelse import Kind

RESULT_ROLES = frozenset({Role.LEDER, Role.KVALITETSLEDER})
MAX_LINKS = 500

BAD_LINK = "Lenken er ikke gyldig. Sjekk at du har skrevet den av riktig, eller spør den som ga deg lenken."
USED_LINK = "Denne lenken er allerede brukt. Hver lenke kan bare brukes én gang. Takk hvis det var du som svarte!"
ALREADY = "Du har allerede svart på denne undersøkelsen. Takk!"


def closed_message(runde: Runde) -> str:
    return (
        f"Undersøkelsen ble stengt {runde.stenges:%d.%m.%Y}. Det er ikke lenger mulig å svare, "
        "og svaret ditt er ikke lagret."
    )


def not_open_message(runde: Runde) -> str:
    return f"Undersøkelsen åpner {runde.apnes:%d.%m.%Y}. Svaret ditt er ikke lagret. Prøv igjen da."


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- access --------------------------------------------------------------------------------------------


def _leverandor_ids(user: User, roles: frozenset[str] | None) -> set[int] | None:
    """The leverandører where the user has one of ``roles`` (any role: ``None``). ``None`` result: all."""
    ids: set[int] = set()
    for a in user.active_assignments():
        if roles is not None and a.rolle == Role.KVALITETSLEDER and Role.KVALITETSLEDER in roles:
            return None
        if roles is not None and a.rolle not in roles:
            continue
        if a.leverandor_id:
            ids.add(a.leverandor_id)
        elif a.enhet is not None:
            ids.add(a.enhet.leverandor_id)
        elif a.team is not None:
            ids.add(a.team.enhet.leverandor_id)
    return ids


def may_manage_any(user: User) -> bool:
    ids = _leverandor_ids(user, RESULT_ROLES)
    return ids is None or bool(ids)


def may_manage(user: User, undersokelse: Undersokelse) -> bool:
    ids = _leverandor_ids(user, RESULT_ROLES)
    return ids is None or undersokelse.leverandor_id in ids


def managed_leverandorer(user: User) -> QuerySet[Leverandor]:
    ids = _leverandor_ids(user, RESULT_ROLES)
    qs = Leverandor.objects.order_by("navn")
    return qs if ids is None else qs.filter(pk__in=ids)


def surveys_for(user: User) -> QuerySet[Undersokelse]:
    ids = _leverandor_ids(user, RESULT_ROLES)
    qs = Undersokelse.objects.select_related("leverandor")
    return qs if ids is None else qs.filter(leverandor_id__in=ids)


def staff_enheter(user: User, leverandor_id: int) -> list[Enhet]:
    """The user's enheter at the leverandør (the group of an employee's answer)."""
    found: dict[int, Enhet] = {}
    for a in user.active_assignments():
        enhet = a.enhet or (a.team.enhet if a.team is not None else None)
        if enhet is not None and enhet.leverandor_id == leverandor_id:
            found[enhet.pk] = enhet
    return sorted(found.values(), key=lambda e: e.navn)


def may_answer_as_staff(user: User, runde: Runde) -> bool:
    if runde.undersokelse.malgruppe != Undersokelse.Malgruppe.ANSATT or not user.is_staff_user:
        return False
    ids = _leverandor_ids(user, None)
    return ids is not None and runde.undersokelse.leverandor_id in ids


def open_staff_rounds(user: User, day: dt.date | None = None) -> list[tuple[Runde, bool]]:
    """Open employee-survey rounds the user may answer, with whether the user has answered."""
    day = day or timezone.localdate()
    ids = _leverandor_ids(user, None) or set()
    rounds = Runde.objects.filter(
        undersokelse__malgruppe=Undersokelse.Malgruppe.ANSATT,
        undersokelse__leverandor_id__in=ids,
        apnes__lte=day,
        stenges__gte=day,
    ).select_related("undersokelse")
    answered = set(Deltakelse.objects.filter(user=user, runde__in=rounds).values_list("runde_id", flat=True))
    return [(r, r.pk in answered) for r in rounds]


def _require_manager(user: User, undersokelse: Undersokelse) -> None:
    if not may_manage(user, undersokelse):
        raise ValidationError("Bare leder eller kvalitetsleder hos leverandøren kan gjøre dette.")


def _record(user: User | None, action: str, obj: Any, **details: Any) -> None:
    audit.record(user=user, action=action, obj=obj, details=details)


# --- building -----------------------------------------------------------------------------------------


@transaction.atomic
def create_survey(
    user: User,
    *,
    tittel: str,
    malgruppe: str,
    leverandor_id: int | None,
    gruppering: str = Undersokelse.Gruppering.ENHET,
    svartyper: Sequence[str] = (),
    innledning: str = "",
) -> Undersokelse:
    errors: dict[str, str] = {}
    if not tittel.strip():
        errors["tittel"] = "Skriv en tittel."
    if malgruppe not in Undersokelse.Malgruppe.values:
        errors["malgruppe"] = "Velg hvem undersøkelsen er for."
    if leverandor_id is None or not managed_leverandorer(user).filter(pk=leverandor_id).exists():
        errors["leverandor"] = "Velg en leverandør der du er leder eller kvalitetsleder."
    types = [t.strip()[:100] for t in svartyper if t.strip()]
    if gruppering not in Undersokelse.Gruppering.values:
        errors["gruppering"] = "Velg hvordan svarene skal grupperes."
    elif gruppering == Undersokelse.Gruppering.SVARTYPE and len(types) < 2:
        errors["svartyper"] = "Skriv minst to svartyper, én per linje (for eksempel «Bruker» og «Pårørende»)."
    if errors:
        raise ValidationError(errors)
    assert leverandor_id is not None
    survey = Undersokelse.objects.create(
        tittel=tittel.strip()[:200],
        malgruppe=malgruppe,
        leverandor_id=leverandor_id,
        gruppering=gruppering,
        svartyper=list(dict.fromkeys(types)),
        innledning=innledning.strip(),
        opprettet_av=user,
    )
    _record(user, AuditAction.CREATE, survey, handling="undersokelse_opprettet")
    return survey


@transaction.atomic
def add_question(user: User, undersokelse: Undersokelse, kind: str, tekst: str, kode: str = "") -> UndersokelseSporsmal:
    _require_manager(user, undersokelse)
    errors: dict[str, str] = {}
    if kind not in {k.value for k in Kind}:
        errors["type"] = "Velg en spørsmålstype."
    if not tekst.strip():
        errors["tekst"] = "Skriv spørsmålet."
    code = slugify(kode or "")[:40]
    if kode and not code:
        errors["kode"] = "Koden kan bare ha bokstaver, tall og bindestrek."
    if errors:
        raise ValidationError(errors)
    nummer = (undersokelse.sporsmal.aggregate(n=Max("rekkefolge"))["n"] or 0) + 1
    code = code or f"s{nummer}"
    if undersokelse.sporsmal.filter(kode=code).exists():
        raise ValidationError({"kode": f"Koden «{code}» er allerede brukt i denne undersøkelsen."})
    question = UndersokelseSporsmal.objects.create(
        undersokelse=undersokelse, rekkefolge=nummer, kode=code, type=kind, tekst=tekst.strip()[:400]
    )
    _record(user, AuditAction.UPDATE, undersokelse, handling="sporsmal_lagt_til", sporsmal=question.kode)
    return question


@transaction.atomic
def create_round(
    user: User, undersokelse: Undersokelse, navn: str, apnes: dt.date | None, stenges: dt.date | None
) -> Runde:
    _require_manager(user, undersokelse)
    errors: dict[str, str] = {}
    if not navn.strip():
        errors["navn"] = "Gi runden et navn, for eksempel «Høst 2026»."
    if apnes is None:
        errors["apnes"] = "Skriv datoen runden åpner."
    if stenges is None:
        errors["stenges"] = "Skriv svarfristen (datoen runden stenger)."
    elif apnes is not None and stenges < apnes:
        errors["stenges"] = "Svarfristen kan ikke være før runden åpner."
    if not undersokelse.sporsmal.exists():
        errors["__all__"] = "Legg til minst ett spørsmål før du lager en runde."
    if errors:
        raise ValidationError(errors)
    assert apnes is not None and stenges is not None
    runde = Runde.objects.create(undersokelse=undersokelse, navn=navn.strip()[:100], apnes=apnes, stenges=stenges)
    _record(user, AuditAction.CREATE, runde, handling="runde_opprettet")
    return runde


def group_choices(undersokelse: Undersokelse) -> list[str]:
    if undersokelse.gruppering == Undersokelse.Gruppering.SVARTYPE:
        return list(undersokelse.svartyper)
    return list(
        Enhet.objects.filter(leverandor_id=undersokelse.leverandor_id).order_by("navn").values_list("navn", flat=True)
    )


@transaction.atomic
def create_links(user: User, runde: Runde, antall: int | None, gruppe: str = "") -> list[str]:
    """``antall`` one-time tokens for a user survey round, for ``gruppe`` (an enhet when grouped by enhet)."""
    survey = runde.undersokelse
    _require_manager(user, survey)
    errors: dict[str, str] = {}
    if survey.malgruppe != Undersokelse.Malgruppe.BRUKER:
        errors["__all__"] = "Svarlenker lages bare for brukerundersøkelser. Ansatte svarer innlogget."
    if antall is None or not 1 <= antall <= MAX_LINKS:
        errors["antall"] = f"Skriv et antall fra 1 til {MAX_LINKS}."
    if survey.gruppering == Undersokelse.Gruppering.ENHET and gruppe not in group_choices(survey):
        errors["gruppe"] = "Velg hvilken enhet lenkene er for."
    if runde.stenges < timezone.localdate():
        errors["__all__"] = "Runden er stengt. Lag en ny runde."
    if errors:
        raise ValidationError(errors)
    assert antall is not None
    tokens = [secrets.token_urlsafe(18) for _ in range(antall)]
    group = gruppe if survey.gruppering == Undersokelse.Gruppering.ENHET else ""
    SvarLenke.objects.bulk_create([SvarLenke(runde=runde, token_hash=hash_token(t), gruppe=group) for t in tokens])
    _record(user, AuditAction.CREATE, runde, handling="svarlenker_laget", antall=antall)
    return tokens


# --- answering ----------------------------------------------------------------------------------------


def parse_value(question: UndersokelseSporsmal, raw: str | None) -> rules.Value:
    """The form's text as an answer value (empty: «vet ikke»); raises ``InvalidAnswer`` when it does not fit."""
    raw = (raw or "").strip()
    kind = question.kind
    value: rules.Value
    if not raw or raw == "vet_ikke":
        value = None
    elif kind == Kind.FRITEKST:
        value = raw[:2000]
    elif kind == Kind.JA_NEI:
        if raw not in ("ja", "nei"):
            raise rules.InvalidAnswer("Velg ja eller nei.")
        value = raw == "ja"
    else:
        try:
            value = int(raw)
        except ValueError as exc:
            low, high = rules.SCALE_RANGE[kind]
            raise rules.InvalidAnswer(f"Velg et tall fra {low} til {high}.") from exc
    # The rule decides whether the value fits the question (the same check the results use).
    rules.aggregate([_rule_question(question)], [rules.Answer("sjekk", question.kode, value)], min_n=1)
    return value


def _rule_question(question: UndersokelseSporsmal) -> rules.Question:
    return rules.Question(question.kode, question.kind, question.tekst)


def _clean_answers(runde: Runde, raw: Mapping[str, str]) -> dict[UndersokelseSporsmal, rules.Value]:
    """``raw`` maps ``sporsmal_<pk>`` to the posted text. Errors keyed by the same names."""
    values: dict[UndersokelseSporsmal, rules.Value] = {}
    errors: dict[str, str] = {}
    for question in runde.undersokelse.sporsmal.all():
        field = f"sporsmal_{question.pk}"
        try:
            values[question] = parse_value(question, raw.get(field))
        except rules.InvalidAnswer as exc:
            errors[field] = exc.message
    if errors:
        raise ValidationError(errors)
    if all(v is None for v in values.values()):
        raise ValidationError({"__all__": "Du har ikke svart på noen spørsmål ennå."})
    return values


def _check_open(runde: Runde, day: dt.date) -> None:
    if day > runde.stenges:
        raise ValidationError(closed_message(runde), code="stengt")
    if day < runde.apnes:
        raise ValidationError(not_open_message(runde), code="ikke_apen")


def _check_group(survey: Undersokelse, gruppe: str, allowed: Sequence[str]) -> str:
    if not gruppe:
        return ""
    if gruppe not in allowed:
        raise ValidationError({"gruppe": "Velg et av alternativene."})
    return gruppe


def _save(runde: Runde, gruppe: str, values: Mapping[UndersokelseSporsmal, rules.Value]) -> Besvarelse:
    besvarelse = Besvarelse.objects.create(runde=runde, gruppe=gruppe)
    Svar.objects.bulk_create([Svar(besvarelse=besvarelse, sporsmal=q, verdi=v) for q, v in values.items()])
    return besvarelse


def link_for(token: str) -> SvarLenke | None:
    return SvarLenke.objects.select_related("runde__undersokelse").filter(token_hash=hash_token(token)).first()


@transaction.atomic
def answer_with_token(token: str, raw: Mapping[str, str], gruppe: str = "", day: dt.date | None = None) -> None:
    """Save a user survey answer through a one-time link. No user, no token and no time on the answers."""
    day = day or timezone.localdate()
    lenke = SvarLenke.objects.select_for_update().filter(token_hash=hash_token(token)).first()
    if lenke is None:
        raise ValidationError(BAD_LINK, code="ugyldig")
    if lenke.brukt:
        raise ValidationError(USED_LINK, code="brukt")
    runde = Runde.objects.select_related("undersokelse").get(pk=lenke.runde_id)
    _check_open(runde, day)
    survey = runde.undersokelse
    if survey.gruppering == Undersokelse.Gruppering.SVARTYPE:
        group = _check_group(survey, gruppe, survey.svartyper)
    else:
        group = lenke.gruppe
    values = _clean_answers(runde, raw)
    lenke.brukt = True
    lenke.save(update_fields=["brukt"])
    _save(runde, group, values)
    # No audit row names the link or the answers: the trail would otherwise tie them together.


@transaction.atomic
def answer_as_staff(
    user: User, runde: Runde, raw: Mapping[str, str], gruppe: str = "", day: dt.date | None = None
) -> None:
    """Save an employee's anonymous answer; only *that* the user answered is recorded, apart from it."""
    day = day or timezone.localdate()
    runde = Runde.objects.select_related("undersokelse").get(pk=runde.pk)
    if not may_answer_as_staff(user, runde):
        raise ValidationError("Denne undersøkelsen er ikke for deg.", code="ikke_for_deg")
    _check_open(runde, day)
    if Deltakelse.objects.filter(runde=runde, user=user).exists():
        raise ValidationError(ALREADY, code="allerede")
    survey = runde.undersokelse
    if survey.gruppering == Undersokelse.Gruppering.SVARTYPE:
        group = _check_group(survey, gruppe, survey.svartyper)
    else:
        enheter = [e.navn for e in staff_enheter(user, survey.leverandor_id)]
        group = _check_group(survey, gruppe, enheter) if len(enheter) > 1 else (enheter[0] if enheter else "")
    values = _clean_answers(runde, raw)
    try:
        with transaction.atomic():
            Deltakelse.objects.create(runde=runde, user=user)
    except IntegrityError as exc:  # two tabs at once
        raise ValidationError(ALREADY, code="allerede") from exc
    _save(runde, group, values)


# --- results --------------------------------------------------------------------------------------------


def rule_questions(undersokelse: Undersokelse) -> list[rules.Question]:
    return [_rule_question(q) for q in undersokelse.sporsmal.all()]


def rule_answers(runde: Runde) -> list[rules.Answer]:
    rows = Svar.objects.filter(besvarelse__runde=runde).values_list(
        "besvarelse_id", "besvarelse__gruppe", "sporsmal__kode", "verdi"
    )
    return [rules.Answer(str(b), kode, verdi, gruppe or None) for b, gruppe, kode, verdi in rows]


def previous_round(runde: Runde) -> Runde | None:
    return (
        Runde.objects.filter(undersokelse_id=runde.undersokelse_id)
        .filter(Q(apnes__lt=runde.apnes) | Q(apnes=runde.apnes, pk__lt=runde.pk))
        .order_by("-apnes", "-pk")
        .first()
    )


@dataclass(frozen=True)
class Results:
    runde: Runde
    report: rules.Report
    respondents: int
    previous: Runde | None
    comparisons: tuple[rules.Comparison, ...]
    links: int
    links_used: int


def results(user: User, runde: Runde) -> Results:
    """Aggregated results (suppressed under ``MIN_GROUP_SIZE``) and the comparison with the previous round."""
    survey = runde.undersokelse
    _require_manager(user, survey)
    questions = rule_questions(survey)
    report = rules.aggregate(questions, rule_answers(runde))
    previous = previous_round(runde)
    comparisons: tuple[rules.Comparison, ...] = ()
    if previous is not None:
        before = rules.aggregate(questions, rule_answers(previous))
        comparisons = tuple(rules.compare_rounds(report, before))
    _record(user, AuditAction.READ, runde, visning="resultater")
    return Results(
        runde=runde,
        report=report,
        respondents=runde.besvarelser.count(),
        previous=previous,
        comparisons=comparisons,
        links=runde.lenker.count(),
        links_used=runde.lenker.filter(brukt=True).count(),
    )


# --- figures for `helhet kvalitet nokkeltall` ------------------------------------------------------------


def nokkeltall(fra: dt.date, til: dt.date, enhet: Enhet | None) -> list[tuple[str, str, str]]:
    """Answers in the rounds that closed within [fra, til]; with an enhet, only answers grouped under it.

    A plain count of rows (no rule to apply); shares and means need the per-question results page,
    where small groups are suppressed.
    """
    lines = []
    for name, malgruppe in (
        ("brukerundersokelse_svar", Undersokelse.Malgruppe.BRUKER),
        ("medarbeiderundersokelse_svar", Undersokelse.Malgruppe.ANSATT),
    ):
        qs = Besvarelse.objects.filter(
            runde__undersokelse__malgruppe=malgruppe, runde__stenges__gte=fra, runde__stenges__lte=til
        )
        if enhet is not None:
            qs = qs.filter(runde__undersokelse__leverandor_id=enhet.leverandor_id, gruppe=enhet.navn)
        lines.append((name, str(qs.count()), "stk"))
    return lines
