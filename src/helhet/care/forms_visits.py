"""Forms of the visit screens: one small form per action on a visit, each with an idempotency key.

Every action form carries ``nokkel``, a UUID made when the page was rendered: a double tap or a
retried submission sends the same key, and the service recognises it. The check-in and check-out
forms may carry the time the action was really taken on the phone (``klient_tid``) and the phone's
clock when it finally sent it (``klient_sendt``): an action queued offline keeps its real time, and
a phone clock that is wrong cancels out (see :meth:`VisitActionForm.tidspunkt`). The services bound
the result (:data:`helhet.care.services.MAX_OFFLINE_DELAY`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.utils import timezone

from helhet.care.models import Besok, Journalnotat
from helhet.core.models import User

#: Where a visit action sends the user back to (never a free URL: no open redirect).
TILBAKE_CHOICES = [("besok", "Besøket"), ("min_dag", "Min dag"), ("team_dag", "Teamets dag")]

ACTIONS = ("inn", "ut", "oppgave", "avlys", "notat", "tildel")


class NewKey:
    """Renders as a fresh UUID each time a template shows it: one idempotency key per rendered form."""

    def __str__(self) -> str:
        return str(uuid.uuid4())


def _parse_client_time(value: str) -> dt.datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


class VisitActionForm(forms.Form):
    """What every action form on a visit has: the action, its key, where to go back to."""

    handling = forms.ChoiceField(choices=[(a, a) for a in ACTIONS], widget=forms.HiddenInput)
    nokkel = forms.UUIDField(required=False, widget=forms.HiddenInput)
    tilbake = forms.ChoiceField(choices=TILBAKE_CHOICES, required=False, widget=forms.HiddenInput)
    klient_tid = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    klient_sendt = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def tidspunkt(self, now: dt.datetime | None = None) -> dt.datetime | None:
        """When the action was really taken, or None for «now».

        With both client times, the delay the phone measured (send − tap, by the phone's own clock)
        is taken back from the server's clock, so a phone clock that is off does not matter. With
        only the tap time, that time is used as sent (the service refuses one too old or in the future).
        """
        tapped = _parse_client_time(self.cleaned_data.get("klient_tid", ""))
        if tapped is None:
            return None
        sent = _parse_client_time(self.cleaned_data.get("klient_sendt", ""))
        if sent is None:
            return tapped
        delay = sent - tapped
        if delay < dt.timedelta(0):
            return None  # nonsense from the phone: use the server's time
        return (now or timezone.now()) - delay


class CheckInForm(VisitActionForm):
    """Check in. The phone's position (optional) is compared with the address and then dropped."""

    breddegrad = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lengdegrad = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A position that is missing a half, or out of range, is simply not used: it is optional.
        for name in ("breddegrad", "lengdegrad"):
            if name in self.errors:
                del self.errors[name]
                data[name] = None
        return data

    def posisjon(self) -> tuple[float, float] | None:
        lat, lon = self.cleaned_data.get("breddegrad"), self.cleaned_data.get("lengdegrad")
        if lat is None or lon is None:
            return None
        return (lat, lon)


class CheckOutForm(VisitActionForm):
    pass


class TickForm(VisitActionForm):
    """Tick one task done, or not done with the reason."""

    oppgave = forms.IntegerField(widget=forms.HiddenInput)
    utfort = forms.TypedChoiceField(
        choices=[("ja", "Utført"), ("nei", "Ikke utført")], coerce=lambda v: v == "ja", widget=forms.HiddenInput
    )
    grunn = forms.CharField(label="Hvorfor ikke utført?", required=False, max_length=300)


class CancelForm(VisitActionForm):
    """Cancel a planned visit beforehand, or record that it did not happen, with the reason."""

    grunn = forms.ChoiceField(label="Grunn", choices=[("", "Velg grunn"), *Besok.Grunn.choices])
    grunn_tekst = forms.CharField(label="Utdyping (må fylles ut ved «Annet»)", required=False, max_length=300)
    utfall = forms.ChoiceField(
        choices=[("avlyst", "Avlys besøket"), ("ikke_utfort", "Besøket ble ikke utført")],
        widget=forms.HiddenInput,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grunn"].error_messages["required"] = "Velg en grunn."


class NoteForm(VisitActionForm):
    """A quick journal note from the visit, optionally flagged to the nurse or the next shift."""

    tekst = forms.CharField(label="Notat", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    type = forms.ChoiceField(label="Type", choices=Journalnotat.Type.choices, initial=Journalnotat.Type.OBSERVASJON)
    flagg = forms.ChoiceField(
        label="Flagg",
        choices=Journalnotat.Flagg.choices,
        required=False,
        initial="",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tekst"].error_messages["required"] = "Skriv notatet."

    def note_type(self) -> str:
        """A note flagged to the next shift is a «viktig for neste vakt» note unless another type was chosen."""
        chosen = self.cleaned_data["type"]
        if self.cleaned_data.get("flagg") == Journalnotat.Flagg.NESTE_VAKT and chosen == Journalnotat.Type.OBSERVASJON:
            return Journalnotat.Type.NESTE_VAKT
        return str(chosen)


class AssignForm(VisitActionForm):
    """Assign a visit to a team member (or leave it unassigned)."""

    ansatt = forms.ModelChoiceField(
        label="Tildel til", queryset=User.objects.none(), required=False, empty_label="Ikke tildelt"
    )

    def __init__(self, *args: Any, members: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ansatt"].queryset = (  # type: ignore[attr-defined]
            members if members is not None else User.objects.filter(kind="ansatt", is_active=True)
        )


FORMS: dict[str, type[VisitActionForm]] = {
    "inn": CheckInForm,
    "ut": CheckOutForm,
    "oppgave": TickForm,
    "avlys": CancelForm,
    "notat": NoteForm,
    "tildel": AssignForm,
}
