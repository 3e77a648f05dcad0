"""Dokumentstyring rules: review dates, who must read a procedure, and the acknowledgement figures.

Pure Python, no Django.

Sources:

- ``seeds/000`` (the provider's annual report): quality rests on a system of procedures (rutiner)
  that are «easy to find» and kept up to date; staff are to know the procedures that apply to them.
- EQUASS Assurance 2018 (``seeds/001``), principle 10 «Kontinuerlig forbedring» and the documentation
  requirements: procedures are documented, approved, reviewed and known by the staff who use them.
- ISO 9001:2015 clause 7.5.3 (control of documented information): documents are approved before
  use, reviewed and updated, changes and the current revision identified, and made available where
  needed. Forskrift om ledelse og kvalitetsforbedring i helse- og omsorgstjenesten §§ 6-7: the
  leader plans and carries out the work, including that staff have knowledge of the procedures.

Definitions (ours):

- **Review date** (``review_due``): the day a procedure's current version should be reviewed; by
  default ``DEFAULT_REVIEW_MONTHS`` (12) after approval — **UNCONFIRMED** (a common practice, not a
  rule in the sources). A procedure is overdue for review the day *after* its review date.
- **Required readers** (``required_readers``): the active staff who, on the day, hold one of the
  procedure's required roles at the procedure's provider (a role placed at the provider, at one of
  its enheter or at a team of one). A user with several such roles counts once. Users who are not
  active, or whose role has ended, are not required: they cannot read anything.
- **Acknowledged share** per procedure (``acknowledged_share``): of the required readers, those who
  have acknowledged the **current version** (acknowledgements are per version; a new approved
  version starts at zero). The denominator is the required readers *now*; someone who acknowledged
  and then left does not count, nor does a reader outside the required roles.
- **Across procedures** (``overall_share``): required (reader, current procedure) pairs with an
  acknowledgement over all such pairs. Pair-weighted on purpose: a procedure that 40 people must
  read weighs more than one for 2 leaders, and each missing acknowledgement counts once.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

UserId = int
RowId = int | str

#: Months from approval to the next review, by default. UNCONFIRMED (common practice).
DEFAULT_REVIEW_MONTHS = 12


def add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_review_date(approved: date, months: int = DEFAULT_REVIEW_MONTHS) -> date:
    return add_months(approved, months)


def review_overdue(review_date: date | None, today: date) -> bool:
    """True the day after the review date (a procedure without one is never overdue)."""
    return review_date is not None and review_date < today


@dataclass(frozen=True)
class Assignment:
    """One active role of one active user at the provider in question."""

    user_id: UserId
    role: str


def required_readers(assignments: Iterable[Assignment], required_roles: Collection[str]) -> frozenset[UserId]:
    """The users holding at least one of ``required_roles`` (each counted once)."""
    return frozenset(a.user_id for a in assignments if a.role in required_roles)


@dataclass(frozen=True)
class AckShare:
    """Required readers and who of them acknowledged the current version."""

    required: frozenset[UserId]
    acknowledged: frozenset[UserId]  # only required readers

    @property
    def missing(self) -> frozenset[UserId]:
        return self.required - self.acknowledged

    @property
    def denominator(self) -> int:
        return len(self.required)

    @property
    def numerator(self) -> int:
        return len(self.acknowledged)

    @property
    def share(self) -> float | None:
        return self.numerator / self.denominator if self.required else None


def acknowledged_share(required: Collection[UserId], acknowledged_by: Collection[UserId]) -> AckShare:
    """The share of ``required`` readers found in ``acknowledged_by`` (acknowledgements of the current version)."""
    req = frozenset(required)
    return AckShare(required=req, acknowledged=req & frozenset(acknowledged_by))


@dataclass(frozen=True)
class OverallShare:
    pairs: int
    acknowledged_pairs: int
    per_procedure: Mapping[RowId, AckShare]

    @property
    def share(self) -> float | None:
        return self.acknowledged_pairs / self.pairs if self.pairs else None


def overall_share(per_procedure: Mapping[RowId, AckShare]) -> OverallShare:
    """(reader, procedure) pairs acknowledged over all required pairs, across current procedures."""
    pairs = sum(s.denominator for s in per_procedure.values())
    done = sum(s.numerator for s in per_procedure.values())
    return OverallShare(pairs=pairs, acknowledged_pairs=done, per_procedure=dict(per_procedure))


def must_read(
    user_roles: Collection[str],
    procedures: Iterable[tuple[RowId, Collection[str], RowId | None]],
    acknowledged_versions: Collection[RowId],
) -> tuple[RowId, ...]:
    """The procedures the user must still read.

    ``procedures`` holds ``(procedure id, required roles, current version id or None)``; a
    procedure without an approved version is not readable yet, so it is never required.
    """
    roles = set(user_roles)
    acked = set(acknowledged_versions)
    return tuple(
        pid
        for pid, required, version in procedures
        if version is not None and roles & set(required) and version not in acked
    )
