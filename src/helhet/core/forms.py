"""Forms. Labels and messages in Norwegian bokmål."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from helhet.core.access import NODTILGANG_MIN_REASON
from helhet.core.models import Bydel, Parorende, Samtykke, Tjenestemottaker, User, Verge
from helhet.core.rules import identity


def apply_validation_error(
    form: forms.BaseForm, exc: ValidationError, moves: dict[str, tuple[str, str]] | None = None
) -> None:
    """Put a service's Norwegian ``ValidationError`` on the form: on its field where the form has one.

    ``moves`` maps a service field to (form field, text put before the message), for a value the
    form took in another shape (e.g. hours per month for a scope the service checks per week).
    """
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target, prefix = (moves or {}).get(field, (field, ""))
            for error in errors:
                text = " ".join(error.messages)
                form.add_error(target if target in form.fields else None, f"{prefix} {text}".strip())
    else:
        for message in exc.messages:
            form.add_error(None, message)


class LoginForm(forms.Form):
    username = forms.CharField(
        label="Brukernavn",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True, "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label="Passord", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class OTPForm(forms.Form):
    token = forms.CharField(
        label="Engangskode fra autentiseringsappen",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]{6}", "autofocus": True}
        ),
        error_messages={"min_length": "Koden har seks siffer.", "max_length": "Koden har seks siffer."},
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not (token.isascii() and token.isdigit()):
            raise ValidationError("Koden har seks siffer.")
        return token


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Navn eller fødselsnummer",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def is_identity_number(self) -> bool:
        value = identity.compact(self.cleaned_data.get("q", ""))
        return value.isascii() and value.isdigit() and len(value) == 11


class PersonForm(forms.ModelForm):
    fodselsnummer = forms.CharField(
        label="Fødselsnummer eller D-nummer",
        max_length=13,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = Tjenestemottaker
        fields = [
            "fornavn",
            "etternavn",
            "kjonn",
            "adresse",
            "postnummer",
            "poststed",
            "breddegrad",
            "lengdegrad",
            "telefon",
            "sprak",
            "tolkebehov",
            "bydel",
            "fastlege",
        ]

    def __init__(self, *args: Any, bydeler: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if bydeler is not None:
            self.fields["bydel"].queryset = bydeler  # type: ignore[attr-defined]
        field_order = ["fodselsnummer", *self.Meta.fields]
        self.order_fields(field_order)

    def clean_fodselsnummer(self) -> str:
        try:
            return identity.parse(self.cleaned_data["fodselsnummer"]).number
        except identity.InvalidPersonId as exc:
            raise ValidationError(exc.message) from exc

    def clean_postnummer(self) -> str:
        value = self.cleaned_data["postnummer"].strip()
        if not (value.isascii() and value.isdigit() and len(value) == 4):
            raise ValidationError("Postnummeret har fire siffer.")
        return value


class PersonEditForm(PersonForm):
    """Same fields, but the identity number cannot be changed here."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["fodselsnummer"]


class ParorendeForm(forms.ModelForm):
    class Meta:
        model = Parorende
        fields = ["navn", "relasjon", "telefon", "epost", "adresse", "naermeste"]


class VergeForm(forms.ModelForm):
    class Meta:
        model = Verge
        fields = ["navn", "telefon", "epost", "mandat", "fra", "til"]
        widgets = {"fra": forms.DateInput(attrs={"type": "date"}), "til": forms.DateInput(attrs={"type": "date"})}


class SamtykkeForm(forms.ModelForm):
    class Meta:
        model = Samtykke
        fields = ["gjelder", "beskrivelse", "parorende", "gitt_av", "gitt"]
        widgets = {"gitt": forms.DateInput(attrs={"type": "date"}), "beskrivelse": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, person: Tjenestemottaker, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parorende"].queryset = person.parorende.all()  # type: ignore[attr-defined]
        self.fields["parorende"].required = False


class SperringForm(forms.Form):
    sperret_bruker = forms.ModelChoiceField(
        label="Ansatt som skal sperres", queryset=User.objects.filter(kind="ansatt", is_active=True)
    )
    begrunnelse = forms.CharField(
        label="Begrunnelse (valgfri)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class NodtilgangForm(forms.Form):
    begrunnelse = forms.CharField(
        label="Begrunnelse",
        min_length=NODTILGANG_MIN_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Hva er situasjonen, og hvorfor trenger du opplysningene nå? Begrunnelsen kontrolleres.",
        error_messages={
            "required": "Nødtilgang krever en begrunnelse.",
            "min_length": f"Skriv en begrunnelse på minst {NODTILGANG_MIN_REASON} tegn.",
        },
    )


class ReviewForm(forms.Form):
    vurdering = forms.ChoiceField(
        label="Vurdering",
        choices=[("godkjent", "Begrunnet"), ("avvik", "Ikke begrunnet – følges opp som avvik")],
        widget=forms.RadioSelect,
    )
    kommentar = forms.CharField(label="Kommentar", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AccessReviewFilterForm(forms.Form):
    person = forms.UUIDField(required=False, widget=forms.HiddenInput)
    bruker = forms.ModelChoiceField(
        label="Bruker", required=False, queryset=User.objects.filter(kind="ansatt").order_by("last_name")
    )
    grunnlag = forms.ChoiceField(label="Grunnlag", required=False)
    bydel = forms.ModelChoiceField(label="Bydel", required=False, queryset=Bydel.objects.all())

    def __init__(self, *args: Any, ground_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grunnlag"].choices = [("", "Alle"), *ground_choices]  # type: ignore[attr-defined]
