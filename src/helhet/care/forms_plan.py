"""Forms of the tiltaksplan and the individual plan, and the plain-Norwegian reading of a visit pattern.

Every change to a plan carries «hvorfor» and the person's involvement (:class:`MedvirkningForm`,
«Ingen beslutning om meg uten meg»). The tiltak form lets staff choose weekdays and «hver uke /
annenhver uke / hver dag»; it compiles that to an RRULE (RFC 5545), with a raw RRULE field for the
patterns the simple choices cannot say. The use cases in :mod:`helhet.care.services` check and save.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from helhet.care import services
from helhet.care.models import KOMPETANSE_CHOICES, IndividuellPlan, Involvering, Mal, Tiltak, Tiltaksplan
from helhet.care.rules import InvalidInput
from helhet.care.rules import recurrence as rec
from helhet.care.rules.pattern_text import WEEKDAY_CHOICES, Hyppighet, compile_rrule, decompose_rrule
from helhet.cases.models import Vedtak
from helhet.core.models import Leverandor, Team, Tjenestemottaker, User
from helhet.core.models.users import CARE_ROLES

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")

# --- why and how the person took part ------------------------------------------------------------------


class MedvirkningForm(forms.Form):
    """Asked on every change to a plan."""

    hvorfor = forms.CharField(
        label="Hvorfor endres planen?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Skriv hvorfor planen endres."},
    )
    involvering = forms.ChoiceField(
        label="Hvordan var personen med på endringen?",
        choices=Involvering.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Velg hvordan personen var med på endringen."},
    )
    involvering_merknad = forms.CharField(
        label="Merknad om medvirkning",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Må fylles ut når personen ikke kunne være med.",
    )

    MEDVIRKNING_FIELDS = ("hvorfor", "involvering", "involvering_merknad")

    def medvirkning(self) -> services.Medvirkning:
        return services.Medvirkning(
            hvorfor=self.cleaned_data.get("hvorfor", ""),
            involvering=self.cleaned_data.get("involvering", ""),
            merknad=self.cleaned_data.get("involvering_merknad", ""),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("involvering") == Involvering.KUNNE_IKKE and not (data.get("involvering_merknad") or "").strip():
            self.add_error("involvering_merknad", "Skriv hvorfor personen ikke kunne være med på endringen.")
        return data

    def own_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.MEDVIRKNING_FIELDS]

    def medvirkning_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.MEDVIRKNING_FIELDS]


# --- plan ----------------------------------------------------------------------------------------------


def provider_teams(leverandor_ids: set[int]) -> QuerySet[Team]:
    return Team.objects.filter(enhet__leverandor_id__in=leverandor_ids).select_related("enhet").order_by("navn")


class PlanNyForm(MedvirkningForm):
    leverandor = forms.ModelChoiceField(label="Leverandør", queryset=Leverandor.objects.none(), empty_label=None)
    team = forms.ModelChoiceField(label="Team", queryset=Team.objects.none(), required=False, empty_label="Intet team")
    viktig_for_meg = forms.CharField(
        label="«Hva er viktig for deg?» – med personens egne ord",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Hentet fra siste kartlegging. Rett det sammen med personen.",
    )
    mal = forms.CharField(
        label="Mål – med personens egne ord, ett per linje",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For eksempel «Jeg vil klare å dusje selv igjen». Du kan legge til flere mål senere.",
    )

    field_order = ["leverandor", "team", "viktig_for_meg", "mal", *MedvirkningForm.MEDVIRKNING_FIELDS]

    def __init__(self, *args: Any, leverandorer: QuerySet[Leverandor], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leverandor"].queryset = leverandorer  # type: ignore[attr-defined]
        self.fields["team"].queryset = provider_teams(set(leverandorer.values_list("pk", flat=True)))  # type: ignore[attr-defined]

    def goals(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("mal", "").splitlines() if line.strip()]


class PlanEndreForm(MedvirkningForm):
    viktig_for_meg = forms.CharField(
        label="«Hva er viktig for deg?» – med personens egne ord",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    team = forms.ModelChoiceField(label="Team", queryset=Team.objects.none(), required=False, empty_label="Intet team")
    primaerkontakt = forms.ModelChoiceField(
        label="Primærkontakt",
        queryset=User.objects.none(),
        required=False,
        empty_label="Ingen primærkontakt",
        help_text="Den faste kontaktpersonen som følger opp personen (sykepleier eller helsefagarbeider).",
    )

    field_order = ["viktig_for_meg", "team", "primaerkontakt", *MedvirkningForm.MEDVIRKNING_FIELDS]

    def __init__(self, *args: Any, plan: Tiltaksplan, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "viktig_for_meg": plan.viktig_for_meg,
                "team": plan.team_id,
                "primaerkontakt": plan.tjenestemottaker.primaerkontakt_id,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = provider_teams({plan.leverandor_id})  # type: ignore[attr-defined]
        self.fields["primaerkontakt"].queryset = provider_staff(plan.leverandor_id).filter(  # type: ignore[attr-defined]
            role_assignments__rolle__in=["sykepleier", "helsefagarbeider"]
        )


class MalForm(MedvirkningForm):
    tekst = forms.CharField(
        label="Målet – med personens egne ord",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Skriv målet, helst med personens egne ord."},
    )
    field_order = ["tekst", *MedvirkningForm.MEDVIRKNING_FIELDS]


class MalAvsluttForm(MedvirkningForm):
    avslutning = forms.CharField(
        label="Hvordan gikk det? (med personens egne ord der det passer)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Skriv kort hvordan det gikk med målet."},
    )
    field_order = ["avslutning", *MedvirkningForm.MEDVIRKNING_FIELDS]


# --- tiltak --------------------------------------------------------------------------------------------


def vedtak_label(v: Vedtak) -> str:
    periode = f"{v.fom:%d.%m.%Y}–{v.tom:%d.%m.%Y}" if v.tom else f"fra {v.fom:%d.%m.%Y}"
    hours = f", {v.timer_per_uke.normalize():f} t/uke".replace(".", ",") if v.timer_per_uke is not None else ""
    scope = f", {v.omfang_tekst}" if v.omfang is not None and v.timer_per_uke is None else ""
    return f"{v.get_tjenestetype_display()}, {periode}{hours}{scope}"


def granted_vedtak(person: Tjenestemottaker, current: int | None = None) -> QuerySet[Vedtak]:
    """The person's vedtak that are fattet and innvilget (and the tiltak's current one, whatever it is now)."""
    q = Q(status=Vedtak.Status.FATTET, utfall=Vedtak.Utfall.INNVILGET)
    if current:
        q |= Q(pk=current)
    return Vedtak.objects.filter(q, tjenestemottaker=person).order_by("-fom", "pk")


def provider_staff(leverandor_id: int) -> QuerySet[User]:
    """Staff now in a care role on a team of the provider."""
    today = timezone.localdate()
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__team__enhet__leverandor_id=leverandor_id,
            role_assignments__rolle__in=CARE_ROLES,
            role_assignments__gyldig_fra__lte=today,
        )
        .filter(Q(role_assignments__gyldig_til__isnull=True) | Q(role_assignments__gyldig_til__gte=today))
        .distinct()
        .order_by("last_name", "first_name")
    )


class VedtakChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return vedtak_label(obj)


class TiltakForm(MedvirkningForm):
    tittel = forms.CharField(label="Tiltak", max_length=120, help_text="Kort, for eksempel «Morgenstell».")
    mal = forms.ModelChoiceField(
        label="Målet tiltaket skal hjelpe personen med",
        queryset=Mal.objects.none(),
        required=False,
        empty_label="Ikke knyttet til mål (blir flagget)",
    )
    vedtak = VedtakChoiceField(
        label="Vedtaket som gir grunnlag for tiltaket",
        queryset=Vedtak.objects.none(),
        required=False,
        empty_label="Ikke knyttet til vedtak (blir flagget)",
        help_text="Bare fattede, innvilgede vedtak for personen kan velges.",
    )
    beskrivelse = forms.CharField(
        label="Hva som skal gjøres", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    oppgaver = forms.CharField(
        label="Oppgaver på hvert besøk – én per linje",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Hver linje blir en oppgave som krysses av på besøket.",
    )
    prosedyre = forms.CharField(
        label="Prosedyre med sjekkliste",
        required=False,
        max_length=80,
        help_text="For eksempel «Sårstell» eller «Legemiddelutdeling»: oppgavene er da sjekklistens steg.",
    )
    hyppighet = forms.ChoiceField(
        label="Hvor ofte", choices=Hyppighet.CHOICES, widget=forms.RadioSelect, initial=Hyppighet.HVER_UKE
    )
    ukedager = forms.MultipleChoiceField(
        label="Ukedager", choices=WEEKDAY_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    rrule = forms.CharField(
        label="Egen gjentakelsesregel (RRULE, avansert)",
        required=False,
        max_length=200,
        help_text="Fyll ut bare når valgene over ikke passer, for eksempel «FREQ=MONTHLY;BYDAY=1MO» "
        "(første mandag i måneden). Da brukes denne i stedet for valgene over.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    vindu_fra = forms.TimeField(label="Avtalt tidsvindu fra", widget=TIME_WIDGET)
    vindu_til = forms.TimeField(label="Avtalt tidsvindu til", widget=TIME_WIDGET)
    varighet_min = forms.IntegerField(label="Forventet varighet (minutter)", min_value=1, max_value=1440)
    kompetanse = forms.ChoiceField(label="Krav til kompetanse", choices=KOMPETANSE_CHOICES)
    neste_vakt = forms.CharField(
        label="Dette må neste vakt vite", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    fast_ansatt = forms.ModelChoiceField(
        label="Fast ansatt",
        queryset=User.objects.none(),
        required=False,
        empty_label="Primærkontakten",
        help_text="Besøkene tildeles denne personen (eller primærkontakten) når kompetansen holder.",
    )
    gyldig_fra = forms.DateField(label="Gjelder fra", widget=DATE_WIDGET)
    gyldig_til = forms.DateField(label="Gjelder til", required=False, widget=DATE_WIDGET)

    field_order = [
        "tittel",
        "mal",
        "vedtak",
        "beskrivelse",
        "oppgaver",
        "prosedyre",
        "hyppighet",
        "ukedager",
        "rrule",
        "vindu_fra",
        "vindu_til",
        "varighet_min",
        "kompetanse",
        "neste_vakt",
        "fast_ansatt",
        "gyldig_fra",
        "gyldig_til",
        *MedvirkningForm.MEDVIRKNING_FIELDS,
    ]
    PATTERN_FIELDS = ("hyppighet", "ukedager", "rrule")

    def __init__(self, *args: Any, plan: Tiltaksplan, tiltak: Tiltak | None = None, **kwargs: Any) -> None:
        if tiltak is not None:
            kwargs.setdefault("initial", self.initial_from(tiltak))
        else:
            kwargs.setdefault("initial", {"gyldig_fra": timezone.localdate(), "varighet_min": 30})
        super().__init__(*args, **kwargs)
        mal_q = Q(avsluttet__isnull=True)
        if tiltak is not None and tiltak.mal_id:
            mal_q |= Q(pk=tiltak.mal_id)
        self.fields["mal"].queryset = plan.mal.filter(mal_q)  # type: ignore[attr-defined]
        self.fields["vedtak"].queryset = granted_vedtak(  # type: ignore[attr-defined]
            plan.tjenestemottaker, tiltak.vedtak_id if tiltak else None
        )
        staff = provider_staff(plan.leverandor_id)
        if tiltak is not None and tiltak.fast_ansatt_id:
            staff = (staff | User.objects.filter(pk=tiltak.fast_ansatt_id)).distinct()
        self.fields["fast_ansatt"].queryset = staff  # type: ignore[attr-defined]

    @staticmethod
    def initial_from(tiltak: Tiltak) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(tiltak, name) for name in services.TILTAK_FIELDS}
        initial["mal"] = tiltak.mal_id
        initial["vedtak"] = tiltak.vedtak_id
        initial["fast_ansatt"] = tiltak.fast_ansatt_id
        initial["oppgaver"] = "\n".join(str(o) for o in tiltak.oppgaver or [])
        simple = decompose_rrule(tiltak.rrule)
        if simple is None:
            initial["hyppighet"] = Hyppighet.HVER_UKE
            initial["ukedager"] = []
        else:
            initial["hyppighet"], initial["ukedager"] = simple
            initial["rrule"] = ""
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        raw = (data.get("rrule") or "").strip()
        if raw:
            try:
                rec.parse_rrule(raw)
            except InvalidInput as exc:
                self.add_error("rrule", exc.message)
            data["rrule"] = raw
        elif data.get("hyppighet"):
            try:
                data["rrule"] = compile_rrule(data["hyppighet"], data.get("ukedager") or [])
            except ValueError:
                self.add_error("ukedager", "Velg minst én ukedag, eller velg «Hver dag».")
        data["oppgaver"] = [line.strip() for line in (data.get("oppgaver") or "").splitlines() if line.strip()]
        return data

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in services.TILTAK_FIELDS} | {
            "beskrivelse": self.cleaned_data.get("beskrivelse", ""),
            "prosedyre": self.cleaned_data.get("prosedyre", ""),
            "neste_vakt": self.cleaned_data.get("neste_vakt", ""),
        }

    def sections(self) -> dict[str, list[forms.BoundField]]:
        """Fields grouped for the template (what, how often, who, period)."""
        groups = {
            "hva": ["tittel", "mal", "vedtak", "beskrivelse", "oppgaver", "prosedyre", "neste_vakt"],
            "tid": ["vindu_fra", "vindu_til", "varighet_min"],
            "hvem": ["kompetanse", "fast_ansatt"],
            "periode": ["gyldig_fra", "gyldig_til"],
        }
        return {key: [self[name] for name in names] for key, names in groups.items()}


class TiltakAvsluttForm(MedvirkningForm):
    til = forms.DateField(label="Siste dag tiltaket gjelder", widget=DATE_WIDGET)
    field_order = ["til", *MedvirkningForm.MEDVIRKNING_FIELDS]


# --- individuell plan ----------------------------------------------------------------------------------


class IndividuellPlanForm(forms.ModelForm):
    class Meta:
        model = IndividuellPlan
        fields = ["koordinator", "samtykke", "status", "deltakere", "neste_evaluering"]
        widgets = {"neste_evaluering": DATE_WIDGET, "deltakere": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "koordinator": "Koordinatoren har hovedansvaret for oppfølgingen og for planen (hol. § 7-2).",
            "samtykke": "Planen kan bare være aktiv når personen har samtykket (hol. § 7-1).",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.koordinator_id if self.instance.pk else None
        staff = User.objects.filter(Q(kind="ansatt", is_active=True) | Q(pk=current)).order_by("last_name")
        self.fields["koordinator"].queryset = staff  # type: ignore[attr-defined]
        self.fields["koordinator"].empty_label = "Velg koordinator"  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        """The service checks and saves (it calls ``full_clean`` itself): only read the fields here."""
        return None
