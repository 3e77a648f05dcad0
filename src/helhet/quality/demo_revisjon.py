"""The demo world's audits and certificates (issue 7 point 4), at the municipal provider.

Built by :func:`build_demo` inside the demo transaction after the core, cases, care and BPA demos (it
needs the municipal leverandør, its enheter, the kvalitetsleder and staff). Everything goes through
:mod:`helhet.quality.services_revisjon`, so each change is validated and audited as in real use:

- **An audit plan for this year** with three lines (the external ISO 9001 surveillance audit, a
  review of the avvik system at the second enhet, information security), by the kvalitetsleder.
- **An internal audit after repeated medication deviations** at the enhet the avvik suggestion
  names (the avvik demo's featured enhet): started from that suggestion when there is one, otherwise
  at the first enhet with the same source recorded by hand; a checklist with references, one *avvik* finding
  with two corrective actions — one closed with its effect evaluated, one **overdue** — and reported
  (it cannot be closed while an action is open).
- **An external ISO 9001 surveillance audit** by a certification body (a made-up name) with a
  *merknad* (one corrective action, closed) and an *observasjon*; reported and closed.
- **Certificates**: ISO 9001 (valid, first surveillance done) and EQUASS Assurance expiring within
  the warning window (:data:`rules.revisjon.CERTIFICATE_WARNING_DAYS`).

So ``helhet kvalitet nokkeltall`` for this year shows ``revisjoner_gjennomfort: 2 stk`` of
``revisjoner_planlagt: 4 stk``,
``korrigerende_tiltak_forfalt: 1 stk`` and ``sertifikater_utloper_snart: 1 stk``. Deterministic for
a seed: ``rng`` is the only source of chance.
"""

from __future__ import annotations

import datetime as dt
import random

from helhet.core.models import Enhet, Leverandor, Role, RoleAssignment, User
from helhet.quality import services as avvik_services
from helhet.quality import services_revisjon as svc
from helhet.quality.models import AvvikKategori, Funn, Revisjon, Sertifikat, SjekklistePunkt
from helhet.quality.rules import revisjon as rules

CERTIFICATION_BODY = "Nordisk Sertifisering AS"  # made up for the demo


def _staff_of(enhet: Enhet, today: dt.date) -> list[User]:
    ids = (
        RoleAssignment.objects.filter(team__enhet=enhet, rolle__in=[Role.SYKEPLEIER, Role.HELSEFAGARBEIDER])
        .filter(gyldig_fra__lte=today)
        .values_list("user_id", flat=True)
    )
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("username"))


def _kvalitetsleder() -> User:
    found = (
        RoleAssignment.objects.filter(rolle=Role.KVALITETSLEDER, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if found is None:
        raise RuntimeError("Demoen for revisjon trenger en kvalitetsleder.")
    return found.user


def build_demo(rng: random.Random, today: dt.date) -> dict[str, int]:
    kvl = _kvalitetsleder()
    leverandor = (
        Leverandor.objects.filter(type=Leverandor.Type.KOMMUNAL).order_by("pk").first()
        or Leverandor.objects.order_by("pk").first()
    )
    assert leverandor is not None, "the core demo makes the providers first"
    enheter = list(Enhet.objects.filter(leverandor=leverandor).order_by("pk"))
    first, second = enheter[0], enheter[1 % len(enheter)]
    year_start = dt.date(today.year, 1, 1)
    ext_day = max(year_start, today - dt.timedelta(days=rng.randint(50, 80)))
    int_day = max(year_start, today - dt.timedelta(days=rng.randint(6, 10)))
    kategori = AvvikKategori.objects.filter(kode="legemiddel").first()
    kategori_navn = kategori.navn if kategori else "Legemiddelhåndtering"
    # The enhet with repeated medication avvik (the avvik demo's featured enhet), else the first.
    first = next(
        (e for e in enheter if any(s.category == kategori_navn for s in avvik_services.suggest_audit(e, int_day))),
        first,
    )
    staff = _staff_of(first, today) or [kvl]
    owner_late, owner_done = rng.sample(staff, 2) if len(staff) >= 2 else (staff[0], staff[0])

    # The plan for this year.
    ext_line = svc.add_plan_line(
        kvl,
        leverandor,
        today.year,
        svc.PlanLinjeInput(
            tema="Ekstern oppfølgingsrevisjon ISO 9001", krav="ISO 9001", maned=ext_day.month, revisjonsleder_id=kvl.pk
        ),
    )
    svc.add_plan_line(
        kvl,
        leverandor,
        today.year,
        svc.PlanLinjeInput(
            tema="Avvikssystemet: melding, behandling og læring",
            krav="ISO 9001 10.2",
            enhet_id=second.pk,
            maned=today.month,
            revisjonsleder_id=kvl.pk,
        ),
    )
    svc.add_plan_line(
        kvl,
        leverandor,
        today.year,
        svc.PlanLinjeInput(
            tema="Tilgangsstyring og logging i journalen",
            krav="ISO/IEC 27001 A.5.15",
            maned=min(12, today.month + 1),
            revisjonsleder_id=kvl.pk,
        ),
    )

    # Certificates.
    iso_from = today - dt.timedelta(days=rng.randint(380, 420))
    iso = svc.save_certificate(
        kvl,
        svc.SertifikatInput(
            leverandor_id=leverandor.pk,
            standard=Sertifikat.Standard.ISO_9001,
            omfang="Hjemmesykepleie og praktisk bistand i kommunens hjemmetjeneste",
            utsteder=CERTIFICATION_BODY,
            sertifikatnummer=f"NS-{rng.randint(10000, 99999)}",
            gyldig_fra=iso_from,
            gyldig_til=rules.add_years(iso_from, rules.ISO_CYCLE_YEARS),
        ),
    )
    equass_to = today + dt.timedelta(days=rng.randint(40, 60))
    svc.save_certificate(
        kvl,
        svc.SertifikatInput(
            leverandor_id=leverandor.pk,
            standard=Sertifikat.Standard.EQUASS,
            omfang="Helse- og omsorgstjenester i hjemmet",
            utsteder="EQUASS (europeisk sertifiseringsordning)",
            gyldig_fra=rules.add_years(equass_to, -rules.EQUASS_CYCLE_YEARS),
            gyldig_til=equass_to,
        ),
    )

    # External ISO 9001 surveillance audit: a merknad and an observasjon; reported and closed.
    ext = svc.create_audit(
        kvl,
        svc.RevisjonInput(
            leverandor_id=leverandor.pk,
            type=Revisjon.Type.EKSTERN,
            eksternt_organ=CERTIFICATION_BODY,
            tittel="Oppfølgingsrevisjon ISO 9001",
            omfang="Ledelsens gjennomgåelse, internrevisjon, avvikshåndtering og kompetanse.",
            planlagt_dato=ext_day,
            revisjonsleder_id=kvl.pk,
            planlagt_revisjon_id=ext_line.pk,
            sertifikat_id=iso.pk,
        ),
    )
    svc.start(kvl, ext, at=ext_day)
    merknad = svc.add_finding(
        kvl,
        ext,
        Funn.Type.MERKNAD,
        "Opplæringsplanen for nyansatte er ikke oppdatert etter ny rutine for legemiddelhåndtering.",
        "ISO 9001 7.2",
    )
    svc.add_finding(
        kvl,
        ext,
        Funn.Type.OBSERVASJON,
        "Ledelsens gjennomgåelse kunne i større grad bruke tallene for avvik og klager.",
        "ISO 9001 9.3",
    )
    action = svc.add_action(
        kvl,
        merknad,
        "Oppdatere opplæringsplanen og gå gjennom den på personalmøtet.",
        kvl,
        ext_day + dt.timedelta(days=30),
        today=ext_day,
    )
    svc.report(
        kvl,
        ext,
        "Sertifikatet opprettholdes. Én merknad og én observasjon.",
        ext_day,
        today=ext_day + dt.timedelta(days=3),
    )
    done_day = min(today, ext_day + dt.timedelta(days=rng.randint(10, 25)))
    svc.close_action(
        kvl, action, done_day, "Opplæringsplanen er oppdatert; alle nyansatte siden har fått den.", today=today
    )
    svc.close(kvl, ext, today=today)

    # Internal audit after repeated medication deviations.
    internal: Revisjon | None = None
    if any(s.category == kategori_navn for s in avvik_services.suggest_audit(first, int_day)):
        internal = svc.create_from_suggestion(kvl, first, kategori_navn, at=int_day).revisjon
    if internal is None:
        internal = svc.create_audit(
            kvl,
            svc.RevisjonInput(
                leverandor_id=leverandor.pk,
                tittel=f"Internrevisjon etter avvik: {kategori_navn} ved {first.navn}",
                omfang=f"Praksis ved {first.navn} innen «{kategori_navn}»: rutiner, opplæring og etterlevelse.",
                enhet_id=first.pk,
                planlagt_dato=int_day,
                revisjonsleder_id=kvl.pk,
            ),
        )
        Revisjon.objects.filter(pk=internal.pk).update(
            kilde_kategori=kategori_navn,
            kilde_begrunnelse=(
                f"Gjentatte avvik i kategorien «{kategori_navn}» ved {first.navn}. "
                "Vurder internrevisjon og evaluering av egen praksis."
            ),
        )
        internal.refresh_from_db()
    svc.start(kvl, internal, at=int_day)
    items = [
        (
            "Har alle som deler ut legemidler gjennomført opplæring i legemiddelhåndtering?",
            "ISO 9001 7.2",
            "samsvar",
            "",
        ),
        (
            "Blir dobbeltkontroll ved utdeling av multidose dokumentert?",
            "Forskrift om legemiddelhåndtering § 4",
            "ikke_samsvar",
            "Mangler i 4 av 12 kontrollerte utdelinger.",
        ),
        ("Blir avvik i legemiddelhåndteringen fulgt opp med tiltak?", "ISO 9001 10.2", "samsvar", ""),
    ]
    punkt: SjekklistePunkt | None = None
    for text, ref, answer, comment in items:
        item = svc.add_checklist_item(kvl, internal, text, ref)
        svc.answer_checklist_item(kvl, item, answer, comment)
        if answer == "ikke_samsvar":
            punkt = item
    funn = svc.add_finding(
        kvl,
        internal,
        Funn.Type.AVVIK,
        "Dobbeltkontroll ved utdeling av multidose blir ikke alltid dokumentert.",
        "Forskrift om legemiddelhåndtering § 4",
        punkt.pk if punkt else None,
    )
    late = svc.add_action(
        kvl,
        funn,
        "Innføre kvittering for dobbeltkontroll i Min dag og følge opp ukentlig.",
        owner_late,
        int_day + dt.timedelta(days=3),  # passed: the overdue action
        today=int_day,
    )
    done = svc.add_action(
        kvl,
        funn,
        "Gjennomgå rutinen for multidose med alle på teamet.",
        owner_done,
        int_day + dt.timedelta(days=2),
        today=int_day,
    )
    svc.close_action(
        kvl, done, min(today, int_day + dt.timedelta(days=2)), "Alle på teamet har gått gjennom rutinen.", today=today
    )
    svc.report(
        kvl,
        internal,
        "Ett avvik: manglende dokumentasjon av dobbeltkontroll. To korrigerende tiltak.",
        int_day,
        today=int_day + dt.timedelta(days=2),
    )
    assert late.utfort is None
    return {
        "Revisjonsplanlinjer": 3,
        "Revisjoner": 2,
        "Revisjonsfunn": Funn.objects.filter(revisjon__in=[ext, internal]).count(),
        "Korrigerende tiltak": 3,
        "Sertifikater": 2,
    }
