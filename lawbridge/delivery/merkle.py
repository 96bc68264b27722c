"""Pure Merkle-tree algorithms of the service-of-process transparency log (RFC 9162 §2.1).

Hashing, inclusion proofs and consistency proofs follow RFC 9162 §2.1 exactly (the same tree as RFC 6962):
``leaf_hash = SHA-256(0x00 || data)``, ``node_hash = SHA-256(0x01 || left || right)`` and the hash of the
empty tree is ``SHA-256()``. ``MTH(D[start:end])`` below means the Merkle tree hash of leaves ``start`` to
``end - 1``.

No Django, no storage: the log keeps its nodes wherever it likes and hands the proof builders a *subtree
accessor* ``subtree(start, end) -> MTH(D[start:end])``. The ranges the builders ask for are always nodes of
the tree being proved, so each one is either

* a *perfect subtree*: ``end - start`` is a power of two and ``start`` is a multiple of it (it never changes
  once its leaves exist, so the log can store all of them, as RFC 9162's tiling and tlog tiles do), or
* the *right edge*: ``end == tree_size``, and ``perfect_subtrees(start, end)`` splits it into at most
  log2(n) + 1 stored perfect subtrees that ``combine_right_edge`` folds into its hash.

At most one right-edge range is requested per proof, so a proof costs O(log n) stored-node reads.

Errors. Proof builders and verifiers raise ``ValueError`` for arguments that describe no proof at all
(negative numbers, ``index >= tree_size``, ``old_size > new_size``, ``old_size == 0``) and ``TypeError`` for
hashes that are not bytes; the API layer turns ``ValueError`` into a 400. Anything else that does not check
out, including hashes that are not 32 bytes and proofs that are too long or too short, makes a verifier
return ``False``: a forged proof is an answer, not an error.
"""

from collections.abc import Callable, Iterable, Sequence
from hashlib import sha256

HASH_SIZE = 32
EMPTY_ROOT = sha256(b"").digest()
"""MTH({}) — the root of the empty tree (RFC 9162 §2.1.1)."""

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"

SubtreeAccessor = Callable[[int, int], bytes]


# --- Hashing -------------------------------------------------------------------------------------------------


def leaf_hash(data: bytes) -> bytes:
    """Hash one log entry: SHA-256(0x00 || data)."""
    return sha256(_LEAF_PREFIX + bytes(data)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Hash an interior node from its children's hashes: SHA-256(0x01 || left || right)."""
    return sha256(_NODE_PREFIX + left + right).digest()


def largest_power_of_two_below(n: int) -> int:
    """The k of RFC 9162 §2.1.1: the largest power of two strictly smaller than n, so that k < n <= 2k.

    It is where the tree of n leaves splits into its left (perfect, k leaves) and right subtree. n must be >= 2.
    """
    _require_count("n", n)
    if n < 2:
        raise ValueError(f"n must be at least 2 to split a tree, got {n}")
    return 1 << ((n - 1).bit_length() - 1)


def combine_right_edge(hashes: Sequence[bytes]) -> bytes:
    """Fold the hashes of ``perfect_subtrees(start, end)`` into MTH(D[start:end]).

    The fold runs right to left: ``node_hash(h0, node_hash(h1, ... node_hash(h[-2], h[-1])))``. An empty list is
    the empty range, whose hash is ``EMPTY_ROOT``.
    """
    if not hashes:
        return EMPTY_ROOT
    acc = hashes[-1]
    for left in reversed(hashes[:-1]):
        acc = sha256(_NODE_PREFIX + left + acc).digest()
    return acc


def root_hash(leaf_hashes: Iterable[bytes]) -> bytes:
    """MTH(D[n]) of a list of leaf hashes (RFC 9162 §2.1.1), in one pass and O(log n) memory.

    Leaves are pushed onto a stack of perfect-subtree hashes, merging two equal-sized neighbours as soon as
    both exist (one merge per trailing zero bit of the count so far); at the end the stack holds exactly the
    hashes of ``perfect_subtrees(0, n)`` and ``combine_right_edge`` finishes the root. No recursion.
    """
    stack: list[bytes] = []
    push = stack.append
    pop = stack.pop
    for count, h in enumerate(leaf_hashes, 1):
        if len(h) != HASH_SIZE:
            raise ValueError(f"leaf hash {count - 1} is {len(h)} bytes, expected {HASH_SIZE}")
        c = count
        while not c & 1:
            h = sha256(_NODE_PREFIX + pop() + h).digest()
            c >>= 1
        push(h)
    return combine_right_edge(stack)


def perfect_subtrees(start: int, end: int) -> list[tuple[int, int]]:
    """Split [start, end) into the fewest aligned power-of-two ranges, left to right (largest first).

    Each returned range ``(s, e)`` has ``e - s`` a power of two and ``s`` a multiple of ``e - s``: a perfect
    subtree a log can store once and for all. ``combine_right_edge`` of their hashes is MTH(D[start:end]),
    because RFC 9162 splits a range at its largest power of two below its size, which is exactly the next
    binary digit of ``end - start``. That only holds if ``start`` is a multiple of the largest power of two
    ``<= end - start`` (true of every node of a tree, hence of every range a proof asks for); other ranges
    raise ``ValueError``. ``start == end`` gives ``[]``.
    """
    _require_count("start", start)
    _require_count("end", end)
    if start > end:
        raise ValueError(f"start ({start}) is after end ({end})")
    size = end - start
    if size and start % (1 << (size.bit_length() - 1)):
        raise ValueError(
            f"[{start}, {end}) is not a node of the tree: start must be a multiple of "
            f"{1 << (size.bit_length() - 1)} for a range of {size} leaves"
        )
    ranges = []
    while start < end:
        step = 1 << ((end - start).bit_length() - 1)
        ranges.append((start, start + step))
        start += step
    return ranges


# --- Proof generation ----------------------------------------------------------------------------------------


def inclusion_proof_from(index: int, tree_size: int, subtree: SubtreeAccessor) -> list[bytes]:
    """PATH(index, D[tree_size]) of RFC 9162 §2.1.3.1, reading subtree hashes through ``subtree(start, end)``.

    Walks from the root down to the leaf, asking for the sibling at each level (at most one of them a
    right-edge range, the rest perfect subtrees), and returns them leaf-side first, as the RFC orders them.
    Raises ``ValueError`` unless ``0 <= index < tree_size``.
    """
    _require_count("index", index)
    _require_count("tree_size", tree_size)
    if index >= tree_size:
        raise ValueError(f"index {index} is not in a tree of {tree_size} leaves")
    siblings = []
    start, end = 0, tree_size
    while end - start > 1:
        mid = start + largest_power_of_two_below(end - start)
        if index < mid:
            siblings.append(subtree(mid, end))
            end = mid
        else:
            siblings.append(subtree(start, mid))
            start = mid
    siblings.reverse()
    return siblings


def consistency_proof_from(old_size: int, new_size: int, subtree: SubtreeAccessor) -> list[bytes]:
    """PROOF(old_size, D[new_size]) of RFC 9162 §2.1.4.1, reading subtree hashes through ``subtree``.

    This is SUBPROOF(m, D[n], true) unrolled into a loop; every range requested is a node of the new tree
    (at most one of them on its right edge). ``old_size == new_size`` gives ``[]``. Raises ``ValueError``
    unless ``0 < old_size <= new_size``: the RFC defines no proof from the empty tree, which every tree
    extends anyway.
    """
    _require_count("old_size", old_size)
    _require_count("new_size", new_size)
    if old_size > new_size:
        raise ValueError(f"old_size ({old_size}) is larger than new_size ({new_size})")
    if old_size == 0:
        raise ValueError("old_size must be at least 1: there is no consistency proof from the empty tree")
    proof = []
    start, end = 0, new_size
    old_is_a_whole_subtree = True  # the RFC's flag b: MTH(D[0:old_size]) is itself a node so the verifier has it
    while old_size != end:
        mid = start + largest_power_of_two_below(end - start)
        if old_size <= mid:
            proof.append(subtree(mid, end))
            end = mid
        else:
            proof.append(subtree(start, mid))
            start = mid
            old_is_a_whole_subtree = False
    if not old_is_a_whole_subtree:
        proof.append(subtree(start, end))
    proof.reverse()
    return proof


def _subtree_of(leaf_hashes: Sequence[bytes]) -> SubtreeAccessor:
    return lambda start, end: root_hash(leaf_hashes[start:end])


def inclusion_proof(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """Inclusion proof of leaf ``index`` in the tree of ``leaf_hashes`` (hashes the whole list once, O(n))."""
    return inclusion_proof_from(index, len(leaf_hashes), _subtree_of(leaf_hashes))


def consistency_proof(old_size: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """Consistency proof from the first ``old_size`` leaves to the tree of all ``leaf_hashes`` (O(n))."""
    return consistency_proof_from(old_size, len(leaf_hashes), _subtree_of(leaf_hashes))


# --- Verification --------------------------------------------------------------------------------------------


def verify_inclusion(leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """Check that ``leaf_hash`` is leaf ``index`` of the tree of ``tree_size`` leaves whose root is ``root``.

    The algorithm of RFC 9162 §2.1.3.2, verbatim. Raises ``ValueError`` unless ``0 <= index < tree_size``;
    returns ``False`` for any hash that is not 32 bytes, a proof of the wrong length or one that does not
    lead to ``root``.
    """
    _require_count("index", index)
    _require_count("tree_size", tree_size)
    if index >= tree_size:
        raise ValueError(f"index {index} is not in a tree of {tree_size} leaves")
    if not (_is_hash(leaf_hash) and _is_hash(root) and all(_is_hash(p) for p in proof)):
        return False
    fn, sn = index, tree_size - 1
    r = bytes(leaf_hash)
    for p in proof:
        if sn == 0:
            return False  # proof too long
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> bool:
    """Check that the tree of ``new_size`` leaves with root ``new_root`` extends the one of ``old_size`` leaves.

    The algorithm of RFC 9162 §2.1.4.2, verbatim, plus the case the RFC leaves out: equal sizes verify with an
    empty proof and equal roots. Raises ``ValueError`` unless ``0 < old_size <= new_size`` (see
    ``consistency_proof_from``); returns ``False`` for any hash that is not 32 bytes, a proof of the wrong
    length or one that does not reproduce both roots.
    """
    _require_count("old_size", old_size)
    _require_count("new_size", new_size)
    if old_size > new_size:
        raise ValueError(f"old_size ({old_size}) is larger than new_size ({new_size})")
    if old_size == 0:
        raise ValueError("old_size must be at least 1: there is no consistency proof from the empty tree")
    if not (_is_hash(old_root) and _is_hash(new_root) and all(_is_hash(p) for p in proof)):
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # the old tree is a perfect subtree: its root starts the path
        path.insert(0, bytes(old_root))
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False  # proof too long
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0


# --- Argument checks -----------------------------------------------------------------------------------------


def _require_count(name: str, value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")


def _is_hash(value: bytes) -> bool:
    if not isinstance(value, bytes | bytearray | memoryview):
        raise TypeError(f"hashes must be bytes, got {type(value).__name__}")
    return len(value) == HASH_SIZE
