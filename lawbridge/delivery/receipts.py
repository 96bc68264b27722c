"""Receipts: one log entry with everything needed to check it offline — the entry's kind, reference and data, its
inclusion proof, the signed checkpoint the proof leads to, and the verifier key that signed it.

    {"format": "lawbridge-receipt/1", "origin": …, "entry": {"index", "kind", "ref", "data" (base64), "leaf_hash"},
     "tree_size": …, "inclusion_proof": [base64 …], "checkpoint": "<signed note>", "verifier_key": "<vkey>"}

``verify`` needs nothing but the receipt (and, better, a verifier key obtained separately: a receipt that carries
its own key proves only that its parts agree with each other). It reports each check in plain words.
"""

import base64
import json
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import merkle, note

FORMAT = "lawbridge-receipt/1"


def export(index: int) -> dict:
    """The receipt of entry ``index``, proved against a signed checkpoint that covers it (signed now if the latest
    checkpoint is older than the entry)."""
    from . import log
    from .models import LogEntry

    checkpoint = log.latest_checkpoint()
    if checkpoint is None or checkpoint.tree_size <= index:
        checkpoint = log.checkpoint()
    proof = log.inclusion_proof(index, checkpoint.tree_size)
    entry = LogEntry.objects.get(index=index)
    return {
        "format": FORMAT,
        "origin": log.origin(),
        "entry": {
            "index": entry.index,
            "kind": entry.kind,
            "ref": entry.ref,
            "data": base64.b64encode(bytes(entry.data)).decode("ascii"),
            "leaf_hash": base64.b64encode(bytes(entry.leaf_hash)).decode("ascii"),
        },
        "tree_size": checkpoint.tree_size,
        "inclusion_proof": [base64.b64encode(h).decode("ascii") for h in proof.hashes],
        "checkpoint": checkpoint.note,
        "verifier_key": checkpoint.signing_key.vkey,
    }


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class Verdict:
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    def add(self, name: str, ok: bool, detail) -> bool:
        self.checks.append(Check(name, ok, str(detail)))
        return ok


def _b64(value) -> bytes:
    if not isinstance(value, str):
        raise ValueError
    return base64.b64decode(value.encode("ascii"), validate=True)


def verify(receipt: dict | str | bytes, *, trusted_keys: list[str] | None = None) -> Verdict:
    """Check a receipt offline. ``trusted_keys`` (vkeys obtained separately, e.g. from the log's published
    verifier key) are used instead of the key inside the receipt when given."""
    verdict = Verdict()
    try:
        if isinstance(receipt, str | bytes):
            receipt = json.loads(receipt)
        if not isinstance(receipt, dict) or receipt.get("format") != FORMAT:
            verdict.add("format", False, _("This is not a Lawbridge log receipt."))
            return verdict
        entry = receipt["entry"]
        index, tree_size = int(entry["index"]), int(receipt["tree_size"])
        kind, ref, data = str(entry["kind"]), str(entry["ref"]), _b64(entry["data"])
        proof = [_b64(h) for h in receipt["inclusion_proof"]]
        text, origin = str(receipt["checkpoint"]), str(receipt["origin"])
        keys = trusted_keys or [str(receipt["verifier_key"])]
    except (KeyError, TypeError, ValueError, json.JSONDecodeError):
        verdict.add("format", False, _("The receipt is incomplete or malformed."))
        return verdict
    verdict.add("format", True, _("A Lawbridge log receipt for entry {index}.").format(index=index))

    try:
        checkpoint, signers = note.verify_checkpoint(text, keys, origin=origin)
    except note.NoteError as exc:
        verdict.add("checkpoint", False, _("The checkpoint is not validly signed: {why}").format(why=exc))
        return verdict
    verdict.add(
        "checkpoint",
        True,
        _("The checkpoint of {origin} at tree size {size} is signed by {keys}.").format(
            origin=checkpoint.origin, size=checkpoint.tree_size, keys=", ".join(v.name for v in signers)
        ),
    )
    if checkpoint.tree_size != tree_size:
        verdict.add("tree_size", False, _("The proof is for another tree size than the checkpoint's."))
        return verdict

    from .log import entry_leaf_hash

    try:
        leaf = entry_leaf_hash(kind, ref, data)
    except (TypeError, ValueError):
        verdict.add("entry", False, _("The entry's kind or reference is malformed."))
        return verdict
    matches = entry.get("leaf_hash") in (None, base64.b64encode(leaf).decode("ascii"))
    verdict.add(
        "entry",
        matches,
        _("The entry's contents give the leaf hash stated in the receipt.")
        if matches
        else _("The entry's contents do not give the leaf hash stated in the receipt: the entry was altered."),
    )
    try:
        included = merkle.verify_inclusion(leaf, index, tree_size, proof, checkpoint.root_hash)
    except (TypeError, ValueError):
        included = False
    verdict.add(
        "inclusion",
        included,
        _("Entry {index} is in the log the checkpoint signs.").format(index=index)
        if included
        else _(
            "The entry and its proof do not lead to the signed root hash: the entry was altered, or the proof is "
            "forged or truncated."
        ),
    )
    return verdict
