"""Competence a tiltak requires, and the competence a staff member brings to a visit.

Sources:

- Seed 004 lines 291-297: home nursing is given by «sykepleiere, helsefagarbeidere og assistenter»
  in teams; medication handling (legemiddelhåndtering) is a task for a nurse or an authorised
  helsefagarbeider with delegated responsibility (issue 4, point 1: «medication needs a nurse or
  authorised helsefagarbeider»).
- Forskrift om legemiddelhåndtering for virksomheter og helsepersonell som yter helsehjelp § 4
  (the leader ensures that staff who handle medicines have the competence the task needs); the
  authorisation itself is registered in Helsepersonellregisteret (HPR), so an HPR number on the
  staff member is what marks «autorisert» here.

Levels, from the least to the most demanding: ``ingen`` (anyone on the team, e.g. practical help),
``helsefaglig`` (a helsefagarbeider or a nurse, e.g. personal care), ``legemiddel`` (a nurse or an
authorised helsefagarbeider: medicine rounds), ``sykepleier`` (a nurse only: wound care, injections,
assessments). A staff member's competence is the set of levels their role and authorisation give.
The levels are a plain mapping so a provider's own competence plan can refine them later.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Kompetanse(StrEnum):
    INGEN = "ingen"
    HELSEFAGLIG = "helsefaglig"
    LEGEMIDDEL = "legemiddel"
    SYKEPLEIER = "sykepleier"


LABELS: dict[str, str] = {
    Kompetanse.INGEN: "Ingen særskilt krav",
    Kompetanse.HELSEFAGLIG: "Helsefagarbeider eller sykepleier",
    Kompetanse.LEGEMIDDEL: "Legemiddelhåndtering: sykepleier eller autorisert helsefagarbeider",
    Kompetanse.SYKEPLEIER: "Sykepleier",
}


def competences(roles: Iterable[str], authorised: bool) -> frozenset[str]:
    """The levels a staff member with ``roles`` (and an HPR authorisation or not) may cover."""
    roles = set(roles)
    levels = {Kompetanse.INGEN.value}
    if "sykepleier" in roles:
        levels |= {Kompetanse.HELSEFAGLIG, Kompetanse.LEGEMIDDEL, Kompetanse.SYKEPLEIER}
    if "helsefagarbeider" in roles:
        levels.add(Kompetanse.HELSEFAGLIG)
        if authorised:
            levels.add(Kompetanse.LEGEMIDDEL)
    return frozenset(str(level) for level in levels)


def required(level: str) -> frozenset[str]:
    """The competence set a visit requires: empty for «ingen» (no requirement to meet)."""
    if not level or level == Kompetanse.INGEN:
        return frozenset()
    return frozenset({Kompetanse(level).value})


def meets(staff: frozenset[str], level: str) -> bool:
    return required(level) <= staff
