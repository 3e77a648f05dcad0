"""Organisations: Kommune → Bydel (with its Kontaktpunkt); Leverandør → Enhet → Team."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from helhet.core.rules import orgnr


def validate_orgnr(value: str) -> None:
    try:
        orgnr.validate(value)
    except orgnr.InvalidOrgnr as exc:
        raise ValidationError(exc.message, code="invalid_orgnr") from exc


class Kommune(models.Model):
    """A municipality. Owns the decisions (vedtak) through its bydeler."""

    navn = models.CharField("navn", max_length=100)
    kommunenummer = models.CharField(
        "kommunenummer",
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^\d{4}$", "Kommunenummeret har fire siffer.")],
    )

    class Meta:
        verbose_name = "kommune"
        verbose_name_plural = "kommuner"
        ordering = ["navn"]

    def __str__(self) -> str:
        return self.navn


class Bydel(models.Model):
    """A city district: where case handling happens (in Oslo the bydel decides)."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="bydeler")
    navn = models.CharField("navn", max_length=100)
    bydelsnummer = models.CharField("bydelsnummer", max_length=6, blank=True)

    class Meta:
        verbose_name = "bydel"
        verbose_name_plural = "bydeler"
        ordering = ["navn"]
        constraints = [models.UniqueConstraint(fields=["kommune", "navn"], name="bydel_unique_name")]

    def __str__(self) -> str:
        return self.navn


class Kontaktpunkt(models.Model):
    """«Én dør inn»: where every inquiry to the bydel arrives (seed 004, ch. 4)."""

    bydel = models.OneToOneField(Bydel, on_delete=models.CASCADE, related_name="kontaktpunkt")
    telefon = models.CharField("telefon", max_length=20)
    epost = models.EmailField("e-post")
    besoksadresse = models.CharField("besøksadresse", max_length=200, blank=True)
    apningstid = models.CharField("åpningstid", max_length=200, blank=True)

    class Meta:
        verbose_name = "kontaktpunkt"
        verbose_name_plural = "kontaktpunkt"

    def __str__(self) -> str:
        return f"Kontaktpunkt {self.bydel}"


class Leverandor(models.Model):
    """A provider that delivers services: the municipality's own, or a private one."""

    class Type(models.TextChoices):
        KOMMUNAL = "kommunal", "Kommunal"
        PRIVAT = "privat", "Privat"

    navn = models.CharField("navn", max_length=200)
    organisasjonsnummer = models.CharField(
        "organisasjonsnummer", max_length=9, unique=True, validators=[validate_orgnr]
    )
    type = models.CharField("type", max_length=10, choices=Type.choices)
    kommune = models.ForeignKey(
        Kommune, on_delete=models.PROTECT, related_name="leverandorer", help_text="Kommunen det leveres i."
    )

    class Meta:
        verbose_name = "leverandør"
        verbose_name_plural = "leverandører"
        ordering = ["navn"]

    def __str__(self) -> str:
        return self.navn

    def clean(self) -> None:
        if self.organisasjonsnummer:
            self.organisasjonsnummer = orgnr.validate(self.organisasjonsnummer)


class Enhet(models.Model):
    """A unit of a provider (e.g. «Hjemmetjenesten Nord»)."""

    leverandor = models.ForeignKey(Leverandor, on_delete=models.PROTECT, related_name="enheter")
    navn = models.CharField("navn", max_length=200)

    class Meta:
        verbose_name = "enhet"
        verbose_name_plural = "enheter"
        ordering = ["leverandor__navn", "navn"]

    def __str__(self) -> str:
        return f"{self.navn} ({self.leverandor})"


class Team(models.Model):
    """A team in a unit; the staff who serve a person come from their team."""

    enhet = models.ForeignKey(Enhet, on_delete=models.PROTECT, related_name="team")
    navn = models.CharField("navn", max_length=200)
    bydeler = models.ManyToManyField(Bydel, blank=True, related_name="team", verbose_name="dekker bydeler")
    # Where the team's shifts start and end (the base), and how the staff travel between visits.
    base_adresse = models.CharField("teamets base (adresse)", max_length=200, blank=True)
    base_breddegrad = models.DecimalField("basens breddegrad", max_digits=9, decimal_places=6, null=True, blank=True)
    base_lengdegrad = models.DecimalField("basens lengdegrad", max_digits=9, decimal_places=6, null=True, blank=True)
    reisemate = models.CharField(
        "reisemåte mellom besøk",
        max_length=20,
        default="bil",
        choices=[("bil", "Bil"), ("sykkel", "Sykkel"), ("gange", "Til fots"), ("kollektiv", "Kollektivt")],
    )

    class Meta:
        verbose_name = "team"
        verbose_name_plural = "team"
        ordering = ["enhet__navn", "navn"]

    def __str__(self) -> str:
        return self.navn
