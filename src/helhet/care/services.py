"""Use cases of provider delivery: one transaction each, audited in the same transaction.

Errors for people are ``ValidationError`` with Norwegian messages; nothing is saved half-way.
Actions sent from a phone (check-in, check-out, ticking a task, a note) carry an idempotency key:
a repeated submission (a double tap, a retry after the network dropped) is recognised and changes
nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from helhet.care.models import (
    Besok,
    BesokOppgave,
    FlaggKvittering,
    Handling,
    IndividuellPlan,
    Involvering,
    Journalnotat,
    Mal,
    Tiltak,
    Tiltaksplan,
    TiltaksplanEndring,
)
from helhet.care.rules import InvalidInput, kompetanse
from helhet.care.rules import recurrence as rec
from helhet.cases.models import Bestilling, Vedtak
from helhet.core import audit
from helhet.core.access import Decision
from helhet.core.models import AuditAction, Leverandor, Role, Team, Tjenestemottaker, User
from helhet.core.models.users import CARE_ROLES

T = TypeVar("T")

#: A check-in's position counts as «at the address» within this distance (metres). Only the yes/no is kept.
POSITION_RADIUS_M = 300
#: How far back a phone may date an action it could not send at once (offline), and how far ahead.
MAX_OFFLINE_DELAY = dt.timedelta(hours=12)
MAX_CLOCK_SKEW = dt.timedelta(minutes=5)
#: How many days of notes «Min dag» shows as «the last notes that matter».
NOTES_DAYS = 7


def _record(user: User, action: str, person: Tjenestemottaker, obj: Any, decision: Decision | None, **kw: Any) -> None:
    audit.record(user=user, action=action, person=person, obj=obj, decision=decision, **kw)


def _invalid(exc: InvalidInput, field: str | None = None) -> ValidationError:
    return ValidationError({field: exc.message} if field else exc.message)


def _local(value: dt.datetime) -> str:
    return f"{timezone.localtime(value):%H:%M}"


# --- who may do what -----------------------------------------------------------------------------------


def staff_competences(user: User, day: dt.date | None = None) -> frozenset[str]:
    """The competence levels ``user`` brings to a visit (role and HPR authorisation)."""
    at = None if day is None else dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())
    return kompetanse.competences(user.roles(at), authorised=bool(user.hpr_nummer))


def provider_ids(user: User, roles: Iterable[str] | None = None) -> set[int]:
    """Providers where ``user`` now works (as leader or in a team), through any assignment."""
    wanted = set(roles) if roles is not None else None
    ids: set[int] = set()
    for a in user.active_assignments():
        if wanted is not None and a.rolle not in wanted:
            continue
        if a.leverandor_id:
            ids.add(a.leverandor_id)
        elif a.enhet_id and a.enhet is not None:
            ids.add(a.enhet.leverandor_id)
        elif a.team_id and a.team is not None:
            ids.add(a.team.enhet.leverandor_id)
    return ids


def teams_of(user: User, roles: Iterable[str]) -> QuerySet[Team]:
    """The teams a user follows in one of ``roles``: the teams they are on, and — as leader of a unit
    or a whole provider — every team in it («Teamets dag», the flag list)."""
    wanted = set(roles)
    own: set[int] = set()
    enheter: set[int] = set()
    leverandorer: set[int] = set()
    for a in user.active_assignments():
        if a.rolle not in wanted:
            continue
        if a.team_id:
            own.add(a.team_id)
        elif a.rolle == Role.LEDER and a.enhet_id:
            enheter.add(a.enhet_id)
        elif a.rolle == Role.LEDER and a.leverandor_id:
            leverandorer.add(a.leverandor_id)
    if not (own or enheter or leverandorer):
        return Team.objects.none()
    return Team.objects.filter(Q(pk__in=own) | Q(enhet_id__in=enheter) | Q(enhet__leverandor_id__in=leverandorer))


def _require_provider_staff(user: User, leverandor_id: int, roles: frozenset[str], message: str) -> None:
    if leverandor_id not in provider_ids(user, roles):
        raise ValidationError(message)


PLAN_ROLES = frozenset({Role.SYKEPLEIER, Role.LEDER})
MSG_PLAN_ROLE = "Bare sykepleiere og ledere hos leverandøren kan endre tiltaksplanen."
MSG_CARE_ROLE = "Bare sykepleiere, helsefagarbeidere og assistenter hos leverandøren kan registrere besøk."


# --- tiltaksplan -----------------------------------------------------------------------------------------


def snapshot(plan: Tiltaksplan) -> dict[str, Any]:
    """What the plan holds now, as plain data for its version history."""
    return {
        "viktig_for_meg": plan.viktig_for_meg,
        "team": str(plan.team) if plan.team else "",
        "primaerkontakt": str(plan.tjenestemottaker.primaerkontakt or ""),
        "mal": [
            {"id": m.pk, "tekst": m.tekst, "avsluttet": m.avsluttet.isoformat() if m.avsluttet else None}
            for m in plan.mal.all()
        ],
        "tiltak": [
            {
                "id": t.pk,
                "tittel": t.tittel,
                "mal": t.mal_id,
                "vedtak": t.vedtak_id,
                "rrule": t.rrule,
                "vindu": f"{t.vindu_fra:%H:%M}-{t.vindu_til:%H:%M}",
                "varighet_min": t.varighet_min,
                "kompetanse": t.kompetanse,
                "oppgaver": list(t.oppgaver),
                "prosedyre": t.prosedyre,
                "gyldig_fra": t.gyldig_fra.isoformat(),
                "gyldig_til": t.gyldig_til.isoformat() if t.gyldig_til else None,
            }
            for t in plan.tiltak.all()
        ],
    }


@dataclass(frozen=True)
class Medvirkning:
    """Why a plan changed, and how the person took part (required on every change)."""

    hvorfor: str
    involvering: str
    merknad: str = ""

    def validate(self) -> None:
        errors: dict[str, str] = {}
        if not self.hvorfor.strip():
            errors["hvorfor"] = "Skriv hvorfor planen endres."
        if self.involvering not in Involvering.values:
            errors["involvering"] = "Velg hvordan personen var med på endringen."
        elif self.involvering == Involvering.KUNNE_IKKE and not self.merknad.strip():
            errors["involvering_merknad"] = "Skriv hvorfor personen ikke kunne være med på endringen."
        if errors:
            raise ValidationError(errors)


def _new_version(plan: Tiltaksplan, user: User, hva: str, medvirkning: Medvirkning, *, first: bool = False) -> None:
    if not first:
        plan.versjon += 1
    plan.endret = timezone.now()
    plan.endret_av = user
    plan.save(update_fields=["versjon", "endret", "endret_av"])
    TiltaksplanEndring.objects.create(
        plan=plan,
        versjon=plan.versjon,
        endret_av=user,
        hva=hva[:200],
        hvorfor=medvirkning.hvorfor,
        involvering=medvirkning.involvering,
        involvering_merknad=medvirkning.merknad,
        innhold=snapshot(plan),
    )


def _ensure_team_serves(person: Tjenestemottaker, team: Team | None) -> None:
    """The plan's team serves the person from today (that membership is the team's access ground)."""
    from helhet.core.models import TjenestemottakerTeam

    if team is None:
        return
    today = timezone.localdate()
    active = TjenestemottakerTeam.objects.filter(tjenestemottaker=person, team=team).filter(
        TjenestemottakerTeam.active_q(today)
    )
    if not active.exists():
        TjenestemottakerTeam.objects.create(tjenestemottaker=person, team=team, fra=today)


def opprett_plan(
    *,
    utfort_av: User,
    decision: Decision,
    person: Tjenestemottaker,
    leverandor: Leverandor,
    team: Team | None,
    viktig_for_meg: str,
    medvirkning: Medvirkning,
) -> Tiltaksplan:
    _require_provider_staff(utfort_av, leverandor.pk, PLAN_ROLES, MSG_PLAN_ROLE)
    medvirkning.validate()
    if team is not None and team.enhet.leverandor_id != leverandor.pk:
        raise ValidationError({"team": f"Teamet hører ikke til {leverandor}."})
    if Tiltaksplan.objects.filter(tjenestemottaker=person, leverandor=leverandor).exists():
        raise ValidationError(f"Personen har allerede en tiltaksplan hos {leverandor}.")
    with transaction.atomic():
        plan = Tiltaksplan.objects.create(
            tjenestemottaker=person,
            leverandor=leverandor,
            team=team,
            viktig_for_meg=viktig_for_meg,
            endret_av=utfort_av,
        )
        _new_version(plan, utfort_av, "Planen ble opprettet", medvirkning, first=True)
        _ensure_team_serves(person, team)
        _record(utfort_av, AuditAction.CREATE, person, plan, decision)
    return plan


_KEEP: Any = object()


def endre_plan(
    *,
    utfort_av: User,
    decision: Decision,
    plan: Tiltaksplan,
    viktig_for_meg: str,
    team: Team | None,
    medvirkning: Medvirkning,
    primaerkontakt: User | None = _KEEP,
) -> Tiltaksplan:
    """Change «Hva er viktig for deg?», the team and (unless left out) the person's primærkontakt."""
    _require_provider_staff(utfort_av, plan.leverandor_id, PLAN_ROLES, MSG_PLAN_ROLE)
    medvirkning.validate()
    if team is not None and team.enhet.leverandor_id != plan.leverandor_id:
        raise ValidationError({"team": f"Teamet hører ikke til {plan.leverandor}."})
    person = plan.tjenestemottaker
    allowed_roles = {Role.SYKEPLEIER, Role.HELSEFAGARBEIDER}
    if (
        primaerkontakt is not _KEEP
        and primaerkontakt is not None
        and plan.leverandor_id not in provider_ids(primaerkontakt, allowed_roles)
    ):
        raise ValidationError(
            {"primaerkontakt": f"Primærkontakten må være sykepleier eller helsefagarbeider hos {plan.leverandor}."}
        )
    changed = ["plan"]
    with transaction.atomic():
        plan.viktig_for_meg = viktig_for_meg
        plan.team = team
        plan.save(update_fields=["viktig_for_meg", "team"])
        if primaerkontakt is not _KEEP and person.primaerkontakt_id != (primaerkontakt.pk if primaerkontakt else None):
            person.primaerkontakt = primaerkontakt
            person.save(update_fields=["primaerkontakt", "endret"])
            changed.append("primaerkontakt")
        _new_version(plan, utfort_av, "«Hva er viktig for deg?», team eller primærkontakt endret", medvirkning)
        _ensure_team_serves(person, team)
        _record(utfort_av, AuditAction.UPDATE, person, plan, decision, details={"felt": changed})
    return plan


def legg_til_mal(
    *, utfort_av: User, decision: Decision, plan: Tiltaksplan, tekst: str, medvirkning: Medvirkning
) -> Mal:
    _require_provider_staff(utfort_av, plan.leverandor_id, PLAN_ROLES, MSG_PLAN_ROLE)
    medvirkning.validate()
    if not tekst.strip():
        raise ValidationError({"tekst": "Skriv målet, helst med personens egne ord."})
    with transaction.atomic():
        mal = Mal.objects.create(plan=plan, tekst=tekst.strip())
        _new_version(plan, utfort_av, f"Nytt mål: {mal.tekst[:60]}", medvirkning)
        _record(utfort_av, AuditAction.CREATE, plan.tjenestemottaker, mal, decision)
    return mal


def avslutt_mal(
    *,
    utfort_av: User,
    decision: Decision,
    mal: Mal,
    avslutning: str,
    medvirkning: Medvirkning,
    dato: dt.date | None = None,
) -> Mal:
    plan = mal.plan
    _require_provider_staff(utfort_av, plan.leverandor_id, PLAN_ROLES, MSG_PLAN_ROLE)
    medvirkning.validate()
    if mal.avsluttet:
        raise ValidationError("Målet er allerede avsluttet.")
    with transaction.atomic():
        mal.avsluttet = dato or timezone.localdate()
        mal.avslutning = avslutning
        mal.save(update_fields=["avsluttet", "avslutning"])
        _new_version(plan, utfort_av, f"Mål avsluttet: {mal.tekst[:60]}", medvirkning)
        _record(utfort_av, AuditAction.UPDATE, plan.tjenestemottaker, mal, decision, details={"felt": ["avsluttet"]})
    return mal


TILTAK_FIELDS = (
    "mal",
    "vedtak",
    "tittel",
    "beskrivelse",
    "oppgaver",
    "prosedyre",
    "rrule",
    "vindu_fra",
    "vindu_til",
    "varighet_min",
    "kompetanse",
    "neste_vakt",
    "fast_ansatt",
    "gyldig_fra",
    "gyldig_til",
)


def pattern_of(tiltak: Tiltak) -> rec.VisitPattern:
    return rec.VisitPattern(
        rrule=tiltak.rrule,
        valid_from=tiltak.gyldig_fra,
        valid_to=tiltak.gyldig_til,
        window_start=tiltak.vindu_fra,
        window_end=tiltak.vindu_til,
        duration=dt.timedelta(minutes=tiltak.varighet_min),
    )


def _validate_tiltak(tiltak: Tiltak) -> None:
    """Bad input that is refused (a flag is for what may be saved but needs attention)."""
    tiltak.full_clean(exclude=["plan"])
    try:
        pattern_of(tiltak)
    except InvalidInput as exc:
        raise _invalid(exc, "rrule") from exc
    if tiltak.mal_id and tiltak.mal is not None and tiltak.mal.plan_id != tiltak.plan_id:
        raise ValidationError({"mal": "Målet hører til en annen tiltaksplan."})
    vedtak = tiltak.vedtak
    if vedtak is not None:
        if vedtak.tjenestemottaker_id != tiltak.plan.tjenestemottaker_id:
            raise ValidationError({"vedtak": "Vedtaket gjelder en annen person."})
        ends_after = vedtak.tom is not None and (tiltak.gyldig_til is None or tiltak.gyldig_til > vedtak.tom)
        if tiltak.gyldig_fra < vedtak.fom or ends_after:
            periode = f"{vedtak.fom:%d.%m.%Y}–{vedtak.tom:%d.%m.%Y}" if vedtak.tom else f"fra {vedtak.fom:%d.%m.%Y}"
            field = "gyldig_fra" if tiltak.gyldig_fra < vedtak.fom else "gyldig_til"
            raise ValidationError({field: f"Tiltaket må ligge innenfor vedtakets periode ({periode}). Juster datoene."})


def lagre_tiltak(
    *,
    utfort_av: User,
    decision: Decision,
    plan: Tiltaksplan,
    data: dict[str, Any],
    medvirkning: Medvirkning,
    tiltak: Tiltak | None = None,
) -> Tiltak:
    """Create a tiltak (``tiltak`` None) or change one; planned visits from today on follow the change."""
    _require_provider_staff(utfort_av, plan.leverandor_id, PLAN_ROLES, MSG_PLAN_ROLE)
    medvirkning.validate()
    creating = tiltak is None
    obj = tiltak or Tiltak(plan=plan)
    for name in TILTAK_FIELDS:
        if name in data:
            setattr(obj, name, data[name])
    obj.oppgaver = [str(o).strip() for o in (obj.oppgaver or []) if str(o).strip()]
    _validate_tiltak(obj)
    with transaction.atomic():
        obj.save()
        _new_version(plan, utfort_av, f"{'Nytt tiltak' if creating else 'Tiltak endret'}: {obj.tittel}", medvirkning)
        _record(
            utfort_av,
            AuditAction.CREATE if creating else AuditAction.UPDATE,
            plan.tjenestemottaker,
            obj,
            decision,
            details={"felt": sorted(k for k in data if k in TILTAK_FIELDS)},
        )
        if not creating:
            _replan_open_visits(obj)
    return obj


def avslutt_tiltak(
    *, utfort_av: User, decision: Decision, tiltak: Tiltak, til: dt.date, medvirkning: Medvirkning
) -> Tiltak:
    """End a tiltak on ``til``: planned visits after that date are removed (performed ones stay)."""
    plan = tiltak.plan
    _require_provider_staff(utfort_av, plan.leverandor_id, PLAN_ROLES, MSG_PLAN_ROLE)
    medvirkning.validate()
    if til < tiltak.gyldig_fra:
        raise ValidationError({"til": "Tiltaket kan ikke avsluttes før det begynte."})
    with transaction.atomic():
        tiltak.gyldig_til = til
        tiltak.save(update_fields=["gyldig_til"])
        _new_version(plan, utfort_av, f"Tiltak avsluttet: {tiltak.tittel}", medvirkning)
        _record(
            utfort_av, AuditAction.UPDATE, plan.tjenestemottaker, tiltak, decision, details={"felt": ["gyldig_til"]}
        )
        _replan_open_visits(tiltak)
    return tiltak


def _replan_open_visits(tiltak: Tiltak) -> None:
    """Planned (not started) visits from today on are regenerated from the changed tiltak."""
    today = timezone.localdate()
    stale = Besok.objects.filter(tiltak=tiltak, dato__gte=today, status=Besok.Status.PLANLAGT, handlinger__isnull=True)
    last = stale.order_by("-dato").values_list("dato", flat=True).first()
    stale.delete()
    if last is not None:
        generer_besok(today, last, Tiltak.objects.filter(pk=tiltak.pk))


# --- flags on a plan -----------------------------------------------------------------------------------


def planned_hours_per_week(tiltak: Iterable[Tiltak], start: dt.date) -> Decimal:
    """Hours per week the tiltak plan over the four weeks from ``start`` (averaged)."""
    end = start + dt.timedelta(days=27)
    total = Fraction(0)
    for t in tiltak:
        try:
            n = len(rec.occurrences(pattern_of(t), start, end))
        except InvalidInput:
            continue
        total += Fraction(n * t.varighet_min, 60)
    return Decimal(total.numerator) / Decimal(total.denominator) / 4


def tiltak_flagg(tiltak: Tiltak, day: dt.date | None = None) -> list[str]:
    """What needs attention on a saved tiltak: no goal, no granting vedtak, beyond the vedtak."""
    day = day or timezone.localdate()
    flags: list[str] = []
    if tiltak.mal_id is None:
        flags.append("Tiltaket er ikke knyttet til noe mål.")
    vedtak = tiltak.vedtak
    if vedtak is None:
        flags.append("Tiltaket er ikke knyttet til noe vedtak: ingen vedtak gir grunnlag for det.")
        return flags
    if vedtak.status != Vedtak.Status.FATTET or vedtak.utfall == Vedtak.Utfall.AVSLAG:
        flags.append(f"Vedtaket ({vedtak.get_tjenestetype_display()}) er ikke fattet som innvilget.")
    if vedtak.tom and tiltak.gyldig_til is None:
        flags.append(f"Vedtaket gjelder til {vedtak.tom:%d.%m.%Y}, men tiltaket har ingen sluttdato.")
    if vedtak.timer_per_uke is not None:
        siblings = [
            t
            for t in tiltak.plan.tiltak.all()
            if t.vedtak_id == vedtak.pk and (t.gyldig_til is None or t.gyldig_til >= day)
        ]
        start = max(day, tiltak.gyldig_fra)
        planned = planned_hours_per_week(siblings, start)
        if planned > vedtak.timer_per_uke + Decimal("0.01"):
            planned_text, granted_text = (f"{v:.1f}".replace(".", ",") for v in (planned, vedtak.timer_per_uke))
            flags.append(
                f"Tiltakene planlegger {planned_text} timer per uke, men vedtaket gir {granted_text} timer per uke."
            )
    return flags


def plan_flagg(plan: Tiltaksplan) -> dict[int, list[str]]:
    """Flags per tiltak id, for the tiltak still in force."""
    day = timezone.localdate()
    return {
        t.pk: flags
        for t in plan.tiltak.select_related("vedtak", "mal").all()
        if (t.gyldig_til is None or t.gyldig_til >= day) and (flags := tiltak_flagg(t, day))
    }


# --- individuell plan ----------------------------------------------------------------------------------


def lagre_individuell_plan(
    *, utfort_av: User, decision: Decision, person: Tjenestemottaker, data: dict[str, Any]
) -> IndividuellPlan:
    if not provider_ids(utfort_av, PLAN_ROLES) and not utfort_av.has_role(Role.SAKSBEHANDLER):
        raise ValidationError("Bare sykepleiere, ledere og saksbehandlere kan registrere individuell plan.")
    ip = getattr(person, "individuell_plan", None) or IndividuellPlan(tjenestemottaker=person)
    creating = ip.pk is None
    for name in ("koordinator", "samtykke", "status", "deltakere", "neste_evaluering"):
        if name in data:
            setattr(ip, name, data[name])
    if ip.status == IndividuellPlan.Status.AKTIV and not ip.samtykke:
        raise ValidationError({"samtykke": "En individuell plan kan bare være aktiv når personen har samtykket."})
    ip.full_clean()
    with transaction.atomic():
        ip.save()
        _record(utfort_av, AuditAction.CREATE if creating else AuditAction.UPDATE, person, ip, decision)
    return ip


# --- visits: generation --------------------------------------------------------------------------------


def _assignee(tiltak: Tiltak, competences: dict[int, frozenset[str]]) -> int | None:
    for candidate in (tiltak.fast_ansatt_id, tiltak.plan.tjenestemottaker.primaerkontakt_id):
        if candidate and kompetanse.meets(competences.get(candidate, frozenset()), tiltak.kompetanse):
            return candidate
    return None


def competence_map(user_ids: set[int], day: dt.date | None = None) -> dict[int, frozenset[str]]:
    """Each user's competence levels on ``day`` (default today), from their role assignments then (one query)."""
    result: dict[int, frozenset[str]] = {}
    today = day or timezone.localdate()
    for user in User.objects.filter(pk__in=user_ids).prefetch_related("role_assignments"):
        roles = {
            a.rolle
            for a in user.role_assignments.all()
            if a.gyldig_fra <= today and (a.gyldig_til is None or a.gyldig_til >= today)
        }
        result[user.pk] = kompetanse.competences(roles, authorised=bool(user.hpr_nummer))
    return result


def generer_besok(
    start: dt.date, end: dt.date, tiltak: QuerySet[Tiltak] | None = None, *, batch_size: int = 5000
) -> int:
    """Create the planned visits of ``tiltak`` (default: all) from ``start`` to ``end``; returns how many.

    Idempotent: a tiltak has at most one visit a day (a unique constraint), and days that already
    have one are skipped, so running it twice (or over overlapping ranges) creates nothing new.
    Visits are assigned to the tiltak's fixed staff member, else the person's primærkontakt, when
    they have the competence; otherwise they wait unassigned for the planner.
    """
    if end < start:
        raise ValidationError("Sluttdatoen kan ikke være før startdatoen.")
    qs = (
        (tiltak if tiltak is not None else Tiltak.objects.all())
        .filter(gyldig_fra__lte=end)
        .filter(Q(gyldig_til__isnull=True) | Q(gyldig_til__gte=start))
    )
    qs = qs.select_related("plan__tjenestemottaker", "plan", "vedtak")
    items = list(qs)
    if not items:
        return 0
    staff = {i for t in items for i in (t.fast_ansatt_id, t.plan.tjenestemottaker.primaerkontakt_id) if i}
    competences = competence_map(staff)
    created = 0
    pending: list[Besok] = []
    for chunk_start in range(0, len(items), 1000):
        chunk = items[chunk_start : chunk_start + 1000]
        existing = set(
            Besok.objects.filter(tiltak__in=chunk, dato__gte=start, dato__lte=end).values_list("tiltak_id", "dato")
        )
        for t in chunk:
            try:
                occurrences = rec.occurrences(pattern_of(t), start, end)
            except InvalidInput:
                continue
            assignee = _assignee(t, competences)
            for occ in occurrences:
                if (t.pk, occ.date) in existing:
                    continue
                pending.append(
                    Besok(
                        tiltak_id=t.pk,
                        tjenestemottaker_id=t.plan.tjenestemottaker_id,
                        vedtak_id=t.vedtak_id,
                        leverandor_id=t.plan.leverandor_id,
                        team_id=t.plan.team_id,
                        dato=occ.date,
                        vindu_start=occ.window_start,
                        vindu_slutt=occ.window_end,
                        varighet_min=t.varighet_min,
                        kompetanse=t.kompetanse,
                        ansatt_id=assignee,
                    )
                )
            if len(pending) >= batch_size:
                created += len(Besok.objects.bulk_create(pending, batch_size=batch_size, ignore_conflicts=True))
                pending = []
    if pending:
        created += len(Besok.objects.bulk_create(pending, batch_size=batch_size, ignore_conflicts=True))
    return created


def tildel(*, utfort_av: User, decision: Decision, besok: Besok, ansatt: User | None) -> Besok:
    """A leader or nurse assigns a visit to a staff member (the planner of issue 5 does it in bulk)."""
    _require_provider_staff(utfort_av, besok.leverandor_id, PLAN_ROLES, "Bare sykepleiere og ledere kan tildele besøk.")
    if not besok.is_open:
        raise ValidationError("Bare besøk som ikke er utført eller avlyst kan tildeles på nytt.")
    if ansatt is not None:
        if besok.leverandor_id not in provider_ids(ansatt, CARE_ROLES):
            raise ValidationError({"ansatt": f"{ansatt} arbeider ikke hos {besok.leverandor}."})
        if not kompetanse.meets(staff_competences(ansatt, besok.dato), besok.kompetanse):
            raise ValidationError(
                {"ansatt": f"{ansatt} har ikke kompetansen besøket krever ({besok.get_kompetanse_display()})."}
            )
    with transaction.atomic():
        besok.ansatt = ansatt
        besok.save(update_fields=["ansatt", "endret"])
        _record(utfort_av, AuditAction.UPDATE, besok.tjenestemottaker, besok, decision, details={"felt": ["ansatt"]})
    return besok


# --- visits: performing ----------------------------------------------------------------------------------


def _when(tidspunkt: dt.datetime | None) -> dt.datetime:
    now = timezone.now()
    if tidspunkt is None:
        return now
    if timezone.is_naive(tidspunkt):
        tidspunkt = timezone.make_aware(tidspunkt)
    if tidspunkt > now + MAX_CLOCK_SKEW:
        raise ValidationError("Tidspunktet kan ikke være fram i tid. Sjekk klokken på telefonen.")
    if tidspunkt < now - MAX_OFFLINE_DELAY:
        raise ValidationError(
            "Handlingen er mer enn 12 timer gammel og kan ikke registreres fra telefonen. Be sykepleier registrere den."
        )
    return tidspunkt


def _repeat(nokkel: uuid.UUID | None, besok: Besok, kind: str) -> bool:
    """True when this exact action (same key) was already carried out: the repeat changes nothing."""
    if nokkel is None:
        return False
    done = Handling.objects.filter(nokkel=nokkel, type=kind).first()
    if done is None:
        return False
    if done.besok_id != besok.pk:
        raise ValidationError("Skjemaet er utdatert. Last siden på nytt og prøv igjen.")
    return True


def _remember(nokkel: uuid.UUID | None, besok: Besok, kind: str, user: User, when: dt.datetime) -> None:
    if nokkel is None:
        return
    try:
        with transaction.atomic():
            Handling.objects.create(nokkel=nokkel, besok=besok, type=kind, utfort_av=user, tidspunkt=when)
    except IntegrityError as exc:  # a concurrent duplicate won the race: roll this one back
        raise _Duplicate from exc


class _Duplicate(Exception):
    pass


def _require_visit_staff(user: User, besok: Besok) -> None:
    if besok.leverandor_id not in provider_ids(user, CARE_ROLES):
        raise ValidationError(MSG_CARE_ROLE)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine, mean Earth radius 6 371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def _position_ok(person: Tjenestemottaker, posisjon: tuple[float, float] | None) -> bool | None:
    if posisjon is None or person.breddegrad is None or person.lengdegrad is None:
        return None
    return distance_m(posisjon[0], posisjon[1], float(person.breddegrad), float(person.lengdegrad)) <= POSITION_RADIUS_M


def _sjekk_inn(
    *,
    utfort_av: User,
    decision: Decision,
    besok: Besok,
    nokkel: uuid.UUID | None = None,
    tidspunkt: dt.datetime | None = None,
    posisjon: tuple[float, float] | None = None,
) -> Besok:
    """Check in: the visit starts. The position (if sent) is compared with the address and dropped."""
    _require_visit_staff(utfort_av, besok)
    when = _when(tidspunkt)
    with transaction.atomic():
        besok = Besok.objects.select_for_update().get(pk=besok.pk)
        if _repeat(nokkel, besok, "inn"):
            return besok
        if besok.status == Besok.Status.PAGAR:
            raise ValidationError(
                f"Besøket ble allerede sjekket inn kl. {_local(besok.inn)} av {besok.utfort_av}."  # type: ignore[arg-type]
            )
        if besok.status == Besok.Status.UTFORT:
            raise ValidationError("Besøket er allerede utført og sjekket ut.")
        if besok.status in (Besok.Status.AVLYST, Besok.Status.IKKE_UTFORT):
            raise ValidationError(
                f"Besøket er registrert som {besok.get_status_display().lower()} ({besok.get_grunn_display().lower()}) "
                "og kan ikke sjekkes inn."
            )
        if abs((timezone.localdate(when) - besok.dato).days) > 1:
            raise ValidationError(f"Besøket er planlagt {besok.dato:%d.%m.%Y} og kan ikke sjekkes inn i dag.")
        besok.status = Besok.Status.PAGAR
        besok.inn = when
        besok.utfort_av = utfort_av
        besok.utfort_kompetanse = sorted(staff_competences(utfort_av, besok.dato))
        besok.posisjon_bekreftet = _position_ok(besok.tjenestemottaker, posisjon)
        besok.save()
        tasks = besok.tiltak.oppgaver or []
        BesokOppgave.objects.bulk_create(
            [BesokOppgave(besok=besok, nr=i, tekst=str(text)[:200]) for i, text in enumerate(tasks, start=1)]
        )
        _remember(nokkel, besok, "inn", utfort_av, when)
        _record(utfort_av, AuditAction.UPDATE, besok.tjenestemottaker, besok, decision, details={"felt": ["inn"]})
    return besok


def _sjekk_ut(
    *,
    utfort_av: User,
    decision: Decision,
    besok: Besok,
    nokkel: uuid.UUID | None = None,
    tidspunkt: dt.datetime | None = None,
) -> Besok:
    """Check out: the visit is performed. Every task must be ticked done or not done first."""
    _require_visit_staff(utfort_av, besok)
    when = _when(tidspunkt)
    with transaction.atomic():
        besok = Besok.objects.select_for_update().get(pk=besok.pk)
        if _repeat(nokkel, besok, "ut"):
            return besok
        if besok.status == Besok.Status.PLANLAGT:
            raise ValidationError("Du må sjekke inn før du kan sjekke ut.")
        if besok.status == Besok.Status.UTFORT:
            raise ValidationError(f"Besøket ble allerede sjekket ut kl. {_local(besok.ut)}.")  # type: ignore[arg-type]
        if besok.status != Besok.Status.PAGAR:
            raise ValidationError("Besøket er avlyst og kan ikke sjekkes ut.")
        assert besok.inn is not None
        if when < besok.inn:
            raise ValidationError(f"Utsjekk kan ikke være før innsjekk (kl. {_local(besok.inn)}).")
        open_tasks = list(besok.oppgaver.filter(status=BesokOppgave.Status.APEN).values_list("tekst", flat=True))
        if open_tasks:
            raise ValidationError(
                "Kryss av alle oppgavene som utført eller ikke utført (med grunn) før du sjekker ut: "
                + ", ".join(open_tasks)
                + "."
            )
        besok.status = Besok.Status.UTFORT
        besok.ut = when
        besok.save(update_fields=["status", "ut", "endret"])
        _remember(nokkel, besok, "ut", utfort_av, when)
        _record(utfort_av, AuditAction.UPDATE, besok.tjenestemottaker, besok, decision, details={"felt": ["ut"]})
    return besok


def _kryss_av(
    *,
    utfort_av: User,
    decision: Decision,
    oppgave: BesokOppgave,
    utfort: bool,
    grunn: str = "",
    nokkel: uuid.UUID | None = None,
) -> BesokOppgave:
    _require_visit_staff(utfort_av, oppgave.besok)
    if not utfort and not grunn.strip():
        raise ValidationError({"grunn": f"Skriv hvorfor «{oppgave.tekst}» ikke ble utført."})
    with transaction.atomic():
        # Lock the visit: a tick must not race a check-out or a cancellation.
        besok = Besok.objects.select_for_update().get(pk=oppgave.besok_id)
        oppgave = BesokOppgave.objects.get(pk=oppgave.pk)
        if _repeat(nokkel, besok, f"oppgave:{oppgave.pk}"):
            return oppgave
        if besok.status in (Besok.Status.AVLYST, Besok.Status.IKKE_UTFORT):
            raise ValidationError("Besøket er avlyst; oppgavene kan ikke krysses av.")
        if besok.status == Besok.Status.PLANLAGT:
            raise ValidationError("Sjekk inn på besøket før du krysser av oppgaver.")
        if besok.status == Besok.Status.UTFORT:
            raise ValidationError("Besøket er sjekket ut. Skriv et journalnotat hvis noe må rettes.")
        oppgave.status = BesokOppgave.Status.UTFORT if utfort else BesokOppgave.Status.IKKE_UTFORT
        oppgave.grunn = "" if utfort else grunn.strip()[:300]
        oppgave.avkrysset = timezone.now()
        oppgave.avkrysset_av = utfort_av
        oppgave.save(update_fields=["status", "grunn", "avkrysset", "avkrysset_av"])
        _remember(nokkel, besok, f"oppgave:{oppgave.pk}", utfort_av, oppgave.avkrysset)
        _record(utfort_av, AuditAction.UPDATE, besok.tjenestemottaker, oppgave, decision, details={"felt": ["status"]})
    return oppgave


def _avlys(
    *,
    utfort_av: User,
    decision: Decision,
    besok: Besok,
    grunn: str,
    tekst: str = "",
    ikke_utfort: bool = False,
    nokkel: uuid.UUID | None = None,
) -> Besok:
    _require_visit_staff(utfort_av, besok)
    if grunn not in Besok.Grunn.values:
        raise ValidationError({"grunn": "Velg en grunn."})
    if grunn == Besok.Grunn.ANNET and not tekst.strip():
        raise ValidationError({"grunn_tekst": "Skriv hva som var grunnen."})
    with transaction.atomic():
        besok = Besok.objects.select_for_update().get(pk=besok.pk)
        if _repeat(nokkel, besok, "avlys"):
            return besok
        if besok.status != Besok.Status.PLANLAGT:
            raise ValidationError(
                f"Besøket er {besok.get_status_display().lower()} og kan ikke avlyses."
                + (" Sjekk ut i stedet, og kryss av det som ikke ble gjort." if besok.status == "pagar" else "")
            )
        besok.status = Besok.Status.IKKE_UTFORT if ikke_utfort else Besok.Status.AVLYST
        besok.grunn = grunn
        besok.grunn_tekst = tekst.strip()[:300]
        besok.save(update_fields=["status", "grunn", "grunn_tekst", "endret"])
        _remember(nokkel, besok, "avlys", utfort_av, timezone.now())
        _record(utfort_av, AuditAction.UPDATE, besok.tjenestemottaker, besok, decision, details={"felt": ["status"]})
    return besok


def _duplicate_safe(impl: Callable[..., T], reload: Callable[[dict[str, Any]], T]) -> Callable[..., T]:
    """``impl`` with a concurrent duplicate (same key, lost the race) answered by the saved state."""

    @functools.wraps(impl)
    def wrapper(**kwargs: Any) -> T:
        try:
            return impl(**kwargs)
        except _Duplicate:
            return reload(kwargs)

    return wrapper


def _visit_of(kwargs: dict[str, Any]) -> Besok:
    return Besok.objects.get(pk=kwargs["besok"].pk)


#: Check in: the visit starts; the position (if sent) is compared with the address and dropped.
sjekk_inn = _duplicate_safe(_sjekk_inn, _visit_of)
#: Check out: the visit is performed; every task must be ticked done or not done first.
sjekk_ut = _duplicate_safe(_sjekk_ut, _visit_of)
#: Tick one task done, or not done with the reason; a retry with the same key changes nothing,
#: even after a later tick of the same task.
kryss_av = _duplicate_safe(_kryss_av, lambda kwargs: BesokOppgave.objects.get(pk=kwargs["oppgave"].pk))
#: Cancel a planned visit beforehand (``avlyst``) or record that it did not happen (``ikke_utfort``).
avlys = _duplicate_safe(_avlys, _visit_of)


# --- journal ---------------------------------------------------------------------------------------------


JOURNAL_ROLES = frozenset({Role.SYKEPLEIER, Role.HELSEFAGARBEIDER, Role.ASSISTENT, Role.LEDER})


def skriv_notat(
    *,
    utfort_av: User,
    decision: Decision,
    person: Tjenestemottaker,
    tekst: str,
    type: str = Journalnotat.Type.OBSERVASJON,
    flagg: str = "",
    besok: Besok | None = None,
    tiltak: Tiltak | None = None,
    nokkel: uuid.UUID | None = None,
    korrigerer: Journalnotat | None = None,
) -> Journalnotat:
    """Write a signed note. A repeated submission with the same key returns the first note."""
    if not utfort_av.has_role(*JOURNAL_ROLES):
        raise ValidationError("Bare helsepersonell og ledere i tjenesten kan skrive i journalen.")
    if nokkel is not None and (same := Journalnotat.objects.filter(nokkel=nokkel).first()) is not None:
        if same.tjenestemottaker_id != person.pk or same.forfatter_id != utfort_av.pk:
            raise ValidationError("Skjemaet er utdatert. Last siden på nytt og prøv igjen.")
        return same
    errors: dict[str, str] = {}
    if not tekst.strip():
        errors["tekst"] = "Skriv notatet."
    if type not in Journalnotat.Type.values:
        errors["type"] = "Velg type notat."
    if flagg not in Journalnotat.Flagg.values:
        errors["flagg"] = "Velg hvem notatet skal flagges til."
    if besok is not None and besok.tjenestemottaker_id != person.pk:
        errors["besok"] = "Besøket gjelder en annen person."
    if tiltak is not None and tiltak.plan.tjenestemottaker_id != person.pk:
        errors["tiltak"] = "Tiltaket gjelder en annen person."
    if korrigerer is not None and korrigerer.tjenestemottaker_id != person.pk:
        errors["korrigerer"] = "Notatet som korrigeres gjelder en annen person."
    if errors:
        raise ValidationError(errors)
    roles = sorted(utfort_av.roles())
    note = Journalnotat(
        tjenestemottaker=person,
        besok=besok,
        tiltak=tiltak,
        type=type,
        tekst=tekst.strip(),
        flagg=flagg,
        forfatter=utfort_av,
        forfatter_navn=utfort_av.get_full_name() or utfort_av.get_username(),
        forfatter_rolle=", ".join(Role(r).label for r in roles if r in Role.values),
        korrigerer=korrigerer,
        nokkel=nokkel,
    )
    try:
        with transaction.atomic():
            note.save()
            _record(utfort_av, AuditAction.CREATE, person, note, decision)
    except IntegrityError:
        if nokkel is not None and (same := Journalnotat.objects.filter(nokkel=nokkel).first()) is not None:
            return same
        raise
    return note


def korriger_notat(
    *, utfort_av: User, decision: Decision, notat: Journalnotat, tekst: str, nokkel: uuid.UUID | None = None
) -> Journalnotat:
    """Correct a note by a new one that points at it; the original stays as it was."""
    return skriv_notat(
        utfort_av=utfort_av,
        decision=decision,
        person=notat.tjenestemottaker,
        tekst=tekst,
        type=notat.type,
        besok=notat.besok,
        tiltak=notat.tiltak,
        nokkel=nokkel,
        korrigerer=notat,
    )


def kvitter_flagg(*, utfort_av: User, decision: Decision, notat: Journalnotat, merknad: str = "") -> FlaggKvittering:
    if not notat.flagg:
        raise ValidationError("Notatet er ikke flagget.")
    if notat.flagg == Journalnotat.Flagg.SYKEPLEIER and not utfort_av.has_role(Role.SYKEPLEIER, Role.LEDER):
        raise ValidationError("Bare sykepleier eller leder kan kvittere for et flagg til sykepleier.")
    if FlaggKvittering.objects.filter(notat=notat).exists():
        raise ValidationError("Flagget er allerede kvittert ut.")
    with transaction.atomic():
        kvittering = FlaggKvittering.objects.create(notat=notat, av=utfort_av, merknad=merknad.strip()[:300])
        _record(utfort_av, AuditAction.CREATE, notat.tjenestemottaker, kvittering, decision)
    return kvittering


# --- «Min dag» -------------------------------------------------------------------------------------------


def min_dag(user: User, day: dt.date) -> list[Besok]:
    """The visits assigned to ``user`` on ``day`` in the order of the published plan (its planned start,
    else the agreed window's start); one query + prefetch."""
    return list(
        Besok.objects.filter(ansatt=user, dato=day)
        .select_related("tjenestemottaker", "tiltak")
        .prefetch_related("oppgaver")
        .order_by(Coalesce("planlagt_start", "vindu_start"), "vindu_start", "pk")
    )


def notes_that_matter(person_ids: Iterable[Any], day: dt.date) -> dict[Any, list[Journalnotat]]:
    """Per person: notes for the next shift, and open flags, from the last week (newest first, at most 3)."""
    since = timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=NOTES_DAYS), dt.time(0)))
    notes = (
        Journalnotat.objects.filter(tjenestemottaker_id__in=list(person_ids), signert__gte=since)
        .filter(Q(type=Journalnotat.Type.NESTE_VAKT) | ~Q(flagg=""))
        .select_related("kvittering")
        .order_by("-signert")
    )
    result: dict[Any, list[Journalnotat]] = {}
    for note in notes:
        bucket = result.setdefault(note.tjenestemottaker_id, [])
        if len(bucket) < 3:
            bucket.append(note)
    return result


def open_flags(team_ids: Iterable[int]) -> QuerySet[Journalnotat]:
    """Flagged notes nobody has acknowledged, for persons served by the teams (newest first)."""
    from helhet.core.models import TjenestemottakerTeam

    persons = TjenestemottakerTeam.objects.filter(team_id__in=list(team_ids)).filter(
        TjenestemottakerTeam.active_q(timezone.localdate())
    )
    return (
        Journalnotat.objects.filter(tjenestemottaker_id__in=persons.values("tjenestemottaker_id"))
        .exclude(flagg="")
        .filter(kvittering__isnull=True)
        .select_related("tjenestemottaker", "besok")
        .order_by("-signert")
    )


def bestilling_for(vedtak: Vedtak, leverandor_id: int, day: dt.date) -> Bestilling | None:
    return (
        Bestilling.objects.filter(vedtak=vedtak, leverandor_id=leverandor_id, fra__lte=day)
        .filter(Q(til__isnull=True) | Q(til__gte=day))
        .first()
    )
