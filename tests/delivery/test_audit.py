"""``lawbridge delivery audit``: an intact log passes; a row edited by hand is found and named."""

import base64

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from lawbridge.delivery import log, note
from lawbridge.delivery.models import Checkpoint, LogEntry, LogNode

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled():
    for b in range(4):
        log.append_many([("delivery.test", f"entry {b}-{i}".encode(), f"R{i}") for i in range(25)], checkpoint=True)


def raw(sql: str, *params) -> None:
    """Tamper behind the ORM's back, as someone editing the database by hand would."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def run_audit(capsys) -> tuple[bool, str]:
    try:
        call_command("delivery", "audit", "--no-progress")
    except CommandError:
        ok = False
    else:
        ok = True
    captured = capsys.readouterr()
    return ok, captured.out + captured.err


def test_intact_log_passes(filled, capsys):
    ok, output = run_audit(capsys)
    assert ok
    assert "100 entries" in output and "4 checkpoints" in output and "intact" in output


def test_edited_entry_data_is_reported_with_its_index(filled, capsys):
    raw(f'UPDATE {LogEntry._meta.db_table} SET data = %s WHERE "index" = 42', b"forged")
    ok, output = run_audit(capsys)
    assert not ok
    assert "FIRST DIVERGENCE (entry, at entry 42)" in output
    assert log.audit().first.position == 42


def test_edited_kind_is_reported(filled):
    raw(f'UPDATE {LogEntry._meta.db_table} SET kind = %s WHERE "index" = 7', "delivery.other")
    assert log.audit().first.position == 7


def test_entry_rewritten_with_a_matching_leaf_hash_is_caught_by_the_tree(filled):
    leaf = log.entry_leaf_hash("delivery.test", "R1", b"forged")
    raw(f'UPDATE {LogEntry._meta.db_table} SET data = %s, leaf_hash = %s WHERE "index" = 51', b"forged", leaf)
    report = log.audit()
    assert not report.ok
    assert report.first.what == "node" and report.first.position == 50  # the node over entries 50–51
    assert any(p.what == "checkpoint" for p in report.problems)


def test_deleted_entry_is_reported(filled):
    raw(f'DELETE FROM {LogEntry._meta.db_table} WHERE "index" = 60')
    report = log.audit()
    assert report.first.position == 60 and "missing" in report.first.message


def test_edited_node_is_reported(filled):
    raw(f'UPDATE {LogNode._meta.db_table} SET hash = %s WHERE level = 3 AND "index" = 5', b"\0" * 32)
    report = log.audit()
    assert report.first.what == "node" and report.first.position == 40


def test_edited_checkpoint_note_is_reported(filled, capsys):
    cp = Checkpoint.objects.get(tree_size=50)
    forged = cp.note.replace("\n50\n", "\n49\n")
    raw(f"UPDATE {Checkpoint._meta.db_table} SET note = %s WHERE tree_size = 50", forged)
    ok, output = run_audit(capsys)
    assert not ok
    assert "Checkpoint at tree size 50" in output and "does not verify" in output


def test_edited_checkpoint_root_is_reported(filled):
    raw(f"UPDATE {Checkpoint._meta.db_table} SET root_hash = %s WHERE tree_size = 75", b"\1" * 32)
    report = log.audit()
    assert report.first.what == "checkpoint" and report.first.position == 75


def test_inconsistent_but_validly_signed_checkpoint_is_reported(filled):
    """A checkpoint re-signed with the log's own key over a different root: signature fine, history forked."""
    key = log.active_key()
    signer = note.parse_skey((log.key_dir() / f"log-{key.key_id}.key").read_text())
    fork = note.sign_checkpoint(log.origin(), 75, b"\2" * 32, signer)
    raw(f"UPDATE {Checkpoint._meta.db_table} SET note = %s, root_hash = %s WHERE tree_size = 75", fork, b"\2" * 32)
    report = log.audit()
    messages = [p.message for p in report.problems]
    assert any("root hash does not match" in m for m in messages)
    assert any("not consistent with the checkpoint at tree size 50" in m for m in messages)


def test_checkpoint_by_an_unknown_key_is_reported(filled):
    stranger = note.generate_signer(log.origin())
    body = base64.b64encode(log.root(25)).decode()
    fake = note.sign_note(f"{log.origin()}\n25\n{body}\n", [stranger])
    raw(f"UPDATE {Checkpoint._meta.db_table} SET note = %s WHERE tree_size = 25", fake)
    report = log.audit()
    assert report.first.what == "checkpoint" and "not signed by any known key" in report.first.message


def test_head_out_of_step_is_reported(filled):
    raw("UPDATE delivery_loghead SET size = 99")
    assert log.audit().first.what == "head"


def test_checkpoint_and_rotate_key_commands(capsys):
    log.append("k", b"d")
    call_command("delivery", "checkpoint")
    assert capsys.readouterr().out.startswith(f"{log.origin()}\n1\n")
    call_command("delivery", "rotate-key")
    assert "New signing key" in capsys.readouterr().out
    call_command("delivery", "status")
    out = capsys.readouterr().out
    assert "key retired" in out and "key active" in out
