"""``helhet bpa sjekk-turnus PLAN.csv``: a shift plan checked against the working-time rules.

Exit status 0 = lawful (warnings allowed), 1 = a blokk, 2 = bad input. No database. The example
plans live in ``tests/bpa/data/``.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from helhet import cli

DATA = Path(__file__).parent / "data"


def run(*args: str | Path) -> tuple[int, list[str], list[str]]:
    """(exit status, stdout lines, stderr lines)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("bpa", "sjekk-turnus", *[str(a) for a in args], stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, out.getvalue().splitlines(), err.getvalue().splitlines()


def write(tmp_path: Path, text: str, name: str = "PLAN.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# --- results --------------------------------------------------------------------------------------


def test_a_lawful_plan_exits_0() -> None:
    code, out, err = run(DATA / "turnus_lovlig.csv")
    assert code == 0 and err == []
    assert out == [
        "Lovlig: ingen brudd på arbeidstidsreglene i 18 vakter for 2 assistenter "
        "(regler: arbeidsmiljøloven kap. 10 (lovens hovedregler))."
    ]


def test_an_unlawful_plan_prints_each_violation_and_exits_1() -> None:
    # Semicolons, a BOM, CRLF, a Norwegian date format and æøå, as a Norwegian Excel export.
    code, out, _ = run(DATA / "turnus_brudd.csv")
    assert code == 1
    assert (
        "Kari Nordmann | fre. 6.3. 22:00–07:00 [linje 3, linje 4] | daglig_hvile | aml. § 10-8 første ledd | blokk | "
        "Vakt fre. 6.3. 22:00–07:00: bare 8 t hvile før neste vakt lør. 7.3. 15:00 "
        "(minst 11 t, aml. § 10-8 første ledd)."
    ) in out
    overlap = [line for line in out if "| overlapp |" in line]
    assert overlap == [
        "Per Berg | man. 2.3. 08:00–16:00 [linje 5, linje 6] | overlapp | aml. § 10-1 første ledd | blokk | "
        "Vakt man. 2.3. 08:00–16:00 overlapper vakt man. 2.3. 14:00–20:00 (2 t samtidig): én assistent kan ikke ha "
        "to vakter på en gang (aml. § 10-1 første ledd)."
    ]
    assert not any(line.startswith("Åse") for line in out)
    assert out[-1] == (
        "Ikke lovlig: 3 blokkeringer og 1 advarsel i 6 vakter for 3 assistenter "
        "(regler: arbeidsmiljøloven kap. 10 (lovens hovedregler))."
    )
    # every violation line has the six fields: assistent, vakt, regel, paragraf, alvorlighet, melding
    assert all(len(line.split(" | ")) == 6 for line in out[:-1])


def test_warnings_alone_keep_the_plan_lawful() -> None:
    code, out, _ = run(DATA / "turnus_advarsel.csv")
    assert code == 0
    assert "| son_helgedag | aml. § 10-8 fjerde ledd | advarsel |" in out[0]
    assert out[-1].startswith("Lovlig med 1 advarsel: 2 vakter for 1 assistent")


def test_english_header_offsets_and_ids() -> None:
    code, out, _ = run(DATA / "shift_plan_english.csv")
    assert code == 1
    assert out[1].startswith("Kari | fre. 6.3. 22:00–07:00 [V1, V2] | daglig_hvile |")


def test_the_rule_set_is_chosen_with_regler(tmp_path: Path) -> None:
    rows = [f"Kari,2026-03-0{d} 08:00,2026-03-0{d} 18:00" for d in range(2, 6)]  # four 10 h days
    plan = write(tmp_path, "assistent,start,slutt\n" + "\n".join(rows) + "\n")
    code, out, _ = run(plan)
    assert code == 0 and len([line for line in out if "| alminnelig_dogn |" in line]) == 4
    code, out, _ = run(plan, "--regler", "avtale-10-5-1")
    assert code == 0 and len(out) == 1
    assert "skriftlig avtale om gjennomsnittsberegning (aml. § 10-5 første ledd)" in out[0]


def test_the_private_home_rules_cite_the_forskrift(tmp_path: Path) -> None:
    plan = write(tmp_path, "assistent,start,slutt\nKari,2026-03-02 08:00,2026-03-02 18:00\n")
    code, out, _ = run(plan, "--regler", "privat-hjem")
    assert code == 0
    assert "forskrift om arbeid i arbeidsgivers hjem § 9 andre ledd" in out[0]
    assert out[1].startswith("Merk: Hvile, overtid, samlet arbeidstid og søndagsregelen er aml.-tall")


def test_an_unknown_rule_set_is_refused() -> None:
    with pytest.raises(CommandError, match="invalid choice"):
        run(DATA / "turnus_lovlig.csv", "--regler", "tariff")


def test_passive_hours_column(tmp_path: Path) -> None:
    plan = write(tmp_path, "assistent;start;slutt;passiv\nKari;2026-03-02 08:00;2026-03-02 19:00;4,0\n")
    code, out, _ = run(plan)
    assert code == 0 and out[0].startswith("Lovlig: ingen brudd")


def test_the_console_command_helhet_gives_the_exit_status() -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["bpa", "sjekk-turnus", str(DATA / "turnus_brudd.csv")])
    assert exit_.value.code == 1


# --- bad input: exit 2, a Norwegian message naming the file, the line and the field ---------------


def test_a_bad_time_names_file_line_and_field() -> None:
    path = DATA / "turnus_feil.csv"
    code, out, err = run(path)
    assert code == 2 and out == []
    assert err == [
        f"{path} linje 4, «slutt»: «2026-13-01» er ikke et gyldig tidspunkt (skriv for eksempel 2026-03-06T22:00)."
    ]


def test_every_bad_line_is_reported(tmp_path: Path) -> None:
    text = (
        "assistent,start,slutt\n"
        ",2026-03-02 08:00,2026-03-02 16:00\n"
        "Kari,2026-03-03,2026-03-03 16:00\n"
        "Kari,2026-03-04 22:00,2026-03-04 07:00\n"
    )
    code, _, err = run(write(tmp_path, text))
    assert code == 2
    plan = tmp_path / "PLAN.csv"
    assert err == [
        f"{plan} linje 2, «assistent»: mangler assistent.",
        f"{plan} linje 3, «start»: «2026-03-03» mangler klokkeslett (skriv for eksempel 2026-03-06T22:00).",
        f"{plan} linje 4: «slutt» (4.3.2026 07:00) er ikke etter «start» (4.3.2026 22:00). "
        "En vakt over midnatt slutter neste dag: skriv neste dags dato.",
    ]


def test_a_missing_file() -> None:
    code, out, err = run("finnes-ikke.csv")
    assert (code, out, err) == (2, [], ["Fant ikke fila «finnes-ikke.csv»."])


def test_a_missing_column(tmp_path: Path) -> None:
    code, _, err = run(write(tmp_path, "assistent;start;til_kl\nKari;2026-03-02 08:00;2026-03-02 16:00\n"))
    assert code == 2
    assert err[0].endswith(
        "linje 1: mangler kolonnen «slutt» i overskriften "
        "(forventet assistent;start;slutt, fant «assistent;start;til_kl»)."
    )


def test_an_empty_plan(tmp_path: Path) -> None:
    assert run(write(tmp_path, ""))[0] == 2
    code, _, err = run(write(tmp_path, "assistent,start,slutt\n"))
    assert code == 2 and err[0].endswith("har ingen vakter, bare overskriften.")


def test_an_old_excel_file_in_windows_1252(tmp_path: Path) -> None:
    plan = write(tmp_path, "assistent;start;slutt\nÅse Ødegård;02.03.2026 08:00;02.03.2026 16:00\n", encoding="cp1252")
    code, out, _ = run(plan)
    assert code == 0 and "1 assistent" in out[0]


def test_mixed_time_zones_in_one_line(tmp_path: Path) -> None:
    code, _, err = run(write(tmp_path, "assistent,start,slutt\nKari,2026-03-02T08:00+01:00,2026-03-02T16:00\n"))
    assert code == 2 and "begge ha tidssone" in err[0]


# --- the hours budget ----------------------------------------------------------------------------


def test_the_plan_against_the_years_budget() -> None:
    code, out, _ = run(DATA / "turnus_lovlig.csv", "--timer-per-uke", "35")
    assert code == 0
    assert "Timebudsjett 2026: planen har 138 t av årets 1 825 t (8 %)." in out


def test_hours_beyond_the_years_budget_warn_but_do_not_change_the_status() -> None:
    code, out, _ = run(
        DATA / "turnus_lovlig.csv", "--timer-per-uke", "1", "--vedtak-fra", "2026-09-01", "--vedtak-til", "2026-12-31"
    )
    assert code == 0
    over = [line for line in out if "| timebudsjett |" in line]
    assert over == [
        "alle | 2026 | timebudsjett | vedtaket | advarsel | 138 t i 2026 er 120,6 t over årets budsjett på 17,4 t "
        "(1 t per uke i vedtaket, 1.9.2026–31.12.2026). Ubrukte og overbrukte timer følger kalenderåret; "
        "overforbruk må avklares med kommunen."
    ]


def test_budget_options_are_checked() -> None:
    assert run(DATA / "turnus_lovlig.csv", "--timer-per-uke", "mange")[2] == [
        "--timer-per-uke må være et tall, ikke «mange»."
    ]
    assert run(DATA / "turnus_lovlig.csv", "--vedtak-fra", "2026-01-01")[0] == 2
    code, _, err = run(DATA / "turnus_lovlig.csv", "--timer-per-uke", "35", "--vedtak-fra", "1.1.2026")
    assert code == 2 and "ikke en gyldig dato" in err[0]
