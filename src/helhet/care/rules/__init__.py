"""Pure rules of provider delivery (tiltaksplan, visits, measured delivery): no Django imports here.

Each module cites its sources in its docstring: the provider's annual report on the three
«integrities» (``shared/seeds/000_ffba4fb503611c9b.txt``), Oslo's standard for services in the
home (``shared/seeds/004_23b9f37a21c91c71.txt``) and RFC 5545 for recurrence, with line numbers
or section numbers. The Django app ``helhet.care`` wraps these functions; the rules never touch
the database.

``InvalidInput`` is the one error type of all pure rules, shared with ``helhet.cases.rules``: a
service that checks a tiltak against its vedtak calls rules from both packages, and a view catches
one type and shows its Norwegian ``message``. Imports flow ``cases`` ← ``care``, so ``care`` may
use it; ``cases`` never imports ``care``.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from helhet.cases.rules import InvalidInput

#: The time zone of every local date and clock time in delivery (agreed windows, weeks, months).
OSLO = ZoneInfo("Europe/Oslo")

__all__ = ["OSLO", "InvalidInput"]
