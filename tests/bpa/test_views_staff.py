"""The provider's and the bydel's BPA pages: who may see what, what is logged, what the forms do."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bpa_builders import MARCH, make_assistent, make_ordning
from factories import EnhetFactory, LeverandorFactory, RoleAssignmentFactory, TjenestemottakerFactory, World
from helhet.bpa.models import Melding, Opplaering, Vakt
from helhet.core.models import AuditEvent, Role, User

pytestmark = pytest.mark.django_db


Login = Callable[[Client, User], object]


def page(ordning: Any) -> str:
    return reverse("bpa:staff_ordning", kwargs={"ordning_id": ordning.pk})


def other_provider_leader() -> User:
    enhet = EnhetFactory(leverandor=LeverandorFactory(navn="Annen BPA AS"))
    return RoleAssignmentFactory(rolle=Role.LEDER, enhet=enhet).user


# --- access -----------------------------------------------------------------------------------------------------


def test_the_adviser_sees_the_overview_and_the_arrangement_and_both_are_logged(
    client: Client, login: Login, march: dict[str, Any], world: World
) -> None:
    login(client, world.leader_a)
    overview = client.get(reverse("bpa:staff_oversikt"))
    assert overview.status_code == 200
    assert world.P.fullt_navn in overview.content.decode()
    assert AuditEvent.objects.filter(
        username="leader_a", tjenestemottaker=world.P, details__visning="bpa_oversikt"
    ).exists()
    response = client.get(page(march["ordning"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Anna Aas" in body and "Registrer fullført kurs" in body
    assert "Mangler:" in body  # the test's assistants have no courses
    event = AuditEvent.objects.filter(username="leader_a", tjenestemottaker=world.P, ground="bpa_leverandor").get()
    assert event.action == "read" and event.record_type == "bpa.Ordning"


def test_another_providers_leader_is_refused_and_the_refusal_logged(
    client: Client, login: Login, march: dict[str, Any], world: World
) -> None:
    outsider = other_provider_leader()
    login(client, outsider)
    response = client.get(page(march["ordning"]))
    assert response.status_code == 403
    assert "Bare BPA-rådgiveren" in response.content.decode()
    assert world.P.etternavn not in response.content.decode()
    assert AuditEvent.objects.filter(user=outsider, tjenestemottaker=world.P, action="refused").exists()
    overview = client.get(reverse("bpa:staff_oversikt")).content.decode()
    assert world.P.etternavn not in overview and "Annen BPA AS har ingen BPA-ordninger" in overview
    for name in ("bpa:staff_kurs", "bpa:staff_melding"):
        url = reverse(name, kwargs={"ordning_id": march["ordning"].pk})
        assert client.post(url, {"tekst": "Hei", "assistent": march["anna"].pk, "kurs": "hms"}).status_code == 403
    assert not Opplaering.objects.exists() and not Melding.objects.exists()


def test_staff_without_a_bpa_provider_and_arbeidsledere_are_kept_out(
    client: Client, login: Login, march: dict[str, Any], world: World
) -> None:
    login(client, world.saksbehandler_1)
    for name in ("bpa:staff_oversikt", "bpa:staff_lonn", "bpa:staff_faktura"):
        response = client.get(reverse(name))
        assert response.status_code == 403, name
        assert "BPA-sidene er for BPA-rådgivere" in response.content.decode()
    client.logout()
    login(client, march["ordning"].arbeidsleder)
    urls = [reverse(n) for n in ("bpa:staff_oversikt", "bpa:staff_lonn", "bpa:staff_faktura", "bpa:bydel_oversikt")]
    for url in [*urls, page(march["ordning"])]:
        assert client.get(url).status_code == 403, url


def test_the_bydel_sees_only_arrangements_with_consent(
    client: Client, login: Login, march: dict[str, Any], world: World
) -> None:
    without = make_ordning(
        world, TjenestemottakerFactory(bydel=world.bydel_1, etternavn="Utensamtykke"), world.leverandor
    )
    login(client, world.saksbehandler_1)
    body = client.get(reverse("bpa:bydel_oversikt")).content.decode()
    assert world.P.fullt_navn in body
    assert without.tjenestemottaker.etternavn not in body
    assert AuditEvent.objects.filter(username="saksbehandler_1", tjenestemottaker=world.P).exists()
    assert not AuditEvent.objects.filter(tjenestemottaker=without.tjenestemottaker).exists()
    client.logout()
    login(client, world.saksbehandler_2)  # another bydel: nothing to see, and why
    body = client.get(reverse("bpa:bydel_oversikt")).content.decode()
    assert "Ingen BPA-ordninger å vise" in body and "samtykket" in body and world.P.etternavn not in body
    client.logout()
    login(client, world.nurse_a)
    assert client.get(reverse("bpa:bydel_oversikt")).status_code == 403


def test_menu_entries_and_the_unread_count(client: Client, login: Login, march: dict[str, Any], world: World) -> None:
    Melding.objects.create(ordning=march["ordning"], fra=march["ordning"].arbeidsleder, tekst="Kan vi snakke sammen?")
    login(client, world.leader_a)
    home = client.get(reverse("core:home")).content.decode()
    assert reverse("bpa:staff_oversikt") in home and "BPA (bydel)" not in home
    nav = client.get(reverse("bpa:staff_oversikt")).context["nav_items"]
    assert [item.count for item in nav if item.label == "BPA"] == [1]
    client.logout()
    login(client, world.saksbehandler_1)
    assert reverse("bpa:bydel_oversikt") in client.get(reverse("core:home")).content.decode()


# --- the arrangement's forms ------------------------------------------------------------------------------------


def test_the_adviser_registers_a_course(client: Client, login: Login, march: dict[str, Any], world: World) -> None:
    login(client, world.leader_a)
    url = reverse("bpa:staff_kurs", kwargs={"ordning_id": march["ordning"].pk})
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(url, {"assistent": march["anna"].pk, "kurs": "hms", "dato": yesterday.isoformat()})
    assert response.status_code == 302 and response["Location"].endswith("#assistenter")
    assert Opplaering.objects.filter(assistent=march["anna"], kurs="hms", fullfort=yesterday).exists()
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    refused = client.post(url, {"assistent": march["anna"].pk, "kurs": "hms", "dato": tomorrow})
    assert refused.status_code == 400 and "kan ikke være frem i tid" in refused.content.decode()
    other = make_assistent(
        make_ordning(world, world.P, LeverandorFactory()), "Per Annen", ansattnummer="8000", ready=False
    )
    wrong = client.post(url, {"assistent": other.pk, "kurs": "hms", "dato": yesterday.isoformat()})
    assert wrong.status_code == 400 and not Opplaering.objects.filter(assistent=other).exists()


def test_the_adviser_answers_and_reading_marks_the_arbeidsleders_messages(
    client: Client, login: Login, march: dict[str, Any], world: World
) -> None:
    ordning = march["ordning"]
    question = Melding.objects.create(ordning=ordning, fra=ordning.arbeidsleder, tekst="Når kommer vikaren?")
    login(client, world.leader_a)
    body = client.get(page(ordning)).content.decode()
    assert "Når kommer vikaren?" in body and ">Ny<" in body
    question.refresh_from_db()
    assert question.lest is not None
    url = reverse("bpa:staff_melding", kwargs={"ordning_id": ordning.pk})
    assert client.post(url, {"tekst": "  "}).status_code == 400
    response = client.post(url, {"tekst": "Vikaren kommer mandag."})
    assert response.status_code == 302
    assert Melding.objects.filter(ordning=ordning, fra=world.leader_a, tekst="Vikaren kommer mandag.").exists()


def test_a_leader_looking_in_does_not_mark_the_advisers_messages_read(
    client: Client, login: Login, march: dict[str, Any], world: World
) -> None:
    ordning = march["ordning"]
    question = Melding.objects.create(ordning=ordning, fra=ordning.arbeidsleder, tekst="Hei")
    login(client, world.leader_b)  # a leader at the provider, not the adviser
    assert client.get(page(ordning)).status_code == 200
    question.refresh_from_db()
    assert question.lest is None


# --- exports ----------------------------------------------------------------------------------------------------


def test_the_payroll_form_refuses_bad_periods(
    client: Client, login: Login, march: dict[str, Any], world: World
) -> None:
    login(client, world.leader_a)
    url = reverse("bpa:staff_lonn")
    assert client.get(url).status_code == 200
    backwards = client.get(url, {"fra": "2025-03-31", "til": "2025-03-01", "definisjon": "tariff"})
    assert (
        backwards.status_code == 400 and "«Fra og med» kan ikke være etter «til og med»" in backwards.content.decode()
    )
    too_long = client.get(url, {"fra": "2024-01-01", "til": "2025-03-01", "definisjon": "tariff"})
    assert too_long.status_code == 400 and "høyst ett år" in too_long.content.decode()
    assert not AuditEvent.objects.filter(details__visning="bpa_lonn").exists()


def test_the_payroll_preview_and_download(client: Client, login: Login, march: dict[str, Any], world: World) -> None:
    login(client, world.leader_a)
    params = {"fra": MARCH[0].isoformat(), "til": MARCH[1].isoformat(), "definisjon": "tariff"}
    preview = client.get(reverse("bpa:staff_lonn"), params).content.decode()
    assert "Anna Aas" in preview and "48,25" in preview
    assert "1 timeliste i perioden venter på godkjenning" in preview
    download = client.get(reverse("bpa:staff_lonn"), {**params, "last_ned": "1"})
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download["Content-Disposition"].startswith('attachment; filename="bpa-lonn-')
    content = download.content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))
    assert sum(Decimal(r[5].replace(",", ".")) for r in rows[1:]) == Decimal("48.25")
    assert world.P.etternavn not in content
    event = AuditEvent.objects.filter(details__eksport="bpa_lonn").get()
    assert event.username == "leader_a" and event.details["fra"] == "2025-03-01"


def test_the_invoice_basis_page_names_the_person_and_the_file_does_not(
    client: Client, login: Login, march: dict[str, Any], world: World
) -> None:
    login(client, world.leader_a)
    params = {"fra": "2025-03", "til": "2025-03"}
    body = client.get(reverse("bpa:staff_faktura"), params).content.decode()
    assert world.P.fullt_navn in body and "177,14" in body and "48,25" in body and "mars 2025" in body
    download = client.get(reverse("bpa:staff_faktura"), {**params, "format": "csv"})
    content = download.content.decode("utf-8")
    assert str(march["ordning"].vedtak_id) in content and world.P.etternavn not in content
    assert AuditEvent.objects.filter(tjenestemottaker=world.P, details__eksport="bpa_fakturagrunnlag").exists()
    backwards = client.get(reverse("bpa:staff_faktura"), {"fra": "2025-04", "til": "2025-03"})
    assert backwards.status_code == 400 and "kan ikke være etter" in backwards.content.decode()
    wrong = client.get(reverse("bpa:staff_faktura"), {"fra": "mars", "til": "2025-03"})
    assert wrong.status_code == 400 and "år-måned" in wrong.content.decode()
    too_many = client.get(reverse("bpa:staff_faktura"), {"fra": "2024-01", "til": "2025-03"})
    assert too_many.status_code == 400 and "høyst 12 måneder" in too_many.content.decode()


def test_the_default_invoice_page_shows_last_month(
    client: Client, login: Login, march: dict[str, Any], world: World
) -> None:
    login(client, world.leader_a)
    response = client.get(reverse("bpa:staff_faktura"))
    assert response.status_code == 200
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    assert [x["x"].maaned for x in response.context["lines"]] == [last_month]


def test_the_arrangement_page_lists_rule_breaks_of_the_next_four_weeks_only(
    client: Client, login: Login, march: dict[str, Any], world: World
) -> None:
    ordning, anna = march["ordning"], march["anna"]

    def quick_return(day: dt.date) -> None:
        for start, end in ((dt.time(14), dt.time(23)), (dt.time(7), dt.time(11))):
            first = day if start.hour == 14 else day + dt.timedelta(days=1)
            Vakt.objects.create(
                ordning=ordning,
                assistent=anna,
                start=timezone.make_aware(dt.datetime.combine(first, start)),
                slutt=timezone.make_aware(dt.datetime.combine(first, end)),
            )

    today = timezone.localdate()
    quick_return(today + dt.timedelta(days=7))
    quick_return(today - dt.timedelta(days=60))
    login(client, world.leader_a)
    rules = client.get(page(ordning)).context["brudd"]
    assert len(rules) == 1 and "10-8" in rules[0]
    assert f"{(today + dt.timedelta(days=7)).day}." in rules[0]
