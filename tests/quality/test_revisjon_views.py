"""Revisjon screens: access, figures opening to their rows, bad input kept, the owner closes their own action."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from factories import World
from helhet.quality import services
from helhet.quality import services_revisjon as svc
from helhet.quality.models import AvvikKategori, Funn, KorrigerendeTiltak, Revisjon, Sertifikat

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def running_audit(world: World) -> tuple[Revisjon, Funn]:
    rev = svc.create_audit(
        world.kvalitetsleder,
        svc.RevisjonInput(
            leverandor_id=world.leverandor.pk,
            tittel="Revisjon legemidler",
            enhet_id=world.enhet_a.pk,
            planlagt_dato=TODAY,
        ),
    )
    svc.start(world.kvalitetsleder, rev)
    return rev, svc.add_finding(world.kvalitetsleder, rev, Funn.Type.AVVIK, "Mangler dobbeltkontroll")


def medication_avvik(world: World, n: int) -> None:
    kategori = AvvikKategori.objects.get(kode="legemiddel")
    for i in range(n):
        data = services.AvvikInput(
            enhet_id=world.enhet_a.pk,
            kategori_id=kategori.pk,
            hva_skjedde=f"Feil dose {i}",
            tidspunkt=timezone.now() - dt.timedelta(hours=i + 1),
        )
        services.submit(world.helper_a, services.save_draft(world.helper_a, data))


def detail(rev: Revisjon) -> str:
    return reverse("quality:revisjon_detalj", kwargs={"revisjon_id": rev.pk})


def test_the_enhets_leader_reads_another_enhets_leader_and_staff_are_refused(
    world: World, client: Any, login: Any
) -> None:
    rev, _ = running_audit(world)
    login(client, world.leader_a)
    page = client.get(detail(rev)).content.decode()
    assert "Mangler dobbeltkontroll" in page and "Registrer funnet" not in page  # read only
    assert client.post(detail(rev), {"handling": "rapporter", "rapport": "x"}).status_code == 403
    login(client, world.leader_b)
    response = client.get(detail(rev))
    assert response.status_code == 403 and "Mangler dobbeltkontroll" not in response.content.decode()
    login(client, world.nurse_a)
    assert client.get(reverse("quality:revisjon_oversikt")).status_code == 200
    assert client.get(reverse("quality:revisjon_liste")).status_code == 403


def test_an_action_without_owner_shows_the_message_and_keeps_the_text(world: World, client: Any, login: Any) -> None:
    rev, funn = running_audit(world)
    login(client, world.kvalitetsleder)
    response = client.post(
        detail(rev), {"handling": "tiltak", "funn": funn.pk, "tiltak_beskrivelse": "Innføre kvittering", "frist": ""}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Velg hvem som er ansvarlig for tiltaket." in page and "Sett en frist for tiltaket." in page
    assert "Innføre kvittering" in page  # nothing lost
    assert not KorrigerendeTiltak.objects.exists()


def test_closing_with_open_actions_is_refused_then_the_owner_closes_theirs(
    world: World, client: Any, login: Any
) -> None:
    rev, funn = running_audit(world)
    login(client, world.kvalitetsleder)
    assert (
        client.post(
            detail(rev),
            {
                "handling": "tiltak",
                "funn": funn.pk,
                "tiltak_beskrivelse": "Innføre kvittering",
                "ansvarlig": world.nurse_a.pk,
                "frist": (TODAY + dt.timedelta(days=7)).isoformat(),
            },
        ).status_code
        == 302
    )
    client.post(detail(rev), {"handling": "rapporter", "rapport": "Ett avvik", "gjennomfort_dato": TODAY.isoformat()})
    response = client.post(detail(rev), {"handling": "lukk"})
    assert response.status_code == 400 and "1 korrigerende tiltak er ikke lukket" in response.content.decode()

    tiltak = KorrigerendeTiltak.objects.get()
    login(client, world.nurse_a)
    mine = client.get(reverse("quality:revisjon_tiltak")).content.decode()
    assert "Innføre kvittering" in mine and "Lukk tiltaket" in mine
    bad = client.post(
        reverse("quality:revisjon_tiltak"), {"tiltak": tiltak.pk, "utfort": TODAY.isoformat(), "effekt": ""}
    )
    assert bad.status_code == 400 and "Skriv hvordan dere har vurdert effekten" in bad.content.decode()
    ok = client.post(
        reverse("quality:revisjon_tiltak"), {"tiltak": tiltak.pk, "utfort": TODAY.isoformat(), "effekt": "Virker"}
    )
    assert ok.status_code == 302
    login(client, world.helper_a)  # not the owner
    assert client.post(reverse("quality:revisjon_tiltak"), {"tiltak": tiltak.pk}).status_code == 403
    login(client, world.kvalitetsleder)
    assert client.post(detail(rev), {"handling": "lukk"}).status_code == 302
    rev.refresh_from_db()
    assert rev.status == Revisjon.Status.LUKKET


def test_the_overview_figures_open_to_their_rows(world: World, client: Any, login: Any) -> None:
    rev, funn = running_audit(world)
    svc.add_action(
        world.kvalitetsleder,
        funn,
        "Sen",
        world.nurse_a,
        TODAY - dt.timedelta(days=2),
        today=TODAY - dt.timedelta(days=9),
    )
    cert = svc.save_certificate(
        world.kvalitetsleder,
        svc.SertifikatInput(
            leverandor_id=world.leverandor.pk,
            standard=Sertifikat.Standard.EQUASS,
            omfang="Hjemmetjenester",
            utsteder="EQUASS",
            gyldig_fra=TODAY - dt.timedelta(days=900),
            gyldig_til=TODAY + dt.timedelta(days=20),
        ),
    )
    login(client, world.kvalitetsleder)
    response = client.get(reverse("quality:revisjon_oversikt"))
    page = response.content.decode()
    assert "Utløper om 20 dager" in page
    ctx = response.context
    assert client.get(ctx["expiring_link"]).context["rows"][0]["c"] == cert
    overdue = client.get(ctx["overdue_link"]).context["rows"]
    assert [row["t"].beskrivelse for row in overdue] == ["Sen"] and overdue[0]["overdue"]
    assert [r.pk for r in client.get(ctx["all_link"]).context["rows"]] == [rev.pk]


def test_a_certificate_with_valid_to_before_valid_from_keeps_the_form(world: World, client: Any, login: Any) -> None:
    login(client, world.kvalitetsleder)
    response = client.post(
        reverse("quality:revisjon_sertifikat_ny"),
        {
            "handling": "lagre",
            "leverandor": world.leverandor.pk,
            "standard": "iso9001",
            "omfang": "Hjemmesykepleie",
            "utsteder": "Sertifisering AS",
            "gyldig_fra": "2026-05-01",
            "gyldig_til": "2025-05-01",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400 and "«Gyldig til» kan ikke være før «gyldig fra»." in page
    assert "Hjemmesykepleie" in page and not Sertifikat.objects.exists()


def test_start_from_suggestion_by_post(world: World, client: Any, login: Any) -> None:
    medication_avvik(world, 3)
    kategori = AvvikKategori.objects.get(kode="legemiddel").navn
    login(client, world.leader_a)
    url = reverse("quality:revisjon_fra_forslag")
    response = client.post(url, {"enhet": world.enhet_a.pk, "kategori": kategori})
    rev = Revisjon.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(rev)
    assert "Gjentatte avvik" in client.get(detail(rev)).content.decode()
    login(client, world.leader_b)
    assert client.post(url, {"enhet": world.enhet_a.pk, "kategori": kategori}).status_code == 403
    assert client.get(url).status_code == 302  # GET changes nothing


def test_plan_line_bad_input_and_success(world: World, client: Any, login: Any) -> None:
    login(client, world.kvalitetsleder)
    url = reverse("quality:revisjon_plan") + f"?aar={TODAY.year}"
    bad = client.post(url, {"aar": TODAY.year, "leverandor": world.leverandor.pk, "tema": "Legemidler", "maned": ""})
    assert bad.status_code == 400 and "Velg hvilken måned" in bad.content.decode()
    ok = client.post(url, {"aar": TODAY.year, "leverandor": world.leverandor.pk, "tema": "Legemidler", "maned": "3"})
    assert ok.status_code == 302
    assert "Legemidler" in client.get(url).content.decode()


def test_every_status_renders_for_the_manager_and_the_viewer(world: World, client: Any, login: Any) -> None:
    kvl = world.kvalitetsleder
    rev = svc.create_audit(
        kvl,
        svc.RevisjonInput(
            leverandor_id=world.leverandor.pk,
            type=Revisjon.Type.EKSTERN,
            eksternt_organ="Sertifiseringsorganet AS",
            tittel="Oppfølgingsrevisjon ISO 9001",
            enhet_id=world.enhet_a.pk,
            planlagt_dato=TODAY,
        ),
    )
    seen: list[str] = []

    def both(expected: str) -> None:
        for user in (kvl, world.leader_a):
            login(client, user)
            response = client.get(detail(rev))
            assert response.status_code == 200
            assert expected in response.content.decode()
        seen.append(expected)

    both("Planlagt")
    item = svc.add_checklist_item(kvl, rev, "Er opplæringen dokumentert?", "ISO 9001 7.2")
    svc.start(kvl, rev)
    both("Pågår")
    svc.answer_checklist_item(kvl, item, "samsvar")
    merknad = svc.add_finding(kvl, rev, Funn.Type.MERKNAD, "Opplæringsplanen er gammel", sjekklistepunkt_id=item.pk)
    svc.add_finding(kvl, rev, Funn.Type.OBSERVASJON, "Ledelsens gjennomgåelse kan bruke tallene")
    tiltak = svc.add_action(kvl, merknad, "Oppdatere planen", world.nurse_a, TODAY)
    svc.report(kvl, rev, "En merknad og en observasjon.", TODAY)
    both("Rapportert")
    svc.close_action(kvl, tiltak, TODAY, "Planen er oppdatert")
    svc.close(kvl, rev)
    both("Lukket")
    login(client, kvl)
    page = client.get(detail(rev)).content.decode()
    assert "Sertifiseringsorganet AS" in page and "Lukk revisjonen" not in page
    assert seen == ["Planlagt", "Pågår", "Rapportert", "Lukket"]


def test_plan_line_opens_a_new_audit_prefilled(world: World, client: Any, login: Any) -> None:
    line = svc.add_plan_line(
        world.kvalitetsleder,
        world.leverandor,
        TODAY.year,
        svc.PlanLinjeInput(tema="Legemiddelhåndtering", krav="ISO 9001 8.5", enhet_id=world.enhet_a.pk, maned=3),
    )
    login(client, world.kvalitetsleder)
    page = client.get(reverse("quality:revisjon_ny") + f"?planlagt={line.pk}").content.decode()
    assert 'value="Legemiddelhåndtering"' in page and f"{TODAY.year}-03-01" in page
    response = client.post(
        reverse("quality:revisjon_ny"),
        {
            "planlagt_revisjon": line.pk,
            "leverandor": world.leverandor.pk,
            "type": "intern",
            "tittel": "Legemiddelhåndtering",
            "planlagt_dato": f"{TODAY.year}-03-01",
        },
    )
    rev = Revisjon.objects.get()
    assert response.status_code == 302 and rev.planlagt_revisjon == line and rev.enhet == world.enhet_a
    login(client, world.leader_a)  # the enhet's leder sees the plan line, cannot add
    page = client.get(reverse("quality:revisjon_plan") + f"?aar={TODAY.year}").content.decode()
    assert "Legemiddelhåndtering" in page and "Legg til i planen" not in page


def test_certificate_follow_up_dates_are_added_and_marked_done(world: World, client: Any, login: Any) -> None:
    cert = svc.save_certificate(
        world.kvalitetsleder,
        svc.SertifikatInput(
            leverandor_id=world.leverandor.pk,
            standard="iso9001",
            omfang="Hjemmetjenesten",
            utsteder="Sertifisering AS",
            gyldig_fra=TODAY - dt.timedelta(days=400),
            gyldig_til=TODAY + dt.timedelta(days=700),
        ),
    )
    url = reverse("quality:revisjon_sertifikat", kwargs={"sertifikat_id": cert.pk})
    login(client, world.kvalitetsleder)
    assert "Oppfølgingsrevisjon" in client.get(url).content.decode()
    bad = client.post(url, {"handling": "oppfolging", "type": "overvaking", "dato": ""})
    assert bad.status_code == 400 and "Skriv datoen." in bad.content.decode()
    first = cert.oppfolging.order_by("dato").first()
    assert first is not None
    assert (
        client.post(
            url, {"handling": "oppfolging_utfort", "oppfolging": first.pk, "gjennomfort": TODAY.isoformat()}
        ).status_code
        == 302
    )
    first.refresh_from_db()
    assert first.gjennomfort == TODAY
    login(client, world.leader_a)  # sees the list, cannot edit
    assert client.get(url).status_code == 302
    assert client.post(url, {"handling": "lagre"}).status_code == 403


def test_an_outsider_gets_no_audit_content_on_any_route(world: World, client: Any, login: Any) -> None:
    rev, _funn = running_audit(world)
    cert = svc.save_certificate(
        world.kvalitetsleder,
        svc.SertifikatInput(
            leverandor_id=world.leverandor.pk,
            standard="iso9001",
            omfang="Hemmelig omfang",
            utsteder="Sertifisering AS",
            gyldig_fra=TODAY,
            gyldig_til=TODAY + dt.timedelta(days=900),
        ),
    )
    login(client, world.nurse_b)
    for name, kwargs in [
        ("revisjon_oversikt", {}),
        ("revisjon_liste", {}),
        ("revisjon_plan", {}),
        ("revisjon_ny", {}),
        ("revisjon_tiltak", {}),
        ("revisjon_sertifikater", {}),
        ("revisjon_sertifikat_ny", {}),
        ("revisjon_sertifikat", {"sertifikat_id": cert.pk}),
        ("revisjon_detalj", {"revisjon_id": rev.pk}),
    ]:
        response = client.get(reverse(f"quality:{name}", kwargs=kwargs) + "?ids=" + str(rev.pk))
        body = response.content.decode()
        assert response.status_code in (200, 403), name
        assert "Mangler dobbeltkontroll" not in body and "Hemmelig omfang" not in body, name
