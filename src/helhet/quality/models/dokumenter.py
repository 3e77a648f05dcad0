"""Dokumentstyring (issue 7 point 5): procedures (rutiner), their versions, and read-and-acknowledge.

A :class:`Rutine` belongs to a provider and has an owner, a review date and the roles that must
read it (:class:`RutineLeseplikt`, one row per core ``Role`` value). Its text lives in
:class:`RutineVersjon`: a version is a draft until approved; approving a version makes it the
procedure's current version (``Rutine.gjeldende``). Staff acknowledge a *version*
(:class:`Lesebekreftelse`), so a new approved version starts with no acknowledgements.

Procedures are not person data (they name staff only as owner, approver and reader).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from helhet.core.models import Leverandor, Role

__all__ = ["Lesebekreftelse", "Rutine", "RutineLeseplikt", "RutineVersjon"]


class Rutine(models.Model):
    leverandor = models.ForeignKey(Leverandor, on_delete=models.PROTECT, related_name="+")
    nummer = models.CharField("dokumentnummer", max_length=30, blank=True)
    tittel = models.CharField("tittel", max_length=200)
    omrade = models.CharField("fagområde", max_length=100, blank=True)
    formal = models.TextField("formål (kort)", blank=True)
    eier = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revisjonsdato = models.DateField("neste revisjon", null=True, blank=True)
    gjeldende = models.ForeignKey(
        "quality.RutineVersjon", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    aktiv = models.BooleanField("aktiv", default=True)
    opprettet = models.DateTimeField("opprettet", auto_now_add=True)

    class Meta:
        verbose_name = "rutine"
        verbose_name_plural = "rutiner"
        ordering = ["nummer", "tittel"]

    def __str__(self) -> str:
        return f"{self.nummer} {self.tittel}".strip()


class RutineLeseplikt(models.Model):
    """One role that must read and acknowledge the procedure's current version."""

    rutine = models.ForeignKey(Rutine, on_delete=models.CASCADE, related_name="leseplikt")
    rolle = models.CharField("rolle", max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = "leseplikt"
        verbose_name_plural = "leseplikter"
        constraints = [models.UniqueConstraint(fields=["rutine", "rolle"], name="rutineleseplikt_unique")]

    def __str__(self) -> str:
        return self.get_rolle_display()


class RutineVersjon(models.Model):
    rutine = models.ForeignKey(Rutine, on_delete=models.CASCADE, related_name="versjoner")
    nummer = models.PositiveIntegerField("versjon")
    tekst = models.TextField("tekst")
    endringer = models.TextField("hva er endret", blank=True)
    opprettet_av = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opprettet = models.DateTimeField("opprettet", auto_now_add=True)
    godkjent_av = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    godkjent = models.DateField("godkjent", null=True, blank=True)

    class Meta:
        verbose_name = "versjon av rutine"
        verbose_name_plural = "versjoner av rutiner"
        ordering = ["rutine", "-nummer"]
        constraints = [models.UniqueConstraint(fields=["rutine", "nummer"], name="rutineversjon_unique")]

    def __str__(self) -> str:
        return f"{self.rutine} v{self.nummer}"

    @property
    def is_draft(self) -> bool:
        return self.godkjent is None


class Lesebekreftelse(models.Model):
    """A staff member has read and confirmed one version of a procedure."""

    versjon = models.ForeignKey(RutineVersjon, on_delete=models.CASCADE, related_name="bekreftelser")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    bekreftet = models.DateTimeField("bekreftet")

    class Meta:
        verbose_name = "lesebekreftelse"
        verbose_name_plural = "lesebekreftelser"
        constraints = [models.UniqueConstraint(fields=["versjon", "user"], name="lesebekreftelse_unique")]

    def __str__(self) -> str:
        return f"{self.user} leste {self.versjon}"
