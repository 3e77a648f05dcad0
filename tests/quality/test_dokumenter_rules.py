"""Pure rules for dokumentstyring: review dates, required readers, acknowledgement shares, «must read»."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from helhet.quality.rules import dokumenter as rules


def test_default_review_is_a_year_after_approval_and_overdue_the_day_after() -> None:
    assert rules.default_review_date(date(2026, 2, 28)) == date(2027, 2, 28)
    assert rules.default_review_date(date(2028, 2, 29)) == date(2029, 2, 28)
    assert not rules.review_overdue(date(2026, 5, 1), date(2026, 5, 1))
    assert rules.review_overdue(date(2026, 5, 1), date(2026, 5, 2))
    assert not rules.review_overdue(None, date(2026, 5, 2))


def test_required_readers_count_each_user_once_and_only_required_roles() -> None:
    assignments = [
        rules.Assignment(1, "sykepleier"),
        rules.Assignment(1, "leder"),
        rules.Assignment(2, "helsefagarbeider"),
        rules.Assignment(3, "saksbehandler"),
    ]
    assert rules.required_readers(assignments, {"sykepleier", "leder", "helsefagarbeider"}) == {1, 2}
    assert rules.required_readers(assignments, set()) == frozenset()


def test_acknowledged_share_ignores_readers_outside_the_required_set() -> None:
    share = rules.acknowledged_share({1, 2, 3, 4}, {2, 4, 99})
    assert share.acknowledged == {2, 4} and share.missing == {1, 3}
    assert share.share == 0.5
    assert rules.acknowledged_share(set(), {1}).share is None


def test_overall_share_is_pair_weighted() -> None:
    big = rules.acknowledged_share(set(range(40)), set(range(30)))  # 30 of 40
    small = rules.acknowledged_share({100, 101}, set())  # 0 of 2
    total = rules.overall_share({"a": big, "b": small})
    assert (total.acknowledged_pairs, total.pairs) == (30, 42)
    assert total.share == 30 / 42
    assert rules.overall_share({}).share is None


def test_must_read_needs_a_current_version_a_shared_role_and_no_acknowledgement() -> None:
    procedures = [
        (1, {"sykepleier"}, 10),  # must read
        (2, {"sykepleier"}, 20),  # acknowledged
        (3, {"leder"}, 30),  # not my role
        (4, {"sykepleier"}, None),  # draft only
        (5, {"sykepleier"}, 51),  # acknowledged an older version (50) only
    ]
    assert rules.must_read({"sykepleier"}, procedures, {20, 50}) == (1, 5)


@settings(max_examples=150)
@given(st.frozensets(st.integers(0, 50)), st.frozensets(st.integers(0, 80)))
def test_share_parts_add_up(required: frozenset[int], acked: frozenset[int]) -> None:
    share = rules.acknowledged_share(required, acked)
    assert share.acknowledged | share.missing == required
    assert not share.acknowledged & share.missing
    assert share.share is None or 0 <= share.share <= 1
