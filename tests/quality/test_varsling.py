"""Varsling helpers: case codes, passphrases, the constant-work access check, rate limiting, retention."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

import pytest
from argon2 import PasswordHasher, extract_parameters
from argon2.exceptions import InvalidHashError
from hypothesis import given, settings
from hypothesis import strategies as st

from helhet.quality.rules.varsling import (
    ALPHABET,
    CODE_LENGTH,
    ENTROPY_BITS,
    RETENTION,
    RETENTION_NOTE,
    Decision,
    KeyState,
    RateLimiter,
    RatePolicy,
    Utfall,
    check_passphrase,
    deletion_due,
    due_for_deletion,
    dummy_hash,
    hash_passphrase,
    is_idle,
    make_hasher,
    needs_rehash,
    new_case_code,
    normalize_case_code,
    passphrase_problems,
    step,
    verify_case_access,
)

CODE_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
GOOD = "blå hest løper over broen"


class CountingHasher(PasswordHasher):
    """A cheap hasher that counts verifications (the deterministic stand-in for «same timing»)."""

    def __init__(self, hash_len: int = 32) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1, hash_len=hash_len)
        self.verified: list[str] = []

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        text = hash if isinstance(hash, str) else hash.decode()
        try:
            extract_parameters(text)
        except InvalidHashError:
            pass  # rejected before any hashing work: costs nothing worth counting
        else:
            self.verified.append(text)
        return super().verify(hash, password)


@pytest.fixture
def hasher() -> CountingHasher:
    return CountingHasher()


# --- Case codes ----------------------------------------------------------------------------------


def test_case_codes_are_three_groups_of_four_with_sixty_bits() -> None:
    assert ALPHABET == "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    assert len(set(ALPHABET)) == 32 and not set("ILOU") & set(ALPHABET)
    assert CODE_LENGTH == 12 and ENTROPY_BITS == 60
    code = new_case_code()
    assert CODE_RE.match(code), code


def test_case_codes_use_the_random_source() -> None:
    draws = iter(range(12))
    assert new_case_code(lambda n: next(draws)) == "0123-4567-89AB"
    assert new_case_code(lambda n: n - 1) == "ZZZZ-ZZZZ-ZZZZ"


def test_case_codes_do_not_repeat() -> None:
    codes = {new_case_code() for _ in range(2000)}
    assert len(codes) == 2000


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("7KQ2-M9XD-4HTR", "7KQ2-M9XD-4HTR"),
        ("7kq2 m9xd 4htr", "7KQ2-M9XD-4HTR"),
        ("  7KQ2M9XD4HTR ", "7KQ2-M9XD-4HTR"),
        ("OIL0-1111-0000", "0110-1111-0000"),  # O → 0, I and L → 1
        ("7KQ2–M9XD–4HTR", "7KQ2-M9XD-4HTR"),  # en dashes from a word processor
        ("7KQ2-M9XD-4HT", None),  # too short
        ("7KQ2-M9XD-4HTRX", None),  # too long
        ("7KQ2-M9XD-4HTU", None),  # U is not in the alphabet
        ("7KQ2-M9XD-4HT!", None),
        ("", None),
    ],
)
def test_typed_codes_are_normalised(typed: str, expected: str | None) -> None:
    assert normalize_case_code(typed) == expected


@given(st.lists(st.integers(min_value=0, max_value=31), min_size=12, max_size=12))
def test_a_code_survives_how_people_type_it(draws: list[int]) -> None:
    source = iter(draws)
    code = new_case_code(lambda n: next(source))
    assert normalize_case_code(code) == code
    assert normalize_case_code(code.lower().replace("-", " ")) == code
    assert normalize_case_code(code.replace("-", "")) == code


# --- Passphrases ---------------------------------------------------------------------------------


def test_a_good_passphrase_has_no_problems() -> None:
    assert passphrase_problems(GOOD) == []
    assert passphrase_problems("x" * 3 + "abcdefghijkl") == []


def test_passphrase_rules() -> None:
    [short] = passphrase_problems("kort frase")
    assert short.startswith("Passfrasen må ha minst 15 tegn (den har 10).")
    assert passphrase_problems("a" * 257) == [
        "Passfrasen kan ha høyst 256 tegn.",
        "Passfrasen må ha minst 5 forskjellige tegn.",
    ]
    assert passphrase_problems("abab abab abab abab") == ["Passfrasen må ha minst 5 forskjellige tegn."]
    code = "7KQ2-M9XD-4HTR"
    assert passphrase_problems(f"min kode er {code.lower()}", case_code=code) == [
        "Passfrasen kan ikke inneholde saksnummeret."
    ]
    assert passphrase_problems("min kode er 7kq2m9xd4htr ok", case_code="7kq2 m9xd 4htr") == [
        "Passfrasen kan ikke inneholde saksnummeret."
    ]
    assert passphrase_problems(GOOD, case_code=code) == []
    blocklist = {"passordpassord1", GOOD}
    assert passphrase_problems(GOOD.upper(), blocklist=blocklist) == ["Passfrasen er for vanlig. Velg en annen."]


def test_fullwidth_and_composed_characters_are_normalised() -> None:
    fullwidth = "ｂｌå ｈｅｓｔ ｌøｐｅｒ ｏｖｅｒ ｂｒｏｅｎ"
    assert passphrase_problems(fullwidth) == []
    hasher = CountingHasher()
    stored = hash_passphrase(GOOD, hasher)
    assert check_passphrase(stored, fullwidth, hasher)
    decomposed = GOOD.replace("å", "a\u030a")  # a + combining ring above
    assert check_passphrase(stored, decomposed, hasher)


# --- Hashing and the access check ----------------------------------------------------------------


def test_the_production_hasher_is_argon2id_with_the_library_defaults() -> None:
    hasher = make_hasher()
    assert hasher.type.name == "ID"
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (3, 65536, 4)


def test_the_right_passphrase_opens_the_case(hasher: CountingHasher) -> None:
    stored = hash_passphrase(GOOD, hasher)
    assert stored.startswith("$argon2id$")
    cases = {"7KQ2-M9XD-4HTR": stored}
    assert verify_case_access("7kq2 m9xd 4htr", GOOD, cases.get, hasher)
    assert not verify_case_access("7KQ2-M9XD-4HTR", GOOD + "!", cases.get, hasher)


def test_every_failure_costs_exactly_one_verification_of_the_same_kind(hasher: CountingHasher) -> None:
    stored = hash_passphrase(GOOD, hasher)
    looked_up: list[str] = []

    def lookup(code: str) -> str | None:
        looked_up.append(code)
        return {"7KQ2-M9XD-4HTR": stored, "0000-0000-0000": "not a hash"}.get(code)

    outcomes = {}
    for label, code, phrase in [
        ("wrong passphrase", "7KQ2-M9XD-4HTR", "feil passfrase her"),
        ("unknown case", "ZZZZ-ZZZZ-ZZZZ", GOOD),
        ("malformed code", "hei", GOOD),
        ("corrupt hash", "0000-0000-0000", GOOD),
    ]:
        hasher.verified.clear()
        outcomes[label] = verify_case_access(code, phrase, lookup, hasher)
        [used] = hasher.verified  # one verification each
        assert extract_parameters(used) == extract_parameters(stored), label
    assert outcomes == dict.fromkeys(outcomes, False)
    assert looked_up == ["7KQ2-M9XD-4HTR", "ZZZZ-ZZZZ-ZZZZ", "0000-0000-0000"]  # the malformed one never


def test_the_dummy_hash_follows_the_hashers_parameters() -> None:
    cheap, other = CountingHasher(), CountingHasher(hash_len=16)
    assert dummy_hash(cheap) == dummy_hash(cheap)  # made once
    assert extract_parameters(dummy_hash(other)).hash_len == 16
    assert dummy_hash(other) != dummy_hash(cheap)


def test_needs_rehash(hasher: CountingHasher) -> None:
    stored = hash_passphrase(GOOD, hasher)
    assert not needs_rehash(stored, hasher)
    assert needs_rehash(stored, CountingHasher(hash_len=16))
    assert needs_rehash("garbage", hasher)


# --- Rate limiting -------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_five_tries_then_a_fifteen_minute_lockout() -> None:
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    decisions = [limiter.attempt("case") for _ in range(5)]
    assert all(d.allowed for d in decisions)
    assert [d.remaining for d in decisions] == [4, 3, 2, 1, 0]
    denied = limiter.attempt("case")
    assert denied == Decision(False, 900.0, 0)
    assert denied.message == "For mange forsøk. Prøv igjen om 15 minutter."
    assert limiter.attempt("other").allowed  # keys are independent

    clock.now += 600  # tries during the lockout are refused and do not extend it
    again = limiter.attempt("case")
    assert not again.allowed and again.retry_after == 300.0
    clock.now += 300
    assert limiter.attempt("case").allowed


def test_lockouts_grow_and_are_capped_and_forgotten() -> None:
    policy = RatePolicy(limit=1, window=10, base_lockout=100, max_lockout=350, forget_after=1000)
    state: KeyState | None = None
    now = 0.0
    lengths = []
    for _ in range(5):
        decision, state = step(state, now, policy)
        assert decision.allowed
        decision, state = step(state, now + 1, policy)
        assert not decision.allowed
        lengths.append(decision.retry_after)
        assert state.locked_until is not None
        now = state.locked_until
    assert lengths == [100, 200, 350, 350, 350]

    assert state is not None and state.locked_until is not None
    quiet = state.locked_until + 1000  # long after the last lockout: start over
    decision, state = step(state, quiet, policy)
    assert decision.allowed
    decision, state = step(state, quiet + 1, policy)
    assert decision.retry_after == 100 and state.strikes == 1


def test_the_window_slides() -> None:
    policy = RatePolicy(limit=2, window=60, base_lockout=60)
    d1, state = step(None, 0, policy)
    d2, state = step(state, 30, policy)
    d3, state = step(state, 60.5, policy)  # the try at 0 has left the window
    assert (d1.allowed, d2.allowed, d3.allowed) == (True, True, True)
    d4, state = step(state, 61, policy)
    assert not d4.allowed


def test_success_forgets_and_idle_keys_are_pruned() -> None:
    clock = Clock()
    limiter = RateLimiter(RatePolicy(limit=2, window=60, base_lockout=60, forget_after=120), clock=clock)
    limiter.attempt("a")
    limiter.attempt("a")
    assert not limiter.attempt("a").allowed
    limiter.succeeded("a")
    assert limiter.attempt("a").allowed

    limiter.attempt("b")
    assert len(limiter) == 2
    clock.now += 61
    assert limiter.prune() == 2
    assert len(limiter) == 0

    limiter.attempt("c")
    limiter.attempt("c")
    limiter.attempt("c")  # locked for 60 s, remembered for 120 s after that
    clock.now += 100
    assert limiter.prune() == 0
    clock.now += 100
    assert limiter.prune() == 1


def test_is_idle_keeps_a_recent_lockout() -> None:
    policy = RatePolicy()
    assert is_idle(KeyState(), 0, policy)
    assert not is_idle(KeyState(attempts=(10.0,)), 20, policy)
    assert not is_idle(KeyState(last_lock_end=0.0, strikes=1), 100, policy)


def test_invalid_policies_are_refused() -> None:
    with pytest.raises(ValueError):
        RatePolicy(limit=0)
    with pytest.raises(ValueError):
        RatePolicy(base_lockout=100, max_lockout=50)


GAPS = st.lists(st.floats(min_value=0, max_value=400, allow_nan=False), min_size=1, max_size=80)
POLICIES = st.builds(
    RatePolicy,
    limit=st.integers(min_value=1, max_value=6),
    window=st.floats(min_value=1, max_value=900),
    base_lockout=st.floats(min_value=1, max_value=300),
    max_lockout=st.just(3600.0),
    forget_after=st.floats(min_value=1, max_value=3600),
)


@settings(max_examples=300)
@given(GAPS, POLICIES)
def test_never_more_than_the_limit_in_any_window(gaps: list[float], policy: RatePolicy) -> None:
    now, state = 0.0, None
    allowed: list[float] = []
    for gap in gaps:
        now += gap
        locked = state is not None and state.locked_until is not None and now < state.locked_until
        decision, state = step(state, now, policy)
        if locked:
            assert not decision.allowed
        if decision.allowed:
            allowed.append(now)
            assert decision.retry_after == 0
        else:
            assert decision.retry_after > 0
    for t in allowed:
        assert sum(1 for u in allowed if t - policy.window < u <= t) <= policy.limit


@settings(max_examples=200)
@given(GAPS)
def test_lockouts_never_shrink_without_a_quiet_day(gaps: list[float]) -> None:
    policy = RatePolicy(limit=2, window=60, base_lockout=30, max_lockout=600, forget_after=10**9)
    now, state = 0.0, None
    lengths: list[float] = []
    for gap in gaps:
        now += gap
        before = state.strikes if state is not None else 0
        decision, state = step(state, now, policy)
        if state.strikes > before:
            lengths.append(decision.retry_after)
    assert lengths == sorted(lengths)


# --- Retention -----------------------------------------------------------------------------------


def test_deletion_dates_by_outcome() -> None:
    closed = date(2026, 3, 1)
    assert deletion_due(closed, Utfall.IKKE_VARSLING).due == date(2026, 3, 31)
    assert deletion_due(closed, Utfall.UBEGRUNNET).due == date(2026, 4, 30)
    assert deletion_due(closed, Utfall.BEGRUNNET).due == date(2028, 2, 29)
    legal_hold = deletion_due(closed, Utfall.RETTSLIG)
    assert legal_hold.due is None and "pågår" in legal_hold.rule
    assert not due_for_deletion(closed, Utfall.RETTSLIG, date(2040, 1, 1))
    assert not due_for_deletion(closed, Utfall.UBEGRUNNET, date(2026, 4, 29))
    assert due_for_deletion(closed, Utfall.UBEGRUNNET, date(2026, 4, 30))


def test_every_outcome_has_a_rule_with_a_source() -> None:
    assert set(RETENTION) == set(Utfall)
    for rule in RETENTION.values():
        assert rule.rule and rule.source
    assert "UNCONFIRMED" in RETENTION[Utfall.BEGRUNNET].source
    assert "arkivloven" in RETENTION_NOTE


def test_local_retention_rules_can_replace_ours() -> None:
    from helhet.quality.rules.varsling import RetentionRule

    local = dict(RETENTION) | {Utfall.BEGRUNNET: RetentionRule(365, "Ett år (lokal regel).", "Kommunens arkivplan")}
    assert deletion_due(date(2026, 3, 1), Utfall.BEGRUNNET, local).due == date(2027, 3, 1)
