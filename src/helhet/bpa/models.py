"""BPA: the arrangement (ordning), its assistants, their shifts and timesheets (issue 6).

Brukerstyrt personlig assistanse puts the person in charge: they — or a medarbeidsleder, or a parent
for a child — are the arbeidsleder who decides who helps, with what, when and where, within the hours
of the vedtak (pasient- og brukerrettighetsloven § 2-1 d; seed 003). The provider employs the
assistants and supports the arbeidsleder through a BPA adviser (seed 000: the «AL-portalen», the
arbeidsleder handbook, the mandatory assistant courses, follow-up of the monthly hours).

- :class:`Ordning`: one arrangement from a BPA vedtak — granted hours per week, the arbeidsleder, the
  adviser, the working-time rule set (aml. ch. 10 or an agreement) its shifts are checked against.
- :class:`Assistent`: an employment in an arrangement — position, contract, police certificate, the
  mandatory courses (:class:`Opplaering`) and what the arbeidsleder has instructed. Not onboarded
  means not schedulable.
- :class:`Vakt`: a planned shift (from a repeating :class:`Turnus` or single), possibly handed over to
  a substitute; :class:`Timeliste`: the hours worked, approved by the arbeidsleder. An approved
  timesheet is never changed: a correction is a new row pointing at the one it corrects.
- :class:`Melding`: a message between the arbeidsleder and the adviser.

Practical assistance is not «helsehjelp», so BPA records are not a health journal (fact sheet 1.1);
they are still personal data about the person and the assistants, and every read is audited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from helhet.cases.models import Vedtak
from helhet.core.models import Leverandor, Tjenestemottaker

#: The mandatory assistant courses (seed 000: «obligatoriske kurs for assistenter»), as data.
KURS: dict[str, str] = {
    "assistentrollen": "Assistentrollen i BPA",
    "taushetsplikt": "Taushetsplikt og personvern",
    "hms": "HMS – helse, miljø og sikkerhet",
    "psykososialt": "Psykososialt arbeidsmiljø",
    "kvalitetssystem": "Leverandørens kvalitetssystem og avvik",
}

#: Working-time rule sets an arrangement can be checked against (keys of helhet.bpa.rules.arbeidstid presets).
REGELSETT = [
    ("lov", "Arbeidsmiljøloven (uten avtale)"),
    ("avtale-10-5-1", "Skriftlig avtale om gjennomsnittsberegning (aml. § 10-5 første ledd)"),
    ("tariff-10-5-2", "Avtale med tillitsvalgte (aml. § 10-5 andre ledd)"),
    ("arbeidstilsynet-10-5-3", "Samtykke fra Arbeidstilsynet (aml. § 10-5 tredje ledd)"),
    ("turnus-10-4-4", "Turnus med søndagsarbeid (aml. § 10-4 fjerde ledd)"),
    ("privat-hjem", "Arbeid i privat arbeidsgivers hjem (forskrift 2022)"),
]


class Ordning(models.Model):
    """A BPA arrangement: the hours the vedtak grants and who leads the work."""

    class Arbeidsleder(models.TextChoices):
        SELV = "selv", "Personen selv"
        MEDARBEIDSLEDER = "medarbeidsleder", "Medarbeidsleder (noen nær personen)"
        FORELDER = "forelder", "Forelder (barn under 18 år)"

    tjenestemottaker = models.ForeignKey(Tjenestemottaker, on_delete=models.PROTECT, related_name="bpa_ordninger")
    vedtak = models.ForeignKey(Vedtak, on_delete=models.PROTECT, related_name="bpa_ordninger")
    leverandor = models.ForeignKey(Leverandor, on_delete=models.PROTECT, related_name="bpa_ordninger")
    timer_per_uke = models.DecimalField("innvilgede timer per uke", max_digits=5, decimal_places=1)
    fra = models.DateField("fra")
    til = models.DateField("til", null=True, blank=True)
    arbeidsleder_type = models.CharField(
        "arbeidsleder", max_length=20, choices=Arbeidsleder.choices, default=Arbeidsleder.SELV
    )
    arbeidsleder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="bpa_arbeidsleder_for",
        verbose_name="arbeidsleders innlogging",
    )
    radgiver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bpa_radgiver_for",
        verbose_name="BPA-rådgiver hos leverandøren",
    )
    regelsett = models.CharField("arbeidstidsregler", max_length=30, choices=REGELSETT, default="lov")
    samtykke_bydel = models.BooleanField("personen samtykker i at bydelen ser timeforbruket", default=False)
    opprettet = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "BPA-ordning"
        verbose_name_plural = "BPA-ordninger"
        ordering = ["tjenestemottaker__etternavn", "fra"]
        constraints = [
            models.CheckConstraint(condition=Q(til__isnull=True) | Q(til__gte=F("fra")), name="ordning_til_etter_fra"),
            models.CheckConstraint(condition=Q(timer_per_uke__gt=0), name="ordning_timer_positive"),
        ]

    def __str__(self) -> str:
        return f"BPA for {self.tjenestemottaker} ({self.timer_per_uke} t/uke)"


class Assistent(models.Model):
    """An assistant employed in one arrangement."""

    class Politiattest(models.TextChoices):
        MANGLER = "mangler", "Ikke levert"
        LEVERT = "levert", "Levert, ikke kontrollert"
        GODKJENT = "godkjent", "Kontrollert og godkjent"

    ordning = models.ForeignKey(Ordning, on_delete=models.PROTECT, related_name="assistenter")
    navn = models.CharField("navn", max_length=200)
    telefon = models.CharField("telefon", max_length=20, blank=True)
    ansattnummer = models.CharField("ansattnummer (lønn)", max_length=20)
    stillingsprosent = models.DecimalField("stillingsprosent", max_digits=5, decimal_places=1)
    start = models.DateField("ansatt fra")
    slutt = models.DateField("ansatt til", null=True, blank=True)
    kontrakt_signert = models.DateField("arbeidsavtale signert", null=True, blank=True)
    politiattest = models.CharField(
        "politiattest", max_length=20, choices=Politiattest.choices, default=Politiattest.MANGLER
    )
    politiattest_dato = models.DateField("politiattest datert", null=True, blank=True)
    instruert_i = models.TextField("arbeidsleder har gitt opplæring i", blank=True)

    class Meta:
        verbose_name = "assistent"
        verbose_name_plural = "assistenter"
        ordering = ["navn"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stillingsprosent__gt=0) & Q(stillingsprosent__lte=100), name="assistent_stilling_0_100"
            ),
        ]

    def __str__(self) -> str:
        return self.navn


class Opplaering(models.Model):
    """A mandatory course an assistant has completed."""

    assistent = models.ForeignKey(Assistent, on_delete=models.CASCADE, related_name="opplaering")
    kurs = models.CharField("kurs", max_length=30, choices=list(KURS.items()))
    fullfort = models.DateField("fullført")

    class Meta:
        verbose_name = "fullført kurs"
        verbose_name_plural = "fullførte kurs"
        constraints = [models.UniqueConstraint(fields=["assistent", "kurs"], name="opplaering_en_per_kurs")]

    def __str__(self) -> str:
        return f"{self.assistent}: {self.get_kurs_display()}"


class Turnus(models.Model):
    """A repeating rota line: an assistant works these weekdays at these times, from a date."""

    ordning = models.ForeignKey(Ordning, on_delete=models.CASCADE, related_name="turnus")
    assistent = models.ForeignKey(Assistent, on_delete=models.PROTECT, related_name="turnus")
    ukedager = models.CharField("ukedager (1 = mandag … 7 = søndag)", max_length=20)
    start = models.TimeField("fra kl.")
    slutt = models.TimeField("til kl.", help_text="Før starttiden betyr neste dag.")
    hver_uke = models.PositiveSmallIntegerField("hver … uke", default=1)
    gyldig_fra = models.DateField("gjelder fra")
    gyldig_til = models.DateField("gjelder til", null=True, blank=True)

    class Meta:
        verbose_name = "turnuslinje"
        verbose_name_plural = "turnus"

    def __str__(self) -> str:
        return f"{self.assistent} {self.ukedager} {self.start:%H:%M}–{self.slutt:%H:%M}"


class Vakt(models.Model):
    """A planned shift in an arrangement (single, or made from a rota line)."""

    class Type(models.TextChoices):
        ORDINAER = "ordinaer", "Ordinær"
        REISE = "reise", "Reise (tur, ferie)"

    class Status(models.TextChoices):
        PLANLAGT = "planlagt", "Planlagt"
        AVLYST = "avlyst", "Avlyst"

    ordning = models.ForeignKey(Ordning, on_delete=models.PROTECT, related_name="vakter")
    assistent = models.ForeignKey(Assistent, on_delete=models.PROTECT, related_name="vakter")
    start = models.DateTimeField("start")
    slutt = models.DateTimeField("slutt")
    type = models.CharField("type", max_length=20, choices=Type.choices, default=Type.ORDINAER)
    merknad = models.CharField("merknad", max_length=200, blank=True)
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.PLANLAGT)
    turnus = models.ForeignKey(Turnus, null=True, blank=True, on_delete=models.SET_NULL, related_name="vakter")
    overtatt_fra = models.ForeignKey(
        Assistent,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="overtatt fra (vikar for)",
    )
    endret = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "BPA-vakt"
        verbose_name_plural = "BPA-vakter"
        ordering = ["start", "pk"]
        constraints = [models.CheckConstraint(condition=Q(slutt__gt=F("start")), name="bpavakt_slutt_etter_start")]
        indexes = [
            models.Index(fields=["ordning", "start"], name="bpavakt_ordning_start"),
            models.Index(fields=["assistent", "start"], name="bpavakt_assistent_start"),
        ]

    def __str__(self) -> str:
        return f"{self.assistent} {timezone.localtime(self.start):%d.%m %H:%M}–{timezone.localtime(self.slutt):%H:%M}"

    @property
    def timer(self) -> float:
        return (self.slutt - self.start).total_seconds() / 3600


class Timeliste(models.Model):
    """Hours an assistant worked on a shift, as submitted and approved by the arbeidsleder.

    Approved rows are final: a correction is a new row (``korrigerer`` → the original), whose status
    becomes the approved one; the original is kept as it was, marked ``erstattet``.
    """

    class Status(models.TextChoices):
        INNSENDT = "innsendt", "Til godkjenning"
        GODKJENT = "godkjent", "Godkjent"
        ERSTATTET = "erstattet", "Erstattet av korrigering"

    ordning = models.ForeignKey(Ordning, on_delete=models.PROTECT, related_name="timelister")
    assistent = models.ForeignKey(Assistent, on_delete=models.PROTECT, related_name="timelister")
    vakt = models.ForeignKey(Vakt, null=True, blank=True, on_delete=models.PROTECT, related_name="timelister")
    start = models.DateTimeField("start")
    slutt = models.DateTimeField("slutt")
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.INNSENDT)
    godkjent = models.DateTimeField("godkjent", null=True, blank=True)
    godkjent_av = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    korrigerer = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="korrigert_av"
    )
    begrunnelse = models.CharField("begrunnelse for korrigering", max_length=300, blank=True)
    opprettet = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "timeliste"
        verbose_name_plural = "timelister"
        ordering = ["start", "pk"]
        constraints = [models.CheckConstraint(condition=Q(slutt__gt=F("start")), name="timeliste_slutt_etter_start")]
        indexes = [models.Index(fields=["ordning", "start"], name="timeliste_ordning_start")]

    def __str__(self) -> str:
        return f"{self.assistent} {timezone.localtime(self.start):%d.%m %H:%M}–{timezone.localtime(self.slutt):%H:%M}"

    @property
    def timer(self) -> float:
        return (self.slutt - self.start).total_seconds() / 3600


class Melding(models.Model):
    """A message in the arrangement's conversation between the arbeidsleder and the BPA adviser."""

    ordning = models.ForeignKey(Ordning, on_delete=models.PROTECT, related_name="meldinger")
    fra = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    tekst = models.TextField("melding")
    sendt = models.DateTimeField(default=timezone.now)
    lest = models.DateTimeField("lest av mottaker", null=True, blank=True)

    class Meta:
        verbose_name = "melding"
        verbose_name_plural = "meldinger"
        ordering = ["sendt", "pk"]

    def __str__(self) -> str:
        return f"Melding {self.pk} ({self.sendt:%d.%m.%Y})"
