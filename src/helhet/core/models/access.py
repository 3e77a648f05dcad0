"""Sperring and Nødtilgang: the two exceptions to need-to-know access."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from helhet.core.models.persons import Tjenestemottaker


class Sperring(models.Model):
    """The person bars a named staff member from their data (pasientjournalloven § 17).

    Honoured by the access check everywhere, nødtilgang included.
    """

    tjenestemottaker = models.ForeignKey(Tjenestemottaker, on_delete=models.CASCADE, related_name="sperringer")
    sperret_bruker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sperret_fra", verbose_name="sperret ansatt"
    )
    begrunnelse = models.TextField("begrunnelse", blank=True)
    opprettet = models.DateTimeField(default=timezone.now)
    opprettet_av = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    opphevet = models.DateTimeField("opphevet", null=True, blank=True)

    class Meta:
        verbose_name = "sperring"
        verbose_name_plural = "sperringer"
        constraints = [
            models.UniqueConstraint(
                fields=["tjenestemottaker", "sperret_bruker"],
                condition=models.Q(opphevet__isnull=True),
                name="sperring_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"Sperring av {self.sperret_bruker}"


class Nodtilgang(models.Model):
    """Break the glass: access outside need-to-know, with a mandatory reason, for a limited time.

    Every nødtilgang is flagged for review by the personvern-/sikkerhetsansvarlig until reviewed.
    """

    bruker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="nodtilganger")
    tjenestemottaker = models.ForeignKey(Tjenestemottaker, on_delete=models.PROTECT, related_name="nodtilganger")
    begrunnelse = models.TextField("begrunnelse")
    start = models.DateTimeField(default=timezone.now)
    utloper = models.DateTimeField("utløper")
    gjennomgatt = models.DateTimeField("gjennomgått", null=True, blank=True)
    gjennomgatt_av = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    gjennomgang_vurdering = models.CharField(
        "vurdering",
        max_length=20,
        blank=True,
        choices=[("godkjent", "Begrunnet"), ("avvik", "Ikke begrunnet – meldt som avvik")],
    )
    gjennomgang_kommentar = models.TextField("kommentar", blank=True)

    class Meta:
        verbose_name = "nødtilgang"
        verbose_name_plural = "nødtilganger"
        ordering = ["-start"]

    def __str__(self) -> str:
        return f"Nødtilgang {self.bruker} → {self.tjenestemottaker_id}"

    def is_active(self, at: object | None = None) -> bool:
        now = at or timezone.now()
        return self.start <= now < self.utloper  # type: ignore[operator]
