"""Internal and external audits and certificates (issue 7 point 4).

- :class:`RevisjonsPlan` — the audit plan of one provider (leverandør) for one year, with its
  :class:`PlanlagtRevisjon` lines (topic / standard clause, enhet, month, lead auditor).
- :class:`Revisjon` — one audit, internal or external (then with the external body's name): scope,
  status planlagt → pågår → rapportert → lukket, and, when started from repeated or serious avvik,
  its source (enhet, category, the avvik ids and the reason the rule gave).
- :class:`SjekklistePunkt` — the checklist: a requirement with its reference («ISO 9001 7.2») and
  the answer (samsvar / ikke samsvar / ikke relevant) with a comment.
- :class:`Funn` — a finding: avvik (nonconformity) / merknad / observasjon.
- :class:`KorrigerendeTiltak` — a corrective action on a finding: owner and deadline (both
  required), closed with the done date and the evaluation of its effect.
- :class:`Sertifikat` and :class:`Oppfolgingsrevisjon` — certificates (ISO 9001, 14001, 45001,
  27001, EQUASS) with scope, issuer, validity and the follow-up (surveillance) audit dates.

Audits hold no person data by design (no link to a tjenestemottaker); the free text is about the
service and the management system. Every write goes through :mod:`helhet.quality.services_revisjon`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from helhet.core.models import Enhet, Leverandor

__all__ = [
    "Funn",
    "KorrigerendeTiltak",
    "Oppfolgingsrevisjon",
    "PlanlagtRevisjon",
    "Revisjon",
    "RevisjonsPlan",
    "Sertifikat",
    "SjekklistePunkt",
]


class RevisjonsPlan(models.Model):
    """The audit plan of one provider for one calendar year."""

    leverandor = models.ForeignKey(Leverandor, on_delete=models.PROTECT, related_name="+")
    aar = models.PositiveSmallIntegerField("år")
    opprettet = models.DateTimeField("opprettet", auto_now_add=True)

    class Meta:
        verbose_name = "revisjonsplan"
        verbose_name_plural = "revisjonsplaner"
        ordering = ["-aar", "leverandor__navn"]
        constraints = [models.UniqueConstraint(fields=["leverandor", "aar"], name="revisjonsplan_en_per_aar")]

    def __str__(self) -> str:
        return f"Revisjonsplan {self.aar} – {self.leverandor}"


class PlanlagtRevisjon(models.Model):
    """One line of the plan: what is audited, where, which month, by whom."""

    plan = models.ForeignKey(RevisjonsPlan, on_delete=models.CASCADE, related_name="linjer")
    tema = models.CharField("tema", max_length=200)
    krav = models.CharField("standard/krav", max_length=120, blank=True, help_text="For eksempel «ISO 9001 9.2».")
    enhet = models.ForeignKey(Enhet, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    maned = models.PositiveSmallIntegerField("planlagt måned")
    revisjonsleder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "planlagt revisjon"
        verbose_name_plural = "planlagte revisjoner"
        ordering = ["maned", "pk"]

    def __str__(self) -> str:
        return self.tema


class Revisjon(models.Model):
    class Type(models.TextChoices):
        INTERN = "intern", "Internrevisjon"
        EKSTERN = "ekstern", "Ekstern revisjon"

    class Status(models.TextChoices):
        PLANLAGT = "planlagt", "Planlagt"
        PAGAR = "pagar", "Pågår"
        RAPPORTERT = "rapportert", "Rapportert"
        LUKKET = "lukket", "Lukket"

    leverandor = models.ForeignKey(Leverandor, on_delete=models.PROTECT, related_name="+")
    enhet = models.ForeignKey(Enhet, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    planlagt_revisjon = models.OneToOneField(
        PlanlagtRevisjon, null=True, blank=True, on_delete=models.SET_NULL, related_name="revisjon"
    )
    sertifikat = models.ForeignKey(
        "Sertifikat", null=True, blank=True, on_delete=models.SET_NULL, related_name="revisjoner"
    )
    type = models.CharField("type", max_length=10, choices=Type.choices, default=Type.INTERN)
    eksternt_organ = models.CharField("eksternt revisjonsorgan", max_length=200, blank=True)
    tittel = models.CharField("tittel", max_length=200)
    omfang = models.TextField("omfang", blank=True)
    revisjonsleder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    planlagt_dato = models.DateField("planlagt dato", null=True, blank=True)
    gjennomfort_dato = models.DateField("gjennomført", null=True, blank=True)
    status = models.CharField("status", max_length=12, choices=Status.choices, default=Status.PLANLAGT)
    rapport = models.TextField("oppsummering i rapporten", blank=True)
    rapportert = models.DateField("rapportert", null=True, blank=True)
    lukket = models.DateField("lukket", null=True, blank=True)
    # Started from a suggestion after repeated or serious avvik (rules.avvik_tall.suggest_audits)
    kilde_kategori = models.CharField("avvikskategori (kilde)", max_length=100, blank=True)
    kilde_avvik = models.JSONField("avvik som ga forslaget", default=list, blank=True)
    kilde_begrunnelse = models.TextField("begrunnelse for forslaget", blank=True)
    opprettet_av = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opprettet = models.DateTimeField("opprettet", auto_now_add=True)
    endret = models.DateTimeField("endret", auto_now=True)

    class Meta:
        verbose_name = "revisjon"
        verbose_name_plural = "revisjoner"
        ordering = ["-planlagt_dato", "-pk"]
        indexes = [models.Index(fields=["leverandor", "status"]), models.Index(fields=["enhet", "status"])]

    def __str__(self) -> str:
        return self.tittel

    @property
    def fra_avvik(self) -> bool:
        return bool(self.kilde_begrunnelse)

    @property
    def dato(self) -> dt.date | None:
        """The audit's date for the figures: when done, else when planned."""
        return self.gjennomfort_dato or self.planlagt_dato


class SjekklistePunkt(models.Model):
    class Svar(models.TextChoices):
        SAMSVAR = "samsvar", "Samsvar"
        IKKE_SAMSVAR = "ikke_samsvar", "Ikke samsvar"
        IKKE_RELEVANT = "ikke_relevant", "Ikke relevant"

    revisjon = models.ForeignKey(Revisjon, on_delete=models.CASCADE, related_name="sjekkliste")
    sporsmal = models.TextField("spørsmål/krav")
    referanse = models.CharField("referanse", max_length=120, blank=True, help_text="For eksempel «ISO 9001 7.2».")
    svar = models.CharField("svar", max_length=15, choices=Svar.choices, blank=True)
    kommentar = models.TextField("kommentar", blank=True)
    rekkefolge = models.PositiveSmallIntegerField("rekkefølge", default=0)

    class Meta:
        verbose_name = "sjekklistepunkt"
        verbose_name_plural = "sjekklistepunkter"
        ordering = ["rekkefolge", "pk"]

    def __str__(self) -> str:
        return self.sporsmal[:60]


class Funn(models.Model):
    class Type(models.TextChoices):
        AVVIK = "avvik", "Avvik"
        MERKNAD = "merknad", "Merknad"
        OBSERVASJON = "observasjon", "Observasjon"

    revisjon = models.ForeignKey(Revisjon, on_delete=models.CASCADE, related_name="funn")
    type = models.CharField("type funn", max_length=12, choices=Type.choices)
    beskrivelse = models.TextField("beskrivelse")
    referanse = models.CharField("krav/referanse", max_length=120, blank=True)
    sjekklistepunkt = models.ForeignKey(
        SjekklistePunkt, null=True, blank=True, on_delete=models.SET_NULL, related_name="funn"
    )
    opprettet = models.DateTimeField("opprettet", auto_now_add=True)

    class Meta:
        verbose_name = "funn"
        verbose_name_plural = "funn"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_type_display()}: {self.beskrivelse[:50]}"


class KorrigerendeTiltak(models.Model):
    """A corrective action on a finding: owner and deadline required; closed with done date and effect."""

    funn = models.ForeignKey(Funn, on_delete=models.CASCADE, related_name="tiltak")
    beskrivelse = models.TextField("tiltak")
    ansvarlig = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    frist = models.DateField("frist")
    utfort = models.DateField("utført", null=True, blank=True)
    effekt = models.TextField("vurdering av effekt", blank=True)
    lukket_av = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opprettet = models.DateTimeField("opprettet", auto_now_add=True)

    class Meta:
        verbose_name = "korrigerende tiltak"
        verbose_name_plural = "korrigerende tiltak"
        ordering = ["frist", "pk"]

    def __str__(self) -> str:
        return self.beskrivelse[:60]

    @property
    def lukket(self) -> bool:
        return self.utfort is not None


class Sertifikat(models.Model):
    class Standard(models.TextChoices):
        ISO_9001 = "iso9001", "ISO 9001 (kvalitet)"
        ISO_14001 = "iso14001", "ISO 14001 (miljø)"
        ISO_45001 = "iso45001", "ISO 45001 (arbeidsmiljø)"
        ISO_27001 = "iso27001", "ISO/IEC 27001 (informasjonssikkerhet)"
        EQUASS = "equass", "EQUASS Assurance"

    leverandor = models.ForeignKey(Leverandor, on_delete=models.PROTECT, related_name="+")
    standard = models.CharField("standard", max_length=10, choices=Standard.choices)
    omfang = models.TextField("omfang")
    utsteder = models.CharField("utsteder (sertifiseringsorgan)", max_length=200)
    sertifikatnummer = models.CharField("sertifikatnummer", max_length=60, blank=True)
    gyldig_fra = models.DateField("gyldig fra")
    gyldig_til = models.DateField("gyldig til")
    opprettet = models.DateTimeField("opprettet", auto_now_add=True)
    endret = models.DateTimeField("endret", auto_now=True)

    class Meta:
        verbose_name = "sertifikat"
        verbose_name_plural = "sertifikater"
        ordering = ["gyldig_til", "standard"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(gyldig_til__gte=models.F("gyldig_fra")), name="sertifikat_til_etter_fra"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_standard_display()} – {self.leverandor}"


class Oppfolgingsrevisjon(models.Model):
    """A follow-up (surveillance) or recertification audit date of a certificate."""

    class Type(models.TextChoices):
        OVERVAKING = "overvaking", "Oppfølgingsrevisjon"
        FORNYELSE = "fornyelse", "Resertifisering"

    sertifikat = models.ForeignKey(Sertifikat, on_delete=models.CASCADE, related_name="oppfolging")
    type = models.CharField("type", max_length=12, choices=Type.choices, default=Type.OVERVAKING)
    dato = models.DateField("dato")
    gjennomfort = models.DateField("gjennomført", null=True, blank=True)

    class Meta:
        verbose_name = "oppfølgingsrevisjon"
        verbose_name_plural = "oppfølgingsrevisjoner"
        ordering = ["dato", "pk"]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.dato}"
