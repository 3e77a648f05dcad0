"""Demo: a year of complaints on the service at the demo provider (issue 7 point 3).

Twelve complaints over the last year at the enheter of the provider where the demo
meldingsansvarlig works: most answered in time, one answered after its deadline, one still open
(received recently, inside its deadline), one that turned out to be about the vedtak. Some name the
tjenestemottaker (a person the enhet's teams serve). Deterministic from ``rng``. Runs inside the
demo transaction after the core, cases, care and BPA demos.

Rows are written directly (this is history, not a user's action), with the deadline from
:func:`helhet.quality.rules.klager.answer_deadline` exactly as the service sets it.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Q

from helhet.core.models import Enhet, Role, RoleAssignment, Tjenestemottaker, TjenestemottakerTeam, User
from helhet.quality.models import Avvik, Tjenesteklage
from helhet.quality.rules.klager import answer_deadline

K = Tjenesteklage

#: (who, channel, topic, what it is about, assessment, measure, answer, outcome)
STORIES: list[tuple[str, str, str, str, str, str, str, str]] = [
    (
        K.KlagerRolle.PARORENDE,
        K.Kanal.TELEFON,
        K.Tema.TIDSPUNKT,
        "Datteren forteller at morgenbesøket kom over en time for sent flere dager på rad.",
        "Ruten hadde for lite tid mellom besøkene etter at en ny bruker kom til.",
        "Ruten er lagt om; besøket er flyttet først på ruten.",
        "Beklaget forsinkelsene og forklarte den nye ruten.",
        K.Utfall.MEDHOLD,
    ),
    (
        K.KlagerRolle.TJENESTEMOTTAKER,
        K.Kanal.MUNTLIG,
        K.Tema.KONTINUITET,
        "Får nye ansatte nesten hver dag og må forklare det samme hver gang.",
        "Berettiget. Teamet har hatt mange vakter dekket av vikarer.",
        "Fast kjerne på tre ansatte hos brukeren; primærkontakt informert.",
        "Gikk gjennom ny bemanningsplan i et møte hjemme.",
        K.Utfall.MEDHOLD,
    ),
    (
        K.KlagerRolle.PARORENDE,
        K.Kanal.EPOST,
        K.Tema.OPPFORSEL,
        "Sønnen opplevde at en ansatt snakket nedlatende til faren.",
        "Samtale med den ansatte; ulik oppfatning av situasjonen.",
        "Tema tatt opp på personalmøte om kommunikasjon.",
        "Beklaget opplevelsen og fortalte hva som er gjort.",
        K.Utfall.DELVIS,
    ),
    (
        K.KlagerRolle.BESTILLER,
        K.Kanal.EPOST,
        K.Tema.INFORMASJON,
        "Bydelen fikk ikke beskjed om at brukerens behov hadde endret seg.",
        "Rutinen for melding til bestiller ble ikke fulgt.",
        "Rutinen er gjennomgått med alle sykepleiere.",
        "Skriftlig svar til bydelen med ny kontaktperson.",
        K.Utfall.MEDHOLD,
    ),
    (
        K.KlagerRolle.TJENESTEMOTTAKER,
        K.Kanal.TELEFON,
        K.Tema.KVALITET,
        "Rengjøringen blir ikke gjort slik det er avtalt.",
        "Oppgavelisten var ikke oppdatert etter siste avtale.",
        "Oppgavelisten er oppdatert.",
        "Ringte og avtalte hva som gjøres hver uke.",
        K.Utfall.MEDHOLD,
    ),
    (
        K.KlagerRolle.PARORENDE,
        K.Kanal.BREV,
        K.Tema.TIDSPUNKT,
        "Kveldsbesøket kommer for tidlig, før kl. 19.",
        "Besøksvinduet i planen var 18–20; ønsket er etter 19.",
        "Vinduet er endret til 19–20.",
        "Brev med nytt besøkstidspunkt.",
        K.Utfall.MEDHOLD,
    ),
    (
        K.KlagerRolle.ANNEN,
        K.Kanal.TELEFON,
        K.Tema.OPPFORSEL,
        "En nabo klager på at tjenestebilen blokkerer innkjørselen.",
        "Bilen er parkert feil ved noen besøk.",
        "Parkeringsanvisning lagt inn i besøksnotatet.",
        "Ringte naboen og beklaget.",
        K.Utfall.MEDHOLD,
    ),
    (
        K.KlagerRolle.TJENESTEMOTTAKER,
        K.Kanal.DIGITALT,
        K.Tema.KVALITET,
        "Mener at hjelpen til dusj ikke blir gitt hver uke.",
        "Dusj er gitt ukentlig ifølge besøkene; én uke falt ut ved sykdom.",
        "",
        "Forklarte hva som var gjort og beklaget uken som falt ut.",
        K.Utfall.DELVIS,
    ),
    (
        K.KlagerRolle.PARORENDE,
        K.Kanal.MOTE,
        K.Tema.INFORMASJON,
        "Familien får ikke vite hvem som kommer.",
        "Brukeren har samtykket til at datteren får ukeplan.",
        "Ukeplan sendes datteren hver fredag.",
        "Avtalt i møte at ukeplanen sendes.",
        K.Utfall.MEDHOLD,
    ),
    (
        K.KlagerRolle.TJENESTEMOTTAKER,
        K.Kanal.TELEFON,
        K.Tema.TIDSPUNKT,
        "Besøket varer kortere enn det som står i vedtaket.",
        "Besøkene er gjennomført som bestilt; klagen gjelder omfanget i vedtaket.",
        "",
        "Forklarte at omfanget bestemmes av bydelen, og hvordan man klager på vedtaket.",
        K.Utfall.IKKE,
    ),
]
LATE_INDEX = 2  # answered after its deadline
OPEN_STORY = (
    K.KlagerRolle.PARORENDE,
    K.Kanal.TELEFON,
    K.Tema.KONTINUITET,
    "Moren har hatt fire ulike ansatte denne uken og blir urolig.",
)
VEDTAK_INDEX = 9  # turned out to be about the vedtak
AVVIK_INDEX = 0  # linked to an avvik at the enhet, when the avvik demo made one


def build_demo(rng: random.Random, today: dt.date) -> dict[str, int]:
    """Add the demo complaints; returns counts by Norwegian label."""
    anchor = RoleAssignment.objects.filter(rolle=Role.MELDINGSANSVARLIG, enhet__isnull=False).order_by("pk").first()
    if anchor is None or anchor.enhet is None:
        return {"Klager på tjenesten": 0}
    enheter = list(Enhet.objects.filter(leverandor_id=anchor.enhet.leverandor_id).order_by("pk"))
    enheter.sort(key=lambda e: e.pk != anchor.enhet_id)  # the meldingsansvarlig's enhet first
    enheter = enheter[:3]

    def staff_at(enhet: Enhet, roles: set[Role]) -> list[User]:
        qs = RoleAssignment.objects.filter(Q(enhet=enhet) | Q(team__enhet=enhet), rolle__in=roles, user__is_active=True)
        return list(User.objects.filter(pk__in=qs.values("user_id")).order_by("pk"))

    def handler_at(enhet: Enhet) -> User | None:
        found = staff_at(enhet, {Role.MELDINGSANSVARLIG}) or staff_at(enhet, {Role.LEDER})
        return found[0] if found else None

    def persons_at(enhet: Enhet) -> list[Tjenestemottaker]:
        ids = TjenestemottakerTeam.objects.filter(team__enhet=enhet).values("tjenestemottaker_id")
        return list(Tjenestemottaker.objects.filter(pk__in=ids).order_by("pk")[:40])

    care = {Role.SYKEPLEIER, Role.HELSEFAGARBEIDER, Role.ASSISTENT}
    # Received dates spread over the year; sorted so the story order is chronological.
    days_ago = sorted(rng.sample(range(45, 360), len(STORIES)), reverse=True)
    created = 0
    weights = [6, 3, 2][: len(enheter)]
    for index, (story, ago) in enumerate(zip(STORIES, days_ago, strict=True)):
        who, kanal, tema, text, vurdering, tiltak, svar, utfall = story
        enhet = rng.choices(enheter, weights=weights)[0]
        registrar_pool = staff_at(enhet, care) or staff_at(enhet, {Role.LEDER})
        handler = handler_at(enhet)
        if not registrar_pool or handler is None:
            continue
        mottatt = today - dt.timedelta(days=ago)
        frist = answer_deadline(mottatt)
        if index == LATE_INDEX:
            besvart = frist + dt.timedelta(days=rng.randint(4, 12))
        else:
            besvart = mottatt + dt.timedelta(days=rng.randint(3, max(4, (frist - mottatt).days - 4)))
        avvik = None
        if index == AVVIK_INDEX:  # the late visits were also reported as an avvik (built before this demo)
            avvik = (
                Avvik.objects.filter(enhet=enhet, registrert__date__gte=mottatt - dt.timedelta(days=30))
                .exclude(status=Avvik.Status.UTKAST)
                .order_by("registrert", "pk")
                .first()
            )
        persons = persons_at(enhet)
        person = rng.choice(persons) if persons and who != K.KlagerRolle.ANNEN and rng.random() < 0.6 else None
        Tjenesteklage.objects.create(
            enhet=enhet,
            klager_rolle=who,
            tjenestemottaker=person,
            mottatt=mottatt,
            kanal=kanal,
            tema=tema,
            beskrivelse=text,
            frist=frist,
            status=K.Status.BESVART,
            registrert_av=rng.choice(registrar_pool),
            behandler=handler,
            vurdering=vurdering,
            tiltak=tiltak,
            avvik=avvik,
            gjelder_vedtak=index == VEDTAK_INDEX,
            besvart=min(besvart, today),
            svarmate=rng.choice([K.Kanal.BREV, K.Kanal.TELEFON, K.Kanal.EPOST, K.Kanal.MOTE]),
            svar_sammendrag=svar,
            utfall=utfall,
        )
        created += 1
    # Two recent ones: one open inside its deadline, one under handling inside its deadline.
    for ago, status in ((6, K.Status.MOTTATT), (15, K.Status.UNDER_BEHANDLING)):
        enhet = enheter[0]
        registrar_pool = staff_at(enhet, care) or staff_at(enhet, {Role.LEDER})
        handler = handler_at(enhet)
        if not registrar_pool:
            continue
        who, kanal, tema, text = OPEN_STORY if status == K.Status.MOTTATT else STORIES[0][:4]
        mottatt = today - dt.timedelta(days=ago)
        Tjenesteklage.objects.create(
            enhet=enhet,
            klager_rolle=who,
            mottatt=mottatt,
            kanal=kanal,
            tema=tema,
            beskrivelse=text,
            frist=answer_deadline(mottatt),
            status=status,
            registrert_av=rng.choice(registrar_pool),
            behandler=handler if status == K.Status.UNDER_BEHANDLING else None,
            vurdering="Undersøker besøkstidene de siste ukene." if status == K.Status.UNDER_BEHANDLING else "",
        )
        created += 1
    return {"Klager på tjenesten": created}
