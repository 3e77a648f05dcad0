"""The vedtak letter (vedtaksbrev): an A4 PDF made from a :class:`~helhet.cases.models.Vedtak`.

Structure follows the two example letters in Oslo's standard for services in the home (seed 004,
appendices 1-2, lines 1362-1590): exempt-from-public-access marking and references, what is granted
(or refused), the period, purpose and the person's goal, then SAKSOPPLYSNINGER, BEGRUNNELSE,
INFORMASJON, BRUKERVALG (where free choice applies), EGENBETALING (where the service is charged),
KLAGE and the signatures. The wording is Helhet's own.

Legal references used in the text:

- offentleglova § 13 første ledd with forvaltningsloven § 13 første ledd nr. 1: personal matters are
  confidential, so the letter is exempt from public access (the marking on the first page).
- pasient- og brukerrettighetsloven § 2-1 a andre ledd (right to necessary services from the
  kommune), helse- og omsorgstjenesteloven § 3-1 (the kommune's duty) and the service's own basis
  (``vedtak.hjemmel``, from the catalogue in ``rules/tjenester.py``).
- forvaltningsloven § 16 (prior notice before a change to the person's disadvantage) and § 18
  (right of access to the case documents).
- pasient- og brukerrettighetsloven kapittel 7 and § 7-5: complaint within four weeks of the letter
  reaching the person, to the bydel, which reassesses and, unless it reverses in full, forwards the
  complaint to Statsforvalteren (``rules/klage.py``).
- Brukervalg: switch of provider with ten days' notice, no reason needed (seed 004; ``services``).

The PDF uses the standard Helvetica font in WinAnsi encoding, which every PDF reader has and which
covers Norwegian (æ ø å, « » – §). Characters outside it (some Sámi letters: č, đ, ŋ, ŧ) are
written in their closest base letter rather than as a missing-glyph box; see :func:`_winansi`.

Output is deterministic: the same vedtak, version and date give the same bytes (reportlab's
*invariant* mode, with the PDF's creation date set to the letter's date). Once a letter is sent it is
never rendered again; :func:`brev_er_uendret` checks the stored bytes against their SHA-256.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Callable
from functools import partial
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from helhet.cases import services
from helhet.cases.models import Kartlegging, Vedtak, Vedtaksbrev
from helhet.cases.rules import egenbetaling
from helhet.core import audit
from helhet.core.models import AuditAction, Role, User

FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"
FONT_ITALIC = "Helvetica-Oblique"
INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#9a9a9a")
SHADE = colors.HexColor("#f0f0f0")

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 22 * mm
MARGIN_TOP = 18 * mm
MARGIN_BOTTOM = 24 * mm
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X

MARKING = "Unntatt offentlighet, jf. offentleglova § 13 første ledd, jf. forvaltningsloven § 13 første ledd nr. 1"
SIGNATURE_NOTE = "Vedtaket er godkjent elektronisk og har ingen håndskrevet signatur."
AUDIT_GROUND = "godkjenning"
AUDIT_GROUND_LABEL = "Vedtaksmyndig: vedtak til godkjenning"

# Abbreviations a case officer may type in «hjemmel»; the letter spells the law out.
_LAW_NAMES = (
    (r"\bhol\.", "helse- og omsorgstjenesteloven"),
    (r"\bhotjl\.", "helse- og omsorgstjenesteloven"),
    (r"\bpbrl\.", "pasient- og brukerrettighetsloven"),
    (r"\bpasrl\.", "pasient- og brukerrettighetsloven"),
    (r"\bfvl\.", "forvaltningsloven"),
    (r"\bforvl\.", "forvaltningsloven"),
    (r"\boffl\.", "offentleglova"),
)
_HJEMMEL_WORDS = (
    (r"\b1\. ledd\b", "første ledd"),
    (r"\b2\. ledd\b", "andre ledd"),
    (r"\b3\. ledd\b", "tredje ledd"),
    (r"\bbokst\.", "bokstav"),
)

# Letters outside WinAnsi that have no Unicode decomposition to a base letter.
_NO_DECOMPOSITION = {"đ": "d", "Đ": "D", "ŋ": "n", "Ŋ": "N", "ŧ": "t", "Ŧ": "T", "ı": "i", "ł": "l", "Ł": "L"}


# --- text helpers -------------------------------------------------------------------------------------


def _encodable(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _winansi(text: str) -> str:
    """``text`` in characters the standard PDF fonts can draw (WinAnsi ≈ cp1252).

    Norwegian is fully covered. Other letters fall back to their base letter (č → c, ŋ → n), and
    anything else to «?», so a name never turns into black boxes. Control characters go, except
    newlines. A Unicode font (e.g. Noto Sans, bundled with the app) would lift this limit.
    """
    out: list[str] = []
    for ch in text:
        if ch == "\n" or (_encodable(ch) and unicodedata.category(ch) != "Cc"):
            out.append(ch)
        elif unicodedata.category(ch) == "Cc":
            out.append(" " if ch in "\t\r" else "")
        elif ch in _NO_DECOMPOSITION:
            out.append(_NO_DECOMPOSITION[ch])
        elif unicodedata.category(ch).startswith("Z"):
            out.append(" ")
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            out.append(base if base and _encodable(base) else "?")
    return "".join(out)


NBSP = "\u00a0"
_KEEP_TOGETHER = re.compile(r"(?<=\d) (?=\d)|(?<=\d) (?=kr\b)|(?<=§) (?=\d)")


def _typeset(markup: str) -> str:
    """No line break inside «7 600 kr», «21 80 21 80» or «§ 13»: those spaces become non-breaking."""
    return _KEEP_TOGETHER.sub(NBSP, markup)


def _para(markup: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(_typeset(markup), style)


def _esc(text: object) -> str:
    """Free text from the database, safe for reportlab's paragraph markup; newlines kept."""
    return escape(_winansi(str(text))).replace("\n", "<br/>")


def _paragraphs(text: str) -> list[str]:
    """Split free text into paragraphs at blank lines."""
    return [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def _date(day: dt.date | None) -> str:
    return f"{day:%d.%m.%Y}" if day else ""


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _person_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def hjemmel_tekst(hjemmel: str) -> str:
    """The legal basis spelled out: abbreviations expanded, several bases joined with «og»."""
    parts = [p.strip() for p in re.split(r"[;\n]", hjemmel) if p.strip()]
    spelled = []
    for part in parts:
        for pattern, full in (*_LAW_NAMES, *_HJEMMEL_WORDS):
            part = re.sub(pattern, full, part, flags=re.IGNORECASE)
        spelled.append(part.rstrip("."))
    if not spelled:
        return ""
    if len(spelled) == 1:
        return spelled[0]
    return ", ".join(spelled[:-1]) + " og " + spelled[-1]


def var_ref(vedtak: Vedtak) -> str:
    """«Vår ref.»: the application and the vedtak, «søknad/vedtak»."""
    return f"{vedtak.soknad_id}/{vedtak.pk}"


# --- styles ---------------------------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle(
        "body", fontName=FONT, fontSize=10, leading=14, textColor=INK, spaceAfter=6, allowWidows=0, allowOrphans=0
    )
    return {
        "body": body,
        "tight": ParagraphStyle("tight", parent=body, spaceAfter=0),
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=11.5, spaceAfter=0, textColor=MUTED),
        "marking": ParagraphStyle(
            "marking", parent=body, fontSize=8.5, leading=11, spaceAfter=0, textColor=INK, alignment=TA_RIGHT
        ),
        "sender": ParagraphStyle("sender", parent=body, fontName=FONT_BOLD, fontSize=15, leading=19, spaceAfter=1),
        "title": ParagraphStyle(
            "title", parent=body, fontName=FONT_BOLD, fontSize=14, leading=18, spaceBefore=4, spaceAfter=10
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=10.5,
            leading=14,
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=1,
        ),
        "quote": ParagraphStyle(
            "quote", parent=body, fontName=FONT_ITALIC, leftIndent=8 * mm, rightIndent=8 * mm, spaceAfter=8
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=12, spaceAfter=0),
        "label": ParagraphStyle("label", parent=body, fontSize=9, leading=12, spaceAfter=0, textColor=MUTED),
        "cell_bold": ParagraphStyle("cell_bold", parent=body, fontName=FONT_BOLD, fontSize=9, leading=12, spaceAfter=0),
    }


# --- page furniture: footer with «Side n av m» ------------------------------------------------------------


class _LetterCanvas(Canvas):
    """A canvas that holds pages back until the end, so each footer can say «Side n av m»."""

    def __init__(self, *args: Any, footer_left: str, letter_date: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer_left = footer_left
        self._pages: list[dict[str, Any]] = []
        # Invariant mode pins the creation date to 2000; the letter's own date is the true one.
        stamp = f"D:{letter_date:%Y%m%d}000000+00'00'"
        self.setDateFormatter(lambda *_: stamp)

    def showPage(self) -> None:  # reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        self.saveState()
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN_X, 16 * mm, PAGE_WIDTH - MARGIN_X, 16 * mm)
        self.setFont(FONT, 8)
        self.setFillColor(MUTED)
        self.drawString(MARGIN_X, 11.5 * mm, self._footer_left)
        self.drawRightString(PAGE_WIDTH - MARGIN_X, 11.5 * mm, f"Side {self._pageNumber} av {total}")
        self.restoreState()


# --- the letter -------------------------------------------------------------------------------------------


class _Letter:
    """Builds the flowables of one letter. Every piece of free text goes through :func:`_esc`."""

    def __init__(self, vedtak: Vedtak, *, versjon: int, dato: dt.date) -> None:
        self.v = vedtak
        self.versjon = versjon
        self.dato = dato
        self.s = _styles()
        self.soknad = vedtak.soknad
        self.bydel = self.soknad.bydel
        self.kommune = self.bydel.kommune
        self.person = vedtak.tjenestemottaker
        self.tjeneste = vedtak.tjeneste
        self.granted = vedtak.utfall == Vedtak.Utfall.INNVILGET
        self.kp = getattr(self.bydel, "kontaktpunkt", None)
        self.kartlegging: Kartlegging | None
        try:
            self.kartlegging = self.soknad.kartlegging
        except Kartlegging.DoesNotExist:
            self.kartlegging = None
        self.story: list[Flowable] = []

    # small builders

    def p(self, markup: str, style: str = "body") -> None:
        self.story.append(_para(markup, self.s[style]))

    def h(self, text: str) -> None:
        self.p(escape(text), "h2")

    def free_text(self, text: str, style: str = "body") -> None:
        for para in _paragraphs(text):
            self.p(_esc(para), style)

    @property
    def service_name(self) -> str:
        return _lower_first(self.tjeneste.name)

    @property
    def title(self) -> str:
        if self.granted:
            return f"Vedtak om {self.service_name}"
        return f"Avslag på søknad om {self.service_name}"

    def kontakt_tekst(self) -> str:
        """«Kontaktpunktet i Bydel Nord, telefon … eller e-post …» (what the kommune has registered)."""
        name = f"Kontaktpunktet i {self.bydel.navn}"
        if self.kp is None:
            return name
        ways = [f"telefon {self.kp.telefon}"] if self.kp.telefon else []
        if self.kp.epost:
            ways.append(f"e-post {self.kp.epost}")
        return f"{name}, {' eller '.join(ways)}" if ways else name

    # sections

    def section_letterhead(self) -> None:
        left: list[Flowable] = [
            _para(_esc(self.bydel.navn), self.s["sender"]),
            _para(_esc(self.kommune.navn), self.s["tight"]),
        ]
        if self.kp is not None:
            lines = ["<b>Kontaktpunkt</b>"]
            if self.kp.telefon:
                lines.append(f"Telefon {_esc(self.kp.telefon)}")
            if self.kp.epost:
                lines.append(f"E-post {_esc(self.kp.epost)}")
            if self.kp.besoksadresse:
                lines.append(f"Besøksadresse {_esc(self.kp.besoksadresse)}")
            if self.kp.apningstid:
                lines.append(f"Åpningstid {_esc(self.kp.apningstid)}")
            left.append(Spacer(1, 2 * mm))
            left.append(_para("<br/>".join(lines), self.s["small"]))
        head, *refs = MARKING.split(", ")
        marking = _para(f"<b>{escape(head)}</b>,<br/>" + ",<br/>".join(escape(r) for r in refs), self.s["marking"])
        table = Table([[left, marking]], colWidths=[TEXT_WIDTH * 0.58, TEXT_WIDTH * 0.42])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.75, INK),
                    ("BOTTOMPADDING", (0, 0), (-1, 0), 4 * mm),
                ]
            )
        )
        self.story += [table, Spacer(1, 9 * mm)]

    def section_address_and_refs(self) -> None:
        person = self.person
        address = "<br/>".join(
            [
                _esc(person.fullt_navn),
                _esc(person.adresse),
                f"{_esc(person.postnummer)} {_esc(person.poststed.upper())}",
            ]
        )
        saksbehandler = self.v.saksbehandler
        # Data minimisation: Norwegian vedtak letters often print the full fødselsnummer (Oslo files it
        # as «Arkivkode»). The letter goes by post and is kept by the person, shared with relatives and
        # scanned; the birth date and the masked number identify the case well enough, and the full
        # number stays in the case system, where showing it is logged (AuditAction.READ_FULL_ID).
        rows = [
            ("Vår ref.", var_ref(self.v)),
            ("Saksbehandler", _person_name(saksbehandler)),
        ]
        if saksbehandler.telefon:
            rows.append(("Telefon", saksbehandler.telefon))
        rows += [
            ("Født", _date(person.fodselsdato)),
            ("Fødselsnr.", person.fodselsnummer_maskert),
            ("Dato", _date(self.dato)),
        ]
        if self.versjon > 1:
            rows.append(("Brevversjon", str(self.versjon)))
        refs = Table(
            [[_para(f"{escape(k)}:", self.s["label"]), _para(_esc(val), self.s["cell"])] for k, val in rows],
            colWidths=[25 * mm, TEXT_WIDTH * 0.42 - 25 * mm],
        )
        refs.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0.6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0.6),
                ]
            )
        )
        table = Table([[_para(address, self.s["tight"]), refs]], colWidths=[TEXT_WIDTH * 0.58, TEXT_WIDTH * 0.42])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        self.story += [table, Spacer(1, 10 * mm)]

    def section_draft_banner(self) -> None:
        if self.v.status in (Vedtak.Status.UTKAST, Vedtak.Status.TIL_GODKJENNING):
            banner = Table([[_para("<b>UTKAST</b> – vedtaket er ikke godkjent og skal ikke sendes.", self.s["cell"])]])
            banner.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1, INK), ("BACKGROUND", (0, 0), (-1, -1), SHADE)]))
            self.story += [banner, Spacer(1, 4 * mm)]

    def section_decision(self) -> None:
        v = self.v
        self.p(escape(self.title), "title")
        applied = (
            f"Vi viser til søknaden din om {escape(self.service_name)}, som vi mottok {_date(self.soknad.mottatt)}."
        )
        if not self.granted:
            self.p(f"{applied} Bydelen har vurdert søknaden og har kommet til at du <b>ikke får</b> denne tjenesten.")
            self.p("Du kan lese hvorfor nedenfor. Du kan klage på avslaget; hvordan står nederst i brevet.")
            return
        self.p(f"{applied} Du har fått innvilget {escape(self.service_name)}.")
        if v.erstatter_id and v.erstatter is not None:
            old = v.erstatter
            self.p(
                f"Dette vedtaket erstatter vedtaket om samme tjeneste som gjaldt fra {_date(old.fom)} "
                f"(vår ref. {escape(var_ref(old))})."
            )
        if v.omfang_tekst:
            self.p(f"<b>Omfang:</b> inntil {_esc(v.omfang_tekst)}.")
        if v.innhold.strip():
            self.p("<b>Hva tjenesten omfatter:</b>", "tight")
            self.free_text(v.innhold)
        if v.tjenestetype == "bpa" and v.arbeidsleder.strip():
            self.p(
                f"<b>Arbeidsleder:</b> {_esc(v.arbeidsleder.strip())}. Arbeidslederen leder assistentene i det "
                "daglige: lager arbeidsplan, gir opplæring og følger opp at hjelpen blir gitt slik du ønsker."
            )
        elif v.tjenestetype == "bpa":
            self.p(
                "<b>Arbeidsleder:</b> ikke avklart ennå. Bydelen tar kontakt for å avtale hvem som skal være "
                "arbeidsleder."
            )
        self.p("Tidspunkt og nærmere innhold avtaler du med den som skal utføre tjenesten.")
        period = f"f.o.m. {_date(v.fom)} t.o.m. {_date(v.tom)}" if v.tom else f"f.o.m. {_date(v.fom)} og inntil videre"
        tail = (
            " Før vedtaket går ut, vurderer vi sammen med deg om du fortsatt trenger tjenesten."
            if v.tom
            else " Vi vurderer behovet ditt jevnlig, og alltid hvis det endrer seg."
        )
        self.p(f"<b>Periode:</b> Vedtaket gjelder {period}.{tail}")
        if v.formal.strip():
            self.p("<b>Formålet med tjenesten:</b>", "tight")
            self.free_text(v.formal)
        if v.mal.strip():
            self.p("<b>Målet ditt, med dine egne ord:</b>", "tight")
            self.p(f"«{_esc(v.mal.strip())}»", "quote")

    def section_saksopplysninger(self) -> None:
        self.h("SAKSOPPLYSNINGER")
        facts = [f"Søknaden din kom inn til bydelen {_date(self.soknad.mottatt)}."]
        k = self.kartlegging
        if k is not None and k.hjemmebesok_dato:
            facts.append(f"Vi besøkte deg hjemme og kartla behovet ditt {_date(k.hjemmebesok_dato)}.")
        if self.v.forhandsvarsel_dato:
            facts.append(
                f"Du fikk forhåndsvarsel om endringen og mulighet til å uttale deg {_date(self.v.forhandsvarsel_dato)}."
            )
        self.p(" ".join(facts))
        documents = list(self.soknad.dokumenter.order_by("datert", "pk"))
        if documents:
            self.p("Vedtaket bygger på opplysningene i disse dokumentene:", "tight")
            rows: list[list[Any]] = [[_para("Dokument", self.s["cell_bold"]), _para("Datert", self.s["cell_bold"])]]
            for d in documents:
                kind = d.get_type_display()
                label = _esc(d.tittel)
                if kind.lower() not in d.tittel.lower():
                    label += f' <font color="#555555">({_esc(kind)})</font>'
                rows.append([_para(label, self.s["cell"]), _para(_date(d.datert), self.s["cell"])])
            table = Table(rows, colWidths=[TEXT_WIDTH * 0.8, TEXT_WIDTH * 0.2], repeatRows=1)
            table.setStyle(
                TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LINEBELOW", (0, 0), (-1, 0), 0.75, INK),
                        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ]
                )
            )
            self.story += [table, Spacer(1, 3 * mm)]
            self.p("Du kan få kopi av dokumentene hvis du ønsker det.")
        else:
            self.p("Vedtaket bygger på det du og bydelen har snakket om, og på opplysningene i søknaden.")
        if k is not None and k.viktig_for_meg.strip():
            self.p("<b>Hva er viktig for deg?</b> Dette sa du da vi spurte:", "tight")
            self.p(f"«{_esc(k.viktig_for_meg.strip())}»", "quote")

    def section_begrunnelse(self) -> None:
        self.h("BEGRUNNELSE")
        self.free_text(self.v.begrunnelse)
        basis = hjemmel_tekst(self.v.hjemmel or "; ".join(self.tjeneste.hjemmel))
        self.p(
            "Du har rett til nødvendige helse- og omsorgstjenester fra kommunen (pasient- og "
            "brukerrettighetsloven § 2-1 a andre ledd). Kommunen skal sørge for at de som oppholder seg i "
            "kommunen, får tilbud om slike tjenester (helse- og omsorgstjenesteloven § 3-1)."
        )
        if self.granted:
            self.p(f"Vedtaket er gjort med hjemmel i {_esc(basis)}.")
        else:
            self.p(
                f"Søknaden er vurdert etter {_esc(basis)}. Etter en samlet vurdering av opplysningene i saken "
                "mener bydelen at vilkårene for å få tjenesten ikke er oppfylt nå."
            )

    def section_informasjon(self) -> None:
        self.h("INFORMASJON")
        self.p(
            "Behovet ditt kan endre seg, og da kan også tjenesten bli endret. Før bydelen gjør et nytt vedtak "
            "som er til ulempe for deg, får du beskjed og mulighet til å si din mening (forvaltningsloven § 16)."
        )
        self.p(
            "Du har rett til å se dokumentene i saken din (forvaltningsloven § 18). Spør saksbehandleren hvis "
            "du vil ha kopi av dem."
        )
        self.p(f"Hvis behovet ditt endrer seg, vil vi gjerne vite det. Ta kontakt med {_esc(self.kontakt_tekst())}.")

    def section_brukervalg(self) -> None:
        if not (self.granted and self.tjeneste.free_choice):
            return
        self.h("BRUKERVALG")
        self.p(
            f"Du kan selv velge hvem som skal utføre tjenesten: den kommunale hjemmetjenesten eller en av de "
            f"private leverandørene som {_esc(self.kommune.navn)} har godkjent. Bydelen gir deg en oversikt. "
            "Velger du ikke, får du tjenesten fra den kommunale leverandøren. Kommunen følger opp kvaliteten "
            "uansett hvem som leverer."
        )
        same_price = " Egenandelen er den samme hos alle leverandørene." if self.tjeneste.chargeable else ""
        self.p(
            "Du kan bytte leverandør når du vil, og du trenger ikke si hvorfor. Gi beskjed til bydelen, "
            "muntlig eller skriftlig. Byttet gjelder fra ti dager etter at du ga beskjed." + same_price
        )

    def section_egenbetaling(self) -> None:
        if not (self.granted and self.tjeneste.chargeable):
            return
        self.h("EGENBETALING")
        self.p(
            "Bydelen kan ta betalt (egenandel) for praktisk bistand til daglige gjøremål i hjemmet. Hvor mye du "
            "betaler per time, avhenger av husstandens samlede skattbare nettoinntekt før særfradrag. Du betaler "
            "aldri mer enn utgiftstaket."
        )
        result = services.egenbetaling_for(self.v)
        table = services.sats_for(self.kommune.pk, self.v.fom.year)
        if result is None:
            if self.v.husstandsinntekt is None:
                self.p(
                    "Vi kjenner ikke husstandens inntekt ennå. Egenandelen blir beregnet når inntekten er "
                    "dokumentert, for eksempel med siste skatteoppgjør, og du får eget brev om hva du skal betale."
                )
            else:
                self.p("Bydelen beregner egenandelen og sender deg eget brev om hva du skal betale.")
            if table is not None:
                self.section_rate_table(table, None)
            return
        if table is not None:
            self.section_rate_table(table, result)
        summary = [
            ["Timesats", f"{result.hourly_rate} kr"],
            ["Beløp per måned", f"{egenbetaling.format_kr(result.monthly_amount)} kr"],
        ]
        if result.monthly_cap is not None:
            summary.append(["Utgiftstak per måned", f"{egenbetaling.format_kr(result.monthly_cap)} kr"])
        else:
            summary.append(["Årlig tak", f"{egenbetaling.format_kr(result.yearly_cap)} kr"])
        box = Table(
            [[_para(escape(k), self.s["cell_bold"]), _para(escape(val), self.s["cell"])] for k, val in summary],
            colWidths=[45 * mm, 40 * mm],
            hAlign="LEFT",
        )
        box.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), SHADE),
                    ("LEFTPADDING", (0, 0), (-1, -1), 6),
                    ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        self.p("<b>Din egenandel</b>", "tight")
        self.story += [Spacer(1, 1.5 * mm), box, Spacer(1, 3 * mm)]
        self.p(_esc(result.explanation))

    def section_rate_table(self, table: egenbetaling.RateTable, result: egenbetaling.Egenbetaling | None) -> None:
        self.p(f"Satsene for {table.year} (G = {egenbetaling.format_kr(table.g)} kr):", "tight")
        rows: list[list[Any]] = [
            [
                _para("Husstandens inntekt", self.s["cell_bold"]),
                _para("Per time", self.s["cell_bold"]),
                _para("Utgiftstak", self.s["cell_bold"]),
            ]
        ]
        mine = None
        for index, band in enumerate(table.bands):
            lower, upper = table.lower_kr(band), table.upper_kr(band)
            label = table.label(band)
            if band.from_g == 0 and upper is not None:
                income = f"Under {egenbetaling.format_kr(upper)} kr ({label})"
            else:
                income = f"Fra {egenbetaling.format_kr(lower)} kr ({label})"
            cap_month = table.monthly_cap(band)
            if cap_month is not None:
                cap = f"{egenbetaling.format_kr(cap_month)} kr per måned"
            else:
                cap = f"{egenbetaling.format_kr(table.yearly_cap(band))} kr per år ({table.hours_cap_per_year} timer)"
            rows.append(
                [
                    _para(income, self.s["cell"]),
                    _para(f"{band.hourly_rate} kr", self.s["cell"]),
                    _para(cap, self.s["cell"]),
                ]
            )
            if result is not None and band == result.band:
                mine = index + 1
        grid = Table(rows, colWidths=[TEXT_WIDTH * 0.45, TEXT_WIDTH * 0.17, TEXT_WIDTH * 0.38])
        style = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, 0), 0.75, INK),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        if mine is not None:
            style.append(("BACKGROUND", (0, mine), (-1, mine), SHADE))
        grid.setStyle(TableStyle(style))
        self.story += [Spacer(1, 1.5 * mm), KeepTogether([grid]), Spacer(1, 4 * mm)]

    def section_klage(self) -> None:
        self.h("KLAGE")
        self.p(
            "Du kan klage på vedtaket. Klagefristen er fire uker fra vedtaket kom fram til deg "
            "(pasient- og brukerrettighetsloven kapittel 7, § 7-5)."
        )
        where = escape(self.bydel.navn)
        if self.kp is not None and self.kp.besoksadresse:
            where += f", {_esc(self.kp.besoksadresse)}"
        if self.kp is not None and self.kp.epost:
            where += f", eller på e-post til {_esc(self.kp.epost)}"
        self.p(
            f"Send klagen til {where}. Skriv hva du klager på og hvorfor, og ta gjerne med opplysninger som "
            "kan ha betydning. Klagen skal være underskrevet av deg eller den som representerer deg."
        )
        self.p(
            "Bydelen vurderer saken på nytt. Får du ikke fullt medhold, sender bydelen klagen videre til "
            "Statsforvalteren, som avgjør den."
        )
        self.p(
            "Bydelen kan hjelpe deg med å skrive klagen. Du kan også få gratis råd og hjelp fra "
            "pasient- og brukerombudet i fylket ditt."
        )

    def section_signature(self) -> None:
        approver = self.v.vedtaksmyndig
        left = [
            _para(_esc(_person_name(approver)) or "(ikke godkjent ennå)", self.s["tight"]),
            _para(escape(str(Role.VEDTAKSMYNDIG.label)), self.s["small"]),
        ]
        right = [
            _para(_esc(_person_name(self.v.saksbehandler)), self.s["tight"]),
            _para(escape(str(Role.SAKSBEHANDLER.label)), self.s["small"]),
        ]
        names = Table([[left, right]], colWidths=[TEXT_WIDTH * 0.5, TEXT_WIDTH * 0.5], hAlign="LEFT")
        names.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        block: list[Flowable] = [
            Spacer(1, 6 * mm),
            _para("Med hilsen", self.s["body"]),
            _para(_esc(self.bydel.navn), self.s["body"]),
            Spacer(1, 4 * mm),
            names,
        ]
        if approver is not None:
            block += [Spacer(1, 5 * mm), _para(escape(SIGNATURE_NOTE), self.s["small"])]
        self.story.append(KeepTogether(block))

    def build(self) -> list[Flowable]:
        self.section_letterhead()
        self.section_address_and_refs()
        self.section_draft_banner()
        self.section_decision()
        self.section_saksopplysninger()
        self.section_begrunnelse()
        self.section_informasjon()
        self.section_brukervalg()
        self.section_egenbetaling()
        self.section_klage()
        self.section_signature()
        return self.story


def render_vedtaksbrev(vedtak: Vedtak, *, versjon: int, dato: dt.date) -> bytes:
    """The letter for ``vedtak`` as PDF bytes (A4). Deterministic for the same vedtak, version and date."""
    letter = _Letter(vedtak, versjon=versjon, dato=dato)
    story = letter.build()
    buffer = BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        # Metadata names the sender and the kind of letter, never the person: file indexes and mail
        # previews show it without opening the letter.
        title=_winansi(f"{letter.title} – {letter.bydel.navn}"),
        author=_winansi(letter.bydel.navn),
        subject=f"Vedtaksbrev, vår ref. {var_ref(vedtak)}, versjon {versjon}",
        creator="Helhet",
        producer="Helhet (ReportLab)",
        lang="nb-NO",
        displayDocTitle=1,
        invariant=1,
    )
    # No frame padding: text, tables and the letterhead share one left edge.
    frame = Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        TEXT_WIDTH,
        PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="text",
    )
    doc.addPageTemplates([PageTemplate(id="letter", frames=[frame])])
    footer = _winansi(f"{letter.bydel.navn}  ·  Vår ref. {var_ref(vedtak)}  ·  Unntatt offentlighet")
    canvasmaker: Callable[..., Canvas] = partial(_LetterCanvas, footer_left=footer, letter_date=dato)
    doc.build(story, canvasmaker=canvasmaker)
    return buffer.getvalue()


def lag_vedtaksbrev(*, utfort_av: User, vedtak: Vedtak, dato: dt.date | None = None) -> Vedtaksbrev:
    """Render the letter for ``vedtak``, store it as the next version, and audit it.

    Called inside the approval transaction (:func:`helhet.cases.services.godkjenn_vedtak`); earlier
    versions are never touched, so a sent letter stays exactly as it was sent.
    """
    with transaction.atomic():
        # Lock the vedtak so two letters for it cannot take the same version number.
        Vedtak.objects.select_for_update().filter(pk=vedtak.pk).exists()
        latest = Vedtaksbrev.objects.filter(vedtak=vedtak).aggregate(m=Max("versjon"))["m"] or 0
        versjon = latest + 1
        pdf = render_vedtaksbrev(vedtak, versjon=versjon, dato=dato or timezone.localdate())
        brev = Vedtaksbrev.objects.create(
            vedtak=vedtak,
            versjon=versjon,
            pdf=pdf,
            sha256=hashlib.sha256(pdf).hexdigest(),
            laget_av=utfort_av,
        )
        audit.record(
            user=utfort_av,
            action=AuditAction.CREATE,
            person=vedtak.tjenestemottaker,
            obj=brev,
            ground=AUDIT_GROUND,
            ground_label=AUDIT_GROUND_LABEL,
            details={"vedtak": vedtak.pk, "versjon": versjon},
        )
    return brev


def brev_er_uendret(brev: Vedtaksbrev) -> bool:
    """True when the stored PDF still matches the SHA-256 taken when the letter was made."""
    return hashlib.sha256(bytes(brev.pdf)).hexdigest() == brev.sha256
