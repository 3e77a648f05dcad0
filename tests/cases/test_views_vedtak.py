"""Vedtak screens through the Django test client: the draft and its two roles, the limits as
Norwegian messages on the right fields, the letter, a change to the person's disadvantage, the
expiring worklist, klage through to Statsforvalteren, statistics, brukervalg and the provider's
worklist, BPA guidance, egenbetaling, and 403 for staff without need to know."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from factories import LeverandorFactory, RoleAssignmentFactory, UserFactory, World
from helhet.cases import services
from helhet.cases.models import (
    Bestilling,
    Dokument,
    EgenbetalingSats,
    Kartlegging,
    Klage,
    Soknad,
    Vedtak,
    Vedtaksbrev,
)
from helhet.cases.rules.egenbetaling import OSLO_2019
from helhet.cases.rules.vedtak import MSG_MAX_HOURS, MSG_TOM_BEFORE_FOM
from helhet.core import access
from helhet.core.access import Action
from helhet.core.models import AuditAction, AuditEvent, Leverandor, Role, User

pytestmark = pytest.mark.django_db

Login = Callable[[Client, User], object]
TODAY = timezone.localdate


def _soknad(world: World) -> Soknad:
    soknad = Soknad.objects.create(
        tjenestemottaker=world.P,
        bydel=world.bydel_1,
        saksbehandler=world.saksbehandler_1,
        gjelder="Hjelp til rengjøring og dusj",
        status=Soknad.Status.VEDTAK,
    )
    Kartlegging.objects.create(soknad=soknad, viktig_for_meg="Å bo hjemme og gå tur med hunden.")
    return soknad


def _vedtak(world: World, soknad: Soknad | None = None, status: str = Vedtak.Status.UTKAST, **kw: Any) -> Vedtak:
    data: dict[str, Any] = {
        "tjenestetype": "praktisk_bistand",
        "utfall": Vedtak.Utfall.INNVILGET,
        "omfang": Decimal(3),
        "fom": TODAY(),
        "tom": TODAY() + dt.timedelta(days=180),
        "begrunnelse": "Behov for hjelp til rengjøring.",
        "hjemmel": "",
        **kw,
    }
    sb = world.saksbehandler_1
    vedtak = services.opprett_vedtak(
        utfort_av=sb, decision=access.check(sb, Action.EDIT, world.P), soknad=soknad or _soknad(world), data=data
    )
    if status != Vedtak.Status.UTKAST:
        Vedtak.objects.filter(pk=vedtak.pk).update(
            status=status,
            vedtaksmyndig=world.vedtaksmyndig_1 if status == Vedtak.Status.FATTET else None,
            fattet=timezone.now() if status == Vedtak.Status.FATTET else None,
        )
        vedtak.refresh_from_db()
    return vedtak


def _form(**overrides: Any) -> dict[str, Any]:
    data = {
        "tjenestetype": "praktisk_bistand",
        "utfall": "innvilget",
        "omfang": "3",
        "omfang_enhet": "",
        "timer_per_maned": "",
        "innhold": "Rengjøring av stue, kjøkken og bad.",
        "formal": "At personen kan bo hjemme.",
        "mal": "Å bo hjemme.",
        "fom": TODAY().isoformat(),
        "tom": (TODAY() + dt.timedelta(days=180)).isoformat(),
        "begrunnelse": "Kartleggingen viser behov for hjelp.",
        "hjemmel": "",
        "arbeidsleder": "",
        "husstandsinntekt": "",
    }
    data.update(overrides)
    return data


def _private_provider(world: World) -> tuple[Leverandor, User]:
    provider = LeverandorFactory(navn="Omsorg Privat AS", type=Leverandor.Type.PRIVAT, kommune=world.kommune)
    leader = UserFactory(username="leder_privat", first_name="Pia", last_name="Privat")
    RoleAssignmentFactory(user=leader, rolle=Role.LEDER, leverandor=provider)
    return provider, leader


def _messages(response: Any) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


# --- the draft ----------------------------------------------------------------------------------------


def test_the_form_prefills_the_goal_and_shows_the_catalogue(world: World, client: Client, login: Login) -> None:
    soknad = _soknad(world)
    login(client, world.saksbehandler_1)
    response = client.get(reverse("cases:vedtak_create", kwargs={"soknad_id": soknad.pk}))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Å bo hjemme og gå tur med hunden." in body
    assert "§ 3-2 første ledd nr. 6 bokstav b" in body
    assert "Timer per måned" in body
    assert "forhandsvarsel_dato" not in body  # only when replacing


def test_the_service_info_fills_in_an_empty_legal_basis(world: World, client: Client, login: Login) -> None:
    login(client, world.saksbehandler_1)
    url = reverse("cases:vedtak_tjeneste_info")
    body = client.get(url, {"tjenestetype": "bpa", "hjemmel": ""}).content.decode()
    assert "timer per uke" in body
    assert 'hx-swap-oob="true"' in body and "§ 3-8" in body
    typed = client.get(url, {"tjenestetype": "bpa", "hjemmel": "Min egen hjemmel"}).content.decode()
    assert "hx-swap-oob" not in typed


def test_the_case_officer_saves_a_draft(world: World, client: Client, login: Login) -> None:
    soknad = _soknad(world)
    login(client, world.saksbehandler_1)
    response = client.post(reverse("cases:vedtak_create", kwargs={"soknad_id": soknad.pk}), _form())
    vedtak = Vedtak.objects.get()
    assert response["Location"] == reverse("cases:vedtak_detail", kwargs={"vedtak_id": vedtak.pk})
    assert vedtak.status == Vedtak.Status.UTKAST
    assert vedtak.saksbehandler == world.saksbehandler_1
    assert vedtak.hjemmel.endswith("nr. 6 bokstav b")
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, record_type="cases.Vedtak").exists()


def test_a_nurse_with_access_to_the_person_cannot_prepare_a_vedtak(world: World, client: Client, login: Login) -> None:
    soknad = _soknad(world)
    login(client, world.nurse_a)  # P's primærkontakt: may read and edit P, but is no case officer
    url = reverse("cases:vedtak_create", kwargs={"soknad_id": soknad.pk})
    assert client.get(url).status_code == 403
    assert client.post(url, _form()).status_code == 403
    assert not Vedtak.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"tom": (TODAY() - dt.timedelta(days=1)).isoformat()}, "tom", MSG_TOM_BEFORE_FOM),
        ({"omfang": "170"}, "omfang", MSG_MAX_HOURS),
        ({"omfang": "", "timer_per_maned": "700"}, "timer_per_maned", MSG_MAX_HOURS),
        ({"tjenestetype": "bpa", "omfang": "30"}, "arbeidsleder", "arbeidsleder"),
    ],
)
def test_bad_input_gets_norwegian_messages_on_the_right_field(
    world: World, client: Client, login: Login, overrides: dict[str, str], field: str, message: str
) -> None:
    soknad = _soknad(world)
    login(client, world.saksbehandler_1)
    response = client.post(reverse("cases:vedtak_create", kwargs={"soknad_id": soknad.pk}), _form(**overrides))
    assert response.status_code == 400
    assert any(message in e for e in response.context["form"].errors[field])
    assert not Vedtak.objects.exists()


def test_hours_per_month_are_converted_and_shown(world: World, client: Client, login: Login) -> None:
    soknad = _soknad(world)
    login(client, world.saksbehandler_1)
    url = reverse("cases:vedtak_create", kwargs={"soknad_id": soknad.pk})
    refused = client.post(url, _form(omfang="", timer_per_maned="700"))
    assert "700 timer per måned = 175 timer per uke" in refused.content.decode()
    response = client.post(url, _form(omfang="", timer_per_maned="26"), follow=True)
    assert Vedtak.objects.get().timer_per_uke == Decimal("6.5")
    assert "26 timer per måned = 6,5 timer per uke" in _messages(response)


def test_an_overlapping_vedtak_is_refused(world: World, client: Client, login: Login) -> None:
    first = _vedtak(world, status=Vedtak.Status.FATTET)
    login(client, world.saksbehandler_1)
    url = reverse("cases:vedtak_create", kwargs={"soknad_id": first.soknad_id})
    response = client.post(url, _form(fom=(TODAY() + dt.timedelta(days=10)).isoformat()))
    assert response.status_code == 400
    assert "allerede et vedtak" in response.context["form"].errors["fom"][0]
    assert Vedtak.objects.count() == 1


# --- two roles ----------------------------------------------------------------------------------------


def test_two_roles_prepare_and_approve(world: World, client: Client, login: Login) -> None:
    vedtak = _vedtak(world)
    detail = reverse("cases:vedtak_detail", kwargs={"vedtak_id": vedtak.pk})
    approve = reverse("cases:vedtak_approve", kwargs={"vedtak_id": vedtak.pk})
    login(client, world.saksbehandler_1)
    client.post(reverse("cases:vedtak_submit", kwargs={"vedtak_id": vedtak.pk}))
    vedtak.refresh_from_db()
    assert vedtak.status == Vedtak.Status.TIL_GODKJENNING
    page = client.get(detail).content.decode()
    assert "Godkjenn og fatt vedtaket" not in page
    assert "En annen med vedtaksmyndighet" in page
    # The case officer cannot approve her own vedtak, not even by posting directly.
    response = client.post(approve, follow=True)
    assert "To personer må se saken" in _messages(response)
    # A nurse may see P (primærkontakt) but has no decision authority.
    nurse = Client()
    login(nurse, world.nurse_a)
    assert "vedtaksmyndighet" in _messages(nurse.post(approve, follow=True))
    vedtak.refresh_from_db()
    assert vedtak.status == Vedtak.Status.TIL_GODKJENNING
    # The vedtaksmyndig in the bydel sees it in the worklist, opens it (ground «godkjenning») and approves.
    vm = Client()
    login(vm, world.vedtaksmyndig_1)
    worklist = vm.get(reverse("cases:vedtak_worklist"))
    assert vedtak in worklist.context["til_godkjenning"]
    assert "Per Prøve" in worklist.content.decode()
    assert "Godkjenn og fatt vedtaket" in vm.get(detail).content.decode()
    response = vm.post(approve)
    assert response.status_code == 302
    vedtak.refresh_from_db()
    assert vedtak.status == Vedtak.Status.FATTET
    assert vedtak.vedtaksmyndig == world.vedtaksmyndig_1
    assert Vedtaksbrev.objects.filter(vedtak=vedtak).count() == 1


def test_the_letter_is_served_as_a_pdf_and_marked_sent_and_received(world: World, client: Client, login: Login) -> None:
    vedtak = _vedtak(world, status=Vedtak.Status.TIL_GODKJENNING)
    services.godkjenn_vedtak(
        utfort_av=world.vedtaksmyndig_1,
        decision=access.check(world.vedtaksmyndig_1, Action.EDIT, world.P),
        vedtak=vedtak,
    )
    brev = Vedtaksbrev.objects.get(vedtak=vedtak)
    login(client, world.saksbehandler_1)
    page = client.get(reverse("cases:vedtak_detail", kwargs={"vedtak_id": vedtak.pk})).content.decode()
    assert "Åpne PDF" in page and "Marker som sendt" in page
    response = client.get(reverse("cases:brev_pdf", kwargs={"brev_id": brev.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="vedtak-{vedtak.pk}-v1.pdf"'
    assert response["Cache-Control"] == "no-store"
    assert response.content == bytes(brev.pdf)
    assert AuditEvent.objects.filter(action=AuditAction.READ, record_type="cases.Vedtaksbrev").exists()
    sent = TODAY() - dt.timedelta(days=3)
    client.post(reverse("cases:brev_send", kwargs={"brev_id": brev.pk}), {"dato": sent.isoformat()})
    response = client.post(
        reverse("cases:brev_received", kwargs={"brev_id": brev.pk}), {"dato": TODAY().isoformat()}, follow=True
    )
    assert "Klagefristen er" in _messages(response)
    brev.refresh_from_db()
    assert (brev.sendt, brev.mottatt) == (sent, TODAY())
    # Once sent, the letter is archived: it cannot be «sent» again.
    response = client.post(
        reverse("cases:brev_send", kwargs={"brev_id": brev.pk}), {"dato": TODAY().isoformat()}, follow=True
    )
    assert "kan ikke endres" in _messages(response)


# --- a change to the person's disadvantage --------------------------------------------------------------


def test_a_replacement_to_the_disadvantage_needs_the_person_heard(world: World, client: Client, login: Login) -> None:
    old = _vedtak(world, status=Vedtak.Status.FATTET, omfang=Decimal(4))
    Soknad.objects.filter(pk=old.soknad_id).update(status=Soknad.Status.AVSLUTTET)
    login(client, world.saksbehandler_1)
    url = reverse("cases:vedtak_create", kwargs={"soknad_id": old.soknad_id}) + f"?erstatter={old.pk}"
    form = client.get(url)
    assert form.status_code == 200
    assert form.context["form"].initial["omfang"] == Decimal(4)
    assert "forhandsvarsel_dato" in form.content.decode()
    response = client.post(url, _form(omfang="2"))
    new = Vedtak.objects.get(erstatter=old)
    assert response["Location"] == reverse("cases:vedtak_detail", kwargs={"vedtak_id": new.pk})
    page = client.get(response["Location"]).content.decode()
    assert "Omfanget reduseres fra 4 til 2 timer per uke." in page
    assert "Ikke hørt ennå" in page
    submit = reverse("cases:vedtak_submit", kwargs={"vedtak_id": new.pk})
    assert "forvaltningsloven § 16" in _messages(client.post(submit, follow=True))
    new.refresh_from_db()
    assert new.status == Vedtak.Status.UTKAST
    heard = reverse("cases:vedtak_forhandsvarsel", kwargs={"vedtak_id": new.pk})
    assert client.post(heard, {"dato": TODAY().isoformat(), "notat": ""}).status_code == 400
    client.post(heard, {"dato": TODAY().isoformat(), "notat": "Personen er enig i endringen."})
    client.post(submit)
    new.refresh_from_db()
    assert new.status == Vedtak.Status.TIL_GODKJENNING
    assert new.forhandsvarsel_notat == "Personen er enig i endringen."


def test_a_draft_can_be_edited_by_a_case_officer(world: World, client: Client, login: Login) -> None:
    vedtak = _vedtak(world)
    login(client, world.saksbehandler_1)
    url = reverse("cases:vedtak_edit", kwargs={"vedtak_id": vedtak.pk})
    assert client.get(url).context["form"].initial["begrunnelse"] == vedtak.begrunnelse
    assert client.post(url, _form(omfang="200")).status_code == 400
    client.post(url, _form(omfang="5"))
    vedtak.refresh_from_db()
    assert vedtak.omfang == Decimal(5)


# --- the worklist -------------------------------------------------------------------------------------


def test_the_worklist_shows_vedtak_expiring_within_the_weeks(world: World, client: Client, login: Login) -> None:
    soon = _vedtak(
        world, status=Vedtak.Status.FATTET, fom=TODAY() - dt.timedelta(days=100), tom=TODAY() + dt.timedelta(weeks=3)
    )
    later = _vedtak(
        world,
        soknad=soon.soknad,
        tjenestetype="helsetjenester_i_hjemmet",
        status=Vedtak.Status.FATTET,
        tom=TODAY() + dt.timedelta(weeks=20),
    )
    login(client, world.saksbehandler_1)
    response = client.get(reverse("cases:vedtak_worklist"))
    assert response.status_code == 200
    assert soon in response.context["utloper"]
    assert later not in response.context["utloper"]
    assert "Per Prøve" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.SEARCH, tjenestemottaker=world.P).exists()
    wider = client.get(reverse("cases:vedtak_worklist"), {"uker": "21"})
    assert later in wider.context["utloper"]
    assert client.get(reverse("cases:vedtak_worklist"), {"uker": "0"}).status_code == 400


def test_the_worklist_hides_names_outside_need_to_know(world: World, client: Client, login: Login) -> None:
    soon = _vedtak(world, status=Vedtak.Status.FATTET, tom=TODAY() + dt.timedelta(weeks=2))
    colleague = UserFactory(username="kollega")
    RoleAssignmentFactory(user=colleague, rolle=Role.SAKSBEHANDLER, bydel=world.bydel_1)
    login(client, colleague)
    response = client.get(reverse("cases:vedtak_worklist"))
    assert soon in response.context["utloper"]
    body = response.content.decode()
    assert "Prøve" not in body
    assert "Sara Berg" in body  # the case owner, so the bydel can share the work
    other_bydel = Client()
    login(other_bydel, world.saksbehandler_2)
    assert other_bydel.get(reverse("cases:vedtak_worklist")).context["utloper"] == []


# --- klage --------------------------------------------------------------------------------------------


def _klage_form(days_since_receipt: int) -> dict[str, str]:
    return {
        "mottatt": TODAY().isoformat(),
        "vedtak_mottatt": (TODAY() - dt.timedelta(days=days_since_receipt)).isoformat(),
        "klagen_gjelder": "Personen mener omfanget er for lite.",
    }


def test_klage_in_time_and_late(world: World, client: Client, login: Login) -> None:
    vedtak = _vedtak(world, status=Vedtak.Status.FATTET)
    login(client, world.saksbehandler_1)
    url = reverse("cases:klage_create", kwargs={"vedtak_id": vedtak.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, _klage_form(7), follow=True)
    assert "innen fristen" in _messages(response)
    late_response = client.post(url, _klage_form(60), follow=True)
    late = Klage.objects.get(for_sent=True)
    assert "kom for sent" in _messages(late_response)
    page = client.get(reverse("cases:klage_detail", kwargs={"klage_id": late.pk})).content.decode()
    assert "Klagen kom for sent." in page
    assert "forvaltningsloven § 31" in page
    assert Klage.objects.count() == 2  # the late one is registered, not refused


def test_klage_on_a_vedtak_that_does_not_exist_is_404(world: World, client: Client, login: Login) -> None:
    login(client, world.saksbehandler_1)
    url = reverse("cases:klage_create", kwargs={"vedtak_id": 999_999})
    assert client.get(url).status_code == 404
    assert client.post(url, _klage_form(3)).status_code == 404
    assert not Klage.objects.exists()


def test_klage_bad_dates_get_messages(world: World, client: Client, login: Login) -> None:
    vedtak = _vedtak(world, status=Vedtak.Status.FATTET)
    login(client, world.saksbehandler_1)
    url = reverse("cases:klage_create", kwargs={"vedtak_id": vedtak.pk})
    data = {**_klage_form(3), "mottatt": (TODAY() - dt.timedelta(days=5)).isoformat()}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "før vedtaket kom fram" in response.context["form"].errors["mottatt"][0]
    future = {**_klage_form(3), "mottatt": (TODAY() + dt.timedelta(days=1)).isoformat()}
    assert client.post(url, future).status_code == 400
    assert not Klage.objects.exists()


def test_full_reversal_ends_the_klage(world: World, client: Client, login: Login) -> None:
    vedtak = _vedtak(world, status=Vedtak.Status.FATTET)
    login(client, world.saksbehandler_1)
    client.post(reverse("cases:klage_create", kwargs={"vedtak_id": vedtak.pk}), _klage_form(3))
    klage = Klage.objects.get()
    assess = reverse("cases:klage_assess", kwargs={"klage_id": klage.pk})
    assert client.post(assess, {"vurdering": "full", "begrunnelse": "kort"}).status_code == 400
    client.post(assess, {"vurdering": "full", "begrunnelse": "Bydelen er enig med klageren."})
    klage.refresh_from_db()
    assert (klage.status, klage.endelig_utfall) == (Klage.Status.AVSLUTTET, Klage.Utfall.MEDHOLD)
    page = client.get(reverse("cases:klage_detail", kwargs={"klage_id": klage.pk})).content.decode()
    assert "Lag nytt vedtak som erstatter det påklagde" in page
    assert "Send til Statsforvalteren" not in page


def test_partial_reversal_goes_to_statsforvalteren_with_the_documents(
    world: World, client: Client, login: Login
) -> None:
    vedtak = _vedtak(world, status=Vedtak.Status.FATTET)
    Dokument.objects.create(
        soknad=vedtak.soknad,
        type=Dokument.Type.FASTLEGE,
        tittel="Uttalelse fra fastlegen",
        datert=TODAY(),
        filnavn="uttalelse.pdf",
        innholdstype="application/pdf",
        innhold=b"%PDF-1.4",
        sha256="0" * 64,
        storrelse=8,
        lastet_opp_av=world.saksbehandler_1,
    )
    login(client, world.saksbehandler_1)
    client.post(reverse("cases:klage_create", kwargs={"vedtak_id": vedtak.pk}), _klage_form(3))
    klage = Klage.objects.get()
    detail = reverse("cases:klage_detail", kwargs={"klage_id": klage.pk})
    client.post(
        reverse("cases:klage_assess", kwargs={"klage_id": klage.pk}),
        {"vurdering": "delvis", "begrunnelse": "Bydelen øker omfanget noe, men ikke så mye som ønsket."},
    )
    page = client.get(detail).content.decode()
    assert "Uttalelse fra fastlegen" in page
    assert "Send til Statsforvalteren" in page
    client.post(reverse("cases:klage_forward", kwargs={"klage_id": klage.pk}))
    klage.refresh_from_db()
    assert klage.status == Klage.Status.STATSFORVALTEREN
    outcome = reverse("cases:klage_outcome", kwargs={"klage_id": klage.pk})
    assert client.post(outcome, {"utfall": "feil"}).status_code == 400
    client.post(outcome, {"utfall": "delvis"})
    klage.refresh_from_db()
    assert (klage.status, klage.endelig_utfall) == (Klage.Status.AVSLUTTET, Klage.Utfall.DELVIS)


def test_klage_statistics_page_shows_shares(world: World, client: Client, login: Login) -> None:
    vedtak = _vedtak(world, status=Vedtak.Status.FATTET)
    for utfall in ("medhold", "delvis", "ikke_medhold", "ikke_medhold"):
        Klage.objects.create(
            vedtak=vedtak,
            mottatt=TODAY(),
            vedtak_mottatt=TODAY(),
            frist=TODAY(),
            klagen_gjelder="x",
            registrert_av=world.saksbehandler_1,
            status=Klage.Status.AVSLUTTET,
            endelig_utfall=utfall,
            avsluttet=TODAY(),
        )
    login(client, world.nurse_b)  # aggregated only: anyone on the staff may look
    response = client.get(reverse("cases:klagestatistikk"))
    assert response.status_code == 200
    (row,) = response.context["rows"]
    assert (row["avgjort"], row["andel_medhold"], row["andel_delvis"], row["andel_ikke"]) == (
        4,
        Decimal("25.0"),
        Decimal("25.0"),
        Decimal("50.0"),
    )
    body = response.content.decode()
    assert "Praktisk bistand – daglige gjøremål" in body and "50,0 %" in body
    assert "Prøve" not in body
    assert client.get(reverse("cases:klagestatistikk"), {"aar": "x"}).status_code == 400


# --- brukervalg and bestilling ------------------------------------------------------------------------


def test_brukervalg_with_a_private_provider_reaches_its_leader(world: World, client: Client, login: Login) -> None:
    provider, leader = _private_provider(world)
    vedtak = _vedtak(world, status=Vedtak.Status.FATTET)
    login(client, world.saksbehandler_1)
    url = reverse("cases:brukervalg", kwargs={"vedtak_id": vedtak.pk})
    page = client.get(url).content.decode()
    assert "Omsorg Privat AS" in page and "Hjemmetjenesten KF" in page
    client.post(url, {"informasjon_gitt": TODAY().isoformat(), "leverandor": provider.pk})
    bestilling = Bestilling.objects.get(vedtak=vedtak)
    assert bestilling.leverandor == provider
    assert vedtak.brukervalg.valgt_leverandor == provider

    lead = Client()
    login(lead, leader)
    person_url = reverse("core:person_detail", kwargs={"person_id": world.P.pk})
    response = lead.get(reverse("cases:bestillinger"))
    assert response.context["new_rows"] == [bestilling]
    body = response.content.decode()
    assert "Per Prøve" in body and "Nye bestillinger" in body and "3 timer per uke" in body
    page = lead.get(person_url)
    assert page.status_code == 200
    assert page.context["decision"].ground_code == "bestilling"
    lead.post(reverse("cases:bestilling_receive", kwargs={"bestilling_id": bestilling.pk}))
    bestilling.refresh_from_db()
    assert (bestilling.status, bestilling.mottatt_av) == (Bestilling.Status.MOTTATT, leader)
    # The municipal provider's leaders do not receive another provider's orders.
    other = Client()
    login(other, world.leader_a)
    assert other.get(reverse("cases:bestillinger")).context["rows"] == []


def test_new_orders_come_first_in_the_providers_worklist(world: World, client: Client, login: Login) -> None:
    soknad = _soknad(world)
    first = _vedtak(world, soknad=soknad, status=Vedtak.Status.FATTET, fom=TODAY() - dt.timedelta(days=10))
    second = _vedtak(world, soknad=soknad, tjenestetype="helsetjenester_i_hjemmet", status=Vedtak.Status.FATTET)
    old = Bestilling.objects.create(vedtak=first, leverandor=world.leverandor, fra=first.fom, status="mottatt")
    new = Bestilling.objects.create(vedtak=second, leverandor=world.leverandor, fra=second.fom)
    login(client, world.leader_b)  # leads an enhet at the municipal provider
    assert client.get(reverse("cases:bestillinger")).context["rows"] == [new, old]


def test_no_free_choice_orders_the_municipal_provider_with_one_button(
    world: World, client: Client, login: Login
) -> None:
    vedtak = _vedtak(world, status=Vedtak.Status.FATTET, tjenestetype="stottekontakt")
    login(client, world.saksbehandler_1)
    detail = reverse("cases:vedtak_detail", kwargs={"vedtak_id": vedtak.pk})
    page = client.get(detail).content.decode()
    assert "Bestill fra kommunal leverandør" in page
    assert "Registrer brukervalg" not in page
    client.post(reverse("cases:brukervalg", kwargs={"vedtak_id": vedtak.pk}), {"kommunal": "1"})
    assert Bestilling.objects.get(vedtak=vedtak).leverandor == world.leverandor


def test_switching_provider_takes_effect_after_ten_days(world: World, client: Client, login: Login) -> None:
    provider, _ = _private_provider(world)
    vedtak = _vedtak(world, status=Vedtak.Status.FATTET, fom=TODAY() - dt.timedelta(days=30))
    login(client, world.saksbehandler_1)
    client.post(reverse("cases:brukervalg", kwargs={"vedtak_id": vedtak.pk}), {"informasjon_gitt": TODAY().isoformat()})
    old = Bestilling.objects.get(vedtak=vedtak)
    assert old.leverandor == world.leverandor
    url = reverse("cases:leverandor_bytte", kwargs={"vedtak_id": vedtak.pk})
    page = client.get(url).content.decode()
    assert (TODAY() + dt.timedelta(days=10)).strftime("%d.%m.%Y") in page
    response = client.post(url, {"leverandor": provider.pk, "varslet": TODAY().isoformat()}, follow=True)
    new = Bestilling.objects.get(vedtak=vedtak, leverandor=provider)
    old.refresh_from_db()
    assert new.fra == TODAY() + dt.timedelta(days=10)
    assert old.til == TODAY() + dt.timedelta(days=9)
    assert f"trer i kraft {new.fra:%d.%m.%Y}" in _messages(response)


# --- BPA and egenbetaling -----------------------------------------------------------------------------


def test_bpa_guidance_appears_as_guidance(world: World, client: Client, login: Login) -> None:
    vedtak = _vedtak(world, tjenestetype="bpa", omfang=Decimal(35), arbeidsleder="Per Prøve selv")
    login(client, world.saksbehandler_1)
    page = client.get(reverse("cases:vedtak_detail", kwargs={"vedtak_id": vedtak.pk})).content.decode()
    assert "Veiledning, ikke avgjørelse" in page
    assert "pasient- og brukerrettighetsloven § 2-1 d" in page
    assert "Per Prøve selv" in page


def test_egenbetaling_appears_for_praktisk_bistand_with_income(world: World, client: Client, login: Login) -> None:
    EgenbetalingSats.from_rate_table(world.kommune, OSLO_2019).save()
    vedtak = _vedtak(world, husstandsinntekt=250_000)
    login(client, world.saksbehandler_1)
    page = client.get(reverse("cases:vedtak_detail", kwargs={"vedtak_id": vedtak.pk})).content.decode()
    assert "Egenbetaling" in page
    assert "Timesatsen er 76 kr." in page
    assert "912 kr" in page
    assert "7 600 kr" in page


def test_missing_income_says_the_co_payment_cannot_be_calculated_yet(
    world: World, client: Client, login: Login
) -> None:
    EgenbetalingSats.from_rate_table(world.kommune, OSLO_2019).save()
    vedtak = _vedtak(world)
    login(client, world.saksbehandler_1)
    page = client.get(reverse("cases:vedtak_detail", kwargs={"vedtak_id": vedtak.pk})).content.decode()
    assert "Egenbetalingen kan ikke beregnes ennå: husstandens inntekt er ikke registrert." in page


# --- need to know -------------------------------------------------------------------------------------


def test_staff_without_need_to_know_get_403_on_every_object_route(world: World, client: Client, login: Login) -> None:
    vedtak = _vedtak(world, status=Vedtak.Status.TIL_GODKJENNING)
    services.godkjenn_vedtak(
        utfort_av=world.vedtaksmyndig_1,
        decision=access.check(world.vedtaksmyndig_1, Action.EDIT, world.P),
        vedtak=vedtak,
    )
    brev = Vedtaksbrev.objects.get(vedtak=vedtak)
    bestilling = Bestilling.objects.create(vedtak=vedtak, leverandor=world.leverandor, fra=vedtak.fom)
    klage = Klage.objects.create(
        vedtak=vedtak,
        mottatt=TODAY(),
        vedtak_mottatt=TODAY(),
        frist=TODAY(),
        klagen_gjelder="x",
        registrert_av=world.saksbehandler_1,
    )
    ids = {
        "soknad_id": vedtak.soknad_id,
        "vedtak_id": vedtak.pk,
        "brev_id": brev.pk,
        "klage_id": klage.pk,
        "bestilling_id": bestilling.pk,
    }
    routes = {
        "vedtak_create": "soknad_id",
        "vedtak_detail": "vedtak_id",
        "vedtak_edit": "vedtak_id",
        "vedtak_submit": "vedtak_id",
        "vedtak_forhandsvarsel": "vedtak_id",
        "vedtak_approve": "vedtak_id",
        "brukervalg": "vedtak_id",
        "leverandor_bytte": "vedtak_id",
        "klage_create": "vedtak_id",
        "brev_pdf": "brev_id",
        "brev_send": "brev_id",
        "brev_received": "brev_id",
        "klage_detail": "klage_id",
        "klage_assess": "klage_id",
        "klage_forward": "klage_id",
        "klage_outcome": "klage_id",
        "bestilling_receive": "bestilling_id",
    }
    login(client, world.nurse_b)
    for name, kwarg in routes.items():
        url = reverse(f"cases:{name}", kwargs={kwarg: ids[kwarg]})
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (403, 405), (name, method, response.status_code)
            assert "Prøve" not in response.content.decode()
    refused = AuditEvent.objects.filter(action=AuditAction.REFUSED, user=world.nurse_b).count()
    get_and_post = {"vedtak_create", "vedtak_edit", "brukervalg", "leverandor_bytte", "klage_create"}
    assert refused == sum(2 if name in get_and_post else 1 for name in routes)  # 405s never reach the guard
    for list_route in ("vedtak_worklist", "bestillinger"):
        response = client.get(reverse(f"cases:{list_route}"))
        assert response.status_code == 200
        assert "Prøve" not in response.content.decode()
