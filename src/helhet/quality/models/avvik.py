"""The quality system's records. Issue 7, step 1: avvik (deviation reports) and their measures.

An :class:`Avvik` is person data when it names a tjenestemottaker or a visit: reads and writes of
such a report go through :func:`helhet.core.access.check` and are audited (see ``services``). The
risk grade is stored as the guided answers, the two axes and the resulting level from
:mod:`helhet.quality.rules.risiko`, with the rule's own sentence so the grade can be traced.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from helhet.core.models import Enhet, Tjenestemottaker
from helhet.quality.rules.risiko import NIVA_NAVN, Niva


class AvvikKategori(models.Model):
    """A category of avvik (data, so a kommune can add its own). Loaded by a migration: reference data."""

    HELHET_REFERENCE_DATA = True  # see helhet.core.demo.REFERENCE_DATA_ATTRIBUTE

    kode = models.SlugField("kode", max_length=40, unique=True)
    navn = models.CharField("navn", max_length=100)
    aktiv = models.BooleanField("aktiv", default=True)
    rekkefolge = models.PositiveSmallIntegerField("rekkefølge", default=50)

    class Meta:
        verbose_name = "avvikskategori"
        verbose_name_plural = "avvikskategorier"
        ordering = ["rekkefolge", "navn"]

    def __str__(self) -> str:
        return self.navn


class Avvik(models.Model):
    class Status(models.TextChoices):
        UTKAST = "utkast", "Utkast"
        REGISTRERT = "registrert", "Registrert"
        UNDER_BEHANDLING = "under_behandling", "Under behandling"
        LUKKET = "lukket", "Lukket"

    NIVA_CHOICES = [(niva.value, NIVA_NAVN[niva]) for niva in Niva]

    melder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    enhet = models.ForeignKey(Enhet, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kategori = models.ForeignKey(AvvikKategori, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    hva_skjedde = models.TextField("hva skjedde", blank=True)
    hvor = models.CharField("hvor", max_length=200, blank=True)
    tidspunkt = models.DateTimeField("når", null=True, blank=True)
    tjenestemottaker = models.ForeignKey(
        Tjenestemottaker, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    besok = models.ForeignKey("care.Besok", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    plantiltak = models.ForeignKey(  # the care plan's tiltak (``tiltak`` are this avvik's own measures)
        "care.Tiltak", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="tiltak i planen"
    )
    rutine = models.ForeignKey(
        "quality.Rutine", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="rutine"
    )
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.UTKAST)
    # Grading (by the meldingsansvarlig, from the guided questions)
    sannsynlighet = models.PositiveSmallIntegerField("sannsynlighet", null=True, blank=True)
    konsekvens = models.PositiveSmallIntegerField("konsekvens", null=True, blank=True)
    svar = models.JSONField("svar på veiledende spørsmål", default=dict, blank=True)
    niva = models.CharField("risikonivå", max_length=10, choices=NIVA_CHOICES, blank=True)
    gradering_begrunnelse = models.TextField("begrunnelse for graderingen", blank=True)
    gradert_av = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Handling
    meldingsansvarlig = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="avvik_til_behandling"
    )
    laering = models.TextField("hva vi lærte", blank=True)
    opprettet = models.DateTimeField("opprettet", auto_now_add=True)
    endret = models.DateTimeField("endret", auto_now=True)
    registrert = models.DateTimeField("registrert", null=True, blank=True)
    startet = models.DateTimeField("behandling startet", null=True, blank=True)
    lukket = models.DateTimeField("lukket", null=True, blank=True)
    utfall_sett = models.DateTimeField("melderen så utfallet", null=True, blank=True)

    class Meta:
        verbose_name = "avvik"
        verbose_name_plural = "avvik"
        ordering = ["-registrert", "-opprettet"]
        indexes = [
            models.Index(fields=["enhet", "status"]),
            models.Index(fields=["melder", "status"]),
        ]

    def __str__(self) -> str:
        return f"Avvik {self.pk}"

    @property
    def niva_navn(self) -> str:
        return NIVA_NAVN[Niva(self.niva)] if self.niva else ""


class AvvikTiltak(models.Model):
    """A measure taken after an avvik: who owns it, by when, and when it was done (or why it was left)."""

    avvik = models.ForeignKey(Avvik, on_delete=models.CASCADE, related_name="tiltak")
    beskrivelse = models.TextField("tiltak")
    ansvarlig = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    frist = models.DateField("frist")
    utfort = models.DateField("utført", null=True, blank=True)
    ikke_gjennomfort_grunn = models.TextField("hvorfor tiltaket ikke ble gjennomført", blank=True)
    opprettet = models.DateTimeField("opprettet", auto_now_add=True)

    class Meta:
        verbose_name = "tiltak etter avvik"
        verbose_name_plural = "tiltak etter avvik"
        ordering = ["frist", "pk"]

    def __str__(self) -> str:
        return self.beskrivelse[:60]
