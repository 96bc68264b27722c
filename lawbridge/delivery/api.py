"""Public API of the transparency log: the signed checkpoint, the verifier key, proofs and entries.

Everything is public (``auth=None``): anyone may monitor the log. Hashes are standard base64, as in
checkpoints. Bad arguments get a 400 with a code (``invalid_index``, ``invalid_tree_size``,
``tree_size_too_large``, ``invalid_range``, ``range_too_large``), never a 500.
"""

import base64
from datetime import datetime

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from lawbridge.core.http import ApiError

from . import log
from .models import SigningKey

router = Router(tags=["delivery"])

# Query numbers are bounded so absurd values are a 422 before any arithmetic or query.
_BIG = 2**62


def _b64(value: bytes) -> str:
    return base64.b64encode(bytes(value)).decode("ascii")


def _call(fn, *args):
    try:
        return fn(*args)
    except log.LogError as exc:
        raise ApiError(exc.status, exc.code, exc.message) from exc


def _text(body: str, *, cache: str = "no-cache") -> HttpResponse:
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = cache
    return response


@router.get("/delivery/log/checkpoint", auth=None, response={200: str, 404: dict}, summary="Latest signed checkpoint")
def checkpoint(request):
    """The latest checkpoint of the log: a C2SP signed note (origin, tree size, base64 root hash, signatures)."""
    latest = log.latest_checkpoint()
    if latest is None:
        raise ApiError(404, "no_checkpoint", _("The log has no signed checkpoint yet."))
    return _text(latest.note)


@router.get("/delivery/log/verifier-key", auth=None, response={200: str}, summary="Verifier key of the log")
def verifier_key(request, all: bool = False):  # noqa: A002 - the query parameter's public name
    """The current verifier key (``name+keyhash+base64(0x01‖pubkey)``); ``?all=true`` lists every key ever used,
    one a line, oldest first, so checkpoints signed before a rotation can be checked."""
    if all:
        keys = [key.vkey for key in SigningKey.objects.all()]
    else:
        active = log.active_key()
        keys = [active.vkey] if active else []
    if not keys:
        raise ApiError(404, "no_key", _("The log has not signed anything yet."))
    return _text("".join(f"{key}\n" for key in keys))


class InclusionProofOut(Schema):
    index: int
    tree_size: int
    leaf_hash: str
    root_hash: str
    proof: list[str]


@router.get("/delivery/log/proof/inclusion", auth=None, response=InclusionProofOut, summary="Inclusion proof")
def inclusion_proof(request, index: int = Query(..., le=_BIG), tree_size: int | None = Query(None, le=_BIG)):
    """The audit path of entry ``index`` in the tree of ``tree_size`` entries (default: the whole log)."""
    proof = _call(log.inclusion_proof, index, tree_size)
    return {
        "index": proof.index,
        "tree_size": proof.tree_size,
        "leaf_hash": _b64(proof.leaf_hash),
        "root_hash": _b64(proof.root_hash),
        "proof": [_b64(h) for h in proof.hashes],
    }


class ConsistencyProofOut(Schema):
    old_size: int
    new_size: int
    old_root: str
    new_root: str
    proof: list[str]


@router.get("/delivery/log/proof/consistency", auth=None, response=ConsistencyProofOut, summary="Consistency proof")
def consistency_proof(request, old_size: int = Query(..., le=_BIG), new_size: int | None = Query(None, le=_BIG)):
    """The proof that the tree of ``new_size`` entries (default: the whole log) extends the one of ``old_size``."""
    proof = _call(log.consistency_proof, old_size, new_size)
    return {
        "old_size": proof.old_size,
        "new_size": proof.new_size,
        "old_root": _b64(proof.old_root),
        "new_root": _b64(proof.new_root),
        "proof": [_b64(h) for h in proof.hashes],
    }


class EntryOut(Schema):
    index: int
    kind: str
    ref: str
    data: str
    leaf_hash: str
    created_at: datetime


class EntriesOut(Schema):
    start: int
    end: int
    tree_size: int
    entries: list[EntryOut]


@router.get("/delivery/log/entries", auth=None, response=EntriesOut, summary="Log entries")
def entries(request, start: int = Query(..., le=_BIG), end: int = Query(..., le=_BIG)):
    """Entries ``start`` to ``end - 1`` (at most 1,000; cut at the end of the log). ``data`` is base64; the leaf
    hash is SHA-256(0x00 ‖ kind ‖ "\\n" ‖ ref ‖ "\\n" ‖ data)."""
    rows, size = _call(log.entries, start, end)
    return {
        "start": start,
        "end": start + len(rows),
        "tree_size": size,
        "entries": [
            {
                "index": e.index,
                "kind": e.kind,
                "ref": e.ref,
                "data": _b64(e.data),
                "leaf_hash": _b64(e.leaf_hash),
                "created_at": e.created_at,
            }
            for e in rows
        ],
    }


@router.get("/delivery/log/receipt", auth=None, response=dict, summary="Receipt of one entry, for offline checking")
def receipt(request, index: int = Query(..., le=_BIG)):
    """Everything needed to check entry ``index`` offline: the entry, its inclusion proof, the signed checkpoint the
    proof leads to and the key that signed it (check it with ``lawbridge delivery verify``; better, against the
    verifier key fetched separately)."""
    from . import receipts

    return _call(receipts.export, index)
