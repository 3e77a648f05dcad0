"""The service catalogue (``helhet.cases.rules.tjenester``): codes, legal basis, brukervalg. No database."""

from __future__ import annotations

import pytest

from helhet.cases.rules import InvalidInput
from helhet.cases.rules.tjenester import CATALOGUE, ScopeUnit, by_code, by_kpr_code

# iplos_kpr.md § 3.1 (Volven 9151).
KPR = {
    "praktisk_bistand": 1,
    "praktisk_bistand_opplaering": 2,
    "bpa": 3,
    "dagaktivitetstilbud": 4,
    "matombringing": 5,
    "trygghetsalarm": 6,
    "avlastning_utenfor_institusjon": 7,
    "avlastning_i_institusjon": 8,
    "stottekontakt": 9,
    "omsorgsstonad": 11,
    "helsetjenester_i_hjemmet": 15,
    "lokaliseringsteknologi": 26,
    "elektronisk_medisineringsstotte": 27,
    "digitalt_tilsyn": 28,
}


def test_kpr_codes() -> None:
    assert {t.code: t.kpr_code for t in CATALOGUE} == KPR


def test_codes_are_unique_ascii_keys() -> None:
    codes = [t.code for t in CATALOGUE]
    assert len(set(codes)) == len(codes)
    assert all(code.isascii() and code == code.lower() for code in codes)


def test_legal_basis_from_the_seed_letters() -> None:
    assert by_code("helsetjenester_i_hjemmet").hjemmel == (
        "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6 bokstav a",
    )
    nr_6_b = "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6 bokstav b"
    for code in ("praktisk_bistand", "praktisk_bistand_opplaering", "stottekontakt"):
        assert by_code(code).hjemmel == (nr_6_b,)
    assert by_code("bpa").hjemmel == (
        nr_6_b,
        "helse- og omsorgstjenesteloven § 3-8",
        "pasient- og brukerrettighetsloven § 2-1 d",
    )


def test_free_choice_for_hjemmesykepleie_praktisk_bistand_and_bpa() -> None:
    """Seed 004 lines 514-517 and 537-543."""
    assert {t.code for t in CATALOGUE if t.free_choice} == {"helsetjenester_i_hjemmet", "praktisk_bistand", "bpa"}


def test_only_praktisk_bistand_is_chargeable() -> None:
    assert [t.code for t in CATALOGUE if t.chargeable] == ["praktisk_bistand"]


def test_scope_units() -> None:
    assert by_code("bpa").scope_unit is ScopeUnit.TIMER_PER_UKE
    assert by_code("avlastning_i_institusjon").scope_unit is ScopeUnit.DOGN
    assert by_code("trygghetsalarm").scope_unit is ScopeUnit.INGEN
    assert ScopeUnit.BESOK_PER_DAG.label == "besøk per dag"


def test_unconfirmed_legal_basis_is_marked() -> None:
    confirmed = {t.code for t in CATALOGUE if t.hjemmel_confirmed}
    assert confirmed == {
        "helsetjenester_i_hjemmet",
        "praktisk_bistand",
        "praktisk_bistand_opplaering",
        "bpa",
        "stottekontakt",
        "avlastning_utenfor_institusjon",
        "avlastning_i_institusjon",
    }


def test_lookup() -> None:
    assert by_kpr_code(15) is by_code("helsetjenester_i_hjemmet")
    with pytest.raises(InvalidInput) as info:
        by_code("hjemmesykepleie")
    assert info.value.message == "Ukjent tjenestetype: «hjemmesykepleie»."
    with pytest.raises(InvalidInput):
        by_kpr_code(10)
