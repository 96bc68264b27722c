"""The log: appends, stored nodes, proofs against the pure Merkle functions, checkpoints, keys, append-only rows."""

import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection, connections

from lawbridge.delivery import log, merkle, note
from lawbridge.delivery.models import AppendOnlyError, Checkpoint, LogEntry, LogNode, SigningKey

pytestmark = pytest.mark.django_db


def fill(n: int, *, batch: int = 37, checkpoint: bool = False) -> list[bytes]:
    for start in range(0, n, batch):
        items = [("delivery.test", f"entry {i}".encode(), f"ref-{i}") for i in range(start, min(n, start + batch))]
        log.append_many(items, checkpoint=checkpoint)
    return [bytes(h) for h in LogEntry.objects.order_by("index").values_list("leaf_hash", flat=True)]


def test_append_returns_entries_with_contiguous_indexes():
    first = log.append("delivery.document.sealed", b"\x01" * 32, ref="SR-1")
    more = log.append_many([("delivery.event.tracked", b'{"status": "sent"}'), log.Item("x.y", b"z", "SR-2")])
    assert [first.index, *[e.index for e in more]] == [0, 1, 2]
    assert first.leaf_hash == merkle.leaf_hash(b"delivery.document.sealed\nSR-1\n" + b"\x01" * 32)
    assert log.size() == 3


def test_every_complete_subtree_is_stored():
    leaves = fill(100, batch=7)
    nodes = {(n.level, n.index): bytes(n.hash) for n in LogNode.objects.all()}
    assert len(nodes) == sum(100 >> k for k in range(1, 7))  # 50 + 25 + 12 + 6 + 3 + 1
    for (level, index), h in nodes.items():
        assert h == merkle.root_hash(leaves[index << level : (index + 1) << level])
    assert log.root() == merkle.root_hash(leaves)


@pytest.mark.parametrize("size", [1, 2, 3, 7, 8, 9, 33, 100])
def test_proofs_match_the_reference_functions(size):
    leaves = fill(size, batch=5)
    tree_sizes = range(1, size + 1) if size < 50 else [1, 2, 63, 64, 65, 99, 100]
    for tree_size in tree_sizes:
        for index in range(tree_size):
            proof = log.inclusion_proof(index, tree_size)
            assert proof.hashes == merkle.inclusion_proof(index, leaves[:tree_size])
            assert proof.leaf_hash == leaves[index]
            assert proof.root_hash == merkle.root_hash(leaves[:tree_size])
            assert proof.verify()
        for old in range(1, tree_size + 1):
            proof = log.consistency_proof(old, tree_size)
            assert proof.hashes == merkle.consistency_proof(old, leaves[:tree_size])
            assert proof.verify()


def test_a_proof_reads_few_rows(django_assert_max_num_queries):
    fill(1000, batch=250)
    with django_assert_max_num_queries(3):
        log.inclusion_proof(617, 999)
    with django_assert_max_num_queries(3):
        log.consistency_proof(123, 777)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ((-1, 5), "invalid_index"),
        ((5, 5), "invalid_index"),
        ((0, 0), "invalid_tree_size"),
        ((0, 11), "tree_size_too_large"),
    ],
)
def test_bad_inclusion_arguments(args, code):
    fill(10)
    with pytest.raises(log.LogError) as exc:
        log.inclusion_proof(*args)
    assert exc.value.code == code and exc.value.status == 400


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ((0, 5), "invalid_range"),
        ((-3, 5), "invalid_range"),
        ((6, 5), "invalid_range"),
        ((3, 11), "tree_size_too_large"),
    ],
)
def test_bad_consistency_arguments(args, code):
    fill(10)
    with pytest.raises(log.LogError) as exc:
        log.consistency_proof(*args)
    assert exc.value.code == code


def test_forged_and_truncated_proofs_are_refused():
    fill(50)
    proof = log.inclusion_proof(17, 50)
    args = {"leaf_hash": proof.leaf_hash, "index": 17, "tree_size": 50, "root_hash": proof.root_hash}
    log.verify_inclusion(proof=proof.hashes, **args)
    for bad in (proof.hashes[:-1], [*proof.hashes[:2], b"\0" * 32, *proof.hashes[3:]], [*proof.hashes, b"\0" * 32]):
        with pytest.raises(log.LogError) as exc:
            log.verify_inclusion(proof=bad, **args)
        assert exc.value.code == "invalid_proof"
    with pytest.raises(log.LogError):
        log.verify_inclusion(proof=proof.hashes, **{**args, "index": -1})
    consistency = log.consistency_proof(20, 50)
    with pytest.raises(log.LogError):
        log.verify_consistency(
            old_size=20, new_size=50, old_root=consistency.old_root, new_root=consistency.new_root,
            proof=consistency.hashes[1:],
        )  # fmt: skip


def test_bad_items_are_refused_before_anything_is_written():
    with pytest.raises(log.LogError) as exc:
        log.append_many([("ok.kind", b"a"), ("Bad Kind", b"b")])
    assert exc.value.code == "invalid_kind"
    for kwargs, code in [({"ref": "a\nb"}, "invalid_ref"), ({"data": b"x" * (log.MAX_DATA_BYTES + 1)}, "invalid_data")]:
        with pytest.raises(log.LogError) as exc:
            log.append(kwargs.pop("kind", "k"), kwargs.pop("data", b"d"), **kwargs)
        assert exc.value.code == code
    assert log.size() == 0 and not LogEntry.objects.exists()


def test_rows_are_append_only():
    entry = log.append("k", b"d")
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        LogEntry.objects.filter(index=0).update(kind="x")
    with pytest.raises(AppendOnlyError):
        LogEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        log.checkpoint().delete()


def test_checkpoint_is_signed_and_verifies():
    leaves = fill(10)
    cp = log.checkpoint()
    assert cp.tree_size == 10 and bytes(cp.root_hash) == merkle.root_hash(leaves)
    body = log.verify_checkpoint(cp.note)
    assert (body.origin, body.tree_size, body.root_hash) == (log.origin(), 10, bytes(cp.root_hash))
    assert log.checkpoint() == cp  # nothing appended: the same checkpoint
    assert log.checkpoint_if_grown() is None
    log.append("k", b"d")
    assert log.checkpoint_if_grown().tree_size == 11


def test_private_key_is_a_0600_file_and_never_in_the_database(settings):
    log.checkpoint()
    key = SigningKey.objects.get()
    path = log.key_dir() / f"log-{key.key_id}.key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert note.parse_skey(path.read_text()).verifier.vkey == key.vkey
    assert len(bytes(key.public_key)) == 32


def test_signing_key_from_the_environment(monkeypatch):
    signer = note.generate_signer(log.origin())
    monkeypatch.setenv(log.KEY_ENV, signer.skey)
    cp = log.checkpoint()
    assert cp.signing_key.key_id == signer.key_hash.hex()
    assert not log.key_dir().exists()
    with pytest.raises(log.LogError) as exc:
        log.rotate_key()
    assert exc.value.code == "key_from_environment"


def test_missing_private_key_is_a_clear_error():
    log.checkpoint()
    for path in log.key_dir().iterdir():
        path.unlink()
    log.append("k", b"d")
    with pytest.raises(log.LogError) as exc:
        log.checkpoint()
    assert exc.value.code == "signing_key_missing"


def test_rotation_keeps_old_checkpoints_verifiable():
    fill(5)
    old = log.checkpoint()
    new_key = log.rotate_key()
    fill(3)
    new = log.checkpoint()
    assert old.signing_key != new.signing_key == new_key
    assert SigningKey.objects.get(pk=old.signing_key.pk).retired_at is not None
    assert log.verify_checkpoint(old.note).tree_size == 5
    assert log.verify_checkpoint(new.note).tree_size == 8
    assert note.parse_note(new.note).signatures[0].key_id == new_key.key_id
    assert log.audit().ok


def test_append_many_with_checkpoint_signs_each_batch():
    fill(30, batch=10, checkpoint=True)
    assert list(Checkpoint.objects.values_list("tree_size", flat=True)) == [10, 20, 30]


# -- concurrency ---------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_leave_no_gaps_or_duplicates():
    if connection.vendor == "sqlite":
        pytest.skip("threads cannot share the in-memory SQLite test database; the next test uses processes")
    run_writers()


WRITER = """
import os, sys, time
import django
django.setup()
from lawbridge.delivery import log
n = int(sys.argv[1])
while time.time() < float(sys.argv[2]):
    time.sleep(0.005)
for b in range(8):
    log.append_many([("t.w", f"{n}-{b}-{i}".encode()) for i in range(25)], checkpoint=b % 3 == 0)
"""


def test_concurrent_processes_on_a_sqlite_file(tmp_path):
    """Several processes appending to one SQLite file at once, as the web server and workers do."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL is covered by the threaded test above")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LAWBRIDGE_LOG_SIGNING_KEY")}
    env.update(LAWBRIDGE_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="lawbridge.settings", PYTHONPATH=os.getcwd())
    lawbridge = [sys.executable, "-m", "lawbridge"]
    subprocess.run([*lawbridge, "migrate", "--no-input", "-v0"], env=env, check=True, timeout=300)
    go = str(time.time() + 4)
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(n), go], env=env, stderr=subprocess.PIPE) for n in range(6)
    ]
    for w in writers:
        _out, err = w.communicate(timeout=120)
        assert w.returncode == 0, err.decode()
    db = sqlite3.connect(tmp_path / "lawbridge.sqlite3")
    indexes = [row[0] for row in db.execute('SELECT "index" FROM delivery_logentry ORDER BY "index"')]
    assert indexes == list(range(6 * 8 * 25))
    assert db.execute("SELECT COUNT(DISTINCT data) FROM delivery_logentry").fetchone()[0] == 6 * 8 * 25
    db.close()
    audit = subprocess.run(
        [*lawbridge, "delivery", "audit", "--no-progress"], env=env, capture_output=True, timeout=120
    )
    assert audit.returncode == 0, audit.stderr.decode()
    assert b"1,200 entries" in audit.stdout


def run_writers(threads: int = 6, batches: int = 8, batch: int = 25) -> None:
    errors = []
    barrier = threading.Barrier(threads)

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for b in range(batches):
                log.append_many([("t.w", f"{n}-{b}-{i}".encode()) for i in range(batch)], checkpoint=b % 3 == 0)
        except Exception as exc:  # reported below, in the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert not errors, errors
    total = threads * batches * batch
    assert list(LogEntry.objects.order_by("index").values_list("index", flat=True)) == list(range(total))
    assert LogEntry.objects.values("data").distinct().count() == total
    assert log.size() == total
    report = log.audit()
    assert report.ok, report.problems
    assert report.checkpoints >= 1
