"""BPA pages for the provider's staff and for the bydel (issue 6, points 5 and 6).

- «BPA» (leders, sykepleiere and kvalitetsledere at a provider, and an arrangement's adviser): the
  provider's arrangements with hours used against granted this month and this year, the year's
  forecast, timesheets waiting for the arbeidsleder's approval and unread messages from the
  arbeidsleder; one arrangement's page (assistants and what they miss before their first shift, a
  form to register a completed course, the conversation with the arbeidsleder, the hours); the
  payroll export; the invoice basis to the municipality.
- «BPA (bydel)» (case officers): hours used against granted, read-only, for arrangements of persons
  in the bydel who have consented to the bydel seeing them (:func:`services.bydel_ordninger`).

Access follows the BPA services, not the care grounds: the provider's staff reach the arrangements of
their provider (:func:`services.may_read`, :func:`services.provider_staff_ids`); a portal user
(arbeidsleder) reaches none of these pages (the middleware stops them first, the views check again).
One arrangement's page is guarded by :func:`ordning_view`: it loads the arrangement, refuses (403,
audited) anyone else, and audits the read with the person. Lists audit every person they show
(:func:`helhet.core.audit.record_list`). The payroll export carries no data about the persons
assisted — assistants and the arrangement's number only — so it is marked ``no_person_data``, and
the export itself is logged. URLs carry plain ids and dates, never names.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helhet.bpa import exports, services
from helhet.bpa.models import KURS, REGELSETT, Assistent, Melding, Ordning, Timeliste, Vakt
from helhet.core import audit
from helhet.core.extensions import register_nav_item
from helhet.core.forms import apply_validation_error
from helhet.core.guards import GUARD_ATTR, GuardKind, acting_user, no_person_data, person_list_view
from helhet.core.models import AuditAction, Leverandor, Role, Tjenestemottaker, User, UserKind

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])

#: Who sees the «BPA» menu entry (the services decide who may read: provider staff in these roles and
#: every arrangement's adviser).
MENU_ROLES = services.PROVIDER_ROLES
BYDEL_MENU_ROLES = frozenset({Role.SAKSBEHANDLER})
#: The audit trail's ground for the provider's staff reading an arrangement.
GROUND = "bpa_leverandor"
GROUND_LABEL = "BPA-rådgiver eller leder hos leverandøren"
NOT_PROVIDER_STAFF = (
    "BPA-sidene er for BPA-rådgivere og for ledere, sykepleiere og kvalitetsledere hos en BPA-leverandør."
)
NOT_THIS_PROVIDER = "Bare BPA-rådgiveren og de ansatte hos leverandøren som har ordningen, har tilgang til den."
NOT_CASE_OFFICER = "BPA for bydelen er for saksbehandlere og vedtaksmyndige i bydelen."


# --- formatting --------------------------------------------------------------------------------------------


def t(value: Decimal | None) -> str:
    """Hours for a page: one decimal, decimal comma (``123,5``)."""
    if value is None:
        return "–"
    return f"{Decimal(value).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):f}".replace(".", ",").replace("-", "−")


def pct(value: int | None) -> str:
    return "ingen prognose" if value is None else f"{value} %"


def bar(value: int | None) -> str:
    return "" if value is None else str(min(max(value, 0), 100))


# --- who may -------------------------------------------------------------------------------------------------


def _staff(request: HttpRequest) -> User:
    user = acting_user(request)
    if user.kind != UserKind.STAFF:
        raise PermissionDenied("Denne siden er for ansatte.")
    return user


def _providers(user: User) -> list[Leverandor]:
    providers = list(Leverandor.objects.filter(pk__in=services.provider_staff_ids(user)).order_by("navn"))
    if not providers:
        raise PermissionDenied(NOT_PROVIDER_STAFF)
    return providers


def _chosen(options: list[Leverandor], wanted: str | None) -> Leverandor:
    for option in options:
        if str(option.pk) == wanted:
            return option
    return options[0]


def ordning_view(view: ViewFunc) -> ViewFunc:
    """Guard a page whose URL names an arrangement (``ordning_id``): provider staff only, audited.

    The view gets ``(request, ordning)``. Anyone else gets the 403 page with the reason, and the
    refusal is logged with the person, as :func:`helhet.core.guards.person_view` does.
    """

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ordning = get_object_or_404(
            Ordning.objects.select_related("tjenestemottaker", "leverandor", "vedtak", "arbeidsleder", "radgiver"),
            pk=kwargs.pop("ordning_id"),
        )
        user = acting_user(request)
        if user.kind != UserKind.STAFF or not services.may_read(user, ordning):
            audit.record(
                user=user,
                action=AuditAction.REFUSED,
                person=ordning.tjenestemottaker,
                obj=ordning,
                details={"visning": view.__name__, "avslag": "ikke_bpa_leverandor"},
            )
            raise PermissionDenied(NOT_THIS_PROVIDER)
        if request.method in ("GET", "HEAD"):
            audit.record(
                user=user,
                action=AuditAction.READ,
                person=ordning.tjenestemottaker,
                obj=ordning,
                ground=GROUND,
                ground_label=GROUND_LABEL,
                details={"visning": view.__name__},
            )
        return view(request, ordning, *args, **kwargs)

    setattr(wrapped, GUARD_ATTR, GuardKind.PERSON)
    return wrapped  # type: ignore[return-value]


# --- the provider's overview -----------------------------------------------------------------------------


@dataclass
class Rad:
    """One arrangement on an overview, with its hour figures as text."""

    ordning: Ordning
    url: str
    per_uke: str
    maaned_brukt: str
    maaned_innvilget: str
    maaned_pct: int
    aar_brukt: str
    aar_innvilget: str
    aar_pct: int
    prognose: str
    prognose_over: bool
    bar: str
    til_godkjenning: int = 0
    uleste: int = 0
    aktiv: bool = True


def _rad(ordning: Ordning, day: dt.date, url: str, *, pending: int = 0, unread: int = 0) -> Rad:
    f = services.forbruk(ordning, day)
    return Rad(
        ordning=ordning,
        url=url,
        per_uke=t(ordning.timer_per_uke),
        maaned_brukt=t(f.used_month),
        maaned_innvilget=t(f.granted_month),
        maaned_pct=f.used_month_percent,
        aar_brukt=t(f.used_year),
        aar_innvilget=t(f.granted_year),
        aar_pct=f.used_year_percent,
        prognose=pct(f.forecast_percent),
        prognose_over=f.forecast_percent is not None and f.forecast_percent > 100,
        bar=bar(f.used_year_percent),
        til_godkjenning=pending,
        uleste=unread,
        aktiv=ordning.til is None or ordning.til >= day,
    )


def _counts(qs: QuerySet[Any]) -> dict[int, int]:
    return {row["ordning_id"]: row["n"] for row in qs.values("ordning_id").annotate(n=Count("pk"))}


@require_GET
@person_list_view
def oversikt(request: HttpRequest) -> HttpResponse:
    """The provider's arrangements: hours used against granted, the forecast, what waits."""
    user = _staff(request)
    providers = _providers(user)
    leverandor = _chosen(providers, request.GET.get("leverandor"))
    mine = request.GET.get("mine") == "1"
    ordninger = Ordning.objects.filter(leverandor=leverandor).select_related(
        "tjenestemottaker", "radgiver", "arbeidsleder", "vedtak"
    )
    if mine:
        ordninger = ordninger.filter(radgiver=user)
    ordninger = ordninger.order_by("tjenestemottaker__etternavn", "tjenestemottaker__fornavn", "pk")
    ids = [o.pk for o in ordninger]
    pending = _counts(Timeliste.objects.filter(ordning_id__in=ids, status=Timeliste.Status.INNSENDT))
    unread = _counts(
        Melding.objects.filter(ordning_id__in=ids, lest__isnull=True, fra_id=F("ordning__arbeidsleder_id"))
    )
    today = timezone.localdate()
    rows = [
        _rad(
            o,
            today,
            reverse("bpa:staff_ordning", kwargs={"ordning_id": o.pk}),
            pending=pending.get(o.pk, 0),
            unread=unread.get(o.pk, 0),
        )
        for o in ordninger
    ]
    audit.record_list(
        user=user,
        action=AuditAction.READ,
        persons=[r.ordning.tjenestemottaker for r in rows],
        details={"visning": "bpa_oversikt", "leverandor": leverandor.pk},
    )
    return render(
        request,
        "bpa/staff/oversikt.html",
        {
            "title": f"BPA – {leverandor}",
            "leverandor": leverandor,
            "leverandorer": providers,
            "rows": rows,
            "mine": mine,
            "today": today,
            "nav_current": "bpa:staff_oversikt",
        },
    )


# --- one arrangement -------------------------------------------------------------------------------------


class KursForm(forms.Form):
    assistent = forms.ModelChoiceField(
        label="Assistent", queryset=Assistent.objects.none(), empty_label="Velg assistent"
    )
    kurs = forms.ChoiceField(label="Kurs", choices=[("", "Velg kurs"), *KURS.items()])
    dato = forms.DateField(label="Fullført dato", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, ordning: Ordning, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assistent"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = ordning.assistenter.order_by("navn")
        self.fields["dato"].initial = timezone.localdate()

    def clean_dato(self) -> dt.date:
        value: dt.date = self.cleaned_data["dato"]
        if value > timezone.localdate():
            raise forms.ValidationError("Datoen kan ikke være frem i tid.")
        return value


class AssistentForm(forms.Form):
    navn = forms.CharField(label="Navn", max_length=200)
    telefon = forms.CharField(label="Telefon", max_length=20, required=False)
    ansattnummer = forms.CharField(label="Ansattnummer (lønn)", max_length=20)
    stillingsprosent = forms.DecimalField(label="Stillingsprosent", max_digits=5, decimal_places=1)
    start = forms.DateField(label="Ansatt fra", widget=forms.DateInput(attrs={"type": "date"}))
    slutt = forms.DateField(label="Ansatt til", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    kontrakt_signert = forms.DateField(
        label="Arbeidsavtale signert", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    politiattest = forms.ChoiceField(label="Politiattest", choices=Assistent.Politiattest.choices)
    politiattest_dato = forms.DateField(
        label="Politiattesten er datert", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class BestillingChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.vedtak.tjenestemottaker.fullt_navn}: {obj.vedtak.timer_per_uke} t/uke fra {obj.fra:%d.%m.%Y}"


class NyOrdningForm(forms.Form):
    bestilling = BestillingChoice(label="Mottatt BPA-bestilling", queryset=Assistent.objects.none())
    arbeidsleder_type = forms.ChoiceField(label="Hvem er arbeidsleder?", choices=Ordning.Arbeidsleder.choices)
    fornavn = forms.CharField(label="Arbeidslederens fornavn", max_length=150)
    etternavn = forms.CharField(label="Arbeidslederens etternavn", max_length=150)
    brukernavn = forms.CharField(
        label="Brukernavn for arbeidslederens innlogging",
        max_length=150,
        help_text="Arbeidslederen får et engangspassord og setter opp autentiseringsappen ved første innlogging.",
    )
    regelsett = forms.ChoiceField(label="Arbeidstidsregler", choices=REGELSETT)
    samtykke_bydel = forms.BooleanField(label="Personen samtykker i at bydelen ser timeforbruket", required=False)

    def __init__(self, bestillinger: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["bestilling"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = bestillinger


class MeldingForm(forms.Form):
    tekst = forms.CharField(label="Svar til arbeidslederen", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


@dataclass
class AssistentRad:
    assistent: Assistent
    kurs: list[str]
    mangler: list[str]
    ansatt: bool


def _assistent_rader(ordning: Ordning, today: dt.date) -> list[AssistentRad]:
    rows = []
    for a in ordning.assistenter.prefetch_related("opplaering").order_by("navn"):
        done = {o.kurs for o in a.opplaering.all()}
        rows.append(
            AssistentRad(
                assistent=a,
                kurs=[label for code, label in KURS.items() if code in done],
                mangler=services.mangler(a),
                ansatt=a.start <= today and (a.slutt is None or a.slutt >= today),
            )
        )
    return rows


def _violations(ordning: Ordning) -> list[str]:
    """The working-time rules the planned shifts of the next four weeks break, as sentences (at most ten)."""
    now = timezone.now()
    end = now + dt.timedelta(weeks=4)
    found = services.plan_violations(ordning, now, end)
    ahead = set(
        Vakt.objects.filter(ordning=ordning, pk__in=list(found), slutt__gt=now, start__lt=end).values_list(
            "pk", flat=True
        )
    )
    texts: list[str] = []
    for pk in sorted(ahead):
        for violation in found[pk]:
            message = getattr(violation, "message", str(violation))
            if message not in texts:
                texts.append(message)
    return texts[:10]


def _ordning_context(request: HttpRequest, ordning: Ordning, **extra: Any) -> dict[str, Any]:
    user = acting_user(request)
    today = timezone.localdate()
    meldinger = list(ordning.meldinger.select_related("fra").order_by("sendt", "pk"))
    unread_ids = {m.pk for m in meldinger if m.lest is None and m.fra_id != user.pk}
    if ordning.radgiver_id in (None, user.pk):  # the adviser reads them; a leader looking in does not
        services.mark_read(user, ordning)
    return {
        "title": f"BPA for {ordning.tjenestemottaker.fullt_navn}",
        "ordning": ordning,
        "rad": _rad(ordning, today, ""),
        "assistenter": _assistent_rader(ordning, today),
        "kurs_form": extra.pop("kurs_form", None) or KursForm(ordning),
        "assistent_form": extra.pop("assistent_form", None) or AssistentForm(prefix="ny"),
        "melding_form": extra.pop("melding_form", None) or MeldingForm(),
        "meldinger": meldinger,
        "uleste": unread_ids,
        "til_godkjenning": ordning.timelister.filter(status=Timeliste.Status.INNSENDT).count(),
        "brudd": _violations(ordning),
        "today": today,
        "nav_current": "bpa:staff_oversikt",
        **extra,
    }


@require_GET
@ordning_view
def ordning_side(request: HttpRequest, ordning: Ordning) -> HttpResponse:
    """One arrangement for the adviser: assistants and their onboarding, messages, hours."""
    return render(request, "bpa/staff/ordning.html", _ordning_context(request, ordning))


def _back(ordning: Ordning, anchor: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("bpa:staff_ordning", kwargs={"ordning_id": ordning.pk}) + f"#{anchor}")


@require_POST
@ordning_view
def registrer_kurs(request: HttpRequest, ordning: Ordning) -> HttpResponse:
    """Register that an assistant has completed a mandatory course."""
    user = acting_user(request)
    form = KursForm(ordning, request.POST)
    if form.is_valid():
        assistent = form.cleaned_data["assistent"]
        try:
            services.fullfor_kurs(
                utfort_av=user, assistent=assistent, kurs=form.cleaned_data["kurs"], dato=form.cleaned_data["dato"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Registrert: {assistent} har fullført «{KURS[form.cleaned_data['kurs']]}».")
            return _back(ordning, "assistenter")
    context = _ordning_context(request, ordning, kurs_form=form)
    return render(request, "bpa/staff/ordning.html", context, status=400)


@require_POST
@ordning_view
def svar_melding(request: HttpRequest, ordning: Ordning) -> HttpResponse:
    """The adviser's message to the arbeidsleder."""
    user = acting_user(request)
    form = MeldingForm(request.POST)
    if form.is_valid():
        try:
            services.send_melding(utfort_av=user, ordning=ordning, tekst=form.cleaned_data["tekst"])
        except ValidationError as exc:
            form.add_error("tekst" if hasattr(exc, "error_dict") and "tekst" in exc.error_dict else None, exc)
        else:
            messages.success(request, "Meldingen er sendt til arbeidslederen.")
            return _back(ordning, "meldinger")
    context = _ordning_context(request, ordning, melding_form=form)
    return render(request, "bpa/staff/ordning.html", context, status=400)


# --- the payroll export ---------------------------------------------------------------------------------------


def _last_month(today: dt.date) -> tuple[dt.date, dt.date]:
    end = today.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


class _ProviderForm(forms.Form):
    """A form for one of the user's providers (the only one is preselected and hidden)."""

    leverandor = forms.TypedChoiceField(label="Leverandør", coerce=int, required=False, empty_value=None)

    def __init__(self, providers: list[Leverandor], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.providers = providers
        field = self.fields["leverandor"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(p.pk, p.navn) for p in providers]
        field.initial = providers[0].pk
        if len(providers) == 1:
            field.widget = forms.HiddenInput()

    def clean_leverandor(self) -> Leverandor:
        wanted = self.cleaned_data.get("leverandor")
        return next((p for p in self.providers if p.pk == wanted), self.providers[0])


class LonnForm(_ProviderForm):
    fra = forms.DateField(label="Fra og med", widget=forms.DateInput(attrs={"type": "date"}))
    til = forms.DateField(label="Til og med", widget=forms.DateInput(attrs={"type": "date"}))
    definisjon = forms.ChoiceField(
        label="Tillegg regnes etter",
        choices=[(d.code, d.label) for d in exports.DEFINISJONER.values()],
        initial=exports.TARIFF.code,
        required=False,
        help_text="Tariff: kveld/natt 17–06 og hele lørdag, søndag og helligdag. Loven: natt 21–06 (§ 10-11) og "
        "søndagsarbeid fra kl. 18 dagen før til kl. 22 (§ 10-10).",
    )

    def __init__(self, providers: list[Leverandor], *args: Any, **kwargs: Any) -> None:
        super().__init__(providers, *args, **kwargs)
        fra, til = _last_month(timezone.localdate())
        self.fields["fra"].initial, self.fields["til"].initial = fra, til

    def clean_definisjon(self) -> exports.Definisjon:
        return exports.DEFINISJONER.get(self.cleaned_data.get("definisjon") or "", exports.TARIFF)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        fra, til = data.get("fra"), data.get("til")
        if fra and til:
            if fra > til:
                raise forms.ValidationError("«Fra og med» kan ikke være etter «til og med».")
            if (til - fra).days >= exports.MAX_PERIOD_DAYS:
                raise forms.ValidationError("Perioden kan være høyst ett år. Del eksporten i flere perioder.")
        return data


def _pending(leverandor: Leverandor, fra: dt.date, til: dt.date) -> int:
    """Timesheets starting in [fra, til] still waiting for the arbeidsleder's approval (not in the exports)."""
    begin = timezone.make_aware(dt.datetime.combine(fra, dt.time(0)))
    end = timezone.make_aware(dt.datetime.combine(til + dt.timedelta(days=1), dt.time(0)))
    return Timeliste.objects.filter(
        ordning__leverandor=leverandor, status=Timeliste.Status.INNSENDT, start__gte=begin, start__lt=end
    ).count()


def _csv_response(content: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@no_person_data
def lonnseksport(request: HttpRequest) -> HttpResponse:
    """Approved hours per assistant for a period, as a CSV file for the payroll system."""
    user = _staff(request)
    providers = _providers(user)
    bound = bool(request.GET)
    form = LonnForm(providers, request.GET if bound else None)
    context: dict[str, Any] = {
        "title": "Lønnsgrunnlag for BPA-assistenter",
        "form": form,
        "nav_current": "bpa:staff_oversikt",
    }
    if not bound:
        return render(request, "bpa/staff/lonn.html", context)
    if not form.is_valid():
        return render(request, "bpa/staff/lonn.html", context, status=400)
    leverandor = form.cleaned_data["leverandor"]
    fra, til = form.cleaned_data["fra"], form.cleaned_data["til"]
    definisjon = form.cleaned_data["definisjon"]
    lines = exports.lonnsgrunnlag(leverandor.pk, fra, til, definisjon=definisjon)
    download = request.GET.get("last_ned") == "1"
    audit.record(
        user=user,
        action=AuditAction.READ,
        details={
            "eksport" if download else "visning": "bpa_lonn",
            "leverandor": leverandor.pk,
            "fra": fra.isoformat(),
            "til": til.isoformat(),
            "linjer": len(lines),
        },
    )
    if download:
        return _csv_response(exports.lonn_csv(lines), f"bpa-lonn-{leverandor.organisasjonsnummer}-{fra}-{til}.csv")
    query = request.GET.copy()
    query["last_ned"] = "1"
    context.update(
        leverandor=leverandor,
        fra=fra,
        til=til,
        definisjon=definisjon,
        lines=[(x, exports.number(x.timer), exports.number(x.kveld_natt), exports.number(x.helg)) for x in lines],
        sum_timer=exports.number(sum((x.timer for x in lines), Decimal(0))),
        sum_kveld=exports.number(sum((x.kveld_natt for x in lines), Decimal(0))),
        sum_helg=exports.number(sum((x.helg for x in lines), Decimal(0))),
        venter=_pending(leverandor, fra, til),
        download_url=f"{reverse('bpa:staff_lonn')}?{query.urlencode()}",
    )
    return render(request, "bpa/staff/lonn.html", context)


# --- the invoice basis ------------------------------------------------------------------------------------------


MONTH_NAMES = (
    "januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober", "november",
    "desember",
)  # fmt: skip
MAX_MONTHS = 12


class FakturaForm(_ProviderForm):
    fra = forms.CharField(
        label="Fra måned", widget=forms.TextInput(attrs={"type": "month"}), help_text="År-måned, for eksempel 2026-03."
    )
    til = forms.CharField(
        label="Til måned", widget=forms.TextInput(attrs={"type": "month"}), help_text="År-måned, for eksempel 2026-03."
    )

    def __init__(self, providers: list[Leverandor], *args: Any, **kwargs: Any) -> None:
        super().__init__(providers, *args, **kwargs)
        first, _ = _last_month(timezone.localdate())
        self.fields["fra"].initial = self.fields["til"].initial = f"{first:%Y-%m}"

    @staticmethod
    def _month(value: str) -> dt.date:
        try:
            return dt.datetime.strptime(value.strip(), "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError("Skriv måneden som år-måned, for eksempel 2026-03.") from None

    def clean_fra(self) -> dt.date:
        return self._month(self.cleaned_data["fra"])

    def clean_til(self) -> dt.date:
        return self._month(self.cleaned_data["til"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        fra, til = data.get("fra"), data.get("til")
        if isinstance(fra, dt.date) and isinstance(til, dt.date):
            if fra > til:
                raise forms.ValidationError("«Fra måned» kan ikke være etter «til måned».")
            if len(exports.months(fra, til)) > MAX_MONTHS:
                raise forms.ValidationError(f"Velg høyst {MAX_MONTHS} måneder om gangen.")
        return data


@require_GET
@person_list_view
def fakturagrunnlag(request: HttpRequest) -> HttpResponse:
    """Delivered (approved) hours per arrangement and month against granted: the invoice basis."""
    user = _staff(request)
    providers = _providers(user)
    form = FakturaForm(providers, request.GET or None)
    context: dict[str, Any] = {"title": "Fakturagrunnlag for BPA", "form": form, "nav_current": "bpa:staff_oversikt"}
    if request.GET and not form.is_valid():
        return render(request, "bpa/staff/faktura.html", context, status=400)
    if form.is_bound:
        leverandor = form.cleaned_data["leverandor"]
        fra, til = form.cleaned_data["fra"], form.cleaned_data["til"]
    else:
        leverandor = providers[0]
        fra = til = _last_month(timezone.localdate())[0]
    lines = exports.fakturagrunnlag(leverandor.pk, fra, exports.month_end(til))
    persons = {p.pk: p for p in Tjenestemottaker.objects.filter(pk__in={x.person_id for x in lines})}
    download = request.GET.get("format") == "csv"
    audit.record_list(
        user=user,
        action=AuditAction.READ,
        persons=persons.values(),
        details={
            "eksport" if download else "visning": "bpa_fakturagrunnlag",
            "leverandor": leverandor.pk,
            "fra": f"{fra:%Y-%m}",
            "til": f"{til:%Y-%m}",
        },
    )
    if download:
        return _csv_response(
            exports.faktura_csv(lines),
            f"bpa-fakturagrunnlag-{leverandor.organisasjonsnummer}-{fra:%Y-%m}-{til:%Y-%m}.csv",
        )
    query = {"leverandor": str(leverandor.pk), "fra": f"{fra:%Y-%m}", "til": f"{til:%Y-%m}", "format": "csv"}
    context.update(
        leverandor=leverandor,
        fra=fra,
        til=til,
        periode=_period_label(fra, til),
        lines=[
            {
                "x": x,
                "person": persons.get(x.person_id),  # type: ignore[call-overload]
                "maaned": f"{MONTH_NAMES[x.maaned.month - 1]} {x.maaned.year}",
                "innvilget": exports.number(x.innvilget),
                "levert": exports.number(x.levert),
                "differanse": exports.number(x.differanse),
                "over": x.differanse > 0,
            }
            for x in lines
        ],
        sum_innvilget=exports.number(sum((x.innvilget for x in lines), Decimal(0))),
        sum_levert=exports.number(sum((x.levert for x in lines), Decimal(0))),
        sum_differanse=exports.number(sum((x.differanse for x in lines), Decimal(0))),
        venter=_pending(leverandor, fra, exports.month_end(til)),
        download_url=f"{reverse('bpa:staff_faktura')}?{urlencode(query)}",
    )
    return render(request, "bpa/staff/faktura.html", context)


def _period_label(fra: dt.date, til: dt.date) -> str:
    first = f"{MONTH_NAMES[fra.month - 1]} {fra.year}"
    if (fra.year, fra.month) == (til.year, til.month):
        return first
    return f"{first} – {MONTH_NAMES[til.month - 1]} {til.year}"


# --- the bydel's read-only view --------------------------------------------------------------------------------


@require_GET
@person_list_view
def bydel_oversikt(request: HttpRequest) -> HttpResponse:
    """Hours used against granted for the bydel's persons who have consented; read-only."""
    user = _staff(request)
    if not user.bydel_ids():
        raise PermissionDenied(NOT_CASE_OFFICER)
    today = timezone.localdate()
    ordninger = (
        services.bydel_ordninger(user)
        .select_related("vedtak")
        .order_by("tjenestemottaker__etternavn", "tjenestemottaker__fornavn", "pk")
    )
    rows = [_rad(o, today, "") for o in ordninger]
    audit.record_list(
        user=user,
        action=AuditAction.READ,
        persons=[r.ordning.tjenestemottaker for r in rows],
        details={"visning": "bpa_bydel"},
    )
    return render(
        request,
        "bpa/staff/bydel.html",
        {"title": "BPA i bydelen", "rows": rows, "today": today, "nav_current": "bpa:bydel_oversikt"},
    )


@require_POST
@ordning_view
def ny_assistent(request: HttpRequest, ordning: Ordning) -> HttpResponse:
    """Register an assistant's employment in the arrangement."""
    form = AssistentForm(request.POST, prefix="ny")
    if form.is_valid():
        try:
            a = services.lagre_assistent(utfort_av=acting_user(request), ordning=ordning, data=form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{a} er registrert. Registrer kursene etter hvert som de er fullført.")
            return _back(ordning, "assistenter")
    context = _ordning_context(request, ordning, assistent_form=form)
    return render(request, "bpa/staff/ordning.html", context, status=400)


@require_http_methods(["GET", "POST"])
@ordning_view
def endre_assistent(request: HttpRequest, ordning: Ordning, assistent_id: int) -> HttpResponse:
    """Change an assistant's employment: contract signed, police certificate, position, end date."""
    assistent = get_object_or_404(Assistent, pk=assistent_id, ordning=ordning)
    initial = {k: getattr(assistent, k) for k in services.ASSISTENT_FIELDS}
    form = AssistentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.lagre_assistent(
                utfort_av=acting_user(request), ordning=ordning, data=form.cleaned_data, assistent=assistent
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Ansettelsen til {assistent} er oppdatert.")
            return _back(ordning, "assistenter")
    return render(
        request,
        "bpa/staff/assistent.html",
        {"ordning": ordning, "assistent": assistent, "form": form, "nav_current": "bpa:staff_oversikt"},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@person_list_view
def ny_ordning(request: HttpRequest) -> HttpResponse:
    """Set up the arrangement for a received BPA order, with the arbeidsleder's login."""
    user = _staff(request)
    bestillinger = services.ledige_bestillinger(user)
    form = NyOrdningForm(bestillinger, request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            ordning, password = services.opprett_ordning(
                utfort_av=user,
                bestilling=d["bestilling"],
                arbeidsleder_type=d["arbeidsleder_type"],
                brukernavn=d["brukernavn"],
                fornavn=d["fornavn"],
                etternavn=d["etternavn"],
                regelsett=d["regelsett"],
                samtykke_bydel=d["samtykke_bydel"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return render(
                request,
                "bpa/staff/ny_ordning_ferdig.html",
                {"ordning": ordning, "password": password, "nav_current": "bpa:staff_oversikt"},
            )
    shown = {b.vedtak.tjenestemottaker_id: b.vedtak.tjenestemottaker for b in bestillinger}
    audit.record_list(
        user=user,
        action=AuditAction.READ,
        persons=sorted(shown.values(), key=lambda p: str(p.pk)),
        details={"visning": "ny BPA-ordning"},
    )
    return render(
        request,
        "bpa/staff/ny_ordning.html",
        {"form": form, "empty": not bestillinger.exists(), "nav_current": "bpa:staff_oversikt"},
        status=400 if form.errors else 200,
    )


# --- menu and URLs ---------------------------------------------------------------------------------------------


def _unread_for_adviser(user: Any) -> int:
    """Messages from the arbeidsleder not yet read, in the arrangements the user advises (one query)."""
    return Melding.objects.filter(
        ordning__radgiver=user, lest__isnull=True, fra_id=F("ordning__arbeidsleder_id")
    ).count()


def register() -> None:
    register_nav_item("BPA", "bpa:staff_oversikt", MENU_ROLES, order=57, count=_unread_for_adviser)
    register_nav_item("BPA (bydel)", "bpa:bydel_oversikt", BYDEL_MENU_ROLES, order=58)


urlpatterns = [
    path("leverandor/", oversikt, name="staff_oversikt"),
    path("leverandor/ordning/<int:ordning_id>/", ordning_side, name="staff_ordning"),
    path("leverandor/ordning/<int:ordning_id>/kurs/", registrer_kurs, name="staff_kurs"),
    path("leverandor/ordning/<int:ordning_id>/assistent/", ny_assistent, name="staff_ny_assistent"),
    path(
        "leverandor/ordning/<int:ordning_id>/assistent/<int:assistent_id>/",
        endre_assistent,
        name="staff_assistent",
    ),
    path("leverandor/ny-ordning/", ny_ordning, name="staff_ny_ordning"),
    path("leverandor/ordning/<int:ordning_id>/melding/", svar_melding, name="staff_melding"),
    path("leverandor/lonn/", lonnseksport, name="staff_lonn"),
    path("leverandor/fakturagrunnlag/", fakturagrunnlag, name="staff_faktura"),
    path("bydel/", bydel_oversikt, name="bydel_oversikt"),
]
