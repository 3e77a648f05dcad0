"""The audit trail's storage: append-only rows in a keyed hash chain.

Writing and verifying live in :mod:`helhet.core.audit`; nothing else writes these tables.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models

from helhet.core.models.persons import Tjenestemottaker
from helhet.core.models.users import Role


class AuditAction(models.TextChoices):
    READ = "read", "Lest"
    READ_FULL_ID = "read_full_id", "Vist fullt fødselsnummer"
    SEARCH = "search", "Søk"
    CREATE = "create", "Opprettet"
    UPDATE = "update", "Endret"
    DELETE = "delete", "Slettet"
    REFUSED = "refused", "Nektet tilgang"
    NODTILGANG = "nodtilgang", "Nødtilgang tatt i bruk"
    REVIEW = "review", "Nødtilgang gjennomgått"


class AuditEvent(models.Model):
    """One read or change of person data. Never updated, never deleted.

    ``hash`` = HMAC-SHA256(audit key, ``prev_hash`` + canonical form of the row), so editing or
    deleting a row breaks the chain from that row on, and ``helhet audit verify`` names it.
    User and person are copied as plain values (no database constraint), so the trail outlives them.
    """

    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    tid = models.DateTimeField(editable=False, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField(max_length=150)
    user_display = models.CharField(max_length=300)
    user_roles = models.CharField(max_length=300, blank=True)
    tjenestemottaker = models.ForeignKey(
        Tjenestemottaker,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="audit_events",
    )
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    record_type = models.CharField(max_length=100, blank=True)
    record_id = models.CharField(max_length=64, blank=True)
    ground = models.CharField(max_length=50, blank=True)
    ground_label = models.CharField(max_length=200, blank=True)
    nodtilgang_id = models.BigIntegerField(null=True, blank=True)
    nodtilgang_reason = models.TextField(blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    path = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "logghendelse"
        verbose_name_plural = "tilgangslogg"
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["tjenestemottaker", "-tid"]),
            models.Index(fields=["user", "-tid"]),
            models.Index(fields=["ground", "-tid"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.username}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError("Audit events are append-only")
        if not getattr(self, "_written_by_audit_module", False):
            raise RuntimeError("Audit events are written through helhet.core.audit.record() only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RuntimeError("Audit events are append-only")

    @property
    def role_labels(self) -> str:
        """The roles as people read them («Sykepleier, Leder»), from the codes copied into the row."""
        labels = {code: str(label) for code, label in Role.choices}
        return ", ".join(labels.get(code, code) for code in self.user_roles.split(",") if code)

    @property
    def is_nodtilgang(self) -> bool:
        return self.nodtilgang_id is not None


class AuditHead(models.Model):
    """The chain's head: the last sequence number and hash. One row; locked while appending."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "loggkjedens hode"

    def __str__(self) -> str:
        return f"seq={self.last_seq}"
