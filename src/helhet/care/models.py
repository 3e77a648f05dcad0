"""Provider delivery: tiltaksplan (goals and tiltak), individual plan, visits, journal.

The chain (seed 004 ch. 3, 7, 8): a vedtak (``cases``) is ordered from a provider (``Bestilling``);
the provider writes a :class:`Tiltaksplan` with the person — goals in the person's own words and
tiltak that serve them, each granted by a vedtak; each tiltak's recurrence generates planned
:class:`Besok` rows; staff check in and out, tick the visit's tasks (:class:`BesokOppgave`) and
write :class:`Journalnotat` entries. Delivery figures are computed from these rows
(:mod:`helhet.care.figures`), never typed in.

Changes to a plan are versioned (:class:`TiltaksplanEndring`: who, when, why, the person's
involvement, a snapshot). The journal is append-only: a correction is a new note pointing at the
one it corrects (helsepersonelloven § 42 and journalforskriften § 11: nothing is deleted, a
correction shows what was wrong and who corrected it).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from helhet.care.rules.kompetanse import LABELS as KOMPETANSE_LABELS
from helhet.care.rules.kompetanse import Kompetanse
from helhet.cases.models import Vedtak
from helhet.core.models import Leverandor, Team, Tjenestemottaker

KOMPETANSE_CHOICES = [(k.value, KOMPETANSE_LABELS[k]) for k in Kompetanse]


class Involvering(models.TextChoices):
    """How the person took part in a decision about their plan («Ingen beslutning om meg uten meg»)."""

    PERSONEN = "personen", "Personen deltok selv"
    MED_PARORENDE = "med_parorende", "Personen deltok sammen med pårørende"
    VERGE = "verge", "Verge deltok på personens vegne"
    INFORMERT = "informert", "Personen ble informert og har ikke innvendinger"
    KUNNE_IKKE = "kunne_ikke", "Personen kunne ikke delta (begrunnet)"


class Tiltaksplan(models.Model):
    """The care plan for one person at one provider."""

    tjenestemottaker = models.ForeignKey(Tjenestemottaker, on_delete=models.PROTECT, related_name="tiltaksplaner")
    leverandor = models.ForeignKey(Leverandor, on_delete=models.PROTECT, related_name="tiltaksplaner")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="tiltaksplaner", verbose_name="team"
    )
    viktig_for_meg = models.TextField("«Hva er viktig for deg?» – med personens egne ord", blank=True)
    versjon = models.PositiveIntegerField("versjon", default=1)
    opprettet = models.DateTimeField(auto_now_add=True)
    endret = models.DateTimeField("sist endret", default=timezone.now)
    endret_av = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "tiltaksplan"
        verbose_name_plural = "tiltaksplaner"
        constraints = [
            models.UniqueConstraint(fields=["tjenestemottaker", "leverandor"], name="tiltaksplan_en_per_leverandor")
        ]

    def __str__(self) -> str:
        return f"Tiltaksplan v{self.versjon} – {self.leverandor}"


class TiltaksplanEndring(models.Model):
    """One version of a plan: who changed it, when, why, how the person took part, and what it held."""

    plan = models.ForeignKey(Tiltaksplan, on_delete=models.CASCADE, related_name="endringer")
    versjon = models.PositiveIntegerField("versjon")
    tidspunkt = models.DateTimeField("tidspunkt", default=timezone.now)
    endret_av = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    hva = models.CharField("hva ble endret", max_length=200)
    hvorfor = models.TextField("hvorfor")
    involvering = models.CharField("personens medvirkning", max_length=20, choices=Involvering.choices)
    involvering_merknad = models.TextField("merknad om medvirkning", blank=True)
    innhold = models.JSONField("planen slik den var etter endringen", default=dict)

    class Meta:
        verbose_name = "versjon av tiltaksplan"
        verbose_name_plural = "versjoner av tiltaksplan"
        ordering = ["plan", "-versjon"]
        constraints = [models.UniqueConstraint(fields=["plan", "versjon"], name="tiltaksplanendring_versjon")]

    def __str__(self) -> str:
        return f"v{self.versjon}: {self.hva}"


class Mal(models.Model):
    """A goal, in the person's own words."""

    plan = models.ForeignKey(Tiltaksplan, on_delete=models.CASCADE, related_name="mal")
    tekst = models.TextField("målet med personens egne ord")
    opprettet = models.DateTimeField(auto_now_add=True)
    avsluttet = models.DateField("avsluttet", null=True, blank=True)
    avslutning = models.TextField("hvordan det gikk", blank=True)

    class Meta:
        verbose_name = "mål"
        verbose_name_plural = "mål"
        ordering = ["plan", "opprettet", "pk"]

    def __str__(self) -> str:
        return self.tekst[:80]


class Tiltak(models.Model):
    """A measure that serves a goal, granted by a vedtak, done on a recurring pattern."""

    plan = models.ForeignKey(Tiltaksplan, on_delete=models.CASCADE, related_name="tiltak")
    mal = models.ForeignKey(Mal, null=True, blank=True, on_delete=models.SET_NULL, related_name="tiltak")
    vedtak = models.ForeignKey(Vedtak, null=True, blank=True, on_delete=models.PROTECT, related_name="tiltak")
    tittel = models.CharField("tiltak", max_length=120)
    beskrivelse = models.TextField("hva som skal gjøres", blank=True)
    oppgaver = models.JSONField("oppgaver på hvert besøk", default=list, blank=True)
    prosedyre = models.CharField(
        "prosedyre med sjekkliste",
        max_length=80,
        blank=True,
        help_text="For eksempel «Sårstell» eller «Legemiddelutdeling»: oppgavene er da sjekklistens steg.",
    )
    rrule = models.CharField("gjentakelse (RRULE)", max_length=200)
    vindu_fra = models.TimeField("avtalt tidsvindu fra")
    vindu_til = models.TimeField("avtalt tidsvindu til")
    varighet_min = models.PositiveSmallIntegerField("forventet varighet (minutter)")
    kompetanse = models.CharField(
        "krav til kompetanse", max_length=20, choices=KOMPETANSE_CHOICES, default=Kompetanse.INGEN
    )
    neste_vakt = models.TextField("dette må neste vakt vite", blank=True)
    fast_ansatt = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="faste_tiltak",
        verbose_name="fast ansatt (om ingen er satt: primærkontakten)",
    )
    gyldig_fra = models.DateField("gjelder fra")
    gyldig_til = models.DateField("gjelder til", null=True, blank=True)
    opprettet = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tiltak"
        verbose_name_plural = "tiltak"
        ordering = ["plan", "vindu_fra", "pk"]

    def __str__(self) -> str:
        return self.tittel

    def clean(self) -> None:
        if self.gyldig_til and self.gyldig_til < self.gyldig_fra:
            raise ValidationError({"gyldig_til": "«Gjelder til» kan ikke være før «gjelder fra»."})

    def active_on(self, day: dt.date) -> bool:
        return self.gyldig_fra <= day and (self.gyldig_til is None or day <= self.gyldig_til)


class IndividuellPlan(models.Model):
    """Individual plan (IP) for a person with long-term, coordinated needs, and its coordinator.

    Helse- og omsorgstjenesteloven §§ 7-1 and 7-2; forskrift om habilitering, rehabilitering,
    individuell plan og koordinator. The plan needs the person's consent.
    """

    class Status(models.TextChoices):
        UNDER_ARBEID = "under_arbeid", "Under arbeid"
        AKTIV = "aktiv", "Aktiv"
        AVSLUTTET = "avsluttet", "Avsluttet"

    tjenestemottaker = models.OneToOneField(Tjenestemottaker, on_delete=models.PROTECT, related_name="individuell_plan")
    koordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="koordinator_for", verbose_name="koordinator"
    )
    samtykke = models.BooleanField("personen har samtykket til individuell plan", default=False)
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.UNDER_ARBEID)
    deltakere = models.TextField("andre tjenester og deltakere (fastlege, NAV, spesialisthelsetjenesten …)", blank=True)
    neste_evaluering = models.DateField("neste evaluering", null=True, blank=True)
    opprettet = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "individuell plan"
        verbose_name_plural = "individuelle planer"

    def __str__(self) -> str:
        return f"Individuell plan – koordinator {self.koordinator}"


class Besok(models.Model):
    """A visit: planned from a tiltak, then performed, cancelled or missed.

    ``vedtak``, ``leverandor`` and ``tjenestemottaker`` are copied from the tiltak when the visit is
    generated, so the delivery figures read one table. ``utfort_kompetanse`` keeps the competence
    of the staff member who checked in, as it was then.
    """

    class Status(models.TextChoices):
        PLANLAGT = "planlagt", "Planlagt"
        PAGAR = "pagar", "Pågår"
        UTFORT = "utfort", "Utført"
        AVLYST = "avlyst", "Avlyst"
        IKKE_UTFORT = "ikke_utfort", "Ikke utført"

    class Grunn(models.TextChoices):
        AVSLO = "avslo", "Personen ønsket ikke besøket"
        SYKEHUS = "sykehus", "Personen er innlagt på sykehus"
        IKKE_HJEMME = "ikke_hjemme", "Personen var ikke hjemme"
        REISE = "reise", "Personen er bortreist"
        BEMANNING = "bemanning", "Mangel på personell"
        ANNET = "annet", "Annet"

    id = models.BigAutoField(primary_key=True)
    # The foreign keys lead composite indexes below (or the unique constraint): no single-column index each.
    tiltak = models.ForeignKey(Tiltak, on_delete=models.PROTECT, related_name="besok", db_index=False)
    tjenestemottaker = models.ForeignKey(
        Tjenestemottaker, on_delete=models.PROTECT, related_name="besok", db_index=False
    )
    vedtak = models.ForeignKey(Vedtak, null=True, on_delete=models.PROTECT, related_name="besok", db_index=False)
    leverandor = models.ForeignKey(Leverandor, on_delete=models.PROTECT, related_name="besok", db_index=False)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="besok", db_index=False
    )
    dato = models.DateField("dato")
    vindu_start = models.DateTimeField("avtalt fra")
    vindu_slutt = models.DateTimeField("avtalt til")
    varighet_min = models.PositiveSmallIntegerField("forventet varighet (minutter)")
    kompetanse = models.CharField("krav til kompetanse", max_length=20, choices=KOMPETANSE_CHOICES, blank=True)
    ansatt = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="besok",
        verbose_name="tildelt",
        db_index=False,
    )
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.PLANLAGT)
    inn = models.DateTimeField("sjekket inn", null=True, blank=True)
    ut = models.DateTimeField("sjekket ut", null=True, blank=True)
    utfort_av = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    utfort_kompetanse = models.JSONField("kompetanse hos den som utførte", default=list, blank=True)
    posisjon_bekreftet = models.BooleanField(
        "posisjonen stemte med adressen", null=True, blank=True, help_text="Bare svaret lagres, aldri posisjonen."
    )
    grunn = models.CharField("grunn", max_length=20, choices=Grunn.choices, blank=True)
    grunn_tekst = models.CharField("grunn – utdyping", max_length=300, blank=True)
    planlagt_start = models.DateTimeField(
        "planlagt start", null=True, blank=True, help_text="Fra den publiserte dagsplanen."
    )
    endret = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "besøk"
        verbose_name_plural = "besøk"
        ordering = ["vindu_start", "pk"]
        constraints = [models.UniqueConstraint(fields=["tiltak", "dato"], name="besok_en_per_tiltak_og_dag")]
        indexes = [
            models.Index(fields=["ansatt", "dato"], name="besok_ansatt_dato"),
            models.Index(fields=["team", "dato"], name="besok_team_dato"),
            models.Index(fields=["leverandor", "dato"], name="besok_leverandor_dato"),
            models.Index(fields=["vedtak", "dato"], name="besok_vedtak_dato"),
            models.Index(fields=["tjenestemottaker", "dato"], name="besok_person_dato"),
        ]

    def __str__(self) -> str:
        return f"{self.tiltak} {timezone.localtime(self.vindu_start):%d.%m.%Y %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PLANLAGT, self.Status.PAGAR)


class BesokOppgave(models.Model):
    """One task of a visit (a checklist step when the tiltak has a procedure), ticked done or not."""

    class Status(models.TextChoices):
        APEN = "apen", "Ikke krysset av"
        UTFORT = "utfort", "Utført"
        IKKE_UTFORT = "ikke_utfort", "Ikke utført"

    id = models.BigAutoField(primary_key=True)
    besok = models.ForeignKey(Besok, on_delete=models.CASCADE, related_name="oppgaver")
    nr = models.PositiveSmallIntegerField("nr")
    tekst = models.CharField("oppgave", max_length=200)
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.APEN)
    grunn = models.CharField("hvorfor ikke utført", max_length=300, blank=True)
    avkrysset = models.DateTimeField(null=True, blank=True)
    avkrysset_av = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "oppgave på besøk"
        verbose_name_plural = "oppgaver på besøk"
        ordering = ["besok", "nr"]
        constraints = [models.UniqueConstraint(fields=["besok", "nr"], name="besokoppgave_nr")]

    def __str__(self) -> str:
        return self.tekst


class Handling(models.Model):
    """An action sent from a phone, by its idempotency key: a repeated submission is recognised.

    The phone (or the form) generates one key per intended action; a second request with the same
    key gets the first one's outcome and changes nothing.
    """

    id = models.BigAutoField(primary_key=True)
    nokkel = models.UUIDField()
    besok = models.ForeignKey(Besok, on_delete=models.CASCADE, related_name="handlinger")
    type = models.CharField(max_length=30)
    utfort_av = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    tidspunkt = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "handling fra mobil"
        verbose_name_plural = "handlinger fra mobil"
        # One key per rendered form set: the same key may carry a check-in and a tick, never two check-ins.
        constraints = [models.UniqueConstraint(fields=["nokkel", "type"], name="handling_nokkel_type")]

    def __str__(self) -> str:
        return f"{self.type} {self.nokkel}"


class Journalnotat(models.Model):
    """A journal entry, signed by its author at a time. Never edited: corrected by a new entry.

    Helsepersonelloven §§ 39-40 (duty to keep a record; relevant and necessary information),
    § 42 and journalforskriften § 11 (correction and deletion: what was wrong stays visible).
    """

    class Type(models.TextChoices):
        OBSERVASJON = "observasjon", "Observasjon"
        VURDERING = "vurdering", "Vurdering"
        HANDLING = "handling", "Handling/tiltak"
        NESTE_VAKT = "neste_vakt", "Viktig for neste vakt"

    class Flagg(models.TextChoices):
        INGEN = "", "Ingen"
        SYKEPLEIER = "sykepleier", "Til sykepleier"
        NESTE_VAKT = "neste_vakt", "Til neste vakt"

    id = models.BigAutoField(primary_key=True)
    tjenestemottaker = models.ForeignKey(Tjenestemottaker, on_delete=models.PROTECT, related_name="journalnotater")
    besok = models.ForeignKey(Besok, null=True, blank=True, on_delete=models.PROTECT, related_name="journalnotater")
    tiltak = models.ForeignKey(Tiltak, null=True, blank=True, on_delete=models.PROTECT, related_name="journalnotater")
    type = models.CharField("type", max_length=20, choices=Type.choices, default=Type.OBSERVASJON)
    tekst = models.TextField("notat")
    flagg = models.CharField("flagg", max_length=20, choices=Flagg.choices, blank=True, default=Flagg.INGEN)
    forfatter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="journalnotater")
    forfatter_navn = models.CharField("signert av", max_length=200)
    forfatter_rolle = models.CharField("rolle", max_length=100, blank=True)
    signert = models.DateTimeField("signert", default=timezone.now)
    korrigerer = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="korreksjoner", verbose_name="korrigerer"
    )
    nokkel = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = "journalnotat"
        verbose_name_plural = "journalnotater"
        ordering = ["-signert", "-pk"]
        indexes = [models.Index(fields=["tjenestemottaker", "signert"], name="journal_person_signert")]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {timezone.localtime(self.signert):%d.%m.%Y %H:%M}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValidationError("Et journalnotat kan ikke endres. Skriv en korreksjon i et nytt notat.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class FlaggKvittering(models.Model):
    """A nurse (or the next shift) has seen a flagged note. The note itself stays unchanged."""

    notat = models.OneToOneField(Journalnotat, on_delete=models.PROTECT, related_name="kvittering")
    av = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    tidspunkt = models.DateTimeField(default=timezone.now)
    merknad = models.CharField("merknad", max_length=300, blank=True)

    class Meta:
        verbose_name = "kvittering for flagg"
        verbose_name_plural = "kvitteringer for flagg"

    def __str__(self) -> str:
        return f"Kvittert av {self.av}"


# --- the visit planner in the product (issue 5) -------------------------------------------------------------


class Vakt(models.Model):
    """A staff member's shift on a team: when it starts and ends. The planner plans within it.

    One shift per staff member and day (a split shift is two rows only for different days). A shift
    called in sick stays as a row (who, when, by whom): the re-planning moves its visits to others.
    """

    class Status(models.TextChoices):
        PLANLAGT = "planlagt", "Planlagt"
        SYK = "syk", "Meldt syk"

    ansatt = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="vakter")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="vakter")
    dato = models.DateField("dato")
    start = models.DateTimeField("vakten starter")
    slutt = models.DateTimeField("vakten slutter")
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.PLANLAGT)
    meldt_syk = models.DateTimeField("meldt syk", null=True, blank=True)
    meldt_syk_av = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "vakt"
        verbose_name_plural = "vakter"
        ordering = ["dato", "start", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ansatt", "dato"], name="vakt_en_per_ansatt_og_dag"),
            models.CheckConstraint(condition=Q(slutt__gt=models.F("start")), name="vakt_slutt_etter_start"),
        ]
        indexes = [models.Index(fields=["team", "dato"], name="vakt_team_dato")]

    def __str__(self) -> str:
        return f"{self.ansatt} {timezone.localtime(self.start):%d.%m %H:%M}–{timezone.localtime(self.slutt):%H:%M}"


class Dagsplan(models.Model):
    """A team's plan for one day: the draft the planning board edits, and when it was published.

    ``utkast`` maps a visit id to ``{"ansatt": user id or null, "start": minutes after midnight}``.
    «Min dag» shows the published plan (``Besok.ansatt`` and ``Besok.planlagt_start``) only; the draft
    changes nothing for the staff until it is published. ``versjon`` rises with every change so two
    planners editing at once cannot overwrite each other unseen.
    """

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="dagsplaner")
    dato = models.DateField("dato")
    utkast = models.JSONField("utkast", default=dict, blank=True)
    versjon = models.PositiveIntegerField("versjon", default=1)
    endret = models.DateTimeField("sist endret", default=timezone.now)
    endret_av = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    publisert = models.DateTimeField("publisert", null=True, blank=True)
    publisert_av = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    publisert_versjon = models.PositiveIntegerField("publisert versjon", null=True, blank=True)

    class Meta:
        verbose_name = "dagsplan"
        verbose_name_plural = "dagsplaner"
        constraints = [models.UniqueConstraint(fields=["team", "dato"], name="dagsplan_en_per_team_og_dag")]

    def __str__(self) -> str:
        return f"{self.team} {self.dato:%d.%m.%Y}"

    @property
    def has_unpublished_changes(self) -> bool:
        return self.publisert_versjon != self.versjon


class Planlegging(models.Model):
    """One run of the optimiser for a day plan, as a background job with its progress and its result.

    ``for_tall``/``etter_tall``: the plan's figures (continuity, punctuality risk, travel) before and
    after; ``uplassert``: visits the plan could not place, each with the reason.
    """

    class Status(models.TextChoices):
        VENTER = "venter", "Venter i kø"
        KJORER = "kjorer", "Kjører"
        FERDIG = "ferdig", "Ferdig"
        FEILET = "feilet", "Feilet"

    class Type(models.TextChoices):
        OPTIMALISER = "optimaliser", "Optimalisering"
        SYKDOM = "sykdom", "Ny plan etter sykmelding"

    dagsplan = models.ForeignKey(Dagsplan, on_delete=models.CASCADE, related_name="planlegginger")
    type = models.CharField("type", max_length=20, choices=Type.choices, default=Type.OPTIMALISER)
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.VENTER)
    fremdrift = models.FloatField("fremdrift (0–1)", default=0.0)
    tidsgrense = models.PositiveIntegerField("tidsgrense (sekunder)", default=20)
    seed = models.IntegerField("frø", default=0)
    kontinuitet = models.BooleanField("vekt på kjente fjes", default=True)
    bestilt_av = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opprettet = models.DateTimeField(default=timezone.now)
    startet = models.DateTimeField(null=True, blank=True)
    ferdig = models.DateTimeField(null=True, blank=True)
    versjon_for = models.PositiveIntegerField("dagsplanens versjon da jobben startet", null=True, blank=True)
    for_tall = models.JSONField("tall før", default=dict, blank=True)
    etter_tall = models.JSONField("tall etter", default=dict, blank=True)
    uplassert = models.JSONField("besøk uten plass", default=list, blank=True)
    resultat = models.JSONField("planen jobben fant (samme form som dagsplanens utkast)", default=dict, blank=True)
    brukt = models.BooleanField("resultatet er lagt inn i utkastet", default=False)
    feil = models.TextField("feilmelding", blank=True)
    oppgave_id = models.CharField("bakgrunnsjobb", max_length=64, blank=True)

    class Meta:
        verbose_name = "planlegging"
        verbose_name_plural = "planlegginger"
        ordering = ["-opprettet", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.dagsplan} ({self.get_status_display().lower()})"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.VENTER, self.Status.KJORER)

    @property
    def waiting_long(self) -> bool:
        from helhet.care.planner import waiting_long

        return waiting_long(self)

    @property
    def percent(self) -> int:
        return round(100 * min(1.0, max(0.0, self.fremdrift)))


def open_flags_q() -> Q:
    return ~Q(flagg="") & Q(kvittering__isnull=True)


__all__ = [
    "Besok",
    "BesokOppgave",
    "Dagsplan",
    "FlaggKvittering",
    "Handling",
    "IndividuellPlan",
    "Involvering",
    "Journalnotat",
    "Mal",
    "Planlegging",
    "Tiltak",
    "Tiltaksplan",
    "TiltaksplanEndring",
    "Vakt",
]
