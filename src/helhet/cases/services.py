"""Use cases of case handling: one transaction each, audited in the same transaction.

Errors for people are ``ValidationError`` with Norwegian messages; nothing is saved half-way.
The rules themselves (limits, deadlines, co-payment) are in :mod:`helhet.cases.rules`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

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
from helhet.cases.rules import InvalidInput, bpa, egenbetaling, iplos, klage, tjenester
from helhet.cases.rules import vedtak as vedtak_rules
from helhet.core import audit
from helhet.core.access import Decision
from helhet.core.models import AuditAction, Bydel, Leverandor, Role, Tjenestemottaker, User

SWITCH_NOTICE_DAYS = 10  # brukervalg: a switch takes effect after ten days' notice (seed 004)
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def _invalid(exc: InvalidInput, field: str | None = None) -> ValidationError:
    return ValidationError({field: exc.message} if field else exc.message)


def _record(user: User, action: str, person: Tjenestemottaker, obj: Any, decision: Decision | None, **kw: Any) -> None:
    audit.record(user=user, action=action, person=person, obj=obj, decision=decision, **kw)


def _require_bydel_role(user: User, bydel: Bydel, roles: set[str], message: str) -> None:
    if not any(a.bydel_id == bydel.pk and a.rolle in roles for a in user.active_assignments()):
        raise ValidationError(message)


def is_case_officer(user: User, bydel_id: int) -> bool:
    """Saksbehandler or vedtaksmyndig in the bydel, now."""
    return bydel_id in user.bydel_ids()


def _require_case_officer(user: User, bydel: Bydel) -> None:
    if not is_case_officer(user, bydel.pk):
        raise ValidationError(f"Bare saksbehandlere i {bydel} kan gjøre dette.")


def _require_provider_leader(user: User, leverandor: Leverandor) -> None:
    leads = [a for a in user.active_assignments() if a.rolle == Role.LEDER]
    if not any(a.leverandor_id == leverandor.pk or (a.enhet and a.enhet.leverandor_id == leverandor.pk) for a in leads):
        raise ValidationError(f"Bare ledere hos {leverandor} kan ta imot bestillingen.")


# --- henvendelse --------------------------------------------------------------------------------------


def kvitteringstekst(henvendelse: Henvendelse) -> str:
    """The acknowledgement: how the inquiry will be handled, and when the person hears back."""
    kp = getattr(henvendelse.bydel, "kontaktpunkt", None)
    kontakt = f" Du når oss på telefon {kp.telefon} eller e-post {kp.epost}." if kp else ""
    return (
        f"Vi har mottatt henvendelsen din {timezone.localtime(henvendelse.mottatt):%d.%m.%Y}. "
        f"Kontaktpunktet i {henvendelse.bydel} har registrert den, og en saksbehandler ser på hva du trenger. "
        "Hvis du søker om tjenester, kontakter vi deg for en samtale om hva som er viktig for deg, ofte ved et "
        f"hjemmebesøk. Du får svar fra oss senest {henvendelse.svar_innen:%d.%m.%Y}.{kontakt}"
    )


def registrer_henvendelse(*, utfort_av: User, data: dict[str, Any], ta_selv: bool = True) -> Henvendelse:
    bydel: Bydel = data["bydel"]
    _require_bydel_role(
        utfort_av,
        bydel,
        {Role.SAKSBEHANDLER, Role.VEDTAKSMYNDIG},
        "Bare saksbehandlere i bydelen kan registrere henvendelser til bydelens kontaktpunkt.",
    )
    person: Tjenestemottaker = data["tjenestemottaker"]
    if person.bydel_id != bydel.pk:
        raise ValidationError(
            f"Personen er registrert som bosatt i {person.bydel}. Henvendelsen hører hjemme ved kontaktpunktet der; "
            "har personen flyttet, må adressen oppdateres først."
        )
    mottatt = data.get("mottatt") or timezone.now()
    svar_innen = data.get("svar_innen") or (
        timezone.localdate(mottatt) + dt.timedelta(days=settings.HENVENDELSE_SVARFRIST_DAGER)
    )
    if svar_innen < timezone.localdate(mottatt):
        raise ValidationError({"svar_innen": "Svarfristen kan ikke være før henvendelsen kom inn."})
    henvendelse = Henvendelse(
        **{k: v for k, v in data.items() if k not in {"mottatt", "svar_innen"}},
        mottatt=mottatt,
        svar_innen=svar_innen,
        eier=utfort_av if ta_selv else None,
        status=Henvendelse.Status.UNDER_BEHANDLING if ta_selv else Henvendelse.Status.NY,
        registrert_av=utfort_av,
    )
    henvendelse.kvittering = kvitteringstekst(henvendelse)
    henvendelse.full_clean()
    with transaction.atomic():
        henvendelse.save()
        _record(
            utfort_av,
            AuditAction.CREATE,
            henvendelse.tjenestemottaker,
            henvendelse,
            None,
            ground="kontaktpunkt",
            ground_label="Registrert ved kontaktpunktet",
        )
    return henvendelse


def send_kvittering(*, utfort_av: User, decision: Decision, henvendelse: Henvendelse) -> Henvendelse:
    _require_case_officer(utfort_av, henvendelse.bydel)
    if henvendelse.kvittering_sendt:
        raise ValidationError(f"Kvitteringen ble sendt {timezone.localtime(henvendelse.kvittering_sendt):%d.%m.%Y}.")
    with transaction.atomic():
        henvendelse.kvittering_sendt = timezone.now()
        henvendelse.save(update_fields=["kvittering_sendt"])
        _record(
            utfort_av,
            AuditAction.UPDATE,
            henvendelse.tjenestemottaker,
            henvendelse,
            decision,
            details={"felter": ["kvittering_sendt"]},
        )
    return henvendelse


def ta_henvendelse(
    *, utfort_av: User, decision: Decision, henvendelse: Henvendelse, ny_eier: User | None = None
) -> Henvendelse:
    """Take over (or hand over) the inquiry: it always has an owner once someone has picked it up."""
    eier = ny_eier or utfort_av
    if not henvendelse.er_apen:
        raise ValidationError("Henvendelsen er ikke åpen lenger.")
    _require_bydel_role(
        eier,
        henvendelse.bydel,
        {Role.SAKSBEHANDLER, Role.VEDTAKSMYNDIG},
        f"{eier} er ikke saksbehandler i {henvendelse.bydel}.",
    )
    with transaction.atomic():
        henvendelse.eier = eier
        henvendelse.status = Henvendelse.Status.UNDER_BEHANDLING
        henvendelse.save(update_fields=["eier", "status"])
        _record(
            utfort_av,
            AuditAction.UPDATE,
            henvendelse.tjenestemottaker,
            henvendelse,
            decision,
            details={"felter": ["eier"]},
        )
    return henvendelse


def avslutt_henvendelse(*, utfort_av: User, decision: Decision, henvendelse: Henvendelse, avslutning: str) -> None:
    _require_case_officer(utfort_av, henvendelse.bydel)
    if not henvendelse.er_apen:
        raise ValidationError("Henvendelsen er allerede avsluttet.")
    if len(avslutning.strip()) < 5:
        raise ValidationError("Skriv kort hvordan henvendelsen ble besvart.")
    with transaction.atomic():
        henvendelse.status = Henvendelse.Status.AVSLUTTET
        henvendelse.avsluttet = timezone.now()
        henvendelse.avslutning = avslutning.strip()
        henvendelse.save(update_fields=["status", "avsluttet", "avslutning"])
        _record(
            utfort_av,
            AuditAction.UPDATE,
            henvendelse.tjenestemottaker,
            henvendelse,
            decision,
            details={"felter": ["status"]},
        )


# --- søknad and kartlegging ---------------------------------------------------------------------------


def opprett_soknad(*, utfort_av: User, decision: Decision, henvendelse: Henvendelse, gjelder: str) -> Soknad:
    """The inquiry becomes an application; the case officer takes it over, and the inquiry is closed."""
    if not henvendelse.er_apen:
        raise ValidationError("Henvendelsen er ikke åpen, og kan ikke gjøres om til søknad.")
    if not gjelder.strip():
        raise ValidationError({"gjelder": "Skriv hva det søkes om."})
    _require_bydel_role(
        utfort_av,
        henvendelse.bydel,
        {Role.SAKSBEHANDLER, Role.VEDTAKSMYNDIG},
        "Bare saksbehandlere i bydelen kan opprette søknader.",
    )
    with transaction.atomic():
        soknad = Soknad.objects.create(
            henvendelse=henvendelse,
            tjenestemottaker=henvendelse.tjenestemottaker,
            bydel=henvendelse.bydel,
            saksbehandler=utfort_av,
            mottatt=timezone.localdate(henvendelse.mottatt),
            gjelder=gjelder.strip(),
        )
        Kartlegging.objects.create(soknad=soknad, endret_av=utfort_av)
        henvendelse.status = Henvendelse.Status.BLE_SOKNAD
        henvendelse.avsluttet = timezone.now()
        henvendelse.avslutning = "Gjort om til søknad."
        henvendelse.save(update_fields=["status", "avsluttet", "avslutning"])
        person = henvendelse.tjenestemottaker
        if person.saksbehandler_id is None:
            person.saksbehandler = utfort_av
            person.save(update_fields=["saksbehandler"])
        _record(utfort_av, AuditAction.CREATE, person, soknad, decision)
    return soknad


def lagre_kartlegging(
    *, utfort_av: User, decision: Decision, kartlegging: Kartlegging, data: dict[str, Any], skaar: dict[str, int]
) -> Kartlegging:
    _require_case_officer(utfort_av, kartlegging.soknad.bydel)
    errors: dict[str, str] = {}
    for code, score in skaar.items():
        try:
            iplos.validate_score(code, score)
        except InvalidInput as exc:
            errors[f"skaar_{code}"] = exc.message
    if errors:
        raise ValidationError(errors)
    for name, value in data.items():
        setattr(kartlegging, name, value)
    kartlegging.endret_av = utfort_av
    kartlegging.full_clean()
    with transaction.atomic():
        kartlegging.save()
        existing = {row.variabel: row for row in kartlegging.skaar.all()}
        changed = []
        for code, score in skaar.items():
            if code in existing and existing[code].skaar != score:
                existing[code].skaar = score
                changed.append(existing[code])
        Funksjonsskaar.objects.bulk_update(changed, ["skaar"])
        Funksjonsskaar.objects.bulk_create(
            [
                Funksjonsskaar(kartlegging=kartlegging, variabel=code, skaar=score)
                for code, score in skaar.items()
                if code not in existing
            ]
        )
        _record(
            utfort_av,
            AuditAction.UPDATE,
            kartlegging.soknad.tjenestemottaker,
            kartlegging,
            decision,
            details={"felter": sorted(data), "skaar": len(skaar)},
        )
    return kartlegging


def last_opp_dokument(
    *, utfort_av: User, decision: Decision, soknad: Soknad, fil: Any, type: str, tittel: str, datert: dt.date
) -> Dokument:
    _require_case_officer(utfort_av, soknad.bydel)
    content = fil.read()
    if not content:
        raise ValidationError({"fil": "Filen er tom."})
    if len(content) > MAX_DOCUMENT_BYTES:
        raise ValidationError({"fil": "Filen er større enn 20 MB."})
    with transaction.atomic():
        dokument = Dokument.objects.create(
            soknad=soknad,
            type=type,
            tittel=tittel,
            datert=datert,
            filnavn=getattr(fil, "name", "dokument")[:200],
            innholdstype=getattr(fil, "content_type", "") or "application/octet-stream",
            innhold=content,
            sha256=hashlib.sha256(content).hexdigest(),
            storrelse=len(content),
            lastet_opp_av=utfort_av,
        )
        _record(utfort_av, AuditAction.CREATE, soknad.tjenestemottaker, dokument, decision)
    return dokument


def dokument_er_uendret(dokument: Dokument) -> bool:
    return hashlib.sha256(bytes(dokument.innhold)).hexdigest() == dokument.sha256


# --- vedtak ---------------------------------------------------------------------------------------------


def _omfang(v: Vedtak) -> vedtak_rules.Omfang:
    return vedtak_rules.Omfang(
        granted=v.utfall == Vedtak.Utfall.INNVILGET,
        unit=tjenester.ScopeUnit(v.omfang_enhet or tjenester.ScopeUnit.INGEN),
        amount=v.omfang,
        tom=v.tom,
    )


def ulemper(vedtak: Vedtak) -> list[str]:
    """How this vedtak is to the person's disadvantage compared with the one it replaces."""
    if vedtak.erstatter is None:
        return []
    return vedtak_rules.disadvantages(_omfang(vedtak.erstatter), _omfang(vedtak))


def overlappende(vedtak: Vedtak) -> list[Vedtak]:
    others = Vedtak.objects.filter(
        tjenestemottaker=vedtak.tjenestemottaker,
        tjenestetype=vedtak.tjenestetype,
        utfall=Vedtak.Utfall.INNVILGET,
        status__in=[Vedtak.Status.UTKAST, Vedtak.Status.TIL_GODKJENNING, Vedtak.Status.FATTET],
    ).exclude(pk=vedtak.pk)
    if vedtak.erstatter_id:
        others = others.exclude(pk=vedtak.erstatter_id)
    return [o for o in others if vedtak_rules.overlaps(vedtak.fom, vedtak.tom, o.fom, o.tom)]


def _validate_vedtak(vedtak: Vedtak) -> None:
    errors: dict[str, list[str]] = {}
    service = tjenester.by_code(vedtak.tjenestetype)
    try:
        vedtak_rules.validate_period(vedtak.fom, vedtak.tom)
    except InvalidInput as exc:
        errors.setdefault("tom", []).append(exc.message)
    if vedtak.utfall == Vedtak.Utfall.INNVILGET:
        unit = tjenester.ScopeUnit(vedtak.omfang_enhet or service.scope_unit)
        vedtak.omfang_enhet = unit.value
        try:
            vedtak.omfang = vedtak_rules.validate_scope(unit, vedtak.omfang)
        except InvalidInput as exc:
            errors.setdefault("omfang", []).append(exc.message)
        vedtak.timer_per_uke = vedtak.omfang if unit == tjenester.ScopeUnit.TIMER_PER_UKE else None
        if not errors.get("tom") and overlappende(vedtak):
            errors.setdefault("fom", []).append(
                f"Personen har allerede et vedtak om {service.name.lower()} i denne perioden. "
                "Endre det gjeldende vedtaket i stedet (nytt vedtak som erstatter det)."
            )
    else:
        vedtak.omfang = None
        vedtak.timer_per_uke = None
    if not vedtak.hjemmel:
        vedtak.hjemmel = "; ".join(service.hjemmel)
    if errors:
        raise ValidationError(errors)


def opprett_vedtak(
    *, utfort_av: User, decision: Decision, soknad: Soknad, data: dict[str, Any], erstatter: Vedtak | None = None
) -> Vedtak:
    """A draft vedtak prepared by the case officer (first of the two roles)."""
    _require_case_officer(utfort_av, soknad.bydel)
    if soknad.status == Soknad.Status.AVSLUTTET:
        raise ValidationError("Søknaden er avsluttet.")
    vedtak = Vedtak(
        soknad=soknad, tjenestemottaker=soknad.tjenestemottaker, saksbehandler=utfort_av, erstatter=erstatter, **data
    )
    _validate_vedtak(vedtak)
    vedtak.full_clean(exclude=["vedtaksmyndig"])
    with transaction.atomic():
        vedtak.save()
        if soknad.status == Soknad.Status.KARTLEGGING:
            soknad.status = Soknad.Status.VEDTAK
            soknad.save(update_fields=["status"])
        _record(utfort_av, AuditAction.CREATE, soknad.tjenestemottaker, vedtak, decision)
    return vedtak


def send_til_godkjenning(*, utfort_av: User, decision: Decision, vedtak: Vedtak) -> Vedtak:
    _require_case_officer(utfort_av, vedtak.soknad.bydel)
    if vedtak.status != Vedtak.Status.UTKAST:
        raise ValidationError("Bare utkast kan sendes til godkjenning.")
    reasons = ulemper(vedtak)
    if reasons and not vedtak.forhandsvarsel_dato:
        raise ValidationError(
            "Vedtaket er til ulempe for personen (" + " ".join(reasons) + ") Personen må ha fått "
            "forhåndsvarsel og mulighet til å uttale seg før vedtaket fattes (forvaltningsloven § 16). "
            "Registrer når personen ble hørt."
        )
    with transaction.atomic():
        vedtak.status = Vedtak.Status.TIL_GODKJENNING
        vedtak.retur_merknad = ""
        vedtak.save(update_fields=["status", "retur_merknad"])
        _record(
            utfort_av, AuditAction.UPDATE, vedtak.tjenestemottaker, vedtak, decision, details={"felter": ["status"]}
        )
    return vedtak


def returner_vedtak(*, utfort_av: User, decision: Decision, vedtak: Vedtak, merknad: str) -> Vedtak:
    """The approver sends the vedtak back to the case officer as a draft, saying what must change."""
    if vedtak.status != Vedtak.Status.TIL_GODKJENNING:
        raise ValidationError("Bare vedtak som venter på godkjenning kan sendes tilbake.")
    _require_bydel_role(
        utfort_av,
        vedtak.soknad.bydel,
        {Role.VEDTAKSMYNDIG},
        "Bare den som har vedtaksmyndighet i bydelen, kan sende vedtak tilbake.",
    )
    if len(merknad.strip()) < 10:
        raise ValidationError("Skriv hva som må endres (minst 10 tegn).")
    with transaction.atomic():
        vedtak.status = Vedtak.Status.UTKAST
        vedtak.retur_merknad = merknad.strip()
        vedtak.save(update_fields=["status", "retur_merknad"])
        _record(
            utfort_av,
            AuditAction.UPDATE,
            vedtak.tjenestemottaker,
            vedtak,
            decision,
            details={"felter": ["status", "retur_merknad"]},
        )
    return vedtak


def forkast_utkast(*, utfort_av: User, decision: Decision, vedtak: Vedtak) -> Vedtak:
    """Discard a draft, so it no longer blocks a new vedtak for the same service. Kept, never deleted."""
    _require_case_officer(utfort_av, vedtak.soknad.bydel)
    if vedtak.status != Vedtak.Status.UTKAST:
        raise ValidationError("Bare utkast kan forkastes. Et fattet vedtak endres med et nytt vedtak.")
    with transaction.atomic():
        vedtak.status = Vedtak.Status.FORKASTET
        vedtak.save(update_fields=["status"])
        soknad = vedtak.soknad
        if soknad.status == Soknad.Status.VEDTAK and not soknad.vedtak.exclude(status=Vedtak.Status.FORKASTET).exists():
            soknad.status = Soknad.Status.KARTLEGGING
            soknad.save(update_fields=["status"])
        _record(
            utfort_av, AuditAction.UPDATE, vedtak.tjenestemottaker, vedtak, decision, details={"felter": ["status"]}
        )
    return vedtak


def godkjenn_vedtak(*, utfort_av: User, decision: Decision, vedtak: Vedtak, dato: dt.date | None = None) -> Vedtak:
    """The second role: someone with decision authority in the bydel approves; the vedtak is made."""
    from helhet.cases import letters

    if vedtak.status != Vedtak.Status.TIL_GODKJENNING:
        raise ValidationError("Vedtaket er ikke sendt til godkjenning.")
    if utfort_av.pk == vedtak.saksbehandler_id:
        raise ValidationError("Den som har forberedt vedtaket, kan ikke også godkjenne det. To personer må se saken.")
    _require_bydel_role(
        utfort_av,
        vedtak.soknad.bydel,
        {Role.VEDTAKSMYNDIG},
        "Bare den som har vedtaksmyndighet i bydelen, kan godkjenne vedtak.",
    )
    with transaction.atomic():
        locked = Vedtak.objects.select_for_update().get(pk=vedtak.pk)
        if locked.status != Vedtak.Status.TIL_GODKJENNING:
            raise ValidationError("Vedtaket er allerede behandlet.")
        locked.status = Vedtak.Status.FATTET
        locked.vedtaksmyndig = utfort_av
        locked.fattet = timezone.now()
        locked.save(update_fields=["status", "vedtaksmyndig", "fattet"])
        if locked.erstatter_id:
            Vedtak.objects.filter(pk=locked.erstatter_id).update(status=Vedtak.Status.ERSTATTET)
            old_orders = Bestilling.objects.filter(vedtak_id=locked.erstatter_id).exclude(
                status=Bestilling.Status.AVSLUTTET
            )
            for order in old_orders:
                Bestilling.objects.create(vedtak=locked, leverandor=order.leverandor, fra=locked.fom, til=locked.tom)
            old_orders.update(status=Bestilling.Status.AVSLUTTET, til=locked.fom - dt.timedelta(days=1))
        soknad = locked.soknad
        if not soknad.vedtak.exclude(status__in=[Vedtak.Status.FATTET, Vedtak.Status.ERSTATTET]).exists():
            soknad.status = Soknad.Status.AVSLUTTET
            soknad.save(update_fields=["status"])
        _record(
            utfort_av,
            AuditAction.UPDATE,
            locked.tjenestemottaker,
            locked,
            decision,
            details={"felter": ["status", "vedtaksmyndig"]},
        )
        letters.lag_vedtaksbrev(utfort_av=utfort_av, vedtak=locked, dato=dato)
    return locked


def send_brev(*, utfort_av: User, decision: Decision, brev: Vedtaksbrev, sendt: dt.date) -> Vedtaksbrev:
    """Mark the letter as sent: from now on it is archived and never changes."""
    _require_case_officer(utfort_av, brev.vedtak.soknad.bydel)
    from helhet.cases import letters

    if brev.sendt is not None:
        raise ValidationError(f"Brevet ble sendt {brev.sendt:%d.%m.%Y} og kan ikke endres. Lag et nytt vedtak.")
    if not letters.brev_er_uendret(brev):
        raise ValidationError("Brevet er endret etter at det ble laget (sjekksummen stemmer ikke) og kan ikke sendes.")
    with transaction.atomic():
        brev.sendt = sendt
        brev.save(update_fields=["sendt"])
        _record(
            utfort_av, AuditAction.UPDATE, brev.vedtak.tjenestemottaker, brev, decision, details={"felter": ["sendt"]}
        )
    return brev


def registrer_mottatt(*, utfort_av: User, decision: Decision, brev: Vedtaksbrev, mottatt: dt.date) -> Vedtaksbrev:
    _require_case_officer(utfort_av, brev.vedtak.soknad.bydel)
    if brev.sendt is None:
        raise ValidationError("Brevet er ikke sendt ennå.")
    if mottatt < brev.sendt:
        raise ValidationError("Brevet kan ikke være mottatt før det ble sendt.")
    with transaction.atomic():
        Vedtaksbrev.objects.filter(pk=brev.pk).update(mottatt=mottatt)
        brev.mottatt = mottatt
        _record(
            utfort_av, AuditAction.UPDATE, brev.vedtak.tjenestemottaker, brev, decision, details={"felter": ["mottatt"]}
        )
    return brev


def bpa_vurdering(vedtak: Vedtak) -> bpa.BpaAssessment | None:
    if vedtak.tjenestetype != "bpa" or vedtak.omfang is None:
        return None
    return bpa.assess(vedtak.tjenestemottaker.alder, vedtak.omfang, need_lasting_over_two_years=True)


def egenbetaling_for(vedtak: Vedtak, year: int | None = None) -> egenbetaling.Egenbetaling | None:
    """The co-payment for a granted, chargeable vedtak with a known household income, or None."""
    if vedtak.utfall != Vedtak.Utfall.INNVILGET or not egenbetaling.is_chargeable(vedtak.tjenestetype):
        return None
    if vedtak.husstandsinntekt is None or vedtak.timer_per_uke is None:
        return None
    table = sats_for(vedtak.soknad.bydel.kommune_id, year or vedtak.fom.year)
    if table is None:
        return None
    hours_per_month = (vedtak.timer_per_uke * vedtak_rules.WEEKS_PER_MONTH).quantize(Decimal("0.01"))
    return egenbetaling.calculate(table, vedtak.husstandsinntekt, hours_per_month)


def sats_for(kommune_id: int, year: int) -> egenbetaling.RateTable | None:
    """The kommune's table for ``year``, or the newest earlier one."""
    sats = EgenbetalingSats.objects.filter(kommune_id=kommune_id, aar__lte=year).order_by("-aar").first()
    return sats.rate_table() if sats else None


# --- brukervalg and bestilling ------------------------------------------------------------------------


def _kommunal_leverandor(vedtak: Vedtak) -> Leverandor:
    kommune_id = vedtak.soknad.bydel.kommune_id
    leverandor = Leverandor.objects.filter(kommune_id=kommune_id, type=Leverandor.Type.KOMMUNAL).first()
    if leverandor is None:
        raise ValidationError("Kommunen har ingen kommunal leverandør registrert.")
    return leverandor


def registrer_brukervalg(
    *, utfort_av: User, decision: Decision, vedtak: Vedtak, informasjon_gitt: dt.date, leverandor: Leverandor | None
) -> Bestilling:
    """Document the information given and the choice; the vedtak becomes an order to that provider."""
    _require_case_officer(utfort_av, vedtak.soknad.bydel)
    if vedtak.status != Vedtak.Status.FATTET or vedtak.utfall != Vedtak.Utfall.INNVILGET:
        raise ValidationError("Bare et fattet vedtak som innvilger en tjeneste kan bestilles.")
    if hasattr(vedtak, "brukervalg"):
        raise ValidationError("Brukervalget er allerede registrert. Bruk «Bytt leverandør».")
    if not vedtak.tjeneste.free_choice and leverandor is not None and leverandor.type != Leverandor.Type.KOMMUNAL:
        raise ValidationError(f"Det er ikke brukervalg for {vedtak.tjeneste.name.lower()}.")
    chosen = leverandor or _kommunal_leverandor(vedtak)
    with transaction.atomic():
        valg = Brukervalg.objects.create(
            vedtak=vedtak, informasjon_gitt=informasjon_gitt, valgt_leverandor=leverandor, registrert_av=utfort_av
        )
        bestilling = Bestilling.objects.create(vedtak=vedtak, leverandor=chosen, fra=vedtak.fom, til=vedtak.tom)
        _record(utfort_av, AuditAction.CREATE, vedtak.tjenestemottaker, valg, decision)
        _record(utfort_av, AuditAction.CREATE, vedtak.tjenestemottaker, bestilling, decision)
    return bestilling


def bytt_leverandor(
    *, utfort_av: User, decision: Decision, vedtak: Vedtak, leverandor: Leverandor, varslet: dt.date
) -> Bestilling:
    """Switch provider: no reason needed; it takes effect ten days after the notice (seed 004)."""
    _require_case_officer(utfort_av, vedtak.soknad.bydel)
    current = vedtak.bestillinger.exclude(status=Bestilling.Status.AVSLUTTET).order_by("-fra").first()
    if current is None:
        raise ValidationError("Vedtaket har ingen aktiv bestilling å bytte fra.")
    if current.leverandor_id == leverandor.pk:
        raise ValidationError(f"{leverandor} leverer allerede tjenesten.")
    if not vedtak.tjeneste.free_choice:
        raise ValidationError(f"Det er ikke brukervalg for {vedtak.tjeneste.name.lower()}.")
    starts = max(varslet + dt.timedelta(days=SWITCH_NOTICE_DAYS), vedtak.fom)
    if vedtak.tom and starts > vedtak.tom:
        raise ValidationError("Vedtaket utløper før byttet kan tre i kraft.")
    with transaction.atomic():
        current.til = starts - dt.timedelta(days=1)
        current.merknad = f"Personen byttet leverandør, varslet {varslet:%d.%m.%Y}."
        current.save(update_fields=["til", "merknad"])
        new = Bestilling.objects.create(vedtak=vedtak, leverandor=leverandor, fra=starts, til=vedtak.tom)
        _record(utfort_av, AuditAction.CREATE, vedtak.tjenestemottaker, new, decision)
    return new


def motta_bestilling(*, utfort_av: User, decision: Decision, bestilling: Bestilling) -> Bestilling:
    _require_provider_leader(utfort_av, bestilling.leverandor)
    if bestilling.status != Bestilling.Status.NY:
        raise ValidationError("Bestillingen er allerede mottatt.")
    with transaction.atomic():
        bestilling.status = Bestilling.Status.MOTTATT
        bestilling.mottatt = timezone.now()
        bestilling.mottatt_av = utfort_av
        bestilling.save(update_fields=["status", "mottatt", "mottatt_av"])
        _record(
            utfort_av,
            AuditAction.UPDATE,
            bestilling.vedtak.tjenestemottaker,
            bestilling,
            decision,
            details={"felter": ["status"]},
        )
    return bestilling


def bestillinger_for_leverandor(leverandor_ids: list[int], day: dt.date | None = None) -> Any:
    today = day or timezone.localdate()
    return (
        Bestilling.objects.filter(leverandor_id__in=leverandor_ids)
        .exclude(status=Bestilling.Status.AVSLUTTET)
        .filter(Q(til__isnull=True) | Q(til__gte=today))
        .select_related("vedtak__tjenestemottaker", "leverandor")
    )


# --- klage ----------------------------------------------------------------------------------------------


def registrer_klage(
    *,
    utfort_av: User,
    decision: Decision,
    vedtak: Vedtak,
    mottatt: dt.date,
    vedtak_mottatt: dt.date,
    gjelder: str,
    sendt: dt.date | None = None,
) -> Klage:
    """Register a complaint. A late complaint is registered and flagged, never refused silently."""
    _require_case_officer(utfort_av, vedtak.soknad.bydel)
    if vedtak.status not in (Vedtak.Status.FATTET, Vedtak.Status.ERSTATTET, Vedtak.Status.OPPHORT):
        raise ValidationError("Det kan bare klages på et vedtak som er fattet.")
    if not gjelder.strip():
        raise ValidationError({"klagen_gjelder": "Skriv hva klagen gjelder."})
    try:
        frist = klage.deadline(vedtak_mottatt)
        late = klage.is_late(vedtak_mottatt, mottatt, complaint_sent=sendt)
    except InvalidInput as exc:
        raise ValidationError(exc.message) from exc
    if mottatt < vedtak_mottatt:
        raise ValidationError({"mottatt": "Klagen kan ikke være mottatt før vedtaket kom fram."})
    with transaction.atomic():
        item = Klage.objects.create(
            vedtak=vedtak,
            mottatt=mottatt,
            sendt=sendt,
            vedtak_mottatt=vedtak_mottatt,
            frist=frist,
            for_sent=late,
            klagen_gjelder=gjelder.strip(),
            registrert_av=utfort_av,
        )
        _record(utfort_av, AuditAction.CREATE, vedtak.tjenestemottaker, item, decision)
    return item


def vurder_klage(*, utfort_av: User, decision: Decision, klage_sak: Klage, vurdering: str, begrunnelse: str) -> Klage:
    """The bydel's reassessment. Full reversal ends the case; otherwise it goes to Statsforvalteren."""
    _require_case_officer(utfort_av, klage_sak.vedtak.soknad.bydel)
    if klage_sak.status != Klage.Status.MOTTATT:
        raise ValidationError("Klagen er allerede vurdert.")
    if vurdering not in Klage.Vurdering.values:
        raise ValidationError("Velg bydelens vurdering.")
    if len(begrunnelse.strip()) < 10:
        raise ValidationError("Begrunn vurderingen (minst 10 tegn).")
    with transaction.atomic():
        klage_sak.bydelens_vurdering = vurdering
        klage_sak.vurdering_begrunnelse = begrunnelse.strip()
        klage_sak.vurdert = timezone.localdate()
        if vurdering == Klage.Vurdering.FULL:
            klage_sak.status = Klage.Status.AVSLUTTET
            klage_sak.endelig_utfall = Klage.Utfall.MEDHOLD
            klage_sak.avsluttet = timezone.localdate()
        else:
            klage_sak.status = Klage.Status.VURDERT
        klage_sak.save()
        _record(
            utfort_av,
            AuditAction.UPDATE,
            klage_sak.vedtak.tjenestemottaker,
            klage_sak,
            decision,
            details={"felter": ["bydelens_vurdering"]},
        )
    return klage_sak


def oversend_statsforvalteren(*, utfort_av: User, decision: Decision, klage_sak: Klage) -> Klage:
    _require_case_officer(utfort_av, klage_sak.vedtak.soknad.bydel)
    if klage_sak.status != Klage.Status.VURDERT:
        raise ValidationError("Klagen må være vurdert av bydelen, uten full omgjøring, før den sendes.")
    with transaction.atomic():
        klage_sak.status = Klage.Status.STATSFORVALTEREN
        klage_sak.oversendt_statsforvalteren = timezone.localdate()
        klage_sak.save(update_fields=["status", "oversendt_statsforvalteren"])
        _record(
            utfort_av,
            AuditAction.UPDATE,
            klage_sak.vedtak.tjenestemottaker,
            klage_sak,
            decision,
            details={"felter": ["status"], "dokumenter": klage_sak.vedtak.soknad.dokumenter.count()},
        )
    return klage_sak


def registrer_endelig_utfall(*, utfort_av: User, decision: Decision, klage_sak: Klage, utfall: str) -> Klage:
    _require_case_officer(utfort_av, klage_sak.vedtak.soknad.bydel)
    if klage_sak.status != Klage.Status.STATSFORVALTEREN:
        raise ValidationError("Endelig utfall registreres når Statsforvalteren har avgjort klagen.")
    if utfall not in Klage.Utfall.values:
        raise ValidationError("Velg utfall.")
    with transaction.atomic():
        klage_sak.status = Klage.Status.AVSLUTTET
        klage_sak.endelig_utfall = utfall
        klage_sak.avsluttet = timezone.localdate()
        klage_sak.save(update_fields=["status", "endelig_utfall", "avsluttet"])
        _record(
            utfort_av,
            AuditAction.UPDATE,
            klage_sak.vedtak.tjenestemottaker,
            klage_sak,
            decision,
            details={"felter": ["endelig_utfall"]},
        )
    return klage_sak


# --- intake helpers (views_intake) ---


def lagre_kartlegging_og_skaar(
    *,
    utfort_av: User,
    decision: Decision,
    kartlegging: Kartlegging,
    data: dict[str, Any],
    skaar: dict[str, int | None],
) -> Kartlegging:
    """Save the kartlegging form: scores given are saved, scores left blank are removed. One transaction.

    ``skaar`` maps every variable code on the form to its score, or to None for «ikke skåret».
    """
    given = {code: score for code, score in skaar.items() if score is not None}
    cleared = sorted(code for code, score in skaar.items() if score is None)
    with transaction.atomic():
        lagre_kartlegging(utfort_av=utfort_av, decision=decision, kartlegging=kartlegging, data=data, skaar=given)
        removed, _ = Funksjonsskaar.objects.filter(kartlegging=kartlegging, variabel__in=cleared).delete()
        if removed:
            _record(
                utfort_av,
                AuditAction.DELETE,
                kartlegging.soknad.tjenestemottaker,
                kartlegging,
                decision,
                details={"fjernet_skaar": removed},
            )
    return kartlegging


# --- vedtak helpers (views_vedtak) ---


def opprett_erstatningsvedtak(
    *, utfort_av: User, decision: Decision, soknad: Soknad, data: dict[str, Any], erstatter: Vedtak
) -> Vedtak:
    """A draft that replaces a vedtak in force (a change, or the answer to a complaint).

    The søknad the old vedtak answered is usually closed by then; a change is a new round of the
    same case, so the søknad is opened again (status «til vedtak») in the same transaction. When the
    replacement is approved, :func:`godkjenn_vedtak` closes it again.
    """
    _require_case_officer(utfort_av, soknad.bydel)
    if erstatter.status != Vedtak.Status.FATTET:
        raise ValidationError("Bare et vedtak som gjelder (fattet) kan erstattes av et nytt.")
    if erstatter.tjenestemottaker_id != soknad.tjenestemottaker_id:
        raise ValidationError("Vedtaket som skal erstattes, gjelder en annen person.")
    if Vedtak.objects.filter(erstatter=erstatter).exists():
        raise ValidationError("Det finnes allerede et nytt vedtak som skal erstatte dette.")
    with transaction.atomic():
        reopened = soknad.status == Soknad.Status.AVSLUTTET
        if reopened:
            soknad.status = Soknad.Status.VEDTAK
            soknad.save(update_fields=["status"])
        try:
            return opprett_vedtak(utfort_av=utfort_av, decision=decision, soknad=soknad, data=data, erstatter=erstatter)
        except ValidationError:
            if reopened:
                soknad.status = Soknad.Status.AVSLUTTET  # the transaction rolls back the row; keep the object true
            raise


def endre_vedtak_utkast(*, utfort_av: User, decision: Decision, vedtak: Vedtak, data: dict[str, Any]) -> Vedtak:
    """Change a draft. Whoever changes its content becomes its case officer (``saksbehandler``), so
    the one who shaped the vedtak can never be the one who approves it."""
    _require_case_officer(utfort_av, vedtak.soknad.bydel)
    if vedtak.status != Vedtak.Status.UTKAST:
        raise ValidationError(
            "Bare utkast kan endres. Et vedtak til godkjenning eller fattet endres med et nytt vedtak."
        )
    for name, value in data.items():
        setattr(vedtak, name, value)
    vedtak.saksbehandler = utfort_av
    _validate_vedtak(vedtak)
    vedtak.full_clean(exclude=["vedtaksmyndig"])
    with transaction.atomic():
        vedtak.save()
        _record(
            utfort_av,
            AuditAction.UPDATE,
            vedtak.tjenestemottaker,
            vedtak,
            decision,
            details={"felter": sorted({*data, "saksbehandler"})},
        )
    return vedtak


def registrer_forhandsvarsel(
    *, utfort_av: User, decision: Decision, vedtak: Vedtak, dato: dt.date, notat: str
) -> Vedtak:
    """Record that the person was heard before a change to their disadvantage (forvaltningsloven § 16)."""
    _require_case_officer(utfort_av, vedtak.soknad.bydel)
    if vedtak.status != Vedtak.Status.UTKAST:
        raise ValidationError("Forhåndsvarsel registreres på utkastet, før vedtaket sendes til godkjenning.")
    if dato > timezone.localdate():
        raise ValidationError({"dato": "Datoen kan ikke være fram i tid."})
    if not notat.strip():
        raise ValidationError({"notat": "Skriv hva personen sa, eller at personen ikke svarte."})
    with transaction.atomic():
        vedtak.forhandsvarsel_dato = dato
        vedtak.forhandsvarsel_notat = notat.strip()
        vedtak.save(update_fields=["forhandsvarsel_dato", "forhandsvarsel_notat"])
        _record(
            utfort_av,
            AuditAction.UPDATE,
            vedtak.tjenestemottaker,
            vedtak,
            decision,
            details={"felter": ["forhandsvarsel_dato", "forhandsvarsel_notat"]},
        )
    return vedtak
