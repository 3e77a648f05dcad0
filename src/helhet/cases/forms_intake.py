"""Forms of the Kontaktpunkt: henvendelse, søknad, kartlegging (with IPLOS/KPR scores) and documents.

Labels and messages are Norwegian bokmål. The forms validate what a person typed; the use cases in
:mod:`helhet.cases.services` apply the rules and save.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q, QuerySet
from django.utils import timezone

from helhet.cases.models import Dokument, Henvendelse, Kartlegging
from helhet.cases.rules import InvalidInput, iplos
from helhet.cases.services import MAX_DOCUMENT_BYTES
from helhet.core.models import Bydel, Tjenestemottaker, User
from helhet.core.models.users import BYDEL_ROLES
from helhet.core.rules import identity

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def case_officers(bydel: Bydel, day: dt.date | None = None) -> QuerySet[User]:
    """Active staff with a saksbehandler/vedtaksmyndig role in ``bydel`` today."""
    today = day or timezone.localdate()
    return (
        User.objects.filter(
            is_active=True,
            kind="ansatt",
            role_assignments__bydel=bydel,
            role_assignments__rolle__in=BYDEL_ROLES,
            role_assignments__gyldig_fra__lte=today,
        )
        .filter(Q(role_assignments__gyldig_til__isnull=True) | Q(role_assignments__gyldig_til__gte=today))
        .distinct()
        .order_by("last_name", "first_name")
    )


# --- henvendelse --------------------------------------------------------------------------------------


class HenvendelseForm(forms.ModelForm):
    """A new inquiry. The person is found by identity number (never put in a URL)."""

    fodselsnummer = forms.CharField(
        label="Fødselsnummer eller D-nummer",
        max_length=13,
        help_text="11 siffer. Personen må være registrert i Helhet.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    svar_innen = forms.DateField(
        label="Personen får svar innen",
        required=False,
        widget=DATE_WIDGET,
    )
    ta_selv = forms.BooleanField(label="Jeg tar henvendelsen selv", required=False, initial=True)

    class Meta:
        model = Henvendelse
        fields = ["bydel", "kanal", "fra", "fra_navn", "fra_kontakt", "sporsmal"]
        labels = {"bydel": "Bydel (kontaktpunkt)", "fra": "Hvem tok kontakt"}
        widgets = {"sporsmal": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, bydeler: QuerySet[Bydel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["bydel"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = bydeler
        field.empty_label = None if bydeler.count() == 1 else "Velg bydel"
        days = settings.HENVENDELSE_SVARFRIST_DAGER
        default = timezone.localdate() + dt.timedelta(days=days)
        self.fields["svar_innen"].help_text = f"Står feltet tomt, blir fristen {days} dager: {default:%d.%m.%Y}."
        self.fields["fra_navn"].help_text = "Når det ikke er personen selv."
        self.order_fields(["fodselsnummer", "bydel", "kanal", "fra", "fra_navn", "fra_kontakt", "sporsmal"])
        self.person: Tjenestemottaker | None = None
        self.unknown_person = False

    def clean_fodselsnummer(self) -> str:
        try:
            number = identity.parse(self.cleaned_data["fodselsnummer"]).number
        except identity.InvalidPersonId as exc:
            raise ValidationError(exc.message) from exc
        self.person = Tjenestemottaker.objects.filter(fodselsnummer_digest=Tjenestemottaker.digest_for(number)).first()
        if self.person is None:
            self.unknown_person = True
            raise ValidationError(
                "Finner ingen tjenestemottaker med dette fødselsnummeret. Registrer personen først, "
                "og registrer så henvendelsen."
            )
        return number

    def clean_svar_innen(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("svar_innen")
        if value is not None and value < timezone.localdate():
            raise ValidationError("Svarfristen kan ikke være tilbake i tid.")
        return value

    def service_data(self) -> dict[str, Any]:
        """What :func:`helhet.cases.services.registrer_henvendelse` takes."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["tjenestemottaker"] = self.person
        if self.cleaned_data.get("svar_innen"):
            data["svar_innen"] = self.cleaned_data["svar_innen"]
        return data


class TaHenvendelseForm(forms.Form):
    ny_eier = forms.ModelChoiceField(
        label="Gi henvendelsen til",
        queryset=User.objects.none(),
        required=False,
        empty_label="Meg selv",
    )

    def __init__(self, *args: Any, bydel: Bydel, owner: User | None = None, **kwargs: Any) -> None:
        """``owner``: the current owner, when the form hands over (they are not offered to themselves)."""
        super().__init__(*args, **kwargs)
        field = self.fields["ny_eier"]
        assert isinstance(field, forms.ModelChoiceField)
        officers = case_officers(bydel)
        if owner is not None:
            field.queryset = officers.exclude(pk=owner.pk)
            field.required = True
            field.empty_label = "Velg en kollega"
        else:
            field.queryset = officers


class SoknadForm(forms.Form):
    gjelder = forms.CharField(
        label="Hva søkes det om",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Skriv hva det søkes om."},
    )


class AvsluttForm(forms.Form):
    avslutning = forms.CharField(
        label="Hvordan ble henvendelsen besvart?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For eksempel: «Fikk informasjon om trygghetsalarm, søker ikke nå.»",
        error_messages={"required": "Skriv kort hvordan henvendelsen ble besvart."},
    )


# --- kartlegging --------------------------------------------------------------------------------------


class KartleggingForm(forms.ModelForm):
    class Meta:
        model = Kartlegging
        fields = [
            "viktig_for_meg",
            "hjemmebesok_dato",
            "hjemmebesok_rapport",
            "samtykke_avklart",
            "partsstatus",
            "rehabilitering",
            "velferdsteknologi_vurdert",
            "velferdsteknologi_notat",
            "parorende_involvering",
        ]
        labels = {"viktig_for_meg": "«Hva er viktig for deg?»"}
        help_texts = {
            "viktig_for_meg": "Skriv svaret med personens egne ord. Målene i vedtaket og tiltaksplanen bygger på det.",
            "partsstatus": "Hvem er part i saken, og hvem har fullmakt?",
        }
        widgets = {
            "viktig_for_meg": forms.Textarea(attrs={"rows": 4}),
            "hjemmebesok_dato": DATE_WIDGET,
            "hjemmebesok_rapport": forms.Textarea(attrs={"rows": 4}),
            "partsstatus": forms.Textarea(attrs={"rows": 2}),
            "velferdsteknologi_notat": forms.Textarea(attrs={"rows": 2}),
            "parorende_involvering": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_hjemmebesok_dato(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("hjemmebesok_dato")
        if value is not None and value > timezone.localdate():
            raise ValidationError("Hjemmebesøket kan ikke være fram i tid. Registrer det når det er gjennomført.")
        return value


def short_wording(text: str) -> str:
    """The head of a scale level's wording, for a select option: up to the first colon or comma."""
    cut = min((i for i in (text.find(":"), text.find(",")) if i > 0), default=len(text))
    return text[:cut].strip().rstrip(".")


@dataclass(frozen=True)
class ScaleHelp:
    """One scale, spelled out for the form: which variables use it and what each level means."""

    title: str
    levels: list[tuple[int, str]]


def scale_help() -> list[ScaleHelp]:
    result = []
    for key, levels in iplos.SCALES.items():
        names = [v.name for v in iplos.variables() if v.scale == key]
        if not names:
            continue
        title = ", ".join(names) if len(names) <= 2 else "De fleste variablene"
        result.append(
            ScaleHelp(title, [(level.score, level.wording or "Ordlyden er ikke bekreftet.") for level in levels])
        )
    return result


class ScoreField(forms.TypedChoiceField):
    """One IPLOS/KPR variable: blank (not scored) or a score on the variable's own scale."""

    def __init__(self, variable: iplos.Funksjonsvariabel, **kwargs: Any) -> None:
        self.variable_code = variable.code
        choices: list[tuple[str, str]] = [("", "Ikke skåret")]
        for score in iplos.allowed_scores(variable.code):
            text = iplos.wording(variable.code, score)
            choices.append((str(score), f"{score} – {short_wording(text)}" if text else str(score)))
        super().__init__(
            label=variable.name,
            choices=choices,
            coerce=int,
            empty_value=None,
            required=False,
            **kwargs,
        )

    def validate(self, value: Any) -> None:
        """Every wrong value gets the rule's own Norwegian message (not Django's «invalid choice»)."""
        if value in self.empty_values:
            return
        try:
            score = int(value)
        except (TypeError, ValueError):
            score = -1
        try:
            iplos.validate_score(self.variable_code, score)
        except InvalidInput as exc:
            raise ValidationError(exc.message, code="invalid_choice") from exc


@dataclass(frozen=True)
class ScoreGroup:
    name: str
    fields: list[forms.BoundField]


class IplosForm(forms.Form):
    """One select per functional variable, named ``skaar_<code>`` (the service's error keys)."""

    def __init__(self, *args: Any, current: dict[str, int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = current or {}
        for variable in iplos.variables():
            name = self.field_name(variable.code)
            self.fields[name] = ScoreField(variable)
            if variable.code in current:
                self.initial[name] = str(current[variable.code])

    @staticmethod
    def field_name(code: str) -> str:
        return f"skaar_{code}"

    def groups(self) -> list[ScoreGroup]:
        """The variables grouped as the data file groups them, in file order."""
        groups: dict[str, list[forms.BoundField]] = {}
        for variable in iplos.variables():
            groups.setdefault(variable.group, []).append(self[self.field_name(variable.code)])
        return [ScoreGroup(name, fields) for name, fields in groups.items()]

    def scores(self) -> dict[str, int | None]:
        """``{code: score or None}`` for every variable (None: not scored)."""
        return {v.code: self.cleaned_data.get(self.field_name(v.code)) for v in iplos.variables()}


# --- dokumenter ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileKind:
    extensions: tuple[str, ...]
    content_type: str
    label: str


PDF = FileKind((".pdf",), "application/pdf", "PDF")
PNG = FileKind((".png",), "image/png", "PNG")
JPEG = FileKind((".jpg", ".jpeg"), "image/jpeg", "JPEG")
GIF = FileKind((".gif",), "image/gif", "GIF")
WEBP = FileKind((".webp",), "image/webp", "WEBP")
TIFF = FileKind((".tif", ".tiff"), "image/tiff", "TIFF")
TEXT = FileKind((".txt",), "text/plain", "tekst")
DOCX = FileKind(
    (".docx",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "Word (DOCX)",
)
FILE_KINDS: tuple[FileKind, ...] = (PDF, PNG, JPEG, GIF, WEBP, TIFF, TEXT, DOCX)
ALLOWED_TEXT = "PDF, bilde (PNG, JPEG, GIF, WEBP, TIFF), tekst (TXT) eller Word (DOCX)"


def extension_for(content_type: str) -> str:
    """The file extension a stored content type is served with (``.bin`` if unknown)."""
    base = content_type.split(";")[0].strip()
    for kind in FILE_KINDS:
        if kind.content_type == base:
            return kind.extensions[0]
    return ".bin"


def _kind_by_extension(name: str) -> FileKind | None:
    lower = name.lower()
    for kind in FILE_KINDS:
        if lower.endswith(kind.extensions):
            return kind
    return None


def _head(fil: UploadedFile, size: int = 16) -> bytes:
    fil.seek(0)
    head = fil.read(size)
    fil.seek(0)
    return head if isinstance(head, bytes) else head.encode()


def _is_docx(fil: UploadedFile) -> bool:
    fil.seek(0)
    try:
        with zipfile.ZipFile(fil) as archive:  # reads the central directory only
            names: Iterable[str] = archive.namelist()
            return "word/document.xml" in names and "[Content_Types].xml" in names
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        fil.seek(0)


def _text_content_type(fil: UploadedFile) -> str | None:
    fil.seek(0)
    content = fil.read()
    fil.seek(0)
    if not isinstance(content, bytes) or b"\x00" in content:
        return None
    for encoding, charset in (("utf-8", "utf-8"), ("cp1252", "windows-1252")):
        try:
            content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return f"text/plain; charset={charset}"
    return None  # pragma: no cover - cp1252 decodes almost anything without NUL


def sniff(fil: UploadedFile) -> str:
    """The content type of an upload, checked against its content. ``ValidationError`` (Norwegian) if refused.

    The browser's own content type is not trusted: the extension names a kind, and the first bytes
    must match it (docx: a zip with a Word document inside; text: UTF-8 or Windows-1252, no NUL).
    """
    kind = _kind_by_extension(fil.name or "")
    if kind is None:
        raise ValidationError(f"Denne filtypen kan ikke lastes opp. Last opp {ALLOWED_TEXT}.")
    head = _head(fil)
    matches = {
        PDF: head.startswith(b"%PDF-"),
        PNG: head.startswith(b"\x89PNG\r\n\x1a\n"),
        JPEG: head.startswith(b"\xff\xd8\xff"),
        GIF: head.startswith((b"GIF87a", b"GIF89a")),
        WEBP: head.startswith(b"RIFF") and head[8:12] == b"WEBP",
        TIFF: head.startswith((b"II*\x00", b"MM\x00*")),
    }
    if kind is TEXT:
        content_type = _text_content_type(fil)
        if content_type is None:
            raise ValidationError("Tekstfilen kan ikke leses som tekst. Lagre den som PDF eller ren tekst (UTF-8).")
        return content_type
    if kind is DOCX:
        if not _is_docx(fil):
            raise ValidationError("Filen er ikke et gyldig Word-dokument (DOCX).")
        return kind.content_type
    if not matches[kind]:
        raise ValidationError(f"Innholdet i filen stemmer ikke med filtypen ({kind.label}).")
    return kind.content_type


class DokumentForm(forms.Form):
    type = forms.ChoiceField(label="Type dokument", choices=Dokument.Type.choices)
    tittel = forms.CharField(label="Tittel", max_length=200)
    datert = forms.DateField(label="Datert", widget=DATE_WIDGET, help_text="Datoen som står på dokumentet.")
    fil = forms.FileField(
        label="Fil",
        help_text=f"{ALLOWED_TEXT}. Høyst 20 MB.",
        error_messages={"required": "Velg en fil.", "empty": "Filen er tom."},
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(ext for kind in FILE_KINDS for ext in kind.extensions)}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.content_type = ""

    def clean_datert(self) -> dt.date:
        value: dt.date = self.cleaned_data["datert"]
        if value > timezone.localdate():
            raise ValidationError("Datoen kan ikke være fram i tid.")
        return value

    def clean_fil(self) -> UploadedFile:
        fil: UploadedFile = self.cleaned_data["fil"]
        if fil.size is not None and fil.size > MAX_DOCUMENT_BYTES:
            raise ValidationError("Filen er større enn 20 MB.")
        if not fil.size:
            raise ValidationError("Filen er tom.")
        self.content_type = sniff(fil)
        fil.content_type = self.content_type  # the checked type, not the browser's claim
        return fil
