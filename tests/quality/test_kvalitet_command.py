"""``helhet kvalitet nokkeltall``: the quality figures as «name: value unit» lines; bad input exits 2."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from factories import World
from helhet.quality import services
from helhet.quality.models import AvvikKategori

pytestmark = pytest.mark.django_db

LINE = re.compile(r"^[a-z0-9_]+: \S+( \S+)?$")


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("kvalitet", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def _report(world: World, kode: str, enhet_id: int) -> None:
    services.submit(
        world.helper_a,
        services.save_draft(
            world.helper_a,
            services.AvvikInput(
                enhet_id=enhet_id,
                kategori_id=AvvikKategori.objects.get(kode=kode).pk,
                hva_skjedde="Noe skjedde",
                tidspunkt=timezone.now() - dt.timedelta(hours=1),
            ),
        ),
    )


def test_figures_one_per_line_from_the_database(world: World) -> None:
    _report(world, "legemiddel", world.enhet_a.pk)
    _report(world, "legemiddel", world.enhet_a.pk)
    _report(world, "fall", world.enhet_b.pk)
    code, out, err = _run("nokkeltall")
    assert code == 0 and not err
    lines = out.strip().splitlines()
    assert not [line for line in lines if not LINE.match(line)]
    figures = dict(line.split(": ", 1) for line in lines)
    assert figures["avvik_registrert"] == "3 stk"
    assert figures["avvik_kategori_legemiddelhandtering"] == "2 stk"
    assert figures["avvik_kategori_fall"] == "1 stk"
    assert figures["avvik_kategori_vold_og_trusler"] == "0 stk"
    assert figures["avvik_pabegynt_eller_lukket_innen_14_dager_andel"] == "- %"  # none has had its 14 days yet
    assert figures["avvik_tiltak_over_frist"] == "0 stk"

    _, out, _ = _run("nokkeltall", "--enhet", str(world.enhet_b.pk))
    figures = dict(line.split(": ", 1) for line in out.strip().splitlines())
    assert figures["avvik_registrert"] == "1 stk" and figures["avvik_kategori_legemiddelhandtering"] == "0 stk"

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    _, out, _ = _run("nokkeltall", "--fra", tomorrow.strftime("%d.%m.%Y"), "--til", tomorrow.isoformat())
    assert "avvik_registrert: 0 stk" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--fra", "31.02.2026"), "«31.02.2026» er ikke en dato"),
        (("--fra", "2026-03-01", "--til", "2026-02-01"), "er etter --til"),
        (("--enhet", "999999"), "Fant ingen enhet med id «999999»"),
        (("--enhet", "abc"), "Fant ingen enhet med id «abc»"),
    ],
)
def test_bad_input_exits_2_with_a_norwegian_message(world: World, args: tuple[str, ...], message: str) -> None:
    code, out, err = _run("nokkeltall", *args)
    assert code == 2 and message in err and not out


def test_slett_varsler_runs_the_retention_rule(world: World) -> None:
    from helhet.quality.models import VarslingSak

    due = VarslingSak.objects.create(
        leverandor=world.leverandor,
        kanal="intern",
        beskrivelse="Innhold som skal bort",
        mottatt=dt.date(2020, 1, 1),
        status="avsluttet",
        avsluttet=dt.date(2020, 2, 1),
        slettes=dt.date(2021, 2, 1),
    )
    code, out, _ = _run("slett-varsler")
    assert code == 0 and "varsler_slettet: 1 stk" in out
    due.refresh_from_db()
    assert due.beskrivelse == "" and due.slettet is not None
