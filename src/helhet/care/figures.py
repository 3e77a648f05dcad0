"""Measured delivery from the rows: the Django side of :mod:`helhet.care.rules.kpi`.

Every figure is computed from recorded rows (ARCHITECTURE.md, principle 1): visits
(:class:`~helhet.care.models.Besok`), their checklist steps (:class:`~helhet.care.models.BesokOppgave`),
what the vedtak grants (:class:`~helhet.cases.models.Vedtak` and the provider's period in its
:class:`~helhet.cases.models.Bestilling`) and who should meet the person (primærkontakt and the
teams serving them). This module loads those rows into the pure dataclasses of ``kpi`` and calls
the pure functions; it has no views and changes nothing.

Two paths to kontraktsintegritet, kept equal by a test on the same rows:

- **The headline** (:func:`kontraktsintegritet_for`, :func:`kontraktsintegritet_bydel`,
  :func:`kontraktsintegritet_leverandor`): one SQL query per call, grouped by (vedtak, provider),
  with one filtered aggregate per ISO week and month (visits planned and performed by planned
  date, competence required and met, and Σ check-in → check-out clipped to the bucket). The granted
  side comes from the pure function run on the scopes alone. A bydel's month with ~1 million visits
  reads only aggregates, never visit rows.
- **The drill-down** (:func:`kontraktsintegritet_vedtak`, :func:`kontraktsintegritet_rows`): the
  visit rows into :func:`kpi.kontraktsintegritet`, so each figure keeps the visits behind it.

Which rows count:

- A vedtak counts when it is granted (``innvilget``) and was made (``fattet``, later ``erstattet`` or
  ``opphort``: it was in force for its period). Its scope for a provider runs over the bestilling's
  period (``fra``..``til``) clipped to the vedtak's ``fom``..``tom``, with ``timer_per_uke`` (KPR's
  hours per week) and, for scopes stated in visits, ``omfang`` visits per week (× 7 per day).
  Overlapping bestillinger of one vedtak and provider (which the services do not create) are cut so
  the later starts after the earlier ends.
- A bydel's figures are those of the vedtak of persons living in the bydel
  (``Tjenestemottaker.bydel``), for every provider delivering them, municipal or private.
- Visits are read from two days before the period to one day after it by planned date (the index
  ``(vedtak, dato)``/``(leverandor, dato)`` serves it): a visit is checked in at most a day from its
  planned date (``services.sjekk_inn``), so a visit across midnight at the period's edge still
  delivers its minutes to the right day.
- Besok status: ``planlagt``/``pagar`` → planned, ``utfort`` → performed, ``avlyst`` → cancelled,
  ``ikke_utfort`` → missed. The staff member of a visit is who checked in (``utfort_av``), else the
  one assigned. Staff competence is the snapshot ``utfort_kompetanse`` taken at check-in; the
  requirement is :func:`kompetanse.required` of the visit's level.
- Visits without a vedtak count in punktlighet and kontinuitet (with ``vedtak_id`` 0), never in
  kontraktsintegritet.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least
from django.db.models.lookups import Contains
from django.utils import timezone

from helhet.care.models import Besok, BesokOppgave
from helhet.care.rules import kompetanse
from helhet.care.rules.kpi import (
    CONTINUITY_WINDOW_DAYS,
    DAYS_PER_WEEK,
    VISIT_SERVICES,
    Checklist,
    ChecklistStep,
    ContinuityFigure,
    DeliveredVisit,
    DeliveryFigure,
    Figure,
    GrantedScope,
    Kind,
    PersonTeam,
    ProviderFigure,
    VisitStatus,
    behandlingsintegritet,
    hours,
    iso_weeks,
    kontinuitet,
    kontraktsintegritet,
    local_midnight,
    months,
    per_provider,
    ratio,
)
from helhet.cases.models import Bestilling, Vedtak
from helhet.cases.rules.tjenester import ScopeUnit
from helhet.core.models import RoleAssignment, Tjenestemottaker, TjenestemottakerTeam

Period = tuple[dt.date, dt.date]

#: Vedtak that were made and so were in force over their period.
MADE = (Vedtak.Status.FATTET, Vedtak.Status.ERSTATTET, Vedtak.Status.OPPHORT)
#: Days of visits read before and after the period (see the module docstring).
READ_BEFORE_DAYS = 2
READ_AFTER_DAYS = 1
#: Competence levels that are a requirement (``ingen`` and blank are none).
REQUIRING_LEVELS = tuple(k.value for k in kompetanse.Kompetanse if k is not kompetanse.Kompetanse.INGEN)

STATUS_MAP = {
    Besok.Status.PLANLAGT: VisitStatus.PLANNED,
    Besok.Status.PAGAR: VisitStatus.PLANNED,
    Besok.Status.UTFORT: VisitStatus.PERFORMED,
    Besok.Status.AVLYST: VisitStatus.CANCELLED,
    Besok.Status.IKKE_UTFORT: VisitStatus.MISSED,
}
#: No vedtak on the visit (a tiltak not granted by any vedtak): a vedtak id no vedtak has.
NO_VEDTAK = 0


# --- periods ----------------------------------------------------------------------------------------


def month_period(month_start: dt.date) -> Period:
    """The calendar month of ``month_start`` (any day in it), first to last day."""
    first = month_start.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def week_period(day: dt.date) -> Period:
    """The ISO week (Monday to Sunday) of ``day``."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def today() -> dt.date:
    return timezone.localdate()


def _read_range(period: Period) -> Period:
    return period[0] - dt.timedelta(days=READ_BEFORE_DAYS), period[1] + dt.timedelta(days=READ_AFTER_DAYS)


# --- granted scope ----------------------------------------------------------------------------------


def _visits_per_week(omfang: Decimal | None, enhet: str) -> Decimal | None:
    if omfang is None:
        return None
    if enhet == ScopeUnit.BESOK_PER_DAG:
        return omfang * DAYS_PER_WEEK
    if enhet == ScopeUnit.BESOK_PER_UKE:
        return omfang
    return None


def _without_overlap(scopes: list[GrantedScope]) -> list[GrantedScope]:
    """Cut overlapping scopes of one (vedtak, provider) so each day has at most one."""
    result: list[GrantedScope] = []
    for scope in sorted(scopes, key=lambda s: s.fom):
        if result:
            last = result[-1]
            if last.tom is None:
                continue
            if scope.fom <= last.tom:
                if scope.tom is not None and scope.tom <= last.tom:
                    continue
                scope = replace(scope, fom=last.tom + dt.timedelta(days=1))
        result.append(scope)
    return result


def granted_scopes(
    period: Period, *, bydel_id: int | None = None, leverandor_id: int | None = None, vedtak_id: int | None = None
) -> list[GrantedScope]:
    """The scopes in force on some day of ``period``: per vedtak and provider, from the bestilling.

    Only services delivered as visits in the home (:data:`kpi.VISIT_SERVICES`): a BPA vedtak is
    measured from its timesheets, not from visits.
    """
    start, end = period
    qs = Bestilling.objects.filter(
        vedtak__utfall=Vedtak.Utfall.INNVILGET,
        vedtak__status__in=MADE,
        vedtak__tjenestetype__in=VISIT_SERVICES,
        fra__lte=end,
        vedtak__fom__lte=end,
    ).filter(Q(til__isnull=True) | Q(til__gte=start), Q(vedtak__tom__isnull=True) | Q(vedtak__tom__gte=start))
    if bydel_id is not None:
        qs = qs.filter(vedtak__tjenestemottaker__bydel_id=bydel_id)
    if leverandor_id is not None:
        qs = qs.filter(leverandor_id=leverandor_id)
    if vedtak_id is not None:
        qs = qs.filter(vedtak_id=vedtak_id)
    rows = qs.order_by().values_list(
        "vedtak_id",
        "leverandor_id",
        "fra",
        "til",
        "vedtak__fom",
        "vedtak__tom",
        "vedtak__timer_per_uke",
        "vedtak__omfang",
        "vedtak__omfang_enhet",
    )
    by_key: dict[tuple[int, int], list[GrantedScope]] = defaultdict(list)
    for v_id, p_id, fra, til, fom, tom, per_week, omfang, enhet in rows:
        lo = max(fra, fom)
        ends = [d for d in (til, tom) if d is not None]
        hi = min(ends) if ends else None
        if hi is not None and hi < lo:
            continue
        by_key[(v_id, p_id)].append(
            GrantedScope(
                vedtak_id=v_id,
                provider_id=p_id,
                fom=lo,
                tom=hi,
                hours_per_week=per_week,
                visits_per_week=_visits_per_week(omfang, enhet),
            )
        )
    return [scope for key in sorted(by_key) for scope in _without_overlap(by_key[key])]


# --- visits -----------------------------------------------------------------------------------------

VISIT_FIELDS = (
    "id",
    "vedtak_id",
    "leverandor_id",
    "tjenestemottaker_id",
    "vindu_start",
    "vindu_slutt",
    "status",
    "inn",
    "ut",
    "utfort_av_id",
    "ansatt_id",
    "utfort_kompetanse",
    "kompetanse",
)


def _required(level: str) -> frozenset[str]:
    try:
        return kompetanse.required(level)
    except ValueError:  # an unknown level: no requirement this module can judge
        return frozenset()


def to_delivered_visit(row: tuple[Any, ...]) -> DeliveredVisit:
    """One ``Besok.values_list(*VISIT_FIELDS)`` row as a :class:`DeliveredVisit`."""
    (pk, vedtak_id, provider_id, person_id, start, end, status, inn, ut, by_id, assigned_id, staff_comp, level) = row
    mapped = STATUS_MAP.get(status, VisitStatus.PLANNED)
    if inn is None:
        ut = None
        if mapped is VisitStatus.PERFORMED:  # not possible through the services; keep the figure honest
            mapped = VisitStatus.MISSED
    return DeliveredVisit(
        visit_id=pk,
        vedtak_id=vedtak_id if vedtak_id is not None else NO_VEDTAK,
        provider_id=provider_id,
        person_id=person_id,
        planned_start=start,
        status=mapped,
        window_start=start,
        window_end=end,
        check_in=inn,
        check_out=ut,
        staff_id=by_id if by_id is not None else assigned_id,
        staff_competences=frozenset(str(c) for c in (staff_comp or [])),
        required_competences=_required(level),
    )


def _visits(qs: QuerySet[Besok], *, keep_order: bool = False, limit: int | None = None) -> list[DeliveredVisit]:
    rows = (qs if keep_order else qs.order_by()).values_list(*VISIT_FIELDS)
    if limit is not None:
        rows = rows[:limit]
    return [to_delivered_visit(row) for row in rows.iterator(chunk_size=5000)]


def _besok_in(
    period: Period, *, bydel_id: int | None, leverandor_id: int | None, read_edges: bool = False
) -> QuerySet[Besok]:
    start, end = _read_range(period) if read_edges else period
    qs = Besok.objects.filter(dato__gte=start, dato__lte=end)
    if leverandor_id is not None:
        qs = qs.filter(leverandor_id=leverandor_id)
    if bydel_id is not None:
        qs = qs.filter(tjenestemottaker__bydel_id=bydel_id)
    return qs


def _contract_visits(scopes: list[GrantedScope], period: Period, leverandor_id: int | None) -> QuerySet[Besok]:
    start, end = _read_range(period)
    vedtak_ids = sorted({s.vedtak_id for s in scopes})
    qs = Besok.objects.filter(vedtak_id__in=vedtak_ids, dato__gte=start, dato__lte=end)
    if leverandor_id is not None:
        qs = qs.filter(leverandor_id=leverandor_id)
    return qs


# --- kontraktsintegritet ----------------------------------------------------------------------------


BOTH_KINDS: tuple[Kind, ...] = ("week", "month")


def _buckets(period: Period, kinds: Collection[Kind] = BOTH_KINDS) -> list[tuple[Kind, str, dt.date, dt.date]]:
    weeks: list[tuple[Kind, str, dt.date, dt.date]] = (
        [("week", *w) for w in iso_weeks(*period)] if "week" in kinds else []
    )
    return weeks + ([("month", *m) for m in months(*period)] if "month" in kinds else [])


def _competence_met_q() -> Q:
    """The staff's competence snapshot (a JSON list) holds the visit's required level."""
    as_text = Cast("utfort_kompetanse", TextField())
    met = Q(pk__in=[])
    for level in REQUIRING_LEVELS:
        met |= Q(kompetanse=level) & Q(Contains(as_text, Value(f'"{level}"')))
    return met


#: The aggregates per bucket, in this order (``delivery_figures_sql`` unpacks them so).
AGGREGATES = ("planned", "performed", "required", "met", "delivering", "delivered")


def _aggregates(buckets: list[tuple[Kind, str, dt.date, dt.date]]) -> dict[str, Any]:
    performed = Q(status=Besok.Status.UTFORT, inn__isnull=False)
    requiring = Q(kompetanse__in=REQUIRING_LEVELS)
    met = _competence_met_q()
    aggs: dict[str, Any] = {}
    for i, (_kind, _label, first, last) in enumerate(buckets):
        lo, hi = local_midnight(first), local_midnight(last + dt.timedelta(days=1))
        in_bucket = Q(dato__gte=first, dato__lte=last)
        overlap = Q(status=Besok.Status.UTFORT, inn__isnull=False, ut__isnull=False, inn__lt=hi, ut__gt=lo)
        clipped = Least("ut", Value(hi, output_field=DateTimeField())) - Greatest(
            "inn", Value(lo, output_field=DateTimeField())
        )
        aggs[f"planned_{i}"] = Count("id", filter=in_bucket)
        aggs[f"performed_{i}"] = Count("id", filter=in_bucket & performed)
        aggs[f"required_{i}"] = Count("id", filter=in_bucket & performed & requiring)
        aggs[f"met_{i}"] = Count("id", filter=in_bucket & performed & requiring & met)
        aggs[f"delivering_{i}"] = Count("id", filter=overlap)
        aggs[f"delivered_{i}"] = Sum(clipped, filter=overlap)
    return aggs


def _per_day(per_week: Decimal | None) -> Fraction | None:
    return None if per_week is None else Fraction(per_week) / DAYS_PER_WEEK


def _granted_in(
    scopes: list[tuple[GrantedScope, Fraction | None, Fraction | None]], first: dt.date, last: dt.date
) -> tuple[int, Fraction | None, Fraction | None]:
    """(days in force, granted hours, granted visits) over ``first``..``last``, as ``kpi._granted`` computes them.

    ``scopes`` carry their hours and visits per day, converted once.
    """
    days_total = 0
    hours_sum: Fraction | None = Fraction(0)
    visits_sum: Fraction | None = Fraction(0)
    for scope, hours_per_day, visits_per_day in scopes:
        days = scope.days_in_force(first, last)
        if days == 0:
            continue
        days_total += days
        if hours_sum is not None:
            hours_sum = None if hours_per_day is None else hours_sum + hours_per_day * days
        if visits_sum is not None:
            visits_sum = None if visits_per_day is None else visits_sum + visits_per_day * days
    return days_total, hours_sum, visits_sum


def delivery_figures_sql(
    scopes: list[GrantedScope], visits: QuerySet[Besok], period: Period, kinds: Collection[Kind] = BOTH_KINDS
) -> list[DeliveryFigure]:
    """:func:`kpi.kontraktsintegritet` of ``scopes`` and ``visits``, with the visits aggregated in SQL.

    The same figures as the pure function on the same rows (a test compares them), except that
    ``rows`` is empty: open one vedtak with :func:`kontraktsintegritet_vedtak` for its visits.
    The granted side follows ``kpi._granted`` (days in force × hours per week ÷ 7), computed here
    without the per-visit work of the pure function so that a bydel's month stays fast.
    """
    by_key: dict[tuple[int, int], list[GrantedScope]] = defaultdict(list)
    for scope in scopes:
        by_key[(scope.vedtak_id, scope.provider_id)].append(scope)
    if not by_key:
        return []
    buckets = _buckets(period, kinds)
    aggregates = _aggregates(buckets)
    names = list(aggregates)
    counted: dict[tuple[int, int], tuple[Any, ...]] = {}
    query = visits.order_by().values("vedtak_id", "leverandor_id").annotate(**aggregates)
    for vedtak_id, provider_id, *values in query.values_list("vedtak_id", "leverandor_id", *names):
        counted[(vedtak_id, provider_id)] = tuple(values)
    per_bucket = len(AGGREGATES)
    empty = (0,) * len(names)
    zero = dt.timedelta(0)
    # Many vedtak share the same scope dates and amounts: compute each granted bucket once.
    granted_memo: dict[tuple[Any, ...], tuple[int, Fraction | None, Fraction | None, tuple[GrantedScope, ...]]] = {}
    result: list[DeliveryFigure] = []
    for key in sorted(by_key):
        key_scopes = sorted(by_key[key], key=lambda s: s.fom)
        signature = tuple((s.fom, s.tom, s.hours_per_week, s.visits_per_week) for s in key_scopes)
        values = counted.get(key, empty)
        for i, (kind, label, first, last) in enumerate(buckets):
            planned, performed, required, met, delivering, delivered_time = values[
                i * per_bucket : (i + 1) * per_bucket
            ]
            memo_key = (signature, i)
            granted = granted_memo.get(memo_key)
            if granted is None:
                prepared = [(s, _per_day(s.hours_per_week), _per_day(s.visits_per_week)) for s in key_scopes]
                days, g_hours, g_visits = _granted_in(prepared, first, last)
                in_force = tuple(s for s in key_scopes if s.days_in_force(first, last) > 0)
                granted = granted_memo[memo_key] = (days, g_hours, g_visits, in_force)
            days, granted_hours, granted_visits, in_force = granted
            if days == 0 and not planned and not delivering:
                continue
            if in_force and in_force[0].vedtak_id != key[0]:  # memo from another vedtak: same dates, its own ids
                in_force = tuple(s for s in key_scopes if s.days_in_force(first, last) > 0)
            delivered = hours(delivered_time or zero)
            result.append(
                DeliveryFigure(
                    vedtak_id=key[0],
                    provider_id=key[1],
                    kind=kind,
                    label=label,
                    start=first,
                    end=last,
                    days_in_force=days,
                    granted_hours=granted_hours,
                    delivered_hours=delivered,
                    granted_visits=granted_visits,
                    visits_planned=planned,
                    visits_performed=performed,
                    competence_required=required,
                    competence_met=met,
                    scopes=in_force,
                    rows=(),
                )
            )
    return result


def kontraktsintegritet_for(
    period: Period,
    *,
    bydel_id: int | None = None,
    leverandor_id: int | None = None,
    kinds: Collection[Kind] = BOTH_KINDS,
) -> list[ProviderFigure]:
    """Kontraktsintegritet per provider, per ISO week and/or month of ``period`` (the headline, SQL path).

    Each :class:`ProviderFigure` holds its per-vedtak :class:`DeliveryFigure` rows (without visits).
    Give ``bydel_id`` (the vedtak of persons living there, every provider) and/or ``leverandor_id``;
    ``kinds`` limits the buckets to what the caller shows (a month view needs no weeks).
    """
    scopes = granted_scopes(period, bydel_id=bydel_id, leverandor_id=leverandor_id)
    visits = _contract_visits(scopes, period, leverandor_id)
    return per_provider(delivery_figures_sql(scopes, visits, period, kinds))


def kontraktsintegritet_bydel(
    bydel_id: int, month_start: dt.date, *, kinds: Collection[Kind] = BOTH_KINDS
) -> list[ProviderFigure]:
    """The month's kontraktsintegritet for every provider delivering vedtak of persons living in the bydel.

    Month and ISO-week figures (weeks cut to the month) unless ``kinds`` says otherwise, each with
    its per-vedtak rows.
    """
    return kontraktsintegritet_for(month_period(month_start), bydel_id=bydel_id, kinds=kinds)


def kontraktsintegritet_leverandor(
    leverandor_id: int, month_start: dt.date, *, kinds: Collection[Kind] = BOTH_KINDS
) -> list[ProviderFigure]:
    """The month's kontraktsintegritet for one provider (month and ISO weeks), with per-vedtak rows."""
    return kontraktsintegritet_for(month_period(month_start), leverandor_id=leverandor_id, kinds=kinds)


def kontraktsintegritet_rows(
    period: Period, *, bydel_id: int | None = None, leverandor_id: int | None = None, vedtak_id: int | None = None
) -> list[DeliveryFigure]:
    """The pure path: the visit rows into :func:`kpi.kontraktsintegritet`; each figure keeps its visits."""
    scopes = granted_scopes(period, bydel_id=bydel_id, leverandor_id=leverandor_id, vedtak_id=vedtak_id)
    return kontraktsintegritet(scopes, _visits(_contract_visits(scopes, period, leverandor_id)), period)


def kontraktsintegritet_vedtak(vedtak_id: int, leverandor_id: int, period: Period) -> list[DeliveryFigure]:
    """Drill-down: one vedtak at one provider, per week and month, with the visits behind each figure."""
    return kontraktsintegritet_rows(period, leverandor_id=leverandor_id, vedtak_id=vedtak_id)


# --- punktlighet ------------------------------------------------------------------------------------


def delivered_visits(
    period: Period, *, bydel_id: int | None = None, leverandor_id: int | None = None
) -> list[DeliveredVisit]:
    """The visits planned in ``period`` (by planned date), for a bydel's persons and/or a provider."""
    return _visits(_besok_in(period, bydel_id=bydel_id, leverandor_id=leverandor_id))


def _on_time_q(tolerance: dt.timedelta) -> Q:
    return Q(inn__gte=F("vindu_start") - tolerance, inn__lte=F("vindu_slutt") + tolerance)


def punktlighet_for(
    period: Period,
    *,
    bydel_id: int | None = None,
    leverandor_id: int | None = None,
    tolerance: dt.timedelta = dt.timedelta(0),
) -> dict[int, Figure[DeliveredVisit]]:
    """Punktlighet per provider over the visits planned in ``period``: share started inside the window.

    Counted in SQL exactly as :func:`kpi.punktlighet` counts (a test compares them on the same rows);
    the figures carry no rows: :func:`punktlighet_rows` gives the visits behind them. Every visit
    has an agreed window (``vindu_start``/``vindu_slutt`` are required), so none is excluded.
    """
    performed = _besok_in(period, bydel_id=bydel_id, leverandor_id=leverandor_id).filter(
        status=Besok.Status.UTFORT, inn__isnull=False
    )
    counts = (
        performed.order_by()
        .values("leverandor_id")
        .annotate(total=Count("id"), on_time=Count("id", filter=_on_time_q(tolerance)))
    )
    return {
        row["leverandor_id"]: Figure("punktlighet", row["on_time"], row["total"], ())
        for row in sorted(counts, key=lambda r: r["leverandor_id"])
    }


def punktlighet_rows(
    period: Period,
    *,
    bydel_id: int | None = None,
    leverandor_id: int | None = None,
    limit: int | None = None,
    tolerance: dt.timedelta = dt.timedelta(0),
) -> list[DeliveredVisit]:
    """The performed visits behind :func:`punktlighet_for`: those started outside the window first."""
    performed = _besok_in(period, bydel_id=bydel_id, leverandor_id=leverandor_id).filter(
        status=Besok.Status.UTFORT, inn__isnull=False
    )
    ordered = performed.annotate(
        on_time=Case(When(_on_time_q(tolerance), then=Value(1)), default=Value(0), output_field=IntegerField())
    ).order_by("on_time", "vindu_start", "pk")
    return _visits(ordered, keep_order=True, limit=limit)


# --- kontinuitet ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContinuitySummary:
    """Kontinuitet for one provider: each person's figure, and the two figures summed over persons.

    ``mean_distinct_staff`` = mean of the persons' distinct staff (persons with data only);
    ``known_share`` = Σ visits by the team or primærkontakt ÷ Σ visits with a known staff member.
    """

    provider_id: int
    start: dt.date
    end: dt.date
    persons: tuple[ContinuityFigure, ...]
    mean_distinct_staff: Fraction | None
    known_share: Figure[DeliveredVisit]


def person_teams(person_ids: Iterable[Any], day: dt.date) -> dict[Any, PersonTeam]:
    """Who each person should meet on ``day``: the primærkontakt and the staff of the teams serving them."""
    ids = list(set(person_ids))
    primary = dict(Tjenestemottaker.objects.filter(pk__in=ids).values_list("pk", "primaerkontakt_id"))
    teams: dict[Any, set[int]] = defaultdict(set)
    for person_id, team_id in (
        TjenestemottakerTeam.objects.filter(TjenestemottakerTeam.active_q(day), tjenestemottaker_id__in=ids)
        .order_by()
        .values_list("tjenestemottaker_id", "team_id")
    ):
        teams[person_id].add(team_id)
    all_teams = {t for ts in teams.values() for t in ts}
    staff: dict[int, set[int]] = defaultdict(set)
    for team_id, user_id in (
        RoleAssignment.objects.filter(team_id__in=all_teams, gyldig_fra__lte=day)
        .filter(Q(gyldig_til__isnull=True) | Q(gyldig_til__gte=day))
        .order_by()
        .values_list("team_id", "user_id")
    ):
        staff[team_id].add(user_id)
    return {
        pid: PersonTeam(
            person_id=pid,
            primaerkontakt_id=primary.get(pid),
            team_staff_ids=frozenset(u for t in teams.get(pid, ()) for u in staff.get(t, ())),
        )
        for pid in ids
    }


def kontinuitet_for(
    end: dt.date,
    *,
    bydel_id: int | None = None,
    leverandor_id: int | None = None,
    window_days: int = CONTINUITY_WINDOW_DAYS,
) -> dict[int, ContinuitySummary]:
    """Kontinuitet per provider over the ``window_days`` days ending on ``end`` (default 14).

    For each provider and each person it visited: :func:`kpi.kontinuitet` on that provider's
    performed visits, with today's primærkontakt and the teams serving the person today (as
    ``kpi.kontinuitet`` defines it: who the person should meet now).
    """
    start = end - dt.timedelta(days=window_days - 1)
    qs = _besok_in((start, end), bydel_id=bydel_id, leverandor_id=leverandor_id, read_edges=True)
    visits = _visits(qs.filter(status=Besok.Status.UTFORT))
    grouped: dict[int, dict[Any, list[DeliveredVisit]]] = defaultdict(lambda: defaultdict(list))
    for visit in visits:
        grouped[visit.provider_id][visit.person_id].append(visit)
    teams = person_teams({v.person_id for v in visits}, today())
    result: dict[int, ContinuitySummary] = {}
    for provider_id in sorted(grouped):
        figures = [
            kontinuitet(person_visits, teams[person_id], window_days, end=end)
            for person_id, person_visits in grouped[provider_id].items()
        ]
        figures = [f for f in figures if f.known_share.rows or f.known_share.excluded]
        if not figures:
            continue
        staffed = [f.distinct_staff for f in figures if f.distinct_staff is not None]
        known = Figure(
            "kontinuitet",
            sum(f.known_share.numerator for f in figures),
            sum(f.known_share.denominator for f in figures),
            tuple(v for f in figures for v in f.known_share.rows),
            tuple(v for f in figures for v in f.known_share.excluded),
        )
        result[provider_id] = ContinuitySummary(
            provider_id=provider_id,
            start=start,
            end=end,
            persons=tuple(sorted(figures, key=lambda f: str(f.person_id))),
            mean_distinct_staff=ratio(sum(staffed), len(staffed)) if staffed else None,
            known_share=known,
        )
    return result


def kontinuitet_headline(
    end: dt.date,
    *,
    bydel_id: int | None = None,
    leverandor_id: int | None = None,
    window_days: int = CONTINUITY_WINDOW_DAYS,
) -> dict[int, ContinuitySummary]:
    """:func:`kontinuitet_for` counted in SQL, for the headline: the same two figures, no rows.

    Per provider and person: distinct staff and visits by the team or primærkontakt among the
    performed visits checked in on the ``window_days`` local dates ending on ``end``; today's team
    and primærkontakt (as :func:`kpi.kontinuitet`). ``persons`` and the rows are left empty: the
    drill-down uses :func:`kontinuitet_for`. A test compares the two on the same rows.
    """
    start = end - dt.timedelta(days=window_days - 1)
    day = today()
    staff = Coalesce("utfort_av_id", "ansatt_id")
    on_team = Exists(
        RoleAssignment.objects.filter(
            user_id=OuterRef("staff"),
            gyldig_fra__lte=day,
            team__tjenestemottaker_tilknytning__tjenestemottaker_id=OuterRef("tjenestemottaker_id"),
        )
        .filter(Q(gyldig_til__isnull=True) | Q(gyldig_til__gte=day))
        .filter(TjenestemottakerTeam.active_q(day, prefix="team__tjenestemottaker_tilknytning__"))
    )
    rows = (
        _besok_in((start, end), bydel_id=bydel_id, leverandor_id=leverandor_id, read_edges=True)
        .filter(
            status=Besok.Status.UTFORT,
            inn__gte=local_midnight(start),
            inn__lt=local_midnight(end + dt.timedelta(days=1)),
        )
        .annotate(staff=staff)
        .order_by()
        .values("leverandor_id", "tjenestemottaker_id")
        .annotate(
            with_staff=Count("id", filter=Q(staff__isnull=False)),
            distinct=Count("staff", distinct=True),
            known=Count("id", filter=Q(staff=F("tjenestemottaker__primaerkontakt_id")) | Q(on_team)),
        )
        .values_list("leverandor_id", "with_staff", "distinct", "known")
    )
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # persons with staff, Σ distinct, Σ known, Σ n
    for provider_id, with_staff, distinct, known in rows:
        total = totals[provider_id]
        if with_staff:
            total[0] += 1
            total[1] += distinct
        total[2] += known
        total[3] += with_staff
    return {
        provider_id: ContinuitySummary(
            provider_id=provider_id,
            start=start,
            end=end,
            persons=(),
            mean_distinct_staff=ratio(staffed_sum, persons) if persons else None,
            known_share=Figure("kontinuitet", known, n, (), ()),
        )
        for provider_id, (persons, staffed_sum, known, n) in sorted(totals.items())
    }


# --- behandlingsintegritet --------------------------------------------------------------------------


def checklists(
    period: Period, *, bydel_id: int | None = None, leverandor_id: int | None = None
) -> dict[int, list[Checklist]]:
    """Per provider: the checklists of performed visits planned in ``period`` whose tiltak has a procedure.

    One checklist per visit; its steps are the visit's tasks (``BesokOppgave``), performed when
    ticked ``utfort`` (a step left open or ticked not done counts as not performed).
    """
    besok = _besok_in(period, bydel_id=bydel_id, leverandor_id=leverandor_id).filter(
        status=Besok.Status.UTFORT, inn__isnull=False
    )
    besok = besok.exclude(tiltak__prosedyre="")
    rows = (
        BesokOppgave.objects.filter(besok__in=besok.values("pk"))
        .order_by("besok_id", "nr")
        .values_list(
            "besok_id",
            "besok__leverandor_id",
            "besok__tjenestemottaker_id",
            "besok__tiltak__prosedyre",
            "tekst",
            "status",
            "grunn",
        )
    )
    steps: dict[int, list[ChecklistStep]] = defaultdict(list)
    head: dict[int, tuple[int, Any, str]] = {}
    for besok_id, provider_id, person_id, procedure, text, status, reason in rows.iterator(chunk_size=5000):
        head[besok_id] = (provider_id, person_id, procedure)
        steps[besok_id].append(ChecklistStep(text, status == BesokOppgave.Status.UTFORT, reason))
    result: dict[int, list[Checklist]] = defaultdict(list)
    for besok_id, (provider_id, person_id, procedure) in head.items():
        result[provider_id].append(
            Checklist(
                checklist_id=besok_id,
                person_id=person_id,
                procedure=procedure,
                steps=tuple(steps[besok_id]),
                visit_id=besok_id,
            )
        )
    return dict(result)


def behandlingsintegritet_for(
    period: Period, *, bydel_id: int | None = None, leverandor_id: int | None = None
) -> dict[int, Figure[Checklist]]:
    """Behandlingsintegritet per provider: the share of planned checklist steps performed in ``period``."""
    return {
        p: behandlingsintegritet(lists)
        for p, lists in sorted(checklists(period, bydel_id=bydel_id, leverandor_id=leverandor_id).items())
    }


__all__ = [
    "ContinuitySummary",
    "Period",
    "behandlingsintegritet_for",
    "checklists",
    "delivered_visits",
    "delivery_figures_sql",
    "granted_scopes",
    "kontinuitet_for",
    "kontraktsintegritet_bydel",
    "kontraktsintegritet_for",
    "kontraktsintegritet_leverandor",
    "kontraktsintegritet_rows",
    "kontraktsintegritet_vedtak",
    "month_period",
    "person_teams",
    "punktlighet_for",
    "punktlighet_rows",
    "to_delivered_visit",
    "week_period",
]
