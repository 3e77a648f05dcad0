"""Case handling in the bydel: henvendelse → søknad → kartlegging → vedtak → vedtaksbrev,
klage, brukervalg and bestilling (seed 004, chapters 4-6 and appendices 1-2).

Rules (limits, deadlines, co-payment, catalogue) live in :mod:`helhet.cases.rules`; these models
store what happened, and :mod:`helhet.cases.services` changes them, one audited transaction each.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from helhet.cases.rules import egenbetaling, tjenester
from helhet.core.models import Bydel, Kommune, Leverandor, Tjenestemottaker

SERVICE_CHOICES = [(t.code, t.name) for t in tjenester.CATALOGUE]
UNIT_CHOICES = [(u.value, u.label) for u in tjenester.ScopeUnit]


class Henvendelse(models.Model):
    """An inquiry to the Kontaktpunkt, by any channel. Owned by someone until the next step takes over."""

    class Kanal(models.TextChoices):
        TELEFON = "telefon", "Telefon"
        EPOST = "epost", "E-post"
        DIGITAL = "digital", "Digital innbyggerdialog"
        ELEKTRONISK_MELDING = "elmelding", "Elektronisk melding (pleie- og omsorgsmelding)"
        BREV = "brev", "Brev eller søknad på papir"
        OPPMOTE = "oppmote", "Oppmøte"

    class Fra(models.TextChoices):
        SELV = "selv", "Personen selv"
        PARORENDE = "parorende", "Pårørende"
        VERGE = "verge", "Verge"
        FASTLEGE = "fastlege", "Fastlege"
        SYKEHUS = "sykehus", "Sykehus / spesialisthelsetjenesten"
        ANNEN = "annen", "Annen"

    class Status(models.TextChoices):
        NY = "ny", "Ny"
        UNDER_BEHANDLING = "under_behandling", "Under behandling"
        BLE_SOKNAD = "soknad", "Gjort om til søknad"
        AVSLUTTET = "avsluttet", "Avsluttet"

    bydel = models.ForeignKey(Bydel, on_delete=models.PROTECT, related_name="henvendelser")
    tjenestemottaker = models.ForeignKey(
        Tjenestemottaker, on_delete=models.PROTECT, related_name="henvendelser", verbose_name="gjelder"
    )
    kanal = models.CharField("kanal", max_length=20, choices=Kanal.choices)
    fra = models.CharField("henvendelse fra", max_length=20, choices=Fra.choices, default=Fra.SELV)
    fra_navn = models.CharField("navn på den som tok kontakt", max_length=200, blank=True)
    fra_kontakt = models.CharField("kontaktinformasjon", max_length=200, blank=True)
    sporsmal = models.TextField("hva henvendelsen gjelder")
    mottatt = models.DateTimeField("mottatt", default=timezone.now)
    svar_innen = models.DateField("personen får svar innen")
    eier = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="henvendelser_eid"
    )
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.NY)
    kvittering = models.TextField("kvittering til personen", blank=True)
    kvittering_sendt = models.DateTimeField("kvittering sendt", null=True, blank=True)
    avsluttet = models.DateTimeField("avsluttet", null=True, blank=True)
    avslutning = models.TextField("hvordan henvendelsen ble avsluttet", blank=True)
    registrert_av = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)

    class Meta:
        verbose_name = "henvendelse"
        verbose_name_plural = "henvendelser"
        ordering = ["svar_innen", "mottatt"]

    def __str__(self) -> str:
        return f"Henvendelse {self.pk}"

    @property
    def er_apen(self) -> bool:
        return self.status in (self.Status.NY, self.Status.UNDER_BEHANDLING)

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.er_apen and self.svar_innen < (today or timezone.localdate())


class Soknad(models.Model):
    """An application for services, from an inquiry. The case officer owns it until a vedtak closes it."""

    class Status(models.TextChoices):
        KARTLEGGING = "kartlegging", "Under kartlegging"
        VEDTAK = "vedtak", "Til vedtak"
        AVSLUTTET = "avsluttet", "Avsluttet"

    henvendelse = models.OneToOneField(
        Henvendelse, null=True, blank=True, on_delete=models.PROTECT, related_name="soknad"
    )
    tjenestemottaker = models.ForeignKey(Tjenestemottaker, on_delete=models.PROTECT, related_name="soknader")
    bydel = models.ForeignKey(Bydel, on_delete=models.PROTECT, related_name="soknader")
    saksbehandler = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="soknader_eid")
    mottatt = models.DateField("mottatt", default=timezone.localdate)
    gjelder = models.TextField("hva det søkes om")
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.KARTLEGGING)

    class Meta:
        verbose_name = "søknad"
        verbose_name_plural = "søknader"
        ordering = ["-mottatt"]

    def __str__(self) -> str:
        return f"Søknad {self.pk}"


class Kartlegging(models.Model):
    """The needs assessment: the person's own words first, then functional scores and the facts found."""

    class Rehabilitering(models.TextChoices):
        IKKE_VURDERT = "", "Ikke vurdert"
        BEHOV = "behov", "Behov for habilitering/rehabilitering"
        IKKE_BEHOV = "ikke_behov", "Ikke behov"

    soknad = models.OneToOneField(Soknad, on_delete=models.CASCADE, related_name="kartlegging")
    viktig_for_meg = models.TextField("«Hva er viktig for deg?» – med personens egne ord", blank=True)
    hjemmebesok_dato = models.DateField("hjemmebesøk dato", null=True, blank=True)
    hjemmebesok_rapport = models.TextField("rapport fra hjemmebesøket", blank=True)
    samtykke_avklart = models.BooleanField("samtykke er avklart", default=False)
    partsstatus = models.TextField("partsstatus (hvem er part, fullmakter)", blank=True)
    rehabilitering = models.CharField(
        "habilitering/rehabilitering", max_length=20, choices=Rehabilitering.choices, blank=True
    )
    velferdsteknologi_vurdert = models.BooleanField("velferdsteknologi er vurdert", default=False)
    velferdsteknologi_notat = models.TextField("velferdsteknologi – vurdering", blank=True)
    parorende_involvering = models.TextField("involvering av pårørende/verge", blank=True)
    endret = models.DateTimeField(auto_now=True)
    endret_av = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "kartlegging"
        verbose_name_plural = "kartlegginger"

    def __str__(self) -> str:
        return f"Kartlegging for søknad {self.soknad_id}"


class Funksjonsskaar(models.Model):
    """One IPLOS/KPR functional score (variable code from the register's list, score 1-5 or 9)."""

    kartlegging = models.ForeignKey(Kartlegging, on_delete=models.CASCADE, related_name="skaar")
    variabel = models.CharField("variabel", max_length=50)
    skaar = models.PositiveSmallIntegerField("skår")

    class Meta:
        verbose_name = "funksjonsskår"
        verbose_name_plural = "funksjonsskårer"
        constraints = [models.UniqueConstraint(fields=["kartlegging", "variabel"], name="skaar_unique_variable")]

    def __str__(self) -> str:
        return f"{self.variabel}: {self.skaar}"


class Dokument(models.Model):
    """A statement or report the case rests on (GP, hospital, home visit …), stored with a checksum."""

    class Type(models.TextChoices):
        FASTLEGE = "fastlege", "Uttalelse fra fastlege"
        SYKEHUS = "sykehus", "Epikrise / uttalelse fra sykehus"
        HJEMMEBESOK = "hjemmebesok", "Rapport fra hjemmebesøk"
        SOKNAD = "soknad", "Søknad fra personen"
        ANNET = "annet", "Annet"

    soknad = models.ForeignKey(Soknad, on_delete=models.PROTECT, related_name="dokumenter")
    type = models.CharField("type", max_length=20, choices=Type.choices)
    tittel = models.CharField("tittel", max_length=200)
    datert = models.DateField("datert")
    filnavn = models.CharField("filnavn", max_length=200)
    innholdstype = models.CharField(max_length=100)
    innhold = models.BinaryField(editable=False)
    sha256 = models.CharField("SHA-256", max_length=64, editable=False)
    storrelse = models.PositiveIntegerField("størrelse (byte)", editable=False)
    lastet_opp = models.DateTimeField(auto_now_add=True)
    lastet_opp_av = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "dokument"
        verbose_name_plural = "dokumenter"
        ordering = ["datert"]

    def __str__(self) -> str:
        return self.tittel


class Vedtak(models.Model):
    """An enkeltvedtak granting or refusing one service, made by two people: the case officer
    prepares it and someone with decision authority approves it."""

    class Utfall(models.TextChoices):
        INNVILGET = "innvilget", "Innvilget"
        AVSLAG = "avslag", "Avslag"

    class Status(models.TextChoices):
        UTKAST = "utkast", "Utkast"
        TIL_GODKJENNING = "til_godkjenning", "Til godkjenning"
        FATTET = "fattet", "Fattet"
        ERSTATTET = "erstattet", "Erstattet av nytt vedtak"
        OPPHORT = "opphort", "Opphørt"
        FORKASTET = "forkastet", "Forkastet utkast"

    soknad = models.ForeignKey(Soknad, on_delete=models.PROTECT, related_name="vedtak")
    tjenestemottaker = models.ForeignKey(Tjenestemottaker, on_delete=models.PROTECT, related_name="vedtak")
    tjenestetype = models.CharField("tjeneste", max_length=40, choices=SERVICE_CHOICES)
    utfall = models.CharField("utfall", max_length=20, choices=Utfall.choices, default=Utfall.INNVILGET)
    omfang = models.DecimalField("omfang", max_digits=7, decimal_places=2, null=True, blank=True)
    omfang_enhet = models.CharField("enhet", max_length=20, choices=UNIT_CHOICES, blank=True)
    timer_per_uke = models.DecimalField(
        "timer per uke (KPR)", max_digits=6, decimal_places=2, null=True, blank=True, editable=False
    )
    innhold = models.TextField("hva tjenesten omfatter", blank=True)
    formal = models.TextField("formålet med tjenesten", blank=True)
    mal = models.TextField("personens mål", blank=True)
    fom = models.DateField("fra og med")
    tom = models.DateField("til og med", null=True, blank=True)
    begrunnelse = models.TextField("begrunnelse")
    hjemmel = models.CharField("hjemmel", max_length=300)
    saksbehandler = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    vedtaksmyndig = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="godkjent av",
    )
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.UTKAST)
    fattet = models.DateTimeField("fattet", null=True, blank=True)
    erstatter = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="erstattet_av"
    )
    retur_merknad = models.TextField("merknad fra vedtaksmyndig ved retur", blank=True)
    forhandsvarsel_dato = models.DateField("personen ble hørt (forhåndsvarsel) dato", null=True, blank=True)
    forhandsvarsel_notat = models.TextField("hva personen sa", blank=True)
    arbeidsleder = models.CharField("arbeidsleder (BPA)", max_length=200, blank=True)
    husstandsinntekt = models.PositiveIntegerField("husstandens inntekt (kr/år)", null=True, blank=True)
    opprettet = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "vedtak"
        verbose_name_plural = "vedtak"
        ordering = ["-fom"]

    def __str__(self) -> str:
        return f"Vedtak {self.pk}: {self.get_tjenestetype_display()}"

    @property
    def tjeneste(self) -> tjenester.Tjenestetype:
        return tjenester.by_code(self.tjenestetype)

    @property
    def omfang_tekst(self) -> str:
        if self.omfang is None:
            return ""
        amount = f"{self.omfang.normalize():f}".replace(".", ",")
        return f"{amount} {tjenester.ScopeUnit(self.omfang_enhet).label}"

    @property
    def er_gjeldende(self) -> bool:
        return self.status == self.Status.FATTET


class Vedtaksbrev(models.Model):
    """The letter that tells the person about a vedtak: a PDF, immutable once sent."""

    vedtak = models.ForeignKey(Vedtak, on_delete=models.PROTECT, related_name="brev")
    versjon = models.PositiveSmallIntegerField(default=1)
    pdf = models.BinaryField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    laget = models.DateTimeField(auto_now_add=True)
    laget_av = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sendt = models.DateField("sendt", null=True, blank=True)
    mottatt = models.DateField("mottatt av personen", null=True, blank=True)

    class Meta:
        verbose_name = "vedtaksbrev"
        verbose_name_plural = "vedtaksbrev"
        ordering = ["-laget"]
        constraints = [models.UniqueConstraint(fields=["vedtak", "versjon"], name="brev_unique_version")]

    def __str__(self) -> str:
        return f"Vedtaksbrev {self.vedtak_id} v{self.versjon}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A sent letter is archived: its PDF and checksum never change (a corrected vedtak gets a new letter)."""
        if self.pk is not None:
            stored = Vedtaksbrev.objects.filter(pk=self.pk).values("sendt", "sha256").first()
            if stored and stored["sendt"] is not None and stored["sha256"] != self.sha256:
                raise ValueError("A sent vedtaksbrev is immutable")
        super().save(*args, **kwargs)


class Klage(models.Model):
    """A complaint on a vedtak: deadline check, the bydel's reassessment, Statsforvalteren, outcome."""

    class Vurdering(models.TextChoices):
        FULL = "full", "Full omgjøring (medhold)"
        DELVIS = "delvis", "Delvis omgjøring"
        INGEN = "ingen", "Ingen omgjøring"

    class Utfall(models.TextChoices):
        MEDHOLD = "medhold", "Medhold"
        DELVIS = "delvis", "Delvis medhold"
        IKKE = "ikke_medhold", "Ikke medhold"
        AVVIST = "avvist", "Avvist"

    class Status(models.TextChoices):
        MOTTATT = "mottatt", "Mottatt"
        VURDERT = "vurdert", "Vurdert av bydelen"
        STATSFORVALTEREN = "statsforvalteren", "Sendt til Statsforvalteren"
        AVSLUTTET = "avsluttet", "Avsluttet"

    vedtak = models.ForeignKey(Vedtak, on_delete=models.PROTECT, related_name="klager")
    mottatt = models.DateField("klagen mottatt")
    sendt = models.DateField("klagen sendt (poststempel)", null=True, blank=True)
    vedtak_mottatt = models.DateField("personen mottok vedtaket")
    frist = models.DateField("klagefrist", editable=False)
    for_sent = models.BooleanField("kom for sent", default=False, editable=False)
    klagen_gjelder = models.TextField("hva klagen gjelder")
    registrert_av = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.MOTTATT)
    bydelens_vurdering = models.CharField(max_length=10, choices=Vurdering.choices, blank=True)
    vurdering_begrunnelse = models.TextField(blank=True)
    vurdert = models.DateField(null=True, blank=True)
    oversendt_statsforvalteren = models.DateField(null=True, blank=True)
    endelig_utfall = models.CharField(max_length=20, choices=Utfall.choices, blank=True)
    avsluttet = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = "klage"
        verbose_name_plural = "klager"
        ordering = ["-mottatt"]

    def __str__(self) -> str:
        return f"Klage {self.pk} på vedtak {self.vedtak_id}"


class Brukervalg(models.Model):
    """Free choice of provider: the information given and the person's choice (none = municipal)."""

    vedtak = models.OneToOneField(Vedtak, on_delete=models.PROTECT, related_name="brukervalg")
    informasjon_gitt = models.DateField("informasjon om brukervalg gitt")
    valgt_leverandor = models.ForeignKey(
        Leverandor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Tomt betyr at personen ikke valgte: den kommunale leverandøren.",
    )
    valgt = models.DateField("valget registrert", default=timezone.localdate)
    registrert_av = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "brukervalg"
        verbose_name_plural = "brukervalg"

    def __str__(self) -> str:
        return f"Brukervalg for vedtak {self.vedtak_id}"


class Bestilling(models.Model):
    """The order a granted vedtak becomes for the provider that delivers it."""

    class Status(models.TextChoices):
        NY = "ny", "Ny"
        MOTTATT = "mottatt", "Mottatt av leverandør"
        AVSLUTTET = "avsluttet", "Avsluttet"

    vedtak = models.ForeignKey(Vedtak, on_delete=models.PROTECT, related_name="bestillinger")
    leverandor = models.ForeignKey(Leverandor, on_delete=models.PROTECT, related_name="bestillinger")
    fra = models.DateField("gjelder fra")
    til = models.DateField("gjelder til", null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NY)
    mottatt = models.DateTimeField("mottatt av leverandør", null=True, blank=True)
    mottatt_av = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opprettet = models.DateTimeField(auto_now_add=True)
    merknad = models.TextField(blank=True)

    class Meta:
        verbose_name = "bestilling"
        verbose_name_plural = "bestillinger"
        ordering = ["fra"]

    def __str__(self) -> str:
        return f"Bestilling {self.pk} til {self.leverandor}"

    def is_active(self, day: dt.date | None = None) -> bool:
        today = day or timezone.localdate()
        return self.status != self.Status.AVSLUTTET and self.fra <= today and (self.til is None or self.til >= today)


class EgenbetalingSats(models.Model):
    """A kommune's co-payment table for one year (seed 004 appendix 2; the rule is in rules/egenbetaling)."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="egenbetalingssatser")
    aar = models.PositiveSmallIntegerField("år")
    grunnbelop = models.PositiveIntegerField("G brukt i tabellen (kr)")
    satser = models.JSONField("inntektsgrenser (i G) og timesatser", help_text="Liste av [fra_G, kr_per_time].")
    maksbelop_under_2g = models.PositiveIntegerField("utgiftstak per måned under 2 G (kr)")
    maks_timer_per_aar = models.PositiveIntegerField("maks antall timer per år over 2 G", default=100)

    class Meta:
        verbose_name = "egenbetalingssats"
        verbose_name_plural = "egenbetalingssatser"
        constraints = [models.UniqueConstraint(fields=["kommune", "aar"], name="sats_unique_year")]

    def __str__(self) -> str:
        return f"Egenbetaling {self.kommune} {self.aar}"

    def rate_table(self) -> egenbetaling.RateTable:
        return egenbetaling.RateTable(
            year=self.aar,
            g=self.grunnbelop,
            bands=tuple(egenbetaling.Band(int(g), int(rate)) for g, rate in self.satser),
            monthly_cap_below_2g=self.maksbelop_under_2g,
            hours_cap_per_year=self.maks_timer_per_aar,
        )

    @classmethod
    def from_rate_table(cls, kommune: Kommune, table: egenbetaling.RateTable) -> EgenbetalingSats:
        return cls(
            kommune=kommune,
            aar=table.year,
            grunnbelop=table.g,
            satser=[[b.from_g, b.hourly_rate] for b in table.bands],
            maksbelop_under_2g=table.monthly_cap_below_2g,
            maks_timer_per_aar=table.hours_cap_per_year,
        )


__all__ = [
    "Bestilling",
    "Brukervalg",
    "Decimal",
    "Dokument",
    "EgenbetalingSats",
    "Funksjonsskaar",
    "Henvendelse",
    "Kartlegging",
    "Klage",
    "Soknad",
    "Vedtak",
    "Vedtaksbrev",
]
