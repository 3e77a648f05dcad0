"""BPA use cases: one transaction each, audited; Norwegian messages for people, nothing half-saved.

Who may do what: the arrangement's arbeidsleder (a portal user) plans shifts, hands a shift to a
substitute, approves and corrects timesheets and writes to the adviser; the provider's staff (the
adviser, leaders) register assistants and their courses and read everything of their provider's
arrangements; the bydel reads hours used against hours granted where the person has consented.

Every shift plan is checked by the working-time rules (:mod:`helhet.bpa.rules.arbeidstid`) with the
arrangement's rule set: a rule marked «blokk» refuses the shift (nothing is saved, the message names
the paragraph), a warning is returned with the saved shift.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from helhet.bpa.models import KURS, Assistent, Melding, Opplaering, Ordning, Timeliste, Turnus, Vakt
from helhet.bpa.rules import arbeidstid, budsjett
from helhet.core import audit
from helhet.core.models import AuditAction, Role, User, UserKind

#: How far around a new shift the working-time rules look (the 8-week averaging window and a margin).
RULE_WINDOW = dt.timedelta(weeks=9)
#: Provider staff who may read and administer all the provider's arrangements (besides each arrangement's
#: named BPA adviser): leaders. Nurses in home care have no need to know about BPA arrangements.
PROVIDER_ROLES = frozenset({Role.LEDER, Role.KVALITETSLEDER})


# --- who may see what --------------------------------------------------------------------------------------


def ordninger_for_arbeidsleder(user: User) -> QuerySet[Ordning]:
    if user.kind != UserKind.ARBEIDSLEDER:
        return Ordning.objects.none()
    return Ordning.objects.filter(arbeidsleder=user).select_related("tjenestemottaker", "leverandor", "radgiver")


def require_arbeidsleder(user: User, ordning: Ordning) -> None:
    if user.kind != UserKind.ARBEIDSLEDER or ordning.arbeidsleder_id != user.pk:
        raise PermissionDenied("Bare arbeidslederen for ordningen kan gjøre dette.")


def provider_staff_ids(user: User) -> set[int]:
    """Providers whose arrangements ``user`` administers (adviser or leader there)."""
    from helhet.care.services import provider_ids

    ids = provider_ids(user, PROVIDER_ROLES) if user.kind == UserKind.STAFF else set()
    ids |= set(Ordning.objects.filter(radgiver=user).values_list("leverandor_id", flat=True))
    return ids


def require_provider_staff(user: User, ordning: Ordning) -> None:
    if ordning.leverandor_id not in provider_staff_ids(user):
        raise PermissionDenied("Bare BPA-rådgiveren og lederne hos leverandøren kan gjøre dette.")


def may_read(user: User, ordning: Ordning) -> bool:
    if user.kind == UserKind.ARBEIDSLEDER:
        return ordning.arbeidsleder_id == user.pk
    return ordning.leverandor_id in provider_staff_ids(user)


def _audit(user: User, action: str, ordning: Ordning, obj: Any, **details: Any) -> None:
    audit.record(user=user, action=action, person=ordning.tjenestemottaker, obj=obj, details=details)


# --- onboarding --------------------------------------------------------------------------------------------


def mangler(assistent: Assistent) -> list[str]:
    """What stands between the assistant and the first shift, in plain Norwegian (empty: ready)."""
    missing: list[str] = []
    if assistent.kontrakt_signert is None:
        missing.append("signert arbeidsavtale")
    if assistent.politiattest != Assistent.Politiattest.GODKJENT:
        missing.append("godkjent politiattest")
    done = {o.kurs for o in assistent.opplaering.all()}
    missing += [f"kurset «{label}»" for code, label in KURS.items() if code not in done]
    return missing


def _employed(assistent: Assistent, day: dt.date) -> bool:
    return assistent.start <= day and (assistent.slutt is None or assistent.slutt >= day)


def fullfor_kurs(*, utfort_av: User, assistent: Assistent, kurs: str, dato: dt.date) -> Opplaering:
    require_provider_staff(utfort_av, assistent.ordning)
    if kurs not in KURS:
        raise ValidationError({"kurs": "Ukjent kurs."})
    with transaction.atomic():
        row, _ = Opplaering.objects.update_or_create(assistent=assistent, kurs=kurs, defaults={"fullfort": dato})
        _audit(utfort_av, AuditAction.UPDATE, assistent.ordning, assistent, handling="kurs fullført", kurs=kurs)
    return row


ASSISTENT_FIELDS = (
    "navn",
    "telefon",
    "ansattnummer",
    "stillingsprosent",
    "start",
    "slutt",
    "kontrakt_signert",
    "politiattest",
    "politiattest_dato",
)


def lagre_assistent(
    *, utfort_av: User, ordning: Ordning, data: dict[str, Any], assistent: Assistent | None = None
) -> Assistent:
    """Register an assistant's employment in the arrangement (or change it): position, period, contract,
    police certificate. The provider's adviser or leaders do this; the courses are registered one by one."""
    require_provider_staff(utfort_av, ordning)
    values = {k: data.get(k) for k in ASSISTENT_FIELDS}
    values["navn"] = (values["navn"] or "").strip()
    values["telefon"] = (values["telefon"] or "").strip()
    values["ansattnummer"] = (values["ansattnummer"] or "").strip()
    errors: dict[str, str] = {}
    if not values["navn"]:
        errors["navn"] = "Skriv assistentens navn."
    if not values["ansattnummer"]:
        errors["ansattnummer"] = "Skriv ansattnummeret som brukes i lønnssystemet."
    elif (
        Assistent.objects.filter(ordning__leverandor=ordning.leverandor, ansattnummer=values["ansattnummer"])
        .exclude(navn=values["navn"])  # the same person employed in two arrangements keeps one number
        .exclude(pk=assistent.pk if assistent else 0)
        .exists()
    ):
        errors["ansattnummer"] = "Ansattnummeret brukes allerede av en annen assistent hos leverandøren."
    pct = values["stillingsprosent"]
    if pct is None or not (Decimal(0) < Decimal(pct) <= Decimal(100)):
        errors["stillingsprosent"] = "Stillingsprosenten må være mellom 0 og 100."
    if values["start"] is None:
        errors["start"] = "Skriv når ansettelsen starter."
    elif values["slutt"] is not None and values["slutt"] < values["start"]:
        errors["slutt"] = "Ansettelsen kan ikke slutte før den starter."
    today = timezone.localdate()
    if values["kontrakt_signert"] is not None and values["kontrakt_signert"] > today:
        errors["kontrakt_signert"] = "Datoen kan ikke være frem i tid."
    if values["politiattest"] not in Assistent.Politiattest.values:
        errors["politiattest"] = "Velg status for politiattesten."
    elif values["politiattest"] != Assistent.Politiattest.MANGLER and values["politiattest_dato"] is None:
        errors["politiattest_dato"] = "Skriv datoen på politiattesten."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if assistent is None:
            assistent = Assistent.objects.create(ordning=ordning, **values)
            action = AuditAction.CREATE
        else:
            if assistent.ordning_id != ordning.pk:
                raise ValidationError("Assistenten hører ikke til denne ordningen.")
            for key, value in values.items():
                setattr(assistent, key, value)
            assistent.save()
            action = AuditAction.UPDATE
        _audit(utfort_av, action, ordning, assistent, handling="ansettelse lagret")
    return assistent


def ledige_bestillinger(user: User) -> QuerySet[Any]:
    """Received BPA orders at the user's providers whose vedtak has no arrangement yet."""
    from helhet.cases.models import Bestilling, Vedtak

    return (
        Bestilling.objects.filter(
            leverandor_id__in=provider_staff_ids(user),
            status=Bestilling.Status.MOTTATT,
            vedtak__tjenestetype="bpa",
            vedtak__status=Vedtak.Status.FATTET,
            vedtak__utfall=Vedtak.Utfall.INNVILGET,
        )
        .exclude(vedtak__bpa_ordninger__isnull=False)
        .select_related("vedtak__tjenestemottaker", "leverandor")
        .order_by("fra")
    )


def opprett_ordning(
    *,
    utfort_av: User,
    bestilling: Any,
    arbeidsleder_type: str,
    brukernavn: str,
    fornavn: str,
    etternavn: str,
    regelsett: str = "lov",
    samtykke_bydel: bool = False,
) -> tuple[Ordning, str]:
    """The arrangement for a received BPA order, with the arbeidsleder's portal login.

    Returns the arrangement and a one-time password for the arbeidsleder's first login (handed over
    in person or by letter; the arbeidsleder sets up the authenticator app on the first login).
    """
    if bestilling.leverandor_id not in provider_staff_ids(utfort_av):
        raise PermissionDenied("Bare BPA-rådgiveren og lederne hos leverandøren kan opprette ordningen.")
    if not ledige_bestillinger(utfort_av).filter(pk=bestilling.pk).exists():
        raise ValidationError("Bestillingen er ikke en mottatt BPA-bestilling uten ordning.")
    brukernavn = brukernavn.strip().lower()
    errors: dict[str, str] = {}
    if arbeidsleder_type not in Ordning.Arbeidsleder.values:
        errors["arbeidsleder_type"] = "Velg hvem som er arbeidsleder."
    if not re.fullmatch(r"[a-z0-9._-]{3,150}", brukernavn):
        errors["brukernavn"] = "Brukernavnet må ha minst 3 tegn: små bokstaver a–z, tall, punktum, bindestrek eller _."
    elif User.objects.filter(username=brukernavn).exists():
        errors["brukernavn"] = "Brukernavnet er tatt. Velg et annet."
    if not fornavn.strip() or not etternavn.strip():
        errors["fornavn"] = "Skriv arbeidslederens fornavn og etternavn."
    if regelsett not in arbeidstid.PRESETS:
        errors["regelsett"] = "Ukjent regelsett for arbeidstid."
    vedtak = bestilling.vedtak
    if vedtak.timer_per_uke is None or vedtak.timer_per_uke <= 0:
        errors["bestilling"] = "Vedtaket har ikke timer per uke; det må rettes i bydelen først."
    if errors:
        raise ValidationError(errors)
    password = secrets.token_urlsafe(12)
    with transaction.atomic():
        leder = User.objects.create_user(
            username=brukernavn,
            password=password,
            first_name=fornavn.strip(),
            last_name=etternavn.strip(),
            kind=UserKind.ARBEIDSLEDER,
        )
        ordning = Ordning.objects.create(
            tjenestemottaker=vedtak.tjenestemottaker,
            vedtak=vedtak,
            leverandor=bestilling.leverandor,
            timer_per_uke=vedtak.timer_per_uke,
            fra=max(vedtak.fom, bestilling.fra),
            til=min(d for d in (vedtak.tom, bestilling.til) if d) if (vedtak.tom or bestilling.til) else None,
            arbeidsleder_type=arbeidsleder_type,
            arbeidsleder=leder,
            radgiver=utfort_av,
            regelsett=regelsett,
            samtykke_bydel=samtykke_bydel,
        )
        _audit(utfort_av, AuditAction.CREATE, ordning, ordning, handling="BPA-ordning opprettet")
    return ordning, password


def lagre_instruks(*, utfort_av: User, assistent: Assistent, tekst: str) -> Assistent:
    """What the arbeidsleder has trained the assistant in (the arbeidsleder's own instruction)."""
    require_arbeidsleder(utfort_av, assistent.ordning)
    with transaction.atomic():
        assistent.instruert_i = tekst.strip()[:4000]
        assistent.save(update_fields=["instruert_i"])
        _audit(utfort_av, AuditAction.UPDATE, assistent.ordning, assistent, handling="opplæring fra arbeidsleder")
    return assistent


# --- the working-time rules ----------------------------------------------------------------------------------


def _shift(v: Vakt | Timeliste, ident: str = "") -> arbeidstid.Shift:
    return arbeidstid.Shift(
        assistant=str(v.assistent_id),
        start=timezone.localtime(v.start),
        end=timezone.localtime(v.slutt),
        id=ident or str(v.pk),
    )


def limits_for(ordning: Ordning) -> arbeidstid.Limits:

    return arbeidstid.PRESETS[ordning.regelsett]


@dataclass
class RuleResult:
    blocks: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check_shift(
    ordning: Ordning, assistent: Assistent, start: dt.datetime, slutt: dt.datetime, *, ignore: int | None = None
) -> RuleResult:
    """The working-time rules for the assistant's shifts around a new (or moved) shift."""
    others = Vakt.objects.filter(
        assistent=assistent,
        status=Vakt.Status.PLANLAGT,
        start__lt=slutt + RULE_WINDOW,
        slutt__gt=start - RULE_WINDOW,
    )
    if ignore is not None:
        others = others.exclude(pk=ignore)
    new = arbeidstid.Shift(
        assistant=str(assistent.pk), start=timezone.localtime(start), end=timezone.localtime(slutt), id="ny"
    )
    shifts = [_shift(v) for v in others] + [new]
    result = RuleResult()
    for violation in arbeidstid.check(shifts, limits_for(ordning)):
        if "ny" not in violation.shifts:
            continue  # an older problem elsewhere in the plan: shown on the plan, not blamed on this shift
        (result.blocks if violation.severity == "blokk" else result.warnings).append(violation.message)
    return result


def plan_violations(ordning: Ordning, start: dt.datetime, slutt: dt.datetime) -> dict[int, list[Any]]:
    """Every rule the planned shifts of the period break, by shift id (for the calendar)."""
    shifts = Vakt.objects.filter(
        ordning=ordning, status=Vakt.Status.PLANLAGT, start__lt=slutt + RULE_WINDOW, slutt__gt=start - RULE_WINDOW
    )
    found: dict[int, list[Any]] = {}
    for violation in arbeidstid.check([_shift(v) for v in shifts], limits_for(ordning)):
        for ident in violation.shifts:
            if ident.isdigit():
                found.setdefault(int(ident), []).append(violation)
    return found


# --- shifts ------------------------------------------------------------------------------------------------


def _validate_shift(
    ordning: Ordning, assistent: Assistent, start: dt.datetime, slutt: dt.datetime, *, ignore: int | None = None
) -> None:
    if assistent.ordning_id != ordning.pk:
        raise ValidationError({"assistent": "Assistenten hører ikke til denne ordningen."})
    if slutt <= start:
        raise ValidationError({"slutt": "Vakten må slutte etter at den starter."})
    if slutt - start > dt.timedelta(hours=24):
        raise ValidationError({"slutt": "En vakt kan ikke vare mer enn ett døgn. Del den i flere vakter."})
    day = timezone.localtime(start).date()
    if not _employed(assistent, day):
        raise ValidationError({"assistent": f"{assistent} er ikke ansatt {day:%d.%m.%Y}."})
    missing = mangler(assistent)
    if missing:
        raise ValidationError(
            {
                "assistent": f"{assistent} kan ikke settes opp på vakt før opplæringen er fullført. Mangler: "
                + ", ".join(missing)
                + "."
            }
        )
    if day < ordning.fra or (ordning.til is not None and day > ordning.til):
        raise ValidationError({"start": "Vakten er utenfor perioden ordningen gjelder."})
    same_time = Vakt.objects.filter(assistent=assistent, status=Vakt.Status.PLANLAGT, start__lt=slutt, slutt__gt=start)
    overlapping = (same_time.exclude(pk=ignore) if ignore is not None else same_time).first()
    if overlapping is not None:
        raise ValidationError(
            {
                "start": f"{assistent} har allerede en vakt som overlapper: "
                f"{timezone.localtime(overlapping.start):%d.%m. %H:%M}–{timezone.localtime(overlapping.slutt):%H:%M}."
            }
        )


@dataclass
class Planned:
    vakt: Vakt
    warnings: list[str]


def planlegg_vakt(
    *,
    utfort_av: User,
    ordning: Ordning,
    assistent: Assistent,
    start: dt.datetime,
    slutt: dt.datetime,
    type: str = Vakt.Type.ORDINAER,
    merknad: str = "",
    turnus: Turnus | None = None,
) -> Planned:
    """Plan one shift. Refused (nothing saved) for an overlap, an assistant not onboarded, or a
    working-time rule marked «blokk»; saved with warnings otherwise (also beyond the year's budget)."""
    require_arbeidsleder(utfort_av, ordning)
    with transaction.atomic():
        Assistent.objects.select_for_update().filter(pk=assistent.pk).first()  # one planner at a time per assistant
        _validate_shift(ordning, assistent, start, slutt)
        rules = check_shift(ordning, assistent, start, slutt)
        if rules.blocks:
            raise ValidationError(rules.blocks)
        vakt = Vakt.objects.create(
            ordning=ordning,
            assistent=assistent,
            start=start,
            slutt=slutt,
            type=type,
            merknad=merknad[:200],
            turnus=turnus,
        )
        _audit(utfort_av, AuditAction.CREATE, ordning, vakt, handling="vakt planlagt")
    warnings = rules.warnings + budget_warning(ordning, timezone.localtime(start).year)
    return Planned(vakt, warnings)


def flytt_vakt(*, utfort_av: User, vakt: Vakt, start: dt.datetime, slutt: dt.datetime) -> Planned:
    require_arbeidsleder(utfort_av, vakt.ordning)
    with transaction.atomic():
        vakt = Vakt.objects.select_for_update().get(pk=vakt.pk)
        if vakt.status != Vakt.Status.PLANLAGT:
            raise ValidationError("Vakten er avlyst og kan ikke flyttes.")
        _validate_shift(vakt.ordning, vakt.assistent, start, slutt, ignore=vakt.pk)
        rules = check_shift(vakt.ordning, vakt.assistent, start, slutt, ignore=vakt.pk)
        if rules.blocks:
            raise ValidationError(rules.blocks)
        vakt.start, vakt.slutt = start, slutt
        vakt.save(update_fields=["start", "slutt", "endret"])
        _audit(utfort_av, AuditAction.UPDATE, vakt.ordning, vakt, handling="vakt flyttet")
    return Planned(vakt, rules.warnings)


def avlys_vakt(*, utfort_av: User, vakt: Vakt) -> Vakt:
    require_arbeidsleder(utfort_av, vakt.ordning)
    if vakt.timelister.exclude(status=Timeliste.Status.ERSTATTET).exists():
        raise ValidationError("Vakten har timeliste og kan ikke avlyses.")
    with transaction.atomic():
        vakt.status = Vakt.Status.AVLYST
        vakt.save(update_fields=["status", "endret"])
        _audit(utfort_av, AuditAction.UPDATE, vakt.ordning, vakt, handling="vakt avlyst")
    return vakt


def gi_til_vikar(*, utfort_av: User, vakt: Vakt, vikar: Assistent) -> Planned:
    """Hand a shift to a substitute (another assistant of the arrangement); the original is remembered."""
    require_arbeidsleder(utfort_av, vakt.ordning)
    if vikar.pk == vakt.assistent_id:
        raise ValidationError({"vikar": "Velg en annen assistent enn den som har vakten."})
    with transaction.atomic():
        vakt = Vakt.objects.select_for_update().get(pk=vakt.pk)
        _validate_shift(vakt.ordning, vikar, vakt.start, vakt.slutt)
        rules = check_shift(vakt.ordning, vikar, vakt.start, vakt.slutt)
        if rules.blocks:
            raise ValidationError(rules.blocks)
        vakt.overtatt_fra = vakt.overtatt_fra or vakt.assistent
        vakt.assistent = vikar
        vakt.save(update_fields=["assistent", "overtatt_fra", "endret"])
        _audit(utfort_av, AuditAction.UPDATE, vakt.ordning, vakt, handling="vakt gitt til vikar")
    return Planned(vakt, rules.warnings)


WEEKDAYS = {str(i): i for i in range(1, 8)}


def lagre_turnus(
    *,
    utfort_av: User,
    ordning: Ordning,
    assistent: Assistent,
    ukedager: Iterable[int],
    start: dt.time,
    slutt: dt.time,
    fra: dt.date,
    til: dt.date,
    hver_uke: int = 1,
) -> tuple[Turnus, list[Planned], list[str]]:
    """A repeating rota line, planned as single shifts from ``fra`` to ``til`` (at most a year).

    Each shift is checked like a single one; those a rule refuses are not planned and are listed
    (date and reason), the rest are. Nothing is saved if none can be planned.
    """
    require_arbeidsleder(utfort_av, ordning)
    days = sorted(set(ukedager))
    if not days or any(d not in range(1, 8) for d in days):
        raise ValidationError({"ukedager": "Velg minst én ukedag."})
    if til < fra:
        raise ValidationError({"til": "«Til» kan ikke være før «fra»."})
    if (til - fra).days > 366:
        raise ValidationError({"til": "En turnus kan planlegges for høyst ett år om gangen."})
    if hver_uke not in (1, 2, 3, 4):
        raise ValidationError({"hver_uke": "Velg hver uke, annenhver, hver tredje eller hver fjerde uke."})
    planned: list[Planned] = []
    refused: list[str] = []
    with transaction.atomic():
        turnus = Turnus.objects.create(
            ordning=ordning,
            assistent=assistent,
            ukedager=",".join(map(str, days)),
            start=start,
            slutt=slutt,
            hver_uke=hver_uke,
            gyldig_fra=fra,
            gyldig_til=til,
        )
        monday = fra - dt.timedelta(days=fra.weekday())
        day = fra
        while day <= til:
            week = (day - monday).days // 7
            if day.isoweekday() in days and week % hver_uke == 0:
                begin = timezone.make_aware(dt.datetime.combine(day, start))
                end_day = day + dt.timedelta(days=1) if slutt <= start else day
                end = timezone.make_aware(dt.datetime.combine(end_day, slutt))
                try:
                    with transaction.atomic():
                        planned.append(
                            planlegg_vakt(
                                utfort_av=utfort_av,
                                ordning=ordning,
                                assistent=assistent,
                                start=begin,
                                slutt=end,
                                turnus=turnus,
                            )
                        )
                except ValidationError as exc:
                    refused.append(f"{day:%d.%m.%Y}: {' '.join(exc.messages)}")
            day += dt.timedelta(days=1)
        if not planned:
            transaction.set_rollback(True)
            raise ValidationError(["Ingen vakter i turnusen kunne planlegges.", *refused[:5]])
    return turnus, planned, refused


# --- timesheets --------------------------------------------------------------------------------------------


def registrer_timer(
    *,
    utfort_av: User,
    ordning: Ordning,
    assistent: Assistent,
    start: dt.datetime,
    slutt: dt.datetime,
    vakt: Vakt | None = None,
) -> Timeliste:
    """Hours worked (by the arbeidsleder for an assistant, or from the assistant's own registration)."""
    if utfort_av.kind == UserKind.ARBEIDSLEDER:
        require_arbeidsleder(utfort_av, ordning)
    else:
        require_provider_staff(utfort_av, ordning)
    if assistent.ordning_id != ordning.pk:
        raise ValidationError({"assistent": "Assistenten hører ikke til denne ordningen."})
    if slutt <= start:
        raise ValidationError({"slutt": "Slutt må være etter start."})
    if slutt > timezone.now():
        raise ValidationError({"slutt": "Timer kan ikke føres for en tid som ikke har vært ennå."})
    if slutt - start > dt.timedelta(hours=24):
        raise ValidationError({"slutt": "En timeliste kan ikke gjelde mer enn ett døgn."})
    overlapping = Timeliste.objects.filter(assistent=assistent, start__lt=slutt, slutt__gt=start).exclude(
        status=Timeliste.Status.ERSTATTET
    )
    if overlapping.exists():
        raise ValidationError({"start": f"Det er allerede ført timer for {assistent} i dette tidsrommet."})
    with transaction.atomic():
        row = Timeliste.objects.create(ordning=ordning, assistent=assistent, vakt=vakt, start=start, slutt=slutt)
        _audit(utfort_av, AuditAction.CREATE, ordning, row, handling="timer ført")
    return row


def godkjenn(*, utfort_av: User, timeliste: Timeliste) -> Timeliste:
    require_arbeidsleder(utfort_av, timeliste.ordning)
    with transaction.atomic():
        row = Timeliste.objects.select_for_update().get(pk=timeliste.pk)
        if row.status != Timeliste.Status.INNSENDT:
            raise ValidationError("Timelisten er allerede godkjent. Endringer gjøres med en korrigering.")
        row.status, row.godkjent, row.godkjent_av = Timeliste.Status.GODKJENT, timezone.now(), utfort_av
        row.save(update_fields=["status", "godkjent", "godkjent_av"])
        _audit(utfort_av, AuditAction.UPDATE, row.ordning, row, handling="timeliste godkjent")
    return row


def korriger(
    *, utfort_av: User, timeliste: Timeliste, start: dt.datetime, slutt: dt.datetime, begrunnelse: str
) -> Timeliste:
    """Correct a timesheet. An approved one stays as it was (marked replaced); the correction is a new,
    approved row that points at it. One not yet approved is simply changed."""
    require_arbeidsleder(utfort_av, timeliste.ordning)
    begrunnelse = begrunnelse.strip()
    if slutt <= start:
        raise ValidationError({"slutt": "Slutt må være etter start."})
    if slutt > timezone.now():
        raise ValidationError({"slutt": "Timer kan ikke føres for en tid som ikke har vært ennå."})
    with transaction.atomic():
        row = Timeliste.objects.select_for_update().get(pk=timeliste.pk)
        if row.status == Timeliste.Status.ERSTATTET:
            raise ValidationError("Denne timelisten er allerede korrigert. Korriger den nyeste.")
        if row.status == Timeliste.Status.INNSENDT:
            row.start, row.slutt = start, slutt
            row.save(update_fields=["start", "slutt"])
            _audit(utfort_av, AuditAction.UPDATE, row.ordning, row, handling="timeliste endret før godkjenning")
            return row
        if not begrunnelse:
            raise ValidationError({"begrunnelse": "Skriv hvorfor en godkjent timeliste korrigeres."})
        row.status = Timeliste.Status.ERSTATTET
        row.save(update_fields=["status"])
        new = Timeliste.objects.create(
            ordning=row.ordning,
            assistent=row.assistent,
            vakt=row.vakt,
            start=start,
            slutt=slutt,
            status=Timeliste.Status.GODKJENT,
            godkjent=timezone.now(),
            godkjent_av=utfort_av,
            korrigerer=row,
            begrunnelse=begrunnelse[:300],
        )
        _audit(
            utfort_av, AuditAction.UPDATE, row.ordning, new, handling="godkjent timeliste korrigert", original=row.pk
        )
    return new


def godkjente(ordning_ids: Iterable[int], fra: dt.date, til: dt.date) -> QuerySet[Timeliste]:
    """Approved hours (corrections in, replaced rows out) that start in [fra, til] (local dates)."""
    begin = timezone.make_aware(dt.datetime.combine(fra, dt.time(0)))
    end = timezone.make_aware(dt.datetime.combine(til + dt.timedelta(days=1), dt.time(0)))
    return Timeliste.objects.filter(
        ordning_id__in=list(ordning_ids), status=Timeliste.Status.GODKJENT, start__gte=begin, start__lt=end
    ).select_related("assistent", "ordning")


# --- hours against the budget --------------------------------------------------------------------------------


def _hours(rows: Iterable[Timeliste | Vakt]) -> Decimal:
    total = sum(((r.slutt - r.start).total_seconds() for r in rows), 0.0)
    return (Decimal(str(total)) / 3600).quantize(Decimal("0.01"))


@dataclass
class Forbruk:
    """Hours granted, approved (used) and still planned, for a month and for the year."""

    ordning: Ordning
    year: int
    month: int
    granted_year: Decimal
    granted_month: Decimal
    used_year: Decimal
    used_month: Decimal
    planned_rest_year: Decimal
    forecast_percent: int | None

    @property
    def used_month_percent(self) -> int:
        return round(100 * self.used_month / self.granted_month) if self.granted_month else 0

    @property
    def used_year_percent(self) -> int:
        return round(100 * self.used_year / self.granted_year) if self.granted_year else 0


def grant_of(ordning: Ordning) -> budsjett.Grant:
    return budsjett.Grant(float(ordning.timer_per_uke), ordning.fra, ordning.til)


def _dec(hours: float) -> Decimal:
    return Decimal(str(round(hours, 2))).quantize(Decimal("0.01"))


def forbruk(ordning: Ordning, day: dt.date | None = None) -> Forbruk:
    """Hours granted and approved this month and year, the planned rest of the year, and the forecast
    (:func:`helhet.bpa.rules.budsjett.status`: linear at the pace so far)."""
    day = day or timezone.localdate()
    start_year, end_year = dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    rows = list(godkjente([ordning.pk], start_year, end_year))
    state = budsjett.status(
        grant_of(ordning), day.year, ((timezone.localtime(r.start).date(), r.timer) for r in rows), today=day
    )
    month = state.months[day.month - 1]
    now = timezone.now()
    planned_rest = _hours(
        Vakt.objects.filter(
            ordning=ordning,
            status=Vakt.Status.PLANLAGT,
            start__gte=now,
            start__lt=timezone.make_aware(dt.datetime.combine(end_year + dt.timedelta(days=1), dt.time(0))),
        )
    )
    share = state.forecast_share
    return Forbruk(
        ordning,
        day.year,
        day.month,
        _dec(state.budget),
        _dec(month.budget),
        _dec(state.used),
        _dec(month.used),
        planned_rest,
        round(100 * share) if share is not None else None,
    )


def budget_warning(ordning: Ordning, year: int) -> list[str]:
    """A warning when approved plus planned hours pass the year's budget."""
    f = forbruk(ordning)
    if f.year != year:
        return []
    text = budsjett.beyond_budget(grant_of(ordning), year, float(f.used_year + f.planned_rest_year))
    return [text] if text else []


# --- messages ----------------------------------------------------------------------------------------------


def send_melding(*, utfort_av: User, ordning: Ordning, tekst: str) -> Melding:
    if not may_read(utfort_av, ordning):
        raise PermissionDenied("Du har ikke tilgang til denne ordningen.")
    tekst = tekst.strip()
    if not tekst:
        raise ValidationError({"tekst": "Skriv en melding."})
    if len(tekst) > 4000:
        raise ValidationError({"tekst": "Meldingen er for lang (høyst 4000 tegn)."})
    with transaction.atomic():
        melding = Melding.objects.create(ordning=ordning, fra=utfort_av, tekst=tekst)
        _audit(utfort_av, AuditAction.CREATE, ordning, melding, handling="melding sendt")
    return melding


def mark_read(user: User, ordning: Ordning) -> int:
    return Melding.objects.filter(ordning=ordning, lest__isnull=True).exclude(fra=user).update(lest=timezone.now())


def bydel_ordninger(user: User) -> QuerySet[Ordning]:
    """Arrangements of persons in the case officer's bydeler whose owner has consented to the bydel's view."""
    bydeler = user.bydel_ids()
    if not bydeler:
        return Ordning.objects.none()
    return (
        Ordning.objects.filter(
            Q(vedtak__soknad__bydel_id__in=bydeler) | Q(tjenestemottaker__bydel_id__in=bydeler), samtykke_bydel=True
        )
        .select_related("tjenestemottaker", "leverandor")
        .distinct()
    )
