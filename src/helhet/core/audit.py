"""The one audit trail: every read and every change of person data is recorded here.

Rows form a keyed hash chain (HMAC-SHA256 with ``settings.AUDIT_HMAC_KEY``): each row's hash
covers the previous row's hash and the row's own content, so an edited, inserted or deleted row
breaks the chain, and :func:`verify` names the first bad row. Appends are serialised by locking
the single :class:`~helhet.core.models.AuditHead` row, so two concurrent writers never fork it.

What is recorded follows Normen's faktaark 15 (logging og innsyn i logg) and pasientjournalloven
§ 22: who, when, whose data, what (read/create/update/delete, which record), and why (the access
ground, or the nødtilgang reason). No health data goes into a row: ``details`` carries field
names and identifiers, never values.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from helhet.core.models import AuditEvent, AuditHead, Tjenestemottaker
from helhet.core.request_context import current_request_info

if TYPE_CHECKING:
    from helhet.core.access import Decision
    from helhet.core.models import User

GENESIS_HASH = "0" * 64

#: The fields that the hash covers, in this order.
HASHED_FIELDS = (
    "seq",
    "tid",
    "user_id",
    "username",
    "user_display",
    "user_roles",
    "tjenestemottaker_id",
    "action",
    "record_type",
    "record_id",
    "ground",
    "ground_label",
    "nodtilgang_id",
    "nodtilgang_reason",
    "request_id",
    "path",
    "details",
)


def _canonical_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if value is None or isinstance(value, (bool, int, str, dict, list)):
        return value
    return str(value)


def canonical(row: AuditEvent) -> bytes:
    data = {name: _canonical_value(getattr(row, name)) for name in HASHED_FIELDS}
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(prev_hash: str, row: AuditEvent) -> str:
    key = settings.AUDIT_HMAC_KEY.encode()
    return hmac.new(key, prev_hash.encode() + b"|" + canonical(row), hashlib.sha256).hexdigest()


def _record_label(record: models.Model | None) -> tuple[str, str]:
    if record is None:
        return "", ""
    return record._meta.label, str(record.pk)


def _user_fields(user: User | None) -> dict[str, Any]:
    if user is None or not user.pk:
        return {"user": None, "username": "", "user_display": "", "user_roles": ""}
    return {
        "user": user,
        "username": user.get_username(),
        "user_display": user.get_full_name() or user.get_username(),
        "user_roles": ",".join(sorted(user.roles())),
    }


def _append(rows: list[AuditEvent]) -> list[AuditEvent]:
    """Chain and insert ``rows`` in order, holding the head lock for the whole batch."""
    if not rows:
        return rows
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_seq": 0, "last_hash": GENESIS_HASH}
        )
        seq, prev_hash = head.last_seq, head.last_hash
        now = timezone.now().astimezone(dt.UTC)
        for row in rows:
            seq += 1
            row.seq, row.tid, row.prev_hash = seq, now, prev_hash
            row.hash = compute_hash(prev_hash, row)
            row._written_by_audit_module = True  # type: ignore[attr-defined]
            prev_hash = row.hash
        if len(rows) == 1:
            rows[0].save(force_insert=True)
        else:
            AuditEvent.objects.bulk_create(rows)
        AuditHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev_hash)
    return rows


def record(
    *,
    user: User | None,
    action: str,
    person: Tjenestemottaker | None = None,
    obj: models.Model | None = None,
    decision: Decision | None = None,
    ground: str = "",
    ground_label: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one row to the trail and return it.

    Call it inside the same transaction as the change it records; for reads, call it when the data
    is shown. ``decision`` (from :func:`helhet.core.access.check`) supplies ground and nødtilgang.
    """
    record_type, record_id = _record_label(obj)
    nodtilgang = None
    if decision is not None:
        ground = decision.ground_code or ground
        ground_label = decision.ground_label or ground_label
        nodtilgang = decision.nodtilgang
    info = current_request_info()
    row = AuditEvent(
        **_user_fields(user),
        tjenestemottaker=person,
        action=action,
        record_type=record_type,
        record_id=record_id,
        ground=ground,
        ground_label=ground_label,
        nodtilgang_id=nodtilgang.pk if nodtilgang else None,
        nodtilgang_reason=nodtilgang.begrunnelse if nodtilgang else "",
        request_id=info.request_id if info else "",
        path=(info.path if info else "")[:300],
        details=details or {},
    )
    return _append([row])[0]


def record_list(
    *, user: User | None, action: str, persons: Iterable[Tjenestemottaker], details: dict[str, Any] | None = None
) -> list[AuditEvent]:
    """One row per person shown in a list or search result, appended as one batch."""
    info = current_request_info()
    who = _user_fields(user)
    rows = [
        AuditEvent(
            **who,
            tjenestemottaker=person,
            action=action,
            request_id=info.request_id if info else "",
            path=(info.path if info else "")[:300],
            details=details or {},
        )
        for person in persons
    ]
    return _append(rows)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""

    def describe(self) -> str:
        if self.ok:
            return f"OK: tilgangsloggen er hel ({self.checked} rader kontrollert)."
        return f"BRUDD i tilgangsloggen ved rad seq={self.first_bad_seq}: {self.problem}"


def _rows(batch: int) -> Iterable[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=batch)


def verify(batch: int = 2000) -> VerifyResult:
    """Check the whole chain; stop at the first bad row."""
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for row in _rows(batch):
        if row.seq != expected_seq:
            return VerifyResult(
                False, checked, expected_seq, f"rad {expected_seq} mangler (neste rad har seq={row.seq})"
            )
        if row.prev_hash != prev_hash:
            return VerifyResult(False, checked, row.seq, "forrige-hash stemmer ikke med raden før")
        if not hmac.compare_digest(compute_hash(row.prev_hash, row), row.hash):
            return VerifyResult(False, checked, row.seq, "raden er endret etter at den ble skrevet")
        prev_hash = row.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != checked or head.last_hash != prev_hash):
        return VerifyResult(
            False,
            checked,
            checked + 1 if head.last_seq > checked else head.last_seq,
            f"loggens hode peker på rad {head.last_seq}, men kjeden slutter ved rad {checked}"
            " (rader er slettet fra slutten)",
        )
    if head is None and checked:
        return VerifyResult(False, checked, 1, "loggens hode mangler")
    return VerifyResult(True, checked)
