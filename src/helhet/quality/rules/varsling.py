"""Varsling (whistleblowing, arbeidsmiljøloven ch. 2 A): case codes, passphrases, access check,
rate limiting and retention.

Pure Python, no Django (``argon2-cffi`` for hashing). A reporter who wants to stay anonymous gets a
case code and chooses a passphrase; with both they can read answers and add information later.

Sources (``shared/facts/bpa_worktime_security.md`` § 2.4):

- aml. § 2 A-1 (right to report «kritikkverdige forhold»), § 2 A-2 (internal reporting always
  allowed), § 2 A-3 (the employer must investigate within reasonable time and protect the
  reporter), § 2 A-4 (retaliation forbidden), § 2 A-6 (written internal routines from 5 employees:
  how to report, how reports are received and followed up). All confirmed in the fact sheet.
- No statutory duty to offer an *anonymous* channel was found (fact sheet, UNCONFIRMED that none
  exists); commercial tools commonly offer anonymous reporting with two-way dialogue [S108]. The
  seed's provider (``seeds/000``) runs an internal and an external channel.
- Argon2id via ``argon2.PasswordHasher`` (argon2-cffi 25.1; defaults t=3, m=64 MiB, p=4, the RFC
  9106 low-memory profile); ``verify`` raises ``VerifyMismatchError`` on a wrong password.
- Passphrase length: NIST SP 800-63B-4 requires at least 15 characters for a password used as a
  single factor, and advises against composition rules (as quoted in OWASP ASVS issue #3242).
- Retention: personal data no longer than necessary (personvernforordningen art. 5 nr. 1 e;
  Datatilsynet, «Hvor lenge kan personopplysninger lagres hos arbeidsgiveren?»: only as long as
  necessary, then delete). No Norwegian rule with a fixed period for whistleblowing cases was found:
  see ``RETENTION`` for the periods we propose and where they come from (**UNCONFIRMED** for Norway).

Decisions (ours):

- **Case code**: 12 symbols from Crockford's base-32 alphabet (digits and capitals without I, L, O,
  U), shown as three groups of four: ``7KQ2-M9XD-4HTR``. 12 × 5 = **60 bits** of entropy from
  ``secrets``. Input is forgiving: lower case, spaces and dashes are accepted, and O → 0, I/L → 1
  (Crockford's decoding). The code only finds the case; the passphrase protects it, and guessing is
  rate-limited. Even with 100 000 cases, a random guess hits one with probability < 10⁻¹³.
- **Passphrase**: at least 15 and at most 256 characters after Unicode NFKC normalisation (the
  same text typed on another device hashes the same); at least 5 different characters; must not
  contain the case code; optionally not in a blocklist the caller passes in (e.g. Django's common
  passwords). No other composition rules (NIST).
- **Access check** (``verify_case_access``): an unknown or malformed code, a corrupt stored hash
  and a wrong passphrase all give ``False`` after one Argon2 verification of the same cost (an
  unknown code is checked against a dummy hash made with the same hasher), so the answer and the
  time do not tell whether a case exists. The lookup itself (a database query) is the caller's;
  it should cost the same for hits and misses (one indexed query either way).
- **Rate limiting**: a sliding window per key, ``RatePolicy`` default 5 tries per 15 minutes; the
  next try starts a lockout of 15 minutes, doubling with each lockout (30 min, 1 h …) up to 24 h;
  the count of lockouts is forgotten after 24 quiet hours. Tries during a lockout are refused
  without extending it. The limiter is a pure step function over a small state (``KeyState``), so
  the state can live in a cache or database shared by several web processes; ``RateLimiter`` is an
  in-memory convenience with an injectable clock. Use two keys per try: the normalised case code
  (protects one case from a distributed attack) and the client (protects against enumeration; use
  a keyed hash of the address, kept in memory only, not the address itself).
"""

from __future__ import annotations

import contextlib
import math
import secrets
import time
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# --- Case codes ----------------------------------------------------------------------------------

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32: no I, L, O, U
GROUPS = 3
GROUP_LENGTH = 4
CODE_LENGTH = GROUPS * GROUP_LENGTH
ENTROPY_BITS = CODE_LENGTH * math.log2(len(ALPHABET))  # 60.0

_DECODE = {c: c for c in ALPHABET} | {"O": "0", "I": "1", "L": "1"}
_SEPARATORS = frozenset(" -_.\u00a0\u2010\u2011\u2012\u2013")


def format_case_code(symbols: str) -> str:
    """``"7KQ2M9XD4HTR"`` → ``"7KQ2-M9XD-4HTR"``."""
    return "-".join(symbols[i : i + GROUP_LENGTH] for i in range(0, len(symbols), GROUP_LENGTH))


def new_case_code(randbelow: Callable[[int], int] = secrets.randbelow) -> str:
    """A fresh case code. ``randbelow`` is injectable for tests only; production uses ``secrets``."""
    return format_case_code("".join(ALPHABET[randbelow(len(ALPHABET))] for _ in range(CODE_LENGTH)))


def normalize_case_code(text: str) -> str | None:
    """The canonical form of a typed code, or ``None`` when it cannot be one."""
    symbols = []
    for char in text.strip().upper():
        if char in _SEPARATORS:
            continue
        decoded = _DECODE.get(char)
        if decoded is None:
            return None
        symbols.append(decoded)
    if len(symbols) != CODE_LENGTH:
        return None
    return format_case_code("".join(symbols))


# --- Passphrases ---------------------------------------------------------------------------------

MIN_PASSPHRASE = 15
MAX_PASSPHRASE = 256
MIN_DISTINCT = 5


def normalize_passphrase(passphrase: str) -> str:
    """NFKC, so that the same text typed on another keyboard gives the same bytes."""
    return unicodedata.normalize("NFKC", passphrase)


def passphrase_problems(passphrase: str, *, case_code: str | None = None, blocklist: Collection[str] = ()) -> list[str]:
    """What is wrong with a passphrase, in Norwegian; an empty list means it is accepted.

    ``blocklist`` holds lower-case phrases that are too common (the caller supplies the list).
    """
    text = normalize_passphrase(passphrase)
    problems: list[str] = []
    if len(text) < MIN_PASSPHRASE:
        problems.append(
            f"Passfrasen må ha minst {MIN_PASSPHRASE} tegn (den har {len(text)}). "
            "Tips: bruk flere ord med mellomrom, for eksempel tre–fire ord du husker."
        )
    if len(text) > MAX_PASSPHRASE:
        problems.append(f"Passfrasen kan ha høyst {MAX_PASSPHRASE} tegn.")
    if text and len(set(text.casefold())) < MIN_DISTINCT:
        problems.append(f"Passfrasen må ha minst {MIN_DISTINCT} forskjellige tegn.")
    if case_code:
        code = (normalize_case_code(case_code) or case_code).replace("-", "").casefold()
        squashed = "".join(c for c in text.casefold() if c not in _SEPARATORS)
        if code and code in squashed:
            problems.append("Passfrasen kan ikke inneholde saksnummeret.")
    if blocklist and text.casefold().strip() in blocklist:
        problems.append("Passfrasen er for vanlig. Velg en annen.")
    return problems


def make_hasher() -> PasswordHasher:
    """The production hasher: argon2-cffi's defaults (Argon2id, RFC 9106 low-memory profile)."""
    return PasswordHasher()


def hash_passphrase(passphrase: str, hasher: PasswordHasher) -> str:
    return hasher.hash(normalize_passphrase(passphrase))


def needs_rehash(stored_hash: str, hasher: PasswordHasher) -> bool:
    """True when the stored hash was made with other parameters (rehash after a successful check)."""
    try:
        return hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


_dummy_hashes: dict[tuple[object, ...], str] = {}


def _hasher_key(hasher: PasswordHasher) -> tuple[object, ...]:
    return (
        hasher.time_cost,
        hasher.memory_cost,
        hasher.parallelism,
        hasher.hash_len,
        hasher.salt_len,
        hasher.type,
    )


def dummy_hash(hasher: PasswordHasher) -> str:
    """A hash of a random secret with the hasher's parameters, made once per parameter set."""
    key = _hasher_key(hasher)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = hasher.hash(secrets.token_urlsafe(32))
    return _dummy_hashes[key]


def check_passphrase(stored_hash: str | None, passphrase: str, hasher: PasswordHasher) -> bool:
    """One Argon2 verification whatever happens; ``True`` only for the right passphrase."""
    candidate = normalize_passphrase(passphrase)
    if stored_hash is not None:
        try:
            return hasher.verify(stored_hash, candidate)
        except VerifyMismatchError:
            return False
        except (InvalidHashError, VerificationError):
            pass  # corrupt or foreign hash: fall through to the dummy, same cost as a miss
    with contextlib.suppress(VerificationError):
        hasher.verify(dummy_hash(hasher), candidate)
    return False


def verify_case_access(
    case_code: str,
    passphrase: str,
    lookup: Callable[[str], str | None],
    hasher: PasswordHasher,
) -> bool:
    """May this code and passphrase open a case? ``lookup`` maps a canonical code to its stored hash.

    A malformed code is never looked up, but still costs one verification against the dummy hash.
    """
    code = normalize_case_code(case_code)
    stored = lookup(code) if code is not None else None
    return check_passphrase(stored, passphrase, hasher)


# --- Rate limiting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatePolicy:
    """Tries per sliding window, then a lockout that doubles up to a ceiling (seconds)."""

    limit: int = 5
    window: float = 15 * 60
    base_lockout: float = 15 * 60
    max_lockout: float = 24 * 60 * 60
    forget_after: float = 24 * 60 * 60  # quiet time after a lockout before the count starts over

    def __post_init__(self) -> None:
        if self.limit < 1 or self.window <= 0 or self.base_lockout <= 0 or self.max_lockout < self.base_lockout:
            raise ValueError("Ugyldig grense for forsøk.")

    def lockout(self, strikes: int) -> float:
        """The length of lockout number ``strikes`` (1, 2, …)."""
        return min(self.base_lockout * 2 ** min(strikes - 1, 64), self.max_lockout)


RATE_POLICY = RatePolicy()


@dataclass(frozen=True)
class KeyState:
    """What the limiter remembers about one key (small enough for a cache entry)."""

    attempts: tuple[float, ...] = ()  # times of allowed tries inside the window
    locked_until: float | None = None
    strikes: int = 0  # lockouts so far
    last_lock_end: float | None = None


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: float  # seconds until a try may be allowed again (0 when allowed)
    remaining: int  # tries left in the window after this one

    @property
    def message(self) -> str:
        """Norwegian, for the person (no hint of whether a case exists)."""
        if self.allowed:
            return ""
        minutes = max(1, math.ceil(self.retry_after / 60))
        return f"For mange forsøk. Prøv igjen om {minutes} minutter."


def step(state: KeyState | None, now: float, policy: RatePolicy = RATE_POLICY) -> tuple[Decision, KeyState]:
    """Decide one try at time ``now`` (seconds) and return the key's new state."""
    state = state or KeyState()
    if state.locked_until is not None and now < state.locked_until:
        return Decision(False, state.locked_until - now, 0), state
    if state.locked_until is not None:  # the lockout has ended
        state = replace(state, locked_until=None, last_lock_end=state.locked_until)
    attempts = tuple(t for t in state.attempts if t > now - policy.window)
    if len(attempts) >= policy.limit:
        strikes = state.strikes
        if state.last_lock_end is not None and now - state.last_lock_end >= policy.forget_after:
            strikes = 0
        strikes += 1
        until = now + policy.lockout(strikes)
        return Decision(False, until - now, 0), KeyState(attempts, until, strikes, state.last_lock_end)
    attempts = (*attempts, now)
    new_state = replace(state, attempts=attempts)
    return Decision(True, 0.0, policy.limit - len(attempts)), new_state


def is_idle(state: KeyState, now: float, policy: RatePolicy = RATE_POLICY) -> bool:
    """True when forgetting the state changes nothing: no recent tries, no lockout to remember."""
    if state.locked_until is not None and now < state.locked_until + policy.forget_after:
        return False
    if state.last_lock_end is not None and now - state.last_lock_end < policy.forget_after:
        return False
    return all(t <= now - policy.window for t in state.attempts)


class RateLimiter:
    """An in-memory limiter over ``step`` (one process). ``clock`` returns seconds."""

    def __init__(self, policy: RatePolicy = RATE_POLICY, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy
        self.clock = clock
        self._states: dict[str, KeyState] = {}

    def attempt(self, key: str) -> Decision:
        decision, self._states[key] = step(self._states.get(key), self.clock(), self.policy)
        return decision

    def succeeded(self, key: str) -> None:
        """A right passphrase: forget the key's tries and lockouts."""
        self._states.pop(key, None)

    def prune(self) -> int:
        """Drop idle keys; returns how many were dropped."""
        now = self.clock()
        idle = [key for key, state in self._states.items() if is_idle(state, now, self.policy)]
        for key in idle:
            del self._states[key]
        return len(idle)

    def __len__(self) -> int:
        return len(self._states)


# --- Retention -----------------------------------------------------------------------------------


class Utfall(StrEnum):
    """How a varsling case ended, for retention."""

    IKKE_VARSLING = "ikke_varsling"  # outside ch. 2 A (e.g. a personal grievance), sent on elsewhere
    UBEGRUNNET = "ubegrunnet"  # investigated, no censurable conditions found
    BEGRUNNET = "begrunnet"  # censurable conditions found, measures taken
    RETTSLIG = "rettslig"  # disciplinary or legal proceedings, or a § 2 A-5 claim, still open


@dataclass(frozen=True)
class RetentionRule:
    days: int | None  # None: keep until the proceedings end, then decide again
    rule: str  # Norwegian, for the record
    source: str


RETENTION: dict[Utfall, RetentionRule] = {
    Utfall.IKKE_VARSLING: RetentionRule(
        30,
        "Ikke en varslingssak: slettes 30 dager etter at saken er sendt videre og avsluttet.",
        "UNCONFIRMED (vår regel): personvernforordningen art. 5 nr. 1 e (ikke lenger enn nødvendig); "
        "saken er sendt videre til rett kanal, og 30 dager gir tid til spørsmål om videresendingen.",
    ),
    Utfall.UBEGRUNNET: RetentionRule(
        60,
        "Undersøkt uten at kritikkverdige forhold ble funnet: slettes 60 dager etter at saken er avsluttet.",
        "UNCONFIRMED for Norge: Artikkel 29-gruppen, uttalelse 1/2006: slettes raskt, normalt innen to "
        "måneder etter at undersøkelsen er avsluttet.",
    ),
    Utfall.BEGRUNNET: RetentionRule(
        730,
        "Kritikkverdige forhold funnet og fulgt opp: slettes to år etter at saken er avsluttet.",
        "UNCONFIRMED for Norge: svensk visselblåserlov (2021:890) kap. 7: høyst to år etter at "
        "oppfølgingssaken er avsluttet (IMY). Tid til å se at tiltakene virket og at gjengjeldelse "
        "ikke skjedde (aml. § 2 A-4).",
    ),
    Utfall.RETTSLIG: RetentionRule(
        None,
        "Rettslig eller disiplinær prosess pågår: oppbevares til den er avsluttet; vurder sletting da.",
        "Artikkel 29-gruppen, uttalelse 1/2006: oppbevares til prosessen er avsluttet.",
    ),
}

RETENTION_NOTE = (
    "Slettingen gjelder personopplysningene i saken. En anonym telling (dato, kategori, utfall) kan "
    "beholdes for statistikk og årsrapport. Offentlige arbeidsgivere må i tillegg følge arkivloven og "
    "egen bevarings- og kassasjonsplan, som kan kreve at saksdokumenter bevares (UNCONFIRMED)."
)


@dataclass(frozen=True)
class Sletting:
    """When a closed case's personal data must be deleted, and by which rule."""

    due: date | None  # None: legal hold
    rule: str
    source: str


def deletion_due(closed: date, utfall: Utfall, rules: dict[Utfall, RetentionRule] = RETENTION) -> Sletting:
    """The deletion date for a case closed on ``closed`` with outcome ``utfall``."""
    rule = rules[utfall]
    due = None if rule.days is None else closed + timedelta(days=rule.days)
    return Sletting(due, rule.rule, rule.source)


def due_for_deletion(closed: date, utfall: Utfall, today: date, rules: dict[Utfall, RetentionRule] = RETENTION) -> bool:
    due = deletion_due(closed, utfall, rules).due
    return due is not None and today >= due
