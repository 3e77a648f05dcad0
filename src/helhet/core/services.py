"""Use cases that change person data: one transaction each, audited in the same transaction.

Every function takes the acting user as keyword ``utfort_av`` and the access decision that
allowed it; the views get both from the guard. Errors for people are ``ValidationError`` with
Norwegian messages; nothing is saved half-way.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from helhet.core import audit
from helhet.core.access import Decision
from helhet.core.models import (
    AuditAction,
    Nodtilgang,
    Parorende,
    Samtykke,
    Sperring,
    Tjenestemottaker,
    User,
    Verge,
)
from helhet.core.rules import identity

DUPLICATE_PERSON = (
    "Det finnes allerede en tjenestemottaker med dette fødselsnummeret. "
    "Søk opp personen i stedet for å registrere henne eller ham på nytt."
)


def _changed_fields(instance: Any, data: dict[str, Any]) -> list[str]:
    return sorted(name for name, value in data.items() if getattr(instance, name) != value)


def opprett_tjenestemottaker(*, utfort_av: User, data: dict[str, Any]) -> Tjenestemottaker:
    """Register a new person; the case officer who registers becomes the case owner."""
    data = dict(data)
    number = data.pop("fodselsnummer")
    try:
        parsed = identity.parse(number)
    except identity.InvalidPersonId as exc:
        raise ValidationError({"fodselsnummer": exc.message}) from exc
    if Tjenestemottaker.objects.filter(fodselsnummer_digest=Tjenestemottaker.digest_for(parsed.number)).exists():
        raise ValidationError({"fodselsnummer": DUPLICATE_PERSON})
    person = Tjenestemottaker(**data)
    person.set_fodselsnummer(parsed.number)
    if person.saksbehandler_id is None:
        person.saksbehandler = utfort_av
    person.full_clean()
    try:
        with transaction.atomic():
            person.save(force_insert=True)
            audit.record(
                user=utfort_av,
                action=AuditAction.CREATE,
                person=person,
                obj=person,
                ground="saksansvarlig",
                ground_label="Registrert av saksbehandler",
            )
    except IntegrityError as exc:  # a concurrent registration of the same number
        raise ValidationError({"fodselsnummer": DUPLICATE_PERSON}) from exc
    return person


def endre_tjenestemottaker(
    *, utfort_av: User, decision: Decision, person: Tjenestemottaker, data: dict[str, Any]
) -> Tjenestemottaker:
    changed = _changed_fields(person, data)
    if not changed:
        return person
    for name, value in data.items():
        setattr(person, name, value)
    person.full_clean()
    with transaction.atomic():
        person.save()
        audit.record(
            user=utfort_av,
            action=AuditAction.UPDATE,
            person=person,
            obj=person,
            decision=decision,
            details={"felter": changed},
        )
    return person


def legg_til_parorende(
    *, utfort_av: User, decision: Decision, person: Tjenestemottaker, data: dict[str, Any]
) -> Parorende:
    parorende = Parorende(tjenestemottaker=person, **data)
    parorende.full_clean()
    with transaction.atomic():
        if parorende.naermeste:
            person.parorende.filter(naermeste=True).update(naermeste=False)
        parorende.save()
        audit.record(user=utfort_av, action=AuditAction.CREATE, person=person, obj=parorende, decision=decision)
    return parorende


def legg_til_verge(*, utfort_av: User, decision: Decision, person: Tjenestemottaker, data: dict[str, Any]) -> Verge:
    verge = Verge(tjenestemottaker=person, **data)
    verge.full_clean()
    with transaction.atomic():
        verge.save()
        audit.record(user=utfort_av, action=AuditAction.CREATE, person=person, obj=verge, decision=decision)
    return verge


def registrer_samtykke(
    *, utfort_av: User, decision: Decision, person: Tjenestemottaker, data: dict[str, Any]
) -> Samtykke:
    samtykke = Samtykke(tjenestemottaker=person, registrert_av=utfort_av, **data)
    samtykke.full_clean()
    with transaction.atomic():
        samtykke.save()
        audit.record(user=utfort_av, action=AuditAction.CREATE, person=person, obj=samtykke, decision=decision)
    return samtykke


def trekk_samtykke(*, utfort_av: User, decision: Decision, samtykke: Samtykke) -> Samtykke:
    """Withdraw a consent. A consent is never deleted; withdrawing twice is an error."""
    with transaction.atomic():
        locked = Samtykke.objects.select_for_update().get(pk=samtykke.pk)
        if locked.trukket is not None:
            raise ValidationError(
                f"Samtykket ble trukket tilbake {locked.trukket:%d.%m.%Y} og kan ikke trekkes på nytt. "
                "Registrer et nytt samtykke hvis personen samtykker igjen."
            )
        locked.trukket = timezone.localdate()
        locked.save(update_fields=["trukket"])
        audit.record(
            user=utfort_av,
            action=AuditAction.UPDATE,
            person=locked.tjenestemottaker,
            obj=locked,
            decision=decision,
            details={"felter": ["trukket"]},
        )
    return locked


def ensure_consent_active(samtykke: Samtykke) -> None:
    """Raise a Norwegian error when a withdrawn consent is about to be relied on."""
    if samtykke.trukket is not None:
        raise ValidationError(
            f"Samtykket «{samtykke.get_gjelder_display()}» ble trukket tilbake {samtykke.trukket:%d.%m.%Y}. "
            "Opplysninger kan ikke deles på grunnlag av det."
        )


def opprett_sperring(
    *, utfort_av: User, decision: Decision, person: Tjenestemottaker, sperret_bruker: User, begrunnelse: str
) -> Sperring:
    if sperret_bruker.pk == utfort_av.pk:
        raise ValidationError("Du kan ikke registrere en sperring mot deg selv. Be en kollega gjøre det.")
    if person.sperringer.filter(sperret_bruker=sperret_bruker, opphevet__isnull=True).exists():
        raise ValidationError(f"{sperret_bruker} er allerede sperret for denne tjenestemottakeren.")
    with transaction.atomic():
        sperring = Sperring.objects.create(
            tjenestemottaker=person, sperret_bruker=sperret_bruker, begrunnelse=begrunnelse, opprettet_av=utfort_av
        )
        audit.record(user=utfort_av, action=AuditAction.CREATE, person=person, obj=sperring, decision=decision)
    return sperring


def opphev_sperring(*, utfort_av: User, decision: Decision, sperring: Sperring) -> Sperring:
    with transaction.atomic():
        locked = Sperring.objects.select_for_update().get(pk=sperring.pk)
        if locked.opphevet is not None:
            raise ValidationError("Sperringen er allerede opphevet.")
        locked.opphevet = timezone.now()
        locked.save(update_fields=["opphevet"])
        audit.record(
            user=utfort_av,
            action=AuditAction.UPDATE,
            person=locked.tjenestemottaker,
            obj=locked,
            decision=decision,
            details={"felter": ["opphevet"]},
        )
    return locked


def gjennomga_nodtilgang(*, utfort_av: User, nodtilgang: Nodtilgang, vurdering: str, kommentar: str) -> Nodtilgang:
    """The security officer's review of a nødtilgang: the flag is cleared, the review audited."""
    if not utfort_av.has_role("personvernansvarlig"):
        raise ValidationError("Bare personvern- og sikkerhetsansvarlig kan gjennomgå nødtilgang.")
    if vurdering not in {"godkjent", "avvik"}:
        raise ValidationError("Velg om bruken var begrunnet eller ikke.")
    if vurdering == "avvik" and len(kommentar.strip()) < 10:
        raise ValidationError("Beskriv hvorfor bruken ikke var begrunnet (minst 10 tegn).")
    with transaction.atomic():
        locked = Nodtilgang.objects.select_for_update().get(pk=nodtilgang.pk)
        if locked.gjennomgatt is not None:
            raise ValidationError("Denne nødtilgangen er allerede gjennomgått.")
        if locked.bruker_id == utfort_av.pk:
            raise ValidationError("Du kan ikke gjennomgå din egen nødtilgang.")
        locked.gjennomgatt = timezone.now()
        locked.gjennomgatt_av = utfort_av
        locked.gjennomgang_vurdering = vurdering
        locked.gjennomgang_kommentar = kommentar.strip()
        locked.save()
        audit.record(
            user=utfort_av,
            action=AuditAction.REVIEW,
            person=locked.tjenestemottaker,
            obj=locked,
            ground="personvernansvarlig",
            ground_label="Kontroll av tilgangslogg",
            details={"vurdering": vurdering},
        )
    return locked
