"""Kontaktpunkt screens through the Django test client: henvendelse → kvittering → søknad →
kartlegging (IPLOS/KPR) → documents with checksum, the worklist, and who may do what."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from factories import TjenestemottakerFactory, World, synthetic_fodselsnummer
from helhet.cases import services
from helhet.cases.models import Dokument, Funksjonsskaar, Henvendelse, Kartlegging, Soknad
from helhet.core import access
from helhet.core.access import Action
from helhet.core.models import AuditAction, AuditEvent, Tjenestemottaker, User
from helhet.core.rules import identity

pytestmark = pytest.mark.django_db

Login = Callable[[Client, User], object]


def _form(world: World, person: Tjenestemottaker | None = None, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "fodselsnummer": (person or world.P).fodselsnummer,
        "bydel": world.bydel_1.pk,
        "kanal": Henvendelse.Kanal.TELEFON,
        "fra": Henvendelse.Fra.PARORENDE,
        "fra_navn": "Datteren",
        "fra_kontakt": "400 00 000",
        "sporsmal": "Faren klarer ikke dusjen alene lenger.",
        "svar_innen": "",
        "ta_selv": "on",
    }
    data.update(overrides)
    return data


def _henvendelse(
    world: World, person: Tjenestemottaker, *, by: User | None = None, ta_selv: bool = True
) -> Henvendelse:
    return services.registrer_henvendelse(
        utfort_av=by or world.saksbehandler_1,
        data={
            "bydel": world.bydel_1,
            "tjenestemottaker": person,
            "kanal": Henvendelse.Kanal.TELEFON,
            "sporsmal": "Trenger hjelp til dusj.",
        },
        ta_selv=ta_selv,
    )


def _soknad(world: World, person: Tjenestemottaker) -> Soknad:
    henvendelse = _henvendelse(world, person)
    decision = access.check(world.saksbehandler_1, Action.EDIT, person)
    return services.opprett_soknad(
        utfort_av=world.saksbehandler_1, decision=decision, henvendelse=henvendelse, gjelder="Hjemmesykepleie"
    )


def _new_person(world: World, **kwargs: Any) -> Tjenestemottaker:
    return TjenestemottakerFactory(bydel=world.bydel_1, **kwargs)


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- registering an inquiry -------------------------------------------------------------------------------


def test_case_officer_registers_an_inquiry_and_gets_the_acknowledgement(
    world: World, client: Client, login: Login
) -> None:
    login(client, world.saksbehandler_1)
    assert client.get(reverse("cases:henvendelse_create")).status_code == 200
    response = client.post(reverse("cases:henvendelse_create"), _form(world))
    henvendelse = Henvendelse.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:henvendelse_detail", args=[henvendelse.pk])
    assert world.P.fodselsnummer not in response["Location"]
    assert henvendelse.tjenestemottaker == world.P
    assert henvendelse.eier == world.saksbehandler_1
    assert henvendelse.status == Henvendelse.Status.UNDER_BEHANDLING
    expected = timezone.localdate() + dt.timedelta(days=settings.HENVENDELSE_SVARFRIST_DAGER)
    assert henvendelse.svar_innen == expected
    assert f"{expected:%d.%m.%Y}" in henvendelse.kvittering
    assert f"{timezone.localdate():%d.%m.%Y}" in henvendelse.kvittering
    assert "Bydel Nord" in henvendelse.kvittering
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, tjenestemottaker=world.P, record_type="cases.Henvendelse"
    ).exists()

    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert "Send kvittering" in body
    assert f"{expected:%d.%m.%Y}" in body
    assert "Faren klarer ikke dusjen alene lenger." in body


def test_inquiry_with_own_deadline_and_left_for_the_kontaktpunkt(world: World, client: Client, login: Login) -> None:
    login(client, world.saksbehandler_1)
    frist = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(reverse("cases:henvendelse_create"), _form(world, svar_innen=frist.isoformat(), ta_selv=""))
    assert response.status_code == 302
    henvendelse = Henvendelse.objects.get()
    assert henvendelse.svar_innen == frist
    assert henvendelse.eier is None
    assert henvendelse.status == Henvendelse.Status.NY


def test_unknown_number_points_to_registering_the_person(world: World, client: Client, login: Login) -> None:
    login(client, world.saksbehandler_1)
    unknown = synthetic_fodselsnummer(29_999)
    assert not Tjenestemottaker.objects.filter(fodselsnummer=unknown).exists()
    response = client.post(reverse("cases:henvendelse_create"), _form(world, fodselsnummer=unknown))
    body = response.content.decode()
    assert response.status_code == 400
    assert "Finner ingen tjenestemottaker med dette fødselsnummeret" in body
    assert reverse("core:person_create") in body
    assert not Henvendelse.objects.exists()


def test_invalid_number_gets_the_identity_rule_message(world: World, client: Client, login: Login) -> None:
    login(client, world.saksbehandler_1)
    for bad in ("1234", "12345678901"):
        with pytest.raises(identity.InvalidPersonId) as exc:
            identity.parse(bad)
        response = client.post(reverse("cases:henvendelse_create"), _form(world, fodselsnummer=bad))
        assert response.status_code == 400
        assert exc.value.message in response.content.decode()
    assert not Henvendelse.objects.exists()


def test_past_deadline_is_refused(world: World, client: Client, login: Login) -> None:
    login(client, world.saksbehandler_1)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(reverse("cases:henvendelse_create"), _form(world, svar_innen=yesterday.isoformat()))
    assert response.status_code == 400
    assert "Svarfristen kan ikke være tilbake i tid." in response.content.decode()
    assert not Henvendelse.objects.exists()


def test_only_case_officers_of_the_bydel_register(world: World, client: Client, login: Login) -> None:
    login(client, world.nurse_a)
    response = client.get(reverse("cases:henvendelse_create"))
    assert response.status_code == 403
    assert "Bare saksbehandlere og vedtaksmyndige kan registrere henvendelser." in response.content.decode()
    assert client.post(reverse("cases:henvendelse_create"), _form(world)).status_code == 403

    other = Client()
    login(other, world.saksbehandler_2)  # a case officer, but of Bydel Sør
    response = other.post(reverse("cases:henvendelse_create"), _form(world))
    assert response.status_code == 400
    assert "Velg et gyldig valg" in response.content.decode()
    assert not Henvendelse.objects.exists()


# --- the worklist ------------------------------------------------------------------------------------------


def test_worklist_shows_unowned_overdue_and_due_soon_in_own_bydel(world: World, client: Client, login: Login) -> None:
    today = timezone.localdate()
    soon = settings.HENVENDELSE_SNART_DAGER

    def make(person: Tjenestemottaker, svar_innen: dt.date, eier: User | None, bydel: Any = None) -> Henvendelse:
        return Henvendelse.objects.create(
            bydel=bydel or world.bydel_1,
            tjenestemottaker=person,
            kanal=Henvendelse.Kanal.TELEFON,
            sporsmal="Spørsmål",
            svar_innen=svar_innen,
            eier=eier,
            status=Henvendelse.Status.UNDER_BEHANDLING if eier else Henvendelse.Status.NY,
        )

    uten = make(_new_person(world, etternavn="Uteneier"), today + dt.timedelta(days=soon + 3), None)
    kollega = make(_new_person(world, etternavn="Kollegasak"), today - dt.timedelta(days=1), world.vedtaksmyndig_1)
    egen_forfalt = make(world.P, today - dt.timedelta(days=2), world.saksbehandler_1)
    snart = make(_new_person(world, etternavn="Snartfrist"), today + dt.timedelta(days=soon), world.saksbehandler_1)
    senere = make(
        _new_person(world, etternavn="Senerefrist"), today + dt.timedelta(days=soon + 1), world.saksbehandler_1
    )
    annen_bydel = make(
        TjenestemottakerFactory(bydel=world.bydel_2, etternavn="Sørbydel"),
        today - dt.timedelta(days=5),
        None,
        bydel=world.bydel_2,
    )
    avsluttet = make(_new_person(world, etternavn="Avsluttetsak"), today - dt.timedelta(days=5), None)
    avsluttet.status = Henvendelse.Status.AVSLUTTET
    avsluttet.save()

    login(client, world.saksbehandler_1)
    response = client.get(reverse("cases:worklist"))
    assert response.status_code == 200
    sections = {s.key: s for s in response.context["sections"]}
    ids = {key: [row.h.pk for row in s.rows] for key, s in sections.items()}
    assert ids["uten"] == [uten.pk]
    assert set(ids["forfalt"]) == {kollega.pk, egen_forfalt.pk}
    assert ids["snart"] == [snart.pk]
    assert set(ids["mine"]) == {egen_forfalt.pk, snart.pk, senere.pk}
    body = response.content.decode()
    assert "Uten saksbehandler (1)" in body
    assert "Forfalt (2)" in body
    assert "Snart forfall (1)" in body
    assert "Mine henvendelser (3)" in body
    assert "Uteneier" in body and "Snartfrist" in body and world.P.etternavn in body
    # Another bydel's inquiry is not on the list; a colleague's overdue case shows without the name.
    assert "Sørbydel" not in body and all(annen_bydel.pk not in found for found in ids.values())
    assert "Avsluttetsak" not in body
    assert "Kollegasak" not in body
    assert not next(row for row in sections["forfalt"].rows if row.h.pk == kollega.pk).synlig
    shown = set(
        AuditEvent.objects.filter(action=AuditAction.SEARCH, details__visning="arbeidsliste").values_list(
            "tjenestemottaker__etternavn", flat=True
        )
    )
    assert shown == {"Uteneier", world.P.etternavn, "Snartfrist", "Senerefrist"}


def test_worklist_lists_my_open_applications(world: World, client: Client, login: Login) -> None:
    soknad = _soknad(world, world.P)
    login(client, world.saksbehandler_1)
    response = client.get(reverse("cases:worklist"))
    assert "Mine søknader (1)" in response.content.decode()
    assert reverse("cases:soknad_detail", args=[soknad.pk]) in response.content.decode()


def test_worklist_is_for_case_officers(world: World, client: Client, login: Login) -> None:
    login(client, world.nurse_a)
    response = client.get(reverse("cases:worklist"))
    assert response.status_code == 403
    assert "Arbeidslisten er for saksbehandlere" in response.content.decode()


# --- handling the inquiry ----------------------------------------------------------------------------------


def test_taking_and_handing_over_an_inquiry(world: World, client: Client, login: Login) -> None:
    person = _new_person(world)
    henvendelse = _henvendelse(world, person, ta_selv=False)
    login(client, world.saksbehandler_1)
    # The kontaktpunkt ground opens the unowned inquiry to the bydel's case officers.
    assert access.check(world.saksbehandler_1, Action.VIEW, person).ground.code == "kontaktpunkt"  # type: ignore[union-attr]
    assert "Ta henvendelsen" in client.get(reverse("cases:henvendelse_detail", args=[henvendelse.pk])).content.decode()
    response = client.post(reverse("cases:henvendelse_take", args=[henvendelse.pk]))
    assert response["Location"] == reverse("cases:henvendelse_detail", args=[henvendelse.pk])
    henvendelse.refresh_from_db()
    assert henvendelse.eier == world.saksbehandler_1
    assert henvendelse.status == Henvendelse.Status.UNDER_BEHANDLING
    assert access.check(world.saksbehandler_1, Action.VIEW, person).ground.code == "sak"  # type: ignore[union-attr]
    page = client.get(reverse("cases:henvendelse_detail", args=[henvendelse.pk]))
    assert "Du eier henvendelsen." in page.content.decode()
    handover = page.context["ta_form"].fields["ny_eier"]
    assert world.saksbehandler_1 not in handover.queryset and world.vedtaksmyndig_1 in handover.queryset
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, record_id=str(henvendelse.pk)).exists()

    # Someone from another bydel cannot be chosen; a colleague in the bydel can.
    response = client.post(
        reverse("cases:henvendelse_take", args=[henvendelse.pk]), {"ny_eier": world.saksbehandler_2.pk}, follow=True
    )
    assert "Velg en saksbehandler i bydelen." in _messages(response)
    henvendelse.refresh_from_db()
    assert henvendelse.eier == world.saksbehandler_1
    response = client.post(
        reverse("cases:henvendelse_take", args=[henvendelse.pk]), {"ny_eier": world.vedtaksmyndig_1.pk}
    )
    henvendelse.refresh_from_db()
    assert henvendelse.eier == world.vedtaksmyndig_1
    # The first officer no longer has a need to know, so goes back to the worklist.
    assert response["Location"] == reverse("cases:worklist")
    assert not access.check(world.saksbehandler_1, Action.VIEW, person).allowed


def test_receipt_is_sent_once(world: World, client: Client, login: Login) -> None:
    henvendelse = _henvendelse(world, world.P)
    login(client, world.saksbehandler_1)
    url = reverse("cases:henvendelse_receipt", args=[henvendelse.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "Kvitteringen er registrert som sendt." in _messages(response)
    henvendelse.refresh_from_db()
    assert henvendelse.kvittering_sendt is not None
    response = client.post(url, follow=True)
    assert any(m.startswith("Kvitteringen ble sendt") for m in _messages(response))


def test_closing_needs_a_text(world: World, client: Client, login: Login) -> None:
    henvendelse = _henvendelse(world, world.P)
    login(client, world.saksbehandler_1)
    url = reverse("cases:henvendelse_close", args=[henvendelse.pk])
    response = client.post(url, {"avslutning": ""}, follow=True)
    assert "Skriv kort hvordan henvendelsen ble besvart før du avslutter den." in _messages(response)
    henvendelse.refresh_from_db()
    assert henvendelse.er_apen
    client.post(url, {"avslutning": "Fikk informasjon om trygghetsalarm."})
    henvendelse.refresh_from_db()
    assert henvendelse.status == Henvendelse.Status.AVSLUTTET
    assert henvendelse.avslutning == "Fikk informasjon om trygghetsalarm."


def test_inquiry_becomes_an_application_and_the_officer_has_the_sak_ground(
    world: World, client: Client, login: Login
) -> None:
    person = _new_person(world, saksbehandler=world.vedtaksmyndig_1)  # someone else is case owner
    henvendelse = _henvendelse(world, person)
    login(client, world.saksbehandler_1)
    response = client.post(reverse("cases:soknad_create", args=[henvendelse.pk]), {"gjelder": ""}, follow=True)
    assert "Skriv hva det søkes om." in _messages(response)
    assert not Soknad.objects.exists()

    response = client.post(
        reverse("cases:soknad_create", args=[henvendelse.pk]), {"gjelder": "Hjemmesykepleie og praktisk bistand"}
    )
    soknad = Soknad.objects.get()
    assert response["Location"] == reverse("cases:soknad_detail", args=[soknad.pk])
    assert Kartlegging.objects.filter(soknad=soknad).exists()
    assert soknad.saksbehandler == world.saksbehandler_1
    henvendelse.refresh_from_db()
    assert henvendelse.status == Henvendelse.Status.BLE_SOKNAD
    assert not henvendelse.er_apen
    decision = access.check(world.saksbehandler_1, Action.VIEW, person)
    assert decision.allowed and decision.ground is not None and decision.ground.code == "sak"
    assert not access.check(world.saksbehandler_2, Action.VIEW, person).allowed

    page = client.get(reverse("cases:soknad_detail", args=[soknad.pk]))
    assert page.status_code == 200
    assert "Hjemmesykepleie og praktisk bistand" in page.content.decode()
    # The inquiry page now points to the application, without action forms.
    detail = client.get(reverse("cases:henvendelse_detail", args=[henvendelse.pk])).content.decode()
    assert reverse("cases:soknad_detail", args=[soknad.pk]) in detail
    assert "Avslutt henvendelsen" not in detail
    assert "Send kvittering" in detail  # the person is still owed the acknowledgement
    client.post(reverse("cases:henvendelse_receipt", args=[henvendelse.pk]))
    henvendelse.refresh_from_db()
    assert henvendelse.kvittering_sendt is not None


def test_care_worker_with_a_ground_reads_but_does_not_handle(world: World, client: Client, login: Login) -> None:
    henvendelse = _henvendelse(world, world.P)
    login(client, world.nurse_a)  # P's primærkontakt
    page = client.get(reverse("cases:henvendelse_detail", args=[henvendelse.pk]))
    assert page.status_code == 200
    assert "Avslutt henvendelsen" not in page.content.decode()
    response = client.post(reverse("cases:henvendelse_close", args=[henvendelse.pk]), {"avslutning": "Lukker den"})
    assert response.status_code == 403
    henvendelse.refresh_from_db()
    assert henvendelse.er_apen


# --- kartlegging -------------------------------------------------------------------------------------------


def test_kartlegging_saves_text_and_scores(world: World, client: Client, login: Login) -> None:
    soknad = _soknad(world, world.P)
    login(client, world.saksbehandler_1)
    url = reverse("cases:kartlegging_edit", args=[soknad.pk])
    form = client.get(url)
    body = form.content.decode()
    assert form.status_code == 200
    assert "Egenomsorg" in body and "Sanser" in body and "Personlig hygiene" in body
    assert "Ikke skåret" in body
    response = client.post(
        url,
        {
            "viktig_for_meg": "Å kunne gå til butikken selv og lage middag til barnebarna.",
            "samtykke_avklart": "on",
            "rehabilitering": "behov",
            "skaar_personlig_hygiene": "3",
            "skaar_lage_mat": "9",
            "skaar_syn": "2",
        },
    )
    assert response.status_code == 302
    kartlegging = Kartlegging.objects.get(soknad=soknad)
    assert kartlegging.samtykke_avklart
    assert kartlegging.endret_av == world.saksbehandler_1
    scores = dict(Funksjonsskaar.objects.filter(kartlegging=kartlegging).values_list("variabel", "skaar"))
    assert scores == {"personlig_hygiene": 3, "lage_mat": 9, "syn": 2}

    page = client.get(reverse("cases:soknad_detail", args=[soknad.pk])).content.decode()
    assert "Å kunne gå til butikken selv og lage middag til barnebarna." in page
    assert "Middels bistandsbehov" in page
    assert "Noe nedsatt syn" in page

    # Setting a variable back to «Ikke skåret» removes its score.
    client.post(url, {"viktig_for_meg": kartlegging.viktig_for_meg, "skaar_personlig_hygiene": "4"})
    scores = dict(Funksjonsskaar.objects.filter(kartlegging=kartlegging).values_list("variabel", "skaar"))
    assert scores == {"personlig_hygiene": 4}
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, record_type="cases.Kartlegging").exists()


def test_kartlegging_refuses_an_invalid_score_and_saves_nothing(world: World, client: Client, login: Login) -> None:
    soknad = _soknad(world, world.P)
    login(client, world.saksbehandler_1)
    url = reverse("cases:kartlegging_edit", args=[soknad.pk])
    for field, value, message in (
        ("skaar_syn", "9", "Skåren for «Syn» må være 1–5."),
        ("skaar_spise", "7", "Skåren for «Spise» må være 1–5 eller 9 (ikke relevant)."),
        ("skaar_spise", "mye", "Skåren for «Spise» må være 1–5 eller 9 (ikke relevant)."),
    ):
        response = client.post(url, {"viktig_for_meg": "Noe nytt", "skaar_toalett": "2", field: value})
        assert response.status_code == 400
        assert message in response.content.decode()
    kartlegging = Kartlegging.objects.get(soknad=soknad)
    assert kartlegging.viktig_for_meg == ""
    assert not Funksjonsskaar.objects.exists()


# --- documents ---------------------------------------------------------------------------------------------


def _upload(client: Client, soknad: Soknad, name: str, content: bytes, **overrides: Any) -> Any:
    data = {
        "type": Dokument.Type.FASTLEGE,
        "tittel": "Uttalelse fra fastlegen",
        "datert": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
        "fil": SimpleUploadedFile(name, content, content_type="application/octet-stream"),
    }
    data.update(overrides)
    return client.post(reverse("cases:dokument_upload", args=[soknad.pk]), data)


def test_upload_stores_the_checksum_and_download_returns_the_same_bytes(
    world: World, client: Client, login: Login
) -> None:
    soknad = _soknad(world, world.P)
    login(client, world.saksbehandler_1)
    content = "Pasienten trenger hjelp morgen og kveld.\nMvh fastlegen – æøå".encode()
    assert client.get(reverse("cases:dokument_upload", args=[soknad.pk])).status_code == 200
    response = _upload(client, soknad, f"{world.P.etternavn} uttalelse.txt", content)
    assert response.status_code == 302
    dokument = Dokument.objects.get()
    assert dokument.sha256 == hashlib.sha256(content).hexdigest()
    assert dokument.storrelse == len(content)
    assert dokument.innholdstype == "text/plain; charset=utf-8"

    page = client.get(reverse("cases:soknad_detail", args=[soknad.pk])).content.decode()
    assert dokument.sha256[:12] in page and "Uendret" in page

    download = client.get(reverse("cases:dokument_download", args=[dokument.pk]))
    assert download.status_code == 200
    assert download.content == content
    assert download["Content-Disposition"] == f'attachment; filename="dokument-{dokument.pk}.txt"'
    assert world.P.etternavn not in download["Content-Disposition"]
    assert download["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(
        action=AuditAction.READ, record_type="cases.Dokument", record_id=str(dokument.pk)
    ).exists()


def test_upload_accepts_pdf_and_docx(world: World, client: Client, login: Login) -> None:
    soknad = _soknad(world, world.P)
    login(client, world.saksbehandler_1)
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    assert _upload(client, soknad, "epikrise.pdf", b"%PDF-1.7\n%...\n").status_code == 302
    assert _upload(client, soknad, "rapport.docx", docx.getvalue()).status_code == 302
    assert sorted(Dokument.objects.values_list("innholdstype", flat=True)) == [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ]
    pdf = Dokument.objects.get(innholdstype="application/pdf")
    download = client.get(reverse("cases:dokument_download", args=[pdf.pk]))
    assert download["Content-Disposition"] == f'attachment; filename="dokument-{pdf.pk}.pdf"'


def test_upload_refuses_other_file_types(
    world: World, client: Client, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    soknad = _soknad(world, world.P)
    login(client, world.saksbehandler_1)
    cases = [
        ("side.html", b"<script>alert(1)</script>", "Denne filtypen kan ikke lastes opp."),
        ("program.exe", b"MZ\x90\x00", "Denne filtypen kan ikke lastes opp."),
        ("falsk.pdf", b"<html>not a pdf</html>", "Innholdet i filen stemmer ikke med filtypen (PDF)."),
        ("falsk.docx", b"PK\x03\x04 broken", "Filen er ikke et gyldig Word-dokument (DOCX)."),
        ("binar.txt", b"abc\x00def", "Tekstfilen kan ikke leses som tekst."),
        ("tom.txt", b"", "Filen er tom."),
    ]
    for name, content, message in cases:
        response = _upload(client, soknad, name, content)
        assert response.status_code == 400, name
        assert message in response.content.decode(), name
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = _upload(client, soknad, "ok.txt", b"tekst", datert=future)
    assert "Datoen kan ikke være fram i tid." in response.content.decode()
    monkeypatch.setattr("helhet.cases.forms_intake.MAX_DOCUMENT_BYTES", 10)
    response = _upload(client, soknad, "stor.txt", b"x" * 11)
    assert "Filen er større enn 20 MB." in response.content.decode()
    assert not Dokument.objects.exists()


def test_a_tampered_document_is_not_served(world: World, client: Client, login: Login) -> None:
    soknad = _soknad(world, world.P)
    login(client, world.saksbehandler_1)
    _upload(client, soknad, "uttalelse.txt", b"Trenger hjelp to ganger daglig.")
    dokument = Dokument.objects.get()
    Dokument.objects.filter(pk=dokument.pk).update(innhold=b"Trenger ingen hjelp.")
    response = client.get(reverse("cases:dokument_download", args=[dokument.pk]))
    assert response.status_code == 409
    assert "Trenger ingen hjelp." not in response.content.decode()
    assert "er endret etter at det ble lastet opp" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    page = client.get(reverse("cases:soknad_detail", args=[soknad.pk])).content.decode()
    assert "ENDRET" in page


# --- need to know ------------------------------------------------------------------------------------------


def test_staff_without_need_to_know_gets_403_on_every_intake_route(world: World, client: Client, login: Login) -> None:
    soknad = _soknad(world, world.P)
    henvendelse = soknad.henvendelse
    assert henvendelse is not None
    dokument = services.last_opp_dokument(
        utfort_av=world.saksbehandler_1,
        decision=access.check(world.saksbehandler_1, Action.EDIT, world.P),
        soknad=soknad,
        fil=SimpleUploadedFile("u.txt", b"Uttalelse", content_type="text/plain"),
        type=Dokument.Type.FASTLEGE,
        tittel="Uttalelse",
        datert=timezone.localdate(),
    )
    open_one = _henvendelse(world, world.P)
    urls = {
        "cases:worklist": {},
        "cases:henvendelse_create": {},
        "cases:henvendelse_detail": {"henvendelse_id": open_one.pk},
        "cases:henvendelse_receipt": {"henvendelse_id": open_one.pk},
        "cases:henvendelse_take": {"henvendelse_id": open_one.pk},
        "cases:henvendelse_close": {"henvendelse_id": open_one.pk},
        "cases:soknad_create": {"henvendelse_id": open_one.pk},
        "cases:soknad_detail": {"soknad_id": soknad.pk},
        "cases:kartlegging_edit": {"soknad_id": soknad.pk},
        "cases:dokument_upload": {"soknad_id": soknad.pk},
        "cases:dokument_download": {"dokument_id": dokument.pk},
    }
    post_only = {
        "cases:henvendelse_receipt",
        "cases:henvendelse_take",
        "cases:henvendelse_close",
        "cases:soknad_create",
    }
    lists = {"cases:worklist", "cases:henvendelse_create"}  # open to case officers of any bydel, without P
    for outsider in (world.nurse_b, world.saksbehandler_2, world.leader_b):
        other = Client()
        login(other, outsider)
        for name, kwargs in urls.items():
            url = reverse(name, kwargs=kwargs)
            get = other.get(url)
            post = other.post(url, {"avslutning": "Lukker", "gjelder": "Noe", "viktig_for_meg": "Noe"})
            if name in lists and outsider == world.saksbehandler_2:
                assert get.status_code == 200 and post.status_code in (200, 400), (name, post.status_code)
            else:
                assert get.status_code == (405 if name in post_only else 403), (outsider, name, get.status_code)
                assert post.status_code == 403, (outsider, name, post.status_code)
            for response in (get, post):
                assert world.P.etternavn not in response.content.decode(), (outsider, name)
    open_one.refresh_from_db()
    assert open_one.er_apen and open_one.kvittering_sendt is None and open_one.eier == world.saksbehandler_1
    assert Soknad.objects.count() == 1
    assert Henvendelse.objects.count() == 2
    assert Kartlegging.objects.get(soknad=soknad).viktig_for_meg == ""


def test_a_closed_application_is_not_changed(world: World, client: Client, login: Login) -> None:
    soknad = _soknad(world, world.P)
    Soknad.objects.filter(pk=soknad.pk).update(status=Soknad.Status.AVSLUTTET)
    login(client, world.saksbehandler_1)  # still P's saksansvarlig, so may read the record
    for name in ("cases:kartlegging_edit", "cases:dokument_upload"):
        response = client.post(reverse(name, args=[soknad.pk]), {"viktig_for_meg": "Endret i ettertid"}, follow=True)
        assert "Søknaden er avsluttet og kan ikke endres." in _messages(response)
    assert Kartlegging.objects.get(soknad=soknad).viktig_for_meg == ""
    assert "Endre kartlegging" not in client.get(reverse("cases:soknad_detail", args=[soknad.pk])).content.decode()
