"""Core models: organisations, users and roles, persons, access (sperring, nødtilgang), audit trail."""

from helhet.core.models.access import Nodtilgang, Sperring
from helhet.core.models.audit import AuditAction, AuditEvent, AuditHead
from helhet.core.models.organisations import Bydel, Enhet, Kommune, Kontaktpunkt, Leverandor, Team
from helhet.core.models.persons import (
    Fastlege,
    Parorende,
    Samtykke,
    Tjenestemottaker,
    TjenestemottakerTeam,
    Verge,
)
from helhet.core.models.users import Role, RoleAssignment, User, UserKind

__all__ = [
    "AuditAction",
    "AuditEvent",
    "AuditHead",
    "Bydel",
    "Enhet",
    "Fastlege",
    "Kommune",
    "Kontaktpunkt",
    "Leverandor",
    "Nodtilgang",
    "Parorende",
    "Role",
    "RoleAssignment",
    "Samtykke",
    "Sperring",
    "Team",
    "Tjenestemottaker",
    "TjenestemottakerTeam",
    "User",
    "UserKind",
    "Verge",
]
