"""Pure rules of case handling (kontaktpunkt to vedtak, klage and egenbetaling): no Django imports here.

Each module cites its sources in its docstring: the law paragraph, the register definition (the
IPLOS/KPR fact sheet, ``shared/facts/iplos_kpr.md``) or the Oslo standard for services in the home
(``shared/seeds/004_23b9f37a21c91c71.txt``, with line numbers). The Django app ``helhet.cases``
wraps these functions; the rules never touch the database.
"""

from __future__ import annotations


class InvalidInput(ValueError):
    """Input a person typed (or a caller passed) breaks a rule. ``message`` is Norwegian, for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
