"""Undersøkelser (issue 7 point 7): questionnaires, rounds and anonymous answers.

Anonymity is structural:

- A user survey is answered through a one-time link. :class:`SvarLenke` stores only a hash of the
  token, the group it was made for and whether it is used — no time of use. :class:`Besvarelse`
  (the answers) has no link to the token, no user and no timestamp, so nobody can tell which link
  (or whom it was given to) gave which answers.
- An employee survey is answered logged in. :class:`Deltakelse` records only *that* a user has
  answered a round (to stop a second answer), in a table with no link to the answers.

The question types are :class:`helhet.quality.rules.undersokelse.Kind`; results come from
``rules.undersokelse.aggregate`` (groups under 5 are never shown).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from helhet.core.models import Leverandor
from helhet.quality.rules.undersokelse import Kind

__all__ = ["Besvarelse", "Deltakelse", "Runde", "Svar", "SvarLenke", "Undersokelse", "UndersokelseSporsmal"]

KIND_LABELS: dict[str, str] = {
    Kind.ENIG_1_5: "Enig–uenig (1–5)",
    Kind.SKALA_1_6: "Skala 1–6 (som i nasjonale brukerundersøkelser)",
    Kind.JA_NEI: "Ja/nei",
    Kind.FRITEKST: "Fritekst",
    Kind.NPS: "Anbefale? (0–10)",
}


class Undersokelse(models.Model):
    class Malgruppe(models.TextChoices):
        BRUKER = "bruker", "Brukere og pårørende"
        ANSATT = "ansatt", "Ansatte"

    class Gruppering(models.TextChoices):
        ENHET = "enhet", "Enhet"
        SVARTYPE = "svartype", "Svartype (svareren velger selv)"

    tittel = models.CharField("tittel", max_length=200)
    malgruppe = models.CharField("målgruppe", max_length=10, choices=Malgruppe.choices)
    leverandor = models.ForeignKey(Leverandor, on_delete=models.PROTECT, related_name="+")
    innledning = models.TextField("innledning til svarerne", blank=True)
    gruppering = models.CharField("gruppering", max_length=10, choices=Gruppering.choices, default=Gruppering.ENHET)
    svartyper = models.JSONField("svartyper å velge mellom", default=list, blank=True)
    opprettet_av = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opprettet = models.DateTimeField("opprettet", auto_now_add=True)

    class Meta:
        verbose_name = "undersøkelse"
        verbose_name_plural = "undersøkelser"
        ordering = ["tittel", "pk"]

    def __str__(self) -> str:
        return self.tittel


class UndersokelseSporsmal(models.Model):
    """One question. ``kode`` is stable across rounds, so rounds can be compared question by question."""

    KIND_CHOICES = [(kind.value, KIND_LABELS[kind]) for kind in Kind]

    undersokelse = models.ForeignKey(Undersokelse, on_delete=models.CASCADE, related_name="sporsmal")
    rekkefolge = models.PositiveSmallIntegerField("rekkefølge")
    kode = models.SlugField("kode", max_length=40)
    type = models.CharField("spørsmålstype", max_length=20, choices=KIND_CHOICES)
    tekst = models.CharField("spørsmål", max_length=400)

    class Meta:
        verbose_name = "spørsmål"
        verbose_name_plural = "spørsmål"
        ordering = ["undersokelse", "rekkefolge", "pk"]
        constraints = [models.UniqueConstraint(fields=["undersokelse", "kode"], name="sporsmal_unique_kode")]

    def __str__(self) -> str:
        return self.tekst

    @property
    def kind(self) -> Kind:
        return Kind(self.type)


class Runde(models.Model):
    """One round: the survey is open for answers from ``apnes`` to ``stenges`` (both days included)."""

    undersokelse = models.ForeignKey(Undersokelse, on_delete=models.CASCADE, related_name="runder")
    navn = models.CharField("navn", max_length=100)
    apnes = models.DateField("åpnes")
    stenges = models.DateField("stenges")
    opprettet = models.DateTimeField("opprettet", auto_now_add=True)

    class Meta:
        verbose_name = "runde"
        verbose_name_plural = "runder"
        ordering = ["undersokelse", "-apnes", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(stenges__gte=models.F("apnes")), name="runde_stenges_etter_apnes")
        ]

    def __str__(self) -> str:
        return f"{self.undersokelse} – {self.navn}"


class SvarLenke(models.Model):
    """A one-time answer link. Only the token's hash is stored; no time of use, no link to the answers."""

    runde = models.ForeignKey(Runde, on_delete=models.CASCADE, related_name="lenker")
    token_hash = models.CharField("token (hash)", max_length=64, unique=True)
    gruppe = models.CharField("gruppe", max_length=100, blank=True)
    brukt = models.BooleanField("brukt", default=False)

    class Meta:
        verbose_name = "svarlenke"
        verbose_name_plural = "svarlenker"

    def __str__(self) -> str:
        return f"Svarlenke {self.pk}"


class Deltakelse(models.Model):
    """That a staff member has answered a round: nothing else, and no link to the answers."""

    # A random key: a sequential one would give away the order of answering (and so who answered what).
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    runde = models.ForeignKey(Runde, on_delete=models.CASCADE, related_name="deltakelser")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "deltakelse"
        verbose_name_plural = "deltakelser"
        constraints = [models.UniqueConstraint(fields=["runde", "user"], name="deltakelse_en_per_runde")]

    def __str__(self) -> str:
        return f"Deltakelse {self.pk}"


class Besvarelse(models.Model):
    """One anonymous set of answers: the round and the group only (no user, no token, no time)."""

    # A random key: a sequential one would give away the order of answering (and so who answered what).
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    runde = models.ForeignKey(Runde, on_delete=models.CASCADE, related_name="besvarelser")
    gruppe = models.CharField("gruppe", max_length=100, blank=True)

    class Meta:
        verbose_name = "besvarelse"
        verbose_name_plural = "besvarelser"

    def __str__(self) -> str:
        return f"Besvarelse {self.pk}"


class Svar(models.Model):
    """One answer: ``verdi`` is an int (scale), a bool (ja/nei), a text, or null («vet ikke»)."""

    # A random key: a sequential one would give away the order of answering (and so who answered what).
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    besvarelse = models.ForeignKey(Besvarelse, on_delete=models.CASCADE, related_name="svar")
    sporsmal = models.ForeignKey(UndersokelseSporsmal, on_delete=models.PROTECT, related_name="+")
    verdi = models.JSONField("svar", null=True, blank=True)

    class Meta:
        verbose_name = "svar"
        verbose_name_plural = "svar"
        constraints = [models.UniqueConstraint(fields=["besvarelse", "sporsmal"], name="svar_ett_per_sporsmal")]

    def __str__(self) -> str:
        return f"Svar {self.pk}"
