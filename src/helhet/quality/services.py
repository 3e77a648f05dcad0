"""Avvik use cases (issue 7 point 1). One transaction each; every change is audited.

Flow: ``save_draft`` (anything may be missing) → ``submit`` (validated, routed to the enhet's
meldingsansvarlig, else its leder) → ``grade`` (guided questions → consequence, chosen probability →
level, by :mod:`helhet.quality.rules.risiko`) → ``start`` → ``add_measure`` / ``complete_measure`` →
``close`` (what was learned; every measure done or left with a reason). ``outcome_for_reporter`` is
what the reporter is told. ``suggest_audit`` runs :func:`rules.avvik_tall.suggest_audits` over an
enhet's rows.

Person-linked reports (a tjenestemottaker or a visit) are person data: the reporter must pass
:func:`helhet.core.access.check` for the person, the refusal is audited, and the audit rows of a
linked avvik name the person. Errors are Django ``ValidationError`` with Norwegian messages keyed by
field, so a form can show each beside its field.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from helhet.care.models import Besok
from helhet.core import audit
from helhet.core.access import Action, Decision, check
from helhet.core.models import AuditAction, Enhet, Role, RoleAssignment, Tjenestemottaker, User
from helhet.quality.models import Avvik, AvvikKategori, AvvikTiltak, Rutine
from helhet.quality.rules import avvik_tall, risiko

F = TypeVar("F", bound=Callable[..., Any])

#: Roles that handle avvik at their enhet (or, placed at the leverandør, at all its enheter).
HANDLER_ROLES = frozenset({Role.MELDINGSANSVARLIG, Role.LEDER})
#: Roles that see every enhet's avvik and figures (read and handle).
QUALITY_ROLES = frozenset({Role.KVALITETSLEDER})

NO_ACCESS_TO_PERSON = (
    "Du har ikke tilgang til opplysningene om personen, så avviket kan ikke knyttes til personen. "
    "Meld avviket uten kobling, eller be leder om hjelp."
)


@dataclass(frozen=True)
class AvvikInput:
    """What the reporter typed. Every field may be empty on a draft."""

    enhet_id: int | None = None
    kategori_id: int | None = None
    hva_skjedde: str = ""
    hvor: str = ""
    tidspunkt: dt.datetime | None = None
    besok_id: int | None = None
    tjenestemottaker: Tjenestemottaker | None = None
    rutine_id: int | None = None

    def is_empty(self) -> bool:
        return not (
            self.enhet_id
            or self.kategori_id
            or self.hva_skjedde.strip()
            or self.hvor.strip()
            or self.tidspunkt
            or self.besok_id
            or self.tjenestemottaker
            or self.rutine_id
        )


# --- who may do what ---------------------------------------------------------------------------------


def _now() -> dt.datetime:
    return timezone.now()


def reporter_enheter(user: User) -> QuerySet[Enhet]:
    """The enheter the user works in (the default choices for «which enhet does this concern»)."""
    ids: set[int] = set()
    leverandor_ids: set[int] = set()
    for a in user.active_assignments():
        if a.enhet_id:
            ids.add(a.enhet_id)
        if a.team is not None:
            ids.add(a.team.enhet_id)
        if a.leverandor_id:
            leverandor_ids.add(a.leverandor_id)
    return Enhet.objects.filter(Q(pk__in=ids) | Q(leverandor_id__in=leverandor_ids)).select_related("leverandor")


def handled_enhet_ids(user: User) -> set[int] | None:
    """The enheter whose avvik the user handles; ``None`` means all (kvalitetsleder)."""
    ids: set[int] = set()
    leverandor_ids: set[int] = set()
    for a in user.active_assignments():
        if a.rolle in QUALITY_ROLES:
            return None
        if a.rolle in HANDLER_ROLES:
            if a.enhet_id:
                ids.add(a.enhet_id)
            elif a.leverandor_id:
                leverandor_ids.add(a.leverandor_id)
    if leverandor_ids:
        ids |= set(Enhet.objects.filter(leverandor_id__in=leverandor_ids).values_list("pk", flat=True))
    return ids


def is_handler(user: User) -> bool:
    ids = handled_enhet_ids(user)
    return ids is None or bool(ids)


def handled_avvik(user: User) -> QuerySet[Avvik]:
    """The submitted avvik the user may handle (never drafts)."""
    qs = Avvik.objects.exclude(status=Avvik.Status.UTKAST)
    ids = handled_enhet_ids(user)
    if ids is None:
        return qs
    return qs.filter(Q(enhet_id__in=ids) | Q(meldingsansvarlig=user))


def may_handle(user: User, avvik: Avvik) -> bool:
    if avvik.status == Avvik.Status.UTKAST:
        return False
    if avvik.meldingsansvarlig_id == user.pk:
        return True
    ids = handled_enhet_ids(user)
    return ids is None or avvik.enhet_id in ids


def may_see(user: User, avvik: Avvik) -> bool:
    """Role and relationship only; a person-linked avvik also needs :func:`person_decision`."""
    return avvik.melder_id == user.pk or may_handle(user, avvik)


def linked_person(avvik: Avvik) -> Tjenestemottaker | None:
    if avvik.tjenestemottaker_id:
        return avvik.tjenestemottaker
    return avvik.besok.tjenestemottaker if avvik.besok is not None else None


def person_decision(user: User, person: Tjenestemottaker, action: Action = Action.VIEW) -> Decision:
    return check(user, action, person)


class PersonRefused(ValidationError):
    """The access check refused the person an avvik is linked to; audited once the transaction is rolled back."""

    def __init__(self, field: str, person: Tjenestemottaker, decision: Decision) -> None:
        super().__init__({field: NO_ACCESS_TO_PERSON})
        self.person = person
        self.decision = decision


def _service(func: F) -> F:
    """One transaction; a refused person link is audited *after* the rollback, so the refusal stays recorded."""
    atomic = transaction.atomic(func)

    @functools.wraps(func)
    def wrapped(user: User, *args: Any, **kwargs: Any) -> Any:
        try:
            return atomic(user, *args, **kwargs)
        except PersonRefused as exc:
            audit.record(
                user=user,
                action=AuditAction.REFUSED,
                person=exc.person,
                details={"handling": func.__name__, "avslag": str(exc.decision.refusal or "")},
            )
            raise

    return cast(F, wrapped)


def _require_person_access(user: User, person: Tjenestemottaker, field: str) -> Decision:
    decision = check(user, Action.VIEW, person)
    if not decision.allowed:
        raise PersonRefused(field, person, decision)
    return decision


def _record(user: User, action: str, avvik: Avvik, decision: Decision | None = None, **details: Any) -> None:
    audit.record(
        user=user,
        action=action,
        person=linked_person(avvik),
        obj=avvik,
        decision=decision,
        details={"status": avvik.status, **details},
    )


def _require_handler(user: User, avvik: Avvik) -> Decision | None:
    if not may_handle(user, avvik):
        raise ValidationError("Bare meldingsansvarlig eller leder ved enheten kan behandle dette avviket.")
    person = linked_person(avvik)
    return _require_person_access(user, person, "__all__") if person is not None else None


# --- routing -----------------------------------------------------------------------------------------


def _active(qs: QuerySet[RoleAssignment], day: dt.date) -> QuerySet[RoleAssignment]:
    return qs.filter(Q(gyldig_fra__lte=day), Q(gyldig_til__isnull=True) | Q(gyldig_til__gte=day))


def route(enhet: Enhet, at: dt.datetime | None = None) -> User:
    """The meldingsansvarlig at the enhet now, else its leder, else the same at the provider; refuses when
    there is none."""
    day = timezone.localdate(at) if at else timezone.localdate()
    # At the enhet first; then placed at the whole provider (who handles all its enheter, see
    # handled_enhet_ids), e.g. a BPA provider whose adviser and leader work across its enheter.
    for place in (Q(enhet=enhet), Q(leverandor_id=enhet.leverandor_id, enhet__isnull=True, team__isnull=True)):
        base = _active(RoleAssignment.objects.filter(place, user__is_active=True), day)
        for rolle in (Role.MELDINGSANSVARLIG, Role.LEDER):
            found = base.filter(rolle=rolle).select_related("user").order_by("gyldig_fra", "pk").first()
            if found is not None:
                return found.user
    raise ValidationError(
        {
            "enhet": f"{enhet.navn} har ingen meldingsansvarlig eller leder som kan ta imot avviket. "
            "Utkastet er lagret; si fra til leder eller systemansvarlig."
        }
    )


# --- the reporter --------------------------------------------------------------------------------------


@_service
def save_draft(user: User, data: AvvikInput, avvik: Avvik | None = None) -> Avvik:
    """Keep what the reporter has written so far. Only the reporter's own draft can be changed."""
    if avvik is not None and (avvik.melder_id != user.pk or avvik.status != Avvik.Status.UTKAST):
        raise ValidationError("Bare ditt eget utkast kan endres.")
    besok = None
    person = data.tjenestemottaker
    if data.besok_id:
        besok = Besok.objects.select_related("tjenestemottaker").filter(pk=data.besok_id).first()
        if besok is None:
            raise ValidationError({"besok": "Fant ikke besøket."})
        person = besok.tjenestemottaker
    decision = _require_person_access(user, person, "besok") if person is not None else None
    rutine = None
    if data.rutine_id:
        rutine = Rutine.objects.filter(pk=data.rutine_id, aktiv=True).first()
        if rutine is None:
            raise ValidationError({"rutine": "Fant ikke rutinen, eller den er ikke lenger i bruk."})
    new = avvik is None
    if avvik is None:
        avvik = Avvik(melder=user)
    avvik.enhet_id = data.enhet_id
    avvik.kategori_id = data.kategori_id
    avvik.hva_skjedde = data.hva_skjedde.strip()
    avvik.hvor = data.hvor.strip()
    avvik.tidspunkt = data.tidspunkt
    avvik.besok = besok
    avvik.plantiltak_id = besok.tiltak_id if besok is not None else None  # the visit's tiltak in the plan
    avvik.tjenestemottaker = person
    avvik.rutine = rutine
    avvik.save()
    _record(user, AuditAction.CREATE if new else AuditAction.UPDATE, avvik, decision, handling="utkast")
    return avvik


@_service
def submit(user: User, avvik: Avvik, at: dt.datetime | None = None) -> Avvik:
    """Validate the draft and send it to the enhet's meldingsansvarlig. On error the draft stays as it was."""
    avvik = Avvik.objects.select_for_update().get(pk=avvik.pk)
    if avvik.melder_id != user.pk or avvik.status != Avvik.Status.UTKAST:
        raise ValidationError("Avviket er allerede sendt.")
    now = at or _now()
    errors: dict[str, str] = {}
    if avvik.kategori_id is None:
        errors["kategori"] = "Velg en kategori."
    elif not AvvikKategori.objects.filter(pk=avvik.kategori_id, aktiv=True).exists():
        errors["kategori"] = "Kategorien er ikke lenger i bruk. Velg en annen."
    if not avvik.hva_skjedde.strip():
        errors["hva_skjedde"] = "Skriv kort hva som skjedde."
    if avvik.tidspunkt is None:
        errors["tidspunkt"] = "Skriv når det skjedde."
    elif avvik.tidspunkt > now + dt.timedelta(minutes=5):
        errors["tidspunkt"] = "Tidspunktet kan ikke være fram i tid."
    if avvik.enhet_id is None:
        errors["enhet"] = "Velg hvilken enhet avviket gjelder."
    if errors:
        raise ValidationError(errors)
    person = linked_person(avvik)
    decision = _require_person_access(user, person, "besok") if person is not None else None
    assert avvik.enhet is not None
    avvik.meldingsansvarlig = route(avvik.enhet, now)
    avvik.status = Avvik.Status.REGISTRERT
    avvik.registrert = now
    avvik.save()
    _record(user, AuditAction.UPDATE, avvik, decision, handling="sendt", meldingsansvarlig=avvik.meldingsansvarlig.pk)
    return avvik


@dataclass(frozen=True)
class Outcome:
    """What the reporter is told: status, grade, what was learned, and the measures."""

    status: str
    status_label: str
    niva: str
    laering: str
    tiltak: tuple[tuple[str, dt.date, dt.date | None, str], ...]  # (beskrivelse, frist, utført, grunn)
    lukket: dt.datetime | None

    @property
    def closed(self) -> bool:
        return self.status == Avvik.Status.LUKKET


def outcome_for_reporter(user: User, avvik: Avvik) -> Outcome:
    """What the reporter is told; the first look at a closed avvik's outcome is stamped (``utfall_sett``)."""
    if avvik.melder_id != user.pk:
        raise ValidationError("Bare den som meldte avviket får se utfallet her.")
    if avvik.status == Avvik.Status.LUKKET and avvik.utfall_sett is None:
        avvik.utfall_sett = _now()
        Avvik.objects.filter(pk=avvik.pk, utfall_sett__isnull=True).update(utfall_sett=avvik.utfall_sett)
    return Outcome(
        status=avvik.status,
        status_label=avvik.get_status_display(),
        niva=avvik.niva_navn,
        laering=avvik.laering if avvik.status == Avvik.Status.LUKKET else "",
        tiltak=tuple((t.beskrivelse, t.frist, t.utfort, t.ikke_gjennomfort_grunn) for t in avvik.tiltak.all()),
        lukket=avvik.lukket,
    )


# --- the meldingsansvarlig --------------------------------------------------------------------------


@_service
def grade(user: User, avvik: Avvik, answers: Mapping[str, bool | None], sannsynlighet: int | None) -> Avvik:
    """Grade from the guided questions: the consequence follows from the answers, the handler picks the probability."""
    avvik = Avvik.objects.select_for_update().get(pk=avvik.pk)
    decision = _require_handler(user, avvik)
    if avvik.status == Avvik.Status.LUKKET:
        raise ValidationError("Avviket er lukket og kan ikke graderes på nytt.")
    errors: dict[str, str] = {}
    missing = [q.kode for q in risiko.SPORSMAL if answers.get(q.kode) is None]
    if missing:
        errors["svar"] = f"Svar ja eller nei på alle spørsmålene ({len(missing)} mangler)."
    if sannsynlighet is None:
        errors["sannsynlighet"] = "Velg hvor sannsynlig det er at dette skjer igjen."
    if errors:
        raise ValidationError(errors)
    try:
        gradering = risiko.grade_consequence(answers)
        vurdering = risiko.Vurdering(int(sannsynlighet or 0), gradering.konsekvens)
    except risiko.InvalidAssessment as exc:
        raise ValidationError(exc.message) from exc
    avvik.svar = {k: v for k, v in answers.items() if v is not None}
    avvik.konsekvens = vurdering.konsekvens
    avvik.sannsynlighet = vurdering.sannsynlighet
    avvik.niva = vurdering.niva.value
    avvik.gradering_begrunnelse = f"{vurdering.tekst}. {gradering.begrunnelse}"
    avvik.gradert_av = user
    avvik.save()
    _record(user, AuditAction.UPDATE, avvik, decision, handling="gradert", niva=avvik.niva)
    return avvik


def merknader(avvik: Avvik) -> tuple[str, ...]:
    """The duties the stored answers trigger (Datatilsynet, Arbeidstilsynet, Helsetilsynet)."""
    if not avvik.svar:
        return ()
    return risiko.grade_consequence(avvik.svar).merknader


@_service
def start(user: User, avvik: Avvik, at: dt.datetime | None = None) -> Avvik:
    avvik = Avvik.objects.select_for_update().get(pk=avvik.pk)
    decision = _require_handler(user, avvik)
    if avvik.status != Avvik.Status.REGISTRERT:
        raise ValidationError("Bare et registrert avvik kan settes under behandling.")
    avvik.status = Avvik.Status.UNDER_BEHANDLING
    avvik.startet = at or _now()
    avvik.save()
    _record(user, AuditAction.UPDATE, avvik, decision, handling="startet")
    return avvik


@_service
def add_measure(
    user: User, avvik: Avvik, beskrivelse: str, ansvarlig: User | None, frist: dt.date | None
) -> AvvikTiltak:
    avvik = Avvik.objects.select_for_update().get(pk=avvik.pk)
    decision = _require_handler(user, avvik)
    if avvik.status == Avvik.Status.LUKKET:
        raise ValidationError("Avviket er lukket; nye tiltak kan ikke legges til.")
    errors: dict[str, str] = {}
    if not beskrivelse.strip():
        errors["beskrivelse"] = "Beskriv tiltaket."
    if ansvarlig is None:
        errors["ansvarlig"] = "Velg hvem som er ansvarlig for tiltaket."
    elif not ansvarlig.is_active or not ansvarlig.is_staff_user:
        errors["ansvarlig"] = "Den ansvarlige må være en aktiv ansatt."
    if frist is None:
        errors["frist"] = "Sett en frist."
    elif frist < timezone.localdate():
        errors["frist"] = "Fristen kan ikke være tilbake i tid."
    if errors:
        raise ValidationError(errors)
    assert ansvarlig is not None and frist is not None
    measure = AvvikTiltak.objects.create(avvik=avvik, beskrivelse=beskrivelse.strip(), ansvarlig=ansvarlig, frist=frist)
    if avvik.status == Avvik.Status.REGISTRERT:  # a measure means handling has begun
        avvik.status = Avvik.Status.UNDER_BEHANDLING
        avvik.startet = _now()
        avvik.save()
    _record(user, AuditAction.UPDATE, avvik, decision, handling="tiltak_lagt_til", tiltak=measure.pk)
    return measure


@_service
def complete_measure(user: User, measure: AvvikTiltak, day: dt.date | None = None) -> AvvikTiltak:
    avvik = measure.avvik
    if measure.ansvarlig_id != user.pk:
        decision = _require_handler(user, avvik)
    else:
        person = linked_person(avvik)
        decision = _require_person_access(user, person, "__all__") if person is not None else None
    if avvik.status == Avvik.Status.LUKKET:
        raise ValidationError("Avviket er lukket.")
    measure.utfort = day or timezone.localdate()
    measure.save(update_fields=["utfort"])
    _record(user, AuditAction.UPDATE, avvik, decision, handling="tiltak_utfort", tiltak=measure.pk)
    return measure


@_service
def close(
    user: User, avvik: Avvik, laering: str, left: Mapping[int, str] | None = None, at: dt.datetime | None = None
) -> Avvik:
    """Close with what was learned. Every measure is done, or left with a reason given here (``{tiltak_id: grunn}``)."""
    avvik = Avvik.objects.select_for_update().get(pk=avvik.pk)
    decision = _require_handler(user, avvik)
    if avvik.status == Avvik.Status.LUKKET:
        raise ValidationError("Avviket er allerede lukket.")
    left = {k: v.strip() for k, v in (left or {}).items() if v and v.strip()}
    errors: dict[str, str] = {}
    if not laering.strip():
        errors["laering"] = "Skriv hva dere lærte før avviket lukkes."
    if not avvik.niva:
        errors["niva"] = "Avviket må graderes (sannsynlighet og konsekvens) før det lukkes."
    open_measures = [t for t in avvik.tiltak.all() if t.utfort is None and not t.ikke_gjennomfort_grunn]
    without_reason = [t for t in open_measures if t.pk not in left]
    if without_reason:
        errors["tiltak"] = (
            f"{len(without_reason)} tiltak er ikke utført. "
            "Merk dem som utført, eller skriv hvorfor de ikke gjennomføres."
        )
    if errors:
        raise ValidationError(errors)
    for measure in open_measures:
        measure.ikke_gjennomfort_grunn = left[measure.pk]
        measure.save(update_fields=["ikke_gjennomfort_grunn"])
    now = at or _now()
    avvik.laering = laering.strip()
    avvik.status = Avvik.Status.LUKKET
    avvik.startet = avvik.startet or now
    avvik.lukket = now
    avvik.save()
    _record(user, AuditAction.UPDATE, avvik, decision, handling="lukket")
    return avvik


# --- figures and audit suggestions -----------------------------------------------------------------


def avvik_rows(avvik: Iterable[Avvik]) -> list[avvik_tall.AvvikRow]:
    """Submitted avvik as plain rows for :mod:`rules.avvik_tall` (category and enhet by name)."""
    rows = []
    for a in avvik:
        if a.registrert is None:
            continue
        rows.append(
            avvik_tall.AvvikRow(
                id=a.pk,
                category=a.kategori.navn if a.kategori else "Uten kategori",
                unit=a.enhet.navn if a.enhet else "Uten enhet",
                registered=timezone.localdate(a.registrert),
                started=timezone.localdate(a.startet) if a.startet else None,
                closed=timezone.localdate(a.lukket) if a.lukket else None,
                level=risiko.Niva(a.niva) if a.niva else None,
            )
        )
    return rows


def measure_rows(measures: Iterable[AvvikTiltak]) -> list[avvik_tall.MeasureRow]:
    return [
        avvik_tall.MeasureRow(id=t.pk, avvik_id=t.avvik_id, owner=str(t.ansvarlig), due=t.frist, done=t.utfort)
        for t in measures
        if not t.ikke_gjennomfort_grunn
    ]


def unread_outcomes(user: User) -> int:
    """The reporter's closed avvik whose outcome they have not opened yet (the count in the menu)."""
    return Avvik.objects.filter(melder=user, status=Avvik.Status.LUKKET, utfall_sett__isnull=True).count()


def suggest_audit(enhet: Enhet, at: dt.date | None = None) -> list[avvik_tall.AuditSuggestion]:
    """Suggestions to start an internal audit from the enhet's repeated or serious avvik."""
    qs = Avvik.objects.filter(enhet=enhet).exclude(status=Avvik.Status.UTKAST).select_related("kategori", "enhet")
    return avvik_tall.suggest_audits(avvik_rows(qs), at or timezone.localdate())
