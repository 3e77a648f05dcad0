"""The demo world's quality system: a year of avvik, then each area's own demo (issue 7 point 8).

Built by :func:`build_demo_quality` inside the core demo's transaction, after the cases, care and BPA
demos (it uses their enheter, staff, persons and visits). Deterministic for a seed: ``rng`` is the
only source of chance and each area gets its own generator derived from the seed, so adding rows to
one area never changes another's.

The avvik year (:func:`build_demo_avvik`) follows what the seed provider's annual report describes
(``seeds/000``): one system for HMS, fag/kvalitet, legemiddelhåndtering and more; a meldingsansvarlig
who grades, decides measures and closes; a share handled in time just above the 90 % line, with the
late ones explained by a handler away on leave and long-running measures. On top of the steady flow:

- a cluster of medication avvik at the featured enhet in the last two months (so «Avvik til
  behandling» suggests an internal audit, and the revisjon demo has a reason for its internal audit);
- one serious fall (the guided questions lead to «høy»);
- the demo logins' own cases: ``helsefagarbeider`` has a closed report with an outcome to read, one
  still being handled and a half-written draft; ``meldingsansvarlig`` has new reports waiting (the
  count in the menu) and a measure past its deadline.

Rows are created directly (bulk) with their historical timestamps rather than through the services,
which stamp «now»; the grading uses :mod:`helhet.quality.rules.risiko`, so the stored grade and its
sentence are exactly what the handler's form would have produced.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from helhet.core.models import Enhet, Role, RoleAssignment, TjenestemottakerTeam, User
from helhet.quality import (
    demo_dokumenter,
    demo_klager,
    demo_revisjon,
    demo_ros,
    demo_undersokelser,
    demo_varsling,
)
from helhet.quality.models import Avvik, AvvikKategori, AvvikTiltak
from helhet.quality.rules import risiko

#: Avvik per enhet per month on average, by category code (the provider's mix: medication most often).
MONTHLY_RATE: dict[str, float] = {
    "legemiddel": 1.6,
    "fag-kvalitet": 1.0,
    "fall": 0.8,
    "hms": 0.7,
    "personvern": 0.35,
    "vold-trusler": 0.3,
}

#: What happened, by category: synthetic texts without names.
TEXTS: dict[str, Sequence[str]] = {
    "legemiddel": (
        "Morgendosen lå igjen i dosetten ved kveldsbesøket.",
        "Feil dosett gitt: ukedagen var forskjøvet med én dag.",
        "Insulin ble ikke gitt til avtalt tid fordi besøket ble forsinket.",
        "Legemiddelet var ikke levert fra apoteket, dosen ble utsatt.",
        "Dobbel dose smertestillende: to ansatte ga samme dose.",
        "Multidosepose manglet i rullen for lunsj.",
        "Endret dosering fra fastlegen var ikke lagt inn i legemiddellisten.",
    ),
    "fag-kvalitet": (
        "Avtalt sårstell ble ikke utført, ingen beskjed til neste vakt.",
        "Besøket ble glemt i ruten, personen ventet i to timer.",
        "Rapport om endret allmenntilstand ble ikke fulgt opp av sykepleier.",
        "Trykksår oppdaget; snuplanen var ikke fulgt.",
        "Personen fikk ikke frokost, oppgaven sto ikke i tiltaket.",
    ),
    "fall": (
        "Personen falt på badet under dusj, ingen synlige skader.",
        "Funnet på gulvet ved sengen om morgenen, usikkert hvor lenge.",
        "Falt i gangen på vei til døren, slo hodet lett.",
        "Skled på teppet i stua, hadde ikke på seg skoene.",
    ),
    "hms": (
        "Ansatt fikk vondt i ryggen ved forflytning uten heis.",
        "Glatt innkjørsel, ansatt skled og slo kneet.",
        "Bilen startet ikke, morgenruten ble forsinket.",
        "Stikkskade med brukt kanyle ved oppsamling av avfall.",
        "Røykfylt leilighet ved ankomst; personen hadde glemt kaffetrakteren.",
    ),
    "personvern": (
        "Arbeidsliste med navn lå igjen i bilen, bilen var ulåst.",
        "E-post med opplysninger om en bruker ble sendt til feil mottaker.",
        "Telefon med tilgang til journalen ble mistet på bussen.",
        "Pårørende fikk opplysninger uten at samtykke var registrert.",
    ),
    "vold-trusler": (
        "Personen ble urolig og slo etter ansatt under stell.",
        "Pårørende truet ansatt verbalt i døren.",
        "Ansatt ble holdt hardt i armen og fikk blåmerker.",
    ),
}

#: The «ja» answers that fit each category, with their weights (the rest are «nei»).
LIKELY_YES: dict[str, Sequence[tuple[str, float]]] = {
    "legemiddel": (("tk_legemiddel", 0.8), ("lh_skade", 0.25), ("lh_legehjelp", 0.08)),
    "fag-kvalitet": (("tk_annerledes", 0.7), ("tk_bortfalt", 0.35), ("lh_skade", 0.2)),
    "fall": (("lh_skade", 0.6), ("lh_legehjelp", 0.2), ("tk_uten_hjelp", 0.2)),
    "hms": (("hms_ubehag", 0.7), ("hms_legehjelp", 0.15)),
    "personvern": (("pv_feil_sted", 0.6), ("pv_personopplysninger", 0.5), ("pv_helseopplysninger", 0.35)),
    "vold-trusler": (("hms_ubehag", 0.8), ("hms_legehjelp", 0.1)),
}
#: Where it happened, by category.
PLACES: dict[str, Sequence[str]] = {
    "legemiddel": ("Hjemme hos personen", "Kjøkkenet", "Basen (legemiddelrommet)", ""),
    "fag-kvalitet": ("Hjemme hos personen", "Soverommet", "Badet", ""),
    "fall": ("Badet", "Soverommet", "Stua", "Gangen", "Utenfor inngangen"),
    "hms": ("I bilen", "Basen", "Utenfor inngangen", "Hjemme hos personen"),
    "personvern": ("Basen", "I bilen", "På telefonen", ""),
    "vold-trusler": ("Hjemme hos personen", "Ved inngangsdøren"),
}
PERSON_CATEGORIES = frozenset({"legemiddel", "fag-kvalitet", "fall"})

MEASURES: dict[str, Sequence[str]] = {
    "legemiddel": (
        "Dobbeltkontroll av dosett ved ukeskifte",
        "Gjennomgang av legemiddelrutinen på personalmøtet",
        "Legemiddellisten avstemmes med fastlegen",
        "Påminnelse i tiltaket om tidskritisk legemiddel",
    ),
    "fag-kvalitet": ("Tiltaket oppdateres med oppgaven", "Rapportrutinen gjennomgås med teamet"),
    "fall": ("Fallrisikovurdering og befaring med ergoterapeut", "Sklisikre matter og nattlys bestilt"),
    "hms": ("Forflytningskurs for teamet", "Strøing avtalt med vaktmester", "Verneombud gjennomgår rutinen"),
    "personvern": ("Opplæring i taushetsplikt og informasjonssikkerhet", "Låsbar mappe i alle biler"),
    "vold-trusler": ("Risikovurdering før besøk, to ansatte ved stell", "Samtale med pårørende og leder"),
}
LEARNING: dict[str, Sequence[str]] = {
    "legemiddel": (
        "Dobbeltkontroll fanger feil i dosetten før de når personen.",
        "Legemiddellisten må avstemmes ved hver endring.",
    ),
    "fag-kvalitet": ("Det som ikke står i tiltaket, blir ikke gjort.", "Endringer må meldes til sykepleier samme dag."),
    "fall": ("Fallrisiko vurderes ved oppstart og ved endring.", "Enkle tiltak i hjemmet forebygger fall."),
    "hms": ("Rutinen var kjent, men utstyret manglet.", "Meld fra om farlige forhold før noen skades."),
    "personvern": ("Papirlister tas ikke med ut av kontoret.", "Sjekk mottaker før sending."),
    "vold-trusler": ("Uro varsles før besøket, og vi går to når det trengs.", "Tidlig samtale med pårørende hjelper."),
}


@dataclass
class _Unit:
    enhet: Enhet
    handler: User
    reporters: list[User]
    owners: list[User]
    person_ids: list[uuid.UUID]


def _units(day: dt.date) -> list[_Unit]:
    units = []
    active = Q(gyldig_fra__lte=day) & (Q(gyldig_til__isnull=True) | Q(gyldig_til__gte=day))
    for enhet in Enhet.objects.order_by("pk"):
        here = RoleAssignment.objects.filter(active, user__is_active=True).filter(Q(enhet=enhet) | Q(team__enhet=enhet))
        handler = None
        for rolle in (Role.MELDINGSANSVARLIG, Role.LEDER):
            first = here.filter(rolle=rolle, enhet=enhet).select_related("user").order_by("gyldig_fra", "pk").first()
            if first is not None:
                handler = first.user
                break
        if handler is None:
            continue
        reporters = list(
            User.objects.filter(role_assignments__in=here.filter(team__enhet=enhet)).distinct().order_by("pk")
        )
        owners = list(User.objects.filter(role_assignments__in=here).distinct().order_by("pk"))
        person_ids = list(
            TjenestemottakerTeam.objects.filter(team__enhet=enhet)
            .values_list("tjenestemottaker_id", flat=True)
            .distinct()
            .order_by("tjenestemottaker_id")
        )
        if reporters:
            units.append(_Unit(enhet, handler, reporters, owners, person_ids))
    return units


def _at(day: dt.date, rng: random.Random, lo: int = 7, hi: int = 22) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time(rng.randint(lo, hi - 1), rng.choice((0, 10, 20, 30, 40, 50))))
    )


def _grade(rng: random.Random, kode: str, serious: bool = False) -> tuple[dict[str, bool], risiko.Vurdering, str]:
    answers = {q.kode: False for q in risiko.SPORSMAL}
    for code, p in LIKELY_YES.get(kode, ()):
        if rng.random() < p:
            answers[code] = True
    if serious:
        answers.update(lh_skade=True, lh_legehjelp=True, lh_sykehus=True)
    gradering = risiko.grade_consequence(answers)
    sannsynlighet = 3 if serious else rng.choices((1, 2, 3, 4), weights=(1, 4, 4, 1))[0]
    vurdering = risiko.Vurdering(sannsynlighet, gradering.konsekvens)
    return answers, vurdering, f"{vurdering.tekst}. {gradering.begrunnelse}"


class _AvvikBuilder:
    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self.rng = rng
        self.today = today
        self.now = timezone.now()
        self.kategorier = {k.kode: k for k in AvvikKategori.objects.filter(aktiv=True)}
        self.avvik: list[Avvik] = []
        self.measures: list[tuple[int, AvvikTiltak]] = []  # (index into avvik, measure)

    def add(
        self,
        unit: _Unit,
        kode: str,
        day: dt.date,
        *,
        reporter: User | None = None,
        serious: bool = False,
        state: str | None = None,
    ) -> Avvik:
        rng = self.rng
        happened = _at(day, rng)
        registered = min(happened + dt.timedelta(hours=rng.choice((0, 1, 2, 5, 20, 30))), self.now)
        reporter = reporter or rng.choice(unit.reporters)
        person_id: uuid.UUID | None = None
        if kode in PERSON_CATEGORIES and unit.person_ids and rng.random() < 0.6:
            person_id = rng.choice(unit.person_ids)
        age = (self.today - timezone.localdate(registered)).days
        # When handling started: most within days; some late (leave, holidays); the newest not yet.
        if rng.random() < 0.1:
            start_after = rng.randint(15, 40)
        else:
            start_after = rng.choices((0, 1, 2, 3, 5, 8, 12), weights=(3, 5, 4, 3, 2, 1, 1))[0]
        close_after = start_after + rng.randint(2, 50)
        if state is None:
            if start_after > age:
                state = Avvik.Status.REGISTRERT
            elif close_after <= age and rng.random() < 0.93:
                state = Avvik.Status.LUKKET
            else:
                state = Avvik.Status.UNDER_BEHANDLING
        else:
            start_after, close_after = min(start_after, age), min(close_after, age)
        a = Avvik(
            melder=reporter,
            enhet=unit.enhet,
            kategori=self.kategorier[kode],
            hva_skjedde=rng.choice(TEXTS[kode]),
            hvor=rng.choice(PLACES.get(kode, ("",))),
            tidspunkt=happened,
            tjenestemottaker_id=person_id,
            status=state,
            meldingsansvarlig=unit.handler,
            registrert=registered,
        )
        if state != Avvik.Status.REGISTRERT:
            a.startet = min(registered + dt.timedelta(days=start_after, hours=rng.randint(0, 6)), self.now)
            answers, vurdering, begrunnelse = _grade(rng, kode, serious)
            a.svar, a.sannsynlighet, a.konsekvens = answers, vurdering.sannsynlighet, vurdering.konsekvens
            a.niva, a.gradering_begrunnelse, a.gradert_av = vurdering.niva.value, begrunnelse, unit.handler
        if state == Avvik.Status.LUKKET:
            a.lukket = min(registered + dt.timedelta(days=close_after, hours=rng.randint(1, 8)), self.now)
            a.laering = rng.choice(LEARNING[kode])
            # The reporter has read the outcome (the demo helper's newest one below is left unread).
            a.utfall_sett = min(a.lukket + dt.timedelta(hours=rng.randint(2, 72)), self.now)
        self.avvik.append(a)
        if state != Avvik.Status.REGISTRERT and (serious or rng.random() < 0.6):
            for _ in range(1 if rng.random() < 0.7 else 2):
                self._measure(len(self.avvik) - 1, a, unit, kode)
        return a

    def _measure(self, index: int, a: Avvik, unit: _Unit, kode: str) -> None:
        rng = self.rng
        assert a.startet is not None
        start = timezone.localdate(a.startet)
        frist = start + dt.timedelta(days=rng.randint(10, 45))
        utfort = None
        if a.status == Avvik.Status.LUKKET:
            assert a.lukket is not None
            utfort = min(timezone.localdate(a.lukket), start + dt.timedelta(days=rng.randint(1, 40)))
        elif frist < self.today and rng.random() < 0.6:
            utfort = min(self.today, frist - dt.timedelta(days=rng.randint(0, 5)))
        self.measures.append(
            (
                index,
                AvvikTiltak(
                    beskrivelse=rng.choice(MEASURES[kode]),
                    ansvarlig=rng.choice(unit.owners),
                    frist=frist,
                    utfort=utfort,
                ),
            )
        )

    def save(self) -> None:
        created = Avvik.objects.bulk_create(self.avvik)
        # auto_now_add stamps «now»: give each row the time it was written.
        for a in created:
            a.opprettet = a.registrert or a.opprettet
        Avvik.objects.bulk_update(created, ["opprettet"])
        rows = []
        for index, measure in self.measures:
            measure.avvik = created[index]
            rows.append(measure)
        AvvikTiltak.objects.bulk_create(rows)


def build_demo_avvik(rng: random.Random, today: dt.date) -> dict[str, int]:
    units = _units(today)
    if not units:
        return {}
    builder = _AvvikBuilder(rng, today)
    start = today - dt.timedelta(days=364)
    for unit in units:
        for kode, rate in MONTHLY_RATE.items():
            if kode not in builder.kategorier:
                continue
            n = max(0, round(rng.gauss(rate * 12, (rate * 12) ** 0.5)))
            for _ in range(n):
                builder.add(unit, kode, start + dt.timedelta(days=rng.randint(0, 364)))

    featured = units[0]
    # Repeated medication avvik at the featured enhet: an internal audit is suggested.
    for days_ago in (52, 38, 23, 9):
        builder.add(featured, "legemiddel", today - dt.timedelta(days=days_ago))
    # One serious fall in the last quarter.
    builder.add(
        rng.choice(units),
        "fall",
        today - dt.timedelta(days=rng.randint(20, 60)),
        serious=True,
        state=Avvik.Status.UNDER_BEHANDLING,
    )

    demo_helper = User.objects.filter(username="helsefagarbeider").first()
    if demo_helper is not None:
        own = next((u for u in units if demo_helper in u.reporters), featured)
        closed = builder.add(
            own, "legemiddel", today - dt.timedelta(days=40), reporter=demo_helper, state=Avvik.Status.LUKKET
        )
        closed.utfall_sett = None  # «Nytt utfall» for the demo login
        builder.add(own, "hms", today - dt.timedelta(days=6), reporter=demo_helper, state=Avvik.Status.UNDER_BEHANDLING)
        builder.add(own, "fall", today - dt.timedelta(days=1), reporter=demo_helper, state=Avvik.Status.REGISTRERT)
    # New reports waiting for the featured enhet's meldingsansvarlig (the count in the menu).
    for days_ago in (0, 1):
        builder.add(
            featured,
            rng.choice(("fag-kvalitet", "hms")),
            today - dt.timedelta(days=days_ago),
            state=Avvik.Status.REGISTRERT,
        )
    builder.save()

    if demo_helper is not None:  # a half-written report on the phone, kept as a draft
        Avvik.objects.create(
            melder=demo_helper,
            kategori=builder.kategorier.get("hms"),
            hva_skjedde="Trappen ved inngangen hos",
            hvor="Inngangen",
        )
    # A measure past its deadline at the featured enhet, so the figure has something to open.
    open_featured = (
        Avvik.objects.filter(enhet=featured.enhet, status=Avvik.Status.UNDER_BEHANDLING).order_by("registrert").first()
    )
    if open_featured is not None:
        AvvikTiltak.objects.create(
            avvik=open_featured,
            beskrivelse="Ny rutine for dosettkontroll skrives og godkjennes",
            ansvarlig=featured.handler,
            frist=today - dt.timedelta(days=5),
        )
    return {
        "Avvik": Avvik.objects.count(),
        "Avvik lukket": Avvik.objects.filter(status=Avvik.Status.LUKKET).count(),
        "Tiltak etter avvik": AvvikTiltak.objects.count(),
    }


def build_demo_quality(rng: random.Random, *, today: dt.date, seed: int = 1) -> dict[str, int]:
    """Add the quality system's year to the demo world; return row counts by label."""
    counts = build_demo_avvik(rng, today)
    for area, module in (
        ("dokumenter", demo_dokumenter),
        ("klager", demo_klager),
        ("revisjon", demo_revisjon),
        ("ros", demo_ros),
        ("undersokelser", demo_undersokelser),
        ("varsling", demo_varsling),
    ):
        counts.update(module.build_demo(random.Random(f"helhet-demo-kvalitet-{area}:{seed}"), today))
    _seeded_login_keys(seed)
    return counts


def _seeded_login_keys(seed: int) -> None:
    """Give the quality demo's own logins the TOTP key every demo login has (derived from the seed and
    the username), so ``helhet demo`` recognises the seed that built the world and prints the secrets."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from helhet.core.demo import OTP_DEVICE_NAME, totp_key

    for username, *_ in demo_varsling.demo_logins():
        TOTPDevice.objects.filter(user__username=username, name=OTP_DEVICE_NAME).update(key=totp_key(seed, username))


__all__ = ["build_demo_avvik", "build_demo_quality"]
