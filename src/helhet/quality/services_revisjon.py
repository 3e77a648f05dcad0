"""Internrevisjon, external audits and certificates (issue 7 point 4). One transaction each; every write audited.

Who may do what (need to know):

- **Manage** (plan, audits, checklists, findings, corrective actions, certificates): the
  kvalitetsleder — for the leverandør their role is placed at, or for all when placed nowhere — and a
  leder placed at the leverandør (not at one enhet). :func:`managed_leverandor_ids`.
- **See** an audit: the managers, and the meldingsansvarlig or leder placed at the audit's enhet
  (read only). :func:`may_see`.
- **Own corrective actions**: the owner (any staff member) sees their own actions with the finding
  they answer («Mine tiltak») and closes them (done date and the evaluation of the effect).
- **Start an internal audit from a suggestion** (repeated or serious avvik,
  :func:`helhet.quality.services.suggest_audit`): the managers, and whoever handles the enhet's avvik.

Flow of an audit: ``planlagt`` → :func:`start` → ``pagar`` → :func:`report` → ``rapportert`` →
:func:`close` → ``lukket`` (only when every corrective action is closed and every *avvik* finding has
an action; :func:`rules.revisjon.close_audit_errors`).

Errors are Django ``ValidationError`` with Norwegian messages keyed by field; a refused change
changes nothing. Audits hold no person data (no tjenestemottaker), so the audit trail rows name the
record, not a person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from helhet.core import audit
from helhet.core.models import AuditAction, Enhet, Leverandor, Role, User, UserKind
from helhet.quality import services as avvik_services
from helhet.quality.models import (
    Funn,
    KorrigerendeTiltak,
    Oppfolgingsrevisjon,
    PlanlagtRevisjon,
    Revisjon,
    RevisjonsPlan,
    Sertifikat,
    SjekklistePunkt,
)
from helhet.quality.rules import revisjon as rules

NOT_MANAGER = "Bare kvalitetsleder eller leder hos leverandøren kan endre revisjoner og sertifikater."
CHECKLIST_OPEN = (Revisjon.Status.PLANLAGT, Revisjon.Status.PAGAR)


# --- who may do what ---------------------------------------------------------------------------------


def managed_leverandor_ids(user: User) -> set[int] | None:
    """The leverandører whose audits and certificates the user manages; ``None`` means all."""
    ids: set[int] = set()
    for a in user.active_assignments():
        if a.rolle == Role.KVALITETSLEDER:
            if a.leverandor_id:
                ids.add(a.leverandor_id)
            elif a.enhet_id is None and a.team_id is None and a.bydel_id is None:
                return None
        elif a.rolle == Role.LEDER and a.leverandor_id:
            ids.add(a.leverandor_id)
    return ids


def viewer_enhet_ids(user: User) -> set[int]:
    """The enheter where the user is meldingsansvarlig or leder (they see that enhet's audits)."""
    return {
        a.enhet_id
        for a in user.active_assignments()
        if a.enhet_id and a.rolle in (Role.MELDINGSANSVARLIG, Role.LEDER, Role.KVALITETSLEDER)
    }


def is_manager(user: User) -> bool:
    ids = managed_leverandor_ids(user)
    return ids is None or bool(ids)


def may_manage_leverandor(user: User, leverandor_id: int | None) -> bool:
    ids = managed_leverandor_ids(user)
    return ids is None or (leverandor_id is not None and leverandor_id in ids)


def may_manage(user: User, revisjon: Revisjon) -> bool:
    return may_manage_leverandor(user, revisjon.leverandor_id)


def may_see(user: User, revisjon: Revisjon) -> bool:
    return may_manage(user, revisjon) or (revisjon.enhet_id is not None and revisjon.enhet_id in viewer_enhet_ids(user))


def visible_audits(user: User) -> QuerySet[Revisjon]:
    qs = Revisjon.objects.all()
    ids = managed_leverandor_ids(user)
    if ids is None:
        return qs
    return qs.filter(Q(leverandor_id__in=ids) | Q(enhet_id__in=viewer_enhet_ids(user)))


def managed_leverandorer(user: User) -> QuerySet[Leverandor]:
    ids = managed_leverandor_ids(user)
    return Leverandor.objects.all() if ids is None else Leverandor.objects.filter(pk__in=ids)


def visible_certificates(user: User) -> QuerySet[Sertifikat]:
    """Managers see their leverandører's certificates; enhet viewers see their leverandør's (read only)."""
    ids = managed_leverandor_ids(user)
    if ids is None:
        return Sertifikat.objects.all()
    lev = ids | set(Enhet.objects.filter(pk__in=viewer_enhet_ids(user)).values_list("leverandor_id", flat=True))
    return Sertifikat.objects.filter(leverandor_id__in=lev)


def visible_actions(user: User) -> QuerySet[KorrigerendeTiltak]:
    """The corrective actions of the audits the user sees, and the user's own."""
    return KorrigerendeTiltak.objects.filter(Q(funn__revisjon__in=visible_audits(user)) | Q(ansvarlig=user))


def may_start_from_suggestion(user: User, enhet: Enhet) -> bool:
    if may_manage_leverandor(user, enhet.leverandor_id):
        return True
    handled = avvik_services.handled_enhet_ids(user)
    return handled is None or enhet.pk in handled


def owner_choices(leverandor_id: int) -> QuerySet[User]:
    """Active staff with a role at the leverandør (at it, one of its enheter or teams), or a kvalitetsleder."""
    day = timezone.localdate()
    return (
        User.objects.filter(is_active=True, kind=UserKind.STAFF)
        .filter(
            Q(role_assignments__leverandor_id=leverandor_id)
            | Q(role_assignments__enhet__leverandor_id=leverandor_id)
            | Q(role_assignments__team__enhet__leverandor_id=leverandor_id)
            | Q(role_assignments__rolle=Role.KVALITETSLEDER),
            Q(role_assignments__gyldig_fra__lte=day),
            Q(role_assignments__gyldig_til__isnull=True) | Q(role_assignments__gyldig_til__gte=day),
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def _require_manager(user: User, leverandor_id: int | None) -> None:
    if not may_manage_leverandor(user, leverandor_id):
        raise ValidationError(NOT_MANAGER)


def _record(user: User, action: str, obj: Any, handling: str, **details: Any) -> None:
    audit.record(user=user, action=action, obj=obj, details={"handling": handling, **details})


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


# --- the audit plan ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanLinjeInput:
    tema: str = ""
    krav: str = ""
    enhet_id: int | None = None
    maned: int | None = None
    revisjonsleder_id: int | None = None


@transaction.atomic
def add_plan_line(user: User, leverandor: Leverandor, aar: int, data: PlanLinjeInput) -> PlanlagtRevisjon:
    """Add a planned audit to the leverandør's plan for ``aar`` (the plan is made on first use)."""
    _require_manager(user, leverandor.pk)
    errors: dict[str, str] = {}
    if not data.tema.strip():
        errors["tema"] = "Skriv hva som skal revideres."
    if data.maned is None or not 1 <= data.maned <= 12:
        errors["maned"] = "Velg hvilken måned revisjonen er planlagt."
    if not 2000 <= aar <= 2100:
        errors["aar"] = "Ugyldig år."
    if data.enhet_id is not None and not Enhet.objects.filter(pk=data.enhet_id, leverandor=leverandor).exists():
        errors["enhet"] = "Enheten hører ikke til leverandøren."
    if (
        data.revisjonsleder_id is not None
        and not owner_choices(leverandor.pk).filter(pk=data.revisjonsleder_id).exists()
    ):
        errors["revisjonsleder"] = "Revisjonslederen må være en aktiv ansatt hos leverandøren."
    if errors:
        raise ValidationError(errors)
    assert data.maned is not None
    plan, created = RevisjonsPlan.objects.get_or_create(leverandor=leverandor, aar=aar)
    if created:
        _record(user, AuditAction.CREATE, plan, "revisjonsplan_opprettet", aar=aar)
    line = PlanlagtRevisjon.objects.create(
        plan=plan,
        tema=data.tema.strip()[:200],
        krav=data.krav.strip()[:120],
        enhet_id=data.enhet_id,
        maned=data.maned,
        revisjonsleder_id=data.revisjonsleder_id,
    )
    _record(user, AuditAction.CREATE, line, "planlagt_revisjon_lagt_til", plan=plan.pk)
    return line


@transaction.atomic
def remove_plan_line(user: User, line: PlanlagtRevisjon) -> None:
    line = PlanlagtRevisjon.objects.select_related("plan").get(pk=line.pk)
    _require_manager(user, line.plan.leverandor_id)
    if Revisjon.objects.filter(planlagt_revisjon=line).exists():
        raise ValidationError("Revisjonen er allerede opprettet fra denne linjen og kan ikke fjernes fra planen.")
    _record(user, AuditAction.DELETE, line, "planlagt_revisjon_fjernet", tema=line.tema)
    line.delete()


# --- audits --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RevisjonInput:
    leverandor_id: int | None = None
    type: str = Revisjon.Type.INTERN
    eksternt_organ: str = ""
    tittel: str = ""
    omfang: str = ""
    enhet_id: int | None = None
    planlagt_dato: dt.date | None = None
    revisjonsleder_id: int | None = None
    planlagt_revisjon_id: int | None = None
    sertifikat_id: int | None = None


@transaction.atomic
def create_audit(user: User, data: RevisjonInput) -> Revisjon:
    """A new audit (internal, or external with the body's name), optionally from a plan line."""
    errors: dict[str, str] = {}
    leverandor_id = data.leverandor_id
    line = None
    if data.planlagt_revisjon_id is not None:
        line = PlanlagtRevisjon.objects.select_related("plan").filter(pk=data.planlagt_revisjon_id).first()
        if line is None:
            errors["planlagt_revisjon"] = "Fant ikke linjen i revisjonsplanen."
        else:
            leverandor_id = leverandor_id or line.plan.leverandor_id
            if line.plan.leverandor_id != leverandor_id:
                errors["planlagt_revisjon"] = "Linjen hører til en annen leverandørs plan."
            elif Revisjon.objects.filter(planlagt_revisjon=line).exists():
                errors["planlagt_revisjon"] = "Det er allerede opprettet en revisjon fra denne linjen."
    if leverandor_id is None:
        raise ValidationError({"leverandor": "Velg leverandøren revisjonen gjelder."})
    _require_manager(user, leverandor_id)
    if data.type not in Revisjon.Type.values:
        errors["type"] = "Velg internrevisjon eller ekstern revisjon."
    if data.type == Revisjon.Type.EKSTERN and not data.eksternt_organ.strip():
        errors["eksternt_organ"] = "Skriv navnet på det eksterne revisjons- eller sertifiseringsorganet."
    if not data.tittel.strip():
        errors["tittel"] = "Gi revisjonen en tittel."
    if data.planlagt_dato is None:
        errors["planlagt_dato"] = "Sett planlagt dato."
    if data.enhet_id is not None and not Enhet.objects.filter(pk=data.enhet_id, leverandor_id=leverandor_id).exists():
        errors["enhet"] = "Enheten hører ikke til leverandøren."
    if (
        data.revisjonsleder_id is not None
        and not owner_choices(leverandor_id).filter(pk=data.revisjonsleder_id).exists()
    ):
        errors["revisjonsleder"] = "Revisjonslederen må være en aktiv ansatt hos leverandøren."
    if (
        data.sertifikat_id is not None
        and not Sertifikat.objects.filter(pk=data.sertifikat_id, leverandor_id=leverandor_id).exists()
    ):
        errors["sertifikat"] = "Sertifikatet hører ikke til leverandøren."
    if errors:
        raise ValidationError(errors)
    revisjon = Revisjon.objects.create(
        leverandor_id=leverandor_id,
        enhet_id=data.enhet_id if data.enhet_id is not None else (line.enhet_id if line else None),
        planlagt_revisjon=line,
        sertifikat_id=data.sertifikat_id,
        type=data.type,
        eksternt_organ=data.eksternt_organ.strip()[:200] if data.type == Revisjon.Type.EKSTERN else "",
        tittel=data.tittel.strip()[:200],
        omfang=data.omfang.strip(),
        revisjonsleder_id=data.revisjonsleder_id or (line.revisjonsleder_id if line else None),
        planlagt_dato=data.planlagt_dato,
        opprettet_av=user,
    )
    _record(user, AuditAction.CREATE, revisjon, "revisjon_opprettet", type=revisjon.type)
    return revisjon


@dataclass(frozen=True)
class FromSuggestion:
    revisjon: Revisjon
    created: bool


@transaction.atomic
def create_from_suggestion(user: User, enhet: Enhet, kategori: str, at: dt.date | None = None) -> FromSuggestion:
    """Start an internal audit from the suggestion(s) for ``enhet`` and the avvik category ``kategori``.

    The suggestions are computed again now (:func:`helhet.quality.services.suggest_audit`); the
    audit stores the source: enhet, category, the avvik ids and the reasons. When an audit from the
    same enhet and category is still open, that one is returned (no duplicate).
    """
    if not may_start_from_suggestion(user, enhet):
        raise ValidationError("Bare kvalitetsleder, leder eller meldingsansvarlig for enheten kan starte revisjonen.")
    kategori = kategori.strip()
    if not kategori:
        raise ValidationError({"kategori": "Forslaget mangler avvikskategori."})
    today = _today(at)
    suggestions = [s for s in avvik_services.suggest_audit(enhet, today) if s.category == kategori]
    existing = (
        Revisjon.objects.filter(enhet=enhet, kilde_kategori=kategori, type=Revisjon.Type.INTERN)
        .exclude(status=Revisjon.Status.LUKKET)
        .exclude(kilde_begrunnelse="")
        .first()
    )
    if existing is not None:
        return FromSuggestion(existing, created=False)
    if not suggestions:
        raise ValidationError(
            f"Det er ikke lenger noe forslag om internrevisjon for «{kategori}» ved {enhet.navn}. "
            "Du kan likevel opprette en revisjon fra revisjonsoversikten."
        )
    ids: list[int] = []
    for s in suggestions:
        ids += [int(i) for i in s.ids if int(i) not in ids]
    reasons = "\n".join(dict.fromkeys(s.reason for s in suggestions))
    revisjon = Revisjon.objects.create(
        leverandor_id=enhet.leverandor_id,
        enhet=enhet,
        type=Revisjon.Type.INTERN,
        tittel=f"Internrevisjon etter avvik: {kategori} ved {enhet.navn}"[:200],
        omfang=(
            f"Praksis ved {enhet.navn} innen «{kategori}»: rutiner, opplæring og etterlevelse. "
            "Evaluering av egen praksis etter gjentatte eller alvorlige avvik."
        ),
        planlagt_dato=today,
        kilde_kategori=kategori[:100],
        kilde_avvik=sorted(ids),
        kilde_begrunnelse=reasons,
        opprettet_av=user,
    )
    _record(user, AuditAction.CREATE, revisjon, "revisjon_fra_avviksforslag", kategori=kategori, avvik=sorted(ids))
    return FromSuggestion(revisjon, created=True)


def _locked(revisjon: Revisjon) -> Revisjon:
    return Revisjon.objects.select_for_update().get(pk=revisjon.pk)


@transaction.atomic
def start(user: User, revisjon: Revisjon, at: dt.date | None = None) -> Revisjon:
    revisjon = _locked(revisjon)
    _require_manager(user, revisjon.leverandor_id)
    if revisjon.status != Revisjon.Status.PLANLAGT:
        raise ValidationError("Bare en planlagt revisjon kan startes.")
    revisjon.status = Revisjon.Status.PAGAR
    revisjon.gjennomfort_dato = revisjon.gjennomfort_dato or _today(at)
    revisjon.save()
    _record(user, AuditAction.UPDATE, revisjon, "revisjon_startet")
    return revisjon


@transaction.atomic
def add_checklist_item(user: User, revisjon: Revisjon, sporsmal: str, referanse: str = "") -> SjekklistePunkt:
    revisjon = _locked(revisjon)
    _require_manager(user, revisjon.leverandor_id)
    if revisjon.status not in CHECKLIST_OPEN:
        raise ValidationError("Sjekklisten kan bare endres før revisjonen er rapportert.")
    if not sporsmal.strip():
        raise ValidationError({"sporsmal": "Skriv spørsmålet eller kravet som skal kontrolleres."})
    n = revisjon.sjekkliste.count()
    item = SjekklistePunkt.objects.create(
        revisjon=revisjon, sporsmal=sporsmal.strip(), referanse=referanse.strip()[:120], rekkefolge=n + 1
    )
    _record(user, AuditAction.UPDATE, revisjon, "sjekklistepunkt_lagt_til", punkt=item.pk)
    return item


@transaction.atomic
def answer_checklist_item(user: User, item: SjekklistePunkt, svar: str, kommentar: str = "") -> SjekklistePunkt:
    item = SjekklistePunkt.objects.select_related("revisjon").select_for_update().get(pk=item.pk)
    revisjon = item.revisjon
    _require_manager(user, revisjon.leverandor_id)
    if revisjon.status != Revisjon.Status.PAGAR:
        raise ValidationError("Sjekklisten besvares mens revisjonen pågår. Start revisjonen først.")
    if svar not in SjekklistePunkt.Svar.values:
        raise ValidationError({"svar": "Velg samsvar, ikke samsvar eller ikke relevant."})
    if svar == SjekklistePunkt.Svar.IKKE_SAMSVAR and not kommentar.strip():
        raise ValidationError({"kommentar": "Skriv hva som ikke er i samsvar."})
    item.svar = svar
    item.kommentar = kommentar.strip()
    item.save(update_fields=["svar", "kommentar"])
    _record(user, AuditAction.UPDATE, revisjon, "sjekklistepunkt_besvart", punkt=item.pk, svar=svar)
    return item


@transaction.atomic
def add_finding(
    user: User,
    revisjon: Revisjon,
    type: str,
    beskrivelse: str,
    referanse: str = "",
    sjekklistepunkt_id: int | None = None,
) -> Funn:
    revisjon = _locked(revisjon)
    _require_manager(user, revisjon.leverandor_id)
    if revisjon.status != Revisjon.Status.PAGAR:
        raise ValidationError("Funn registreres mens revisjonen pågår.")
    errors: dict[str, str] = {}
    if type not in Funn.Type.values:
        errors["type"] = "Velg om funnet er et avvik, en merknad eller en observasjon."
    if not beskrivelse.strip():
        errors["beskrivelse"] = "Beskriv funnet."
    if sjekklistepunkt_id is not None and not revisjon.sjekkliste.filter(pk=sjekklistepunkt_id).exists():
        errors["sjekklistepunkt"] = "Sjekklistepunktet hører ikke til denne revisjonen."
    if errors:
        raise ValidationError(errors)
    funn = Funn.objects.create(
        revisjon=revisjon,
        type=type,
        beskrivelse=beskrivelse.strip(),
        referanse=referanse.strip()[:120],
        sjekklistepunkt_id=sjekklistepunkt_id,
    )
    _record(user, AuditAction.UPDATE, revisjon, "funn_lagt_til", funn=funn.pk, type=type)
    return funn


@transaction.atomic
def add_action(
    user: User,
    funn: Funn,
    beskrivelse: str,
    ansvarlig: User | None,
    frist: dt.date | None,
    today: dt.date | None = None,
) -> KorrigerendeTiltak:
    """A corrective action on a finding: owner and deadline are required."""
    funn = Funn.objects.select_related("revisjon").get(pk=funn.pk)
    revisjon = _locked(funn.revisjon)
    _require_manager(user, revisjon.leverandor_id)
    if revisjon.status not in (Revisjon.Status.PAGAR, Revisjon.Status.RAPPORTERT):
        raise ValidationError(
            "Korrigerende tiltak legges til mens revisjonen pågår eller er rapportert."
            if revisjon.status == Revisjon.Status.PLANLAGT
            else "Revisjonen er lukket; nye tiltak kan ikke legges til."
        )
    errors = rules.action_errors(ansvarlig is not None, frist, beskrivelse, _today(today))
    if ansvarlig is not None and not owner_choices(revisjon.leverandor_id).filter(pk=ansvarlig.pk).exists():
        errors["ansvarlig"] = "Den ansvarlige må være en aktiv ansatt hos leverandøren."
    if errors:
        raise ValidationError(errors)
    assert ansvarlig is not None and frist is not None
    tiltak = KorrigerendeTiltak.objects.create(
        funn=funn, beskrivelse=beskrivelse.strip(), ansvarlig=ansvarlig, frist=frist
    )
    _record(
        user, AuditAction.CREATE, tiltak, "korrigerende_tiltak_lagt_til", revisjon=revisjon.pk, ansvarlig=ansvarlig.pk
    )
    return tiltak


def may_close_action(user: User, tiltak: KorrigerendeTiltak) -> bool:
    return tiltak.ansvarlig_id == user.pk or may_manage(user, tiltak.funn.revisjon)


@transaction.atomic
def close_action(
    user: User, tiltak: KorrigerendeTiltak, utfort: dt.date | None, effekt: str, today: dt.date | None = None
) -> KorrigerendeTiltak:
    """Close a corrective action: the date it was done and how its effect was evaluated. Owner or manager."""
    tiltak = KorrigerendeTiltak.objects.select_related("funn__revisjon").select_for_update().get(pk=tiltak.pk)
    if not may_close_action(user, tiltak):
        raise ValidationError("Bare den ansvarlige for tiltaket, kvalitetsleder eller leder kan lukke det.")
    if tiltak.utfort is not None:
        raise ValidationError("Tiltaket er allerede lukket.")
    errors = rules.close_action_errors(utfort, effekt, tiltak.funn.revisjon.dato, _today(today))
    if errors:
        raise ValidationError(errors)
    tiltak.utfort = utfort
    tiltak.effekt = effekt.strip()
    tiltak.lukket_av = user
    tiltak.save(update_fields=["utfort", "effekt", "lukket_av"])
    _record(user, AuditAction.UPDATE, tiltak, "korrigerende_tiltak_lukket", revisjon=tiltak.funn.revisjon_id)
    return tiltak


@transaction.atomic
def report(
    user: User, revisjon: Revisjon, rapport: str, gjennomfort: dt.date | None = None, today: dt.date | None = None
) -> Revisjon:
    """The audit is reported: a summary and the date it was done."""
    revisjon = _locked(revisjon)
    _require_manager(user, revisjon.leverandor_id)
    if revisjon.status != Revisjon.Status.PAGAR:
        raise ValidationError("Bare en revisjon som pågår kan rapporteres.")
    day = _today(today)
    done = gjennomfort or revisjon.gjennomfort_dato
    errors: dict[str, str] = {}
    if not rapport.strip():
        errors["rapport"] = "Skriv en kort oppsummering av revisjonen."
    if done is None:
        errors["gjennomfort_dato"] = "Skriv datoen revisjonen ble gjennomført."
    elif done > day:
        errors["gjennomfort_dato"] = "Gjennomført-datoen kan ikke være fram i tid."
    unanswered = revisjon.sjekkliste.filter(svar="").count()
    if unanswered:
        errors["sjekkliste"] = f"{unanswered} punkt i sjekklisten er ikke besvart."
    if errors:
        raise ValidationError(errors)
    revisjon.rapport = rapport.strip()
    revisjon.gjennomfort_dato = done
    revisjon.rapportert = day
    revisjon.status = Revisjon.Status.RAPPORTERT
    revisjon.save()
    _record(user, AuditAction.UPDATE, revisjon, "revisjon_rapportert")
    if revisjon.type == Revisjon.Type.EKSTERN and revisjon.sertifikat_id is not None:
        _mark_certificate_follow_up(user, revisjon)
    return revisjon


#: An external audit counts for the certificate's follow-up date nearest to it within this many days (ours).
FOLLOW_UP_MATCH_DAYS = 183


def _mark_certificate_follow_up(user: User, revisjon: Revisjon) -> None:
    """A reported external audit on a certificate marks its nearest open follow-up date as done."""
    done = revisjon.gjennomfort_dato
    assert done is not None and revisjon.sertifikat_id is not None
    candidates = [
        row
        for row in Oppfolgingsrevisjon.objects.filter(sertifikat_id=revisjon.sertifikat_id, gjennomfort__isnull=True)
        if abs((row.dato - done).days) <= FOLLOW_UP_MATCH_DAYS
    ]
    if not candidates:
        return
    row = min(candidates, key=lambda r: (abs((r.dato - done).days), r.pk))
    row.gjennomfort = done
    row.save(update_fields=["gjennomfort"])
    _record(
        user,
        AuditAction.UPDATE,
        row.sertifikat,
        "oppfolgingsrevisjon_gjennomfort",
        oppfolging=row.pk,
        revisjon=revisjon.pk,
    )


def _action_rows(actions: Iterable[KorrigerendeTiltak]) -> list[rules.ActionRow]:
    return [
        rules.ActionRow(id=t.pk, audit_id=t.funn.revisjon_id, owner=str(t.ansvarlig_id), due=t.frist, done=t.utfort)
        for t in actions
    ]


@transaction.atomic
def close(user: User, revisjon: Revisjon, today: dt.date | None = None) -> Revisjon:
    """Close the audit: only when reported and every corrective action is closed."""
    revisjon = _locked(revisjon)
    _require_manager(user, revisjon.leverandor_id)
    actions = KorrigerendeTiltak.objects.filter(funn__revisjon=revisjon).select_related("funn")
    findings = [
        rules.FindingRow(id=f.pk, kind=f.type, n_actions=f.tiltak.count())  # type: ignore[arg-type]
        for f in revisjon.funn.all()
    ]
    problems = rules.close_audit_errors(revisjon.status, _action_rows(actions), findings)
    if problems:
        raise ValidationError({"status": problems})
    revisjon.status = Revisjon.Status.LUKKET
    revisjon.lukket = _today(today)
    revisjon.save()
    _record(user, AuditAction.UPDATE, revisjon, "revisjon_lukket")
    return revisjon


# --- certificates ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SertifikatInput:
    leverandor_id: int | None = None
    standard: str = ""
    omfang: str = ""
    utsteder: str = ""
    sertifikatnummer: str = ""
    gyldig_fra: dt.date | None = None
    gyldig_til: dt.date | None = None


@transaction.atomic
def save_certificate(
    user: User, data: SertifikatInput, sertifikat: Sertifikat | None = None, suggest_follow_up: bool = True
) -> Sertifikat:
    """Create or change a certificate. A new one gets the suggested follow-up dates (:func:`rules.follow_up_dates`)."""
    leverandor_id = sertifikat.leverandor_id if sertifikat is not None else data.leverandor_id
    if leverandor_id is None:
        raise ValidationError({"leverandor": "Velg leverandøren sertifikatet gjelder."})
    _require_manager(user, leverandor_id)
    errors = rules.certificate_date_errors(data.gyldig_fra, data.gyldig_til)
    if data.standard not in Sertifikat.Standard.values:
        errors["standard"] = "Velg standard."
    if not data.omfang.strip():
        errors["omfang"] = "Skriv hva sertifikatet omfatter."
    if not data.utsteder.strip():
        errors["utsteder"] = "Skriv hvem som har utstedt sertifikatet."
    if errors:
        raise ValidationError(errors)
    assert data.gyldig_fra is not None and data.gyldig_til is not None
    new = sertifikat is None
    if sertifikat is None:
        sertifikat = Sertifikat(leverandor_id=leverandor_id)
    sertifikat.standard = data.standard
    sertifikat.omfang = data.omfang.strip()
    sertifikat.utsteder = data.utsteder.strip()[:200]
    sertifikat.sertifikatnummer = data.sertifikatnummer.strip()[:60]
    sertifikat.gyldig_fra = data.gyldig_fra
    sertifikat.gyldig_til = data.gyldig_til
    sertifikat.save()
    if new and suggest_follow_up:
        Oppfolgingsrevisjon.objects.bulk_create(
            Oppfolgingsrevisjon(sertifikat=sertifikat, type=f.kind, dato=f.due)
            for f in rules.follow_up_dates(sertifikat.standard, sertifikat.gyldig_fra, sertifikat.gyldig_til)
        )
    _record(user, AuditAction.CREATE if new else AuditAction.UPDATE, sertifikat, "sertifikat_lagret")
    return sertifikat


@transaction.atomic
def add_follow_up(user: User, sertifikat: Sertifikat, type: str, dato: dt.date | None) -> Oppfolgingsrevisjon:
    _require_manager(user, sertifikat.leverandor_id)
    errors: dict[str, str] = {}
    if type not in Oppfolgingsrevisjon.Type.values:
        errors["type"] = "Velg oppfølgingsrevisjon eller resertifisering."
    if dato is None:
        errors["dato"] = "Skriv datoen."
    if errors:
        raise ValidationError(errors)
    assert dato is not None
    row = Oppfolgingsrevisjon.objects.create(sertifikat=sertifikat, type=type, dato=dato)
    _record(user, AuditAction.UPDATE, sertifikat, "oppfolgingsrevisjon_lagt_til", oppfolging=row.pk)
    return row


@transaction.atomic
def mark_follow_up_done(
    user: User, row: Oppfolgingsrevisjon, dato: dt.date | None, today: dt.date | None = None
) -> Oppfolgingsrevisjon:
    row = Oppfolgingsrevisjon.objects.select_related("sertifikat").get(pk=row.pk)
    _require_manager(user, row.sertifikat.leverandor_id)
    if dato is None:
        raise ValidationError({"gjennomfort": "Skriv datoen revisjonen ble gjennomført."})
    if dato > _today(today):
        raise ValidationError({"gjennomfort": "Datoen kan ikke være fram i tid."})
    row.gjennomfort = dato
    row.save(update_fields=["gjennomfort"])
    _record(user, AuditAction.UPDATE, row.sertifikat, "oppfolgingsrevisjon_gjennomfort", oppfolging=row.pk)
    return row


# --- figures ------------------------------------------------------------------------------------------


def certificate_rows(certs: Iterable[Sertifikat]) -> list[rules.CertificateRow]:
    return [
        rules.CertificateRow(id=c.pk, standard=c.standard, valid_from=c.gyldig_fra, valid_to=c.gyldig_til)
        for c in certs
    ]


def plan_lines(lines: Iterable[PlanlagtRevisjon]) -> list[rules.PlanLine]:
    rows = []
    for line in lines:
        rev = getattr(line, "revisjon", None)
        rows.append(
            rules.PlanLine(
                id=line.pk,
                year=line.plan.aar,
                month=line.maned,
                unit=line.enhet.navn if line.enhet else None,
                audit_id=rev.pk if rev else None,
                audit_status=rev.status if rev else None,
            )
        )
    return rows


def audit_rows(audits: Iterable[Revisjon]) -> list[rules.AuditRow]:
    return [
        rules.AuditRow(
            id=r.pk,
            day=r.dato,
            status=r.status,
            unit=r.enhet.navn if r.enhet else None,
            planned=r.planlagt_revisjon_id is not None,
        )
        for r in audits
    ]


@dataclass(frozen=True)
class Figures:
    coverage: rules.Coverage
    actions: rules.ActionFigures
    certificates: rules.CertificateWarnings


def figures(
    audits: QuerySet[Revisjon],
    lines: QuerySet[PlanlagtRevisjon],
    actions: QuerySet[KorrigerendeTiltak],
    certs: QuerySet[Sertifikat],
    fra: dt.date,
    til: dt.date,
    at: dt.date,
    enheter: Iterable[Enhet] = (),
) -> Figures:
    return Figures(
        coverage=rules.plan_coverage(
            plan_lines(lines.select_related("plan", "enhet", "revisjon")),
            audit_rows(audits.select_related("enhet")),
            fra,
            til,
            at,
            units=[e.navn for e in enheter],
        ),
        actions=rules.action_figures(_action_rows(actions.select_related("funn")), at),
        certificates=rules.certificate_warnings(certificate_rows(certs), at),
    )


def figures_for(user: User, fra: dt.date, til: dt.date, at: dt.date | None = None) -> Figures:
    """The overview's figures over what the user may see (managers: their leverandører; viewers: their enheter)."""
    at = _today(at)
    audits = visible_audits(user)
    ids = managed_leverandor_ids(user)
    lines = PlanlagtRevisjon.objects.filter(plan__aar__gte=fra.year, plan__aar__lte=til.year)
    enheter = Enhet.objects.all()
    if ids is not None:
        viewer = viewer_enhet_ids(user)
        lines = lines.filter(Q(plan__leverandor_id__in=ids) | Q(enhet_id__in=viewer))
        enheter = enheter.filter(Q(leverandor_id__in=ids) | Q(pk__in=viewer))
    actions = KorrigerendeTiltak.objects.filter(funn__revisjon__in=audits)
    return figures(audits, lines, actions, visible_certificates(user), fra, til, at, enheter)


def nokkeltall(fra: dt.date, til: dt.date, enhet: Enhet | None) -> list[tuple[str, str, str]]:
    """Figures for ``helhet kvalitet nokkeltall``: audits done vs planned, corrective actions, certificates.

    With ``enhet``: that enhet's audits, plan lines and corrective actions, and its leverandør's
    certificates. Actions and certificates are counted at ``til`` (or today, if earlier).
    """
    at = min(til, timezone.localdate())
    audits = Revisjon.objects.all()
    lines = PlanlagtRevisjon.objects.filter(plan__aar__gte=fra.year, plan__aar__lte=til.year)
    certs = Sertifikat.objects.all()
    if enhet is not None:
        audits = audits.filter(enhet=enhet)
        lines = lines.filter(enhet=enhet)
        certs = certs.filter(leverandor_id=enhet.leverandor_id)
    actions = KorrigerendeTiltak.objects.filter(funn__revisjon__in=audits)
    f = figures(audits, lines, actions, certs, fra, til, at)
    return rules.nokkeltall_lines(f.coverage, f.actions, f.certificates)


def audit_suggestions_for(user: User, at: dt.date | None = None) -> list[tuple[Enhet, Any]]:
    """``(enhet, suggestion)`` pairs for the enheter whose avvik the user handles, for the avvik pages.

    Each pair gives what the «Start internrevisjon» form posts to ``quality:revisjon_fra_forslag``:
    ``enhet`` = ``enhet.pk`` and ``kategori`` = ``suggestion.category``.
    """
    handled = avvik_services.handled_enhet_ids(user)
    enheter = Enhet.objects.all() if handled is None else Enhet.objects.filter(pk__in=handled)
    return [(e, s) for e in enheter.order_by("navn") for s in avvik_services.suggest_audit(e, at)]
