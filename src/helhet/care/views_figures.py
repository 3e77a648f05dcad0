"""Screens of measured delivery: «Leveranse» for the provider, «Leveranse (bydel)» for the case officers.

Issue 4, point 5: kontraktsintegritet (delivered against granted hours and visits, competence),
punktlighet, kontinuitet and behandlingsintegritet, computed from the rows by
:mod:`helhet.care.figures`, each opening to the rows behind it (per vedtak, per visit, per person,
per checklist). The bydel sees the same figures, read-only, for every provider delivering the
vedtak of persons living in the bydel, municipal or private.

Privacy: the headline figures carry no person data. The drill-down rows show a person's name (and
the procedure and the reasons a step was not done) only for persons the user has a need to know
for (:func:`helhet.core.access.visible_persons`), and those are audited with
:func:`helhet.core.audit.record_list`; other rows show the vedtak number and visit times only. The
pages are therefore guarded as person lists (``person_list_view``). Filters go in the query string
as plain ids and dates (no health data).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from helhet.care import figures
from helhet.care.rules.kpi import (
    Checklist,
    ContinuityFigure,
    DeliveredVisit,
    DeliveryFigure,
    Figure,
    Kind,
    ProviderFigure,
    VisitStatus,
    is_on_time,
    percent,
)
from helhet.care.rules.pattern_text import MONTH_NAMES
from helhet.care.services import provider_ids
from helhet.core import access, audit
from helhet.core.extensions import register_nav_item
from helhet.core.guards import acting_user, person_list_view
from helhet.core.models import AuditAction, Bydel, Leverandor, Role, Tjenestemottaker, User

LEADER_ROLES = frozenset({Role.LEDER, Role.KVALITETSLEDER})
CASE_ROLES = frozenset({Role.SAKSBEHANDLER, Role.VEDTAKSMYNDIG})
#: Drill-down tables show at most this many rows (the rows outside the norm first).
MAX_ROWS = 500
NO_DATA = "ingen data"
VIEWS = ("kontrakt", "punktlighet", "kontinuitet", "behandling")
STATUS_LABELS = {
    VisitStatus.PLANNED: "Planlagt",
    VisitStatus.PERFORMED: "Utført",
    VisitStatus.CANCELLED: "Avlyst",
    VisitStatus.MISSED: "Ikke utført",
}


# --- formatting (Norwegian: comma decimal, «ingen data» when nothing to divide by) --------------------


def _decimal(value: Fraction, places: int) -> str:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{rounded:f}".replace(".", ",").replace("-", "−")


def pct(value: Fraction | None) -> str:
    """A share as «112,5 %»; ``None`` (nothing to divide by) as «ingen data»."""
    shown = percent(value)
    return NO_DATA if shown is None else f"{shown:f}".replace(".", ",") + " %"


def bar(value: Fraction | None) -> str:
    """The width of a bar, 0-100 (capped), as a plain number for an HTML attribute; "" when no data."""
    shown = percent(value)
    if shown is None:
        return ""
    return f"{min(max(shown, Decimal(0)), Decimal(100)):f}"


def timer(value: Fraction | None) -> str:
    return NO_DATA if value is None else _decimal(value, 2)


def mean(value: Fraction | None) -> str:
    return NO_DATA if value is None else _decimal(value, 1)


def _local(value: dt.datetime | None, fmt: str = "%H:%M") -> str:
    return "" if value is None else timezone.localtime(value).strftime(fmt)


# --- the period chosen: a month or an ISO week --------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """The month or ISO week the page shows, with the links to the one before and after."""

    kind: str  # "maaned" or "uke"
    start: dt.date
    end: dt.date
    label: str
    param: str  # "2025-03" or "2025-W10"
    bucket_kind: Kind  # the kpi bucket to show: "month" or "week"
    bucket_label: str
    previous: str
    following: str

    @property
    def period(self) -> figures.Period:
        return self.start, self.end

    def query(self) -> dict[str, str]:
        return {self.kind: self.param}


def _month_choice(first: dt.date) -> Choice:
    start, end = figures.month_period(first)
    before = (start - dt.timedelta(days=1)).replace(day=1)
    after = end + dt.timedelta(days=1)
    return Choice(
        "maaned",
        start,
        end,
        f"{MONTH_NAMES[start.month - 1]} {start.year}",
        f"{start:%Y-%m}",
        "month",
        f"{start:%Y-%m}",
        f"{before:%Y-%m}",
        f"{after:%Y-%m}",
    )


def _week_choice(day: dt.date) -> Choice:
    start, end = figures.week_period(day)
    year, week, _ = start.isocalendar()
    label = f"{year}-W{week:02d}"

    def iso(d: dt.date) -> str:
        y, w, _ = d.isocalendar()
        return f"{y}-W{w:02d}"

    return Choice(
        "uke",
        start,
        end,
        f"uke {week} {year} ({start:%d.%m}–{end:%d.%m})",
        label,
        "week",
        label,
        iso(start - dt.timedelta(days=7)),
        iso(start + dt.timedelta(days=7)),
    )


def parse_choice(params: Any, today: dt.date) -> Choice:
    """``?uke=2025-W10`` or ``?maaned=2025-03``; anything else: this month.

    A period that has not ended is measured up to today: granted hours and planned visits of days
    still to come would otherwise count as not delivered.
    """
    choice = _parse_choice(params, today)
    if choice.start <= today < choice.end:
        return dataclasses.replace(choice, end=today, label=f"{choice.label}, hittil (til og med {today:%d.%m.})")
    return choice


def _parse_choice(params: Any, today: dt.date) -> Choice:
    week = re.fullmatch(r"(\d{4})-W(\d{2})", params.get("uke", ""))
    if week:
        try:
            return _week_choice(dt.date.fromisocalendar(int(week[1]), int(week[2]), 1))
        except ValueError:
            pass
    month = re.fullmatch(r"(\d{4})-(\d{2})", params.get("maaned", ""))
    if month:
        try:
            return _month_choice(dt.date(int(month[1]), int(month[2]), 1))
        except ValueError:
            pass
    return _month_choice(today.replace(day=1))


def _int(params: Any, name: str) -> int | None:
    value = params.get(name, "")
    return int(value) if value.isdigit() else None


# --- the headline: one card per figure ------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    key: str
    title: str
    value: str
    bar: str
    detail: str
    url: str


@dataclass
class ProviderSection:
    leverandor: Leverandor
    cards: list[Card] = field(default_factory=list)


def _bucket(figs: Iterable[ProviderFigure], choice: Choice) -> dict[int, ProviderFigure]:
    return {f.provider_id: f for f in figs if f.kind == choice.bucket_kind and f.label == choice.bucket_label}


def _continuity_end(choice: Choice, today: dt.date) -> dt.date:
    return min(choice.end, today)


def _cards(
    url: str,
    choice: Choice,
    contract: ProviderFigure | None,
    on_time: Figure[DeliveredVisit] | None,
    continuity: figures.ContinuitySummary | None,
    checklist: Figure[Checklist] | None,
    extra: dict[str, str],
) -> list[Card]:
    def link(vis: str) -> str:
        return f"{url}?{urlencode({**extra, **choice.query(), 'vis': vis})}"

    cards = []
    if contract is None:
        cards += [
            Card(
                "timer",
                "Leverte timer mot vedtak",
                NO_DATA,
                "",
                "Ingen vedtak med omfang i perioden.",
                link("kontrakt"),
            ),
            Card("besok", "Utførte besøk", NO_DATA, "", "Ingen planlagte besøk.", link("kontrakt")),
            Card(
                "kompetanse", "Kompetanse som bestilt", NO_DATA, "", "Ingen besøk med kompetansekrav.", link("kontrakt")
            ),
        ]
    else:
        cards += [
            Card(
                "timer",
                "Leverte timer mot vedtak",
                pct(contract.hours_ratio),
                bar(contract.hours_ratio),
                f"{timer(contract.delivered_hours)} av {timer(contract.granted_hours)} innvilgede timer "
                f"({len(contract.figures)} vedtak)",
                link("kontrakt"),
            ),
            Card(
                "besok",
                "Utførte besøk",
                pct(contract.performed_share),
                bar(contract.performed_share),
                f"{contract.visits_performed} av {contract.visits_planned} planlagte besøk utført",
                link("kontrakt"),
            ),
            Card(
                "kompetanse",
                "Kompetanse som bestilt",
                pct(contract.competence_share),
                bar(contract.competence_share),
                f"{contract.competence_met} av {contract.competence_required} besøk med kompetansekrav "
                "utført av noen med kompetansen"
                if contract.competence_required
                else "Ingen utførte besøk med kompetansekrav.",
                link("kontrakt"),
            ),
        ]
    value = on_time.value if on_time else None
    cards.append(
        Card(
            "punktlighet",
            "Punktlighet",
            pct(value),
            bar(value),
            f"{on_time.numerator} av {on_time.denominator} utførte besøk startet i avtalt tidsvindu"
            if on_time
            else "Ingen utførte besøk.",
            link("punktlighet"),
        )
    )
    known = continuity.known_share.value if continuity else None
    cards.append(
        Card(
            "kontinuitet",
            "Kontinuitet: kjente fjes",
            pct(known),
            bar(known),
            (
                f"{continuity.known_share.numerator} av {continuity.known_share.denominator} besøk av teamet eller "
                f"primærkontakten; i snitt {mean(continuity.mean_distinct_staff)} ansatte per person "
                f"de 14 dagene {continuity.start:%d.%m}–{continuity.end:%d.%m}"
            )
            if continuity
            else "Ingen utførte besøk de siste 14 dagene av perioden.",
            link("kontinuitet"),
        )
    )
    steps = checklist.value if checklist else None
    cards.append(
        Card(
            "behandling",
            "Behandlingsintegritet",
            pct(steps),
            bar(steps),
            f"{checklist.numerator} av {checklist.denominator} planlagte steg i sjekklistene utført"
            if checklist
            else "Ingen sjekklister (prosedyrer) i perioden.",
            link("behandling"),
        )
    )
    return cards


def _sections(
    url: str, choice: Choice, today: dt.date, *, bydel_id: int | None, leverandor_id: int | None, extra: dict[str, str]
) -> list[ProviderSection]:
    contract = _bucket(
        figures.kontraktsintegritet_for(
            choice.period, bydel_id=bydel_id, leverandor_id=leverandor_id, kinds=(choice.bucket_kind,)
        ),
        choice,
    )
    on_time = figures.punktlighet_for(choice.period, bydel_id=bydel_id, leverandor_id=leverandor_id)
    continuity = figures.kontinuitet_headline(
        _continuity_end(choice, today), bydel_id=bydel_id, leverandor_id=leverandor_id
    )
    checklist = figures.behandlingsintegritet_for(choice.period, bydel_id=bydel_id, leverandor_id=leverandor_id)
    ids = set(contract) | set(on_time) | set(continuity) | set(checklist)
    if leverandor_id is not None:
        ids = {leverandor_id}
    sections = []
    for leverandor in Leverandor.objects.filter(pk__in=ids).order_by("type", "navn"):
        p = leverandor.pk
        params = {**extra, "leverandor": str(p)}
        sections.append(
            ProviderSection(
                leverandor,
                _cards(url, choice, contract.get(p), on_time.get(p), continuity.get(p), checklist.get(p), params),
            )
        )
    return sections


# --- drill-down rows ------------------------------------------------------------------------------------


class Names:
    """Names of the persons the user may see, among those in the rows; the ones shown are audited."""

    def __init__(self, user: User, person_ids: Iterable[Any]) -> None:
        ids = set(person_ids)
        self.user = user
        visible = access.visible_persons(user).filter(pk__in=ids) if ids else Tjenestemottaker.objects.none()
        self._persons = {p.pk: p for p in visible.only("pk", "fornavn", "etternavn")}
        self._shown: dict[Any, Tjenestemottaker] = {}

    def __call__(self, person_id: Any) -> str | None:
        person = self._persons.get(person_id)
        if person is None:
            return None
        self._shown[person.pk] = person
        return person.fullt_navn

    def audit(self, view: str) -> None:
        if self._shown:
            audit.record_list(
                user=self.user,
                action=AuditAction.READ,
                persons=sorted(self._shown.values(), key=lambda p: str(p.pk)),
                details={"visning": f"leveranse_{view}"},
            )


@dataclass(frozen=True)
class VisitRow:
    visit_id: int
    vedtak: str
    person: str | None
    dato: str
    vindu: str
    inn: str
    ut: str
    status: str
    i_tide: str
    kompetanse: str


def _visit_row(v: DeliveredVisit, names: Names) -> VisitRow:
    if v.required_competences:
        competence = "Oppfylt" if v.competence_met() else "Ikke oppfylt"
        if not v.performed:
            competence = "–"
    else:
        competence = "Ingen krav"
    on_time = ""
    if v.performed:
        on_time = "I tide" if is_on_time(v) else "Utenfor vinduet"
    return VisitRow(
        visit_id=v.visit_id,
        vedtak=str(v.vedtak_id) if v.vedtak_id else "–",
        person=names(v.person_id),
        dato=_local(v.planned_start, "%d.%m.%Y"),
        vindu=f"{_local(v.window_start)}–{_local(v.window_end)}",
        inn=_local(v.check_in),
        ut=_local(v.check_out),
        status=STATUS_LABELS[v.status],
        i_tide=on_time,
        kompetanse=competence,
    )


@dataclass(frozen=True)
class VedtakRow:
    vedtak_id: int
    person: str | None
    granted: str
    delivered: str
    ratio: str
    bar: str
    visits: str
    competence: str
    url: str


def _vedtak_rows(figs: list[DeliveryFigure], names: Names, persons: dict[int, Any], link: Any) -> list[VedtakRow]:
    rows = []
    for f in sorted(figs, key=lambda f: (f.hours_ratio is None, f.hours_ratio or 0, f.vedtak_id)):
        rows.append(
            VedtakRow(
                vedtak_id=f.vedtak_id,
                person=names(persons.get(f.vedtak_id)),
                granted=timer(f.granted_hours),
                delivered=timer(f.delivered_hours),
                ratio=pct(f.hours_ratio),
                bar=bar(f.hours_ratio),
                visits=f"{f.visits_performed} av {f.visits_planned}",
                competence=f"{f.competence_met} av {f.competence_required}" if f.competence_required else "–",
                url=link(f.vedtak_id),
            )
        )
    return rows


@dataclass(frozen=True)
class PersonRow:
    person: str | None
    vedtak: str
    distinct_staff: str
    known: str
    bar: str


@dataclass(frozen=True)
class ChecklistRow:
    vedtak: str
    person: str | None
    dato: str
    inn: str
    procedure: str
    steps: str
    ratio: str
    not_done: list[str]


def _drill(
    request: HttpRequest,
    user: User,
    vis: str,
    choice: Choice,
    today: dt.date,
    *,
    bydel_id: int | None,
    leverandor: Leverandor,
    base_query: dict[str, str],
) -> dict[str, Any]:
    from helhet.care.models import Besok
    from helhet.cases.models import Vedtak

    lev_id = leverandor.pk
    url = request.path
    ctx: dict[str, Any] = {"vis": vis, "truncated": False, "max_rows": MAX_ROWS}
    if vis == "kontrakt":
        vedtak_id = _int(request.GET, "vedtak")
        if vedtak_id is not None:
            allowed = {
                s.vedtak_id for s in figures.granted_scopes(choice.period, bydel_id=bydel_id, leverandor_id=lev_id)
            }
            if vedtak_id not in allowed:
                raise Http404("Vedtaket er ikke levert av denne leverandøren i perioden.")
            figs = [
                f
                for f in figures.kontraktsintegritet_vedtak(vedtak_id, leverandor.pk, choice.period)
                if f.kind == choice.bucket_kind and f.label == choice.bucket_label
            ]
            person_id = Vedtak.objects.filter(pk=vedtak_id).values_list("tjenestemottaker_id", flat=True).first()
            names = Names(user, [person_id])
            figure = figs[0] if figs else None
            rows = [_visit_row(v, names) for v in (figure.rows if figure else ())]
            ctx.update(
                vedtak_id=vedtak_id,
                vedtak_person=names(person_id),
                figure=figure,
                figure_text={
                    "ratio": pct(figure.hours_ratio) if figure else NO_DATA,
                    "bar": bar(figure.hours_ratio) if figure else "",
                    "granted": timer(figure.granted_hours) if figure else NO_DATA,
                    "delivered": timer(figure.delivered_hours) if figure else NO_DATA,
                    "visits": pct(figure.performed_share) if figure else NO_DATA,
                    "competence": pct(figure.competence_share) if figure else NO_DATA,
                },
                visit_rows=rows,
                back_url=f"{url}?{urlencode({**base_query, 'vis': 'kontrakt'})}",
            )
            names.audit("kontrakt_vedtak")
            return ctx
        contract = _bucket(
            figures.kontraktsintegritet_for(
                choice.period, bydel_id=bydel_id, leverandor_id=lev_id, kinds=(choice.bucket_kind,)
            ),
            choice,
        ).get(leverandor.pk)
        figs = list(contract.figures) if contract else []
        persons = dict(
            Vedtak.objects.filter(pk__in=[f.vedtak_id for f in figs]).values_list("pk", "tjenestemottaker_id")
        )
        names = Names(user, persons.values())

        def link(vedtak_id: int) -> str:
            return f"{url}?{urlencode({**base_query, 'vis': 'kontrakt', 'vedtak': vedtak_id})}"

        ctx["vedtak_rows"] = _vedtak_rows(figs, names, persons, link)
        ctx["contract"] = contract
        names.audit("kontrakt")
    elif vis == "punktlighet":
        on_time = figures.punktlighet_for(choice.period, bydel_id=bydel_id, leverandor_id=lev_id).get(lev_id)
        visits = figures.punktlighet_rows(choice.period, bydel_id=bydel_id, leverandor_id=lev_id, limit=MAX_ROWS)
        names = Names(user, {v.person_id for v in visits})
        ctx["visit_rows"] = [_visit_row(v, names) for v in visits]
        ctx["total"] = on_time.denominator if on_time else 0
        ctx["on_time"] = pct(on_time.value if on_time else None)
        ctx["truncated"] = ctx["total"] > MAX_ROWS
        names.audit("punktlighet")
    elif vis == "kontinuitet":
        summary = figures.kontinuitet_for(_continuity_end(choice, today), bydel_id=bydel_id, leverandor_id=lev_id).get(
            lev_id
        )
        persons_figs: list[ContinuityFigure] = list(summary.persons) if summary else []
        persons_figs.sort(key=lambda f: (-(f.distinct_staff or 0), str(f.person_id)))
        shown = persons_figs[:MAX_ROWS]
        names = Names(user, {f.person_id for f in shown})
        ctx["person_rows"] = [
            PersonRow(
                person=names(f.person_id),
                vedtak=", ".join(
                    str(v) for v in sorted({r.vedtak_id for r in f.known_share.rows + f.known_share.excluded}) if v
                )
                or "–",
                distinct_staff=str(f.distinct_staff) if f.distinct_staff is not None else NO_DATA,
                known=f"{f.known_share.numerator} av {f.known_share.denominator} ({pct(f.known_share.value)})",
                bar=bar(f.known_share.value),
            )
            for f in shown
        ]
        ctx["truncated"] = len(persons_figs) > MAX_ROWS
        ctx["summary"] = summary
        names.audit("kontinuitet")
    elif vis == "behandling":
        lists = figures.checklists(choice.period, bydel_id=bydel_id, leverandor_id=lev_id).get(lev_id, [])
        lists.sort(key=lambda c: (c.performed_steps / c.planned_steps if c.steps else 1, c.checklist_id))
        shown_lists = lists[:MAX_ROWS]
        info = {
            pk: (vedtak_id, start, inn)
            for pk, vedtak_id, start, inn in Besok.objects.filter(pk__in=[c.visit_id for c in shown_lists]).values_list(
                "pk", "vedtak_id", "vindu_start", "inn"
            )
        }
        names = Names(user, {c.person_id for c in shown_lists})
        checklist_rows = []
        for c in shown_lists:
            vedtak_id, start, inn = info.get(c.visit_id or 0, (None, None, None))
            name = names(c.person_id)
            checklist_rows.append(
                ChecklistRow(
                    vedtak=str(vedtak_id) if vedtak_id else "–",
                    person=name,
                    dato=_local(start, "%d.%m.%Y"),
                    inn=_local(inn),
                    procedure=c.procedure if name else "",
                    steps=f"{c.performed_steps} av {c.planned_steps}",
                    ratio=pct(Fraction(c.performed_steps, c.planned_steps) if c.steps else None),
                    not_done=[f"{s.name}: {s.reason}" if s.reason else s.name for s in c.steps if not s.performed]
                    if name
                    else [],
                )
            )
        ctx["checklist_rows"] = checklist_rows
        ctx["truncated"] = len(lists) > MAX_ROWS
        names.audit("behandling")
    return ctx


# --- the two pages --------------------------------------------------------------------------------------


def _leader_providers(user: User) -> list[Leverandor]:
    """The providers a leader or kvalitetsleder sees: where they work; all when placed nowhere («hele kommunen»)."""
    ids = provider_ids(user, LEADER_ROLES)
    unplaced = any(
        a.rolle in LEADER_ROLES and not (a.bydel_id or a.leverandor_id or a.enhet_id or a.team_id)
        for a in user.active_assignments()
    )
    qs = Leverandor.objects.all() if unplaced else Leverandor.objects.filter(pk__in=ids)
    return list(qs.order_by("type", "navn"))


def _chosen(options: list[Any], wanted: int | None) -> Any:
    for option in options:
        if option.pk == wanted:
            return option
    return options[0]


def _page(
    request: HttpRequest,
    *,
    title: str,
    url_name: str,
    bydel: Bydel | None,
    bydeler: list[Bydel],
    leverandorer: list[Leverandor],
    leverandor: Leverandor | None,
) -> HttpResponse:
    user = acting_user(request)
    today = timezone.localdate()
    choice = parse_choice(request.GET, today)
    url = reverse(url_name)
    extra: dict[str, str] = {"bydel": str(bydel.pk)} if bydel else {}
    vis = request.GET.get("vis", "")
    context: dict[str, Any] = {
        "title": title,
        "url": url,
        "choice": choice,
        "bydel": bydel,
        "bydeler": bydeler,
        "leverandorer": leverandorer,
        "leverandor": leverandor,
        "is_bydel": bydel is not None,
        "today": today,
    }
    bydel_id = bydel.pk if bydel else None
    if vis in VIEWS:
        chosen = leverandor
        if chosen is None:  # the bydel's drill-down names the provider
            wanted = _int(request.GET, "leverandor")
            chosen = Leverandor.objects.filter(pk=wanted).first() if wanted else None
            if chosen is None:
                raise Http404("Velg en leverandør.")
        base_query = {**extra, "leverandor": str(chosen.pk), **choice.query()}
        overview_extra = {} if bydel else {"leverandor": str(chosen.pk)}
        context.update(
            _drill(request, user, vis, choice, today, bydel_id=bydel_id, leverandor=chosen, base_query=base_query)
        )
        context.update(
            leverandor=chosen,
            overview_url=f"{url}?{urlencode({**extra, **overview_extra, **choice.query()})}",
            base_query=base_query,
            nav={key: f"{url}?{urlencode({**base_query, 'vis': key})}" for key in VIEWS},
        )
        return render(request, "care/leveranse_detalj.html", context)
    if leverandor is not None:
        extra = {**extra, "leverandor": str(leverandor.pk)}
    context["sections"] = _sections(
        url, choice, today, bydel_id=bydel_id, leverandor_id=leverandor.pk if leverandor else None, extra=extra
    )
    context["extra"] = extra
    context["previous_url"] = f"{url}?{urlencode({**extra, choice.kind: choice.previous})}"
    context["following_url"] = f"{url}?{urlencode({**extra, choice.kind: choice.following})}"
    context["week_url"] = f"{url}?{urlencode({**extra, 'uke': _week_choice(choice.start).param})}"
    context["month_url"] = f"{url}?{urlencode({**extra, 'maaned': f'{choice.start:%Y-%m}'})}"
    return render(request, "care/leveranse.html", context)


@require_GET
@person_list_view
def leveranse(request: HttpRequest) -> HttpResponse:
    """The provider's leader (and kvalitetsleder): this month's or week's delivery figures, with drill-down."""
    user = acting_user(request)
    if not user.has_role(*LEADER_ROLES):
        raise PermissionDenied("Leveranse er for ledere og kvalitetsledere hos leverandøren.")
    options = _leader_providers(user)
    if not options:
        raise PermissionDenied("Du er ikke leder eller kvalitetsleder hos noen leverandør.")
    leverandor = _chosen(options, _int(request.GET, "leverandor"))
    return _page(
        request,
        title=f"Leveranse – {leverandor}",
        url_name="care:leveranse",
        bydel=None,
        bydeler=[],
        leverandorer=options,
        leverandor=leverandor,
    )


@require_GET
@person_list_view
def leveranse_bydel(request: HttpRequest) -> HttpResponse:
    """The bydel's case officers: the same figures, read-only, for every provider delivering the bydel's vedtak."""
    user = acting_user(request)
    bydel_ids = user.bydel_ids(CASE_ROLES)
    if not bydel_ids:
        raise PermissionDenied("Leveranse for bydelen er for saksbehandlere og vedtaksmyndige i bydelen.")
    options = list(Bydel.objects.filter(pk__in=bydel_ids).order_by("navn"))
    bydel = _chosen(options, _int(request.GET, "bydel"))
    return _page(
        request,
        title=f"Leveranse i {bydel}",
        url_name="care:leveranse_bydel",
        bydel=bydel,
        bydeler=options,
        leverandorer=[],
        leverandor=None,
    )


def register() -> None:
    register_nav_item("Leveranse", "care:leveranse", LEADER_ROLES, order=55)
    register_nav_item("Leveranse (bydel)", "care:leveranse_bydel", CASE_ROLES, order=56)


urlpatterns = [
    path("leveranse/", leveranse, name="leveranse"),
    path("leveranse/bydel/", leveranse_bydel, name="leveranse_bydel"),
]
