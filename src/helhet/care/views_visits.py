"""Visit screens: «Min dag» for staff in the field, one visit, and the team's day for nurses and leaders.

«Min dag» (issue 4, point 3) is made for a phone held in one hand: today's visits in order, each a
card with the person, the address, the agreed window, what matters (the tiltak, what the next shift
must know, the competence it needs, the last notes that matter), the tasks, and large buttons at
the bottom — check in, tick, note, check out — each one tap, or two with a note. It reads a
constant number of queries however many visits the day has.

Every action posts to the visit (``care:besok``), guarded by ``object_view`` and, for changes, by
the edit check; the services do the work in one audited transaction. Each form carries an
idempotency key made when it was rendered, so a double tap or a retried submission changes nothing
twice. Without JavaScript every form is a plain POST answered by a redirect (POST-redirect-GET);
with HTMX the visit's card is re-rendered in place; ``static/care/min_dag.js`` adds the phone's
position at check-in (optional, only whether it matched the address is kept) and keeps a
check-in, check-out or tick made without network until the network is back.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from helhet.care import services
from helhet.care.forms_visits import FORMS, AssignForm, NewKey, VisitActionForm
from helhet.care.models import Besok, BesokOppgave, Journalnotat
from helhet.core import access, audit
from helhet.core.access import Action, Decision
from helhet.core.extensions import register_nav_item
from helhet.core.forms import apply_validation_error
from helhet.core.guards import acting_user, object_view, person_list_view, refused
from helhet.core.models import AuditAction, Role, RoleAssignment, Team, Tjenestemottaker, User
from helhet.core.models.users import CARE_ROLES

#: Who sees «Min dag» and «Teamets dag» in the menu.
MIN_DAG_ROLES = frozenset(CARE_ROLES)
TEAM_DAG_ROLES = frozenset({Role.SYKEPLEIER, Role.LEDER})

OPEN_STATUSES = (Besok.Status.PLANLAGT, Besok.Status.PAGAR)
STATUS_BADGE = {
    Besok.Status.PLANLAGT: "",
    Besok.Status.PAGAR: "warn",
    Besok.Status.UTFORT: "ok",
    Besok.Status.AVLYST: "danger",
    Besok.Status.IKKE_UTFORT: "danger",
}


# --- helpers ---------------------------------------------------------------------------------------------


def _day_from(request: HttpRequest) -> dt.date:
    """``?dato=YYYY-MM-DD`` (a date is not health data), else today; a bad value means today."""
    raw = request.GET.get("dato", "").strip()
    if raw:
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    return timezone.localdate()


def _url_or_none(name: str, **kwargs: Any) -> str | None:
    """A URL of another screen family that may not exist yet (built in parallel)."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def map_url(person: Tjenestemottaker) -> str:
    """A link that opens the address in the phone's map app (the address only, nothing else)."""
    if person.breddegrad is not None and person.lengdegrad is not None:
        query = f"{person.breddegrad},{person.lengdegrad}"
    else:
        query = f"{person.adresse}, {person.postnummer} {person.poststed}"
    return "https://www.google.com/maps/search/?api=1&query=" + urllib.parse.quote(query)


@dataclass(frozen=True)
class CardMessage:
    text: str
    level_tag: str  # "success", "error", "info", "warning"

    @property
    def tags(self) -> str:  # what base.html reads when the message is shown with the page's messages
        return self.level_tag

    def __str__(self) -> str:
        return self.text


@dataclass
class VisitCard:
    """One visit as shown on a card. ``person`` is None when the user may not see whom it concerns."""

    besok: Besok
    person: Tjenestemottaker | None
    notes: list[Journalnotat] = field(default_factory=list)
    messages: list[CardMessage] = field(default_factory=list)
    may_act: bool = False
    is_mine: bool = True
    late: bool = False
    note_text: str = ""
    note_open: bool = False
    cancel_open: bool = False
    utfort_av_navn: str = ""

    @property
    def badge(self) -> str:
        return STATUS_BADGE.get(self.besok.status, "")  # type: ignore[call-overload]

    @property
    def tasks(self) -> list[BesokOppgave]:
        """Task rows (they exist from check-in on)."""
        return list(self.besok.oppgaver.all())

    @property
    def planned_tasks(self) -> list[str]:
        """The tiltak's tasks, read-only, for a visit not yet checked in."""
        return [str(t) for t in (self.besok.tiltak.oppgaver or [])]

    @property
    def open_tasks(self) -> int:
        return sum(1 for t in self.tasks if t.status == BesokOppgave.Status.APEN)

    @property
    def map_url(self) -> str:
        return map_url(self.person) if self.person is not None else ""

    @property
    def anchor(self) -> str:
        return f"besok-{self.besok.pk}"

    grunn_choices = Besok.Grunn.choices
    flagg_choices = Journalnotat.Flagg.choices
    type_choices = Journalnotat.Type.choices


def _is_late(besok: Besok, now: dt.datetime) -> bool:
    return besok.status == Besok.Status.PLANLAGT and now > besok.vindu_slutt


def _split_messages(request: HttpRequest) -> tuple[list[Any], dict[int, list[CardMessage]]]:
    """Messages for the page, and messages for one visit's card (tagged ``besok-<id>``)."""
    page: list[Any] = []
    per_visit: dict[int, list[CardMessage]] = {}
    for message in messages.get_messages(request):
        tag = next((t for t in (message.extra_tags or "").split() if t.startswith("besok-")), "")
        if tag[6:].isdigit():
            per_visit.setdefault(int(tag[6:]), []).append(CardMessage(message.message, message.level_tag))
        else:
            page.append(message)
    return page, per_visit


def _cards(
    user: User,
    visits: list[Besok],
    day: dt.date,
    card_messages: dict[int, list[CardMessage]],
) -> tuple[list[VisitCard], list[Tjenestemottaker]]:
    """Cards for ``visits`` (already loaded with person, tiltak and tasks), and the persons shown.

    Constant number of queries: who is visible, the notes that matter, where the user may act.
    """
    person_ids = {b.tjenestemottaker_id for b in visits}
    visible: set[Any] = set()
    if person_ids:
        visible = set(access.visible_persons(user).filter(pk__in=person_ids).values_list("pk", flat=True))
    notes = services.notes_that_matter(visible, day) if visible else {}
    providers = services.provider_ids(user, CARE_ROLES) if visits else set()
    now = timezone.now()
    cards: list[VisitCard] = []
    shown: dict[Any, Tjenestemottaker] = {}
    for b in visits:
        person = b.tjenestemottaker if b.tjenestemottaker_id in visible else None
        if person is not None:
            shown[person.pk] = person
        cards.append(
            VisitCard(
                besok=b,
                person=person,
                notes=notes.get(b.tjenestemottaker_id, []) if person is not None else [],
                messages=card_messages.pop(b.pk, []),
                may_act=person is not None and b.leverandor_id in providers,
                is_mine=b.ansatt_id == user.pk,
                late=_is_late(b, now),
            )
        )
    return cards, sorted(shown.values(), key=lambda p: str(p.pk))


def _leftover(page: list[Any], card_messages: dict[int, list[CardMessage]]) -> list[Any]:
    """Card messages for visits not on this page are shown with the page's messages."""
    return page + [m for msgs in card_messages.values() for m in msgs]


# --- «Min dag» -------------------------------------------------------------------------------------------


@require_GET
@person_list_view
def min_dag(request: HttpRequest) -> HttpResponse:
    """Today's visits of the logged-in care worker, in order, as cards to act on with one hand."""
    user = acting_user(request)
    day = _day_from(request)
    visits = services.min_dag(user, day)
    page_messages, card_messages = _split_messages(request)
    cards, shown = _cards(user, visits, day, card_messages)
    audit.record_list(
        user=user, action=AuditAction.READ, persons=shown, details={"visning": "min dag", "dato": day.isoformat()}
    )
    today = timezone.localdate()
    return render(
        request,
        "care/min_dag.html",
        {
            "cards": cards,
            "day": day,
            "today": today,
            "is_today": day == today,
            "prev_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "done": sum(1 for c in cards if c.besok.status == Besok.Status.UTFORT),
            "is_care_staff": bool(cards) or bool(user.roles() & CARE_ROLES),
            "messages": _leftover(page_messages, card_messages),
            "nokkel": NewKey(),
            "tilbake": "min_dag",
        },
    )


# --- one visit -------------------------------------------------------------------------------------------


def _load(besok_id: int) -> Besok:
    return (
        Besok.objects.select_related("tjenestemottaker", "tiltak", "ansatt", "utfort_av", "team")
        .prefetch_related("oppgaver")
        .get(pk=besok_id)
    )


def _card_for(request: HttpRequest, besok_id: int, messages_: list[CardMessage] | None = None) -> VisitCard:
    user = acting_user(request)
    besok = _load(besok_id)
    cards, _ = _cards(user, [besok], besok.dato, {besok.pk: list(messages_ or [])})
    card = cards[0]
    if besok.utfort_av is not None:
        card.utfort_av_navn = str(besok.utfort_av)
    return card


@require_http_methods(["GET", "POST"])
@object_view(Besok, url_kwarg="besok_id")
def besok_view(request: HttpRequest, obj: Besok, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    """One visit: GET shows it; POST performs one action on it (``handling``)."""
    if request.method == "POST":
        return _act(request, obj, person)
    page_messages, card_messages = _split_messages(request)
    card = _card_for(request, obj.pk, card_messages.pop(obj.pk, []))
    visit_notes = list(
        Journalnotat.objects.filter(besok=obj).select_related("kvittering").order_by("-signert", "-pk")[:20]
    )
    return render(
        request,
        "care/besok.html",
        {
            "card": card,
            "visit_notes": visit_notes,
            "person": person,
            "decision": decision,
            "journal_url": _url_or_none("care:journal", person_id=person.pk),
            "person_url": _url_or_none("core:person_detail", person_id=person.pk),
            "messages": _leftover(page_messages, card_messages),
            "nokkel": NewKey(),
            "tilbake": "besok",
            "today": timezone.localdate(),
        },
    )


def _hhmm(value: dt.datetime | None) -> str:
    return f"{timezone.localtime(value):%H:%M}" if value else ""


def _position_text(besok: Besok) -> str:
    if besok.posisjon_bekreftet is True:
        return " Posisjonen stemte med adressen."
    if besok.posisjon_bekreftet is False:
        return " Posisjonen stemte ikke med adressen."
    return ""


def _perform(kind: str, form: VisitActionForm, user: User, decision: Decision, besok: Besok) -> str:
    """Carry out one action through the services; returns the Norwegian confirmation."""
    data = form.cleaned_data
    nokkel = data.get("nokkel")
    person = besok.tjenestemottaker
    if kind == "inn":
        done = services.sjekk_inn(
            utfort_av=user,
            decision=decision,
            besok=besok,
            nokkel=nokkel,
            tidspunkt=form.tidspunkt(),
            posisjon=form.posisjon(),  # type: ignore[attr-defined]
        )
        return f"Sjekket inn kl. {_hhmm(done.inn)}.{_position_text(done)}"
    if kind == "ut":
        done = services.sjekk_ut(
            utfort_av=user, decision=decision, besok=besok, nokkel=nokkel, tidspunkt=form.tidspunkt()
        )
        return f"Sjekket ut kl. {_hhmm(done.ut)}. Besøket er registrert som utført."
    if kind == "oppgave":
        oppgave = BesokOppgave.objects.filter(pk=data["oppgave"], besok=besok).select_related("besok").first()
        if oppgave is None:
            raise ValidationError("Oppgaven hører ikke til dette besøket. Last siden på nytt.")
        utfort, grunn = bool(data["utfort"]), (data.get("grunn") or "").strip()
        services.kryss_av(utfort_av=user, decision=decision, oppgave=oppgave, utfort=utfort, grunn=grunn, nokkel=nokkel)
        return f"«{oppgave.tekst}»: {'utført' if utfort else 'ikke utført'}."
    if kind == "avlys":
        ikke_utfort = data.get("utfall") == "ikke_utfort"
        services.avlys(
            utfort_av=user,
            decision=decision,
            besok=besok,
            grunn=data["grunn"],
            tekst=data.get("grunn_tekst", ""),
            ikke_utfort=ikke_utfort,
            nokkel=nokkel,
        )
        label = "ikke utført" if ikke_utfort else "avlyst"
        return f"Besøket er registrert som {label} ({Besok.Grunn(data['grunn']).label.lower()})."
    if kind == "notat":
        note = services.skriv_notat(
            utfort_av=user,
            decision=decision,
            person=person,
            tekst=data["tekst"],
            type=form.note_type(),  # type: ignore[attr-defined]
            flagg=data.get("flagg") or "",
            besok=besok,
            nokkel=nokkel,
        )
        flag = f" og flagget «{note.get_flagg_display().lower()}»" if note.flagg else ""
        return f"Notatet er lagret i journalen{flag}."
    if kind == "tildel":
        ansatt = data.get("ansatt")
        services.tildel(utfort_av=user, decision=decision, besok=besok, ansatt=ansatt)
        return f"Besøket er tildelt {ansatt}." if ansatt else "Besøket er ikke lenger tildelt noen."
    raise ValidationError("Ukjent handling.")  # pragma: no cover - the form's choices stop it first


def _form_errors(form: VisitActionForm) -> str:
    """The form's errors as one sentence for the card (visible fields named by their label)."""
    texts: list[str] = []
    for name, errors in form.errors.items():
        field_ = form.fields.get(name)
        hidden = field_ is None or getattr(field_.widget, "input_type", "") == "hidden"
        label = "" if hidden or field_ is None else str(field_.label or "")
        texts.extend(f"{label}: {error}" if label else str(error) for error in errors)
    return " ".join(texts) or "Handlingen kunne ikke registreres."


def _back_url(tilbake: str, besok: Besok) -> str:
    anchor = f"#besok-{besok.pk}"
    dato = "" if besok.dato == timezone.localdate() else f"?dato={besok.dato.isoformat()}"
    if tilbake == "min_dag":
        return reverse("care:min_dag") + dato + anchor
    if tilbake == "team_dag":
        return reverse("care:team_dag") + dato + anchor
    return reverse("care:besok", kwargs={"besok_id": besok.pk})


def _act(request: HttpRequest, obj: Besok, person: Tjenestemottaker) -> HttpResponse:
    user = acting_user(request)
    decision = access.check(user, Action.EDIT, person)
    if not decision.allowed:
        return refused(request, person, decision)
    kind = request.POST.get("handling", "")
    form_class = FORMS.get(kind)
    tilbake = request.POST.get("tilbake", "")
    tilbake = tilbake if tilbake in ("min_dag", "team_dag", "besok") else "besok"
    ok, text = False, ""
    form: VisitActionForm | None = None
    if form_class is None:
        text = "Ukjent handling. Last siden på nytt og prøv igjen."
    else:
        form = form_class(request.POST)
        if form.is_valid():
            try:
                text = _perform(kind, form, user, decision, obj)
                ok = True
            except ValidationError as exc:
                apply_validation_error(form, exc)
        if not ok:
            text = _form_errors(form)
    level = messages.SUCCESS if ok else messages.ERROR
    if request.htmx:  # type: ignore[attr-defined]
        card = _card_for(request, obj.pk, [CardMessage(text, "success" if ok else "error")])
        if not ok and kind == "notat":
            card.note_text, card.note_open = request.POST.get("tekst", ""), True
        if not ok and kind == "avlys":
            card.cancel_open = True
        return render(
            request,
            "care/_visit_card.html",
            {"card": card, "nokkel": NewKey(), "tilbake": tilbake if tilbake != "team_dag" else "besok"},
        )
    messages.add_message(request, level, text, extra_tags=f"besok-{obj.pk}")
    return redirect(_back_url(tilbake, obj))


# --- the team's day ------------------------------------------------------------------------------------


def team_scope(user: User) -> QuerySet[Team]:
    """The teams whose day the user follows (nurse: her teams; leader: also every team of the unit or provider)."""
    return services.teams_of(user, TEAM_DAG_ROLES).select_related("enhet").order_by("enhet__navn", "navn")


def team_members(team_ids: list[int], day: dt.date) -> list[tuple[User, str]]:
    """Care staff on the teams on ``day``, with their role, by name."""
    rows = (
        RoleAssignment.objects.filter(team_id__in=team_ids, rolle__in=CARE_ROLES, gyldig_fra__lte=day)
        .filter(Q(gyldig_til__isnull=True) | Q(gyldig_til__gte=day))
        .filter(user__is_active=True)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__pk")
    )
    seen: dict[int, tuple[User, str]] = {}
    for a in rows:
        seen.setdefault(a.user_id, (a.user, a.get_rolle_display()))
    return list(seen.values())


@dataclass
class TeamRow:
    besok: Besok
    person: Tjenestemottaker | None
    late: bool
    may_assign: bool
    ansatt_outside: bool = False  # assigned to someone not on the team's list (a stand-in)
    messages: list[CardMessage] = field(default_factory=list)

    @property
    def badge(self) -> str:
        return STATUS_BADGE.get(self.besok.status, "")  # type: ignore[call-overload]

    @property
    def tasks_done(self) -> int:
        return sum(1 for t in self.besok.oppgaver.all() if t.status != BesokOppgave.Status.APEN)

    @property
    def tasks_total(self) -> int:
        return len(self.besok.oppgaver.all())


@require_GET
@person_list_view
def team_dag(request: HttpRequest) -> HttpResponse:
    """The day of the user's team(s): unassigned visits first, assignment, and status at a glance."""
    user = acting_user(request)
    if not user.roles() & TEAM_DAG_ROLES:
        raise PermissionDenied("Teamets dag er for sykepleiere og ledere.")
    day = _day_from(request)
    teams = list(team_scope(user))
    chosen = request.GET.get("team", "")
    selected = [t for t in teams if str(t.pk) == chosen] or teams
    team_ids = [t.pk for t in selected]
    visits = list(
        Besok.objects.filter(team_id__in=team_ids, dato=day)
        .select_related("tjenestemottaker", "tiltak", "ansatt", "utfort_av", "team")
        .prefetch_related("oppgaver")
        .order_by(
            Case(
                When(ansatt__isnull=True, status__in=OPEN_STATUSES, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "vindu_start",
            "pk",
        )
    )
    person_ids = {b.tjenestemottaker_id for b in visits}
    visible: set[Any] = set()
    if person_ids:
        visible = set(access.visible_persons(user).filter(pk__in=person_ids).values_list("pk", flat=True))
    planners = services.provider_ids(user, services.PLAN_ROLES) if visits else set()
    members = team_members(team_ids, day) if team_ids else []
    member_ids = {m.pk for m, _ in members}
    now = timezone.now()
    rows = [
        TeamRow(
            besok=b,
            person=b.tjenestemottaker,
            late=_is_late(b, now),
            may_assign=b.is_open and b.leverandor_id in planners,
            ansatt_outside=b.ansatt_id is not None and b.ansatt_id not in member_ids,
        )
        for b in visits
        if b.tjenestemottaker_id in visible
    ]
    hidden = len(visits) - len(rows)
    shown = {r.besok.tjenestemottaker_id: r.besok.tjenestemottaker for r in rows}
    audit.record_list(
        user=user,
        action=AuditAction.SEARCH,
        persons=sorted(shown.values(), key=lambda p: str(p.pk)),
        details={"visning": "teamets dag", "dato": day.isoformat()},
    )
    counts = {s: sum(1 for r in rows if r.besok.status == s) for s in Besok.Status.values}
    page_messages, card_messages = _split_messages(request)
    for r in rows:  # a message about a visit is shown on its row
        r.messages = card_messages.pop(r.besok.pk, [])
    return render(
        request,
        "care/team_dag.html",
        {
            "rows": rows,
            "hidden": hidden,
            "teams": teams,
            "selected_team": chosen if len(selected) == 1 and len(teams) > 1 else "",
            "show_team": len(selected) > 1,
            "members": members,
            "day": day,
            "today": timezone.localdate(),
            "prev_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "unassigned": sum(1 for r in rows if r.besok.ansatt_id is None and r.besok.is_open),
            "counts": counts,
            "statuses": Besok.Status,
            "messages": _leftover(page_messages, card_messages),
            "nokkel": NewKey(),
            "assign_form": AssignForm(),
        },
    )


urlpatterns = [
    path("min-dag/", min_dag, name="min_dag"),
    path("besok/<int:besok_id>/", besok_view, name="besok"),
    path("team/dag/", team_dag, name="team_dag"),
]


def register() -> None:
    register_nav_item("Min dag", "care:min_dag", MIN_DAG_ROLES, order=5)
    register_nav_item("Teamets dag", "care:team_dag", TEAM_DAG_ROLES, order=6)
