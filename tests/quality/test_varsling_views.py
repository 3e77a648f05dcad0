"""Varsling screens: the public anonymous channel stores nothing about the client, only named recipients
see a case (managers do not), the external recipient's login reaches nothing else, every access is audited."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import models
from django.test import Client
from django.urls import reverse

from factories import RoleAssignmentFactory, UserFactory, World
from helhet.core.models import AuditAction, AuditEvent, Role, User
from helhet.quality import services_varsling as services
from helhet.quality.models import VarslingMelding, VarslingMottaker, VarslingSak
from helhet.quality.models.varsling import VARSELMOTTAKER_KIND, Kanal
from helhet.quality.rules import varsling as rules

pytestmark = pytest.mark.django_db

PASSFRASE = "tre ord og litt til her"
TEKST = "Lederen ber oss føre opp timer vi ikke har jobbet."
USER_AGENT = "VarslerTelefon/9.9 (Hemmelig modell XY-1234)"
IP = "127.0.0.1"


@pytest.fixture
def cast(world: World) -> dict[str, User]:
    intern = UserFactory(username="verneombud")
    RoleAssignmentFactory(user=intern, rolle=Role.HELSEFAGARBEIDER, team=world.team_b)
    ekstern = UserFactory(username="revisor", kind=VARSELMOTTAKER_KIND)
    VarslingMottaker.objects.create(leverandor=world.leverandor, user=intern, kanal=Kanal.INTERN)
    VarslingMottaker.objects.create(leverandor=world.leverandor, user=ekstern, kanal=Kanal.EKSTERN)
    return {"intern": intern, "ekstern": ekstern}


def public_url(world: World) -> str:
    return reverse("quality:varsling_offentlig", kwargs={"orgnr": world.leverandor.organisasjonsnummer})


def form_fields(html: str) -> dict[str, str]:
    signed = re.search(r'name="skjemakode" value="([^"]+)"', html)
    code = re.search(r'class="saksnummer"[^>]*>([0-9A-Z-]{14})<', html)
    assert signed and code
    return {"skjemakode": signed.group(1), "code": code.group(1)}


def send_anonymous(client: Client, world: World, kanal: str = Kanal.INTERN) -> tuple[str, VarslingSak]:
    fields = form_fields(client.get(public_url(world)).content.decode())
    response = client.post(
        public_url(world),
        {
            "skjemakode": fields["skjemakode"],
            "kanal": kanal,
            "beskrivelse": TEKST,
            "passfrase": PASSFRASE,
            "passfrase_gjentatt": PASSFRASE,
        },
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    assert fields["code"] in response.content.decode()
    return fields["code"], VarslingSak.objects.order_by("-pk").first()  # type: ignore[return-value]


def stored_text_values() -> list[tuple[str, str]]:
    """Every text-like value in every table of the database, as (table, value)."""
    found = []
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField, models.GenericIPAddressField))
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            found.extend((model._meta.db_table, str(value)) for value in row if value)
    return found


def test_the_anonymous_channel_end_to_end_stores_no_address_no_device_data_and_no_audit_row(
    cast: dict[str, User], world: World
) -> None:
    client = Client(REMOTE_ADDR=IP, HTTP_USER_AGENT=USER_AGENT)
    audit_rows = AuditEvent.objects.count()
    # The public page needs no login.
    page = client.get(public_url(world))
    assert page.status_code == 200 and page["Referrer-Policy"] == "same-origin"
    fields = form_fields(page.content.decode())
    # Bad input: empty text and a short passphrase; nothing saved, nothing typed lost, same code shown.
    bad = client.post(
        public_url(world),
        {
            "skjemakode": fields["skjemakode"],
            "kanal": Kanal.INTERN,
            "beskrivelse": "",
            "tidsrom": "Hele høsten",
            "passfrase": "kort",
            "passfrase_gjentatt": "kort",
        },
    )
    html = bad.content.decode()
    assert bad.status_code == 400 and not VarslingSak.objects.exists()
    assert services.EMPTY_TEXT in html and "minst 15 tegn" in html
    assert 'value="Hele høsten"' in html and fields["code"] in html
    # The passphrase is not echoed back into the page.
    assert 'value="kort"' not in html
    half_typed = client.post(
        public_url(world),
        {
            "skjemakode": fields["skjemakode"],
            "kanal": Kanal.INTERN,
            "beskrivelse": TEKST,
            "passfrase": f"dette er {fields['code']}",
            "passfrase_gjentatt": f"dette er {fields['code']}",
        },
    )
    assert half_typed.status_code == 400 and TEKST in half_typed.content.decode()
    assert "Passfrasen kan ikke inneholde saksnummeret." in half_typed.content.decode()

    code, sak = send_anonymous(client, world)
    assert sak.beskrivelse == TEKST and sak.anonym and sak.melder is None

    # The recipient asks; the reporter comes back with code and passphrase and answers.
    services.recipient_message(cast["intern"], sak, "Hvilken avdeling gjelder det?")
    audit_rows += 1
    follow = reverse("quality:varsling_oppfolging")
    assert client.get(follow).status_code == 200
    opened = client.post(follow, {"handling": "apne", "kode": code.lower(), "passfrase": PASSFRASE})
    html = opened.content.decode()
    assert opened.status_code == 200 and "Hvilken avdeling gjelder det?" in html
    token = re.search(r'name="tilgang" value="([^"]+)"', html)
    assert token
    answered = client.post(follow, {"handling": "svar", "tilgang": token.group(1), "tekst": "Avdeling Nord."})
    assert answered.status_code == 200 and "Meldingen er sendt" in answered.content.decode()
    assert VarslingMelding.objects.filter(sak=sak, fra="melder", tekst="Avdeling Nord.").exists()

    # No row anywhere in the database holds the client's address or its user agent.
    values = stored_text_values()
    assert values  # the scan reads something
    assert [(t, v) for t, v in values if IP in v] == []
    assert [(t, v) for t, v in values if "VarslerTelefon" in v or "XY-1234" in v] == []
    # The scan would see an address if one were stored (a control, so the check can fail).
    VarslingSak.objects.filter(pk=sak.pk).update(tidsrom=f"fra {IP}")
    assert any(IP in v for _t, v in stored_text_values())
    VarslingSak.objects.filter(pk=sak.pk).update(tidsrom="")
    # No session was made, and the reporter's side wrote no audit row.
    assert not Session.objects.exists()
    assert AuditEvent.objects.count() == audit_rows


def test_wrong_passphrase_and_unknown_code_look_the_same_and_are_rate_limited(
    cast: dict[str, User], world: World, client: Client
) -> None:
    code, _sak = send_anonymous(client, world)
    follow = reverse("quality:varsling_oppfolging")
    wrong = client.post(follow, {"kode": code, "passfrase": "helt feil passfrase her"})
    unknown = client.post(follow, {"kode": rules.new_case_code(), "passfrase": PASSFRASE})
    assert wrong.status_code == unknown.status_code == 400
    for response in (wrong, unknown):
        assert services.WRONG_ACCESS in response.content.decode()
    for _ in range(rules.RATE_POLICY.limit - 1):
        client.post(follow, {"kode": code, "passfrase": "helt feil passfrase her"})
    locked = client.post(follow, {"kode": code, "passfrase": PASSFRASE})
    assert locked.status_code == 400 and "For mange forsøk" in locked.content.decode()
    assert "Hvilken" not in locked.content.decode()


def test_an_expired_page_keeps_the_typed_answer(
    cast: dict[str, User], world: World, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, sak = send_anonymous(client, world)
    follow = reverse("quality:varsling_oppfolging")
    html = client.post(follow, {"kode": code, "passfrase": PASSFRASE}).content.decode()
    token = re.search(r'name="tilgang" value="([^"]+)"', html)
    assert token
    monkeypatch.setattr(services, "TOKEN_MAX_AGE", -1)
    expired = client.post(follow, {"handling": "svar", "tilgang": token.group(1), "tekst": "Mitt lange svar"})
    assert expired.status_code == 400 and 'value="Mitt lange svar"' in expired.content.decode()
    assert not VarslingMelding.objects.filter(sak=sak).exists()
    monkeypatch.setattr(services, "TOKEN_MAX_AGE", 1800)
    again = client.post(follow, {"handling": "apne", "kode": code, "passfrase": PASSFRASE, "tekst": "Mitt lange svar"})
    assert again.status_code == 200 and ">Mitt lange svar</textarea>" in again.content.decode()


def test_managers_see_nothing_and_the_refusal_is_audited(
    cast: dict[str, User], world: World, client: Client, login: Any
) -> None:
    _code, sak = send_anonymous(client, world)
    case_url = reverse("quality:varsling_sak", kwargs={"sak_id": sak.pk})
    for manager in (world.leader_a, world.kvalitetsleder, world.sysadmin):
        login(client, manager)
        listing = client.get(reverse("quality:varsling_mottak"))
        assert listing.status_code == 403 and TEKST not in listing.content.decode()
        response = client.get(case_url)
        assert response.status_code == 403 and TEKST not in response.content.decode()
        assert client.post(case_url, {"handling": "melding", "tekst": "Hei"}).status_code == 403
        assert AuditEvent.objects.filter(user=manager, action=AuditAction.REFUSED, record_id=str(sak.pk)).exists()
    assert not VarslingMelding.objects.exists()
    # The external recipient does not see the internal channel's case either.
    login(client, cast["ekstern"])
    assert client.get(case_url).status_code == 403


def test_the_recipient_lists_opens_asks_notes_and_closes_and_every_access_is_audited(
    cast: dict[str, User], world: World, client: Client, login: Any
) -> None:
    _code, sak = send_anonymous(client, world)
    recipient = cast["intern"]
    login(client, recipient)
    listing = client.get(reverse("quality:varsling_mottak"))
    assert listing.status_code == 200 and f"Sak {sak.pk}" in listing.content.decode()
    assert TEKST not in listing.content.decode()  # the list shows no content
    assert AuditEvent.objects.filter(
        user=recipient, action=AuditAction.READ, details__visning="varsling_mottak"
    ).exists()
    case_url = reverse("quality:varsling_sak", kwargs={"sak_id": sak.pk})
    page = client.get(case_url)
    assert page.status_code == 200 and TEKST in page.content.decode()
    assert AuditEvent.objects.filter(user=recipient, action=AuditAction.READ, record_id=str(sak.pk)).exists()
    # An empty message is refused with a message beside the form; a note keeps its text on error.
    empty = client.post(case_url, {"handling": "melding", "tekst": " "})
    assert empty.status_code == 400 and "Skriv en melding før du sender." in empty.content.decode()
    assert client.post(case_url, {"handling": "melding", "tekst": "Når skjedde det?"}).status_code == 302
    assert client.post(case_url, {"handling": "notat", "tekst": "feil felt"}).status_code == 400
    assert client.post(case_url, {"handling": "notat", "notat": "Snakk med HR."}).status_code == 302
    assert client.post(case_url, {"handling": "start"}).status_code == 302
    no_outcome = client.post(case_url, {"handling": "avslutt"})
    assert no_outcome.status_code == 400 and "Velg utfallet av saken." in no_outcome.content.decode()
    assert client.post(case_url, {"handling": "avslutt", "utfall": "begrunnet"}).status_code == 302
    sak.refresh_from_db()
    assert sak.status == "avsluttet" and sak.slettes is not None and sak.kvittert is not None
    writes = AuditEvent.objects.filter(user=recipient, record_id=str(sak.pk)).exclude(action=AuditAction.READ)
    assert writes.count() == 4
    # No case content and no person data in any audited path.
    for path in AuditEvent.objects.values_list("path", flat=True):
        assert "Lederen" not in path and "HR" not in path


def test_the_external_recipient_reaches_only_the_recipient_pages(
    cast: dict[str, User], world: World, client: Client, login: Any
) -> None:
    _code, sak = send_anonymous(client, world, kanal=Kanal.EKSTERN)
    login(client, cast["ekstern"])
    home = client.get(reverse("core:home"))
    assert home.status_code == 302 and home["Location"] == reverse("quality:varsling_mottak")
    assert f"Sak {sak.pk}" in client.get(reverse("quality:varsling_mottak")).content.decode()
    assert client.get(reverse("quality:varsling_sak", kwargs={"sak_id": sak.pk})).status_code == 200
    for name in ("quality:avvik_ny", "quality:varsling_ny", "quality:varsling_mine", "core:person_search"):
        assert client.get(reverse(name)).status_code == 403, name


def test_staff_report_in_their_name_or_anonymously_from_the_staff_page(
    cast: dict[str, User], world: World, client: Client, login: Any
) -> None:
    login(client, world.helper_a)
    url = reverse("quality:varsling_ny")
    page = client.get(url)
    assert page.status_code == 200 and "Med navn" in page.content.decode()
    fields = form_fields(page.content.decode())
    empty = client.post(url, {"anonym": "nei", "kanal": Kanal.INTERN, "beskrivelse": "", "tidsrom": "i går"})
    assert empty.status_code == 400 and 'value="i går"' in empty.content.decode()
    named = client.post(url, {"anonym": "nei", "kanal": Kanal.INTERN, "beskrivelse": TEKST})
    sak = VarslingSak.objects.get()
    assert named.status_code == 302 and sak.melder == world.helper_a
    assert client.get(reverse("quality:varsling_min_sak", kwargs={"sak_id": sak.pk})).status_code == 200
    # A colleague cannot open someone else's named report.
    login(client, world.nurse_a)
    assert client.get(reverse("quality:varsling_min_sak", kwargs={"sak_id": sak.pk})).status_code == 403
    # Anonymously from the staff page: no reporter, no audit row.
    before = AuditEvent.objects.count()
    anonymous = client.post(
        url,
        {
            "anonym": "ja",
            "skjemakode": fields["skjemakode"],
            "kanal": Kanal.EKSTERN,
            "beskrivelse": "Anonymt fra jobben",
            "passfrase": PASSFRASE,
            "passfrase_gjentatt": PASSFRASE,
        },
    )
    assert anonymous.status_code == 200 and fields["code"] in anonymous.content.decode()
    new = VarslingSak.objects.get(beskrivelse="Anonymt fra jobben")
    assert new.anonym and new.melder is None
    assert AuditEvent.objects.count() == before


def test_staff_pages_need_a_login_the_public_ones_do_not(world: World, client: Client) -> None:
    assert client.get(reverse("quality:varsling_ny")).status_code == 302
    assert client.get(reverse("quality:varsling_mottak")).status_code == 302
    assert client.get(reverse("quality:varsling_oppfolging")).status_code == 200
    assert client.get(public_url(world)).status_code == 200
    assert client.get(reverse("quality:varsling_offentlig", kwargs={"orgnr": "000000000"})).status_code == 404
