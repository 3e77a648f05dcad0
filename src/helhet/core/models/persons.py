"""Persons: Tjenestemottaker, Pårørende, Verge, Fastlege and Samtykke.

The identity number is stored once, compact, and besides it a keyed digest used for search, so a
search by number is an exact lookup and never a LIKE over numbers. Screens show it masked
(``DDMMÅÅ *****``) unless the task needs it in full; showing it in full is audited on its own.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from helhet.core.models.organisations import Bydel, Team
from helhet.core.rules import identity


def id_search_key() -> bytes:
    return ("fnr-search:" + settings.SECRET_KEY).encode()


def validate_person_id(value: str) -> None:
    try:
        identity.parse(value)
    except identity.InvalidPersonId as exc:
        raise ValidationError(exc.message, code="invalid_person_id") from exc


class Fastlege(models.Model):
    """The person's GP (fastlege), who holds the medical coordination responsibility."""

    navn = models.CharField("navn", max_length=200)
    hpr_nummer = models.CharField("HPR-nummer", max_length=9, blank=True)
    legekontor = models.CharField("legekontor", max_length=200)
    telefon = models.CharField("telefon", max_length=20, blank=True)
    adresse = models.CharField("adresse", max_length=200, blank=True)

    class Meta:
        verbose_name = "fastlege"
        verbose_name_plural = "fastleger"
        ordering = ["navn"]

    def __str__(self) -> str:
        return f"{self.navn}, {self.legekontor}"


class Tjenestemottaker(models.Model):
    """A person who applies for or receives services in the home."""

    class Kjonn(models.TextChoices):
        KVINNE = "K", "Kvinne"
        MANN = "M", "Mann"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    fodselsnummer = models.CharField("fødselsnummer eller D-nummer", max_length=11, validators=[validate_person_id])
    fodselsnummer_digest = models.CharField(max_length=64, unique=True, editable=False)
    fodselsdato = models.DateField("fødselsdato", editable=False)
    kjonn = models.CharField("kjønn", max_length=1, choices=Kjonn.choices, blank=True)
    fornavn = models.CharField("fornavn", max_length=100)
    etternavn = models.CharField("etternavn", max_length=100)
    adresse = models.CharField("adresse", max_length=200)
    postnummer = models.CharField("postnummer", max_length=4)
    poststed = models.CharField("poststed", max_length=100)
    breddegrad = models.DecimalField("breddegrad", max_digits=9, decimal_places=6, null=True, blank=True)
    lengdegrad = models.DecimalField("lengdegrad", max_digits=9, decimal_places=6, null=True, blank=True)
    telefon = models.CharField("telefon", max_length=20, blank=True)
    sprak = models.CharField("språk", max_length=50, default="norsk")
    tolkebehov = models.BooleanField("trenger tolk", default=False)
    bydel = models.ForeignKey(Bydel, on_delete=models.PROTECT, related_name="tjenestemottakere")
    fastlege = models.ForeignKey(Fastlege, null=True, blank=True, on_delete=models.SET_NULL, related_name="pasienter")
    saksbehandler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="saker",
        verbose_name="saksbehandler (saksansvarlig)",
    )
    primaerkontakt = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="primaerkontakt_for",
        verbose_name="primærkontakt",
    )
    portal_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tjenestemottaker_profil",
    )
    opprettet = models.DateTimeField(auto_now_add=True)
    endret = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "tjenestemottaker"
        verbose_name_plural = "tjenestemottakere"
        ordering = ["etternavn", "fornavn"]
        indexes = [models.Index(fields=["etternavn", "fornavn"]), models.Index(fields=["fodselsdato"])]

    def __str__(self) -> str:
        return self.fullt_navn

    def save(self, *args: object, **kwargs: object) -> None:
        if self.fodselsnummer and not self.fodselsnummer_digest:
            self.set_fodselsnummer(self.fodselsnummer)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def fullt_navn(self) -> str:
        return f"{self.fornavn} {self.etternavn}"

    @property
    def fodselsnummer_maskert(self) -> str:
        return identity.mask(self.fodselsnummer)

    @property
    def alder(self) -> int:
        today = timezone.localdate()
        born = self.fodselsdato
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    def set_fodselsnummer(self, number: str) -> None:
        parsed = identity.parse(number)
        self.fodselsnummer = parsed.number
        self.fodselsdato = parsed.birth_date
        self.fodselsnummer_digest = identity.search_digest(parsed.number, id_search_key())

    @classmethod
    def digest_for(cls, number: str) -> str:
        return identity.search_digest(number, id_search_key())


class TjenestemottakerTeam(models.Model):
    """A team serving a person for a period. Membership of such a team is a ground for access."""

    tjenestemottaker = models.ForeignKey(Tjenestemottaker, on_delete=models.CASCADE, related_name="team_tilknytning")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="tjenestemottaker_tilknytning")
    fra = models.DateField("fra", default=timezone.localdate)
    til = models.DateField("til", null=True, blank=True)

    class Meta:
        verbose_name = "team som betjener tjenestemottakeren"
        verbose_name_plural = "team som betjener tjenestemottakeren"

    def __str__(self) -> str:
        return f"{self.team} – {self.tjenestemottaker}"

    @staticmethod
    def active_q(day: dt.date, prefix: str = "") -> Q:
        return Q(**{f"{prefix}fra__lte": day}) & (Q(**{f"{prefix}til__isnull": True}) | Q(**{f"{prefix}til__gte": day}))


class Parorende(models.Model):
    """Next of kin. What they may be told follows the person's consents (Samtykke)."""

    class Relasjon(models.TextChoices):
        EKTEFELLE = "ektefelle", "Ektefelle/samboer"
        BARN = "barn", "Barn"
        FORELDER = "forelder", "Forelder"
        SOSKEN = "sosken", "Søsken"
        BARNEBARN = "barnebarn", "Barnebarn"
        VENN = "venn", "Venn/nabo"
        ANNET = "annet", "Annet"

    tjenestemottaker = models.ForeignKey(Tjenestemottaker, on_delete=models.CASCADE, related_name="parorende")
    navn = models.CharField("navn", max_length=200)
    relasjon = models.CharField("relasjon", max_length=20, choices=Relasjon.choices)
    telefon = models.CharField("telefon", max_length=20, blank=True)
    epost = models.EmailField("e-post", blank=True)
    adresse = models.CharField("adresse", max_length=200, blank=True)
    naermeste = models.BooleanField("nærmeste pårørende", default=False)
    portal_user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="parorende_profil"
    )

    class Meta:
        verbose_name = "pårørende"
        verbose_name_plural = "pårørende"
        ordering = ["-naermeste", "navn"]

    def __str__(self) -> str:
        return f"{self.navn} ({self.get_relasjon_display()})"

    def active_consents(self) -> models.QuerySet[Samtykke]:
        return self.samtykker.filter(trukket__isnull=True)


class Verge(models.Model):
    """A guardian appointed under vergemålsloven, with the scope of the mandate."""

    tjenestemottaker = models.ForeignKey(Tjenestemottaker, on_delete=models.CASCADE, related_name="verger")
    navn = models.CharField("navn", max_length=200)
    telefon = models.CharField("telefon", max_length=20, blank=True)
    epost = models.EmailField("e-post", blank=True)
    mandat = models.TextField("mandat", help_text="Hva vergemålet omfatter, slik det står i vergefullmakten.")
    fra = models.DateField("fra")
    til = models.DateField("til", null=True, blank=True)

    class Meta:
        verbose_name = "verge"
        verbose_name_plural = "verger"

    def __str__(self) -> str:
        return self.navn

    def clean(self) -> None:
        if self.til and self.fra and self.til < self.fra:
            raise ValidationError("Vergemålets sluttdato kan ikke være før startdatoen.")


class Samtykke(models.Model):
    """A consent: what, given by whom, when, and when withdrawn. Never deleted, only withdrawn."""

    class Gjelder(models.TextChoices):
        INFO_TIL_PARORENDE = "info_parorende", "Informasjon til pårørende"
        DELING_FASTLEGE = "deling_fastlege", "Deling av opplysninger med fastlege"
        VELFERDSTEKNOLOGI = "velferdsteknologi", "Bruk av velferdsteknologi"
        INNHENTING = "innhenting", "Innhenting av opplysninger fra andre"
        ANNET = "annet", "Annet"

    class GittAv(models.TextChoices):
        TJENESTEMOTTAKER = "tjenestemottaker", "Tjenestemottakeren selv"
        VERGE = "verge", "Verge"
        FORELDRE = "foreldre", "Foreldre (for barn)"

    tjenestemottaker = models.ForeignKey(Tjenestemottaker, on_delete=models.CASCADE, related_name="samtykker")
    gjelder = models.CharField("gjelder", max_length=30, choices=Gjelder.choices)
    beskrivelse = models.TextField("hva samtykket omfatter")
    parorende = models.ForeignKey(
        Parorende,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="samtykker",
        help_text="For samtykke til å gi informasjon til en bestemt pårørende.",
    )
    gitt_av = models.CharField("gitt av", max_length=20, choices=GittAv.choices)
    gitt = models.DateField("gitt dato")
    trukket = models.DateField("trukket tilbake", null=True, blank=True)
    registrert_av = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "samtykke"
        verbose_name_plural = "samtykker"
        ordering = ["-gitt"]

    def __str__(self) -> str:
        return self.get_gjelder_display()

    @property
    def aktiv(self) -> bool:
        return self.trukket is None

    def clean(self) -> None:
        if self.gjelder == self.Gjelder.INFO_TIL_PARORENDE and self.parorende_id is None:
            raise ValidationError("Velg hvilken pårørende samtykket gjelder.")
        if self.parorende_id and self.parorende and self.parorende.tjenestemottaker_id != self.tjenestemottaker_id:
            raise ValidationError("Den pårørende hører ikke til denne tjenestemottakeren.")
        if self.trukket and self.gitt and self.trukket < self.gitt:
            raise ValidationError("Et samtykke kan ikke trekkes tilbake før det er gitt.")
