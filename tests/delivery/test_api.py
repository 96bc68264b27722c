"""The public log API: checkpoint and verifier key as text, proofs and entries as JSON, clear 4xx errors."""

import base64

import pytest

from lawbridge.delivery import log, merkle, note

pytestmark = pytest.mark.django_db
BASE = "/api/v1/delivery/log"


def b64(value: str) -> bytes:
    return base64.b64decode(value)


@pytest.fixture
def filled():
    log.append_many([("delivery.test", f"entry {i}".encode(), f"R{i}") for i in range(20)], checkpoint=True)
    return log.size()


def test_checkpoint_and_verifier_key_are_plain_text(client, filled):
    response = client.get(f"{BASE}/checkpoint")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    vkey = client.get(f"{BASE}/verifier-key").content.decode().strip()
    body, _verified = note.verify_checkpoint(text, [vkey], origin=log.origin())
    assert body.tree_size == 20


def test_all_verifier_keys_after_rotation(client, filled):
    log.rotate_key()
    response = client.get(f"{BASE}/verifier-key?all=true")
    keys = response.content.decode().splitlines()
    assert len(keys) == 2
    assert client.get(f"{BASE}/verifier-key").content.decode().strip() == keys[-1]
    # the checkpoint signed before the rotation still verifies with the published keys
    note.verify_checkpoint(client.get(f"{BASE}/checkpoint").content.decode(), keys)


def test_no_checkpoint_yet_is_a_404(client):
    response = client.get(f"{BASE}/checkpoint")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "no_checkpoint"
    assert client.get(f"{BASE}/verifier-key").json()["error"]["code"] == "no_key"


def test_inclusion_proof_verifies_against_the_checkpoint(client, filled):
    checkpoint = note.parse_checkpoint(client.get(f"{BASE}/checkpoint").content.decode())
    data = client.get(f"{BASE}/proof/inclusion", {"index": 13, "tree_size": checkpoint.tree_size}).json()
    assert b64(data["root_hash"]) == checkpoint.root_hash
    entry = client.get(f"{BASE}/entries", {"start": 13, "end": 14}).json()["entries"][0]
    leaf = log.entry_leaf_hash(entry["kind"], entry["ref"], b64(entry["data"]))
    assert leaf == b64(data["leaf_hash"]) == b64(entry["leaf_hash"])
    assert merkle.verify_inclusion(leaf, 13, 20, [b64(h) for h in data["proof"]], checkpoint.root_hash)


def test_consistency_proof(client, filled):
    old_root = log.root(7)
    log.append_many([("delivery.test", b"more")] * 5)
    data = client.get(f"{BASE}/proof/consistency", {"old_size": 7, "new_size": 25}).json()
    assert b64(data["old_root"]) == old_root
    assert merkle.verify_consistency(7, 25, old_root, b64(data["new_root"]), [b64(h) for h in data["proof"]])
    default = client.get(f"{BASE}/proof/consistency", {"old_size": 7}).json()
    assert default["new_size"] == 25


def test_entries_page(client, filled):
    data = client.get(f"{BASE}/entries", {"start": 15, "end": 30}).json()
    assert (data["start"], data["end"], data["tree_size"]) == (15, 20, 20)
    assert [e["index"] for e in data["entries"]] == [15, 16, 17, 18, 19]
    assert b64(data["entries"][0]["data"]) == b"entry 15"
    assert client.get(f"{BASE}/entries", {"start": 20, "end": 30}).json()["entries"] == []


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("proof/inclusion", {"index": -1, "tree_size": 5}, 400, "invalid_index"),
        ("proof/inclusion", {"index": 5, "tree_size": 5}, 400, "invalid_index"),
        ("proof/inclusion", {"index": 0, "tree_size": 0}, 400, "invalid_tree_size"),
        ("proof/inclusion", {"index": 0, "tree_size": 21}, 400, "tree_size_too_large"),
        ("proof/inclusion", {"index": 0, "tree_size": 10**30}, 422, "invalid_input"),
        ("proof/inclusion", {"index": "one"}, 422, "invalid_input"),
        ("proof/inclusion", {}, 422, "invalid_input"),
        ("proof/consistency", {"old_size": 0, "new_size": 5}, 400, "invalid_range"),
        ("proof/consistency", {"old_size": 6, "new_size": 5}, 400, "invalid_range"),
        ("proof/consistency", {"old_size": 3, "new_size": 9999}, 400, "tree_size_too_large"),
        ("entries", {"start": -1, "end": 3}, 400, "invalid_range"),
        ("entries", {"start": 5, "end": 3}, 400, "invalid_range"),
        ("entries", {"start": 0, "end": 1001}, 400, "range_too_large"),
        ("entries", {"start": 21, "end": 22}, 400, "invalid_range"),
    ],
)
def test_bad_input_is_a_clear_4xx(client, filled, path, params, status, code):
    response = client.get(f"{BASE}/{path}", params)
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]


def test_public_without_credentials(client, filled):
    assert client.get(f"{BASE}/proof/inclusion", {"index": 0}).status_code == 200
