"""Dokumentstyring use cases (issue 7 point 5): procedures, versions, approval, read-and-acknowledge.

Flow: ``create`` (the procedure and a first draft) → ``save_draft`` (a new draft version, or changes
to the open draft) → ``approve`` (needs an owner; the version becomes current, the review date is
set, and acknowledgements start again since they belong to a version) → staff ``acknowledge`` the
current version. ``must_read`` is «Rutiner jeg må lese»; ``acknowledgement`` the figure per
procedure; ``nokkeltall`` the lines for ``helhet kvalitet nokkeltall``. The counting rules are in
:mod:`helhet.quality.rules.dokumenter` (denominator: active staff holding a required role at the
procedure's provider on the day).

Who may do what: every staff member at the provider finds and reads its procedures and acknowledges
the current version; a leder (at the provider or one of its enheter) or a kvalitetsleder manages
them (create, draft, approve) and sees who has and has not acknowledged (staff data, not person
data). A kvalitetsleder with no place manages every provider's procedures.

One transaction each; changes are audited as records (no person data). Errors are
``ValidationError`` with Norwegian messages keyed by field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from helhet.core import audit
from helhet.core.models import AuditAction, Enhet, Leverandor, Role, RoleAssignment, User, UserKind
from helhet.quality.models import Lesebekreftelse, Rutine, RutineLeseplikt, RutineVersjon
from helhet.quality.rules import dokumenter as rules
from helhet.quality.rules.klager import percent
from helhet.quality.services_klager import provider_ids

MANAGER_ROLES = frozenset({Role.LEDER, Role.KVALITETSLEDER})


# --- who may do what ---------------------------------------------------------------------------------


def managed_provider_ids(user: User) -> set[int] | None:
    """Providers whose procedures the user manages; ``None`` means all (kvalitetsleder without a place)."""
    ids: set[int] = set()
    for a in user.active_assignments():
        if a.rolle not in MANAGER_ROLES:
            continue
        if a.leverandor_id:
            ids.add(a.leverandor_id)
        elif a.enhet is not None:
            ids.add(a.enhet.leverandor_id)
        elif a.team is not None:
            ids.add(a.team.enhet.leverandor_id)
        elif a.rolle == Role.KVALITETSLEDER and not a.bydel_id:
            return None
    return ids


def is_manager(user: User) -> bool:
    ids = managed_provider_ids(user)
    return ids is None or bool(ids)


def may_manage(user: User, rutine: Rutine) -> bool:
    ids = managed_provider_ids(user)
    return ids is None or rutine.leverandor_id in ids


def visible_procedures(user: User) -> QuerySet[Rutine]:
    """The procedures of the providers the user works at (all for a kvalitetsleder without a place)."""
    qs = Rutine.objects.filter(aktiv=True)
    managed = managed_provider_ids(user)
    if managed is None:
        return qs
    return qs.filter(leverandor_id__in=provider_ids(user) | managed)


def may_read(user: User, rutine: Rutine) -> bool:
    return visible_procedures(user).filter(pk=rutine.pk).exists()


def manageable_providers(user: User) -> QuerySet[Leverandor]:
    ids = managed_provider_ids(user)
    return Leverandor.objects.all() if ids is None else Leverandor.objects.filter(pk__in=ids)


def current_procedures(leverandor: Leverandor | None = None) -> QuerySet[Rutine]:
    """Active procedures with an approved current version, for a chooser.

    E.g. «which procedure does this avvik concern»: ``current_procedures(enhet.leverandor)``.
    """
    qs = Rutine.objects.filter(aktiv=True, gjeldende__isnull=False).select_related("gjeldende")
    if leverandor is not None:
        qs = qs.filter(leverandor=leverandor)
    return qs.order_by("nummer", "tittel")


def search(qs: QuerySet[Rutine], query: str) -> QuerySet[Rutine]:
    """Every word must occur in the number, title, area, purpose or the current text."""
    for word in query.split()[:8]:
        qs = qs.filter(
            Q(nummer__icontains=word)
            | Q(tittel__icontains=word)
            | Q(omrade__icontains=word)
            | Q(formal__icontains=word)
            | Q(gjeldende__tekst__icontains=word)
        )
    return qs


def owner_choices(leverandor_id: int) -> QuerySet[User]:
    """Active staff at the provider (possible owners)."""
    return User.objects.filter(is_active=True, role_assignments__in=_at_provider(leverandor_id, None)).distinct()


# --- changes -----------------------------------------------------------------------------------------


def _record(user: User, action: str, obj: Rutine | RutineVersjon | Lesebekreftelse, handling: str) -> None:
    audit.record(user=user, action=action, obj=obj, details={"omrade": "dokumenter", "handling": handling})


def _clean_roles(roller: Iterable[str]) -> list[str]:
    return sorted({r for r in roller if r in Role.values})


def _require_manager(user: User, rutine: Rutine) -> None:
    if not may_manage(user, rutine):
        raise ValidationError("Bare leder eller kvalitetsleder hos leverandøren kan endre rutinene.")


@dataclass(frozen=True)
class RutineInput:
    leverandor_id: int | None = None
    tittel: str = ""
    nummer: str = ""
    omrade: str = ""
    formal: str = ""
    eier: User | None = None
    roller: tuple[str, ...] = ()


def _validate_head(user: User, data: RutineInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.tittel.strip():
        errors["tittel"] = "Skriv en tittel på rutinen."
    if data.leverandor_id is None or not manageable_providers(user).filter(pk=data.leverandor_id).exists():
        errors["leverandor"] = "Velg leverandøren rutinen gjelder for."
    if (
        data.eier is not None
        and data.leverandor_id is not None
        and not owner_choices(data.leverandor_id).filter(pk=data.eier.pk).exists()
    ):
        errors["eier"] = "Eieren må være en aktiv ansatt hos leverandøren."
    return errors


def _set_roles(rutine: Rutine, roller: Iterable[str]) -> None:
    wanted = set(_clean_roles(roller))
    rutine.leseplikt.exclude(rolle__in=wanted).delete()
    have = set(rutine.leseplikt.values_list("rolle", flat=True))
    RutineLeseplikt.objects.bulk_create([RutineLeseplikt(rutine=rutine, rolle=r) for r in sorted(wanted - have)])


@transaction.atomic
def create(user: User, data: RutineInput, tekst: str) -> Rutine:
    """A new procedure with its first version as a draft."""
    errors = _validate_head(user, data)
    if not tekst.strip():
        errors["tekst"] = "Skriv teksten i rutinen (den lagres som utkast til versjon 1)."
    if errors:
        raise ValidationError(errors)
    assert data.leverandor_id is not None
    rutine = Rutine.objects.create(
        leverandor_id=data.leverandor_id,
        tittel=data.tittel.strip(),
        nummer=data.nummer.strip(),
        omrade=data.omrade.strip(),
        formal=data.formal.strip(),
        eier=data.eier,
    )
    _set_roles(rutine, data.roller)
    versjon = RutineVersjon.objects.create(rutine=rutine, nummer=1, tekst=tekst.strip(), opprettet_av=user)
    _record(user, AuditAction.CREATE, rutine, "rutine_opprettet")
    _record(user, AuditAction.CREATE, versjon, "utkast")
    return rutine


@transaction.atomic
def update(user: User, rutine: Rutine, data: RutineInput) -> Rutine:
    """Change the procedure's head: title, number, area, purpose, owner, required roles."""
    rutine = Rutine.objects.select_for_update().get(pk=rutine.pk)
    _require_manager(user, rutine)
    errors = _validate_head(user, RutineInput(**{**data.__dict__, "leverandor_id": rutine.leverandor_id}))
    if errors:
        raise ValidationError(errors)
    rutine.tittel = data.tittel.strip()
    rutine.nummer = data.nummer.strip()
    rutine.omrade = data.omrade.strip()
    rutine.formal = data.formal.strip()
    rutine.eier = data.eier
    rutine.save()
    _set_roles(rutine, data.roller)
    _record(user, AuditAction.UPDATE, rutine, "rutine_endret")
    return rutine


def open_draft(rutine: Rutine) -> RutineVersjon | None:
    return rutine.versjoner.filter(godkjent__isnull=True).order_by("-nummer").first()


@transaction.atomic
def save_draft(user: User, rutine: Rutine, tekst: str, endringer: str = "") -> RutineVersjon:
    """Write the next version as a draft (or change the open draft). The current version is untouched."""
    rutine = Rutine.objects.select_for_update().get(pk=rutine.pk)
    _require_manager(user, rutine)
    if not tekst.strip():
        raise ValidationError({"tekst": "Skriv teksten i den nye versjonen."})
    draft = open_draft(rutine)
    if draft is None:
        last = rutine.versjoner.aggregate(m=Max("nummer"))["m"] or 0
        draft = RutineVersjon(rutine=rutine, nummer=last + 1, opprettet_av=user)
        action = AuditAction.CREATE
    else:
        action = AuditAction.UPDATE
    draft.tekst = tekst.strip()
    draft.endringer = endringer.strip()
    draft.save()
    _record(user, action, draft, "utkast")
    return draft


@transaction.atomic
def approve(
    user: User, versjon: RutineVersjon, revisjonsdato: dt.date | None = None, today: dt.date | None = None
) -> RutineVersjon:
    """Approve a draft: it becomes the current version (acknowledgements start again); sets the review date."""
    today = today or timezone.localdate()
    versjon = RutineVersjon.objects.select_for_update().select_related("rutine").get(pk=versjon.pk)
    rutine = versjon.rutine
    _require_manager(user, rutine)
    errors: dict[str, str] = {}
    if not versjon.is_draft:
        errors["__all__"] = f"Versjon {versjon.nummer} er allerede godkjent."
    if rutine.eier_id is None:
        errors["eier"] = "Rutinen har ingen eier. Velg en eier før versjonen godkjennes."
    if not versjon.tekst.strip():
        errors["tekst"] = "Versjonen har ingen tekst."
    if revisjonsdato is not None and revisjonsdato <= today:
        errors["revisjonsdato"] = "Neste revisjon må være etter i dag."
    if errors:
        raise ValidationError(errors)
    versjon.godkjent = today
    versjon.godkjent_av = user
    versjon.save(update_fields=["godkjent", "godkjent_av"])
    rutine.gjeldende = versjon
    rutine.revisjonsdato = revisjonsdato or rules.default_review_date(today)
    rutine.save(update_fields=["gjeldende", "revisjonsdato"])
    _record(user, AuditAction.UPDATE, versjon, "godkjent")
    return versjon


@transaction.atomic
def acknowledge(user: User, versjon: RutineVersjon, at: dt.datetime | None = None) -> Lesebekreftelse:
    """«Jeg har lest og forstått»: only the current version; acknowledging twice keeps the first."""
    versjon = RutineVersjon.objects.select_related("rutine").get(pk=versjon.pk)
    rutine = versjon.rutine
    if not may_read(user, rutine):
        raise ValidationError("Du har ikke tilgang til denne rutinen.")
    if rutine.gjeldende_id != versjon.pk:
        if versjon.is_draft:
            raise ValidationError(
                "Versjonen er et utkast og er ikke godkjent ennå. Du kan bare bekrefte gjeldende versjon."
            )
        raise ValidationError(
            f"Versjon {versjon.nummer} er ikke lenger gjeldende. Les og bekreft gjeldende versjon i stedet."
        )
    existing = Lesebekreftelse.objects.filter(versjon=versjon, user=user).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            ack = Lesebekreftelse.objects.create(versjon=versjon, user=user, bekreftet=at or timezone.now())
    except IntegrityError:  # a double click from two tabs
        return Lesebekreftelse.objects.get(versjon=versjon, user=user)
    _record(user, AuditAction.CREATE, ack, "lest_og_bekreftet")
    return ack


# --- who must read, and the figures ------------------------------------------------------------------


def _active(qs: QuerySet[RoleAssignment], day: dt.date) -> QuerySet[RoleAssignment]:
    return qs.filter(Q(gyldig_fra__lte=day), Q(gyldig_til__isnull=True) | Q(gyldig_til__gte=day))


def _at_provider(leverandor_id: int, enhet: Enhet | None, day: dt.date | None = None) -> QuerySet[RoleAssignment]:
    day = day or timezone.localdate()
    if enhet is not None:
        place = Q(enhet=enhet) | Q(team__enhet=enhet)
    else:
        place = (
            Q(leverandor_id=leverandor_id)
            | Q(enhet__leverandor_id=leverandor_id)
            | Q(team__enhet__leverandor_id=leverandor_id)
        )
    return _active(RoleAssignment.objects.filter(place, user__is_active=True, user__kind=UserKind.STAFF), day)


def assignments(leverandor_id: int, enhet: Enhet | None = None, day: dt.date | None = None) -> list[rules.Assignment]:
    qs = _at_provider(leverandor_id, enhet, day)
    if enhet is not None:
        qs = qs.filter(Q(enhet__leverandor_id=leverandor_id) | Q(team__enhet__leverandor_id=leverandor_id))
    return [rules.Assignment(user_id=u, role=r) for u, r in qs.values_list("user_id", "rolle")]


def required_roles(rutine: Rutine) -> list[str]:
    return [p.rolle for p in rutine.leseplikt.all()]


def acknowledgement(
    rutine: Rutine, enhet: Enhet | None = None, day: dt.date | None = None, until: dt.datetime | None = None
) -> rules.AckShare:
    """Who must read the current version and who of them has acknowledged it (see the rules module)."""
    required = rules.required_readers(assignments(rutine.leverandor_id, enhet, day), required_roles(rutine))
    acks = Lesebekreftelse.objects.filter(versjon_id=rutine.gjeldende_id) if rutine.gjeldende_id else None
    if acks is not None and until is not None:
        acks = acks.filter(bekreftet__lte=until)
    return rules.acknowledged_share(required, set(acks.values_list("user_id", flat=True)) if acks is not None else ())


def must_read(user: User, procedures: QuerySet[Rutine] | None = None) -> list[Rutine]:
    """«Rutiner jeg må lese»: current versions required for the user's roles at that provider, not acknowledged."""
    qs = (procedures if procedures is not None else visible_procedures(user)).filter(gjeldende__isnull=False)
    result: list[Rutine] = []
    roles_by_provider: dict[int, set[str]] = {}
    for a in user.active_assignments():
        lev = (
            a.leverandor_id
            or (a.enhet.leverandor_id if a.enhet else None)
            or (a.team.enhet.leverandor_id if a.team else None)
        )
        if lev:
            roles_by_provider.setdefault(lev, set()).add(a.rolle)
    acked = set(Lesebekreftelse.objects.filter(user=user).values_list("versjon_id", flat=True))
    procs = list(qs.prefetch_related("leseplikt").select_related("gjeldende"))
    for leverandor_id, roles in roles_by_provider.items():
        mine = [r for r in procs if r.leverandor_id == leverandor_id]
        due = set(rules.must_read(roles, [(r.pk, required_roles(r), r.gjeldende_id) for r in mine], acked))
        result += [r for r in mine if r.pk in due]
    return sorted(result, key=lambda r: (r.nummer, r.tittel))


def must_read_count(user: User) -> int:
    return len(must_read(user)) if user.is_authenticated and getattr(user, "is_staff_user", False) else 0


def overall(
    procedures: Collection[Rutine],
    enhet: Enhet | None = None,
    day: dt.date | None = None,
    until: dt.datetime | None = None,
) -> rules.OverallShare:
    return rules.overall_share({r.pk: acknowledgement(r, enhet, day, until) for r in procedures})


def nokkeltall(fra: dt.date, til: dt.date, enhet: Enhet | None) -> list[tuple[str, str, str]]:
    """Lines for ``helhet kvalitet nokkeltall``. Definitions in :mod:`helhet.quality.rules.dokumenter`.

    - ``rutiner_gjeldende``: active procedures with an approved current version (approved by ``til``).
    - ``rutiner_lest_andel``: over those procedures, (required reader, procedure) pairs whose reader
      acknowledged the current version by the end of ``til``, over all such pairs; readers are the
      active staff on ``til`` holding a required role at the procedure's provider (at ``enhet``
      when given). ``fra`` does not narrow it: an acknowledgement of the current version counts
      whenever it was given.
    - ``rutiner_revisjon_forfalt``: current procedures whose review date is before ``til``.
    """
    procs = [
        r
        for r in current_procedures().prefetch_related("leseplikt")
        if r.gjeldende is not None and r.gjeldende.godkjent is not None and r.gjeldende.godkjent <= til
    ]
    if enhet is not None:
        procs = [r for r in procs if r.leverandor_id == enhet.leverandor_id]
    end = timezone.make_aware(dt.datetime.combine(til + dt.timedelta(days=1), dt.time.min))
    total = overall(procs, enhet, til, until=end - dt.timedelta(microseconds=1))
    overdue = [r for r in procs if rules.review_overdue(r.revisjonsdato, til)]
    return [
        ("rutiner_gjeldende", str(len(procs)), "stk"),
        ("rutiner_lest_andel", percent(total.share), "%"),
        ("rutiner_revisjon_forfalt", str(len(overdue)), "stk"),
    ]
