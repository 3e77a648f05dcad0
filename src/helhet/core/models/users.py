"""Users and roles.

Staff belong to bydeler, enheter or team through :class:`RoleAssignment`. The same ``User`` table
will hold portal users (the person, relatives, BPA work leaders); ``kind`` tells them apart, and
staff-only parts of the system require ``kind == STAFF``.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from helhet.core.models.organisations import Bydel, Enhet, Leverandor, Team


class UserKind(models.TextChoices):
    STAFF = "ansatt", "Ansatt"
    TJENESTEMOTTAKER = "tjenestemottaker", "Tjenestemottaker"
    PARORENDE = "parorende", "Pårørende"
    ARBEIDSLEDER = "arbeidsleder", "Arbeidsleder (BPA)"
    VARSELMOTTAKER = "varselmottaker", "Ekstern varslingsmottaker"


class Role(models.TextChoices):
    SAKSBEHANDLER = "saksbehandler", "Saksbehandler"
    VEDTAKSMYNDIG = "vedtaksmyndig", "Vedtaksmyndig"
    LEDER = "leder", "Leder"
    SYKEPLEIER = "sykepleier", "Sykepleier"
    HELSEFAGARBEIDER = "helsefagarbeider", "Helsefagarbeider"
    ASSISTENT = "assistent", "Assistent"
    KVALITETSLEDER = "kvalitetsleder", "Kvalitetsleder"
    PERSONVERNANSVARLIG = "personvernansvarlig", "Personvern- og sikkerhetsansvarlig"
    SYSTEMADMINISTRATOR = "systemadministrator", "Systemadministrator"
    #: Handles and closes the avvik reported at an enhet (issue 7); without one, the enhet's leder does.
    MELDINGSANSVARLIG = "meldingsansvarlig", "Meldingsansvarlig (avvik)"


#: Roles that sit in a bydel (case handling) rather than at a provider.
BYDEL_ROLES = frozenset({Role.SAKSBEHANDLER, Role.VEDTAKSMYNDIG})
#: Roles that deliver care in teams.
CARE_ROLES = frozenset({Role.SYKEPLEIER, Role.HELSEFAGARBEIDER, Role.ASSISTENT})


class User(AbstractUser):
    """A person who logs in. Staff log in with password and a TOTP second factor."""

    kind = models.CharField("brukertype", max_length=20, choices=UserKind.choices, default=UserKind.STAFF)
    telefon = models.CharField("telefon", max_length=20, blank=True)
    hpr_nummer = models.CharField(
        "HPR-nummer", max_length=9, blank=True, help_text="Helsepersonellregisteret, for autorisert personell."
    )

    class Meta:
        verbose_name = "bruker"
        verbose_name_plural = "brukere"
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_staff_user(self) -> bool:
        return self.kind == UserKind.STAFF

    def active_assignments(self, at: dt.datetime | None = None) -> models.QuerySet[RoleAssignment]:
        day = timezone.localdate(at) if at else timezone.localdate()
        return self.role_assignments.filter(
            Q(gyldig_fra__lte=day), Q(gyldig_til__isnull=True) | Q(gyldig_til__gte=day)
        ).select_related("bydel", "leverandor", "enhet__leverandor", "team__enhet")

    def roles(self, at: dt.datetime | None = None) -> set[str]:
        return {a.rolle for a in self.active_assignments(at)}

    def has_role(self, *roles: str, at: dt.datetime | None = None) -> bool:
        return bool(self.roles(at) & set(roles))

    def bydel_ids(self, roles: frozenset[str] = BYDEL_ROLES, at: dt.datetime | None = None) -> set[int]:
        """The bydeler where the user now has one of ``roles`` (default: case officer roles)."""
        return {a.bydel_id for a in self.active_assignments(at) if a.rolle in roles and a.bydel_id}


class RoleAssignment(models.Model):
    """A staff member's role in one place: a bydel, a provider, a unit or a team, for a period."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    rolle = models.CharField("rolle", max_length=30, choices=Role.choices)
    bydel = models.ForeignKey(Bydel, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    leverandor = models.ForeignKey(Leverandor, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    enhet = models.ForeignKey(Enhet, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="medlemskap")
    gyldig_fra = models.DateField("gyldig fra", default=timezone.localdate)
    gyldig_til = models.DateField("gyldig til", null=True, blank=True)

    class Meta:
        verbose_name = "rolletildeling"
        verbose_name_plural = "rolletildelinger"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(bydel__isnull=False, leverandor__isnull=True, enhet__isnull=True, team__isnull=True)
                    | Q(bydel__isnull=True, leverandor__isnull=False, enhet__isnull=True, team__isnull=True)
                    | Q(bydel__isnull=True, leverandor__isnull=True, enhet__isnull=False, team__isnull=True)
                    | Q(bydel__isnull=True, leverandor__isnull=True, enhet__isnull=True, team__isnull=False)
                    | Q(bydel__isnull=True, leverandor__isnull=True, enhet__isnull=True, team__isnull=True)
                ),
                name="roleassignment_one_place",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rolle_display()} – {self.place_label}"

    @property
    def place_label(self) -> str:
        place = self.bydel or self.team or self.enhet or self.leverandor
        return str(place) if place else "hele kommunen"

    def clean(self) -> None:
        if self.rolle in BYDEL_ROLES and self.bydel_id is None:
            raise ValidationError("Saksbehandler og vedtaksmyndig må høre til en bydel.")
        if self.rolle in CARE_ROLES and self.team_id is None:
            raise ValidationError("Sykepleier, helsefagarbeider og assistent må høre til et team.")
        if self.gyldig_til and self.gyldig_til < self.gyldig_fra:
            raise ValidationError("«Gyldig til» kan ikke være før «gyldig fra».")
