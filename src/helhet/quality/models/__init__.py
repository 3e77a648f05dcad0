"""The quality system's records (issue 7), one module per area; importing them here registers the models.

- :mod:`.avvik` — deviation reports and their measures
- :mod:`.varsling` — whistleblowing cases, their dialogue and named recipients (own narrow access)
- :mod:`.klager` — complaints on the service (not on a vedtak)
- :mod:`.revisjon` — audit plans, internal and external audits, findings, certificates
- :mod:`.dokumenter` — controlled procedures, versions, read-and-acknowledge
- :mod:`.ros` — risk and vulnerability analyses
- :mod:`.undersokelser` — questionnaires, rounds and anonymous answers
"""

from helhet.quality.models.avvik import Avvik, AvvikKategori, AvvikTiltak
from helhet.quality.models.dokumenter import *  # noqa: F403
from helhet.quality.models.klager import *  # noqa: F403
from helhet.quality.models.revisjon import *  # noqa: F403
from helhet.quality.models.ros import *  # noqa: F403
from helhet.quality.models.undersokelser import *  # noqa: F403
from helhet.quality.models.varsling import *  # noqa: F403

__all__ = ["Avvik", "AvvikKategori", "AvvikTiltak"]
