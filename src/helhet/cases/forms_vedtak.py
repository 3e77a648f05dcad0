"""Forms for the vedtak screens: vedtak, letters, klage, brukervalg and bestilling. Labels in bokmål.

The forms check what a form can check on its own (a date is a date, a field is filled in). The
rules that need the database or the law (overlap, the 168-hour limit, the deadline for a
complaint) are in :mod:`helhet.cases.services` and :mod:`helhet.cases.rules`; the views put their
Norwegian messages on the right fields.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from helhet.cases.models import Klage, Vedtak
from helhet.cases.rules import InvalidInput, tjenester
from helhet.cases.rules import vedtak as vedtak_rules
from helhet.core.models import Leverandor

#: ``<input type="date">`` needs ISO dates, whatever the locale's display format is.
DATE_WIDGET = {"type": "date"}
ISO = "%Y-%m-%d"
MAX_WORKLIST_WEEKS = 104


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs=DATE_WIDGET, format=ISO)


def not_in_future(value: dt.date | None, what: str) -> None:
    if value is not None and value > timezone.localdate():
        raise ValidationError(f"{what} kan ikke være fram i tid.")


def service_help(service: tjenester.Tjenestetype) -> str:
    """One line for the case officer: legal basis and unit, free choice and co-payment."""
    parts = [f"Hjemmel: {'; '.join(service.hjemmel)}.", f"Omfang oppgis i {service.scope_unit.label}."]
    if not service.hjemmel_confirmed:
        parts.append("Hjemmelen er ikke bekreftet av kommunens jurister – kontroller den.")
    if service.free_choice:
        parts.append("Brukervalg gjelder.")
    if service.chargeable:
        parts.append("Egenbetaling etter husstandens inntekt.")
    return " ".join(parts)


class VedtakForm(forms.Form):
    """The case officer's draft. ``erstatter``: the vedtak this one replaces (shows the «heard» fields)."""

    tjenestetype = forms.ChoiceField(
        label="Tjeneste", choices=[("", "Velg tjeneste"), *[(t.code, t.name) for t in tjenester.CATALOGUE]]
    )
    utfall = forms.ChoiceField(
        label="Utfall", choices=Vedtak.Utfall.choices, initial=Vedtak.Utfall.INNVILGET, widget=forms.RadioSelect
    )
    omfang = forms.DecimalField(
        label="Omfang",
        required=False,
        min_value=Decimal(0),
        max_digits=7,
        decimal_places=2,
        help_text="I tjenestens enhet (se over). Tomt for tjenester uten omfang, og ved avslag.",
    )
    omfang_enhet = forms.ChoiceField(
        label="Enhet",
        required=False,
        choices=[("", "Tjenestens vanlige enhet"), *[(u.value, u.label) for u in tjenester.ScopeUnit]],
    )
    timer_per_maned = forms.DecimalField(
        label="Timer per måned",
        required=False,
        min_value=Decimal(0),
        max_digits=7,
        decimal_places=2,
        help_text="For tjenester i timer per uke: fyll ut her i stedet for omfang, så regnes det om til timer "
        "per uke ved å dele på 4 (KPR).",
    )
    innhold = forms.CharField(label="Hva tjenesten omfatter", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    formal = forms.CharField(label="Formålet med tjenesten", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    mal = forms.CharField(
        label="Personens mål",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Med personens egne ord, fra «Hva er viktig for deg?» i kartleggingen.",
    )
    fom = forms.DateField(label="Fra og med", widget=date_input())
    tom = forms.DateField(
        label="Til og med", required=False, widget=date_input(), help_text="Tomt betyr at vedtaket gjelder til videre."
    )
    begrunnelse = forms.CharField(label="Begrunnelse", widget=forms.Textarea(attrs={"rows": 4}))
    hjemmel = forms.CharField(
        label="Hjemmel",
        required=False,
        max_length=300,
        help_text="Tomt: hjemmelen fra tjenestekatalogen brukes.",
    )
    arbeidsleder = forms.CharField(
        label="Arbeidsleder (BPA)",
        required=False,
        max_length=200,
        help_text="Bare for BPA: hvem som er arbeidsleder (personen selv eller en annen).",
    )
    husstandsinntekt = forms.IntegerField(
        label="Husstandens inntekt (kr per år)",
        required=False,
        min_value=0,
        help_text="Bare for praktisk bistand: samlet skattbar nettoinntekt før særfradrag. Brukes til egenbetalingen.",
    )
    forhandsvarsel_dato = forms.DateField(
        label="Personen ble hørt (dato for forhåndsvarsel)",
        required=False,
        widget=date_input(),
        help_text="Et vedtak til ulempe for personen kan ikke fattes før personen har fått uttale seg "
        "(forvaltningsloven § 16).",
    )
    forhandsvarsel_notat = forms.CharField(
        label="Hva personen sa", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    SERVICE_FIELDS = ("tjenestetype", "utfall", "omfang", "omfang_enhet", "timer_per_maned")
    CONTENT_FIELDS = ("innhold", "formal", "mal", "fom", "tom", "begrunnelse", "hjemmel")
    BPA_FIELDS = ("arbeidsleder",)
    ECONOMY_FIELDS = ("husstandsinntekt",)
    HEARING_FIELDS = ("forhandsvarsel_dato", "forhandsvarsel_notat")

    def __init__(self, *args: Any, erstatter: Vedtak | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.erstatter = erstatter
        self.fields["tjenestetype"].widget.attrs.update(
            {
                "hx-get": reverse("cases:vedtak_tjeneste_info"),
                "hx-trigger": "change",
                "hx-target": "#tjeneste-info",
                "hx-include": "[name=hjemmel]",
                "aria-describedby": "id_tjenestetype_helptext",
            }
        )
        if erstatter is None:
            for name in self.HEARING_FIELDS:
                del self.fields[name]
        #: «700 timer per måned = 175 timer per uke», when the month field was used.
        self.conversion: str = ""

    def fieldsets(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        """(id, legend, fields) for the template; the optional groups only when the form has them."""
        groups = [
            ("tjeneste", "Tjeneste og omfang", self.SERVICE_FIELDS),
            ("innhold", "Innhold, periode og begrunnelse", self.CONTENT_FIELDS),
            ("bpa", "Brukerstyrt personlig assistanse", self.BPA_FIELDS),
            ("egenbetaling", "Egenbetaling (praktisk bistand)", self.ECONOMY_FIELDS),
            ("horing", "Forhåndsvarsel: personen er hørt", self.HEARING_FIELDS),
        ]
        return [
            (key, legend, [self[n] for n in names if n in self.fields])
            for key, legend, names in groups
            if any(n in self.fields for n in names)
        ]

    @property
    def service(self) -> tjenester.Tjenestetype | None:
        code = (self.data.get(self.add_prefix("tjenestetype")) if self.is_bound else None) or self.initial.get(
            "tjenestetype"
        )
        try:
            return tjenester.by_code(str(code)) if code else None
        except InvalidInput:
            return None

    @property
    def service_help_text(self) -> str:
        service = self.service
        return service_help(service) if service else ""

    def clean_forhandsvarsel_dato(self) -> dt.date | None:
        value = self.cleaned_data.get("forhandsvarsel_dato")
        not_in_future(value, "Datoen personen ble hørt")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code = data.get("tjenestetype")
        if not code:
            return data
        service = tjenester.by_code(code)
        granted = data.get("utfall") == Vedtak.Utfall.INNVILGET
        unit = tjenester.ScopeUnit(data.get("omfang_enhet") or service.scope_unit)
        per_month = data.get("timer_per_maned")
        if per_month is not None and granted:
            if unit != tjenester.ScopeUnit.TIMER_PER_UKE:
                self.add_error(
                    "timer_per_maned",
                    f"Timer per måned kan bare brukes når omfanget er i timer per uke, ikke {unit.label}.",
                )
            else:
                per_week = vedtak_rules.hours_per_week_from_month(per_month).quantize(
                    Decimal("0.01"), rounding=ROUND_HALF_UP
                )
                omfang = data.get("omfang")
                if omfang is not None and omfang != per_week:
                    self.add_error(
                        "timer_per_maned",
                        f"Du har fylt ut både {_fmt(omfang)} timer per uke og {_fmt(per_month)} timer per måned "
                        f"(= {_fmt(per_week)} timer per uke). Fyll ut bare ett av feltene.",
                    )
                else:
                    data["omfang"] = per_week
                    self.conversion = (
                        f"{_fmt(per_month)} timer per måned = {_fmt(per_week)} timer per uke (delt på 4, KPR)."
                    )
        if granted and code == "bpa" and not data.get("arbeidsleder", "").strip():
            self.add_error("arbeidsleder", "Oppgi hvem som er arbeidsleder for BPA-ordningen.")
        if code != "bpa":
            data["arbeidsleder"] = ""
        if not service.chargeable:
            data["husstandsinntekt"] = None
        if self.erstatter is not None and data.get("forhandsvarsel_notat") and not data.get("forhandsvarsel_dato"):
            self.add_error("forhandsvarsel_dato", "Oppgi datoen personen ble hørt.")
        return data

    def vedtak_data(self) -> dict[str, Any]:
        """The cleaned values, as the service functions take them (model field names only)."""
        names = [
            n
            for n in (
                *self.SERVICE_FIELDS,
                *self.CONTENT_FIELDS,
                *self.BPA_FIELDS,
                *self.ECONOMY_FIELDS,
                *self.HEARING_FIELDS,
            )
            if n in self.fields and n != "timer_per_maned"
        ]
        data = {name: self.cleaned_data.get(name) for name in names}
        for text in ("innhold", "formal", "mal", "begrunnelse", "hjemmel", "arbeidsleder", "forhandsvarsel_notat"):
            if text in data:
                data[text] = (data[text] or "").strip()
        data["omfang_enhet"] = data.get("omfang_enhet") or ""
        return data


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")


def initial_from_vedtak(vedtak: Vedtak) -> dict[str, Any]:
    """Prefill a replacement from the vedtak it replaces."""
    return {
        "tjenestetype": vedtak.tjenestetype,
        "utfall": vedtak.utfall,
        "omfang": vedtak.omfang,
        "omfang_enhet": vedtak.omfang_enhet,
        "innhold": vedtak.innhold,
        "formal": vedtak.formal,
        "mal": vedtak.mal,
        "fom": max(vedtak.fom, timezone.localdate()),
        "tom": vedtak.tom,
        "hjemmel": vedtak.hjemmel,
        "arbeidsleder": vedtak.arbeidsleder,
        "husstandsinntekt": vedtak.husstandsinntekt,
    }


class ForhandsvarselForm(forms.Form):
    dato = forms.DateField(label="Personen ble hørt", widget=date_input(), initial=timezone.localdate)
    notat = forms.CharField(
        label="Hva personen sa",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Skriv også om personen ikke svarte innen fristen i forhåndsvarselet.",
    )

    def clean_dato(self) -> dt.date:
        value: dt.date = self.cleaned_data["dato"]
        not_in_future(value, "Datoen")
        return value


class BrevDatoForm(forms.Form):
    dato = forms.DateField(label="Dato", widget=date_input(), initial=timezone.localdate)

    def clean_dato(self) -> dt.date:
        value: dt.date = self.cleaned_data["dato"]
        not_in_future(value, "Datoen")
        return value


class LeverandorField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.navn} ({obj.get_type_display().lower()})"


class BrukervalgForm(forms.Form):
    informasjon_gitt = forms.DateField(
        label="Informasjon om brukervalg gitt",
        widget=date_input(),
        initial=timezone.localdate,
        help_text="Datoen personen fikk informasjon om leverandørene og retten til å velge.",
    )
    leverandor = LeverandorField(
        label="Personens valg av leverandør",
        queryset=Leverandor.objects.none(),
        required=False,
        empty_label="Personen valgte ikke – kommunal leverandør",
    )

    def __init__(self, *args: Any, leverandorer: QuerySet[Leverandor], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["leverandor"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = leverandorer

    def clean_informasjon_gitt(self) -> dt.date:
        value: dt.date = self.cleaned_data["informasjon_gitt"]
        not_in_future(value, "Datoen")
        return value


class LeverandorByttForm(forms.Form):
    leverandor = LeverandorField(
        label="Ny leverandør", queryset=Leverandor.objects.none(), empty_label="Velg leverandør"
    )
    varslet = forms.DateField(
        label="Personen varslet byttet",
        widget=date_input(),
        initial=timezone.localdate,
        help_text="Byttet trer i kraft ti dager etter varselet. Personen trenger ikke begrunne det.",
    )

    def __init__(self, *args: Any, leverandorer: QuerySet[Leverandor], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["leverandor"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = leverandorer

    def clean_varslet(self) -> dt.date:
        value: dt.date = self.cleaned_data["varslet"]
        not_in_future(value, "Datoen")
        return value


class KlageForm(forms.Form):
    mottatt = forms.DateField(label="Klagen mottatt", widget=date_input(), initial=timezone.localdate)
    vedtak_mottatt = forms.DateField(
        label="Personen mottok vedtaket",
        widget=date_input(),
        help_text="Klagefristen er fire uker fra vedtaket kom fram (pasient- og brukerrettighetsloven § 7-5).",
    )
    sendt = forms.DateField(
        label="Klagen ble sendt (poststempel)",
        widget=date_input(),
        required=False,
        help_text="Er klagen postlagt innen fristen, er den kommet i tide selv om den kom fram senere.",
    )
    klagen_gjelder = forms.CharField(label="Hva klagen gjelder", widget=forms.Textarea(attrs={"rows": 4}))

    def clean_mottatt(self) -> dt.date:
        value: dt.date = self.cleaned_data["mottatt"]
        not_in_future(value, "Datoen klagen kom inn")
        return value

    def clean_vedtak_mottatt(self) -> dt.date:
        value: dt.date = self.cleaned_data["vedtak_mottatt"]
        not_in_future(value, "Datoen vedtaket kom fram")
        return value


class KlageVurderingForm(forms.Form):
    vurdering = forms.ChoiceField(label="Bydelens vurdering", choices=Klage.Vurdering.choices, widget=forms.RadioSelect)
    begrunnelse = forms.CharField(
        label="Begrunnelse",
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"min_length": "Begrunn vurderingen (minst 10 tegn)."},
    )


class KlageUtfallForm(forms.Form):
    utfall = forms.ChoiceField(
        label="Statsforvalterens avgjørelse", choices=Klage.Utfall.choices, widget=forms.RadioSelect
    )


class UkerForm(forms.Form):
    uker = forms.IntegerField(
        label="Utløper innen (uker)", min_value=1, max_value=MAX_WORKLIST_WEEKS, widget=forms.NumberInput()
    )


class StatistikkForm(forms.Form):
    aar = forms.IntegerField(label="År (klagen avsluttet)", required=False, min_value=2000, max_value=2100)
