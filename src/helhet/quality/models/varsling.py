"""Varsling (whistleblowing, arbeidsmiljøloven ch. 2 A), issue 7 point 2: a channel of its own.

Access is narrow on purpose: a case is seen only by the **named recipients** of its provider and
channel (:class:`VarslingMottaker`), never by a role as such: a leder, kvalitetsleder or
meldingsansvarlig sees nothing unless named. A provider names *internal* recipients (staff) and/or
*external* ones (e.g. an audit firm with a login of its own, user kind :data:`VARSELMOTTAKER_KIND`);
the reporter chooses the channel.

What is never stored for the anonymous channel: IP addresses, user agents or other device data, and
no time finer than the day for anything the reporter does (``mottatt`` and the reporter's messages
carry a date only), so a web server's access log cannot be matched to a case by its time stamp.
The case code is stored only as a keyed hash (:attr:`VarslingSak.kode_hmac`), the passphrase as an
Argon2id hash (:mod:`helhet.quality.rules.varsling`).

Retention: when a case is closed, ``slettes`` is set by :func:`rules.varsling.deletion_due`; on that
day the content (text, messages, notes, reporter, code, passphrase) is deleted and only an anonymous
tally (dates, channel, status, outcome) remains (``slettet`` set), as ``rules.varsling.RETENTION_NOTE``
allows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from helhet.core.models import Leverandor, UserKind
from helhet.quality.rules.varsling import Utfall

#: ``User.kind`` of an external recipient's login (an audit firm): reaches only pages marked
#: ``portal_view`` (``RequireVerifiedStaffMiddleware``), and the varsling recipient pages are the only
#: such pages that let it in. Not (yet) one of ``core.models.UserKind``'s choices: see the notes.
VARSELMOTTAKER_KIND = UserKind.VARSELMOTTAKER.value

UTFALL_CHOICES = [
    (Utfall.IKKE_VARSLING.value, "Ikke en varslingssak (sendt videre)"),
    (Utfall.UBEGRUNNET.value, "Undersøkt, ingen kritikkverdige forhold funnet"),
    (Utfall.BEGRUNNET.value, "Kritikkverdige forhold funnet og fulgt opp"),
    (Utfall.RETTSLIG.value, "Rettslig eller disiplinær prosess pågår"),
]


class Kanal(models.TextChoices):
    INTERN = "intern", "Intern mottaker"
    EKSTERN = "ekstern", "Ekstern mottaker"


class VarslingMottaker(models.Model):
    """A named recipient of a provider's varsling cases in one channel (internal or external)."""

    leverandor = models.ForeignKey(Leverandor, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="varsling_mottak")
    kanal = models.CharField("kanal", max_length=10, choices=Kanal.choices)
    organisasjon = models.CharField("organisasjon", max_length=200, blank=True, help_text="For ekstern mottaker.")
    aktiv = models.BooleanField("aktiv", default=True)
    opprettet = models.DateTimeField("opprettet", auto_now_add=True)

    class Meta:
        verbose_name = "varslingsmottaker"
        verbose_name_plural = "varslingsmottakere"
        constraints = [models.UniqueConstraint(fields=["leverandor", "user", "kanal"], name="varslingmottaker_unik")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_kanal_display()})"


class VarslingSak(models.Model):
    class Status(models.TextChoices):
        MOTTATT = "mottatt", "Mottatt"
        UNDER_UNDERSOKELSE = "under_undersokelse", "Under undersøkelse"
        AVSLUTTET = "avsluttet", "Avsluttet"

    leverandor = models.ForeignKey(Leverandor, on_delete=models.PROTECT, related_name="+")
    kanal = models.CharField("kanal", max_length=10, choices=Kanal.choices)
    anonym = models.BooleanField("anonym", default=True)
    #: The reporter of a named case (``None`` when anonymous, and after deletion).
    melder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    beskrivelse = models.TextField("hva gjelder varselet", blank=True)
    tidsrom = models.CharField("når skjedde det", max_length=200, blank=True)
    kode_hmac = models.CharField("saksnummer (nøkkelhash)", max_length=64, null=True, blank=True, unique=True)
    passfrase_hash = models.CharField("passfrase (Argon2id)", max_length=255, blank=True)
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.MOTTATT)
    utfall = models.CharField("utfall", max_length=20, choices=UTFALL_CHOICES, blank=True)
    mottatt = models.DateField("mottatt")
    kvittert = models.DateField("første svar fra mottaker", null=True, blank=True)
    avsluttet = models.DateField("avsluttet", null=True, blank=True)
    slettes = models.DateField("slettes", null=True, blank=True)
    slette_regel = models.TextField("sletteregel", blank=True)
    slettet = models.DateField("innholdet slettet", null=True, blank=True)
    nytt_fra_melder = models.BooleanField("nytt fra melderen", default=False)
    nytt_fra_mottaker = models.BooleanField("nytt fra mottakeren", default=False)

    class Meta:
        verbose_name = "varslingssak"
        verbose_name_plural = "varslingssaker"
        ordering = ["-mottatt", "-pk"]
        indexes = [models.Index(fields=["leverandor", "kanal", "status"]), models.Index(fields=["slettes"])]

    def __str__(self) -> str:
        return f"Varsling {self.pk}"


class VarslingMelding(models.Model):
    """One message in the case's dialogue, from the reporter or from a recipient."""

    class Fra(models.TextChoices):
        MELDER = "melder", "Varsleren"
        MOTTAKER = "mottaker", "Mottakeren"

    sak = models.ForeignKey(VarslingSak, on_delete=models.CASCADE, related_name="meldinger")
    fra = models.CharField("fra", max_length=10, choices=Fra.choices)
    #: The recipient who wrote it (never set for the reporter: the case says who a named reporter is).
    forfatter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tekst = models.TextField("melding")
    dato = models.DateField("dato")

    class Meta:
        verbose_name = "melding i varslingssak"
        verbose_name_plural = "meldinger i varslingssaker"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Melding {self.pk}"


class VarslingNotat(models.Model):
    """An internal note by a recipient; never shown to the reporter."""

    sak = models.ForeignKey(VarslingSak, on_delete=models.CASCADE, related_name="notater")
    forfatter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    tekst = models.TextField("notat")
    opprettet = models.DateTimeField("opprettet", auto_now_add=True)

    class Meta:
        verbose_name = "internt notat i varslingssak"
        verbose_name_plural = "interne notater i varslingssaker"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Notat {self.pk}"


class VarslingForsok(models.Model):
    """Rate-limit state for passphrase tries (``rules.varsling.KeyState``), shared by all web processes.

    ``nokkel`` is a keyed hash of the typed case code (or the global bucket's name), never an address.
    """

    nokkel = models.CharField("nøkkel", max_length=80, unique=True)
    tilstand = models.JSONField("tilstand", default=dict)

    class Meta:
        verbose_name = "forsøk på varslingssak"
        verbose_name_plural = "forsøk på varslingssaker"

    def __str__(self) -> str:
        return self.nokkel[:12]


__all__ = ["VarslingForsok", "VarslingMelding", "VarslingMottaker", "VarslingNotat", "VarslingSak"]
