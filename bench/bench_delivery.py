"""The transparency log at scale: a 1,000,000-entry log, proofs, batched appends with checkpoints, a full audit.

Targets (SQLite): appends >= 3,000 entries/s in batches with a signed checkpoint per batch; an inclusion proof
p95 <= 5 ms and a consistency proof p95 <= 10 ms on a 1,000,000-entry log; an audit of 1,000,000 entries <= 60 s.
The log is built in bulk with the rows the log itself writes (entries with their leaf hashes, every complete
subtree node), a signed checkpoint every 100,000 entries; the audit then recomputes all of it from the data.
"""

import hashlib
import json
import random
import statistics
import time

ENTRIES = 1_000_000
CHUNK = 100_000
PROOFS = 1_000
APPEND_BATCHES = 30
APPEND_BATCH = 1_000
SEED = 2026


def _ms(seconds: list[float]) -> tuple[str, float]:
    ordered = sorted(seconds)
    q = statistics.quantiles(ordered, n=100)
    p95 = q[94] * 1000
    return (
        f"n={len(ordered):<5} p50 {q[49] * 1000:6.2f} ms   p95 {p95:6.2f} ms   p99 {q[98] * 1000:6.2f} ms   "
        f"max {ordered[-1] * 1000:6.2f} ms",
        p95,
    )


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _item(i: int) -> tuple[str, bytes, str]:
    """Entries as the service of process writes them: sealed document hashes and small tracking events."""
    if i % 4 == 0:
        return "delivery.document.sealed", hashlib.sha256(f"document {i}".encode()).digest(), f"SR-{i // 8:07d}"
    event = {"request": f"SR-{i // 8:07d}", "status": "in_transit", "step": i % 4, "at": "2026-11-26T09:00:00Z"}
    return "delivery.event.tracked", json.dumps(event, separators=(",", ":")).encode(), f"SR-{i // 8:07d}"


def build(n: int = ENTRIES) -> float:
    """Bulk-insert ``n`` entries and their tree nodes, signing a checkpoint after every CHUNK entries."""
    from django.db import connection, transaction
    from django.utils import timezone

    from lawbridge.delivery import log, merkle
    from lawbridge.delivery.models import LogEntry, LogHead, LogNode

    started = time.perf_counter()
    items = [_item(i) for i in range(n)]
    leaves = [log.entry_leaf_hash(kind, ref, data) for kind, data, ref in items]
    levels = [leaves]
    while len(levels[-1]) >= 2:
        below = levels[-1]
        levels.append([merkle.node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)])
    q = connection.ops.quote_name
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    entry_sql = (
        f"INSERT INTO {q(LogEntry._meta.db_table)} ({q('index')}, kind, ref, data, leaf_hash, created_at) "
        "VALUES (%s, %s, %s, %s, %s, %s)"
    )
    node_sql = f"INSERT INTO {q(LogNode._meta.db_table)} (level, {q('index')}, hash) VALUES (%s, %s, %s)"
    for a in range(0, n, CHUNK):
        b = min(n, a + CHUNK)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                entry_sql, [(i, items[i][0], items[i][2], items[i][1], leaves[i], now) for i in range(a, b)]
            )
            cursor.executemany(
                node_sql,
                [
                    (level, i, levels[level][i])
                    for level in range(1, len(levels))
                    for i in range(a >> level, b >> level)
                ],
            )
            frontier = [levels[(e - s).bit_length() - 1][s >> ((e - s).bit_length() - 1)] for s, e in
                        merkle.perfect_subtrees(0, b)]  # fmt: skip
            LogHead.objects.update_or_create(
                pk=1, defaults={"size": b, "root_hash": merkle.combine_right_edge(frontier)}
            )
        log.checkpoint()
    took = time.perf_counter() - started
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    assert log.root() == merkle.root_hash(leaves)
    return took


def proofs(size: int) -> tuple[float, float]:
    from lawbridge.delivery import log

    rng = random.Random(SEED)
    for _ in range(20):  # warm the page cache
        log.inclusion_proof(rng.randrange(size), size)
    inclusion = []
    for k in range(PROOFS):
        tree_size = size if k % 2 else rng.randint(1, size)  # half against the whole log, half against older trees
        index = rng.randrange(tree_size)
        started = time.perf_counter()
        proof = log.inclusion_proof(index, tree_size)
        inclusion.append(time.perf_counter() - started)
        assert proof.verify()
    line, inclusion_p95 = _ms(inclusion)
    print(f"   inclusion proof     {line}   (target p95 <= 5 ms: {_verdict(inclusion_p95 <= 5)})")
    consistency = []
    for _ in range(PROOFS):
        old, new = sorted(rng.sample(range(1, size + 1), 2))
        started = time.perf_counter()
        proof = log.consistency_proof(old, new)
        consistency.append(time.perf_counter() - started)
        assert proof.verify()
    line, consistency_p95 = _ms(consistency)
    print(f"   consistency proof   {line}   (target p95 <= 10 ms: {_verdict(consistency_p95 <= 10)})")

    from django.test import Client

    client = Client()
    over_http = []
    for _ in range(200):
        url = f"/api/v1/delivery/log/proof/inclusion?index={rng.randrange(size)}&tree_size={size}"
        started = time.perf_counter()
        response = client.get(url)
        over_http.append(time.perf_counter() - started)
        assert response.status_code == 200
    print(f"   GET proof/inclusion {_ms(over_http)[0]}   (the whole request, for information)")
    return inclusion_p95, consistency_p95


def appends(start: int) -> float:
    from lawbridge.delivery import log
    from lawbridge.delivery.models import Checkpoint

    before = Checkpoint.objects.count()
    started = time.perf_counter()
    for b in range(APPEND_BATCHES):
        first = start + b * APPEND_BATCH
        log.append_many([_item(i) for i in range(first, first + APPEND_BATCH)], checkpoint=True)
    took = time.perf_counter() - started
    total = APPEND_BATCHES * APPEND_BATCH
    assert Checkpoint.objects.count() == before + APPEND_BATCHES
    rate = total / took
    print(
        f"   append              {total:,} entries in batches of {APPEND_BATCH:,}, a signed checkpoint per batch: "
        f"{took:.2f} s = {rate:,.0f} entries/s   (target >= 3,000/s: {_verdict(rate >= 3000)})"
    )
    return rate


def audit() -> float:
    from lawbridge.delivery import log

    started = time.perf_counter()
    report = log.audit()
    took = time.perf_counter() - started
    assert report.ok, report.problems[:3]
    per_million = took * 1_000_000 / report.entries
    print(
        f"   audit               {report.entries:,} entries, {report.nodes:,} nodes, {report.checkpoints} checkpoints "
        f"in {took:.1f} s ({per_million:.1f} s per million; target <= 60 s: {_verdict(per_million <= 60)})"
    )
    return took


def run() -> None:
    from lawbridge.delivery import log

    took = build()
    print(f"   built a {log.size():,}-entry log (entries + nodes in bulk, 10 checkpoints) in {took:.1f} s")
    proofs(log.size())
    appends(log.size())
    audit()
