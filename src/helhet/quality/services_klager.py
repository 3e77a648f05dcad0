"""Complaints on the service (issue 7 point 3): register → handle → answer. One transaction each, audited.

Who may do what:

- **Register**: staff working at the provider (any active role at the leverandør, one of its
  enheter or a team there), for any enhet of a provider they work at.
- **Handle and answer**: meldingsansvarlig or leder at the enhet (a leder placed at the leverandør
  handles all its enheter), and the kvalitetsleder — the same rule as for avvik
  (:func:`helhet.quality.services.handled_enhet_ids`).
- A complaint linked to a tjenestemottaker is person data: linking needs
  :func:`helhet.core.access.check` for the person (a refusal is audited after the rollback), and the
  audit rows of a linked complaint name the person. Unlinked complaints are audited as records.

The answer deadline comes from :func:`helhet.quality.rules.klager.answer_deadline`; the figures
(``nokkeltall``, ``figures``) from the same pure module. Errors are ``ValidationError`` with
Norwegian messages keyed by field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from helhet.cases.models import Klage
from helhet.core import audit
from helhet.core.access import Action, Decision, check
from helhet.core.models import AuditAction, Enhet, Tjenestemottaker, User
from helhet.quality import services as avvik_services
from helhet.quality.models import Tjenesteklage
from helhet.quality.rules import klager as rules
from helhet.quality.rules.avvik_tall import Period
from helhet.quality.services import PersonRefused, _service

NO_ACCESS_TO_PERSON = (
    "Du har ikke tilgang til opplysningene om personen, så klagen kan ikke knyttes til personen. "
    "Registrer klagen uten kobling, eller be leder om hjelp."
)


@dataclass(frozen=True)
class KlageInput:
    """What the registering staff member typed."""

    enhet_id: int | None = None
    klager_rolle: str = ""
    klager_navn: str = ""
    mottatt: dt.date | None = None
    kanal: str = ""
    tema: str = ""
    beskrivelse: str = ""
    tjenestemottaker: Tjenestemottaker | None = None


# --- who may do what ---------------------------------------------------------------------------------


def provider_ids(user: User) -> set[int]:
    """The providers (leverandører) the user works at now."""
    ids: set[int] = set()
    for a in user.active_assignments():
        if a.leverandor_id:
            ids.add(a.leverandor_id)
        elif a.enhet is not None:
            ids.add(a.enhet.leverandor_id)
        elif a.team is not None:
            ids.add(a.team.enhet.leverandor_id)
    return ids


def register_enheter(user: User) -> QuerySet[Enhet]:
    """The enheter a complaint may be registered for: every enhet of a provider the user works at,
    and the enheter the user handles complaints for (all, for a kvalitetsleder without a place)."""
    handled = avvik_services.handled_enhet_ids(user)
    qs = Enhet.objects.select_related("leverandor")
    if handled is None:
        return qs
    return qs.filter(Q(leverandor_id__in=provider_ids(user)) | Q(pk__in=handled))


def may_register(user: User) -> bool:
    return user.is_active and user.is_staff_user and register_enheter(user).exists()


def handled_klager(user: User) -> QuerySet[Tjenesteklage]:
    qs = Tjenesteklage.objects.all()
    ids = avvik_services.handled_enhet_ids(user)
    if ids is None:
        return qs
    return qs.filter(Q(enhet_id__in=ids) | Q(behandler=user))


def is_handler(user: User) -> bool:
    return avvik_services.is_handler(user)


def may_handle(user: User, klage: Tjenesteklage) -> bool:
    if klage.behandler_id == user.pk:
        return True
    ids = avvik_services.handled_enhet_ids(user)
    return ids is None or klage.enhet_id in ids


def may_see(user: User, klage: Tjenesteklage) -> bool:
    """Role only; a person-linked complaint also needs the access check for the person."""
    return klage.registrert_av_id == user.pk or may_handle(user, klage)


class KlagePersonRefused(PersonRefused):
    """The access check refused the person; audited by ``_service`` after the rollback (as for avvik)."""

    def __init__(self, field: str, person: Tjenestemottaker, decision: Decision) -> None:
        ValidationError.__init__(self, {field: NO_ACCESS_TO_PERSON})
        self.person = person
        self.decision = decision


def _require_person(user: User, person: Tjenestemottaker, field: str) -> Decision:
    decision = check(user, Action.VIEW, person)
    if not decision.allowed:
        raise KlagePersonRefused(field, person, decision)
    return decision


def _record(user: User, action: str, klage: Tjenesteklage, decision: Decision | None = None, **details: Any) -> None:
    audit.record(
        user=user,
        action=action,
        person=klage.tjenestemottaker,
        obj=klage,
        decision=decision,
        details={"omrade": "klage", "status": klage.status, **details},
    )


def _require_handler(user: User, klage: Tjenesteklage) -> Decision | None:
    if not may_handle(user, klage):
        raise ValidationError("Bare meldingsansvarlig, leder ved enheten eller kvalitetsleder kan behandle klagen.")
    if klage.tjenestemottaker is not None:
        return _require_person(user, klage.tjenestemottaker, "__all__")
    return None


# --- use cases -----------------------------------------------------------------------------------------


@_service
def register(user: User, data: KlageInput, today: dt.date | None = None) -> Tjenesteklage:
    """Register a complaint; the answer deadline is set from the date received."""
    today = today or timezone.localdate()
    if not may_register(user):
        raise ValidationError("Bare ansatte hos leverandøren kan registrere klager på tjenesten.")
    errors: dict[str, str] = {}
    if not data.beskrivelse.strip():
        errors["beskrivelse"] = "Skriv hva klagen gjelder."
    if data.mottatt is None:
        errors["mottatt"] = "Skriv datoen klagen kom inn."
    elif data.mottatt > today:
        errors["mottatt"] = "Datoen klagen kom inn kan ikke være fram i tid."
    if data.klager_rolle not in Tjenesteklage.KlagerRolle.values:
        errors["klager_rolle"] = "Velg hvem som klaget."
    if data.kanal not in Tjenesteklage.Kanal.values:
        errors["kanal"] = "Velg hvordan klagen kom inn."
    if data.tema not in Tjenesteklage.Tema.values:
        errors["tema"] = "Velg hva klagen handler om."
    if data.enhet_id is None:
        errors["enhet"] = "Velg hvilken enhet klagen gjelder."
    elif not register_enheter(user).filter(pk=data.enhet_id).exists():
        errors["enhet"] = "Du kan bare registrere klager for enheter hos leverandøren du jobber for."
    if errors:
        raise ValidationError(errors)
    assert data.mottatt is not None and data.enhet_id is not None
    decision = None
    if data.tjenestemottaker is not None:
        decision = _require_person(user, data.tjenestemottaker, "tjenestemottaker")
    klage = Tjenesteklage.objects.create(
        enhet_id=data.enhet_id,
        klager_rolle=data.klager_rolle,
        klager_navn=data.klager_navn.strip()[:200],
        tjenestemottaker=data.tjenestemottaker,
        mottatt=data.mottatt,
        kanal=data.kanal,
        tema=data.tema,
        beskrivelse=data.beskrivelse.strip(),
        frist=rules.answer_deadline(data.mottatt),
        registrert_av=user,
    )
    _record(user, AuditAction.CREATE, klage, decision, handling="registrert")
    return klage


@_service
def handle(
    user: User,
    klage: Tjenesteklage,
    vurdering: str,
    tiltak: str = "",
    avvik_id: int | None = None,
    gjelder_vedtak: bool = False,
    vedtaksklage_id: int | None = None,
) -> Tjenesteklage:
    """The handler's assessment (and measures, an avvik, or a link to the vedtak complaint)."""
    klage = Tjenesteklage.objects.select_for_update().get(pk=klage.pk)
    decision = _require_handler(user, klage)
    if klage.status == Tjenesteklage.Status.BESVART:
        raise ValidationError("Klagen er besvart og kan ikke endres.")
    errors: dict[str, str] = {}
    if not vurdering.strip():
        errors["vurdering"] = "Skriv vurderingen av klagen."
    avvik = None
    if avvik_id is not None:
        avvik = avvik_services.handled_avvik(user).filter(pk=avvik_id).first()
        if avvik is None:
            errors["avvik"] = f"Fant ikke avvik nr. {avvik_id} blant avvikene du behandler."
    vedtaksklage = None
    if vedtaksklage_id is not None:
        vedtaksklage = Klage.objects.select_related("vedtak__tjenestemottaker").filter(pk=vedtaksklage_id).first()
        if vedtaksklage is None:
            errors["vedtaksklage"] = f"Fant ikke klage nr. {vedtaksklage_id} på vedtak."
        elif not check(user, Action.VIEW, vedtaksklage.vedtak.tjenestemottaker).allowed:
            errors["vedtaksklage"] = "Du har ikke tilgang til den klagen på vedtak."
        elif klage.tjenestemottaker_id and vedtaksklage.vedtak.tjenestemottaker_id != klage.tjenestemottaker_id:
            errors["vedtaksklage"] = "Klagen på vedtaket gjelder en annen person enn denne klagen."
    if errors:
        raise ValidationError(errors)
    klage.vurdering = vurdering.strip()
    klage.tiltak = tiltak.strip()
    klage.avvik = avvik
    klage.gjelder_vedtak = gjelder_vedtak or vedtaksklage is not None
    klage.vedtaksklage = vedtaksklage
    klage.behandler = user
    if klage.status == Tjenesteklage.Status.MOTTATT:
        klage.status = Tjenesteklage.Status.UNDER_BEHANDLING
    klage.save()
    _record(user, AuditAction.UPDATE, klage, decision, handling="vurdert", avvik=avvik.pk if avvik else None)
    return klage


@_service
def answer(
    user: User,
    klage: Tjenesteklage,
    besvart: dt.date | None,
    svarmate: str,
    svar_sammendrag: str,
    utfall: str = "",
    today: dt.date | None = None,
) -> Tjenesteklage:
    """Record the answer given to the complainant. The assessment must be written first."""
    today = today or timezone.localdate()
    klage = Tjenesteklage.objects.select_for_update().get(pk=klage.pk)
    decision = _require_handler(user, klage)
    if klage.status == Tjenesteklage.Status.BESVART:
        raise ValidationError("Klagen er allerede besvart.")
    errors: dict[str, str] = {}
    if not klage.vurdering.strip():
        errors["vurdering"] = "Skriv vurderingen av klagen før du registrerer svaret."
    if besvart is None:
        errors["besvart"] = "Skriv datoen svaret ble gitt."
    elif besvart < klage.mottatt:
        errors["besvart"] = "Svaret kan ikke være gitt før klagen kom inn."
    elif besvart > today:
        errors["besvart"] = "Svardatoen kan ikke være fram i tid."
    if svarmate not in Tjenesteklage.Kanal.values:
        errors["svarmate"] = "Velg hvordan svaret ble gitt."
    if not svar_sammendrag.strip():
        errors["svar_sammendrag"] = "Skriv kort hva svaret sa."
    if utfall and utfall not in Tjenesteklage.Utfall.values:
        errors["utfall"] = "Velg et gyldig utfall."
    if errors:
        raise ValidationError(errors)
    klage.besvart = besvart
    klage.svarmate = svarmate
    klage.svar_sammendrag = svar_sammendrag.strip()
    klage.utfall = utfall
    klage.behandler = klage.behandler or user
    klage.status = Tjenesteklage.Status.BESVART
    klage.save()
    _record(user, AuditAction.UPDATE, klage, decision, handling="besvart")
    return klage


# --- figures -------------------------------------------------------------------------------------------


def rows(klager: Iterable[Tjenesteklage]) -> list[rules.KlageRow]:
    return [
        rules.KlageRow(id=k.pk, unit=k.enhet.navn, received=k.mottatt, deadline=k.frist, answered=k.besvart)
        for k in klager
    ]


@dataclass(frozen=True)
class Figures:
    period: Period
    received: tuple[int | str, ...]
    answered: rules.Share
    in_time: rules.Share
    open_late: tuple[int | str, ...]


def figures(qs: QuerySet[Tjenesteklage], period: Period) -> Figures:
    data = rows(qs.select_related("enhet"))
    return Figures(
        period=period,
        received=rules.received(data, period),
        answered=rules.answered_share(data, period),
        in_time=rules.answered_in_time_share(data, period),
        open_late=rules.open_past_deadline(data, period.end),
    )


def nokkeltall(fra: dt.date, til: dt.date, enhet: Enhet | None) -> list[tuple[str, str, str]]:
    """Lines for ``helhet kvalitet nokkeltall``. Definitions in :mod:`helhet.quality.rules.klager`.

    - ``klager_mottatt``: complaints on the service received from ``fra`` to ``til``.
    - ``klager_besvart_andel``: of those, the share answered by ``til`` («all complaints answered»).
    - ``klager_besvart_innen_frist_andel``: of the complaints whose answer deadline falls in the
      period, the share answered on or before the deadline.
    - ``klager_apne_over_frist``: complaints unanswered at ``til`` whose deadline has passed.
    """
    qs = Tjenesteklage.objects.all()
    if enhet is not None:
        qs = qs.filter(enhet=enhet)
    f = figures(qs, Period(fra, til))
    return [
        ("klager_mottatt", str(len(f.received)), "stk"),
        ("klager_besvart_andel", rules.percent(f.answered.share), "%"),
        ("klager_besvart_innen_frist_andel", rules.percent(f.in_time.share), "%"),
        ("klager_apne_over_frist", str(len(f.open_late)), "stk"),
    ]
