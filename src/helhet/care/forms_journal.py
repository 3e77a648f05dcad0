"""Forms of the journal. Each carries a hidden idempotency key (``nokkel``): a double submit writes one note."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone

from helhet.care.models import Journalnotat, Tiltak
from helhet.core.models import Tjenestemottaker


class TiltakChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.tittel} ({obj.plan.leverandor})"


class JournalForm(forms.Form):
    nokkel = forms.UUIDField(widget=forms.HiddenInput)
    type = forms.ChoiceField(label="Type notat", choices=Journalnotat.Type.choices)
    tekst = forms.CharField(
        label="Notat",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Skriv notatet."},
    )
    flagg = forms.ChoiceField(
        label="Flagg",
        choices=Journalnotat.Flagg.choices,
        required=False,
        widget=forms.RadioSelect,
        initial="",
        help_text="Et flagg vises for sykepleier (eller neste vakt) til noen har kvittert for at det er sett.",
    )
    tiltak = TiltakChoiceField(
        label="Gjelder tiltak", queryset=Tiltak.objects.none(), required=False, empty_label="Ikke knyttet til tiltak"
    )

    def __init__(self, *args: Any, person: Tjenestemottaker, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("nokkel", uuid.uuid4())
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["tiltak"].queryset = (  # type: ignore[attr-defined]
            Tiltak.objects.filter(plan__tjenestemottaker=person)
            .filter(Q(gyldig_til__isnull=True) | Q(gyldig_til__gte=today))
            .select_related("plan__leverandor")
            .order_by("vindu_fra", "pk")
        )


class KorrigerForm(forms.Form):
    nokkel = forms.UUIDField(widget=forms.HiddenInput)
    tekst = forms.CharField(
        label="Riktig tekst",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Skriv hva som er riktig, og gjerne hva som var feil. Det opprinnelige notatet blir stående, "
        "merket «korrigert».",
        error_messages={"required": "Skriv den riktige teksten."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("nokkel", uuid.uuid4())
        super().__init__(*args, **kwargs)


class KvitterForm(forms.Form):
    merknad = forms.CharField(label="Merknad (valgfri)", required=False, max_length=300)
    tilbake = forms.ChoiceField(choices=[("flagg", "flagg"), ("journal", "journal")], required=False)
