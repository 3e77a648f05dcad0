"""«Min dag», one visit and the team's day through the Django test client.

Who sees what (only one's own visits; an outsider is refused), the actions in two taps with their
idempotency keys (a double submit creates nothing twice), POST-redirect-GET and the HTMX card, the
audit of the persons shown, and the number of queries, which must not grow with the visits.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from care_builders import make_visit
from factories import TjenestemottakerFactory, TjenestemottakerTeamFactory, World
from helhet.care import services
from helhet.care.models import Besok, BesokOppgave, Handling, Involvering, Journalnotat
from helhet.core import access
from helhet.core.access import Action
from helhet.core.models import AuditAction, AuditEvent, Sperring, Tjenestemottaker, User

pytestmark = pytest.mark.django_db

Login = Callable[[Client, User], object]
MEDVIRKNING = services.Medvirkning(hvorfor="Avtalt med personen", involvering=Involvering.PERSONEN)


def _person(world: World, **kwargs: Any) -> Tjenestemottaker:
    person = TjenestemottakerFactory(bydel=world.bydel_1, **kwargs)
    TjenestemottakerTeamFactory(tjenestemottaker=person, team=world.team_a)
    return person


def _url(besok: Besok) -> str:
    return reverse("care:besok", kwargs={"besok_id": besok.pk})


def _post(client: Client, besok: Besok, handling: str, *, htmx: bool = False, **data: Any) -> Any:
    payload = {"handling": handling, "nokkel": str(uuid.uuid4()), "tilbake": "min_dag", **data}
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(_url(besok), payload, **headers)


def _keys(body: str) -> list[str]:
    return re.findall(r'name="nokkel" value="([0-9a-f-]{36})"', body)


# --- «Min dag» --------------------------------------------------------------------------------------------


def test_min_dag_shows_the_users_own_visits_in_order_with_what_matters(
    world: World, client: Client, login: Login
) -> None:
    other = _person(world, fornavn="Olga", etternavn="Annensen")
    late = make_visit(world, hour=14, oppgaver=("Middag",))
    early = make_visit(world, person=other, hour=7)
    not_mine = make_visit(world, person=other, hour=10, ansatt=world.nurse_a, oppgaver=("Sårstell",))
    services.skriv_notat(
        utfort_av=world.nurse_a,
        decision=access.check(world.nurse_a, Action.EDIT, world.P),
        person=world.P,
        tekst="Per har ny hørselsapparat – sjekk batteriet.",
        flagg=Journalnotat.Flagg.NESTE_VAKT,
    )
    login(client, world.helper_a)
    response = client.get(reverse("care:min_dag"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index(f'id="besok-{early.pk}"') < body.index(f'id="besok-{late.pk}"')
    assert f'id="besok-{not_mine.pk}"' not in body and "Sårstell" not in body
    assert "Per Prøve" in body and world.P.adresse in body
    assert "Nøkkel i nøkkelboks ved døra" in body  # what the next shift must know
    assert "Per har ny hørselsapparat" in body  # the last notes that matter
    assert "Middag" in body  # the tiltak's tasks, read-only before check-in
    assert "Sjekk inn" in body
    # every form has its own idempotency key
    keys = _keys(body)
    assert len(keys) == len(set(keys)) >= 4


def test_min_dag_audits_the_persons_shown(world: World, client: Client, login: Login) -> None:
    make_visit(world)
    login(client, world.helper_a)
    client.get(reverse("care:min_dag"))
    event = AuditEvent.objects.filter(tjenestemottaker=world.P, action=AuditAction.READ).latest("seq")
    assert event.details["visning"] == "min dag"
    assert event.user == world.helper_a


def test_min_dag_hides_whom_a_visit_concerns_when_the_person_has_barred_the_user(
    world: World, client: Client, login: Login
) -> None:
    besok = make_visit(world)
    Sperring.objects.create(tjenestemottaker=world.P, sperret_bruker=world.helper_a)
    login(client, world.helper_a)
    body = client.get(reverse("care:min_dag")).content.decode()
    assert f'id="besok-{besok.pk}"' in body
    assert world.P.etternavn not in body and world.P.adresse not in body
    assert "Du har ikke tilgang til opplysningene om personen" in body
    assert not AuditEvent.objects.filter(tjenestemottaker=world.P, details__visning="min dag").exists()


def test_min_dag_reads_a_constant_number_of_queries(world: World, client: Client, login: Login) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("care:min_dag"))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    first = make_visit(world, hour=7)
    login(client, world.helper_a)
    services.sjekk_inn(
        utfort_av=world.helper_a, decision=access.check(world.helper_a, Action.EDIT, world.P), besok=first
    )
    one = count()
    for hour in (9, 11, 13, 15):
        person = _person(world)
        besok = make_visit(world, person=person, hour=hour, oppgaver=("Dusj", "Frokost", "Medisiner"))
        services.skriv_notat(
            utfort_av=world.nurse_a,
            decision=access.check(world.nurse_a, Action.EDIT, person),
            person=person,
            tekst="Viktig beskjed",
            flagg=Journalnotat.Flagg.NESTE_VAKT,
        )
        if hour == 9:
            services.sjekk_inn(
                utfort_av=world.helper_a, decision=access.check(world.helper_a, Action.EDIT, person), besok=besok
            )
    five = count()
    assert Besok.objects.filter(ansatt=world.helper_a).count() == 5
    assert five == one, f"«Min dag» read {one} queries for one visit and {five} for five"


def test_min_dag_for_another_day_and_a_bad_date(world: World, client: Client, login: Login) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    besok = make_visit(world, day=tomorrow)
    login(client, world.helper_a)
    assert f'id="besok-{besok.pk}"' not in client.get(reverse("care:min_dag")).content.decode()
    body = client.get(reverse("care:min_dag"), {"dato": tomorrow.isoformat()}).content.decode()
    assert f'id="besok-{besok.pk}"' in body
    assert client.get(reverse("care:min_dag"), {"dato": "ikke-en-dato"}).status_code == 200


def test_menu_entries_follow_the_roles(world: World, client: Client, login: Login) -> None:
    login(client, world.helper_a)
    body = client.get(reverse("care:min_dag")).content.decode()
    assert ">Min dag<" in body and ">Teamets dag<" not in body
    client.logout()
    login(client, world.leader_a)
    body = client.get(reverse("care:team_dag")).content.decode()
    assert ">Teamets dag<" in body and ">Min dag<" not in body


# --- one visit: access ------------------------------------------------------------------------------------


def test_an_outsider_is_refused_the_visit_and_its_actions(world: World, client: Client, login: Login) -> None:
    besok = make_visit(world)
    login(client, world.nurse_b)
    assert client.get(_url(besok)).status_code == 403
    response = _post(client, besok, "inn")
    assert response.status_code == 403
    assert world.P.etternavn not in response.content.decode()
    besok.refresh_from_db()
    assert besok.status == Besok.Status.PLANLAGT
    assert AuditEvent.objects.filter(tjenestemottaker=world.P, action=AuditAction.REFUSED, user=world.nurse_b).exists()


def test_the_visit_page_shows_the_visit(world: World, client: Client, login: Login) -> None:
    besok = make_visit(world)
    login(client, world.helper_a)
    response = client.get(_url(besok))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Per Prøve" in body and "Sjekk inn" in body and "Frokost" in body
    assert AuditEvent.objects.filter(tjenestemottaker=world.P, action=AuditAction.READ, user=world.helper_a).exists()


def test_a_leader_sees_the_visit_but_has_no_buttons(world: World, client: Client, login: Login) -> None:
    besok = make_visit(world)
    login(client, world.leader_a)
    body = client.get(_url(besok)).content.decode()
    assert "Per Prøve" in body and "Sjekk inn" not in body


# --- one visit: the actions -------------------------------------------------------------------------------------


def test_check_in_tick_note_check_out_without_javascript(world: World, client: Client, login: Login) -> None:
    besok = make_visit(world)
    login(client, world.helper_a)
    response = _post(client, besok, "inn")
    assert response.status_code == 302
    assert response["Location"] == reverse("care:min_dag") + f"#besok-{besok.pk}"
    body = client.get(response["Location"]).content.decode()
    assert "Sjekket inn kl." in body and "Sjekk ut" in body
    dusj, frokost = BesokOppgave.objects.filter(besok=besok).order_by("nr")

    response = _post(client, besok, "ut")
    body = client.get(response["Location"]).content.decode()
    assert "Kryss av alle oppgavene" in body and "Dusj, Frokost" in body

    _post(client, besok, "oppgave", oppgave=dusj.pk, utfort="ja")
    response = _post(client, besok, "oppgave", oppgave=frokost.pk, utfort="nei", grunn="")
    assert "Skriv hvorfor «Frokost» ikke ble utført" in client.get(response["Location"]).content.decode()
    _post(client, besok, "oppgave", oppgave=frokost.pk, utfort="nei", grunn="Hadde spist")
    response = _post(client, besok, "notat", tekst="Per var blek og svimmel.", flagg="sykepleier", type="observasjon")
    assert (
        "Notatet er lagret i journalen og flagget «til sykepleier»" in client.get(response["Location"]).content.decode()
    )
    response = _post(client, besok, "ut")
    assert "Sjekket ut kl." in client.get(response["Location"]).content.decode()

    besok.refresh_from_db()
    assert besok.status == Besok.Status.UTFORT and besok.utfort_av == world.helper_a
    assert list(BesokOppgave.objects.filter(besok=besok).values_list("status", "grunn")) == [
        ("utfort", ""),
        ("ikke_utfort", "Hadde spist"),
    ]
    note = Journalnotat.objects.get(besok=besok)
    assert (note.flagg, note.forfatter) == ("sykepleier", world.helper_a)
    # the nurse sees the flag among the open flags of her team
    assert note in services.open_flags([world.team_a.pk])


def test_a_double_submit_with_the_same_key_creates_nothing_twice(world: World, client: Client, login: Login) -> None:
    besok = make_visit(world)
    login(client, world.helper_a)
    key = str(uuid.uuid4())
    for _ in range(2):
        response = client.post(_url(besok), {"handling": "inn", "nokkel": key, "tilbake": "min_dag"})
        assert response.status_code == 302
    assert Handling.objects.filter(besok=besok).count() == 1
    assert BesokOppgave.objects.filter(besok=besok).count() == 2
    note_key = str(uuid.uuid4())
    for _ in range(2):
        client.post(_url(besok), {"handling": "notat", "nokkel": note_key, "tekst": "Alt vel.", "type": "observasjon"})
    assert Journalnotat.objects.filter(besok=besok).count() == 1
    task = BesokOppgave.objects.get(besok=besok, nr=1)
    tick_key = str(uuid.uuid4())
    for _ in range(2):
        _post(client, besok, "oppgave", oppgave=task.pk, utfort="ja", nokkel=tick_key)
    updates = AuditEvent.objects.filter(action=AuditAction.UPDATE, record_type__icontains="oppgave").count()
    assert updates == 1
    # A later correction (not done), then a stale retry of the first tick: the retry must not flip it back.
    _post(client, besok, "oppgave", oppgave=task.pk, utfort="nei", grunn="Personen ville ikke")
    _post(client, besok, "oppgave", oppgave=task.pk, utfort="ja", nokkel=tick_key)
    assert BesokOppgave.objects.get(pk=task.pk).status == BesokOppgave.Status.IKKE_UTFORT


def test_checking_in_again_with_a_new_key_gives_a_clear_message(world: World, client: Client, login: Login) -> None:
    besok = make_visit(world)
    login(client, world.helper_a)
    _post(client, besok, "inn")
    response = _post(client, besok, "inn", tilbake="besok")
    assert response["Location"] == _url(besok)
    assert "Besøket ble allerede sjekket inn kl." in client.get(response["Location"]).content.decode()
    assert Handling.objects.filter(besok=besok).count() == 1


def test_htmx_re_renders_the_card(world: World, client: Client, login: Login) -> None:
    besok = make_visit(world)
    login(client, world.helper_a)
    response = _post(client, besok, "inn", htmx=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith("<article") and "<html" not in body
    assert f'id="besok-{besok.pk}"' in body and "Sjekket inn kl." in body and "Sjekk ut" in body
    response = _post(client, besok, "notat", htmx=True, tekst="   ", type="observasjon")
    body = response.content.decode()
    assert response.status_code == 200 and "Skriv notatet." in body
    assert not Journalnotat.objects.exists()


def test_the_position_sent_at_check_in_is_kept_only_as_yes_or_no(world: World, client: Client, login: Login) -> None:
    world.P.breddegrad, world.P.lengdegrad = "59.913800", "10.752300"
    world.P.save()
    besok = make_visit(world)
    login(client, world.helper_a)
    response = _post(client, besok, "inn", breddegrad="59.913912", lengdegrad="10.752187")
    assert "Posisjonen stemte med adressen" in client.get(response["Location"]).content.decode()
    besok.refresh_from_db()
    assert besok.posisjon_bekreftet is True
    assert "59.9139" not in repr(list(AuditEvent.objects.values("details", "path")))


def test_an_offline_check_in_keeps_the_time_it_was_tapped(world: World, client: Client, login: Login) -> None:
    besok = make_visit(world)
    login(client, world.helper_a)
    phone_clock = timezone.now() + dt.timedelta(hours=3)  # the phone's clock is three hours wrong …
    tapped = phone_clock - dt.timedelta(minutes=40)  # … and the check-in waited 40 minutes for network
    _post(client, besok, "inn", klient_tid=tapped.isoformat(), klient_sendt=phone_clock.isoformat())
    besok.refresh_from_db()
    assert besok.inn is not None
    assert abs(besok.inn - (timezone.now() - dt.timedelta(minutes=40))) < dt.timedelta(minutes=1)


def test_an_offline_check_in_older_than_twelve_hours_is_refused(world: World, client: Client, login: Login) -> None:
    besok = make_visit(world)
    login(client, world.helper_a)
    response = _post(client, besok, "inn", klient_tid=(timezone.now() - dt.timedelta(hours=13)).isoformat())
    assert "mer enn 12 timer gammel" in client.get(response["Location"]).content.decode()
    besok.refresh_from_db()
    assert besok.status == Besok.Status.PLANLAGT


def test_cancel_with_a_reason(world: World, client: Client, login: Login) -> None:
    besok = make_visit(world)
    login(client, world.helper_a)
    response = _post(client, besok, "avlys", grunn="annet", grunn_tekst="", utfall="avlyst")
    assert "Skriv hva som var grunnen" in client.get(response["Location"]).content.decode()
    response = _post(client, besok, "avlys", grunn="sykehus", utfall="avlyst")
    assert "registrert som avlyst" in client.get(response["Location"]).content.decode()
    besok.refresh_from_db()
    assert (besok.status, besok.grunn) == (Besok.Status.AVLYST, Besok.Grunn.SYKEHUS)
    response = _post(client, besok, "inn")
    assert "kan ikke sjekkes inn" in client.get(response["Location"]).content.decode()


def test_a_task_of_another_visit_cannot_be_ticked_through_this_one(world: World, client: Client, login: Login) -> None:
    mine = make_visit(world, hour=7)
    other = make_visit(world, hour=12)
    login(client, world.helper_a)
    _post(client, mine, "inn")
    _post(client, other, "inn")
    foreign = BesokOppgave.objects.filter(besok=other).first()
    assert foreign is not None
    response = _post(client, mine, "oppgave", oppgave=foreign.pk, utfort="ja")
    assert "hører ikke til dette besøket" in client.get(response["Location"]).content.decode()
    foreign.refresh_from_db()
    assert foreign.status == BesokOppgave.Status.APEN


# --- the team's day ---------------------------------------------------------------------------------------------


def test_team_day_lists_unassigned_first_and_assigns(world: World, client: Client, login: Login) -> None:
    assigned = make_visit(world, hour=7)
    unassigned = make_visit(world, hour=15)
    Besok.objects.filter(pk=unassigned.pk).update(ansatt=None)
    login(client, world.nurse_a)
    response = client.get(reverse("care:team_dag"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index(f'id="besok-{unassigned.pk}"') < body.index(f'id="besok-{assigned.pk}"')
    assert "Ikke tildelt: 1" in body
    assert "Hege Haugen" in body and "Ali Aas" in body  # team members to choose from
    response = client.post(
        _url(unassigned),
        {"handling": "tildel", "nokkel": str(uuid.uuid4()), "tilbake": "team_dag", "ansatt": world.assistant_a.pk},
    )
    assert response["Location"] == reverse("care:team_dag") + f"#besok-{unassigned.pk}"
    assert "Besøket er tildelt Ali Aas." in client.get(response["Location"]).content.decode()
    unassigned.refresh_from_db()
    assert unassigned.ansatt == world.assistant_a
    event = AuditEvent.objects.filter(tjenestemottaker=world.P, details__visning="teamets dag").latest("seq")
    assert event.user == world.nurse_a


def test_team_day_is_for_nurses_and_leaders_of_the_team(world: World, client: Client, login: Login) -> None:
    make_visit(world)
    login(client, world.helper_a)
    assert client.get(reverse("care:team_dag")).status_code == 403
    client.logout()
    login(client, world.nurse_b)
    body = client.get(reverse("care:team_dag")).content.decode()
    assert world.P.etternavn not in body
    client.logout()
    login(client, world.leader_a)
    assert "Per Prøve" in client.get(reverse("care:team_dag")).content.decode()


def test_a_helper_cannot_assign(world: World, client: Client, login: Login) -> None:
    besok = make_visit(world)
    login(client, world.helper_a)
    response = client.post(
        _url(besok), {"handling": "tildel", "nokkel": str(uuid.uuid4()), "tilbake": "besok", "ansatt": ""}
    )
    assert "Bare sykepleiere og ledere kan tildele besøk" in client.get(response["Location"]).content.decode()
    besok.refresh_from_db()
    assert besok.ansatt == world.helper_a
