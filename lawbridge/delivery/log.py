"""The transparency log of service of process: append entries, read proofs, sign checkpoints, audit.

Other apps append through :func:`append` and :func:`append_many`; nothing ever changes or deletes a row.

- **Leaves.** An entry's leaf hash is ``merkle.leaf_hash(kind ‖ "\\n" ‖ ref ‖ "\\n" ‖ data)`` (see
  :func:`leaf_input`), so the kind and the reference are covered by the tree as well as the data.
- **Appends are serialised** by one lock: the ``LogHead`` row. On PostgreSQL a writer takes it with
  ``SELECT … FOR UPDATE``; on SQLite it writes the row first, which takes the database's write lock before the
  size is read (the project opens SQLite transactions with ``BEGIN IMMEDIATE`` anyway). Several web and worker
  processes may append at once: each batch gets the next contiguous indexes.
- **Nodes.** Every complete, aligned power-of-two subtree is stored (``LogNode``) as soon as its last leaf
  arrives; any subtree a proof asks for is then at most log2(n)+1 stored hashes, fetched in two queries.
- **Keys.** Checkpoints are signed with Ed25519 keys whose public halves are kept in ``SigningKey`` forever (old
  checkpoints stay verifiable after a rotation); the private key comes from ``LAWBRIDGE_LOG_SIGNING_KEY`` (a
  ``PRIVATE+KEY+…`` string) or from a 0600 file under ``LAWBRIDGE_VAR_DIR/delivery-keys/``, generated on first use.
"""

import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from . import merkle, note
from .models import Checkpoint, LogEntry, LogHead, LogNode, SigningKey

MAX_DATA_BYTES = 64 * 1024
MAX_PAGE = 1000
KEY_ENV = "LAWBRIDGE_LOG_SIGNING_KEY"
_KIND = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")


class LogError(Exception):
    """A request the log cannot answer: bad arguments (400), nothing there yet (404), or a damaged log (500)."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def origin() -> str:
    """The log's name in checkpoints: ``LAWBRIDGE_LOG_ORIGIN``, else ``lawbridge.<city>/delivery-log``."""
    configured = getattr(settings, "LAWBRIDGE_LOG_ORIGIN", "") or os.environ.get("LAWBRIDGE_LOG_ORIGIN", "")
    return configured or f"lawbridge.{settings.LAWBRIDGE_CITY}/delivery-log"


def leaf_input(kind: str, ref: str, data: bytes) -> bytes:
    """The bytes a leaf hash covers. ``kind`` and ``ref`` never contain a newline, so the encoding is unambiguous."""
    return kind.encode() + b"\n" + ref.encode() + b"\n" + bytes(data)


def entry_leaf_hash(kind: str, ref: str, data: bytes) -> bytes:
    return merkle.leaf_hash(leaf_input(kind, ref, data))


# -- appending ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """Something to append: ``kind`` is a dotted name (``delivery.document.sealed``), ``ref`` what it is about."""

    kind: str
    data: bytes
    ref: str = ""


def _prepare(item) -> tuple[str, str, bytes, bytes]:
    if isinstance(item, Item):
        kind, data, ref = item.kind, item.data, item.ref
    elif isinstance(item, dict):
        kind, data, ref = item["kind"], item["data"], item.get("ref", "")
    else:
        kind, data, *rest = item
        ref = rest[0] if rest else ""
    if isinstance(data, str):
        data = data.encode()
    if not isinstance(kind, str) or not _KIND.fullmatch(kind):
        raise LogError("invalid_kind", _("A log entry's kind is a short dotted name in lower case."))
    if not isinstance(ref, str) or len(ref) > 200 or "\n" in ref or "\r" in ref:
        raise LogError("invalid_ref", _("A log entry's reference is one line of at most 200 characters."))
    if not isinstance(data, bytes | bytearray | memoryview):
        raise LogError("invalid_data", _("A log entry's data must be bytes."))
    data = bytes(data)
    if len(data) > MAX_DATA_BYTES:
        raise LogError("invalid_data", _("A log entry's data is at most {n} bytes.").format(n=MAX_DATA_BYTES))
    return kind, ref, data, entry_leaf_hash(kind, ref, data)


def _lock_head() -> LogHead:
    """Take the log's write lock for the rest of the current transaction and return the head row."""
    if not connection.in_atomic_block:
        raise RuntimeError("The log head is locked inside transaction.atomic().")
    for _attempt in range(2):
        if connection.vendor == "postgresql":
            head = LogHead.objects.select_for_update().filter(pk=1).first()
        else:
            # A write first: SQLite takes the database write lock now, before the size is read.
            LogHead.objects.filter(pk=1).update(size=F("size"))
            head = LogHead.objects.filter(pk=1).first()
        if head is not None:
            return head
        try:
            with transaction.atomic():
                return LogHead.objects.create(pk=1, size=0, root_hash=merkle.EMPTY_ROOT)
        except IntegrityError:
            continue  # another writer created it first; lock theirs
    raise RuntimeError("Could not create the log head row.")


def append(kind: str, data: bytes, *, ref: str = "") -> LogEntry:
    """Append one entry and return it (with its index)."""
    return append_many([Item(kind, data, ref)])[0]


def append_many(items: Iterable, *, checkpoint: bool = False) -> list[LogEntry]:
    """Append entries in order, with contiguous indexes, in one transaction; optionally sign a checkpoint too.

    ``items`` are :class:`Item` s, ``(kind, data[, ref])`` tuples or ``{"kind", "data", "ref"}`` dicts.
    """
    prepared = [_prepare(item) for item in items]  # validate and hash before taking the lock
    with transaction.atomic():
        head = _lock_head()
        start = head.size
        frontier = [(r[1] - r[0], h) for r, h in zip(_frontier_ranges(start), _frontier(start), strict=True)]
        now = timezone.now()
        entries, nodes = [], []
        for offset, (kind, ref, data, leaf) in enumerate(prepared):
            index = start + offset
            entries.append(LogEntry(index=index, kind=kind, ref=ref, data=data, leaf_hash=leaf, created_at=now))
            # Push the leaf; every subtree it completes is merged and stored.
            width, h, level = 1, leaf, 0
            while frontier and frontier[-1][0] == width:
                h = merkle.node_hash(frontier.pop()[1], h)
                width, level = width * 2, level + 1
                nodes.append(LogNode(level=level, index=index >> level, hash=h))
            frontier.append((width, h))
        if entries:
            LogEntry.objects.bulk_create(entries)
            LogNode.objects.bulk_create(nodes)
            head.size = start + len(entries)
            head.root_hash = merkle.combine_right_edge([h for _w, h in frontier])
            head.save(update_fields=["size", "root_hash", "updated_at"])
        if checkpoint:
            _checkpoint(head)
    return entries


# -- reading subtrees --------------------------------------------------------------------------------------


def _frontier_ranges(size: int) -> list[tuple[int, int]]:
    return merkle.perfect_subtrees(0, size)


def _frontier(size: int) -> list[bytes]:
    ranges = _frontier_ranges(size)
    found = _read_perfect(ranges)
    return [found[r] for r in ranges]


def _read_perfect(ranges: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The stored hashes of perfect subtrees ``[start, end)``: leaves from entries, the rest from nodes."""
    ranges = set(ranges)
    leaves = sorted(s for s, e in ranges if e - s == 1)
    nodes = sorted({((e - s).bit_length() - 1, s >> ((e - s).bit_length() - 1)) for s, e in ranges if e - s > 1})
    # Raw SQL, one round trip: the ORM would spend longer building this OR than the database spends answering.
    q = connection.ops.quote_name
    parts, params = [], []
    if leaves:
        parts.append(
            f"SELECT 0, {q('index')}, leaf_hash FROM {q(LogEntry._meta.db_table)} "
            f"WHERE {q('index')} IN ({', '.join(['%s'] * len(leaves))})"
        )
        params += leaves
    if nodes:
        pairs = " OR ".join([f"(level = %s AND {q('index')} = %s)"] * len(nodes))
        parts.append(f"SELECT level, {q('index')}, hash FROM {q(LogNode._meta.db_table)} WHERE {pairs}")
        params += [value for pair in nodes for value in pair]
    found: dict[tuple[int, int], bytes] = {}
    if parts:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for level, index, h in cursor.fetchall():
                found[(index << level, (index + 1) << level)] = bytes(h)
    missing = ranges - found.keys()
    if missing:
        s, e = min(missing)
        raise LogError(
            "log_damaged",
            _("The stored tree has no hash for entries {start}–{end}: run lawbridge delivery audit.").format(
                start=s, end=e - 1
            ),
            status=500,
        )
    return found


class _Subtrees:
    """A subtree accessor over stored hashes, loaded in one go for every range a proof will read.

    A proof's shape does not depend on hash values, so the builder first runs against placeholders to learn
    which ranges it reads; those are then fetched together and the builder runs again for real.
    """

    def __init__(self):
        self.wanted: set[tuple[int, int]] = set()
        self.hashes: dict[tuple[int, int], bytes] | None = None

    def record(self, start: int, end: int) -> bytes:
        self.wanted.update(merkle.perfect_subtrees(start, end))
        return merkle.EMPTY_ROOT

    def load(self) -> None:
        self.hashes = _read_perfect(self.wanted)

    def __call__(self, start: int, end: int) -> bytes:
        return merkle.combine_right_edge([self.hashes[r] for r in merkle.perfect_subtrees(start, end)])


def size() -> int:
    """The number of entries in the log."""
    return LogHead.objects.filter(pk=1).values_list("size", flat=True).first() or 0


def _check_size(name: str, value: int, current: int) -> None:
    if value > current:
        raise LogError(
            "tree_size_too_large",
            _("{name} {value} is beyond the log, which has {size} entries.").format(
                name=name, value=value, size=current
            ),
        )


def root(tree_size: int | None = None) -> bytes:
    """MTH of the first ``tree_size`` entries (default: all of them)."""
    current = size()
    tree_size = current if tree_size is None else tree_size
    if tree_size < 0:
        raise LogError("invalid_tree_size", _("The tree size must not be negative."))
    _check_size("tree_size", tree_size, current)
    subtrees = _Subtrees()
    subtrees.record(0, tree_size)
    subtrees.load()
    return subtrees(0, tree_size)


@dataclass(frozen=True)
class InclusionProof:
    index: int
    tree_size: int
    leaf_hash: bytes
    root_hash: bytes
    hashes: list[bytes]

    def verify(self) -> bool:
        return merkle.verify_inclusion(self.leaf_hash, self.index, self.tree_size, self.hashes, self.root_hash)


@dataclass(frozen=True)
class ConsistencyProof:
    old_size: int
    new_size: int
    old_root: bytes
    new_root: bytes
    hashes: list[bytes]

    def verify(self) -> bool:
        return merkle.verify_consistency(self.old_size, self.new_size, self.old_root, self.new_root, self.hashes)


def inclusion_proof(index: int, tree_size: int | None = None) -> InclusionProof:
    """The proof that entry ``index`` is in the tree of ``tree_size`` entries (default: the whole log)."""
    current = size()
    tree_size = current if tree_size is None else tree_size
    if index < 0:
        raise LogError("invalid_index", _("The index must not be negative."))
    if tree_size < 1:
        raise LogError("invalid_tree_size", _("The tree size must be at least 1."))
    _check_size("tree_size", tree_size, current)
    if index >= tree_size:
        raise LogError(
            "invalid_index",
            _("Index {index} is not in a tree of {size} entries.").format(index=index, size=tree_size),
        )
    subtrees = _Subtrees()
    merkle.inclusion_proof_from(index, tree_size, subtrees.record)
    subtrees.record(index, index + 1)
    subtrees.record(0, tree_size)
    subtrees.load()
    return InclusionProof(
        index=index,
        tree_size=tree_size,
        leaf_hash=subtrees(index, index + 1),
        root_hash=subtrees(0, tree_size),
        hashes=merkle.inclusion_proof_from(index, tree_size, subtrees),
    )


def consistency_proof(old_size: int, new_size: int | None = None) -> ConsistencyProof:
    """The proof that the tree of ``new_size`` entries (default: the whole log) extends the one of ``old_size``."""
    current = size()
    new_size = current if new_size is None else new_size
    if old_size < 1 or new_size < 1:
        raise LogError("invalid_range", _("Tree sizes start at 1: every tree extends the empty one."))
    if old_size > new_size:
        raise LogError(
            "invalid_range",
            _("old_size {old} is larger than new_size {new}.").format(old=old_size, new=new_size),
        )
    _check_size("new_size", new_size, current)
    subtrees = _Subtrees()
    merkle.consistency_proof_from(old_size, new_size, subtrees.record)
    subtrees.record(0, old_size)
    subtrees.record(0, new_size)
    subtrees.load()
    return ConsistencyProof(
        old_size=old_size,
        new_size=new_size,
        old_root=subtrees(0, old_size),
        new_root=subtrees(0, new_size),
        hashes=merkle.consistency_proof_from(old_size, new_size, subtrees),
    )


def entries(start: int, end: int) -> tuple[list[LogEntry], int]:
    """Entries ``start`` to ``end - 1`` (at most MAX_PAGE, cut at the end of the log), and the log's size."""
    current = size()
    if start < 0 or end < start:
        raise LogError("invalid_range", _("Give 0 ≤ start ≤ end."))
    if end - start > MAX_PAGE:
        raise LogError("range_too_large", _("Ask for at most {n} entries at a time.").format(n=MAX_PAGE))
    if start > current:
        raise LogError(
            "invalid_range",
            _("start {start} is beyond the log, which has {size} entries.").format(start=start, size=current),
        )
    return list(LogEntry.objects.filter(index__gte=start, index__lt=min(end, current)).order_by("index")), current


def verify_inclusion(*, leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes], root_hash: bytes) -> None:
    """Check an inclusion proof someone hands in; raise :class:`LogError` saying what is wrong with it."""
    try:
        ok = merkle.verify_inclusion(leaf_hash, index, tree_size, list(proof), root_hash)
    except (ValueError, TypeError) as exc:
        raise LogError("invalid_proof", _("The proof's index or tree size is impossible.")) from exc
    if not ok:
        raise LogError("invalid_proof", _("The inclusion proof does not lead to the root hash: forged or truncated."))


def verify_consistency(*, old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof) -> None:
    try:
        ok = merkle.verify_consistency(old_size, new_size, old_root, new_root, list(proof))
    except (ValueError, TypeError) as exc:
        raise LogError("invalid_proof", _("The proof's tree sizes are impossible.")) from exc
    if not ok:
        raise LogError("invalid_proof", _("The consistency proof does not join the two roots: forged or truncated."))


# -- keys and checkpoints ----------------------------------------------------------------------------------


def key_dir() -> Path:
    return Path(settings.VAR_DIR) / "delivery-keys"


def _key_path(key_id: str) -> Path:
    return key_dir() / f"log-{key_id}.key"


def _write_private_key(signer: note.Signer) -> Path:
    directory = key_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = _key_path(signer.key_hash.hex())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(signer.skey + "\n")
    return path


def _register(signer: note.Signer) -> SigningKey:
    """Record ``signer``'s public key (once) and make it the only active key."""
    key, _created = SigningKey.objects.get_or_create(
        key_id=signer.key_hash.hex(), defaults={"name": signer.name, "public_key": signer.verifier.public_key}
    )
    if bytes(key.public_key) != signer.verifier.public_key or key.name != signer.name:
        raise LogError("key_conflict", _("Another key with the same key id is already registered."), status=500)
    if key.retired_at is not None:
        raise LogError("key_retired", _("Signing key {key_id} was retired.").format(key_id=key.key_id), status=500)
    SigningKey.objects.filter(retired_at=None).exclude(pk=key.pk).update(retired_at=timezone.now())
    return key


def _new_key() -> tuple[SigningKey, note.Signer]:
    signer = note.generate_signer(origin())
    while SigningKey.objects.filter(key_id=signer.key_hash.hex()).exists():  # a 1-in-4-billion clash
        signer = note.generate_signer(origin())
    _write_private_key(signer)
    return _register(signer), signer


def _signer() -> tuple[SigningKey, note.Signer]:
    """The key that signs new checkpoints. Call with the head lock held (it may create the first key)."""
    if text := os.environ.get(KEY_ENV, "").strip():
        try:
            signer = note.parse_skey(text)
        except note.NoteError as exc:
            raise LogError("invalid_signing_key", f"{KEY_ENV}: {exc.message}", status=500) from exc
        return _register(signer), signer
    key = SigningKey.objects.filter(retired_at=None).order_by("-created_at", "-id").first()
    if key is None:
        return _new_key()
    path = _key_path(key.key_id)
    try:
        signer = note.parse_skey(path.read_text())
    except FileNotFoundError as exc:
        raise LogError(
            "signing_key_missing",
            _("The private half of log signing key {key_id} is not in {path}: copy it there or set {env}.").format(
                key_id=key.key_id, path=path, env=KEY_ENV
            ),
            status=500,
        ) from exc
    if signer.key_hash.hex() != key.key_id:
        raise LogError("signing_key_missing", _("{path} holds a different key.").format(path=path), status=500)
    return key, signer


def _checkpoint(head: LogHead) -> Checkpoint:
    existing = Checkpoint.objects.filter(tree_size=head.size).first()
    if existing is not None:
        return existing
    key, signer = _signer()
    text = note.sign_checkpoint(origin(), head.size, bytes(head.root_hash), signer)
    return Checkpoint.objects.create(tree_size=head.size, root_hash=bytes(head.root_hash), note=text, signing_key=key)


def checkpoint() -> Checkpoint:
    """Sign a checkpoint of the log as it is now (or return the one already signed at this size)."""
    with transaction.atomic():
        return _checkpoint(_lock_head())


def checkpoint_if_grown() -> Checkpoint | None:
    """Sign a checkpoint if entries were appended since the last one (the periodic task)."""
    latest = latest_checkpoint()
    if latest is not None and latest.tree_size >= size():
        return None
    return checkpoint()


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-tree_size").first()


def rotate_key() -> SigningKey:
    """Make a new signing key the active one; the old public keys stay, so old checkpoints still verify."""
    from lawbridge.core.audit import audit_event

    if os.environ.get(KEY_ENV, "").strip():
        raise LogError(
            "key_from_environment",
            _("The signing key comes from {env}: put a new PRIVATE+KEY+… value there instead.").format(env=KEY_ENV),
        )
    with transaction.atomic():
        _lock_head()
        key, _signer_ = _new_key()
        audit_event(obj=key, event="delivery.log.key_rotated", payload={"key_id": key.key_id})
    return key


def active_key() -> SigningKey | None:
    return SigningKey.objects.filter(retired_at=None).order_by("-created_at", "-id").first()


def verifiers() -> list[note.Verifier]:
    """Every key that ever signed checkpoints of this log."""
    return [key.verifier for key in SigningKey.objects.all()]


def verify_checkpoint(text: str) -> note.CheckpointBody:
    """Verify a checkpoint note against this log's keys (current and retired); :class:`note.NoteError` if bad."""
    body, _verified = note.verify_checkpoint(text, verifiers())
    return body


# -- audit -------------------------------------------------------------------------------------------------


@dataclass
class Divergence:
    """One thing the audit found wrong. ``position`` is the first entry index it concerns."""

    what: str  # "entry", "node", "head" or "checkpoint"
    position: int
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass
class AuditReport:
    entries: int = 0
    nodes: int = 0
    checkpoints: int = 0
    problems: list[Divergence] = field(default_factory=list)
    more_problems: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first(self) -> Divergence | None:
        return self.problems[0] if self.problems else None


class _NoProgress:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def audit(*, progress: Callable[[str, int], object] | None = None, max_problems: int = 50) -> AuditReport:
    """Recompute the whole tree from the stored entries and check every stored hash and checkpoint against it.

    ``progress(description, total)`` returns a tqdm-like bar (``update``, ``close``). Problems come out in the
    order found: entries first (in index order), then tree nodes, the head, then checkpoints.
    """
    progress = progress or (lambda description, total: _NoProgress())
    report = AuditReport()

    def problem(what: str, position: int, message: str) -> None:
        if len(report.problems) < max_problems:
            report.problems.append(Divergence(what, position, message))
        else:
            report.more_problems += 1

    head = LogHead.objects.filter(pk=1).first()
    expected_size = head.size if head else 0

    # 1. Entries: contiguous indexes, leaf hashes recomputed from kind, ref and data.
    leaves = bytearray()
    bar = progress(_("entries"), expected_size)
    n = 0
    rows = LogEntry.objects.order_by("index").values_list("index", "kind", "ref", "data", "leaf_hash")
    leaf_prefix = b"\x00"
    for index, kind, ref, data, stored in rows.iterator(chunk_size=5000):
        if index != n:
            problem(
                "entry",
                n,
                _("Entry {n} is missing (the next stored entry is {index}).").format(n=n, index=index)
                if index > n
                else _("Entry {index} is out of order.").format(index=index),
            )
            n = index
        computed = sha256(leaf_prefix + kind.encode() + b"\n" + ref.encode() + b"\n" + bytes(data)).digest()
        if computed != bytes(stored):
            problem(
                "entry",
                index,
                _("Entry {index}: the stored leaf hash does not match its kind, reference and data.").format(
                    index=index
                ),
            )
        leaves += computed
        n += 1
        if n % 5000 == 0:
            bar.update(5000)
    bar.update(n % 5000)
    bar.close()
    report.entries = n

    # 2. Tree nodes: every level recomputed, compared with the stored nodes.
    levels = [bytes(leaves)]
    del leaves
    while len(levels[-1]) >= 64:
        below = levels[-1]
        levels.append(b"".join(sha256(b"\x01" + below[i : i + 64]).digest() for i in range(0, len(below) - 63, 64)))
    bar = progress(_("tree nodes"), sum(len(level) // 32 for level in levels[1:]))
    expected_next = [0] * len(levels)
    stored_nodes = LogNode.objects.order_by("level", "index").values_list("level", "index", "hash")
    count = 0
    for level, index, stored in stored_nodes.iterator(chunk_size=5000):
        count += 1
        if count % 5000 == 0:
            bar.update(5000)
        if level < 1 or level >= len(levels) or index >= len(levels[level]) // 32:
            problem(
                "node",
                index << level,
                _("Tree node {level}/{index} should not exist: the log has {n} entries.").format(
                    level=level, index=index, n=n
                ),
            )
            continue
        if index > expected_next[level]:
            first_missing = expected_next[level]
            problem(
                "node",
                first_missing << level,
                _("Tree node {level}/{index} (entries {start}–{end}) is missing.").format(
                    level=level,
                    index=first_missing,
                    start=first_missing << level,
                    end=((first_missing + 1) << level) - 1,
                ),
            )
        expected_next[level] = index + 1
        if bytes(stored) != levels[level][32 * index : 32 * index + 32]:
            problem(
                "node",
                index << level,
                _(
                    "Tree node {level}/{index} (entries {start}–{end}) does not match the hash recomputed from "
                    "the entries."
                ).format(level=level, index=index, start=index << level, end=((index + 1) << level) - 1),
            )
    bar.update(count % 5000)
    bar.close()
    report.nodes = count
    for level in range(1, len(levels)):
        if expected_next[level] < len(levels[level]) // 32:
            index = expected_next[level]
            problem(
                "node",
                index << level,
                _("Tree node {level}/{index} (entries {start}–{end}) is missing.").format(
                    level=level, index=index, start=index << level, end=((index + 1) << level) - 1
                ),
            )

    def subtree(start: int, end: int) -> bytes:
        hashes = []
        for s, e in merkle.perfect_subtrees(start, end):
            level = (e - s).bit_length() - 1
            i = s >> level
            hashes.append(levels[level][32 * i : 32 * i + 32])
        return merkle.combine_right_edge(hashes)

    # 3. The head.
    if expected_size != n:
        problem(
            "head",
            min(n, expected_size),
            _("The log head says {size} entries; {n} are stored.").format(size=expected_size, n=n),
        )
    elif head is not None and bytes(head.root_hash) != subtree(0, n):
        problem("head", n, _("The log head's root hash does not match the entries."))

    # 4. Checkpoints: signature, agreement with the row, with the entries, and consistency with the previous one.
    keys = verifiers()
    checkpoints = list(Checkpoint.objects.order_by("tree_size").select_related("signing_key"))
    bar = progress(_("checkpoints"), len(checkpoints))
    previous: tuple[int, bytes] | None = None
    for cp in checkpoints:
        bar.update(1)
        report.checkpoints += 1
        label = _("Checkpoint at tree size {size}").format(size=cp.tree_size)
        try:
            body, verified = note.verify_checkpoint(cp.note, keys)
        except note.NoteError as exc:
            problem("checkpoint", cp.tree_size, f"{label}: {exc.message}")
            continue
        if body.tree_size != cp.tree_size or body.root_hash != bytes(cp.root_hash):
            problem(
                "checkpoint",
                cp.tree_size,
                _("{label}: the signed note and the stored row disagree.").format(label=label),
            )
        if cp.signing_key.key_id not in {v.key_id for v in verified}:
            problem("checkpoint", cp.tree_size, _("{label}: not signed by the key it names.").format(label=label))
        if body.tree_size > n:
            problem(
                "checkpoint",
                body.tree_size,
                _("{label}: it is beyond the log, which has {n} entries.").format(label=label, n=n),
            )
            continue
        if body.root_hash != subtree(0, body.tree_size):
            problem(
                "checkpoint",
                body.tree_size,
                _("{label}: its root hash does not match the entries.").format(label=label),
            )
        if previous is not None and previous[0] >= 1:
            old_size, old_root = previous
            proof = merkle.consistency_proof_from(old_size, body.tree_size, subtree)
            if not merkle.verify_consistency(old_size, body.tree_size, old_root, body.root_hash, proof):
                problem(
                    "checkpoint",
                    body.tree_size,
                    _("{label} is not consistent with the checkpoint at tree size {old}.").format(
                        label=label, old=old_size
                    ),
                )
        previous = (body.tree_size, body.root_hash)
    bar.close()
    return report
