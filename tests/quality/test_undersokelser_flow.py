"""Surveys: anonymous answering by link and as staff, deadline refusal, suppression under 5, comparison."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from factories import World
from helhet.quality import services_undersokelser as services
from helhet.quality.models import Besvarelse, Deltakelse, Runde, Svar, SvarLenke, Undersokelse

pytestmark = pytest.mark.django_db


def user_survey(world: World, days_open: int = 10) -> tuple[Undersokelse, Runde]:
    s = services.create_survey(
        world.leader_a, tittel="Brukerundersøkelse", malgruppe="bruker", leverandor_id=world.leverandor.pk
    )
    services.add_question(world.leader_a, s, "skala_1_6", "Jeg er fornøyd med hjelpen", "fornoyd")
    services.add_question(world.leader_a, s, "ja_nei", "Kommer de til avtalt tid?", "tid")
    services.add_question(world.leader_a, s, "fritekst", "Noe mer?", "mer")
    today = timezone.localdate()
    r = services.create_round(
        world.leader_a, s, "Vår", today - dt.timedelta(days=1), today + dt.timedelta(days=days_open)
    )
    return s, r


def answer(runde: Runde, token: str, score: int, yes: bool = True) -> None:
    qs = {q.kode: q.pk for q in runde.undersokelse.sporsmal.all()}
    services.answer_with_token(
        token, {f"sporsmal_{qs['fornoyd']}": str(score), f"sporsmal_{qs['tid']}": "ja" if yes else "nei"}
    )


def test_a_link_answers_once_and_the_answer_has_no_link_to_the_token(world: World) -> None:
    _s, r = user_survey(world)
    (token,) = services.create_links(world.leader_a, r, 1, "Enhet A")
    assert not SvarLenke.objects.filter(token_hash=token).exists()  # only the hash is stored
    answer(r, token, 5)
    assert SvarLenke.objects.get().brukt
    besvarelse = Besvarelse.objects.get()
    assert besvarelse.gruppe == "Enhet A"
    assert {f.name for f in Besvarelse._meta.get_fields()} == {"id", "runde", "gruppe", "svar"}
    assert {f.name for f in SvarLenke._meta.get_fields()} == {"id", "runde", "token_hash", "gruppe", "brukt"}
    with pytest.raises(ValidationError) as exc:
        answer(r, token, 4)
    assert exc.value.code == "brukt" and Besvarelse.objects.count() == 1
    with pytest.raises(ValidationError) as exc:
        answer(r, "feil", 4)
    assert exc.value.code == "ugyldig"


def test_an_answer_after_the_deadline_is_refused_and_nothing_is_saved(world: World, client: Any) -> None:
    s, r = user_survey(world)
    (token,) = services.create_links(world.leader_a, r, 1, "Enhet A")
    Runde.objects.filter(pk=r.pk).update(stenges=timezone.localdate() - dt.timedelta(days=1))
    q = s.sporsmal.get(kode="fornoyd")
    response = client.post(reverse("quality:undersokelse_svar", kwargs={"token": token}), {f"sporsmal_{q.pk}": "5"})
    body = response.content.decode()
    assert response.status_code == 410 and "Undersøkelsen ble stengt" in body and "ikke lagret" in body
    assert not Besvarelse.objects.exists() and not Svar.objects.exists()
    assert not SvarLenke.objects.get().brukt


def test_a_wrong_value_is_shown_beside_the_question_and_nothing_saved(world: World, client: Any) -> None:
    s, r = user_survey(world)
    (token,) = services.create_links(world.leader_a, r, 1, "Enhet A")
    q = s.sporsmal.get(kode="fornoyd")
    url = reverse("quality:undersokelse_svar", kwargs={"token": token})
    response = client.post(url, {f"sporsmal_{q.pk}": "9"})
    assert response.status_code == 400 and "fra 1 til 6" in response.content.decode()
    assert not Besvarelse.objects.exists() and not SvarLenke.objects.get().brukt
    response = client.post(url, {f"sporsmal_{q.pk}": "6"})
    assert response.status_code == 200 and "Takk for svaret" in response.content.decode()


def test_staff_answer_anonymously_once(world: World, client: Any, login: Any) -> None:
    s = services.create_survey(
        world.leader_a, tittel="Medarbeiderundersøkelse", malgruppe="ansatt", leverandor_id=world.leverandor.pk
    )
    q = services.add_question(world.leader_a, s, "nps", "Vil du anbefale oss som arbeidsgiver?", "nps")
    today = timezone.localdate()
    r = services.create_round(world.leader_a, s, "2026", today, today)
    login(client, world.nurse_a)
    url = reverse("quality:undersokelse_svar_ansatt", kwargs={"runde_id": r.pk})
    assert client.get(reverse("quality:undersokelse_liste")).content.decode().count(url) == 1
    response = client.post(url, {f"sporsmal_{q.pk}": "9"})
    assert response.status_code == 200
    assert Deltakelse.objects.get().user == world.nurse_a
    assert Besvarelse.objects.get().gruppe == "Enhet A"
    assert {f.name for f in Deltakelse._meta.get_fields()} == {"id", "runde", "user"}
    response = client.post(url, {f"sporsmal_{q.pk}": "2"})
    assert response.status_code == 410 and "allerede svart" in response.content.decode()
    assert Besvarelse.objects.count() == 1
    # Results: leaders only.
    results = reverse("quality:undersokelse_resultater", kwargs={"runde_id": r.pk})
    assert client.get(results).status_code == 403
    login(client, world.leader_b)
    assert client.get(results).status_code == 200


def test_results_hide_small_groups_and_compare_with_the_previous_round(world: World, client: Any, login: Any) -> None:
    s, r = user_survey(world)
    today = timezone.localdate()
    Runde.objects.filter(pk=r.pk).update(apnes=today - dt.timedelta(days=200), stenges=today - dt.timedelta(days=150))
    old = Runde.objects.get(pk=r.pk)
    # Previous round: 6 answers at Enhet A (answered while it was open).
    Runde.objects.filter(pk=old.pk).update(stenges=today)
    for token in services.create_links(world.leader_a, Runde.objects.get(pk=old.pk), 6, "Enhet A"):
        answer(old, token, 3)
    Runde.objects.filter(pk=old.pk).update(stenges=today - dt.timedelta(days=150))
    new = services.create_round(world.leader_a, s, "Høst", today, today + dt.timedelta(days=5))
    for token in services.create_links(world.leader_a, new, 8, "Enhet A"):
        answer(new, token, 6)
    for token in services.create_links(world.leader_a, new, 3, "Enhet B"):
        answer(new, token, 1, yes=False)
    res = services.results(world.leader_a, new)
    fornoyd = res.report.get("fornoyd")
    assert fornoyd is not None and fornoyd.total.n == 11
    assert fornoyd.cell("Enhet B") is not None and not fornoyd.cell("Enhet B").shown
    assert res.previous is not None and res.previous.pk == old.pk
    total_cmp = next(c for c in res.comparisons if c.question == "fornoyd" and c.group is None)
    assert total_cmp.comparable and total_cmp.previous == 3.0
    login(client, world.leader_a)
    body = client.get(reverse("quality:undersokelse_resultater", kwargs={"runde_id": new.pk})).content.decode()
    assert "Skjult: Færre enn 5 svar" in body and 'id="antall-svar">11<' in body
    assert "Sammenlignet med Vår" in body
    # The hidden group's results never appear: Enhet B answered 1 and «nei» only.
    assert body.count('Enhet B</th>\n      <td class="us-skjult"') == 3  # every question, free text too
    assert "Enhet B</th>\n      <td><span" not in body


def test_a_leader_builds_a_survey_and_makes_links_through_the_screens(world: World, client: Any, login: Any) -> None:
    login(client, world.leader_a)
    response = client.post(reverse("quality:undersokelse_ny"), {"tittel": "", "malgruppe": "bruker", "leverandor": ""})
    assert response.status_code == 400 and "Skriv en tittel." in response.content.decode()
    assert not Undersokelse.objects.exists()
    response = client.post(
        reverse("quality:undersokelse_ny"),
        {
            "tittel": "Pårørendeundersøkelse",
            "malgruppe": "bruker",
            "leverandor": world.leverandor.pk,
            "gruppering": "enhet",
        },
    )
    survey = Undersokelse.objects.get()
    url = reverse("quality:undersokelse_detalj", kwargs={"undersokelse_id": survey.pk})
    assert response.status_code == 302 and response["Location"] == url
    response = client.post(url, {"handling": "runde", "navn": "Vår", "apnes": "2026-03-01", "stenges": "2026-03-31"})
    assert response.status_code == 400 and "Legg til minst ett spørsmål" in response.content.decode()
    assert client.post(url, {"handling": "sporsmal", "type": "nps", "tekst": "Vil du anbefale oss?"}).status_code == 302
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "handling": "runde",
            "navn": "Nå",
            "apnes": today.isoformat(),
            "stenges": (today - dt.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400 and "Svarfristen kan ikke være før" in response.content.decode()
    client.post(url, {"handling": "runde", "navn": "Nå", "apnes": today.isoformat(), "stenges": today.isoformat()})
    runde = Runde.objects.get()
    page = reverse("quality:undersokelse_runde", kwargs={"runde_id": runde.pk})
    response = client.post(page, {"antall": "3", "gruppe": "Enhet B"})
    links = re.findall(
        r"<code>(http://testserver/kvalitet/undersokelse/svar/[\w-]+/)</code>", response.content.decode()
    )
    assert response.status_code == 200 and len(links) == 3 and SvarLenke.objects.filter(gruppe="Enhet B").count() == 3
    assert client.post(page, {"antall": "0", "gruppe": "Enhet B"}).status_code == 400
    # Another leverandør's leader and a nurse: no building, no results.
    login(client, world.nurse_a)
    assert (
        client.get(url).status_code == 403
        and client.post(page, {"antall": "3", "gruppe": "Enhet B"}).status_code == 403
    )
    assert SvarLenke.objects.count() == 3


def test_a_closed_round_says_so_on_the_link_before_anything_is_typed(world: World, client: Any) -> None:
    _s, r = user_survey(world)
    (token,) = services.create_links(world.leader_a, r, 1, "Enhet A")
    Runde.objects.filter(pk=r.pk).update(stenges=timezone.localdate() - dt.timedelta(days=1))
    response = client.get(reverse("quality:undersokelse_svar", kwargs={"token": token}))
    body = response.content.decode()
    assert response.status_code == 410 and "Undersøkelsen ble stengt" in body and "<form" not in body.split("<main")[1]
    response = client.get(reverse("quality:undersokelse_svar", kwargs={"token": "ukjent"}))
    assert response.status_code == 404 and "Lenken er ikke gyldig" in response.content.decode()
    assert response["Referrer-Policy"] == "same-origin" and "noindex" in response["X-Robots-Tag"]


def test_staff_of_another_provider_cannot_answer(world: World) -> None:
    from factories import EnhetFactory, LeverandorFactory, RoleAssignmentFactory, TeamFactory, UserFactory
    from helhet.core.models import Role

    s = services.create_survey(
        world.leader_a, tittel="Medarbeider", malgruppe="ansatt", leverandor_id=world.leverandor.pk
    )
    q = services.add_question(world.leader_a, s, "ja_nei", "Trives du?")
    today = timezone.localdate()
    r = services.create_round(world.leader_a, s, "2026", today, today)
    other = UserFactory(username="annen")
    team = TeamFactory(enhet=EnhetFactory(leverandor=LeverandorFactory(navn="Annen AS", kommune=world.kommune)))
    RoleAssignmentFactory(user=other, rolle=Role.SYKEPLEIER, team=team)
    with pytest.raises(ValidationError) as exc:
        services.answer_as_staff(other, r, {f"sporsmal_{q.pk}": "ja"})
    assert exc.value.code == "ikke_for_deg" and not Besvarelse.objects.exists()
