"""Screens, end to end through the Django test client: login with second factor, person pages,
the audit rows they leave, and the Norwegian messages bad input gets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from helhet.core.models import AuditEvent, Nodtilgang, Samtykke, Tjenestemottaker
from helhet.core.rules import identity

pytestmark = pytest.mark.django_db

PASSWORD = "Riktig-hest-batteri-stift"


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def _with_password(user: Any) -> Any:
    user.set_password(PASSWORD)
    user.save()
    return user


# --- login ------------------------------------------------------------------------------------------


def test_pages_need_login_and_second_factor(world: Any, client: Client) -> None:
    response = client.get(reverse("core:person_detail", args=[world.P.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_staff_logs_in_with_password_then_totp(world: Any, client: Client) -> None:
    nurse = _with_password(world.nurse_a)
    device = TOTPDevice.objects.create(user=nurse, name="app", confirmed=True)
    response = client.post(reverse("core:login"), {"username": "nurse_a", "password": PASSWORD})
    assert response["Location"] == reverse("core:login_otp")
    # Password alone does not open person data.
    assert client.get(reverse("core:person_detail", args=[world.P.pk]))["Location"] == reverse("core:login_otp")
    response = client.post(reverse("core:login_otp"), {"token": "000000" if _code(device) != "000000" else "111111"})
    assert response.status_code == 400
    assert "Koden stemmer ikke" in response.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    response = client.post(reverse("core:login_otp"), {"token": _code(device)})
    assert response.status_code == 302
    assert client.get(reverse("core:person_detail", args=[world.P.pk])).status_code == 200


def test_first_login_enrolls_an_authenticator_app(world: Any, client: Client) -> None:
    _with_password(world.nurse_a)
    response = client.post(reverse("core:login"), {"username": "nurse_a", "password": PASSWORD})
    assert response["Location"] == reverse("core:login_enroll")
    page = client.get(reverse("core:login_enroll"))
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=world.nurse_a)
    assert not device.confirmed
    response = client.post(reverse("core:login_enroll"), {"token": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_wrong_password_gives_norwegian_message(world: Any, client: Client) -> None:
    _with_password(world.nurse_a)
    response = client.post(reverse("core:login"), {"username": "nurse_a", "password": "feil"})
    assert response.status_code == 400
    assert "Feil brukernavn eller passord." in response.content.decode()


def test_account_locks_after_repeated_failures(world: Any, client: Client, settings: Any) -> None:
    _with_password(world.nurse_a)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("core:login"), {"username": "nurse_a", "password": "feil"})
    # Even the right password is refused now.
    response = client.post(reverse("core:login"), {"username": "nurse_a", "password": PASSWORD})
    assert response.status_code in (403, 429)
    assert "Kontoen er midlertidig låst" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sessions_expire_when_idle(settings: Any) -> None:
    assert settings.SESSION_COOKIE_AGE <= 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.PASSWORD_HASHERS  # argon2 is first in production settings:
    from helhet import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


# --- person pages and the audit trail --------------------------------------------------------------


def test_person_page_is_shown_and_audited_with_ground(world: Any, client: Client, login: Any) -> None:
    login(client, world.helper_a)
    response = client.get(reverse("core:person_detail", args=[world.P.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Per Prøve" in body
    assert world.P.fodselsnummer not in body  # masked
    assert world.P.fodselsnummer_maskert in body
    event = AuditEvent.objects.get(action="read", tjenestemottaker=world.P)
    assert (event.user, event.ground) == (world.helper_a, "team")


def test_full_identity_number_needs_a_role_that_needs_it(world: Any, client: Client, login: Any) -> None:
    login(client, world.helper_a)
    assert client.get(reverse("core:person_full_id", args=[world.P.pk])).status_code == 403
    client.logout()
    login(client, world.nurse_a)
    response = client.get(reverse("core:person_full_id", args=[world.P.pk]))
    assert response.status_code == 200
    assert world.P.fodselsnummer[6:] in response.content.decode()
    assert AuditEvent.objects.filter(action="read_full_id", user=world.nurse_a, tjenestemottaker=world.P).exists()


def test_refused_person_page_says_why_and_offers_nodtilgang(world: Any, client: Client, login: Any) -> None:
    login(client, world.nurse_b)
    response = client.get(reverse("core:person_detail", args=[world.P.pk]))
    assert response.status_code == 403
    body = response.content.decode()
    assert "tjenstlig behov" in body
    assert "Bruk nødtilgang" in body
    assert "Prøve" not in body
    assert AuditEvent.objects.filter(action="refused", user=world.nurse_b).exists()


def test_refused_without_nodtilgang_for_roles_that_may_not(world: Any, client: Client, login: Any) -> None:
    login(client, world.kvalitetsleder)
    body = client.get(reverse("core:person_detail", args=[world.P.pk])).content.decode()
    assert "Bruk nødtilgang" not in body


def test_nodtilgang_grants_flags_and_expires(world: Any, client: Client, login: Any) -> None:
    login(client, world.nurse_b)
    url = reverse("core:nodtilgang", args=[world.P.pk])
    response = client.post(url, {"begrunnelse": "kort"})
    assert response.status_code == 400
    assert "minst 15 tegn" in response.content.decode()
    assert not Nodtilgang.objects.exists()
    response = client.post(url, {"begrunnelse": "Alarm utløst, pasienten svarer ikke, trenger medisinliste"})
    assert response["Location"] == reverse("core:person_detail", args=[world.P.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Nødtilgang til" in page.content.decode()
    item = Nodtilgang.objects.get()
    assert item.gjennomgatt is None
    read = AuditEvent.objects.filter(action="read", user=world.nurse_b).latest("seq")
    assert read.nodtilgang_id == item.pk and "Alarm" in read.nodtilgang_reason
    # Nødtilgang opens reading only.
    assert "Endre opplysninger" not in page.content.decode()
    edit = client.get(reverse("core:person_edit", args=[world.P.pk]))
    assert edit.status_code == 403
    assert "Nødtilgang gir bare lesetilgang" in edit.content.decode()
    # Expired: refused again, with a message that says so.
    Nodtilgang.objects.filter(pk=item.pk).update(
        start=timezone.now() - dt.timedelta(hours=3), utloper=timezone.now() - dt.timedelta(hours=1)
    )
    response = client.get(reverse("core:person_detail", args=[world.P.pk]))
    assert response.status_code == 403
    assert "Nødtilgangen din til denne tjenestemottakeren utløp" in response.content.decode()


def test_sperring_refuses_even_a_team_member(world: Any, client: Client, login: Any) -> None:
    login(client, world.nurse_a)
    response = client.post(
        reverse("core:sperring_add", args=[world.P.pk]), {"sperret_bruker": world.helper_a.pk, "begrunnelse": ""}
    )
    assert response.status_code == 302
    client.logout()
    login(client, world.helper_a)
    response = client.get(reverse("core:person_detail", args=[world.P.pk]))
    assert response.status_code == 403
    body = response.content.decode()
    assert "sperret" in body
    assert "Bruk nødtilgang" not in body


def test_who_has_looked_lists_readers_with_ground(world: Any, client: Client, login: Any) -> None:
    login(client, world.helper_a)
    client.get(reverse("core:person_detail", args=[world.P.pk]))
    client.logout()
    login(client, world.nurse_a)
    body = client.get(reverse("core:person_access_log", args=[world.P.pk])).content.decode()
    assert "Hege Haugen" in body
    assert "Medlem av teamet som yter tjenester" in body


# --- search -----------------------------------------------------------------------------------------


def test_search_by_name_finds_only_persons_with_need_to_know(world: Any, client: Client, login: Any) -> None:
    login(client, world.nurse_a)
    body = client.post(reverse("core:person_search"), {"q": "Prøve"}).content.decode()
    assert "Per Prøve" in body
    assert AuditEvent.objects.filter(action="search", user=world.nurse_a, tjenestemottaker=world.P).exists()
    client.logout()
    login(client, world.nurse_b)
    body = client.post(reverse("core:person_search"), {"q": "Prøve"}).content.decode()
    assert "Per Prøve" not in body
    assert "Ingen treff" in body


def test_search_by_exact_number_finds_outside_person_without_name(world: Any, client: Client, login: Any) -> None:
    login(client, world.nurse_b)
    body = client.post(reverse("core:person_search"), {"q": world.P.fodselsnummer}).content.decode()
    assert "Fødselsnummeret finnes" in body
    assert "Prøve" not in body
    assert reverse("core:person_detail", args=[world.P.pk]) in body


def test_search_is_never_a_get_with_the_query_in_the_url(world: Any, client: Client, login: Any) -> None:
    login(client, world.nurse_a)
    body = client.get(reverse("core:person_search"), {"q": "Prøve"}).content.decode()
    assert "Per Prøve" not in body


# --- registering persons: bad input ----------------------------------------------------------------


def _person_data(world: Any, number: str) -> dict[str, Any]:
    return {
        "fodselsnummer": number,
        "fornavn": "Nora",
        "etternavn": "Ny",
        "kjonn": "K",
        "adresse": "Testveien 1",
        "postnummer": "0123",
        "poststed": "Fjordvik",
        "telefon": "",
        "sprak": "norsk",
        "bydel": world.bydel_1.pk,
    }


def test_case_officer_registers_a_person(world: Any, client: Client, login: Any) -> None:
    login(client, world.saksbehandler_1)
    import random

    number = identity.synthetic_number(dt.date(1941, 5, 17), random.Random(7))
    response = client.post(reverse("core:person_create"), _person_data(world, number))
    assert response.status_code == 302
    person = Tjenestemottaker.objects.get(fornavn="Nora")
    assert person.saksbehandler == world.saksbehandler_1
    assert AuditEvent.objects.filter(action="create", tjenestemottaker=person).exists()


@pytest.mark.parametrize(
    ("number", "message"),
    [("123", "11 siffer"), ("15108695077", "Kontrollsifrene stemmer ikke"), ("abcdefghijk", "11 siffer")],
)
def test_invalid_identity_number_is_refused_in_norwegian(
    world: Any, client: Client, login: Any, number: str, message: str
) -> None:
    login(client, world.saksbehandler_1)
    before = Tjenestemottaker.objects.count()
    response = client.post(reverse("core:person_create"), _person_data(world, number))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Tjenestemottaker.objects.count() == before


def test_duplicate_person_is_refused(world: Any, client: Client, login: Any) -> None:
    login(client, world.saksbehandler_1)
    before = (Tjenestemottaker.objects.count(), AuditEvent.objects.count())
    response = client.post(reverse("core:person_create"), _person_data(world, world.P.fodselsnummer))
    assert response.status_code == 400
    assert "Det finnes allerede en tjenestemottaker med dette fødselsnummeret" in response.content.decode()
    assert (Tjenestemottaker.objects.count(), AuditEvent.objects.count()) == before


def test_only_case_officers_register_persons(world: Any, client: Client, login: Any) -> None:
    login(client, world.nurse_a)
    assert client.get(reverse("core:person_create")).status_code == 403


def test_withdrawing_a_withdrawn_consent_is_refused(world: Any, client: Client, login: Any) -> None:
    samtykke = Samtykke.objects.create(
        tjenestemottaker=world.P,
        gjelder="deling_fastlege",
        beskrivelse="Epikriser",
        gitt_av="tjenestemottaker",
        gitt=dt.date(2026, 1, 5),
    )
    login(client, world.nurse_a)
    url = reverse("core:samtykke_withdraw", args=[world.P.pk, samtykke.pk])
    client.post(url)
    samtykke.refresh_from_db()
    assert samtykke.trukket == timezone.localdate()
    response = client.post(url, follow=True)
    assert "kan ikke trekkes på nytt" in response.content.decode()
    assert AuditEvent.objects.filter(action="update", record_id=str(samtykke.pk)).count() == 1


# --- the security officer's review ------------------------------------------------------------------


def test_access_review_is_for_the_security_officer_only(world: Any, client: Client, login: Any) -> None:
    login(client, world.nurse_a)
    assert client.get(reverse("core:access_review")).status_code == 403


def test_security_officer_reviews_nodtilgang_first(world: Any, client: Client, login: Any) -> None:
    from helhet.core import access

    item = access.break_glass(world.nurse_b, world.P, "Pasienten falt, trenger legemiddelliste nå")
    login(client, world.personvern)
    body = client.get(reverse("core:access_review")).content.decode()
    assert "Nødtilganger som venter på gjennomgang (1)" in body
    assert "Pasienten falt" in body
    response = client.post(
        reverse("core:nodtilgang_review", args=[item.pk]), {"vurdering": "godkjent", "kommentar": ""}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.gjennomgatt is not None and item.gjennomgatt_av == world.personvern
    body = client.get(reverse("core:access_review")).content.decode()
    assert "Nødtilganger som venter på gjennomgang (0)" in body
