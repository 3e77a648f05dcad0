"""The vedtak letter (``helhet.cases.letters``): its sections, its privacy, versions and checksum.

The letter's text is read back from the PDF with pypdf, the way a person's screen reader or a
pdftotext check would read it. The structure follows Oslo's two example letters (seed 004,
appendices 1-2); the Oslo 2019 co-payment table is the kommune's configured table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from factories import World
from helhet.cases import letters, services
from helhet.cases.models import Dokument, EgenbetalingSats, Kartlegging, Soknad, Vedtak, Vedtaksbrev
from helhet.cases.rules import tjenester
from helhet.cases.rules.egenbetaling import OSLO_2019
from helhet.core import access
from helhet.core.models import AuditEvent, Kontaktpunkt

pytestmark = pytest.mark.django_db

LETTER_DATE = dt.date(2019, 4, 11)
FOM, TOM = dt.date(2019, 4, 12), dt.date(2019, 6, 22)


def pdf_text(pdf: bytes) -> str:
    """All text of the PDF, whitespace collapsed so line breaks do not matter."""
    reader = PdfReader(BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def soknad(world: World) -> Soknad:
    Kontaktpunkt.objects.create(
        bydel=world.bydel_1,
        telefon="21 80 21 80",
        epost="kontaktpunkt@bydel-nord.example.org",
        besoksadresse="Storgata 1, 0155 Oslo",
    )
    EgenbetalingSats.from_rate_table(world.kommune, OSLO_2019).save()
    soknad = Soknad.objects.create(
        tjenestemottaker=world.P,
        bydel=world.bydel_1,
        saksbehandler=world.saksbehandler_1,
        mottatt=dt.date(2019, 4, 9),
        gjelder="Hjelp hjemme etter lårhalsbrudd",
    )
    Kartlegging.objects.create(
        soknad=soknad,
        viktig_for_meg="Å bo hjemme og gå tur med hunden hver dag.",
        hjemmebesok_dato=dt.date(2019, 4, 10),
    )
    for type_, tittel, datert in [
        (Dokument.Type.HJEMMEBESOK, "Rapport fra hjemmebesøk", dt.date(2019, 4, 10)),
        (Dokument.Type.SYKEHUS, "Epikrise fra Diakonhjemmet sykehus", dt.date(2019, 4, 8)),
    ]:
        content = f"{tittel} {datert}".encode()
        Dokument.objects.create(
            soknad=soknad,
            type=type_,
            tittel=tittel,
            datert=datert,
            filnavn="dokument.pdf",
            innholdstype="application/pdf",
            innhold=content,
            sha256=hashlib.sha256(content).hexdigest(),
            storrelse=len(content),
            lastet_opp_av=world.saksbehandler_1,
        )
    return soknad


def make_vedtak(world: World, soknad: Soknad, tjenestetype: str, **overrides: Any) -> Vedtak:
    service = tjenester.by_code(tjenestetype)
    omfang = overrides.pop("omfang", None if service.scope_unit == tjenester.ScopeUnit.INGEN else Decimal("2.5"))
    fields: dict[str, Any] = {
        "soknad": soknad,
        "tjenestemottaker": soknad.tjenestemottaker,
        "tjenestetype": tjenestetype,
        "utfall": Vedtak.Utfall.INNVILGET,
        "omfang": omfang,
        "omfang_enhet": service.scope_unit.value if omfang is not None else "",
        "timer_per_uke": omfang if service.scope_unit == tjenester.ScopeUnit.TIMER_PER_UKE else None,
        "innhold": "Støvsuging og gulvvask.",
        "formal": "Sikre at du får hjelp til tyngre renhold mens bruddet gror.",
        "mal": "Jeg vil klare vasken selv igjen til sommeren.",
        "fom": FOM,
        "tom": TOM,
        "begrunnelse": "Du skal ikke løfte tungt eller bøye deg de neste seks ukene.",
        "hjemmel": "; ".join(service.hjemmel),
        "saksbehandler": world.saksbehandler_1,
        "vedtaksmyndig": world.vedtaksmyndig_1,
        "status": Vedtak.Status.FATTET,
        "fattet": timezone.now(),
    }
    fields.update(overrides)
    return Vedtak.objects.create(**fields)


def render(vedtak: Vedtak, versjon: int = 1) -> str:
    return pdf_text(letters.render_vedtaksbrev(vedtak, versjon=versjon, dato=LETTER_DATE))


# --- structure ------------------------------------------------------------------------------------------


def test_praktisk_bistand_letter_has_every_section(world: World, soknad: Soknad) -> None:
    vedtak = make_vedtak(world, soknad, "praktisk_bistand", husstandsinntekt=250_000)
    text = render(vedtak)

    for heading in ["SAKSOPPLYSNINGER", "BEGRUNNELSE", "INFORMASJON", "BRUKERVALG", "EGENBETALING", "KLAGE"]:
        assert heading in text, heading
    assert text.index("SAKSOPPLYSNINGER") < text.index("BEGRUNNELSE") < text.index("INFORMASJON")
    assert text.index("INFORMASJON") < text.index("BRUKERVALG") < text.index("EGENBETALING") < text.index("KLAGE")
    assert "Vedtak om praktisk bistand – daglige gjøremål" in text
    assert letters.MARKING in text
    assert "Bydel Nord" in text and "Kontaktpunkt" in text and "21 80 21 80" in text


def test_letter_names_the_person_and_only_the_masked_number(world: World, soknad: Soknad) -> None:
    text = render(make_vedtak(world, soknad, "praktisk_bistand"))

    assert "Per Prøve" in text
    assert world.P.adresse in text
    assert world.P.fodselsnummer_maskert in text
    assert world.P.fodselsnummer not in text
    assert world.P.fodselsnummer[6:] not in text  # the personnummer part appears nowhere
    assert f"{world.P.fodselsdato:%d.%m.%Y}" in text


def test_references_dates_and_people(world: World, soknad: Soknad) -> None:
    vedtak = make_vedtak(world, soknad, "praktisk_bistand")
    text = render(vedtak)

    assert f"Vår ref.: {soknad.pk}/{vedtak.pk}" in text
    assert "Saksbehandler: Sara Berg" in text
    assert "Dato: 11.04.2019" in text
    assert "Med hilsen" in text
    assert "Vidar Vik" in text and "Vedtaksmyndig" in text
    assert letters.SIGNATURE_NOTE in text
    assert "Side 1 av" in text


def test_what_is_granted_period_purpose_and_goal(world: World, soknad: Soknad) -> None:
    text = render(make_vedtak(world, soknad, "praktisk_bistand"))

    assert "inntil 2,5 timer per uke" in text
    assert "Støvsuging og gulvvask." in text
    assert "f.o.m. 12.04.2019 t.o.m. 22.06.2019" in text
    assert "Sikre at du får hjelp til tyngre renhold" in text
    assert "«Jeg vil klare vasken selv igjen til sommeren.»" in text


def test_open_ended_vedtak_says_inntil_videre(world: World, soknad: Soknad) -> None:
    text = render(make_vedtak(world, soknad, "helsetjenester_i_hjemmet", tom=None))
    assert "f.o.m. 12.04.2019 og inntil videre" in text


def test_saksopplysninger_lists_the_documents_and_what_matters(world: World, soknad: Soknad) -> None:
    text = render(make_vedtak(world, soknad, "praktisk_bistand"))
    section = text[text.index("SAKSOPPLYSNINGER") : text.index("BEGRUNNELSE")]

    assert "09.04.2019" in section  # the application
    assert "10.04.2019" in section  # the home visit
    assert "Rapport fra hjemmebesøk" in section
    assert "Epikrise fra Diakonhjemmet sykehus" in section and "08.04.2019" in section
    assert section.index("Epikrise") < section.index("Rapport fra hjemmebesøk 10.04")  # oldest first
    assert "Hva er viktig for deg?" in section
    assert "«Å bo hjemme og gå tur med hunden hver dag.»" in section


def test_begrunnelse_spells_out_the_legal_basis(world: World, soknad: Soknad) -> None:
    text = render(make_vedtak(world, soknad, "praktisk_bistand", hjemmel="hol. § 3-2 første ledd nr. 6 bokstav b"))
    section = text[text.index("BEGRUNNELSE") : text.index("INFORMASJON")]

    assert "Du skal ikke løfte tungt" in section
    assert "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6 bokstav b" in section
    assert "hol." not in section
    assert "pasient- og brukerrettighetsloven § 2-1 a" in section


def test_informasjon_and_klage(world: World, soknad: Soknad) -> None:
    text = render(make_vedtak(world, soknad, "helsetjenester_i_hjemmet"))
    info = text[text.index("INFORMASJON") : text.index("BRUKERVALG")]
    klage = text[text.index("KLAGE") :]

    assert "forvaltningsloven § 16" in info and "forvaltningsloven § 18" in info
    assert "Kontaktpunktet i Bydel Nord" in info
    assert "fire uker fra vedtaket kom fram til deg" in klage
    assert "pasient- og brukerrettighetsloven kapittel 7, § 7-5" in klage
    assert "Statsforvalteren" in klage
    assert "pasient- og brukerombudet" in klage
    assert "Send klagen til Bydel Nord" in klage


# --- sections that depend on the service --------------------------------------------------------------


def test_hjemmesykepleie_has_brukervalg_but_no_egenbetaling(world: World, soknad: Soknad) -> None:
    text = render(make_vedtak(world, soknad, "helsetjenester_i_hjemmet", husstandsinntekt=250_000))
    assert "BRUKERVALG" in text
    assert "ti dager" in text
    assert "EGENBETALING" not in text
    assert "Timesats" not in text


def test_trygghetsalarm_has_neither_brukervalg_nor_egenbetaling(world: World, soknad: Soknad) -> None:
    text = render(make_vedtak(world, soknad, "trygghetsalarm"))
    assert "Vedtak om trygghetsalarm" in text
    assert "BRUKERVALG" not in text
    assert "EGENBETALING" not in text
    assert "Omfang" not in text  # a service without scope has no amount


def test_egenbetaling_for_2_to_3_g(world: World, soknad: Soknad) -> None:
    vedtak = make_vedtak(world, soknad, "praktisk_bistand", husstandsinntekt=250_000)
    result = services.egenbetaling_for(vedtak)
    assert result is not None
    text = render(vedtak)
    section = text[text.index("EGENBETALING") : text.index("KLAGE")]

    assert "Timesats 76 kr" in section
    assert "Beløp per måned 760 kr" in section
    assert "Årlig tak 7 600 kr" in section
    assert result.explanation in section
    for row in ["Under 193 766 kr", "Fra 193 766 kr", "Fra 290 649 kr", "Fra 387 532 kr", "31 900 kr per år"]:
        assert row in section  # the whole 2019 table is shown


def test_egenbetaling_under_2_g_shows_the_monthly_cap(world: World, soknad: Soknad) -> None:
    text = render(make_vedtak(world, soknad, "praktisk_bistand", husstandsinntekt=150_000))
    section = text[text.index("EGENBETALING") : text.index("KLAGE")]

    assert "Timesats 35 kr" in section
    assert "Beløp per måned 210 kr" in section  # 10 h × 35 kr = 350 kr, capped at 210 kr
    assert "Utgiftstak per måned 210 kr" in section


def test_egenbetaling_without_income_is_calculated_later(world: World, soknad: Soknad) -> None:
    text = render(make_vedtak(world, soknad, "praktisk_bistand", husstandsinntekt=None))
    section = text[text.index("EGENBETALING") : text.index("KLAGE")]

    assert "Egenandelen blir beregnet når inntekten er dokumentert" in section
    assert "Timesats" not in section


def test_bpa_names_the_arbeidsleder(world: World, soknad: Soknad) -> None:
    text = render(make_vedtak(world, soknad, "bpa", omfang=Decimal(35), arbeidsleder="Kari Prøve (datter)"))
    assert "Arbeidsleder: Kari Prøve (datter)" in text
    assert "pasient- og brukerrettighetsloven § 2-1 d" in text


def test_refusal_letter(world: World, soknad: Soknad) -> None:
    vedtak = make_vedtak(
        world,
        soknad,
        "praktisk_bistand",
        utfall=Vedtak.Utfall.AVSLAG,
        omfang=None,
        timer_per_uke=None,
        husstandsinntekt=250_000,
        begrunnelse="Du klarer renholdet selv med de hjelpemidlene du har fått.",
    )
    text = render(vedtak)

    assert "Avslag på søknad om praktisk bistand" in text
    assert "Du klarer renholdet selv" in text
    for heading in ["SAKSOPPLYSNINGER", "BEGRUNNELSE", "INFORMASJON", "KLAGE"]:
        assert heading in text
    assert "BRUKERVALG" not in text
    assert "EGENBETALING" not in text
    assert "f.o.m." not in text


def test_draft_is_marked(world: World, soknad: Soknad) -> None:
    vedtak = make_vedtak(world, soknad, "praktisk_bistand", status=Vedtak.Status.TIL_GODKJENNING, vedtaksmyndig=None)
    text = render(vedtak)
    assert "UTKAST" in text
    assert letters.SIGNATURE_NOTE not in text


# --- the PDF itself -----------------------------------------------------------------------------------


def test_norwegian_letters_and_punctuation_survive(world: World, soknad: Soknad) -> None:
    vedtak = make_vedtak(
        world,
        soknad,
        "praktisk_bistand",
        begrunnelse="Blåbær, ØYEBLIKK og ÆRFUGL – «sitat» § 3 … <b>ikke fet</b> & co.",
    )
    text = render(vedtak)
    assert "Blåbær, ØYEBLIKK og ÆRFUGL – «sitat» § 3 … <b>ikke fet</b> & co." in text


def test_letters_outside_winansi_fall_back_to_their_base_letter(world: World, soknad: Soknad) -> None:
    world.P.fornavn, world.P.etternavn = "Čállá", "Áŋŋeš"
    world.P.save()
    text = render(make_vedtak(world, soknad, "praktisk_bistand"))
    assert "Cállá Ánneš" in text
    assert "\u25a0" not in text  # no black boxes


def test_metadata_names_the_bydel_not_the_person(world: World, soknad: Soknad) -> None:
    pdf = letters.render_vedtaksbrev(make_vedtak(world, soknad, "praktisk_bistand"), versjon=1, dato=LETTER_DATE)
    meta = PdfReader(BytesIO(pdf)).metadata
    assert meta is not None
    assert meta.author == "Bydel Nord"
    assert meta.title == "Vedtak om praktisk bistand – daglige gjøremål – Bydel Nord"
    assert "Prøve" not in str(dict(meta))
    assert meta["/CreationDate"].startswith("D:20190411")
    assert PdfReader(BytesIO(pdf)).pages[0].mediabox.width == pytest.approx(595.27, abs=0.1)  # A4


def test_rendering_is_deterministic(world: World, soknad: Soknad) -> None:
    vedtak = make_vedtak(world, soknad, "praktisk_bistand")
    first = letters.render_vedtaksbrev(vedtak, versjon=1, dato=LETTER_DATE)
    assert first == letters.render_vedtaksbrev(vedtak, versjon=1, dato=LETTER_DATE)
    assert first != letters.render_vedtaksbrev(vedtak, versjon=2, dato=LETTER_DATE)


def test_page_numbers_count_all_pages(world: World, soknad: Soknad) -> None:
    long_reason = "\n\n".join(f"Avsnitt {n}: " + "Bydelen har lagt vekt på dette. " * 12 for n in range(12))
    pdf = letters.render_vedtaksbrev(
        make_vedtak(world, soknad, "praktisk_bistand", begrunnelse=long_reason), versjon=1, dato=LETTER_DATE
    )
    pages = PdfReader(BytesIO(pdf)).pages
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"Side {number} av {len(pages)}" in page.extract_text()


# --- storing, versions, audit ---------------------------------------------------------------------------


def test_lag_vedtaksbrev_stores_versions_with_checksum_and_audit(world: World, soknad: Soknad) -> None:
    vedtak = make_vedtak(world, soknad, "praktisk_bistand", husstandsinntekt=250_000)

    first = letters.lag_vedtaksbrev(utfort_av=world.vedtaksmyndig_1, vedtak=vedtak)
    second = letters.lag_vedtaksbrev(utfort_av=world.vedtaksmyndig_1, vedtak=vedtak)

    assert (first.versjon, second.versjon) == (1, 2)
    for brev in (first, second):
        stored = Vedtaksbrev.objects.get(pk=brev.pk)
        assert stored.sha256 == hashlib.sha256(bytes(stored.pdf)).hexdigest()
        assert letters.brev_er_uendret(stored)
        assert stored.laget_av == world.vedtaksmyndig_1
        assert "Vedtak om praktisk bistand" in pdf_text(bytes(stored.pdf))
    assert "Brevversjon: 2" in pdf_text(bytes(second.pdf))

    events = AuditEvent.objects.filter(record_type=Vedtaksbrev._meta.label).order_by("seq")
    assert [e.record_id for e in events] == [str(first.pk), str(second.pk)]
    event = events[0]
    assert event.action == "create"
    assert event.tjenestemottaker_id == world.P.pk
    assert event.ground == "godkjenning"
    assert event.ground_label == letters.AUDIT_GROUND_LABEL
    assert event.user_id == world.vedtaksmyndig_1.pk
    assert world.P.fodselsnummer not in str(event.details)


def test_a_changed_letter_is_detected(world: World, soknad: Soknad) -> None:
    brev = letters.lag_vedtaksbrev(utfort_av=world.vedtaksmyndig_1, vedtak=make_vedtak(world, soknad, "trygghetsalarm"))
    brev.pdf = bytes(brev.pdf).replace(b"Vedtak", b"Vedtek", 1)
    assert not letters.brev_er_uendret(brev)


def test_approval_makes_the_first_letter(world: World, soknad: Soknad) -> None:
    vedtak = make_vedtak(
        world, soknad, "helsetjenester_i_hjemmet", status=Vedtak.Status.TIL_GODKJENNING, vedtaksmyndig=None
    )
    approver = world.vedtaksmyndig_1
    decision = access.check(approver, access.Action.EDIT, world.P)

    services.godkjenn_vedtak(utfort_av=approver, decision=decision, vedtak=vedtak)

    brev = Vedtaksbrev.objects.get(vedtak=vedtak)
    assert brev.versjon == 1
    assert letters.brev_er_uendret(brev)
    text = pdf_text(bytes(brev.pdf))
    assert "Vedtak om helsetjenester i hjemmet (hjemmesykepleie)" in text
    assert "Vidar Vik" in text and letters.SIGNATURE_NOTE in text
    assert f"Dato: {timezone.localdate():%d.%m.%Y}" in text


def test_a_sent_letter_never_changes(world: World, soknad: Soknad) -> None:
    vedtak = make_vedtak(world, soknad, "praktisk_bistand")
    brev = letters.lag_vedtaksbrev(utfort_av=world.vedtaksmyndig_1, vedtak=vedtak)
    decision = access.check(world.saksbehandler_1, access.Action.EDIT, world.P)
    services.send_brev(utfort_av=world.saksbehandler_1, decision=decision, brev=brev, sendt=dt.date(2026, 2, 2))
    brev.pdf, brev.sha256 = b"%PDF-1.4 forged", "f" * 64
    with pytest.raises(ValueError, match="immutable"):
        brev.save()


def test_a_tampered_letter_cannot_be_sent(world: World, soknad: Soknad) -> None:
    vedtak = make_vedtak(world, soknad, "praktisk_bistand")
    brev = letters.lag_vedtaksbrev(utfort_av=world.vedtaksmyndig_1, vedtak=vedtak)
    Vedtaksbrev.objects.filter(pk=brev.pk).update(pdf=b"%PDF-1.4 other")
    brev.refresh_from_db()
    decision = access.check(world.saksbehandler_1, access.Action.EDIT, world.P)
    with pytest.raises(ValidationError, match="sjekksummen"):
        services.send_brev(utfort_av=world.saksbehandler_1, decision=decision, brev=brev, sendt=dt.date(2026, 2, 2))
    assert Vedtaksbrev.objects.get(pk=brev.pk).sendt is None
