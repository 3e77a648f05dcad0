"""Case handling in the demo world: cases at every stage, for every bydel of «Fjordvik kommune».

Called by :func:`helhet.core.demo.build_demo_world` once the people, staff and providers exist.
Every step goes through :mod:`helhet.cases.services`, acting as the bydel's own saksbehandlere,
vedtaksmyndige and the providers' leaders, with a decision from the one access check
(:func:`helhet.core.access.check`): the rules apply, the audit trail records each step, and a demo
step the access rules would refuse fails the build instead of slipping in.

What it makes (seed 1 gives about these numbers):

- Oslo's 2019 co-payment table (seed 004, appendix 2) as the kommune's :class:`EgenbetalingSats`;
- about 25 open henvendelser (some in the Kontaktpunkt's inbox without an owner, some overdue, some
  due within two days), and a few answered without an application;
- about 15 søknader under kartlegging, 5 vedtak drafts and 5 vedtak waiting for approval;
- about 60 fattet vedtak with their letters (sent, most also received), brukervalg and bestillinger
  (most received by the provider, the newest not yet), one switch of provider in its ten days'
  notice, and vedtak expiring within eight weeks;
- klager: one in time and one late under assessment, one fully reversed, one at Statsforvalteren,
  and a few decided (for the statistics).

The demo logins ``saksbehandler`` and ``vedtaksmyndig`` (Bydel Sentrum) get several cases of each
kind: the first cases of every stage go to Bydel Sentrum and to persons whose case officer is the
``saksbehandler`` login.

Deterministic: only the ``rng`` passed in decides; every list is read from the database in an
explicit order (persons by identity number, staff by username), never by primary key. The
services stamp «now» on what they do; the demo then moves those stamps back to the day the story
says the step happened (received, approved, sent, chosen …), so worklists and deadlines look like a
real bydel's. The audit trail keeps the real time of the build. The vedtak letters are rendered
when approved and carry the build's date (``godkjenn_vedtak`` takes no date).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils import timezone
from faker.providers.person.no_NO import Provider as NorwegianNames

from helhet.cases import services
from helhet.cases.models import (
    Bestilling,
    Brukervalg,
    Dokument,
    EgenbetalingSats,
    Funksjonsskaar,
    Henvendelse,
    Kartlegging,
    Klage,
    Soknad,
    Vedtak,
    Vedtaksbrev,
)
from helhet.cases.rules import egenbetaling, iplos, tjenester
from helhet.core import access
from helhet.core.access import Action, Decision
from helhet.core.demo import DEMO_USERNAMES, FOREIGN_NAMES
from helhet.core.models import (
    Bydel,
    Kommune,
    Leverandor,
    Parorende,
    Role,
    RoleAssignment,
    Team,
    Tjenestemottaker,
    TjenestemottakerTeam,
    User,
    Verge,
)


class Writer(Protocol):
    def write(self, msg: str, /) -> object: ...


#: Grounds that hold for the whole build once they hold (see :meth:`_CaseBuilder.decide`).
STABLE_GROUNDS = frozenset({"saksansvarlig"})
#: How many fattet (approved) vedtak the demo aims for.
FATTET_VEDTAK = 60
OPEN_HENVENDELSER = 25
KARTLEGGING = 15
UTKAST = 5
TIL_GODKJENNING = 5

#: Household incomes (kr a year) for praktisk bistand, spread over the bands of the 2019 table.
HUSSTANDSINNTEKTER = (148_000, 176_500, 221_000, 264_000, 312_000, 356_000, 418_000, 540_000, 690_000)

KANAL_VERB: Mapping[str, str] = {
    Henvendelse.Kanal.TELEFON: "ringer",
    Henvendelse.Kanal.EPOST: "skriver i en e-post",
    Henvendelse.Kanal.DIGITAL: "skriver i den digitale innbyggerdialogen",
    Henvendelse.Kanal.ELEKTRONISK_MELDING: "melder",
    Henvendelse.Kanal.BREV: "skriver i et brev",
    Henvendelse.Kanal.OPPMOTE: "kommer innom kontaktpunktet",
}

# --- the stories ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tjeneste:
    """One service a story leads to: granted with one of ``omfang``, or refused when ``avslag`` is set."""

    code: str
    omfang: tuple[str, ...] = ()
    innhold: str = ""
    avslag: str = ""  # the reasons for a refusal (du-form); empty: granted
    kort: bool = False  # time-limited (after a hospital stay, say)


@dataclass(frozen=True)
class _Historie:
    """A typical case: who gets in touch and how, what they ask, what the kartlegging finds, what follows.

    Texts are templates: ``{Fornavn}``, ``{alder}``, ``{hun}``/``{Hun}``, ``{henne}``, ``{hennes}``,
    ``{Caller}`` (who calls, seen from the person: «Datteren»), ``{ref}`` (the person, seen from the
    caller: «mor»), ``{verb}`` (by channel: «ringer»), ``{lege}`` (the GP) and ``{dato}``.
    """

    key: str
    alder: str  # "eldre" (67+), "voksen" (18-66) or "barn"
    fra: str
    kanaler: tuple[str, ...]
    sporsmal: str
    gjelder: str
    tjenester: tuple[_Tjeneste, ...]
    viktig: tuple[str, ...]
    rapport: str
    funn: str  # the finding the vedtak rests on (du-form)
    behov: Mapping[str, tuple[int, int]]  # IPLOS group or variable code -> score range
    dokumenter: tuple[str, ...] = ()
    rehab: str = Kartlegging.Rehabilitering.IKKE_BEHOV
    diagnose: str = ""  # for the GP's statement and the hospital's discharge summary
    avdeling: str = ""  # the hospital department, when the story comes from the hospital
    arbeidsleder: str = ""  # BPA: "selv" or "parorende"
    maks_alder: int = 120
    vekt: float = 3.0  # how often the story comes up among the random cases


F = Henvendelse.Fra
K = Henvendelse.Kanal
D = Dokument.Type
R = Kartlegging.Rehabilitering

HISTORIER: tuple[_Historie, ...] = (
    _Historie(
        key="fall",
        alder="eldre",
        fra=F.PARORENDE,
        kanaler=(K.TELEFON, K.TELEFON, K.EPOST),
        sporsmal=(
            "{Caller} {verb}: {ref} ({alder}) har falt to ganger den siste måneden og klarer ikke å dusje "
            "alene lenger. Familien ønsker hjelp morgen og kveld."
        ),
        gjelder="Hjelp til personlig stell morgen og kveld, og trygghetsalarm.",
        tjenester=(
            _Tjeneste(
                "helsetjenester_i_hjemmet",
                ("3.5", "5", "7"),
                "Hjelp til dusj og påkledning morgen og kveld, og tilsyn med at du har det bra.",
            ),
            _Tjeneste(
                "trygghetsalarm",
                innhold=(
                    "Trygghetsalarm med responstjeneste døgnet rundt. Hjemmetjenesten rykker ut når du utløser alarmen."
                ),
            ),
        ),
        viktig=(
            "Jeg vil bo hjemme og klare meg selv så lenge jeg kan.",
            "At jeg får dusje uten å være redd for å falle.",
            "Å kunne gå ned til butikken selv og slå av en prat med folk.",
        ),
        rapport=(
            "Hjemmebesøk {dato}. Bor alene i tredje etasje med heis. Badet har høy terskel og glatt gulv, og "
            "det er ingen støttehåndtak. Går med rullator innendørs og er ustø når {hun} reiser seg. Ønsker "
            "hjelp til dusj og påkledning morgen og kveld. Ergoterapeut bes vurdere støttehåndtak og dusjkrakk."
        ),
        funn="Kartleggingen viser at du har falt flere ganger, og at du ikke klarer å dusje og kle på deg alene.",
        behov={"Egenomsorg": (3, 4), "Bevegelse": (3, 4), "Husholdning": (2, 3)},
        dokumenter=(D.FASTLEGE,),
        rehab=R.BEHOV,
        diagnose="Osteoporose, hjertesvikt og gjentatte fall den siste måneden.",
    ),
    _Historie(
        key="hofte",
        alder="eldre",
        fra=F.SYKEHUS,
        kanaler=(K.ELEKTRONISK_MELDING,),
        sporsmal=(
            "Pleie- og omsorgsmelding fra Fjordvik sykehus, ortopedisk avdeling: {Fornavn} ({alder}) er operert "
            "for hoftebrudd og er utskrivningsklar om to dager. Trenger hjelp til påkledning, stell og sårstell, "
            "og oppfølging av smertelindringen de første ukene."
        ),
        gjelder="Helsetjenester i hjemmet etter utskrivning: sårstell, smertelindring og hjelp til stell.",
        tjenester=(
            _Tjeneste(
                "helsetjenester_i_hjemmet",
                ("5", "7", "10.5"),
                "Sårstell, oppfølging av smertestillende medisiner og hjelp til stell og påkledning morgen og kveld.",
                kort=True,
            ),
        ),
        viktig=(
            "Å komme meg på beina igjen og gå tur med hunden.",
            "Jeg vil klare trappen hjemme og slippe å flytte.",
            "At jeg kan stelle i hagen min igjen til våren.",
        ),
        rapport=(
            "Hjemmebesøk {dato}, dagen etter utskrivning. Går med prekestol og har smerter ved forflytning. "
            "Operasjonssåret er tørt og rent. Trenger hjelp til påkledning nedentil og til dusj. Er motivert "
            "for trening og er henvist til hverdagsrehabilitering."
        ),
        funn="Etter hoftebruddet trenger du hjelp til sårstell, smertelindring og stell mens du trener deg opp igjen.",
        behov={"Egenomsorg": (3, 4), "Bevegelse": (3, 5), "Husholdning": (3, 4)},
        dokumenter=(D.SYKEHUS,),
        rehab=R.BEHOV,
        diagnose="Lårhalsbrudd høyre side, operert med hemiprotese. Ellers hypertensjon.",
        avdeling="ortopedisk avdeling",
    ),
    _Historie(
        key="medisiner",
        alder="eldre",
        fra=F.FASTLEGE,
        kanaler=(K.ELEKTRONISK_MELDING, K.BREV),
        sporsmal=(
            "Fastlege {lege} melder at {Fornavn} ({alder}) ikke lenger har oversikt over medisinene sine. {Hun} "
            "har tatt dobbel dose blodtrykksmedisin ved en feil. Ber om hjelp til medisinhåndtering og vurdering "
            "av medisindispenser."
        ),
        gjelder="Hjelp til medisinhåndtering, og elektronisk medisindispenser.",
        tjenester=(
            _Tjeneste(
                "helsetjenester_i_hjemmet",
                ("1.5", "2", "2.5"),
                "Legge medisiner i dispenseren hver uke, følge opp virkning og bivirkninger, og kontakt med fastlegen.",
            ),
            _Tjeneste(
                "elektronisk_medisineringsstotte",
                innhold="Elektronisk medisindispenser som varsler når du skal ta medisinene, og varsler "
                "hjemmetjenesten hvis en dose ikke blir tatt.",
            ),
        ),
        viktig=(
            "Jeg vil ikke være til bry, men jeg vil gjerne være trygg på at jeg tar riktige tabletter.",
            "At jeg får fortsette å lese avisen og løse kryssord hver morgen.",
            "Å få være hjemme sammen med katten min.",
        ),
        rapport=(
            "Hjemmebesøk {dato}. Bor alene i egen leilighet og har god kontakt med en nabo. Fant flere åpne "
            "medisinesker og en gammel dosett med rester. Lager enkle måltider selv. Er positiv til "
            "medisindispenser med varsel."
        ),
        funn="Du har mistet oversikten over medisinene dine og har tatt feil dose.",
        behov={"Kognitiv fungering": (2, 3), "ivareta_egen_helse": (3, 4), "Husholdning": (1, 3)},
        dokumenter=(D.FASTLEGE,),
        diagnose="Hypertensjon, atrieflimmer og begynnende kognitiv svikt.",
    ),
    _Historie(
        key="husarbeid",
        alder="eldre",
        fra=F.SELV,
        kanaler=(K.DIGITAL, K.TELEFON, K.BREV),
        sporsmal=(
            "{Fornavn} ({alder}) {verb}: etter kneoperasjonen klarer {hun} ikke å støvsuge, vaske gulv eller "
            "bære handleposer. Spør om hjelp til rengjøring og innkjøp."
        ),
        gjelder="Praktisk bistand: rengjøring og innkjøp.",
        tjenester=(
            _Tjeneste(
                "praktisk_bistand",
                ("1.5", "2", "3"),
                "Rengjøring av stue, kjøkken og bad annenhver uke, og innkjøp av dagligvarer en gang i uken.",
            ),
        ),
        viktig=(
            "Å ha det rent og ryddig hjemme, slik jeg alltid har hatt det.",
            "Jeg vil klare meg selv så lenge jeg kan.",
            "At barnebarna kan komme på besøk og at det er fint her.",
        ),
        rapport=(
            "Hjemmebesøk {dato}. Treromsleilighet i andre etasje. Går med krykker og kan ikke bære. Lager "
            "enkle måltider selv. Har ikke pårørende i nærheten. Behov for rengjøring annenhver uke og innkjøp "
            "hver uke."
        ),
        funn="Etter kneoperasjonen klarer du ikke rengjøring og innkjøp selv, og du har ingen som kan hjelpe deg.",
        behov={"Husholdning": (3, 4), "Bevegelse": (2, 3)},
        diagnose="Artrose i begge knær, operert med protese i venstre kne.",
    ),
    _Historie(
        key="slag",
        alder="eldre",
        fra=F.PARORENDE,
        kanaler=(K.TELEFON, K.EPOST),
        sporsmal=(
            "{Caller} {verb}: {ref} ({alder}) ser dårlig etter et hjerneslag i vinter og greier ikke rengjøring "
            "og klesvask. Bor alene og er redd for å falle om natten."
        ),
        gjelder="Praktisk bistand til rengjøring og klesvask, og trygghetsalarm.",
        tjenester=(
            _Tjeneste(
                "praktisk_bistand",
                ("2", "3"),
                "Rengjøring hver uke og klesvask, med hjelp til å henge opp og legge sammen tøyet.",
            ),
            _Tjeneste(
                "trygghetsalarm",
                innhold="Trygghetsalarm med responstjeneste døgnet rundt.",
            ),
        ),
        viktig=(
            "At jeg kan høre på radio og lydbøker og ha det rolig hjemme.",
            "Jeg vil ikke flytte. Her har jeg bodd i over førti år.",
            "Å være trygg om natten.",
        ),
        rapport=(
            "Hjemmebesøk {dato} sammen med pårørende. Sterkt nedsatt syn etter hjerneslaget; orienterer seg "
            "hjemme, men ikke ute. Leiligheten er ryddig, men støvete. Vaskemaskinen står i kjelleren. Redd for "
            "å falle på vei til toalettet om natten."
        ),
        funn="Synet ditt er sterkt nedsatt etter hjerneslaget, og du klarer ikke rengjøring og klesvask selv.",
        behov={"Husholdning": (3, 4), "syn": (3, 4), "bevege_seg_utendors": (3, 4)},
        dokumenter=(D.FASTLEGE,),
        rehab=R.BEHOV,
        diagnose="Hjerneinfarkt i vinter med synsfeltutfall, ellers diabetes type 2.",
    ),
    _Historie(
        key="demens",
        alder="eldre",
        fra=F.PARORENDE,
        kanaler=(K.EPOST, K.TELEFON, K.OPPMOTE),
        sporsmal=(
            "{Caller} {verb}: {ref} ({alder}) bor alene, glemmer å spise og har gått ut om natten to ganger. "
            "Familien er bekymret og ber om et møte."
        ),
        gjelder="Helsetjenester i hjemmet, matombringing og dagaktivitetstilbud.",
        tjenester=(
            _Tjeneste(
                "helsetjenester_i_hjemmet",
                ("7", "10.5"),
                "Besøk morgen, middag og kveld: hjelp med medisiner og måltider, og tilsyn.",
            ),
            _Tjeneste(
                "matombringing",
                ("5", "7"),
                "Middag levert på døren, varmes i mikrobølgeovnen.",
            ),
            _Tjeneste(
                "dagaktivitetstilbud",
                ("10", "15"),
                "Dagaktivitetstilbud for hjemmeboende med demens, med transport.",
            ),
        ),
        viktig=(
            "Jeg vil være hjemme i huset mitt.",
            "Jeg vil bo her til jeg dør. Her har jeg bodd i femti år.",
            "Å gå tur i skogen som før, og å synge.",
        ),
        rapport=(
            "Hjemmebesøk {dato} sammen med familien. Kjøleskapet er nesten tomt, og det står gammel mat framme. "
            "{Hun} er vennlig og orientert for person, men ikke for tid. Har gått ut om natten og ble funnet av "
            "en nabo. Familien besøker i helgene, men bor langt unna."
        ),
        funn="Du har en demenssykdom, glemmer å spise og har gått ut om natten.",
        behov={"Kognitiv fungering": (3, 5), "Sosial fungering": (3, 4), "Husholdning": (3, 5), "Egenomsorg": (2, 4)},
        dokumenter=(D.FASTLEGE,),
        diagnose="Alzheimers sykdom, moderat grad. Vekttap siste halvår.",
    ),
    _Historie(
        key="diabetes",
        alder="eldre",
        fra=F.FASTLEGE,
        kanaler=(K.ELEKTRONISK_MELDING,),
        sporsmal=(
            "Fastlege {lege} ber om hjemmesykepleie til {Fornavn} ({alder}) for stell av leggsår to ganger i uken "
            "og oppfølging av blodsukkeret. {Hun} har diabetes type 2 og nedsatt følelse i føttene."
        ),
        gjelder="Helsetjenester i hjemmet: sårstell og oppfølging av diabetes.",
        tjenester=(
            _Tjeneste(
                "helsetjenester_i_hjemmet",
                ("1.5", "2.5"),
                "Sårstell av leggsåret to ganger i uken, måling av blodsukker og fotinspeksjon.",
            ),
        ),
        viktig=(
            "At såret gror, så jeg kan gå på seniordans igjen.",
            "Å kunne gå til kafeen på torsdager og treffe gjengen.",
        ),
        rapport=(
            "Hjemmebesøk {dato}. Leggsår på høyre legg, cirka 3 x 4 cm, med lite sekresjon. Bor med ektefelle "
            "som ikke kan gjøre sårstellet. Måler blodsukker selv, men glemmer det ofte."
        ),
        funn="Du har et leggsår som trenger stell to ganger i uken, og du kan ikke gjøre stellet selv.",
        behov={"ivareta_egen_helse": (3, 4), "Bevegelse": (2, 3)},
        dokumenter=(D.FASTLEGE,),
        diagnose="Diabetes type 2 med nevropati, venøst leggsår høyre legg.",
    ),
    _Historie(
        key="bpa_selv",
        vekt=0.7,
        alder="voksen",
        fra=F.SELV,
        kanaler=(K.BREV, K.DIGITAL),
        sporsmal=(
            "Søknad om brukerstyrt personlig assistanse (BPA). {Fornavn} ({alder}) har multippel sklerose og "
            "bruker rullestol. Ønsker å være arbeidsleder selv og søker om 40 timer i uken for å kunne fortsette "
            "i deltidsjobben og ha et aktivt liv."
        ),
        gjelder="Brukerstyrt personlig assistanse (BPA), 40 timer i uken, med søkeren selv som arbeidsleder.",
        tjenester=(
            _Tjeneste(
                "bpa",
                ("35", "40", "45"),
                "Personlig assistanse til stell, påkledning, måltider, husarbeid og aktiviteter utenfor hjemmet, "
                "organisert som BPA.",
            ),
        ),
        viktig=(
            "Å bestemme selv hvem som hjelper meg og når.",
            "Jeg vil fortsette å jobbe og trene med rullestolbasketlaget.",
            "Å kunne reise og besøke venner uten å være avhengig av familien.",
        ),
        rapport=(
            "Hjemmebesøk {dato}. Tilrettelagt leilighet på bakkeplan. Bruker elektrisk rullestol ute og manuell "
            "inne. Trenger hjelp til forflytning, stell og påkledning morgen og kveld, og til husarbeid. Jobber "
            "50 prosent. Har god oversikt over eget behov og ønsker å være arbeidsleder selv."
        ),
        funn="Du trenger hjelp til stell, forflytning og husarbeid hver dag, og behovet vil vare i mange år.",
        behov={"Egenomsorg": (3, 5), "Bevegelse": (4, 5), "Husholdning": (3, 5)},
        dokumenter=(D.SOKNAD, D.FASTLEGE),
        diagnose="Multippel sklerose, progressiv form, diagnostisert for tolv år siden.",
        arbeidsleder="selv",
    ),
    _Historie(
        key="bpa_familie",
        vekt=0.5,
        alder="voksen",
        fra=F.PARORENDE,
        kanaler=(K.BREV,),
        sporsmal=(
            "{Caller} {verb} og søker om BPA for {ref} ({alder}), som har cerebral parese og trenger hjelp i alle "
            "daglige gjøremål. Familien vil være arbeidsleder."
        ),
        gjelder="Brukerstyrt personlig assistanse (BPA) med pårørende som arbeidsleder.",
        tjenester=(
            _Tjeneste(
                "bpa",
                ("50", "60"),
                "Personlig assistanse hele dagen: stell, måltider, forflytning, og følge til aktiviteter og "
                "arbeidstrening.",
            ),
        ),
        viktig=(
            "Å gå på konserter og fotballkamper med folk på min egen alder.",
            "At jeg kan bo i egen leilighet med assistenter jeg kjenner.",
        ),
        rapport=(
            "Hjemmebesøk {dato}. Bor hos foreldrene, ønsker egen leilighet. Kommuniserer med tale og "
            "kommunikasjonstavle. Trenger hjelp til alle forflytninger, stell og måltider. Foreldrene vil være "
            "arbeidsleder."
        ),
        funn="Du trenger hjelp gjennom hele dagen, og behovet vil vare livet ut.",
        behov={"Egenomsorg": (4, 5), "Bevegelse": (4, 5), "Husholdning": (4, 5), "kommunikasjon": (3, 4)},
        dokumenter=(D.SOKNAD, D.FASTLEGE),
        diagnose="Cerebral parese (bilateral spastisk), epilepsi godt regulert.",
        arbeidsleder="parorende",
        maks_alder=40,
    ),
    _Historie(
        key="ensom",
        vekt=1.5,
        alder="eldre",
        fra=F.SELV,
        kanaler=(K.OPPMOTE, K.TELEFON),
        sporsmal=(
            "{Fornavn} ({alder}) {verb}. Har vært mye alene siden ektefellen døde i fjor, og sier at dagene blir "
            "lange. Spør om noen kan bli med på tur eller kafé."
        ),
        gjelder="Støttekontakt.",
        tjenester=(
            _Tjeneste(
                "stottekontakt",
                ("2", "3"),
                "Støttekontakt som blir med deg på tur, kafé eller andre aktiviteter du ønsker.",
            ),
        ),
        viktig=(
            "Å komme meg ut og treffe folk.",
            "Å gå på fotballkamp igjen, slik jeg gjorde før.",
            "At noen spør hvordan det går med meg.",
        ),
        rapport=(
            "Hjemmebesøk {dato}. Klarer seg godt praktisk. Har sluttet å gå ut etter at ektefellen døde, og "
            "sier at {hun} er ensom. Har tidligere vært med i et kor og i pensjonistforeningen."
        ),
        funn="Du har blitt mye alene og trenger hjelp til å komme ut og delta i aktiviteter.",
        behov={"Sosial fungering": (3, 4)},
    ),
    _Historie(
        key="trygghet",
        alder="eldre",
        fra=F.PARORENDE,
        kanaler=(K.TELEFON, K.DIGITAL),
        sporsmal=(
            "{Caller} {verb}: {ref} ({alder}) bor alene og falt i forrige uke uten å komme seg opp igjen. Ble "
            "funnet av hjemmehjelpen neste morgen. Ønsker trygghetsalarm."
        ),
        gjelder="Trygghetsalarm.",
        tjenester=(
            _Tjeneste(
                "trygghetsalarm",
                innhold="Trygghetsalarm med responstjeneste døgnet rundt, og fallsensor.",
            ),
        ),
        viktig=(
            "Å være trygg om natten.",
            "Jeg vil bo hjemme og klare meg selv så lenge jeg kan.",
        ),
        rapport=(
            "Hjemmebesøk {dato}. Klarer det meste selv, men er ustø og har falt. Har fasttelefon og mobil, men "
            "nådde ikke telefonen da {hun} falt. Ønsker alarm med fallsensor."
        ),
        funn="Du bor alene, har falt og ikke klart å tilkalle hjelp.",
        behov={"Bevegelse": (2, 3)},
    ),
    _Historie(
        key="kols",
        alder="eldre",
        fra=F.SYKEHUS,
        kanaler=(K.ELEKTRONISK_MELDING,),
        sporsmal=(
            "Pleie- og omsorgsmelding fra Fjordvik sykehus, lungemedisinsk avdeling: {Fornavn} ({alder}) skrives "
            "ut etter en KOLS-forverring. Bruker oksygen hjemme og blir fort andpusten. Trenger oppfølging av "
            "inhalasjonsmedisiner og hjelp til innkjøp og tyngre husarbeid."
        ),
        gjelder="Helsetjenester i hjemmet og praktisk bistand etter sykehusopphold.",
        tjenester=(
            _Tjeneste(
                "helsetjenester_i_hjemmet",
                ("2.5", "3.5"),
                "Oppfølging av inhalasjonsmedisiner og oksygen, og observasjon av pust og allmenntilstand.",
            ),
            _Tjeneste(
                "praktisk_bistand",
                ("1.5", "2"),
                "Innkjøp av dagligvarer hver uke og tyngre rengjøring annenhver uke.",
            ),
        ),
        viktig=(
            "At jeg slipper å bli lagt inn på sykehuset igjen.",
            "Å kunne sitte på balkongen og se på folkelivet.",
        ),
        rapport=(
            "Hjemmebesøk {dato}. Bruker oksygen 2 liter i minuttet. Blir andpusten etter få skritt. Klarer lett "
            "stell selv, men ikke innkjøp og rengjøring. Inhalasjonsteknikken er usikker."
        ),
        funn="Du har alvorlig KOLS, blir fort andpusten og trenger oppfølging av medisinene og oksygenet.",
        behov={"ivareta_egen_helse": (3, 4), "Husholdning": (3, 4), "bevege_seg_utendors": (3, 4)},
        dokumenter=(D.SYKEHUS,),
        rehab=R.BEHOV,
        diagnose="KOLS grad 4 med langtids oksygenbehandling, nylig forverring med lungebetennelse.",
        avdeling="lungemedisinsk avdeling",
    ),
    _Historie(
        key="avslag_hage",
        vekt=1.0,
        alder="eldre",
        fra=F.SELV,
        kanaler=(K.DIGITAL, K.TELEFON),
        sporsmal=(
            "{Fornavn} ({alder}) {verb}: spør om hjelp til vindusvask, snømåking og hagearbeid. Klarer ellers "
            "det meste selv."
        ),
        gjelder="Praktisk bistand: vindusvask, snømåking og hagearbeid.",
        tjenester=(
            _Tjeneste(
                "praktisk_bistand",
                avslag=(
                    "Kartleggingen viser at du klarer de daglige gjøremålene selv: du lager mat, handler og holder "
                    "boligen ren. Vindusvask, snømåking og hagearbeid er ikke nødvendig hjelp for at du skal kunne "
                    "bo hjemme. Vi har gitt deg informasjon om frivilligsentralen i bydelen og om private tilbud."
                ),
            ),
        ),
        viktig=(
            "At hagen min ikke gror igjen.",
            "Jeg vil klare meg selv så lenge jeg kan.",
        ),
        rapport=(
            "Hjemmebesøk {dato}. Enebolig med stor hage. Klarer matlaging, innkjøp og rengjøring selv. Ønsker "
            "hjelp til vindusvask, snømåking og hagearbeid."
        ),
        funn="",
        behov={"Husholdning": (1, 2)},
    ),
    _Historie(
        key="avslag_bpa",
        vekt=0.5,
        alder="voksen",
        fra=F.SELV,
        kanaler=(K.BREV, K.DIGITAL),
        sporsmal=(
            "{Fornavn} ({alder}) {verb}: søker om BPA 20 timer i uken etter en ryggskade. Trenger hjelp til "
            "husarbeid og innkjøp, og noe hjelp til påkledning."
        ),
        gjelder="Brukerstyrt personlig assistanse (BPA), 20 timer i uken.",
        tjenester=(
            _Tjeneste(
                "bpa",
                avslag=(
                    "Behovet ditt for personlig assistanse er vurdert til om lag 12 timer i uken. Retten til BPA "
                    "gjelder når behovet er minst 32 timer i uken, og kommunen vurderer det skjønnsmessig når "
                    "behovet er mellom 25 og 32 timer. Bydelen vurderer at behovet ditt dekkes best med praktisk "
                    "bistand, og vi hjelper deg gjerne med å søke om det."
                ),
            ),
        ),
        viktig=(
            "At jeg får hjelp av de samme folkene hver gang.",
            "Å klare meg uten å måtte be familien om hjelp hele tiden.",
        ),
        rapport=(
            "Hjemmebesøk {dato}. Ryggskade etter en arbeidsulykke. Går med krykker. Klarer personlig stell "
            "selv med hjelpemidler, men trenger hjelp til husarbeid, innkjøp og strømper og sko."
        ),
        funn="",
        behov={"Husholdning": (3, 4), "av_og_pakledning": (2, 3)},
        dokumenter=(D.SOKNAD,),
        diagnose="Ryggmargsskade (inkomplett) etter arbeidsulykke for to år siden.",
    ),
    _Historie(
        key="avslag_sykepleie",
        vekt=1.0,
        alder="eldre",
        fra=F.FASTLEGE,
        kanaler=(K.ELEKTRONISK_MELDING,),
        sporsmal=(
            "Fastlege {lege} ber om hjemmesykepleie til {Fornavn} ({alder}) for å sette B12-injeksjon hver "
            "tredje måned."
        ),
        gjelder="Helsetjenester i hjemmet: B12-injeksjon hver tredje måned.",
        tjenester=(
            _Tjeneste(
                "helsetjenester_i_hjemmet",
                avslag=(
                    "Du kommer deg selv til legekontoret, og injeksjonen kan settes der ved et vanlig besøk fire "
                    "ganger i året. Helsetjenester i hjemmet gis til den som ikke kan få hjelpen utenfor hjemmet. "
                    "Trenger du mer hjelp senere, kan du søke på nytt."
                ),
            ),
        ),
        viktig=("Å få reise på hytta om sommeren som før.",),
        rapport=(
            "Hjemmebesøk {dato}. Klarer seg selv i hverdagen og går daglige turer. Tar buss til sentrum. "
            "Ønsker injeksjonen hjemme fordi det er enklere."
        ),
        funn="",
        behov={"Bevegelse": (1, 2)},
        dokumenter=(D.FASTLEGE,),
        diagnose="Perniciøs anemi, ellers frisk.",
    ),
    _Historie(
        key="avlastning_barn",
        vekt=0.5,
        alder="barn",
        fra=F.PARORENDE,
        kanaler=(K.BREV, K.EPOST),
        sporsmal=(
            "{Caller} {verb}: foreldrene til {Fornavn} ({alder}) søker om avlastning. {Fornavn} har autisme og "
            "sover lite om natten, og foreldrene er utslitt."
        ),
        gjelder="Avlastning i institusjon.",
        tjenester=(
            _Tjeneste(
                "avlastning_i_institusjon",
                ("4", "6"),
                "Avlastningsopphold i barnebolig, fordelt på helger etter avtale med foreldrene.",
            ),
        ),
        viktig=(
            "Å bade i bassenget på avlastningen og ha egen lampe på rommet. (Sagt til saksbehandler ved besøket.)",
            "At jeg har det fint med de voksne jeg kjenner.",
        ),
        rapport=(
            "Hjemmebesøk {dato} sammen med foreldrene. {Fornavn} trenger tilsyn hele døgnet og sover tre til fire "
            "timer om natten. Foreldrene arbeider begge, og det er to søsken til."
        ),
        funn="Foreldrene har et særlig tyngende omsorgsarbeid, og barnet trenger tilsyn døgnet rundt.",
        behov={"Sosial fungering": (3, 4), "styre_atferd": (3, 5), "kommunikasjon": (3, 4)},
        dokumenter=(D.FASTLEGE,),
        diagnose="Autismespekterforstyrrelse med søvnvansker.",
    ),
)

HISTORIE = {h.key: h for h in HISTORIER}

#: Why a service is granted, after the finding of the story (du-form).
BEGRUNNELSE: Mapping[str, str] = {
    "helsetjenester_i_hjemmet": (
        "Bydelen vurderer at du har behov for helsetjenester i hjemmet for å få nødvendige og forsvarlige "
        "tjenester, og at du ikke kan få denne hjelpen utenfor hjemmet."
    ),
    "praktisk_bistand": (
        "Bydelen vurderer at du ikke klarer disse gjøremålene selv, og at du trenger praktisk bistand for å kunne "
        "bo hjemme. Du får hjelp til det du ikke klarer selv; det du klarer, gjør du selv."
    ),
    "bpa": (
        "Du er under 67 år, behovet ditt for personlig assistanse er vurdert til minst 32 timer i uken, og det vil "
        "vare i mer enn to år. Du har derfor rett til å få tjenestene organisert som brukerstyrt personlig "
        "assistanse."
    ),
    "trygghetsalarm": (
        "Bydelen vurderer at en trygghetsalarm gjør det tryggere for deg å bo hjemme, fordi du kan tilkalle hjelp "
        "døgnet rundt."
    ),
    "matombringing": "Du klarer ikke å lage varm mat selv, og matombringing sikrer at du får nok og næringsrik mat.",
    "elektronisk_medisineringsstotte": (
        "En elektronisk medisindispenser gir deg riktig dose til riktig tid og varsler hjemmetjenesten hvis en dose "
        "ikke blir tatt. Slik kan du fortsatt ta medisinene selv."
    ),
    "dagaktivitetstilbud": (
        "Et dagaktivitetstilbud gir deg aktivitet, fellesskap og faste rammer, og avlaster familien."
    ),
    "stottekontakt": (
        "Du trenger hjelp til å komme deg ut og delta i aktiviteter, og bydelen vurderer at en støttekontakt kan gi "
        "deg det."
    ),
    "avlastning_i_institusjon": (
        "Bydelen vurderer at avlastning er nødvendig for at foreldrene skal kunne fortsette å gi omsorg hjemme."
    ),
}

FORMAL: Mapping[str, str] = {
    "helsetjenester_i_hjemmet": "Å sikre at du får nødvendig helsehjelp, slik at du kan bo trygt hjemme.",
    "praktisk_bistand": "Å gi deg hjelp til daglige gjøremål du ikke klarer selv, slik at du kan bo hjemme.",
    "bpa": (
        "Å gi deg personlig assistanse organisert som BPA, slik at du kan leve et aktivt og mest mulig selvstendig liv."
    ),
    "trygghetsalarm": "At du kan tilkalle hjelp døgnet rundt hvis du faller eller blir syk.",
    "matombringing": "At du får næringsrik mat hver dag.",
    "elektronisk_medisineringsstotte": "At du tar riktige medisiner til riktig tid.",
    "dagaktivitetstilbud": "Å gi deg en meningsfull dag med aktivitet og fellesskap.",
    "stottekontakt": "Å hjelpe deg til en aktiv fritid og til å delta i sosiale aktiviteter.",
    "avlastning_i_institusjon": "Å gi foreldrene nødvendig avlastning, og barnet gode og trygge opphold.",
}

#: Inquiries answered at the Kontaktpunkt without an application: (what was asked, how it was answered).
BESVARTE: tuple[tuple[str, str, str], ...] = (
    (
        K.TELEFON,
        "Spør hvordan man søker om parkeringstillatelse for forflytningshemmede.",
        "Informert om søknaden hos Bymiljøetaten, og sendt lenke på e-post.",
    ),
    (
        K.OPPMOTE,
        "Lurer på om bydelen kan hjelpe med å skifte lyspærer og henge opp gardiner.",
        "Henvist til frivilligsentralen i bydelen. Ikke behov for tjenester nå.",
    ),
    (
        K.EPOST,
        "Ønsker informasjon om dagaktivitetstilbud for personer med demens.",
        "Sendt informasjon om tilbudene i bydelen. Familien tar kontakt igjen ved behov.",
    ),
    (
        K.TELEFON,
        "Spør om tilrettelagt transport (TT-kort).",
        "Informert om søknadsskjemaet hos fylkeskommunen.",
    ),
    (
        K.TELEFON,
        "Vil melde fra om at hjemmesykepleien ikke trengs i to uker på grunn av ferie hos datteren.",
        "Videresendt til hjemmetjenesten, som har registrert fraværet.",
    ),
    (
        K.DIGITAL,
        "Spør hva egenbetalingen for praktisk bistand blir med husstandens inntekt.",
        "Forklart satsene for egenbetaling og utgiftstaket per måned.",
    ),
)

KLAGE_TEKST: Mapping[str, str] = {
    "avslag:praktisk_bistand": (
        "Jeg klager på avslaget. Jeg klarer ikke å vaske vinduer og gulv med den dårlige ryggen min, og jeg har "
        "ingen familie som kan hjelpe meg."
    ),
    "avslag:bpa": (
        "Jeg klager på avslaget på BPA. Behovet mitt er større enn bydelen har lagt til grunn, særlig om kvelden og "
        "i helgene, og jeg vil selv bestemme hvem som hjelper meg."
    ),
    "avslag:helsetjenester_i_hjemmet": (
        "Jeg klager på avslaget. Jeg blir svimmel på bussen og klarer ikke alltid å komme meg til legekontoret."
    ),
    "innvilget:helsetjenester_i_hjemmet": (
        "Vi klager på omfanget. Hjelpen om morgenen kommer for sent, og det trengs også et besøk midt på dagen."
    ),
    "innvilget:praktisk_bistand": "Jeg klager på omfanget: rengjøring annenhver uke er ikke nok med to katter.",
    "innvilget:bpa": "Jeg klager på antall timer. Med timene i vedtaket får jeg ikke hjelp når jeg er på jobb.",
}
KLAGE_GENERELL = "Jeg er uenig i vedtaket og ber bydelen vurdere saken på nytt."

VURDERING_TEKST: Mapping[str, str] = {
    Klage.Vurdering.FULL: (
        "Ny vurdering etter klagen, med en oppdatert uttalelse fra fastlegen, viser at behovet er større enn lagt "
        "til grunn. Bydelen gir klageren fullt medhold og omgjør vedtaket."
    ),
    Klage.Vurdering.DELVIS: (
        "Bydelen gir delvis medhold: omfanget økes noe, men ikke så mye som klageren ber om. Klagen sendes til "
        "Statsforvalteren for den delen som ikke er tatt til følge."
    ),
    Klage.Vurdering.INGEN: (
        "Bydelen har vurdert saken på nytt og finner ikke grunn til å endre vedtaket. Kartleggingen og "
        "opplysningene fra fastlegen viser at tjenestene dekker behovet. Klagen sendes til Statsforvalteren."
    ),
}

_FEMALE_NAMES = frozenset(NorwegianNames.first_names_female) | frozenset(
    name for women, _, _ in FOREIGN_NAMES.values() for name in women
)
_MALE_NAMES = frozenset(NorwegianNames.first_names_male) | frozenset(
    name for _, men, _ in FOREIGN_NAMES.values() for name in men
)


def _gender_of(name: str) -> str | None:
    """«K», «M» or None, from the first name (the demo's own name lists; a guess, for wording only)."""
    first = name.split()[0] if name.split() else ""
    if first in _FEMALE_NAMES:
        return "K"
    if first in _MALE_NAMES:
        return "M"
    return None


#: Relation (as stored on the relative) -> who calls («Datteren») by the relative's gender.
_CALLER: Mapping[str, Mapping[str | None, str]] = {
    Parorende.Relasjon.BARN: {"K": "Datteren", "M": "Sønnen", None: "Et av barna"},
    Parorende.Relasjon.BARNEBARN: {"K": "Barnebarnet", "M": "Barnebarnet", None: "Barnebarnet"},
    Parorende.Relasjon.EKTEFELLE: {"K": "Kona", "M": "Mannen", None: "Ektefellen"},
    Parorende.Relasjon.SOSKEN: {"K": "Søsteren", "M": "Broren", None: "Et søsken"},
    Parorende.Relasjon.FORELDER: {"K": "Moren", "M": "Faren", None: "En forelder"},
    Parorende.Relasjon.VENN: {"K": "En venninne", "M": "En venn", None: "En venn"},
}
#: Relation -> the person seen from the caller («mor»), by the person's gender.
_REF: Mapping[str, Mapping[str, str]] = {
    Parorende.Relasjon.BARN: {"K": "mor", "M": "far"},
    Parorende.Relasjon.BARNEBARN: {"K": "bestemor", "M": "bestefar"},
    Parorende.Relasjon.EKTEFELLE: {"K": "kona", "M": "mannen"},
    Parorende.Relasjon.SOSKEN: {"K": "søsteren", "M": "broren"},
    Parorende.Relasjon.FORELDER: {"K": "datteren", "M": "sønnen"},
}


def _lower_first(text: str) -> str:
    """«Hypertensjon, …» -> «hypertensjon, …», but «KOLS …» stays as it is."""
    if len(text) > 1 and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _age_class(age: int) -> str:
    if age < 18:
        return "barn"
    return "voksen" if age < 67 else "eldre"


# --- plans ----------------------------------------------------------------------------------------------


@dataclass
class _Plan:
    """One søknad: whose, which story, how far it has come and when."""

    historie: _Historie
    person: Tjenestemottaker
    officer: User
    stage: str  # "kartlegging", "utkast", "til_godkjenning" or "fattet"
    timing: str = "old"  # for "fattet": "old" (months ago), "mid" (two to three weeks) or "new" (days)
    expiring: bool = False
    started_only: bool = False  # kartlegging: home visit still to come
    besok: dt.date | None = None  # the home visit
    vedtak: list[Vedtak] = field(default_factory=list)
    brev: dict[int, Vedtaksbrev] = field(default_factory=dict)


class _CaseBuilder:
    def __init__(self, rng: random.Random, today: dt.date, stdout: Writer | None) -> None:
        self.rng = rng
        self.today = today
        self.now = timezone.now()
        self.stdout = stdout
        self.letter_seconds = 0.0
        self.decisions: dict[tuple[Any, Any], Decision] = {}
        self.pending: dict[tuple[type[models.Model], Any], dict[str, Any]] = {}
        self.load_world()

    # output and small helpers ---------------------------------------------------------------------

    def out(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message + "\n")

    def at(self, day: dt.date, hour: int | None = None) -> dt.datetime:
        """An aware moment on ``day`` during office hours, never later than the build itself."""
        hour = self.rng.randint(8, 15) if hour is None else hour
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, self.rng.randint(0, 59))))
        return min(moment, self.now - dt.timedelta(minutes=5))

    def days_ago(self, low: int, high: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(low, high))

    def decide(self, user: User, person: Tjenestemottaker) -> Decision:
        """The access check, as the screens make it: the demo never does what the rules would refuse.

        A case officer's ground as the person's saksansvarlig does not change while the demo is
        built, so that decision is checked once per officer and person; every other ground (an open
        inquiry, a vedtak waiting for approval, an order) follows the case and is checked each time.
        """
        key = (user.pk, person.pk)
        cached = self.decisions.get(key)
        if cached is not None:
            return cached
        decision = access.check(user, Action.EDIT, person)
        if not decision.allowed:
            raise RuntimeError(f"demo: {user.username} har ikke tilgang til {person}: {decision.reason}")
        if decision.ground_code in STABLE_GROUNDS:
            self.decisions[key] = decision
        return decision

    def backdate(self, obj: models.Model, **values: Any) -> None:
        """Move the stamps a service put on ``obj`` back to the story's day; written by :meth:`flush`."""
        self.pending.setdefault((type(obj), obj.pk), {}).update(values)
        for name, value in values.items():
            setattr(obj, name, value)

    def flush(self) -> None:
        """Write the backdated stamps, a few queries per model (nothing reads them while the demo is built)."""
        groups: dict[tuple[type[models.Model], tuple[str, ...]], list[models.Model]] = {}
        for (model, pk), values in self.pending.items():
            names = tuple(sorted(values))
            groups.setdefault((model, names), []).append(model(pk=pk, **values))
        for (model, names), rows in groups.items():
            model._base_manager.bulk_update(rows, list(names), batch_size=200)
        self.pending.clear()

    # the world as the core demo built it ----------------------------------------------------------

    def load_world(self) -> None:
        kommune = Kommune.objects.order_by("kommunenummer").first()
        if kommune is None:
            raise RuntimeError("demo: the core demo world must be built first")
        self.kommune: Kommune = kommune
        self.bydeler = list(Bydel.objects.filter(kommune=self.kommune).order_by("bydelsnummer"))
        assignments = (
            RoleAssignment.objects.filter(bydel__in=self.bydeler, rolle__in=[Role.SAKSBEHANDLER, Role.VEDTAKSMYNDIG])
            .select_related("user")
            .order_by("user__username", "pk")
        )
        self.officers: dict[int, list[User]] = {b.pk: [] for b in self.bydeler}
        self.vedtaksmyndig: dict[int, User] = {}
        for a in assignments:
            assert a.bydel_id is not None
            if a.rolle == Role.SAKSBEHANDLER:
                self.officers[a.bydel_id].append(a.user)
            else:
                self.vedtaksmyndig.setdefault(a.bydel_id, a.user)
        self.demo_officer = User.objects.get(username=DEMO_USERNAMES[Role.SAKSBEHANDLER])
        demo_bydel_id = (
            self.demo_officer.role_assignments.filter(rolle=Role.SAKSBEHANDLER)
            .order_by("pk")
            .values_list("bydel_id", flat=True)
            .first()
        )
        self.demo_bydel = next(b for b in self.bydeler if b.pk == demo_bydel_id)

        self.persons = list(
            Tjenestemottaker.objects.filter(bydel__in=self.bydeler)
            .select_related("bydel", "fastlege", "saksbehandler")
            .order_by("fodselsnummer")
        )
        self.relatives: dict[Any, list[Parorende]] = {}
        for rel in Parorende.objects.filter(tjenestemottaker__in=self.persons).order_by(
            "tjenestemottaker__fodselsnummer", "-naermeste", "navn", "pk"
        ):
            self.relatives.setdefault(rel.tjenestemottaker_id, []).append(rel)
        self.verger: dict[Any, Verge] = {}
        for verge in Verge.objects.filter(tjenestemottaker__in=self.persons).order_by("navn", "pk"):
            self.verger.setdefault(verge.tjenestemottaker_id, verge)

        self.kommunal = Leverandor.objects.get(kommune=self.kommune, type=Leverandor.Type.KOMMUNAL)
        self.private = list(
            Leverandor.objects.filter(kommune=self.kommune, type=Leverandor.Type.PRIVAT).order_by("navn")
        )
        self.person_provider: dict[Any, Leverandor] = {}
        for link in TjenestemottakerTeam.objects.filter(tjenestemottaker__in=self.persons).select_related(
            "team__enhet__leverandor"
        ):
            self.person_provider[link.tjenestemottaker_id] = link.team.enhet.leverandor
        self.leaders: dict[tuple[int, int], User] = {}
        for leverandor in [self.kommunal, *self.private]:
            for bydel in self.bydeler:
                team = (
                    Team.objects.filter(enhet__leverandor=leverandor, bydeler=bydel)
                    .select_related("enhet")
                    .order_by("enhet__navn", "navn")
                    .first()
                )
                if team is None:
                    continue
                lead = (
                    RoleAssignment.objects.filter(rolle=Role.LEDER, enhet=team.enhet)
                    .select_related("user")
                    .order_by("user__username")
                    .first()
                )
                if lead is not None:
                    self.leaders[(leverandor.pk, bydel.pk)] = lead.user
        self.ages = {p.pk: p.alder for p in self.persons}
        self.age_class = {p.pk: _age_class(self.ages[p.pk]) for p in self.persons}
        self.used: set[Any] = set()
        self.bydel_weights = [sum(1 for p in self.persons if p.bydel_id == b.pk) for b in self.bydeler]

    # choosing people ---------------------------------------------------------------------------------

    def pick_person(
        self,
        bydel: Bydel | None,
        age: str | None,
        officer: User | None = None,
        *,
        gp: bool = False,
        max_age: int = 120,
    ) -> Tjenestemottaker | None:
        """An unused person, relaxing the wishes (officer, then bydel) only when none is left."""
        tries: list[tuple[Bydel | None, User | None]] = [(bydel, officer), (bydel, None), (None, None)]
        for by, off in tries:
            candidates = [
                p
                for p in self.persons
                if p.pk not in self.used
                and (by is None or p.bydel_id == by.pk)
                and (off is None or p.saksbehandler_id == off.pk)
                and (age is None or self.age_class[p.pk] == age)
                and (not gp or p.fastlege_id is not None)
                and self.ages[p.pk] <= max_age
            ]
            if candidates:
                person = self.rng.choice(candidates)
                self.used.add(person.pk)
                return person
        return None

    def random_story(self) -> _Historie:
        """A story for which an unused person of the right age is left (children are few)."""
        left = [
            h
            for h in HISTORIER
            if any(
                p.pk not in self.used and self.age_class[p.pk] == h.alder and self.ages[p.pk] <= h.maks_alder
                for p in self.persons
            )
        ]
        left = left or list(HISTORIER)
        return self.rng.choices(left, [h.vekt for h in left])[0]

    def random_bydel(self) -> Bydel:
        return self.rng.choices(self.bydeler, self.bydel_weights)[0]

    def officer_for(self, person: Tjenestemottaker) -> User:
        officers = self.officers[person.bydel_id]
        if person.saksbehandler_id is not None:
            for officer in officers:
                if officer.pk == person.saksbehandler_id:
                    return officer
        return self.rng.choice(officers)

    # texts -------------------------------------------------------------------------------------------

    def context(self, person: Tjenestemottaker, kanal: str, relative: Parorende | None) -> dict[str, str]:
        female = person.kjonn == Tjenestemottaker.Kjonn.KVINNE
        lege = person.fastlege.navn if person.fastlege else "fastlegen"
        ctx = {
            "Fornavn": person.fornavn,
            "alder": str(person.alder),
            "hun": "hun" if female else "han",
            "Hun": "Hun" if female else "Han",
            "henne": "henne" if female else "ham",
            "hennes": "hennes" if female else "hans",
            "verb": KANAL_VERB[kanal],
            "lege": lege,
            "Caller": "En nabo",
            "ref": person.fornavn,
        }
        if relative is not None:
            callers = _CALLER.get(relative.relasjon)
            if callers is not None:
                ctx["Caller"] = callers[_gender_of(relative.navn)]
            else:
                ctx["Caller"] = "En pårørende"
            refs = _REF.get(relative.relasjon)
            if refs is not None:
                ctx["ref"] = refs["K" if female else "M"]
        return ctx

    @staticmethod
    def fill(template: str, ctx: Mapping[str, str], **extra: str) -> str:
        return template.format_map({**ctx, **extra})

    def relative_of(self, person: Tjenestemottaker) -> Parorende | None:
        relatives = self.relatives.get(person.pk, [])
        return relatives[0] if relatives else None

    # henvendelse ------------------------------------------------------------------------------------

    def henvendelse(
        self,
        historie: _Historie,
        person: Tjenestemottaker,
        *,
        owner: User | None,
        mottatt: dt.datetime,
        svar_innen: dt.date | None = None,
        kvittering: bool = True,
        via_kontaktpunkt: bool = False,
    ) -> tuple[Henvendelse, dict[str, str]]:
        """Register an inquiry (and its acknowledgement) as the Kontaktpunkt would have, on ``mottatt``."""
        kanal = self.rng.choice(historie.kanaler)
        relative = self.relative_of(person) if historie.fra == F.PARORENDE else None
        fra = historie.fra
        fra_navn = ""
        fra_kontakt = person.telefon
        if historie.fra == F.PARORENDE:
            if relative is not None:
                fra_navn = f"{relative.navn} ({relative.get_relasjon_display().lower()})"
                fra_kontakt = relative.telefon or relative.epost
            else:
                fra = F.ANNEN
                fra_navn = "Nabo"
        elif historie.fra == F.FASTLEGE and person.fastlege is not None:
            fra_navn = f"{person.fastlege.navn}, {person.fastlege.legekontor}"
            fra_kontakt = person.fastlege.telefon
        elif historie.fra == F.SYKEHUS:
            fra_navn = f"Fjordvik sykehus, {historie.avdeling}"
            fra_kontakt = "Pleie- og omsorgsmelding via Helsenettet"
        ctx = self.context(person, kanal, relative)
        data: dict[str, Any] = {
            "bydel": person.bydel,
            "tjenestemottaker": person,
            "kanal": kanal,
            "fra": fra,
            "fra_navn": fra_navn,
            "fra_kontakt": fra_kontakt,
            "sporsmal": self.fill(historie.sporsmal, ctx),
            "mottatt": mottatt,
        }
        if svar_innen is not None:
            data["svar_innen"] = svar_innen
        return self.register(person, data, owner=owner, kvittering=kvittering, via_kontaktpunkt=via_kontaktpunkt), ctx

    def register(
        self,
        person: Tjenestemottaker,
        data: dict[str, Any],
        *,
        owner: User | None,
        kvittering: bool,
        via_kontaktpunkt: bool,
    ) -> Henvendelse:
        officers = self.officers[person.bydel_id]
        if owner is None or via_kontaktpunkt:
            registrar = self.rng.choice(officers)
            henvendelse = services.registrer_henvendelse(utfort_av=registrar, data=data, ta_selv=False)
        else:
            registrar = owner
            henvendelse = services.registrer_henvendelse(utfort_av=owner, data=data, ta_selv=True)
        mottatt: dt.datetime = data["mottatt"]
        if kvittering:
            services.send_kvittering(
                utfort_av=registrar, decision=self.decide(registrar, person), henvendelse=henvendelse
            )
            sent = min(mottatt + dt.timedelta(minutes=self.rng.randint(20, 240)), self.now - dt.timedelta(minutes=1))
            self.backdate(henvendelse, kvittering_sendt=sent)
        if owner is not None and henvendelse.eier_id != owner.pk:
            services.ta_henvendelse(utfort_av=owner, decision=self.decide(owner, person), henvendelse=henvendelse)
        return henvendelse

    # søknad and kartlegging ------------------------------------------------------------------------

    def kartlegging_data(
        self, plan: _Plan, ctx: Mapping[str, str], besok: dt.date
    ) -> tuple[dict[str, Any], dict[str, int]]:
        h, person = plan.historie, plan.person
        viktig = self.rng.choice(h.viktig)
        if plan.started_only:
            return {"viktig_for_meg": viktig, "hjemmebesok_dato": besok}, {}
        relative = self.relative_of(person)
        verge = self.verger.get(person.pk)
        if verge is not None:
            partsstatus = (
                f"{verge.navn} er oppnevnt som verge ({verge.mandat.rstrip('.')}). Vergen er part i saken sammen "
                f"med {person.fornavn}."
            )
        elif h.alder == "barn":
            partsstatus = "Foreldrene er part i saken på vegne av barnet."
        else:
            partsstatus = f"{person.fornavn} er selv part i saken og har samtykkekompetanse."
        if relative is not None and self.rng.random() < 0.8:
            involvering = (
                f"{relative.navn} ({relative.get_relasjon_display().lower()}) var med på hjemmebesøket, og "
                f"{person.fornavn} ønsker at {relative.navn.split()[0]} holdes orientert."
            )
        elif relative is not None:
            involvering = f"{person.fornavn} ønsker ikke at pårørende involveres i saken nå."
        else:
            involvering = "Ingen nære pårørende."
        codes = {t.code for t in h.tjenester}
        if "trygghetsalarm" in codes:
            velferd = "Trygghetsalarm er vurdert og ønsket. Fallsensor drøftet."
        elif "elektronisk_medisineringsstotte" in codes:
            velferd = "Elektronisk medisindispenser er vurdert og ønsket; pårørende får opplæring."
        else:
            velferd = (
                f"Trygghetsalarm og digitalt tilsyn er vurdert. {ctx['Hun']} ønsker det ikke nå, og det er ikke "
                "behov for det."
            )
        data: dict[str, Any] = {
            "viktig_for_meg": viktig,
            "hjemmebesok_dato": besok,
            "hjemmebesok_rapport": self.fill(h.rapport, ctx, dato=f"{besok:%d.%m.%Y}"),
            "samtykke_avklart": True,
            "partsstatus": partsstatus,
            "rehabilitering": h.rehab,
            "velferdsteknologi_vurdert": True,
            "velferdsteknologi_notat": velferd,
            "parorende_involvering": involvering,
        }
        return data, self.scores(h)

    def scores(self, h: _Historie) -> dict[str, int]:
        result: dict[str, int] = {}
        for variable in iplos.variables():
            wanted = h.behov.get(variable.code) or h.behov.get(variable.group)
            if variable.scale == "funksjon":
                if wanted:
                    score = self.rng.randint(*wanted)
                else:
                    score = self.rng.choice((1, 1, 1, 2, 2, 9) if variable.code == "styre_atferd" else (1, 1, 2, 2, 3))
            else:
                low, high = wanted or (1, 3)
                score = self.rng.randint(low, min(high, 5))
            result[variable.code] = iplos.validate_score(variable.code, score)
        return result

    def documents(self, plan: _Plan, soknad: Soknad, ctx: Mapping[str, str], besok: dt.date) -> None:
        h, person = plan.historie, plan.person
        for kind in h.dokumenter:
            datert = besok - dt.timedelta(days=self.rng.randint(1, 6))
            navn = person.fullt_navn
            fodt = f"{person.fodselsdato:%d.%m.%Y}"
            if kind == D.FASTLEGE:
                if person.fastlege is None:
                    continue
                lege = person.fastlege
                tittel = "Uttalelse fra fastlege"
                text = (
                    f"UTTALELSE FRA FASTLEGE\n\n{lege.legekontor}\n{lege.adresse}\nTelefon {lege.telefon}\n\n"
                    f"Gjelder: {navn}, født {fodt}\nDato: {datert:%d.%m.%Y}\n\n"
                    f"{ctx['Hun']} er kjent hos meg med {_lower_first(h.diagnose)}\n\n"
                    f"Jeg har sett {ctx['henne']} på kontoret nylig og vurderer at {ctx['hun']} trenger hjelp som "
                    f"beskrevet i søknaden ({_lower_first(h.gjelder).rstrip('.')}). Jeg støtter søknaden.\n\n"
                    f"Med vennlig hilsen\n{lege.navn}\nfastlege\n"
                )
                filnavn = f"uttalelse-fastlege-{datert:%Y%m%d}.txt"
            elif kind == D.SYKEHUS:
                tittel = f"Epikrise fra Fjordvik sykehus, {h.avdeling}"
                text = (
                    f"EPIKRISE\n\nFjordvik sykehus, {h.avdeling}\n\nPasient: {navn}, født {fodt}\n"
                    f"Utskrevet: {datert:%d.%m.%Y}\n\nDiagnoser: {h.diagnose}\n\n"
                    "Videre oppfølging: hjemmesykepleie som beskrevet i pleie- og omsorgsmeldingen. Kontroll hos "
                    "fastlege om to uker.\n\nMed vennlig hilsen\nFjordvik sykehus\n"
                )
                filnavn = f"epikrise-{datert:%Y%m%d}.txt"
            else:
                tittel = "Søknad fra personen"
                text = f"SØKNAD\n\nFra: {navn}\nDato: {datert:%d.%m.%Y}\n\n{h.gjelder}\n\nHilsen {navn}\n"
                filnavn = f"soknad-{datert:%Y%m%d}.txt"
            text += "\n(Syntetisk demodokument: ingen ekte person eller helseopplysning.)\n"
            fil = SimpleUploadedFile(filnavn, text.encode("utf-8"), content_type="text/plain")
            dokument = services.last_opp_dokument(
                utfort_av=plan.officer,
                decision=self.decide(plan.officer, person),
                soknad=soknad,
                fil=fil,
                type=kind,
                tittel=tittel,
                datert=datert,
            )
            self.backdate(dokument, lastet_opp=self.at(besok))

    # vedtak ------------------------------------------------------------------------------------------

    def vedtak_data(
        self, plan: _Plan, tjeneste: _Tjeneste, viktig: str, fom: dt.date, tom: dt.date | None
    ) -> dict[str, Any]:
        h, person = plan.historie, plan.person
        ctx = self.context(person, h.kanaler[0], None)
        data: dict[str, Any] = {"tjenestetype": tjeneste.code, "fom": fom, "tom": tom, "mal": viktig}
        if tjeneste.avslag:
            data.update(utfall=Vedtak.Utfall.AVSLAG, begrunnelse=tjeneste.avslag, tom=None)
            return data
        service = tjenester.by_code(tjeneste.code)
        omfang = Decimal(self.rng.choice(tjeneste.omfang)) if tjeneste.omfang else None
        data.update(
            utfall=Vedtak.Utfall.INNVILGET,
            omfang=omfang,
            omfang_enhet=service.scope_unit.value,
            innhold=tjeneste.innhold,
            formal=self.fill(FORMAL[tjeneste.code], ctx),
            begrunnelse=" ".join(x for x in (self.fill(h.funn, ctx), BEGRUNNELSE[tjeneste.code]) if x),
        )
        if tjeneste.code == "bpa":
            relative = self.relative_of(person)
            if h.arbeidsleder == "parorende" and relative is not None:
                data["arbeidsleder"] = f"{relative.navn} ({relative.get_relasjon_display().lower()})"
            else:
                data["arbeidsleder"] = f"{person.fullt_navn} (tjenestemottakeren selv)"
        if egenbetaling.is_chargeable(tjeneste.code):
            data["husstandsinntekt"] = self.rng.choice(HUSSTANDSINNTEKTER)
        return data

    def period(self, plan: _Plan, tjeneste: _Tjeneste, fom: dt.date) -> dt.date | None:
        if tjeneste.avslag:
            return None
        if plan.expiring:
            return max(fom, self.today + dt.timedelta(days=self.rng.randint(5, 55)))
        if tjeneste.kort:
            return max(fom + dt.timedelta(weeks=8), self.today + dt.timedelta(days=self.rng.randint(14, 50)))
        if tjeneste.code in ("trygghetsalarm", "elektronisk_medisineringsstotte") or self.rng.random() < 0.4:
            return None
        return max(fom, self.today) + dt.timedelta(days=self.rng.randint(70, 330))

    # a whole søknad ----------------------------------------------------------------------------------

    def run(self, plan: _Plan) -> None:
        h, person, officer = plan.historie, plan.person, plan.officer
        if plan.stage == "fattet":
            if plan.timing == "old":
                fattet = self.days_ago(35, 400)
            elif plan.timing == "mid":
                fattet = self.days_ago(12, 24)
            else:
                fattet = self.days_ago(0, 3)
            besok = fattet - dt.timedelta(days=self.rng.randint(2, 9))
        elif plan.stage == "kartlegging":
            fattet = self.today
            besok = self.today + dt.timedelta(days=self.rng.randint(1, 6)) if plan.started_only else self.days_ago(0, 6)
        else:
            fattet = self.today
            besok = self.days_ago(4, 20)
        plan.besok = besok
        received = besok - dt.timedelta(days=self.rng.randint(2, 8))
        if plan.started_only:
            received = self.days_ago(1, 6)
        henvendelse, ctx = self.henvendelse(
            h, person, owner=officer, mottatt=self.at(received), via_kontaktpunkt=self.rng.random() < 0.4
        )
        soknad = services.opprett_soknad(
            utfort_av=officer, decision=self.decide(officer, person), henvendelse=henvendelse, gjelder=h.gjelder
        )
        self.backdate(henvendelse, avsluttet=self.at(min(received + dt.timedelta(days=1), self.today)))
        kartlegging = soknad.kartlegging
        data, skaar = self.kartlegging_data(plan, ctx, besok)
        services.lagre_kartlegging(
            utfort_av=officer, decision=self.decide(officer, person), kartlegging=kartlegging, data=data, skaar=skaar
        )
        self.backdate(kartlegging, endret=self.at(min(besok, self.today)))
        if plan.started_only:
            return
        self.documents(plan, soknad, ctx, besok)
        if plan.stage == "kartlegging":
            return

        if plan.stage == "fattet":
            fom = fattet + dt.timedelta(days=self.rng.randint(0, 3))
        else:
            fom = self.today + dt.timedelta(days=self.rng.randint(3, 14))
        viktig = data["viktig_for_meg"]
        for tjeneste in h.tjenester:
            vedtak = services.opprett_vedtak(
                utfort_av=officer,
                decision=self.decide(officer, person),
                soknad=soknad,
                data=self.vedtak_data(plan, tjeneste, viktig, fom, self.period(plan, tjeneste, fom)),
            )
            drafted = self.at(max(besok, fattet - dt.timedelta(days=self.rng.randint(1, 2))))
            self.backdate(vedtak, opprettet=drafted)
            plan.vedtak.append(vedtak)
            if plan.stage == "utkast":
                continue
            services.send_til_godkjenning(utfort_av=officer, decision=self.decide(officer, person), vedtak=vedtak)
            if plan.stage == "til_godkjenning":
                continue
            self.approve(plan, vedtak, fattet)

    def approve(self, plan: _Plan, vedtak: Vedtak, fattet: dt.date) -> None:
        person, officer = plan.person, plan.officer
        approver = self.vedtaksmyndig[person.bydel_id]
        started = time.perf_counter()
        services.godkjenn_vedtak(utfort_av=approver, decision=self.decide(approver, person), vedtak=vedtak, dato=fattet)
        self.letter_seconds += time.perf_counter() - started
        vedtak.refresh_from_db()
        approved = self.at(fattet)
        self.backdate(vedtak, fattet=approved)
        brev = Vedtaksbrev.objects.filter(vedtak=vedtak).order_by("-versjon").first()
        if brev is not None:
            self.backdate(brev, laget=approved)
            sendt = min(fattet + dt.timedelta(days=self.rng.randint(0, 1)), self.today)
            if plan.timing != "new" or (sendt < self.today and self.rng.random() < 0.6):
                services.send_brev(utfort_av=officer, decision=self.decide(officer, person), brev=brev, sendt=sendt)
                mottatt = sendt + dt.timedelta(days=self.rng.randint(1, 3))
                if mottatt <= self.today:
                    services.registrer_mottatt(
                        utfort_av=officer, decision=self.decide(officer, person), brev=brev, mottatt=mottatt
                    )
            plan.brev[vedtak.pk] = brev
        if vedtak.utfall == Vedtak.Utfall.INNVILGET:
            self.order(plan, vedtak, fattet)

    def order(self, plan: _Plan, vedtak: Vedtak, fattet: dt.date) -> None:
        """Brukervalg and bestilling; the provider receives it unless the vedtak is only days old."""
        person, officer = plan.person, plan.officer
        besok = plan.besok or fattet
        chosen: Leverandor | None = None
        if vedtak.tjeneste.free_choice:
            current = self.person_provider.get(person.pk)
            if current is not None and current.type == Leverandor.Type.PRIVAT and self.rng.random() < 0.7:
                chosen = current
            elif self.rng.random() < 0.4:
                chosen = self.kommunal
        bestilling = services.registrer_brukervalg(
            utfort_av=officer,
            decision=self.decide(officer, person),
            vedtak=vedtak,
            informasjon_gitt=besok,
            leverandor=chosen,
        )
        self.backdate(vedtak.brukervalg, valgt=fattet)
        self.backdate(bestilling, opprettet=self.at(fattet))
        if plan.timing == "new":
            return
        leader = self.leaders.get((bestilling.leverandor_id, person.bydel_id))
        if leader is None:
            return
        services.motta_bestilling(utfort_av=leader, decision=self.decide(leader, person), bestilling=bestilling)
        self.backdate(bestilling, mottatt=self.at(min(fattet + dt.timedelta(days=1), self.today)))

    # klager and a provider switch ------------------------------------------------------------------

    def klager(self, plans: Sequence[_Plan]) -> None:
        candidates: list[tuple[_Plan, Vedtak, Vedtaksbrev]] = []
        for plan in plans:
            for vedtak in plan.vedtak:
                brev = plan.brev.get(vedtak.pk)
                if brev is not None and brev.mottatt is not None and vedtak.tjenestetype != "trygghetsalarm":
                    candidates.append((plan, vedtak, brev))
        taken: set[int] = set()

        def pick(
            *, min_days: int, max_days: int, demo: bool = False, avslag: bool | None = None
        ) -> tuple[_Plan, Vedtak, Vedtaksbrev] | None:
            wishes: list[tuple[bool, bool | None]] = [(demo, avslag), (demo, None), (False, None)]
            for want_demo, want_avslag in wishes:
                pool = [
                    c
                    for c in candidates
                    if c[1].pk not in taken
                    and c[2].mottatt is not None
                    and min_days <= (self.today - c[2].mottatt).days <= max_days
                    and (not want_demo or c[0].officer.pk == self.demo_officer.pk)
                    and (want_avslag is None or (c[1].utfall == Vedtak.Utfall.AVSLAG) == want_avslag)
                ]
                if pool:
                    choice = self.rng.choice(pool)
                    taken.add(choice[1].pk)
                    return choice
            return None

        def register(c: tuple[_Plan, Vedtak, Vedtaksbrev], mottatt: dt.date) -> Klage:
            plan, vedtak, brev = c
            assert brev.mottatt is not None
            key = f"{vedtak.utfall}:{vedtak.tjenestetype}"
            return services.registrer_klage(
                utfort_av=plan.officer,
                decision=self.decide(plan.officer, plan.person),
                vedtak=vedtak,
                mottatt=mottatt,
                vedtak_mottatt=brev.mottatt,
                gjelder=KLAGE_TEKST.get(key, KLAGE_GENERELL),
            )

        def assess(c: tuple[_Plan, Vedtak, Vedtaksbrev], klage: Klage, vurdering: str, day: dt.date) -> None:
            plan = c[0]
            services.vurder_klage(
                utfort_av=plan.officer,
                decision=self.decide(plan.officer, plan.person),
                klage_sak=klage,
                vurdering=vurdering,
                begrunnelse=VURDERING_TEKST[vurdering],
            )
            values: dict[str, Any] = {"vurdert": day}
            if vurdering == Klage.Vurdering.FULL:
                values["avsluttet"] = day
            self.backdate(klage, **values)

        def forward(c: tuple[_Plan, Vedtak, Vedtaksbrev], klage: Klage, day: dt.date) -> None:
            plan = c[0]
            services.oversend_statsforvalteren(
                utfort_av=plan.officer, decision=self.decide(plan.officer, plan.person), klage_sak=klage
            )
            self.backdate(klage, oversendt_statsforvalteren=day)

        def later(day: dt.date, low: int, high: int) -> dt.date:
            return min(day + dt.timedelta(days=self.rng.randint(low, high)), self.today)

        # In time, waiting for the bydel's assessment (the demo officer's).
        c = pick(min_days=5, max_days=25, demo=True)
        if c is not None:
            register(c, later(c[2].mottatt or self.today, 4, 14))
        # Late: registered and flagged, not refused.
        c = pick(min_days=45, max_days=300, demo=True, avslag=True)
        if c is not None:
            register(c, self.days_ago(0, 4))
        # Fully reversed by the bydel.
        c = pick(min_days=60, max_days=400, avslag=True)
        if c is not None:
            klage = register(c, later(c[2].mottatt or self.today, 5, 20))
            assess(c, klage, Klage.Vurdering.FULL, later(klage.mottatt, 7, 14))
        # Not reversed: forwarded to Statsforvalteren, which has not decided yet (the demo officer's).
        c = pick(min_days=40, max_days=200, demo=True)
        if c is not None:
            klage = register(c, later(c[2].mottatt or self.today, 5, 20))
            vurdert = later(klage.mottatt, 7, 14)
            assess(c, klage, Klage.Vurdering.INGEN, vurdert)
            forward(c, klage, later(vurdert, 1, 3))
        # Decided by Statsforvalteren, for the statistics.
        for vurdering, utfall in (
            (Klage.Vurdering.INGEN, Klage.Utfall.IKKE),
            (Klage.Vurdering.DELVIS, Klage.Utfall.DELVIS),
            (Klage.Vurdering.INGEN, Klage.Utfall.MEDHOLD),
        ):
            c = pick(min_days=150, max_days=420)
            if c is None:
                continue
            klage = register(c, later(c[2].mottatt or self.today, 5, 20))
            vurdert = later(klage.mottatt, 7, 14)
            assess(c, klage, vurdering, vurdert)
            oversendt = later(vurdert, 1, 3)
            forward(c, klage, oversendt)
            plan = c[0]
            services.registrer_endelig_utfall(
                utfort_av=plan.officer, decision=self.decide(plan.officer, plan.person), klage_sak=klage, utfall=utfall
            )
            self.backdate(klage, avsluttet=later(oversendt, 40, 90))

    def switch_provider(self, plans: Sequence[_Plan]) -> None:
        """One person switches provider, with the ten days' notice still running."""
        for demo_only in (True, False):
            for plan in plans:
                if demo_only and plan.officer.pk != self.demo_officer.pk:
                    continue
                for vedtak in plan.vedtak:
                    if not vedtak.tjeneste.free_choice or vedtak.utfall != Vedtak.Utfall.INNVILGET:
                        continue
                    if vedtak.tom is not None and vedtak.tom < self.today + dt.timedelta(days=60):
                        continue
                    current = vedtak.bestillinger.filter(status=Bestilling.Status.MOTTATT).order_by("fra").first()
                    if current is None:
                        continue
                    others = [
                        lev
                        for lev in [self.kommunal, *self.private]
                        if lev.pk != current.leverandor_id and (lev.pk, plan.person.bydel_id) in self.leaders
                    ]
                    if not others:
                        continue
                    services.bytt_leverandor(
                        utfort_av=plan.officer,
                        decision=self.decide(plan.officer, plan.person),
                        vedtak=vedtak,
                        leverandor=self.rng.choice(others),
                        varslet=self.days_ago(2, 5),
                    )
                    return

    # open and answered henvendelser ---------------------------------------------------------------

    def open_henvendelser(self) -> None:
        frist = settings.HENVENDELSE_SVARFRIST_DAGER
        # (bydel is the demo bydel, owner: "none" / "demo" / "other", due: "overdue" / "soon" / "normal")
        specs: list[tuple[bool, str, str]] = [
            (True, "none", "overdue"),
            (True, "none", "soon"),
            (True, "none", "normal"),
            (True, "demo", "overdue"),
            (True, "demo", "overdue"),
            (True, "demo", "soon"),
            (True, "demo", "normal"),
            (True, "demo", "normal"),
        ]
        while len(specs) < OPEN_HENVENDELSER:
            owner = "none" if self.rng.random() < 0.25 else "other"
            due = self.rng.choices(("overdue", "soon", "normal"), (0.12, 0.2, 0.68))[0]
            specs.append((False, owner, due))
        for in_demo_bydel, owner_kind, due in specs:
            bydel = self.demo_bydel if in_demo_bydel else self.random_bydel()
            officer = self.demo_officer if owner_kind == "demo" else None
            historie = self.random_story()
            person = self.pick_person(bydel, historie.alder, gp=historie.fra == F.FASTLEGE, max_age=historie.maks_alder)
            if person is None:
                continue
            if owner_kind == "other":
                officer = self.rng.choice(self.officers[person.bydel_id])
            if due == "overdue":
                svar_innen = self.today - dt.timedelta(days=self.rng.randint(1, 6))
            elif due == "soon":
                svar_innen = self.today + dt.timedelta(days=self.rng.randint(0, settings.HENVENDELSE_SNART_DAGER))
            else:
                svar_innen = self.today + dt.timedelta(
                    days=self.rng.randint(settings.HENVENDELSE_SNART_DAGER + 1, frist)
                )
            received = max(svar_innen - dt.timedelta(days=frist), self.today - dt.timedelta(days=30))
            received = min(received, self.today)
            self.henvendelse(
                historie,
                person,
                owner=officer,
                mottatt=self.at(received),
                svar_innen=svar_innen,
                kvittering=self.rng.random() < 0.85,
                via_kontaktpunkt=officer is not None and self.rng.random() < 0.3,
            )

    def answered_henvendelser(self) -> None:
        for kanal, sporsmal, avslutning in BESVARTE:
            person = self.pick_person(self.random_bydel(), None)
            if person is None:
                return
            officer = self.officer_for(person)
            mottatt = self.at(self.days_ago(10, 120))
            henvendelse = self.register(
                person,
                {
                    "bydel": person.bydel,
                    "tjenestemottaker": person,
                    "kanal": kanal,
                    "fra": F.SELV,
                    "fra_kontakt": person.telefon,
                    "sporsmal": sporsmal,
                    "mottatt": mottatt,
                },
                owner=officer,
                kvittering=False,
                via_kontaktpunkt=False,
            )
            services.avslutt_henvendelse(
                utfort_av=officer, decision=self.decide(officer, person), henvendelse=henvendelse, avslutning=avslutning
            )
            self.backdate(henvendelse, avsluttet=min(mottatt + dt.timedelta(hours=2), self.now))

    # plans -----------------------------------------------------------------------------------------

    def plan(self, historie: _Historie, stage: str, *, demo: bool, **kw: Any) -> _Plan | None:
        gp = historie.fra == F.FASTLEGE
        if demo:
            person = self.pick_person(
                self.demo_bydel, historie.alder, self.demo_officer, gp=gp, max_age=historie.maks_alder
            )
        else:
            person = self.pick_person(self.random_bydel(), historie.alder, gp=gp, max_age=historie.maks_alder)
        if person is None:
            return None
        return _Plan(historie=historie, person=person, officer=self.officer_for(person), stage=stage, **kw)

    def fattet_plans(self) -> list[_Plan]:
        # (story, timing, expiring) for the demo officer first: one of each kind the tour shows.
        demo_block = (
            ("fall", "old", False),
            ("husarbeid", "old", False),
            ("trygghet", "old", False),
            ("avslag_hage", "old", False),
            ("demens", "old", True),
            ("hofte", "old", False),
            ("medisiner", "mid", False),
            ("diabetes", "mid", False),
            ("bpa_selv", "old", False),
            ("kols", "new", False),
            ("husarbeid", "new", False),
            ("slag", "old", False),
        )
        must = (
            ("bpa_selv", "old", False),
            ("bpa_familie", "old", False),
            ("avslag_bpa", "old", False),
            ("avslag_sykepleie", "old", False),
            ("avslag_hage", "old", False),
            ("husarbeid", "old", True),
            ("husarbeid", "mid", False),
            ("slag", "old", False),
            ("trygghet", "old", False),
            ("avlastning_barn", "old", False),
            ("fall", "new", False),
            ("medisiner", "old", True),
        )
        plans: list[_Plan] = []
        count = 0
        queue: list[tuple[str, str, bool, bool]] = [(k, t, e, True) for k, t, e in demo_block]
        queue += [(k, t, e, False) for k, t, e in must]
        while count < FATTET_VEDTAK:
            if queue:
                key, timing, expiring, demo = queue.pop(0)
                historie = HISTORIE[key]
            else:
                historie = self.random_story()
                timing = self.rng.choices(("old", "mid", "new"), (0.75, 0.12, 0.13))[0]
                expiring = timing == "old" and self.rng.random() < 0.12
                demo = False
            plan = self.plan(historie, "fattet", demo=demo, timing=timing, expiring=expiring)
            if plan is None:
                if not queue:
                    break
                continue
            self.run(plan)
            plans.append(plan)
            count += sum(1 for v in plan.vedtak if v.status == Vedtak.Status.FATTET)
        return plans

    def open_plans(self) -> None:
        stages = (("til_godkjenning", TIL_GODKJENNING, 3), ("utkast", UTKAST, 2), ("kartlegging", KARTLEGGING, 5))
        for stage, total, demo_count in stages:
            for i in range(total):
                historie = self.random_story()
                started_only = stage == "kartlegging" and i in (demo_count - 1, total - 1, total - 2)
                plan = self.plan(historie, stage, demo=i < demo_count, started_only=started_only)
                if plan is not None:
                    self.run(plan)

    # the whole -------------------------------------------------------------------------------------

    def build(self) -> None:
        steps = (
            ("Egenbetalingssatser", self.build_sats),
            ("Fattede vedtak med brev, brukervalg, bestillinger og klager", self.build_fattet),
            ("Søknader under kartlegging og vedtak til godkjenning", self.open_plans),
            ("Henvendelser til kontaktpunktene", self.build_henvendelser),
        )
        for label, step in steps:
            started = time.perf_counter()
            step()
            self.out(f"  {label} … {time.perf_counter() - started:.1f} s")
        self.flush()
        self.out(f"    (herav godkjenning med vedtaksbrev i PDF: {self.letter_seconds:.1f} s)")

    def build_sats(self) -> None:
        EgenbetalingSats.from_rate_table(self.kommune, egenbetaling.OSLO_2019).save()

    def build_fattet(self) -> None:
        plans = self.fattet_plans()
        self.klager(plans)
        self.switch_provider(plans)

    def build_henvendelser(self) -> None:
        self.answered_henvendelser()
        self.open_henvendelser()


COUNTED: tuple[type[models.Model], ...] = (
    EgenbetalingSats,
    Henvendelse,
    Soknad,
    Kartlegging,
    Funksjonsskaar,
    Dokument,
    Vedtak,
    Vedtaksbrev,
    Brukervalg,
    Bestilling,
    Klage,
)


def build_demo_cases(rng: random.Random, *, today: dt.date, stdout: Writer | None = None) -> dict[str, int]:
    """Add cases at every stage to the demo world just built; return the row counts by model name.

    Runs inside the caller's transaction. ``today`` is the day the story is told from (the core
    demo's date); ``rng`` is the only source of chance.
    """
    _CaseBuilder(rng, today, stdout).build()
    return {model.__name__: model._base_manager.count() for model in COUNTED}
