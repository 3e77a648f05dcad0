"""Every route that can show person data goes through the one access check.

Two nets:

1. Static: every URL route carries exactly one guard mark (``person_view``, ``person_list_view``,
   ``nodtilgang_view`` or ``no_person_data``), and every route whose URL names a person uses
   ``person_view`` or ``nodtilgang_view``. Removing a guard makes this fail (shown below).
2. Dynamic: every route is requested (GET and POST) by a staff member with no need to know P,
   and no response may contain P's name or identity number.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from helhet.core.guards import GuardKind, guard_of, person_view
from helhet.core.models import (
    AuditEvent,
    Nodtilgang,
    Parorende,
    Samtykke,
    Sperring,
    Tjenestemottaker,
    TjenestemottakerTeam,
    Verge,
)

#: URL kwargs that name a person, or a record that belongs to one person: such routes need person_view/object_view.
PERSON_KWARGS = {
    "person_id",
    "henvendelse_id",
    "soknad_id",
    "kartlegging_id",
    "dokument_id",
    "vedtak_id",
    "brev_id",
    "klage_id",
    "bestilling_id",
    "plan_id",
    "mal_id",
    "tiltak_id",
    "besok_id",
    "oppgave_id",
    "notat_id",
    "avvik_id",
    "tjenesteklage_id",
}
ALL_KINDS = {
    GuardKind.PERSON,
    GuardKind.PERSON_LIST,
    GuardKind.NODTILGANG,
    GuardKind.NONE,
    GuardKind.PORTAL,
    GuardKind.PUBLIC,
}


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    callback: Any
    kwargs: tuple[str, ...]


def iter_routes(patterns: list[Any] | None = None, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from iter_routes(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            kwargs = tuple(entry.pattern.converters.keys()) if hasattr(entry.pattern, "converters") else ()
            yield Route(f"{namespace}{entry.name}", prefix + str(entry.pattern), entry.callback, kwargs)


def violations(routes: list[Route]) -> list[str]:
    """Routes that break the rule, as readable lines (empty when all is well)."""
    found = []
    for route in routes:
        if route.name.startswith("admin:"):
            continue  # covered by test_no_person_model_in_admin
        kind = guard_of(route.callback)
        if kind not in ALL_KINDS:
            found.append(f"{route.name} ({route.pattern}) has no guard mark")
        elif PERSON_KWARGS & set(route.kwargs) and kind not in (GuardKind.PERSON, GuardKind.NODTILGANG):
            found.append(f"{route.name} ({route.pattern}) names a person but is marked {kind}")
    return found


def test_every_route_carries_a_guard() -> None:
    routes = list(iter_routes())
    assert len([r for r in routes if not r.name.startswith("admin:")]) >= 20
    assert violations(routes) == []


def test_the_enumeration_fails_when_a_guard_is_removed() -> None:
    def unguarded_person_page(request: Any, person_id: str) -> Any:  # pragma: no cover - never called
        raise AssertionError

    guarded = person_view()(lambda request, person, decision: None)
    from django.urls import path

    patterns = [
        path("p/<uuid:person_id>/", guarded, name="guarded"),
        path("q/<uuid:person_id>/", unguarded_person_page, name="unguarded"),
    ]
    found = violations(list(iter_routes(patterns)))
    assert found == ["unguarded (q/<uuid:person_id>/) has no guard mark"]


def test_no_person_model_in_admin() -> None:
    """The Django admin bypasses the access check, so no person model may be registered there."""
    person_models = {
        Tjenestemottaker,
        TjenestemottakerTeam,
        Parorende,
        Verge,
        Samtykke,
        Sperring,
        Nodtilgang,
        AuditEvent,
    }
    assert person_models.isdisjoint(admin.site._registry.keys())


def _fill_kwargs(route: Route, world: Any, extra: dict[str, Any]) -> dict[str, Any] | None:
    values = {"person_id": world.P.pk, **extra}
    try:
        return {name: values[name] for name in route.kwargs}
    except KeyError:
        return None


def _case_records(world: Any) -> dict[str, int]:
    """One record of each case-handling kind for P, so every route with an id can be requested."""
    import datetime as dt

    from helhet.cases.models import (
        Bestilling,
        Dokument,
        Henvendelse,
        Kartlegging,
        Klage,
        Soknad,
        Vedtak,
        Vedtaksbrev,
    )

    P, officer = world.P, world.saksbehandler_1
    henvendelse = Henvendelse.objects.create(
        bydel=world.bydel_1,
        tjenestemottaker=P,
        kanal="telefon",
        sporsmal="Trenger hjelp med dusj",
        svar_innen=dt.date(2026, 1, 10),
        eier=officer,
    )
    soknad = Soknad.objects.create(
        henvendelse=henvendelse, tjenestemottaker=P, bydel=world.bydel_1, saksbehandler=officer, gjelder="Hjelp"
    )
    Kartlegging.objects.create(soknad=soknad, viktig_for_meg="Å bo hjemme")
    dokument = Dokument.objects.create(
        soknad=soknad,
        type="fastlege",
        tittel="Uttalelse",
        datert=dt.date(2026, 1, 5),
        filnavn="u.txt",
        innholdstype="text/plain",
        innhold=b"Prove",
        sha256="0" * 64,
        storrelse=5,
        lastet_opp_av=officer,
    )
    vedtak = Vedtak.objects.create(
        soknad=soknad,
        tjenestemottaker=P,
        tjenestetype="praktisk_bistand",
        omfang=2,
        omfang_enhet="timer_per_uke",
        fom=dt.date(2026, 1, 1),
        begrunnelse="Behov",
        hjemmel="hol",
        saksbehandler=officer,
        status="fattet",
    )
    brev = Vedtaksbrev.objects.create(vedtak=vedtak, pdf=b"%PDF-1.4", sha256="0" * 64, laget_av=officer)
    klage = Klage.objects.create(
        vedtak=vedtak,
        mottatt=dt.date(2026, 1, 20),
        vedtak_mottatt=dt.date(2026, 1, 3),
        frist=dt.date(2026, 1, 31),
        klagen_gjelder="For lite",
        registrert_av=officer,
    )
    bestilling = Bestilling.objects.create(vedtak=vedtak, leverandor=world.leverandor, fra=dt.date(2026, 1, 1))
    return {
        "henvendelse_id": henvendelse.pk,
        "soknad_id": soknad.pk,
        "kartlegging_id": soknad.pk,
        "dokument_id": dokument.pk,
        "vedtak_id": vedtak.pk,
        "brev_id": brev.pk,
        "klage_id": klage.pk,
        "bestilling_id": bestilling.pk,
    }


def _care_records(world: Any, vedtak_id: int) -> dict[str, int]:
    """One record of each delivery kind for P (plan, goal, tiltak, visit, task, note)."""
    import datetime as dt

    from helhet.care.models import Besok, BesokOppgave, Journalnotat, Mal, Tiltak, Tiltaksplan

    P = world.P
    plan = Tiltaksplan.objects.create(
        tjenestemottaker=P,
        leverandor=world.leverandor,
        team=world.team_a,
        viktig_for_meg="Å klare meg selv",
        endret_av=world.nurse_a,
    )
    mal = Mal.objects.create(plan=plan, tekst="Dusje selv")
    tiltak = Tiltak.objects.create(
        plan=plan,
        mal=mal,
        vedtak_id=vedtak_id,
        tittel="Dusj",
        oppgaver=["Dusj"],
        rrule="FREQ=WEEKLY;BYDAY=MO",
        vindu_fra=dt.time(8),
        vindu_til=dt.time(9),
        varighet_min=30,
        gyldig_fra=dt.date(2026, 1, 1),
    )
    start = dt.datetime(2026, 1, 5, 8, tzinfo=dt.UTC)
    besok = Besok.objects.create(
        tiltak=tiltak,
        tjenestemottaker=P,
        vedtak_id=vedtak_id,
        leverandor=world.leverandor,
        team=world.team_a,
        dato=dt.date(2026, 1, 5),
        vindu_start=start,
        vindu_slutt=start + dt.timedelta(hours=1),
        varighet_min=30,
        ansatt=world.nurse_a,
        status="pagar",
        inn=start,
        utfort_av=world.nurse_a,
    )
    oppgave = BesokOppgave.objects.create(besok=besok, nr=1, tekst="Dusj")
    notat = Journalnotat.objects.create(
        tjenestemottaker=P,
        besok=besok,
        tekst="Prøvedatter ringte",
        forfatter=world.nurse_a,
        forfatter_navn="N A",
        flagg="sykepleier",
    )
    from helhet.care.models import Dagsplan, Planlegging, Vakt

    dagsplan = Dagsplan.objects.create(team=world.team_a, dato=dt.date(2026, 1, 5), utkast={})
    job = Planlegging.objects.create(dagsplan=dagsplan, bestilt_av=world.nurse_a, status="ferdig", resultat={})
    vakt = Vakt.objects.create(ansatt=world.helper_a, team=world.team_a, dato=dt.date(2026, 1, 5), start=start,
                               slutt=start + dt.timedelta(hours=8))  # fmt: skip
    return {
        "dagsplan_id": dagsplan.pk,
        "job_id": job.pk,
        "vakt_id": vakt.pk,
        "team_id": world.team_a.pk,
        "plan_id": plan.pk,
        "mal_id": mal.pk,
        "tiltak_id": tiltak.pk,
        "besok_id": besok.pk,
        "oppgave_id": oppgave.pk,
        "notat_id": notat.pk,
    }


def _bpa_records(world: Any, vedtak_id: int) -> dict[str, int]:
    """A BPA arrangement for P at a provider the outsider does not work for, with an assistant and a message."""
    import datetime as dt
    from decimal import Decimal

    from factories import LeverandorFactory, UserFactory
    from helhet.bpa.models import Assistent, Melding, Ordning
    from helhet.core.models import UserKind

    arbeidsleder = UserFactory(username="route_arbeidsleder", kind=UserKind.ARBEIDSLEDER)
    ordning = Ordning.objects.create(
        tjenestemottaker=world.P,
        vedtak_id=vedtak_id,
        leverandor=LeverandorFactory(navn="BPA-leverandøren AS", kommune=world.kommune),
        timer_per_uke=Decimal(40),
        fra=dt.date(2026, 1, 1),
        arbeidsleder=arbeidsleder,
        samtykke_bydel=True,
    )
    astrid = Assistent.objects.create(
        ordning=ordning, navn="Astrid Assistent", ansattnummer="1", stillingsprosent=50, start=dt.date(2026, 1, 1)
    )
    Melding.objects.create(ordning=ordning, fra=arbeidsleder, tekst="Prøvedatter kommer på besøk")
    return {"ordning_id": ordning.pk, "assistent_id": astrid.pk}


def _quality_records(world: Any, besok_id: int) -> dict[str, int]:
    """An avvik about P's visit, reported by P's nurse at enhet A (the outsider neither reported nor handles it)."""
    import datetime as dt

    from helhet.quality import services_ros
    from helhet.quality import services_undersokelser as us
    from helhet.quality.models import (
        Avvik,
        AvvikKategori,
        AvvikTiltak,
        Revisjon,
        Rutine,
        Sertifikat,
        Tjenesteklage,
        VarslingSak,
    )

    avvik = Avvik.objects.create(
        melder=world.nurse_a,
        enhet=world.enhet_a,
        kategori=AvvikKategori.objects.get(kode="fall"),
        hva_skjedde="Prøvedatter fant Per Prøve på gulvet",
        tidspunkt=dt.datetime(2026, 1, 5, 8, tzinfo=dt.UTC),
        besok_id=besok_id,
        tjenestemottaker=world.P,
        status=Avvik.Status.REGISTRERT,
        registrert=dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC),
        meldingsansvarlig=world.leader_a,
    )
    AvvikTiltak.objects.create(avvik=avvik, beskrivelse="Fallmatte", ansvarlig=world.nurse_a, frist=dt.date(2026, 2, 1))
    sak = VarslingSak.objects.create(
        leverandor=world.leverandor,
        kanal="intern",
        beskrivelse="Prøvedatter fant Per Prøve",
        mottatt=dt.date(2026, 1, 5),
    )
    klage = Tjenesteklage.objects.create(
        enhet=world.enhet_a,
        klager_rolle="parorende",
        klager_navn="Petra Prøvedatter",
        tjenestemottaker=world.P,
        mottatt=dt.date(2026, 1, 6),
        kanal="telefon",
        tema="tidspunkt",
        beskrivelse="Prøvedatter klager",
        frist=dt.date(2026, 2, 6),
        registrert_av=world.nurse_a,
    )
    rutine = Rutine.objects.create(leverandor=world.leverandor, tittel="Brannvern", eier=world.leader_a)
    revisjon = Revisjon.objects.create(
        leverandor=world.leverandor,
        enhet=world.enhet_a,
        tittel="R",
        planlagt_dato=dt.date(2026, 1, 5),
        opprettet_av=world.kvalitetsleder,
    )
    sertifikat = Sertifikat.objects.create(
        leverandor=world.leverandor,
        standard="iso9001",
        omfang="x",
        utsteder="y",
        gyldig_fra=dt.date(2025, 1, 1),
        gyldig_til=dt.date(2028, 1, 1),
    )
    analyse = services_ros.create_analysis(
        world.leader_a, services_ros.AnalyseInput(tittel="ROS", enhet_id=world.enhet_a.pk, dato=dt.date(2026, 1, 5))
    )
    survey = us.create_survey(world.leader_a, tittel="Bruker", malgruppe="bruker", leverandor_id=world.leverandor.pk)
    us.add_question(world.leader_a, survey, "ja_nei", "Fornøyd?")
    runde = us.create_round(world.leader_a, survey, "Runde", dt.date(2026, 1, 1), dt.date(2099, 1, 1))
    (token,) = us.create_links(world.leader_a, runde, 1, "Enhet A")
    return {
        "avvik_id": avvik.pk,
        "rapport_id": avvik.pk,
        "sak_id": sak.pk,
        "orgnr": world.leverandor.organisasjonsnummer,
        "tjenesteklage_id": klage.pk,
        "rutine_id": rutine.pk,
        "revisjon_id": revisjon.pk,
        "sertifikat_id": sertifikat.pk,
        "analyse_id": analyse.pk,
        "undersokelse_id": survey.pk,
        "runde_id": runde.pk,
        "token": token,
    }


@pytest.mark.django_db
def test_no_route_leaks_person_data_to_staff_without_need_to_know(world: Any, client: Any, login: Any) -> None:
    P = world.P
    parorende = Parorende.objects.create(tjenestemottaker=P, navn="Petra Prøvedatter", relasjon="barn")
    samtykke = Samtykke.objects.create(
        tjenestemottaker=P,
        gjelder="info_parorende",
        beskrivelse="Alt",
        parorende=parorende,
        gitt_av="tjenestemottaker",
        gitt="2026-01-01",
    )
    sperring = Sperring.objects.create(tjenestemottaker=P, sperret_bruker=world.helper_a)
    nodtilgang = Nodtilgang.objects.create(
        bruker=world.nurse_a,
        tjenestemottaker=P,
        begrunnelse="Test av ruter",
        utloper="2026-01-01T10:00Z",
        start="2026-01-01T08:00Z",
    )
    case_records = _case_records(world)
    extra = {
        "samtykke_id": samtykke.pk,
        "sperring_id": sperring.pk,
        "nodtilgang_id": nodtilgang.pk,
        **case_records,
        **_care_records(world, case_records["vedtak_id"]),
        **_bpa_records(world, case_records["vedtak_id"]),
    }
    extra.update(_quality_records(world, extra["besok_id"]))
    secrets = [P.etternavn, P.fodselsnummer, P.fodselsnummer[6:], "Prøvedatter"]
    outsider = world.nurse_b
    login(client, outsider)
    checked = 0
    for route in iter_routes():
        if route.name.startswith("admin:") or route.name == "core:logout":
            continue
        kwargs = _fill_kwargs(route, world, extra)
        assert kwargs is not None, f"test does not know how to fill {route.kwargs} for {route.name}"
        url = reverse(route.name, kwargs=kwargs)
        for method in ("get", "post"):
            response = getattr(client, method)(
                url, {"q": P.fodselsnummer} if route.name == "core:person_search" else {}
            )
            body = response.content.decode()
            if route.name == "core:person_search":  # the search box shows the user's own query back
                body = body.replace(f'value="{P.fodselsnummer}"', "")
            for secret in secrets:
                assert secret not in body, f"{method.upper()} {route.name} shows {secret!r} to {outsider}"
            if guard_of(route.callback) == GuardKind.PERSON:
                assert response.status_code in (403, 405), (route.name, method, response.status_code)
            checked += 1
    assert checked >= 40
    # …and nothing changed: the outsider's POSTs were all refused.
    assert Samtykke.objects.get(pk=samtykke.pk).trukket is None
    assert Sperring.objects.get(pk=sperring.pk).opphevet is None
    assert Nodtilgang.objects.get(pk=nodtilgang.pk).gjennomgatt is None
    from helhet.care.models import Besok, BesokOppgave, FlaggKvittering, Journalnotat

    assert Besok.objects.get(pk=extra["besok_id"]).status == "pagar"
    assert BesokOppgave.objects.get(pk=extra["oppgave_id"]).status == "apen"
    assert Journalnotat.objects.count() == 1
    assert not FlaggKvittering.objects.exists()
    from helhet.care.models import Dagsplan, Planlegging, Vakt

    assert Vakt.objects.get(pk=extra["vakt_id"]).status == "planlagt"
    assert Dagsplan.objects.get(pk=extra["dagsplan_id"]).versjon == 1
    assert Planlegging.objects.count() == 1 and not Planlegging.objects.get().brukt
    from helhet.bpa.models import Melding, Opplaering

    assert Melding.objects.count() == 1 and not Opplaering.objects.exists()
    from helhet.quality.models import Avvik, AvvikTiltak

    assert list(Avvik.objects.values_list("status", flat=True)) == ["registrert"]
    assert AvvikTiltak.objects.get().utfort is None
