"""«Kvalitet» (the quality front page), «Mine tiltak», and the menu entries that show only when there is
something for the user."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from factories import World
from helhet.quality import services
from helhet.quality.models import Avvik, AvvikKategori, AvvikTiltak, VarslingMottaker
from helhet.quality.rules import risiko

pytestmark = pytest.mark.django_db


def _avvik_with_measure(world: World, owner: Any) -> AvvikTiltak:
    reporter = world.helper_a
    avvik = services.submit(
        reporter,
        services.save_draft(
            reporter,
            services.AvvikInput(
                enhet_id=world.enhet_a.pk,
                kategori_id=AvvikKategori.objects.get(kode="hms").pk,
                hva_skjedde="Glatt trapp",
                tidspunkt=timezone.now() - dt.timedelta(hours=2),
            ),
        ),
    )
    services.grade(world.leader_a, avvik, {q.kode: False for q in risiko.SPORSMAL}, 2)
    return services.add_measure(
        world.leader_a, avvik, "Strø trappen", owner, timezone.localdate() + dt.timedelta(days=7)
    )


def test_the_front_page_is_for_handlers_and_leaders(world: World, client: Any, login: Any) -> None:
    _avvik_with_measure(world, world.nurse_a)
    login(client, world.leader_a)
    page = client.get(reverse("quality:oversikt")).content.decode()
    for heading in ("Avvik", "Klager på tjenesten", "Rutiner", "Revisjon og sertifikater", "Undersøkelser", "Varsling"):
        assert heading in page
    assert "Glatt trapp" not in page  # counts only
    assert 'href="/kvalitet/"' in page  # «Kvalitet» in the menu
    client.logout()
    login(client, world.helper_a)
    assert client.get(reverse("quality:oversikt")).status_code == 403
    assert 'href="/kvalitet/"' not in client.get(reverse("quality:avvik_ny")).content.decode()


def test_mine_tiltak_lists_the_owners_measures_and_marks_them_done(world: World, client: Any, login: Any) -> None:
    url = reverse("quality:mine_tiltak")
    login(client, world.nurse_a)
    assert 'href="/kvalitet/mine-tiltak/"' not in client.get(reverse("quality:avvik_ny")).content.decode()
    measure = _avvik_with_measure(world, world.nurse_a)
    other = _avvik_with_measure(world, world.helper_a)
    menu = client.get(reverse("quality:avvik_ny")).content.decode()
    assert 'href="/kvalitet/mine-tiltak/"' in menu  # now there is something: the entry appears
    page = client.get(url).content.decode()
    assert "Strø trappen" in page and page.count("Merk som utført") == 1
    assert client.post(url, {"tiltak": other.pk}).status_code == 404  # someone else's measure
    response = client.post(url, {"tiltak": measure.pk})
    assert response.status_code == 302
    assert AvvikTiltak.objects.get(pk=measure.pk).utfort == timezone.localdate()
    assert AvvikTiltak.objects.get(pk=other.pk).utfort is None
    assert "Du har ingen åpne tiltak etter avvik." in client.get(url).content.decode()
    assert Avvik.objects.filter(status=Avvik.Status.UNDER_BEHANDLING).count() == 2


def test_the_varsling_menu_entry_is_for_named_recipients_only(world: World, client: Any, login: Any) -> None:
    login(client, world.kvalitetsleder)
    assert 'href="/kvalitet/varsling/mottak/"' not in client.get(reverse("quality:avvik_ny")).content.decode()
    VarslingMottaker.objects.create(leverandor=world.leverandor, user=world.kvalitetsleder, kanal="intern")
    assert 'href="/kvalitet/varsling/mottak/"' in client.get(reverse("quality:avvik_ny")).content.decode()
