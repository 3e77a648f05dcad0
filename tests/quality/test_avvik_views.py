"""Avvik screens: who may open an avvik, the person-link check (audited), the phone form, figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from care_builders import make_visit
from factories import RoleAssignmentFactory, UserFactory, World
from helhet.core.models import AuditAction, AuditEvent, Role
from helhet.quality import services
from helhet.quality.models import Avvik, AvvikKategori
from helhet.quality.rules import risiko

pytestmark = pytest.mark.django_db


def report(world: World, reporter: Any = None, **kw: Any) -> Avvik:
    reporter = reporter or world.helper_a
    data = services.AvvikInput(
        enhet_id=world.enhet_a.pk,
        kategori_id=AvvikKategori.objects.get(kode="hms").pk,
        hva_skjedde="Stikkskade ved insulinsetting",
        tidspunkt=timezone.now() - dt.timedelta(hours=2),
        **kw,
    )
    return services.submit(reporter, services.save_draft(reporter, data))


def detail(avvik: Avvik) -> str:
    return reverse("quality:avvik_detalj", kwargs={"avvik_id": avvik.pk})


def test_the_reporter_and_the_enhets_leader_see_the_avvik_another_enhets_leader_does_not(
    world: World, client: Any, login: Any
) -> None:
    avvik = report(world)
    login(client, world.helper_a)
    assert "Stikkskade" in client.get(detail(avvik)).content.decode()
    login(client, world.leader_a)
    assert client.get(detail(avvik)).status_code == 200
    login(client, world.leader_b)
    response = client.get(detail(avvik))
    assert response.status_code == 403 and "Stikkskade" not in response.content.decode()
    assert client.post(detail(avvik), {"handling": "start"}).status_code == 403
    avvik.refresh_from_db()
    assert avvik.status == Avvik.Status.REGISTRERT


def test_a_person_linked_avvik_is_refused_without_access_to_the_person_and_audited(
    world: World, client: Any, login: Any
) -> None:
    besok = make_visit(world)
    avvik = report(world, reporter=world.nurse_a, besok_id=besok.pk)
    # A meldingsansvarlig at the enhet, with no need to know the person.
    ma = UserFactory(username="ma_a")
    RoleAssignmentFactory(user=ma, rolle=Role.MELDINGSANSVARLIG, enhet=world.enhet_a)
    login(client, ma)
    response = client.get(detail(avvik))
    assert response.status_code == 403 and "Stikkskade" not in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.REFUSED, user=ma, tjenestemottaker=world.P).exists()
    # Someone neither reporter nor handler: refused, and the attempt on person data is audited too.
    login(client, world.nurse_b)
    assert client.get(detail(avvik)).status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.REFUSED, user=world.nurse_b, tjenestemottaker=world.P).exists()
    # The leader with a ground sees it, and the read is audited with the person.
    login(client, world.leader_a)
    assert client.get(detail(avvik)).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.READ, user=world.leader_a, record_type="quality.Avvik").exists()


def test_meld_avvik_from_a_visit_shows_no_name_and_a_missing_category_keeps_a_draft(
    world: World, client: Any, login: Any
) -> None:
    besok = make_visit(world)
    login(client, world.helper_a)
    url = reverse("quality:avvik_ny")
    page = client.get(url, {"besok": besok.pk}).content.decode()
    assert world.P.etternavn not in page and f'value="{besok.pk}"' in page
    response = client.post(
        url,
        {"handling": "send", "hva_skjedde": "Fant ikke medisinene", "enhet": world.enhet_a.pk, "besok": besok.pk,
         "tidspunkt": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
    )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 400 and "Velg en kategori." in body and "lagret som utkast" in body
    draft = Avvik.objects.get()
    assert draft.status == Avvik.Status.UTKAST and draft.hva_skjedde == "Fant ikke medisinene"
    assert draft.tjenestemottaker == world.P

    kategori = AvvikKategori.objects.get(kode="legemiddel")
    edit = reverse("quality:avvik_endre", kwargs={"avvik_id": draft.pk})
    assert "Fant ikke medisinene" in client.get(edit).content.decode()
    response = client.post(
        edit,
        {"handling": "send", "kategori": kategori.pk, "hva_skjedde": "Fant ikke medisinene", "enhet": world.enhet_a.pk,
         "besok": besok.pk, "tidspunkt": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == reverse("quality:mine_avvik")
    draft.refresh_from_db()
    assert draft.status == Avvik.Status.REGISTRERT and draft.meldingsansvarlig == world.leader_a
    mine = client.get(reverse("quality:mine_avvik")).content.decode()
    assert "Registrert" in mine and "Fant ikke medisinene" not in mine  # the list shows no free text


def test_an_empty_form_saves_nothing(world: World, client: Any, login: Any) -> None:
    login(client, world.helper_a)
    response = client.post(reverse("quality:avvik_ny"), {"handling": "utkast"})
    assert response.status_code == 400 and "Skriv noe" in response.content.decode()
    assert not Avvik.objects.exists()


def test_the_visit_card_links_to_meld_avvik(world: World, client: Any, login: Any) -> None:
    besok = make_visit(world)
    login(client, world.helper_a)
    page = client.get(reverse("care:min_dag")).content.decode()
    assert f"{reverse('quality:avvik_ny')}?besok={besok.pk}" in page


def test_the_handler_grades_adds_a_measure_and_closes_and_the_reporter_sees_the_outcome(
    world: World, client: Any, login: Any
) -> None:
    avvik = report(world)
    login(client, world.leader_a)
    answers = {f"svar_{q.kode}": "nei" for q in risiko.SPORSMAL} | {"svar_lh_skade": "ja"}
    assert client.post(detail(avvik), {"handling": "grader", "sannsynlighet": "3", **answers}).status_code == 302
    avvik.refresh_from_db()
    assert avvik.niva == risiko.level(3, 2).value
    response = client.post(detail(avvik), {"handling": "tiltak", "beskrivelse": "Kurs", "frist": ""})
    body = response.content.decode()
    assert (
        response.status_code == 400 and "Velg hvem som er ansvarlig for tiltaket." in body and "Sett en frist." in body
    )
    frist = timezone.localdate().isoformat()
    data = {"handling": "tiltak", "beskrivelse": "Kurs", "ansvarlig": world.nurse_a.pk, "frist": frist}
    assert client.post(detail(avvik), data).status_code == 302
    response = client.post(detail(avvik), {"handling": "lukk", "laering": ""})
    assert response.status_code == 400 and "Skriv hva dere lærte" in response.content.decode()
    measure = avvik.tiltak.get()
    assert client.post(detail(avvik), {"handling": "tiltak_utfort", "tiltak": measure.pk}).status_code == 302
    assert client.post(detail(avvik), {"handling": "lukk", "laering": "Kurs for alle nye"}).status_code == 302
    avvik.refresh_from_db()
    assert avvik.status == Avvik.Status.LUKKET

    login(client, world.helper_a)
    page = client.get(detail(avvik)).content.decode()
    assert "Kurs for alle nye" in page and "Utfall" in page and "Lagre graderingen" not in page


def test_list_and_figures_open_to_their_rows(world: World, client: Any, login: Any) -> None:
    avvik = [report(world) for _ in range(3)]
    login(client, world.leader_a)
    listing = client.get(reverse("quality:avvik_liste")).content.decode()
    assert all(f"Avvik {a.pk}<" in listing for a in avvik) and "internrevisjon" in listing
    assert "Stikkskade" not in listing
    figures = client.get(reverse("quality:avvik_tall")).content.decode()
    ids = ",".join(str(a.pk) for a in sorted(avvik, key=lambda a: a.pk))
    assert "?ids=" in figures and "HMS" in figures and "Enhet A" in figures
    assert "Ingen data" in figures  # registered today: none has had its 14 days yet
    rows = client.get(reverse("quality:avvik_liste"), {"ids": ids}).content.decode()
    assert all(f"Avvik {a.pk}<" in rows for a in avvik)
    login(client, world.leader_b)
    assert "Avvik " + str(avvik[0].pk) + "<" not in client.get(reverse("quality:avvik_liste")).content.decode()
    login(client, world.helper_a)
    assert "Denne siden er for meldingsansvarlig" in client.get(reverse("quality:avvik_liste")).content.decode()


def test_autosave_keeps_a_half_written_report_and_send_continues_the_same_draft(
    client: Any, login: Any, world: World
) -> None:
    login(client, world.helper_a)
    url = reverse("quality:avvik_autolagre")
    assert client.post(url, {"hva_skjedde": ""}).status_code == 204  # nothing typed: nothing saved
    assert not Avvik.objects.exists()
    first = client.post(url, {"hva_skjedde": "Dosetten lå"}).json()
    again = client.post(url, {"hva_skjedde": "Dosetten lå igjen", "utkast": first["utkast"]}).json()
    assert again["utkast"] == first["utkast"] and Avvik.objects.get().hva_skjedde == "Dosetten lå igjen"
    assert client.get(url).status_code == 405

    # Someone else's draft id is never continued: a new draft is made instead.
    other = services.save_draft(world.nurse_a, services.AvvikInput(hvor="Stua"))
    mine = client.post(url, {"hva_skjedde": "Annet", "utkast": other.pk}).json()["utkast"]
    assert mine != other.pk and Avvik.objects.get(pk=other.pk).hvor == "Stua"

    response = client.post(
        reverse("quality:avvik_ny"),
        {
            "utkast": first["utkast"],
            "handling": "send",
            "kategori": AvvikKategori.objects.get(kode="legemiddel").pk,
            "hva_skjedde": "Dosetten lå igjen",
            "tidspunkt": (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "enhet": world.enhet_a.pk,
        },
    )
    assert response.status_code == 302
    sent = Avvik.objects.get(pk=first["utkast"])
    assert sent.status == Avvik.Status.REGISTRERT
    assert Avvik.objects.filter(melder=world.helper_a).count() == 2  # the sent one and «Annet»
