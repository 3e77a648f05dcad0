"""Forms of the arbeidsleder's portal. Labels and messages in Norwegian; times in Europe/Oslo."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from helhet.bpa.models import Assistent, Vakt

WEEKDAY_CHOICES = [
    (1, "Mandag"),
    (2, "Tirsdag"),
    (3, "Onsdag"),
    (4, "Torsdag"),
    (5, "Fredag"),
    (6, "Lørdag"),
    (7, "Søndag"),
]


def aware(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def span(day: dt.date, start: dt.time, end: dt.time) -> tuple[dt.datetime, dt.datetime]:
    """A shift on ``day`` from ``start`` to ``end``; an end at or before the start is the next day."""
    end_day = day + dt.timedelta(days=1) if end <= start else day
    return aware(day, start), aware(end_day, end)


class AssistentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class _TimesForm(forms.Form):
    dato = forms.DateField(label="Dato", widget=forms.DateInput(attrs={"type": "date"}))
    fra = forms.TimeField(label="Fra kl.", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    til = forms.TimeField(
        label="Til kl.",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="Et klokkeslett før «fra» betyr neste dag (nattevakt).",
    )

    def span(self) -> tuple[dt.datetime, dt.datetime]:
        d = self.cleaned_data
        return span(d["dato"], d["fra"], d["til"])


class VaktForm(_TimesForm):
    assistent = AssistentChoice(label="Assistent", queryset=Assistent.objects.none())
    type = forms.ChoiceField(label="Type vakt", choices=Vakt.Type.choices, initial=Vakt.Type.ORDINAER)
    merknad = forms.CharField(label="Merknad (for eksempel reisemål)", required=False, max_length=200)
    field_order = ["assistent", "dato", "fra", "til", "type", "merknad"]

    def __init__(self, *args: Any, assistenter: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if assistenter is not None:
            self.fields["assistent"].queryset = assistenter  # type: ignore[attr-defined]


class FlyttForm(_TimesForm):
    pass


class VikarForm(forms.Form):
    vikar = AssistentChoice(label="Gi vakten til", queryset=Assistent.objects.none())

    def __init__(self, *args: Any, assistenter: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if assistenter is not None:
            self.fields["vikar"].queryset = assistenter  # type: ignore[attr-defined]


class TurnusForm(forms.Form):
    assistent = AssistentChoice(label="Assistent", queryset=Assistent.objects.none())
    ukedager = forms.TypedMultipleChoiceField(
        label="Ukedager", choices=WEEKDAY_CHOICES, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    fra = forms.TimeField(label="Fra kl.", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    til = forms.TimeField(label="Til kl.", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    fra_dato = forms.DateField(label="Fra dato", widget=forms.DateInput(attrs={"type": "date"}))
    til_dato = forms.DateField(label="Til dato", widget=forms.DateInput(attrs={"type": "date"}))
    hver_uke = forms.TypedChoiceField(
        label="Gjentas",
        coerce=int,
        choices=[(1, "Hver uke"), (2, "Annenhver uke"), (3, "Hver tredje uke"), (4, "Hver fjerde uke")],
        initial=1,
    )

    def __init__(self, *args: Any, assistenter: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if assistenter is not None:
            self.fields["assistent"].queryset = assistenter  # type: ignore[attr-defined]


class TimerForm(_TimesForm):
    """Hours worked (for a shift, or without one)."""


class KorrigerForm(_TimesForm):
    begrunnelse = forms.CharField(label="Hvorfor korrigeres timene?", required=False, max_length=300)


class MeldingForm(forms.Form):
    tekst = forms.CharField(
        label="Melding til BPA-rådgiveren", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class InstruksForm(forms.Form):
    instruert_i = forms.CharField(
        label="Hva du har lært assistenten opp i", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
