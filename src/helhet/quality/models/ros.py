"""ROS analyses (risiko- og sårbarhetsanalyser, issue 7 point 6).

An analysis belongs to one enhet; its hazards (farer) are scored on the same 5×5 matrix as avvik
(:mod:`helhet.quality.rules.risiko`), get measures (tiltak) with owner and deadline, and are scored
again after the measures (restrisiko). The level is stored beside the two axes so lists can sort and
filter, but it is always computed by the rule (``risiko.level``), never chosen.

No person data: an analysis describes what could happen in a service, not to a named person.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from helhet.core.models import Enhet
from helhet.quality.rules.risiko import NIVA_NAVN, Niva, Vurdering

__all__ = ["RosAnalyse", "RosFare", "RosTiltak"]

NIVA_CHOICES = [(niva.value, NIVA_NAVN[niva]) for niva in Niva]


class RosAnalyse(models.Model):
    class Status(models.TextChoices):
        UTKAST = "utkast", "Utkast"
        GODKJENT = "godkjent", "Godkjent"

    tittel = models.CharField("tittel", max_length=200)
    omfang = models.TextField("omfang og avgrensning", blank=True)
    enhet = models.ForeignKey(Enhet, on_delete=models.PROTECT, related_name="+")
    dato = models.DateField("dato for analysen")
    deltakere = models.TextField("deltakere", blank=True)
    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.UTKAST)
    opprettet_av = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    godkjent_av = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    godkjent = models.DateTimeField("godkjent", null=True, blank=True)
    opprettet = models.DateTimeField("opprettet", auto_now_add=True)
    endret = models.DateTimeField("endret", auto_now=True)

    class Meta:
        verbose_name = "ROS-analyse"
        verbose_name_plural = "ROS-analyser"
        ordering = ["-dato", "-pk"]

    def __str__(self) -> str:
        return self.tittel

    @property
    def godkjent_status(self) -> bool:
        return self.status == self.Status.GODKJENT


class RosFare(models.Model):
    """One hazard (uønsket hendelse): scored before measures, and again after (restrisiko)."""

    analyse = models.ForeignKey(RosAnalyse, on_delete=models.CASCADE, related_name="farer")
    nummer = models.PositiveSmallIntegerField("nummer")
    tittel = models.CharField("uønsket hendelse", max_length=200)
    beskrivelse = models.TextField("årsaker og eksisterende barrierer", blank=True)
    sannsynlighet = models.PositiveSmallIntegerField("sannsynlighet")
    konsekvens = models.PositiveSmallIntegerField("konsekvens")
    niva = models.CharField("risikonivå", max_length=10, choices=NIVA_CHOICES)
    # Guided grading (optional): the yes/no answers (``risiko.SPORSMAL`` codes) that set the consequence.
    svar = models.JSONField("svar på veiledende spørsmål", default=dict, blank=True)
    konsekvens_begrunnelse = models.TextField("begrunnelse for konsekvensen", blank=True)
    # Residual risk after the measures (empty until re-scored).
    rest_sannsynlighet = models.PositiveSmallIntegerField("sannsynlighet etter tiltak", null=True, blank=True)
    rest_konsekvens = models.PositiveSmallIntegerField("konsekvens etter tiltak", null=True, blank=True)
    rest_niva = models.CharField("risikonivå etter tiltak", max_length=10, choices=NIVA_CHOICES, blank=True)
    rest_begrunnelse = models.TextField("begrunnelse for restrisikoen", blank=True)

    class Meta:
        verbose_name = "fare i ROS-analyse"
        verbose_name_plural = "farer i ROS-analyse"
        ordering = ["analyse", "nummer"]
        constraints = [
            models.UniqueConstraint(fields=["analyse", "nummer"], name="rosfare_unique_nummer"),
            models.CheckConstraint(
                condition=models.Q(sannsynlighet__gte=1, sannsynlighet__lte=5, konsekvens__gte=1, konsekvens__lte=5),
                name="rosfare_scale_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nummer}. {self.tittel}"

    @property
    def vurdering(self) -> Vurdering:
        return Vurdering(self.sannsynlighet, self.konsekvens)

    @property
    def restvurdering(self) -> Vurdering | None:
        if self.rest_sannsynlighet is None or self.rest_konsekvens is None:
            return None
        return Vurdering(self.rest_sannsynlighet, self.rest_konsekvens)


class RosTiltak(models.Model):
    """A measure against one hazard: who owns it and by when."""

    fare = models.ForeignKey(RosFare, on_delete=models.CASCADE, related_name="tiltak")
    beskrivelse = models.TextField("tiltak")
    ansvarlig = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    frist = models.DateField("frist")
    utfort = models.DateField("utført", null=True, blank=True)
    opprettet = models.DateTimeField("opprettet", auto_now_add=True)

    class Meta:
        verbose_name = "tiltak i ROS-analyse"
        verbose_name_plural = "tiltak i ROS-analyse"
        ordering = ["frist", "pk"]

    def __str__(self) -> str:
        return self.beskrivelse[:60]
