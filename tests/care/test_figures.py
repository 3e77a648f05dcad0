"""Measured delivery from the database (``helhet.care.figures``): each figure pinned on small hand-made rows.

The world's person P has a vedtak of 2 hours a week from «Hjemmetjenesten KF»; the tests record
visits as the services would leave them and check kontraktsintegritet (hours, visits, competence),
punktlighet, kontinuitet and behandlingsintegritet, for the provider and for P's bydel. The SQL
headline and the pure drill-down are compared on the same rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from factories import LeverandorFactory, TjenestemottakerFactory, World
from helhet.care import figures
from helhet.care.models import Besok, BesokOppgave, Tiltak, Tiltaksplan
from helhet.care.rules import OSLO
from helhet.care.rules.kpi import punktlighet
from helhet.cases.models import Bestilling, Soknad, Vedtak
from helhet.core.models import Leverandor, Tjenestemottaker, User

pytestmark = pytest.mark.django_db

MARCH = dt.date(2025, 3, 1)
MARCH_PERIOD = (dt.date(2025, 3, 1), dt.date(2025, 3, 31))
WEEK_10 = (dt.date(2025, 3, 3), dt.date(2025, 3, 9))  # Monday 3 March 2025 .. Sunday 9 March


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=OSLO)


@dataclass
class Delivery:
    """Builds vedtak, bestilling, tiltak and visits for tests, the way the services leave them."""

    world: World
    seq: int = 0
    plans: dict[tuple[Any, int], Tiltaksplan] = field(default_factory=dict)

    def vedtak(
        self,
        person: Tjenestemottaker | None = None,
        leverandor: Leverandor | None = None,
        *,
        timer: Decimal | None = Decimal(2),
        fom: dt.date = MARCH,
        tom: dt.date | None = None,
        status: str = Vedtak.Status.FATTET,
        bestilling_fra: dt.date | None = None,
        bestilling_til: dt.date | None = None,
    ) -> Vedtak:
        person = person or self.world.P
        leverandor = leverandor or self.world.leverandor
        soknad = Soknad.objects.create(
            tjenestemottaker=person,
            bydel=person.bydel,
            saksbehandler=self.world.saksbehandler_1,
            gjelder="Hjelp i hjemmet",
        )
        vedtak = Vedtak.objects.create(
            soknad=soknad,
            tjenestemottaker=person,
            tjenestetype="helsetjenester_i_hjemmet",
            omfang=timer,
            omfang_enhet="timer_per_uke",
            timer_per_uke=timer,
            fom=fom,
            tom=tom,
            begrunnelse="Behov",
            hjemmel="hol",
            saksbehandler=self.world.saksbehandler_1,
            status=status,
        )
        Bestilling.objects.create(
            vedtak=vedtak, leverandor=leverandor, fra=bestilling_fra or fom, til=bestilling_til or tom
        )
        return vedtak

    def tiltak(self, vedtak: Vedtak | None, *, prosedyre: str = "", kompetanse: str = "ingen", **kw: Any) -> Tiltak:
        person = vedtak.tjenestemottaker if vedtak else self.world.P
        leverandor = kw.pop("leverandor", self.world.leverandor)
        key = (person.pk, leverandor.pk)
        if key not in self.plans:
            self.plans[key] = Tiltaksplan.objects.create(
                tjenestemottaker=person, leverandor=leverandor, team=self.world.team_a, endret_av=self.world.nurse_a
            )
        self.seq += 1
        return Tiltak.objects.create(
            plan=self.plans[key],
            vedtak=vedtak,
            tittel=f"Tiltak {self.seq}",
            oppgaver=kw.pop("oppgaver", []),
            prosedyre=prosedyre,
            rrule="FREQ=DAILY",
            vindu_fra=dt.time(8),
            vindu_til=dt.time(9),
            varighet_min=45,
            kompetanse=kompetanse,
            gyldig_fra=MARCH,
        )

    def besok(
        self,
        tiltak: Tiltak,
        day: dt.date,
        *,
        status: str = Besok.Status.UTFORT,
        inn: dt.datetime | None = None,
        minutes: int = 45,
        by: User | None = None,
        staff_competence: list[str] | None = None,
        window: tuple[int, int] = (8, 9),
    ) -> Besok:
        performed = status in (Besok.Status.UTFORT, Besok.Status.PAGAR)
        inn = inn or (at(day, 8, 15) if performed else None)
        by = by or (self.world.nurse_a if performed else None)
        return Besok.objects.create(
            tiltak=tiltak,
            tjenestemottaker=tiltak.plan.tjenestemottaker,
            vedtak=tiltak.vedtak,
            leverandor=tiltak.plan.leverandor,
            team=tiltak.plan.team,
            dato=day,
            vindu_start=at(day, window[0]),
            vindu_slutt=at(day, window[1]),
            varighet_min=45,
            kompetanse=tiltak.kompetanse,
            ansatt=by or self.world.nurse_a,
            status=status,
            inn=inn,
            ut=inn + dt.timedelta(minutes=minutes) if inn and status == Besok.Status.UTFORT else None,
            utfort_av=by,
            utfort_kompetanse=staff_competence if staff_competence is not None else ["ingen"],
        )


@pytest.fixture
def delivery(world: World) -> Delivery:
    return Delivery(world)


def _week(figs: list[Any], provider_id: int, label: str) -> Any:
    return next(f for f in figs if f.provider_id == provider_id and f.label == label)


# --- kontraktsintegritet ----------------------------------------------------------------------------


def test_three_45_minute_visits_on_a_2_hour_vedtak_deliver_112_5_percent(world: World, delivery: Delivery) -> None:
    vedtak = delivery.vedtak()
    tiltak = delivery.tiltak(vedtak)
    for day in (3, 5, 7):
        delivery.besok(tiltak, dt.date(2025, 3, day))
    delivery.besok(tiltak, dt.date(2025, 3, 4), status=Besok.Status.AVLYST)  # cancelled: delivers nothing

    result = figures.kontraktsintegritet_leverandor(world.leverandor.pk, MARCH)
    week = _week(result, world.leverandor.pk, "2025-W10")
    assert week.granted_hours == 2
    assert week.delivered_hours == Fraction(9, 4)
    assert week.hours_ratio == Fraction(9, 8)  # 112.5 %
    assert (week.visits_planned, week.visits_performed) == (4, 3)
    assert [f.vedtak_id for f in week.figures] == [vedtak.pk]

    month = _week(result, world.leverandor.pk, "2025-03")
    assert month.kind == "month"
    assert month.granted_hours == Fraction(2 * 31, 7)
    assert month.delivered_hours == Fraction(9, 4)


def test_the_bydel_sees_every_provider_delivering_its_vedtak_and_no_other_bydel(
    world: World, delivery: Delivery
) -> None:
    private = LeverandorFactory(navn="Omsorg AS", type=Leverandor.Type.PRIVAT, kommune=world.kommune)
    other = TjenestemottakerFactory(bydel=world.bydel_2)
    a = delivery.tiltak(delivery.vedtak())
    b = delivery.tiltak(delivery.vedtak(leverandor=private, timer=Decimal(1)), leverandor=private)
    c = delivery.tiltak(delivery.vedtak(person=other))
    for t in (a, b, c):
        delivery.besok(t, dt.date(2025, 3, 4))

    nord = figures.kontraktsintegritet_bydel(world.bydel_1.pk, MARCH)
    assert {f.provider_id for f in nord} == {world.leverandor.pk, private.pk}
    assert _week(nord, private.pk, "2025-W10").hours_ratio == Fraction(3, 4)  # 0.75 h of 1 h
    vedtak_ids = {d.vedtak_id for f in nord for d in f.figures}
    assert c.vedtak_id not in vedtak_ids
    sor = figures.kontraktsintegritet_bydel(world.bydel_2.pk, MARCH)
    assert {d.vedtak_id for f in sor for d in f.figures} == {c.vedtak_id}


def test_competence_delivered_against_required(world: World, delivery: Delivery) -> None:
    tiltak = delivery.tiltak(delivery.vedtak(), kompetanse="legemiddel")
    delivery.besok(tiltak, dt.date(2025, 3, 3), staff_competence=["helsefaglig", "ingen", "legemiddel", "sykepleier"])
    delivery.besok(tiltak, dt.date(2025, 3, 4), by=world.assistant_a, staff_competence=["ingen"])
    plain = delivery.tiltak(Vedtak.objects.get(), kompetanse="ingen")
    delivery.besok(plain, dt.date(2025, 3, 5))  # no requirement: not in the figure

    week = _week(figures.kontraktsintegritet_leverandor(world.leverandor.pk, MARCH), world.leverandor.pk, "2025-W10")
    assert (week.competence_met, week.competence_required) == (1, 2)
    assert week.competence_share == Fraction(1, 2)


def test_a_visit_across_midnight_splits_its_hours_between_months(world: World, delivery: Delivery) -> None:
    tiltak = delivery.tiltak(delivery.vedtak(fom=dt.date(2025, 2, 1)))
    delivery.besok(tiltak, dt.date(2025, 2, 28), inn=at(dt.date(2025, 2, 28), 23, 30), minutes=60)
    march = figures.kontraktsintegritet_leverandor(world.leverandor.pk, MARCH)
    month = _week(march, world.leverandor.pk, "2025-03")
    assert month.delivered_hours == Fraction(1, 2)
    assert month.visits_planned == 0  # planned in February


def test_sql_headline_equals_the_pure_function_on_the_same_rows(world: World, delivery: Delivery) -> None:
    """Both paths, on a mix of statuses, competences, scopes, a provider switch and a visit across midnight."""
    private = LeverandorFactory(type=Leverandor.Type.PRIVAT, kommune=world.kommune)
    v1 = delivery.vedtak(bestilling_til=dt.date(2025, 3, 12))
    Bestilling.objects.create(vedtak=v1, leverandor=private, fra=dt.date(2025, 3, 13))
    v2 = delivery.vedtak(timer=None, fom=dt.date(2025, 3, 10), tom=dt.date(2025, 3, 20))
    t1 = delivery.tiltak(v1, kompetanse="sykepleier")
    t1p = delivery.tiltak(v1, leverandor=private, kompetanse="helsefaglig")
    t2 = delivery.tiltak(v2)
    statuses = [Besok.Status.UTFORT, Besok.Status.UTFORT, Besok.Status.AVLYST, Besok.Status.IKKE_UTFORT]
    for day in range(1, 32):
        date = dt.date(2025, 3, day)
        tiltak = t1 if day <= 12 else t1p
        comp = ["ingen", "helsefaglig", "sykepleier"] if day % 3 else ["ingen"]
        delivery.besok(tiltak, date, status=statuses[day % 4], staff_competence=comp, minutes=20 + day)
        if day % 2:
            delivery.besok(t2, date, inn=at(date, 23, 50), minutes=30)
    delivery.besok(t1, dt.date(2025, 2, 28), inn=at(dt.date(2025, 2, 28), 23, 40), minutes=50)

    compared = 0
    for scope in (
        {"bydel_id": world.bydel_1.pk},
        {"leverandor_id": world.leverandor.pk},
        {"leverandor_id": private.pk},
    ):
        for period in (MARCH_PERIOD, WEEK_10, (dt.date(2025, 3, 10), dt.date(2025, 4, 6))):
            scopes = figures.granted_scopes(period, **scope)
            sql = figures.delivery_figures_sql(
                scopes, figures._contract_visits(scopes, period, scope.get("leverandor_id")), period
            )
            pure = figures.kontraktsintegritet_rows(period, **scope)
            assert [_without_rows(f) for f in sql] == [_without_rows(f) for f in pure], (scope, period)
            compared += len(sql)
            assert all(f.rows for f in pure if f.visits_planned)
    assert compared > 20
    march = figures.kontraktsintegritet_bydel(world.bydel_1.pk, MARCH)
    assert {f.provider_id for f in march} == {world.leverandor.pk, private.pk}
    assert all(f.delivered_hours > 0 and f.competence_required > 0 for f in march if f.kind == "month")


def _without_rows(figure: Any) -> Any:
    from dataclasses import replace

    return replace(figure, rows=())


def test_drill_down_keeps_the_visits_behind_the_figure(world: World, delivery: Delivery) -> None:
    vedtak = delivery.vedtak()
    tiltak = delivery.tiltak(vedtak)
    visits = [delivery.besok(tiltak, dt.date(2025, 3, d)) for d in (3, 5)]
    week = next(
        f
        for f in figures.kontraktsintegritet_vedtak(vedtak.pk, world.leverandor.pk, MARCH_PERIOD)
        if f.label == "2025-W10"
    )
    assert [r.visit_id for r in week.rows] == [v.pk for v in visits]
    assert week.rows[0].person_id == world.P.pk


def test_a_bpa_vedtak_is_not_measured_by_visits(world: World, delivery: Delivery) -> None:
    """BPA is measured from approved timesheets (issue 6): its 50 hours a week do not count as undelivered visits."""
    tiltak = delivery.tiltak(delivery.vedtak())
    delivery.besok(tiltak, dt.date(2025, 3, 3))
    bpa = delivery.vedtak(timer=Decimal(50))
    Vedtak.objects.filter(pk=bpa.pk).update(tjenestetype="bpa")
    (month,) = [f for f in figures.kontraktsintegritet_bydel(world.bydel_1.pk, MARCH) if f.kind == "month"]
    assert {f.vedtak_id for f in month.figures} == {tiltak.vedtak_id}
    assert month.granted_hours == Fraction(2 * 31, 7)


def test_a_draft_vedtak_grants_nothing(world: World, delivery: Delivery) -> None:
    delivery.vedtak(status=Vedtak.Status.UTKAST)
    assert figures.kontraktsintegritet_bydel(world.bydel_1.pk, MARCH) == []


# --- punktlighet, kontinuitet, behandlingsintegritet -----------------------------------------------


def test_punktlighet_counts_a_late_visit(world: World, delivery: Delivery) -> None:
    tiltak = delivery.tiltak(delivery.vedtak())
    delivery.besok(tiltak, dt.date(2025, 3, 3))
    delivery.besok(tiltak, dt.date(2025, 3, 4), inn=at(dt.date(2025, 3, 4), 9, 0))  # the window's last minute
    late = delivery.besok(tiltak, dt.date(2025, 3, 5), inn=at(dt.date(2025, 3, 5), 9, 20))
    delivery.besok(tiltak, dt.date(2025, 3, 6), status=Besok.Status.IKKE_UTFORT)  # never started: not counted

    figure = figures.punktlighet_for(MARCH_PERIOD, leverandor_id=world.leverandor.pk)[world.leverandor.pk]
    assert (figure.numerator, figure.denominator) == (2, 3)
    rows = figures.punktlighet_rows(MARCH_PERIOD, bydel_id=world.bydel_1.pk)
    assert rows[0].visit_id == late.pk  # outside the window first
    assert len(rows) == 3
    pure = punktlighet(figures.delivered_visits(MARCH_PERIOD, leverandor_id=world.leverandor.pk))
    assert (pure.numerator, pure.denominator) == (figure.numerator, figure.denominator)
    assert figures.punktlighet_for(MARCH_PERIOD, bydel_id=world.bydel_2.pk) == {}
    wide = figures.punktlighet_for(MARCH_PERIOD, tolerance=dt.timedelta(minutes=20))[world.leverandor.pk]
    assert wide.numerator == 3


def test_kontinuitet_two_staff_in_14_days_one_outside_the_team(world: World, delivery: Delivery) -> None:
    tiltak = delivery.tiltak(delivery.vedtak())
    delivery.besok(tiltak, dt.date(2025, 3, 10), by=world.nurse_a)  # primærkontakt
    delivery.besok(tiltak, dt.date(2025, 3, 11), by=world.helper_a)  # team A
    delivery.besok(tiltak, dt.date(2025, 3, 12), by=world.nurse_b)  # team B: not the person's team
    delivery.besok(tiltak, dt.date(2025, 2, 27), by=world.nurse_b)  # outside 1..14 March

    result = figures.kontinuitet_for(dt.date(2025, 3, 14), bydel_id=world.bydel_1.pk)
    summary = result[world.leverandor.pk]
    (person,) = summary.persons
    assert person.person_id == world.P.pk
    assert person.distinct_staff == 3
    assert person.known_share.value == Fraction(2, 3)
    assert summary.mean_distinct_staff == 3
    assert summary.start == dt.date(2025, 3, 1)

    early = figures.kontinuitet_for(dt.date(2025, 3, 9), leverandor_id=world.leverandor.pk)[world.leverandor.pk]
    assert early.start == dt.date(2025, 2, 24)
    assert early.persons[0].distinct_staff == 1  # only 27 February (nurse_b) in 24 Feb .. 9 Mar
    assert early.known_share.value == 0


def test_kontinuitet_headline_in_sql_equals_the_pure_figures(world: World, delivery: Delivery) -> None:
    other_person = TjenestemottakerFactory(bydel=world.bydel_1, primaerkontakt=world.nurse_b)
    tiltak = delivery.tiltak(delivery.vedtak())
    other = delivery.tiltak(delivery.vedtak(other_person))
    delivery.besok(tiltak, dt.date(2025, 3, 10), by=world.nurse_a)  # primærkontakt
    delivery.besok(tiltak, dt.date(2025, 3, 11), by=world.helper_a)  # team A
    delivery.besok(tiltak, dt.date(2025, 3, 12), by=world.nurse_b)  # not P's team
    delivery.besok(tiltak, dt.date(2025, 3, 13), by=world.helper_a)  # the same face again
    delivery.besok(tiltak, dt.date(2025, 2, 27), by=world.nurse_b)  # outside the window
    delivery.besok(tiltak, dt.date(2025, 3, 9), status=Besok.Status.AVLYST)  # not performed
    late_night = delivery.besok(tiltak, dt.date(2025, 3, 14), inn=at(dt.date(2025, 3, 15), 0, 30))
    assert late_night.inn is not None  # checked in after midnight: belongs to 15 March, outside the window
    delivery.besok(other, dt.date(2025, 3, 12), by=world.nurse_b)  # the other person's primærkontakt
    delivery.besok(other, dt.date(2025, 3, 13), by=world.helper_a)  # not on a team serving the other person

    for kwargs in ({"bydel_id": world.bydel_1.pk}, {"leverandor_id": world.leverandor.pk}):
        pure = figures.kontinuitet_for(dt.date(2025, 3, 14), **kwargs)  # type: ignore[arg-type]
        sql = figures.kontinuitet_headline(dt.date(2025, 3, 14), **kwargs)  # type: ignore[arg-type]
        assert set(sql) == set(pure) == {world.leverandor.pk}
        for provider_id, summary in pure.items():
            headline = sql[provider_id]
            assert (headline.start, headline.end) == (summary.start, summary.end)
            assert headline.mean_distinct_staff == summary.mean_distinct_staff == Fraction(3 + 2, 2)
            assert (
                (headline.known_share.numerator, headline.known_share.denominator)
                == (
                    summary.known_share.numerator,
                    summary.known_share.denominator,
                )
                == (3 + 1, 4 + 2)
            )


def test_behandlingsintegritet_three_of_four_steps(world: World, delivery: Delivery) -> None:
    tiltak = delivery.tiltak(delivery.vedtak(), prosedyre="Sårstell")
    besok = delivery.besok(tiltak, dt.date(2025, 3, 3))
    for nr, (text, status) in enumerate(
        [("Vask", "utfort"), ("Vurder sår", "utfort"), ("Nytt bandasje", "utfort"), ("Foto", "ikke_utfort")], start=1
    ):
        BesokOppgave.objects.create(besok=besok, nr=nr, tekst=text, status=status, grunn="Ikke samtykke" * (nr == 4))
    plain = delivery.tiltak(Vedtak.objects.get())  # no procedure: its tasks are not a checklist
    other = delivery.besok(plain, dt.date(2025, 3, 3))
    BesokOppgave.objects.create(besok=other, nr=1, tekst="Handle", status="ikke_utfort", grunn="Stengt")
    cancelled = delivery.besok(tiltak, dt.date(2025, 3, 4), status=Besok.Status.AVLYST)
    BesokOppgave.objects.create(besok=cancelled, nr=1, tekst="Vask")

    result = figures.behandlingsintegritet_for(MARCH_PERIOD, bydel_id=world.bydel_1.pk)
    figure = result[world.leverandor.pk]
    assert (figure.numerator, figure.denominator) == (3, 4)
    (checklist,) = figure.rows
    assert checklist.visit_id == besok.pk and checklist.procedure == "Sårstell"
    assert checklist.steps[3].reason == "Ikke samtykke"


def test_nothing_to_divide_by_gives_no_data(world: World, delivery: Delivery) -> None:
    delivery.vedtak(timer=Decimal(0))
    (month,) = [f for f in figures.kontraktsintegritet_bydel(world.bydel_1.pk, MARCH) if f.kind == "month"]
    assert month.hours_ratio is None and month.performed_share is None and month.competence_share is None
    assert figures.behandlingsintegritet_for(MARCH_PERIOD) == {}


def test_periods() -> None:
    assert figures.month_period(dt.date(2024, 2, 14)) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert figures.week_period(dt.date(2025, 3, 5)) == WEEK_10
