"""Vedtak use cases (``helhet.cases.services``): two roles, the limits, changes to the person's
disadvantage, co-payment, BPA guidance, brukervalg and bestilling, klage, and the statistics query.

The screens are tested in ``test_views_vedtak.py``; here the services are called directly, with the
decision the access check gives, as a view would.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from factories import LeverandorFactory, RoleAssignmentFactory, TjenestemottakerFactory, UserFactory, World
from helhet.cases import services
from helhet.cases.models import (
    Bestilling,
    EgenbetalingSats,
    Kartlegging,
    Klage,
    Soknad,
    Vedtak,
    Vedtaksbrev,
)
from helhet.cases.rules.egenbetaling import OSLO_2019
from helhet.cases.rules.vedtak import MSG_MAX_HOURS, MSG_TOM_BEFORE_FOM
from helhet.cases.views_vedtak import klage_statistics
from helhet.core import access
from helhet.core.access import Action, Decision
from helhet.core.models import Leverandor, Role, Tjenestemottaker, User
from helhet.core.rules import identity

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _decision(user: User, person: Tjenestemottaker) -> Decision:
    decision = access.check(user, Action.EDIT, person)
    assert decision.allowed, decision.reason
    return decision


def _soknad(world: World, person: Tjenestemottaker | None = None) -> Soknad:
    person = person or world.P
    soknad = Soknad.objects.create(
        tjenestemottaker=person,
        bydel=world.bydel_1,
        saksbehandler=world.saksbehandler_1,
        gjelder="Hjelp i hjemmet",
        status=Soknad.Status.VEDTAK,
    )
    Kartlegging.objects.create(soknad=soknad, viktig_for_meg="Å klare meg selv hjemme.")
    return soknad


def _data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "tjenestetype": "praktisk_bistand",
        "utfall": Vedtak.Utfall.INNVILGET,
        "omfang": Decimal(3),
        "omfang_enhet": "",
        "fom": TODAY(),
        "tom": TODAY() + dt.timedelta(days=180),
        "begrunnelse": "Trenger hjelp til rengjøring etter kartleggingen.",
        "hjemmel": "",
    }
    data.update(overrides)
    return data


def _draft(world: World, soknad: Soknad | None = None, by: User | None = None, **overrides: Any) -> Vedtak:
    soknad = soknad or _soknad(world)
    user = by or world.saksbehandler_1
    return services.opprett_vedtak(
        utfort_av=user, decision=_decision(user, soknad.tjenestemottaker), soknad=soknad, data=_data(**overrides)
    )


def _in_force(world: World, **overrides: Any) -> Vedtak:
    """A vedtak in force, made without the letter (the letter has its own tests)."""
    vedtak = _draft(world, **overrides)
    Vedtak.objects.filter(pk=vedtak.pk).update(
        status=Vedtak.Status.FATTET, vedtaksmyndig=world.vedtaksmyndig_1, fattet=timezone.now()
    )
    vedtak.refresh_from_db()
    return vedtak


def _private_provider(world: World) -> tuple[Leverandor, User]:
    provider = LeverandorFactory(navn="Omsorg Privat AS", type=Leverandor.Type.PRIVAT, kommune=world.kommune)
    leader = UserFactory(username="leder_privat", first_name="Pia", last_name="Privat")
    RoleAssignmentFactory(user=leader, rolle=Role.LEDER, leverandor=provider)
    return provider, leader


# --- the draft and its limits --------------------------------------------------------------------------


def test_a_draft_fills_in_the_legal_basis_and_hours_per_week(world: World) -> None:
    vedtak = _draft(world)
    assert vedtak.status == Vedtak.Status.UTKAST
    assert vedtak.hjemmel == "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6 bokstav b"
    assert vedtak.omfang_enhet == "timer_per_uke"
    assert vedtak.timer_per_uke == Decimal(3)


def test_overlapping_vedtak_for_the_same_service_is_refused(world: World) -> None:
    first = _draft(world)
    with pytest.raises(ValidationError) as exc:
        _draft(world, soknad=first.soknad, fom=TODAY() + dt.timedelta(days=30), tom=None)
    assert "fom" in exc.value.error_dict
    assert "allerede et vedtak" in exc.value.message_dict["fom"][0]
    assert Vedtak.objects.count() == 1
    # Another service in the same period is fine, and so is the same service after the first ends.
    _draft(world, soknad=first.soknad, tjenestetype="helsetjenester_i_hjemmet")
    _draft(world, soknad=first.soknad, fom=first.tom + dt.timedelta(days=1), tom=None)
    assert Vedtak.objects.count() == 3


def test_tom_before_fom_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        _draft(world, fom=TODAY(), tom=TODAY() - dt.timedelta(days=1))
    assert exc.value.message_dict["tom"] == [MSG_TOM_BEFORE_FOM]
    assert not Vedtak.objects.exists()


def test_more_than_168_hours_a_week_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        _draft(world, omfang=Decimal("168.5"))
    assert exc.value.message_dict["omfang"] == [MSG_MAX_HOURS]
    assert not Vedtak.objects.exists()
    assert _draft(world, omfang=Decimal(168)).timer_per_uke == Decimal(168)


# --- two roles -----------------------------------------------------------------------------------------


def test_the_case_officer_cannot_approve_her_own_vedtak_and_a_nurse_cannot_approve(world: World) -> None:
    vedtak = _draft(world)
    services.send_til_godkjenning(
        utfort_av=world.saksbehandler_1, decision=_decision(world.saksbehandler_1, world.P), vedtak=vedtak
    )
    with pytest.raises(ValidationError, match="To personer"):
        services.godkjenn_vedtak(
            utfort_av=world.saksbehandler_1, decision=_decision(world.saksbehandler_1, world.P), vedtak=vedtak
        )
    with pytest.raises(ValidationError, match="vedtaksmyndighet"):
        services.godkjenn_vedtak(utfort_av=world.nurse_a, decision=_decision(world.nurse_a, world.P), vedtak=vedtak)
    vedtak.refresh_from_db()
    assert vedtak.status == Vedtak.Status.TIL_GODKJENNING
    assert not Vedtaksbrev.objects.exists()


def test_vedtaksmyndig_in_the_bydel_approves_and_the_letter_is_made(world: World) -> None:
    vedtak = _draft(world)
    services.send_til_godkjenning(
        utfort_av=world.saksbehandler_1, decision=_decision(world.saksbehandler_1, world.P), vedtak=vedtak
    )
    made = services.godkjenn_vedtak(
        utfort_av=world.vedtaksmyndig_1, decision=_decision(world.vedtaksmyndig_1, world.P), vedtak=vedtak
    )
    assert made.status == Vedtak.Status.FATTET
    assert made.vedtaksmyndig == world.vedtaksmyndig_1
    assert made.soknad.status == Soknad.Status.AVSLUTTET
    brev = Vedtaksbrev.objects.get(vedtak=made)
    assert bytes(brev.pdf).startswith(b"%PDF")


def test_whoever_edits_a_draft_becomes_its_case_officer_and_cannot_approve_it(world: World) -> None:
    vedtak = _draft(world)
    vm = world.vedtaksmyndig_1
    RoleAssignmentFactory(user=vm, rolle=Role.SAKSBEHANDLER, bydel=world.bydel_1)
    world.P.saksbehandler = vm  # vm takes over the case for a while
    world.P.save()
    services.endre_vedtak_utkast(
        utfort_av=vm, decision=_decision(vm, world.P), vedtak=vedtak, data={"omfang": Decimal(4)}
    )
    vedtak.refresh_from_db()
    assert vedtak.saksbehandler == vm
    assert vedtak.timer_per_uke == Decimal(4)
    services.send_til_godkjenning(utfort_av=vm, decision=_decision(vm, world.P), vedtak=vedtak)
    with pytest.raises(ValidationError, match="To personer"):
        services.godkjenn_vedtak(utfort_av=vm, decision=_decision(vm, world.P), vedtak=vedtak)


def test_editing_a_draft_runs_the_same_checks(world: World) -> None:
    vedtak = _draft(world)
    with pytest.raises(ValidationError) as exc:
        services.endre_vedtak_utkast(
            utfort_av=world.saksbehandler_1,
            decision=_decision(world.saksbehandler_1, world.P),
            vedtak=vedtak,
            data={"omfang": Decimal(200)},
        )
    assert exc.value.message_dict["omfang"] == [MSG_MAX_HOURS]
    vedtak.refresh_from_db()
    assert vedtak.omfang == Decimal(3)


# --- a change to the person's disadvantage ---------------------------------------------------------------


def test_a_replacement_to_the_disadvantage_needs_the_person_heard_first(world: World) -> None:
    old = _in_force(world)
    old.soknad.status = Soknad.Status.AVSLUTTET
    old.soknad.save()
    sb = world.saksbehandler_1
    new = services.opprett_erstatningsvedtak(
        utfort_av=sb, decision=_decision(sb, world.P), soknad=old.soknad, data=_data(omfang=Decimal(2)), erstatter=old
    )
    new.soknad.refresh_from_db()
    assert new.soknad.status == Soknad.Status.VEDTAK  # the case is open again while the change is prepared
    assert services.ulemper(new) == ["Omfanget reduseres fra 3 til 2 timer per uke."]
    with pytest.raises(ValidationError, match="forhåndsvarsel"):
        services.send_til_godkjenning(utfort_av=sb, decision=_decision(sb, world.P), vedtak=new)
    services.registrer_forhandsvarsel(
        utfort_av=sb, decision=_decision(sb, world.P), vedtak=new, dato=TODAY(), notat="Personen er enig."
    )
    services.send_til_godkjenning(utfort_av=sb, decision=_decision(sb, world.P), vedtak=new)
    assert new.status == Vedtak.Status.TIL_GODKJENNING
    made = services.godkjenn_vedtak(
        utfort_av=world.vedtaksmyndig_1, decision=_decision(world.vedtaksmyndig_1, world.P), vedtak=new
    )
    old.refresh_from_db()
    assert old.status == Vedtak.Status.ERSTATTET
    assert made.soknad.status == Soknad.Status.AVSLUTTET


def test_a_replacement_that_fails_leaves_the_closed_soknad_closed(world: World) -> None:
    old = _in_force(world)
    Soknad.objects.filter(pk=old.soknad_id).update(status=Soknad.Status.AVSLUTTET)
    old.soknad.refresh_from_db()
    sb = world.saksbehandler_1
    with pytest.raises(ValidationError):
        services.opprett_erstatningsvedtak(
            utfort_av=sb,
            decision=_decision(sb, world.P),
            soknad=old.soknad,
            data=_data(omfang=Decimal(500)),
            erstatter=old,
        )
    assert Soknad.objects.get(pk=old.soknad_id).status == Soknad.Status.AVSLUTTET
    assert Vedtak.objects.count() == 1


def test_only_a_vedtak_in_force_can_be_replaced_and_only_once(world: World) -> None:
    draft = _draft(world)
    sb = world.saksbehandler_1
    with pytest.raises(ValidationError, match="Bare et vedtak som gjelder"):
        services.opprett_erstatningsvedtak(
            utfort_av=sb, decision=_decision(sb, world.P), soknad=draft.soknad, data=_data(), erstatter=draft
        )
    old = _in_force(world, tjenestetype="helsetjenester_i_hjemmet")
    services.opprett_erstatningsvedtak(
        utfort_av=sb,
        decision=_decision(sb, world.P),
        soknad=old.soknad,
        data=_data(tjenestetype="helsetjenester_i_hjemmet", omfang=Decimal(5)),
        erstatter=old,
    )
    with pytest.raises(ValidationError, match="allerede et nytt vedtak"):
        services.opprett_erstatningsvedtak(
            utfort_av=sb, decision=_decision(sb, world.P), soknad=old.soknad, data=_data(), erstatter=old
        )


def test_the_hearing_date_cannot_be_in_the_future(world: World) -> None:
    vedtak = _draft(world)
    with pytest.raises(ValidationError):
        services.registrer_forhandsvarsel(
            utfort_av=world.saksbehandler_1,
            decision=_decision(world.saksbehandler_1, world.P),
            vedtak=vedtak,
            dato=TODAY() + dt.timedelta(days=1),
            notat="Hørt.",
        )


# --- egenbetaling and BPA ------------------------------------------------------------------------------


def test_egenbetaling_for_praktisk_bistand_follows_the_kommunes_table(world: World) -> None:
    EgenbetalingSats.from_rate_table(world.kommune, OSLO_2019).save()
    vedtak = _draft(world, husstandsinntekt=250_000)  # 2-3 G: 76 kr an hour
    result = services.egenbetaling_for(vedtak)
    assert result is not None
    assert result.hourly_rate == 76
    assert result.hours_per_month == Decimal(12)  # 3 h/week × 4
    assert result.monthly_amount == Decimal("912.00")
    assert result.yearly_amount == Decimal("7600.00")  # 100 hours a year at most


def test_no_egenbetaling_without_income_or_for_health_services(world: World) -> None:
    EgenbetalingSats.from_rate_table(world.kommune, OSLO_2019).save()
    assert services.egenbetaling_for(_draft(world)) is None
    health = _draft(world, tjenestetype="helsetjenester_i_hjemmet", husstandsinntekt=250_000)
    assert services.egenbetaling_for(health) is None


def _person_aged(world: World, years: int) -> Tjenestemottaker:
    birth = dt.date(TODAY().year - years, 1, 1)  # the birthday this year has always passed
    number = identity.synthetic_number(birth, random.Random(years))
    return TjenestemottakerFactory(fodselsnummer=number, bydel=world.bydel_1, saksbehandler=world.saksbehandler_1)


def test_bpa_guidance_for_a_young_person_with_a_large_need(world: World) -> None:
    person = _person_aged(world, 40)
    assert person.alder == 40
    vedtak = _draft(world, soknad=_soknad(world, person), tjenestetype="bpa", omfang=Decimal(35), arbeidsleder="Selv")
    assessment = services.bpa_vurdering(vedtak)
    assert assessment is not None
    assert assessment.status == "rett"
    small = _draft(
        world,
        soknad=_soknad(world, person),
        tjenestetype="bpa",
        omfang=Decimal(28),
        fom=vedtak.tom + dt.timedelta(1),
        tom=None,
    )
    assert services.bpa_vurdering(small).status == "skjonn"  # type: ignore[union-attr]
    assert services.bpa_vurdering(_draft(world)) is None


# --- brukervalg and bestilling -------------------------------------------------------------------------


def test_brukervalg_with_a_private_provider_opens_the_person_to_its_leader(world: World) -> None:
    provider, leader = _private_provider(world)
    vedtak = _in_force(world)
    assert not access.check(leader, Action.VIEW, world.P).allowed
    bestilling = services.registrer_brukervalg(
        utfort_av=world.saksbehandler_1,
        decision=_decision(world.saksbehandler_1, world.P),
        vedtak=vedtak,
        informasjon_gitt=TODAY(),
        leverandor=provider,
    )
    assert bestilling.leverandor == provider
    assert (bestilling.fra, bestilling.til, bestilling.status) == (vedtak.fom, vedtak.tom, Bestilling.Status.NY)
    decision = access.check(leader, Action.VIEW, world.P)
    assert decision.allowed
    assert decision.ground_code == "bestilling"
    assert list(services.bestillinger_for_leverandor([provider.pk])) == [bestilling]


def test_no_choice_means_the_municipal_provider(world: World) -> None:
    vedtak = _in_force(world, tjenestetype="stottekontakt")
    bestilling = services.registrer_brukervalg(
        utfort_av=world.saksbehandler_1,
        decision=_decision(world.saksbehandler_1, world.P),
        vedtak=vedtak,
        informasjon_gitt=TODAY(),
        leverandor=None,
    )
    assert bestilling.leverandor == world.leverandor
    assert vedtak.brukervalg.valgt_leverandor is None


def test_a_switch_of_provider_takes_effect_after_ten_days(world: World) -> None:
    provider, _ = _private_provider(world)
    vedtak = _in_force(world, fom=TODAY() - dt.timedelta(days=30))
    sb = world.saksbehandler_1
    first = services.registrer_brukervalg(
        utfort_av=sb, decision=_decision(sb, world.P), vedtak=vedtak, informasjon_gitt=TODAY(), leverandor=None
    )
    new = services.bytt_leverandor(
        utfort_av=sb, decision=_decision(sb, world.P), vedtak=vedtak, leverandor=provider, varslet=TODAY()
    )
    first.refresh_from_db()
    assert new.fra == TODAY() + dt.timedelta(days=10)
    assert first.til == TODAY() + dt.timedelta(days=9)
    assert new.leverandor == provider


# --- klage and the statistics ----------------------------------------------------------------------------


def _klage(world: World, vedtak: Vedtak, days_since_receipt: int) -> Klage:
    return services.registrer_klage(
        utfort_av=world.saksbehandler_1,
        decision=_decision(world.saksbehandler_1, world.P),
        vedtak=vedtak,
        mottatt=TODAY(),
        vedtak_mottatt=TODAY() - dt.timedelta(days=days_since_receipt),
        gjelder="Personen mener hun trenger mer hjelp.",
    )


def test_a_late_complaint_is_registered_and_flagged(world: World) -> None:
    vedtak = _in_force(world)
    in_time = _klage(world, vedtak, 7)
    late = _klage(world, vedtak, 60)
    assert not in_time.for_sent
    assert late.for_sent
    assert late.pk is not None


def test_a_complaint_on_a_draft_is_refused(world: World) -> None:
    with pytest.raises(ValidationError, match="fattet"):
        _klage(world, _draft(world), 7)


def test_klage_full_reversal_ends_it_partial_goes_to_statsforvalteren(world: World) -> None:
    vedtak = _in_force(world)
    sb = world.saksbehandler_1
    full = services.vurder_klage(
        utfort_av=sb,
        decision=_decision(sb, world.P),
        klage_sak=_klage(world, vedtak, 7),
        vurdering=Klage.Vurdering.FULL,
        begrunnelse="Bydelen er enig i klagen.",
    )
    assert (full.status, full.endelig_utfall) == (Klage.Status.AVSLUTTET, Klage.Utfall.MEDHOLD)
    with pytest.raises(ValidationError):
        services.oversend_statsforvalteren(utfort_av=sb, decision=_decision(sb, world.P), klage_sak=full)
    partial = services.vurder_klage(
        utfort_av=sb,
        decision=_decision(sb, world.P),
        klage_sak=_klage(world, vedtak, 7),
        vurdering=Klage.Vurdering.DELVIS,
        begrunnelse="Bydelen øker omfanget noe.",
    )
    assert partial.status == Klage.Status.VURDERT
    services.oversend_statsforvalteren(utfort_av=sb, decision=_decision(sb, world.P), klage_sak=partial)
    services.registrer_endelig_utfall(
        utfort_av=sb, decision=_decision(sb, world.P), klage_sak=partial, utfall=Klage.Utfall.IKKE
    )
    assert partial.status == Klage.Status.AVSLUTTET
    assert partial.oversendt_statsforvalteren == TODAY()


def test_klage_statistics_are_one_query_with_the_right_shares(world: World) -> None:
    pb = _in_force(world)
    hs = _in_force(world, tjenestetype="helsetjenester_i_hjemmet")

    def decided(vedtak: Vedtak, utfall: str, status: str = Klage.Status.AVSLUTTET) -> None:
        Klage.objects.create(
            vedtak=vedtak,
            mottatt=TODAY(),
            vedtak_mottatt=TODAY(),
            frist=TODAY(),
            klagen_gjelder="x",
            registrert_av=world.saksbehandler_1,
            status=status,
            endelig_utfall=utfall,
            avsluttet=TODAY() if utfall else None,
        )

    for utfall in (Klage.Utfall.MEDHOLD, Klage.Utfall.DELVIS, Klage.Utfall.IKKE):
        decided(pb, utfall)
    decided(pb, "", Klage.Status.STATSFORVALTEREN)  # not decided yet: not counted
    decided(hs, Klage.Utfall.MEDHOLD)
    decided(hs, Klage.Utfall.AVVIST)
    with CaptureQueriesContext(connection) as queries:
        rows = {r["vedtak__tjenestetype"]: r for r in klage_statistics()}
    assert len(queries) == 1
    assert rows["praktisk_bistand"]["avgjort"] == 3
    assert rows["praktisk_bistand"]["andel_medhold"] == Decimal("33.3")
    assert rows["praktisk_bistand"]["andel_delvis"] == Decimal("33.3")
    assert rows["praktisk_bistand"]["andel_ikke"] == Decimal("33.3")
    assert rows["helsetjenester_i_hjemmet"]["avgjort"] == 2
    assert rows["helsetjenester_i_hjemmet"]["andel_medhold"] == Decimal("50.0")
    assert rows["helsetjenester_i_hjemmet"]["andel_ikke"] == Decimal("50.0")
    assert klage_statistics(aar=TODAY().year - 1) == []


def test_only_case_officers_prepare_replacements_and_record_hearings(world: World) -> None:
    old = _in_force(world)
    nurse = world.nurse_a  # P's primærkontakt: has access to P, but is no case officer
    with pytest.raises(ValidationError, match="Bare saksbehandlere"):
        services.opprett_erstatningsvedtak(
            utfort_av=nurse, decision=_decision(nurse, world.P), soknad=old.soknad, data=_data(), erstatter=old
        )
    draft = _draft(world, tjenestetype="helsetjenester_i_hjemmet")
    with pytest.raises(ValidationError, match="Bare saksbehandlere"):
        services.registrer_forhandsvarsel(
            utfort_av=nurse, decision=_decision(nurse, world.P), vedtak=draft, dato=TODAY(), notat="Hørt."
        )
    with pytest.raises(ValidationError, match="Bare saksbehandlere"):
        services.endre_vedtak_utkast(
            utfort_av=nurse, decision=_decision(nurse, world.P), vedtak=draft, data={"omfang": Decimal(1)}
        )


# --- sending back and discarding (lead's additions) --------------------------------------------------


def test_the_approver_sends_a_vedtak_back_with_a_note_and_the_officer_resubmits(world: World) -> None:
    from helhet.cases import services as s
    from helhet.core import access as a

    vedtak = _draft(world)
    officer_decision = a.check(world.saksbehandler_1, a.Action.EDIT, world.P)
    s.send_til_godkjenning(utfort_av=world.saksbehandler_1, decision=officer_decision, vedtak=vedtak)
    with pytest.raises(ValidationError, match="vedtaksmyndighet"):
        s.returner_vedtak(
            utfort_av=world.saksbehandler_1,
            decision=officer_decision,
            vedtak=vedtak,
            merknad="Jeg sender den til meg selv",
        )
    approver_decision = a.check(world.vedtaksmyndig_1, a.Action.EDIT, world.P)
    with pytest.raises(ValidationError, match="minst 10 tegn"):
        s.returner_vedtak(utfort_av=world.vedtaksmyndig_1, decision=approver_decision, vedtak=vedtak, merknad="nei")
    s.returner_vedtak(
        utfort_av=world.vedtaksmyndig_1,
        decision=approver_decision,
        vedtak=vedtak,
        merknad="Begrunnelsen må vise til kartleggingen.",
    )
    vedtak.refresh_from_db()
    assert (vedtak.status, vedtak.retur_merknad) == ("utkast", "Begrunnelsen må vise til kartleggingen.")
    s.send_til_godkjenning(utfort_av=world.saksbehandler_1, decision=officer_decision, vedtak=vedtak)
    vedtak.refresh_from_db()
    assert (vedtak.status, vedtak.retur_merknad) == ("til_godkjenning", "")


def test_a_discarded_draft_no_longer_blocks_a_new_vedtak(world: World) -> None:
    from helhet.cases import services as s
    from helhet.core import access as a

    vedtak = _draft(world)
    decision = a.check(world.saksbehandler_1, a.Action.EDIT, world.P)
    with pytest.raises(ValidationError, match="allerede et vedtak"):
        _draft(world, soknad=vedtak.soknad)
    s.forkast_utkast(utfort_av=world.saksbehandler_1, decision=decision, vedtak=vedtak)
    assert Vedtak.objects.get(pk=vedtak.pk).status == "forkastet"
    assert _draft(world, soknad=vedtak.soknad).status == "utkast"
    with pytest.raises(ValidationError, match="Bare utkast"):
        s.forkast_utkast(utfort_av=world.saksbehandler_1, decision=decision, vedtak=Vedtak.objects.get(pk=vedtak.pk))


def test_a_complaint_posted_in_time_is_in_time_even_if_it_arrives_late(world: World) -> None:
    vedtak = _in_force(world)
    received = dt.date(2026, 3, 2)  # a Monday; the deadline is Monday 30 March 2026
    late = services.registrer_klage(
        utfort_av=world.saksbehandler_1,
        decision=_decision(world.saksbehandler_1, world.P),
        vedtak=vedtak,
        mottatt=dt.date(2026, 4, 2),
        vedtak_mottatt=received,
        gjelder="For lite hjelp",
    )
    posted = services.registrer_klage(
        utfort_av=world.saksbehandler_1,
        decision=_decision(world.saksbehandler_1, world.P),
        vedtak=vedtak,
        mottatt=dt.date(2026, 4, 2),
        vedtak_mottatt=received,
        gjelder="For lite hjelp",
        sendt=dt.date(2026, 3, 27),
    )
    assert (late.for_sent, posted.for_sent, posted.sendt) == (True, False, dt.date(2026, 3, 27))
