"""Complaints on the service (issue 7 point 3, EQUASS criterion 17).

A :class:`Tjenesteklage` is a complaint from a person, a relative, the purchaser (the bydel) or
someone else about how the service is delivered. It is *not* a complaint on a vedtak: those are
``helhet.cases.models.Klage`` and go to the bydel and Statsforvalteren. When a service complaint
turns out to be about the vedtak, the handler marks it (``gjelder_vedtak``) and may link the
vedtak complaint the bydel registered (``vedtaksklage``).

A complaint linked to a tjenestemottaker is person data: reads and writes go through
:func:`helhet.core.access.check` and are audited (see ``services_klager``). The free text may hold
health data; lists and figures never show it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from helhet.core.models import Enhet, Tjenestemottaker

__all__ = ["Tjenesteklage"]


class Tjenesteklage(models.Model):
    class KlagerRolle(models.TextChoices):
        TJENESTEMOTTAKER = "tjenestemottaker", "Tjenestemottakeren selv"
        PARORENDE = "parorende", "Pårørende eller verge"
        BESTILLER = "bestiller", "Bestiller (bydel/kommune)"
        ANNEN = "annen", "Andre"

    class Kanal(models.TextChoices):
        MUNTLIG = "muntlig", "Muntlig ved besøk"
        TELEFON = "telefon", "Telefon"
        EPOST = "epost", "E-post"
        BREV = "brev", "Brev"
        DIGITALT = "digitalt", "Digitalt skjema"
        MOTE = "mote", "Møte"

    class Status(models.TextChoices):
        MOTTATT = "mottatt", "Mottatt"
        UNDER_BEHANDLING = "under_behandling", "Under behandling"
        BESVART = "besvart", "Besvart"

    class Tema(models.TextChoices):
        TIDSPUNKT = "tidspunkt", "Tidspunkt og punktlighet"
        KONTINUITET = "kontinuitet", "For mange ulike ansatte"
        KVALITET = "kvalitet", "Kvaliteten på hjelpen"
        OPPFORSEL = "oppforsel", "Oppførsel og kommunikasjon"
        INFORMASJON = "informasjon", "Informasjon og medvirkning"
        ANNET = "annet", "Annet"

    class Utfall(models.TextChoices):
        MEDHOLD = "medhold", "Medhold"
        DELVIS = "delvis", "Delvis medhold"
        IKKE = "ikke_medhold", "Ikke medhold"

    enhet = models.ForeignKey(Enhet, on_delete=models.PROTECT, related_name="+")
    klager_rolle = models.CharField("hvem klaget", max_length=20, choices=KlagerRolle.choices)
    klager_navn = models.CharField("navn på den som klaget", max_length=200, blank=True)
    tjenestemottaker = models.ForeignKey(
        Tjenestemottaker, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    mottatt = models.DateField("mottatt")
    kanal = models.CharField("kanal", max_length=20, choices=Kanal.choices)
    tema = models.CharField("tema", max_length=20, choices=Tema.choices)
    beskrivelse = models.TextField("hva klagen gjelder")
    frist = models.DateField("svarfrist")
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.MOTTATT)
    registrert_av = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registrert = models.DateTimeField("registrert", auto_now_add=True)
    # Handling
    behandler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    vurdering = models.TextField("vurdering", blank=True)
    tiltak = models.TextField("tiltak", blank=True)
    avvik = models.ForeignKey("quality.Avvik", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    gjelder_vedtak = models.BooleanField("gjelder egentlig vedtaket", default=False)
    vedtaksklage = models.ForeignKey("cases.Klage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Answer
    besvart = models.DateField("besvart", null=True, blank=True)
    svarmate = models.CharField("svart hvordan", max_length=20, choices=Kanal.choices, blank=True)
    svar_sammendrag = models.TextField("hva svaret sa", blank=True)
    utfall = models.CharField("utfall", max_length=20, choices=Utfall.choices, blank=True)
    endret = models.DateTimeField("endret", auto_now=True)

    class Meta:
        verbose_name = "klage på tjenesten"
        verbose_name_plural = "klager på tjenesten"
        ordering = ["-mottatt", "-pk"]
        indexes = [models.Index(fields=["enhet", "status"]), models.Index(fields=["mottatt"])]

    def __str__(self) -> str:
        return f"Klage {self.pk}"
