"""The transparency log of service of process: entries, stored tree nodes, signed checkpoints, signing keys.

Entries, nodes and checkpoints are append-only: their querysets refuse ``update()`` and ``delete()`` and a saved
row refuses to be saved again or deleted. Edits made behind the ORM's back are what ``lawbridge delivery audit``
finds. ``LogHead`` is the one mutable row: the log's size and root, and the lock every writer takes.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Someone tried to change or delete a row of the transparency log."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only: they are never updated.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only: they are never deleted.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only: they are never updated.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only: they are never deleted.")


class LogHead(models.Model):
    """The log's current size and root hash. Writers lock this single row before appending."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.BigIntegerField(_("tree size"), default=0)
    root_hash = models.BinaryField(_("root hash"), max_length=32)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("log head")
        verbose_name_plural = _("log heads")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="%(app_label)s_%(class)s_single_row")]

    def __str__(self) -> str:
        return f"log of {self.size} entries"


class LogEntry(AppendOnlyModel):
    """One leaf of the log: what was appended (a sealed document hash, a tracking event) and its leaf hash.

    The leaf hash commits to the kind, the reference and the data: SHA-256(0x00 ‖ kind ‖ "\\n" ‖ ref ‖ "\\n" ‖ data).
    """

    index = models.BigIntegerField(_("index"), primary_key=True)
    kind = models.CharField(_("kind"), max_length=64)
    ref = models.CharField(_("reference"), max_length=200, blank=True)
    data = models.BinaryField(_("data"))
    leaf_hash = models.BinaryField(_("leaf hash"), max_length=32)
    created_at = models.DateTimeField(_("appended"), default=timezone.now)

    class Meta:
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        ordering = ["index"]
        indexes = [models.Index(fields=["ref"], name="delivery_logentry_ref")]

    def __str__(self) -> str:
        return f"#{self.index} {self.kind}"


class LogNode(AppendOnlyModel):
    """The hash of a complete, aligned subtree of 2**level leaves, ``index·2**level`` to ``(index+1)·2**level - 1``.

    Written as soon as its last leaf arrives and never changed, so any tree size's proofs read O(log n) of these.
    Level 0 (the leaves) lives in ``LogEntry.leaf_hash``.
    """

    pk = models.CompositePrimaryKey("level", "index")
    level = models.PositiveSmallIntegerField(_("level"))
    index = models.BigIntegerField(_("index"))
    hash = models.BinaryField(_("hash"), max_length=32)

    class Meta:
        verbose_name = _("log tree node")
        verbose_name_plural = _("log tree nodes")
        ordering = ["level", "index"]

    def __str__(self) -> str:
        return f"node {self.level}/{self.index}"


class SigningKey(models.Model):
    """A public key that signed (or signs) checkpoints. Private keys never enter the database.

    Every key ever used stays here, so checkpoints signed before a rotation still verify.
    """

    name = models.CharField(_("key name"), max_length=200)
    key_id = models.CharField(_("key id"), max_length=8, unique=True, help_text=_("Hex of the 4-byte key hash."))
    public_key = models.BinaryField(_("public key"), max_length=32)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        verbose_name = _("log signing key")
        verbose_name_plural = _("log signing keys")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.vkey

    @property
    def verifier(self):
        from .note import Verifier

        return Verifier(self.name, bytes(self.public_key))

    @property
    def vkey(self) -> str:
        return self.verifier.vkey


class Checkpoint(AppendOnlyModel):
    """A signed statement of the log's root hash at one tree size, in the C2SP tlog-checkpoint note format."""

    tree_size = models.BigIntegerField(_("tree size"), unique=True)
    root_hash = models.BinaryField(_("root hash"), max_length=32)
    note = models.TextField(_("signed note"))
    signing_key = models.ForeignKey(
        SigningKey, verbose_name=_("signing key"), on_delete=models.PROTECT, related_name="checkpoints"
    )
    created_at = models.DateTimeField(_("signed"), default=timezone.now)

    class Meta:
        verbose_name = _("log checkpoint")
        verbose_name_plural = _("log checkpoints")
        ordering = ["tree_size"]

    def __str__(self) -> str:
        return f"checkpoint at {self.tree_size}"
