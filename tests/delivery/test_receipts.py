"""Receipts: exported for one entry, verified fully offline; a changed byte, a forged proof or a foreign key fails
with a plain explanation."""

import base64
import json

import pytest
from django.core.management import CommandError, call_command

from lawbridge.delivery import log, note, receipts

pytestmark = pytest.mark.django_db


@pytest.fixture
def receipt():
    log.append_many([("document.sealed", f"sha256 of document {i}".encode(), f"HZ-S-{i}") for i in range(13)])
    return receipts.export(7)


def test_a_receipt_verifies_offline_and_says_why(receipt):
    verdict = receipts.verify(json.dumps(receipt))
    assert verdict.ok, verdict.checks
    assert [c.name for c in verdict.checks] == ["format", "checkpoint", "entry", "inclusion"]
    assert receipt["tree_size"] == 13 and receipt["entry"]["ref"] == "HZ-S-7"
    # Against the published key, obtained separately.
    assert receipts.verify(receipt, trusted_keys=[log.active_key().vkey]).ok


def test_one_changed_byte_fails_with_a_plain_explanation(receipt):
    data = bytearray(base64.b64decode(receipt["entry"]["data"]))
    data[0] ^= 1
    receipt["entry"]["data"] = base64.b64encode(bytes(data)).decode()
    verdict = receipts.verify(receipt)
    assert not verdict.ok
    failed = {c.name: c.detail for c in verdict.checks if not c.ok}
    assert "altered" in failed["entry"] and "altered" in failed["inclusion"]


def test_forged_or_truncated_proofs_and_foreign_keys_fail(receipt):
    truncated = dict(receipt, inclusion_proof=receipt["inclusion_proof"][:-1])
    assert not receipts.verify(truncated).ok
    forged = dict(receipt, inclusion_proof=[base64.b64encode(b"\x00" * 32).decode()] + receipt["inclusion_proof"][1:])
    assert not receipts.verify(forged).ok
    stranger = note.generate_signer(log.origin())
    verdict = receipts.verify(receipt, trusted_keys=[stranger.verifier.vkey])
    assert not verdict.ok and "not validly signed" in verdict.checks[-1].detail
    assert not receipts.verify({"format": "something else"}).ok
    assert not receipts.verify("not json").ok
    assert not receipts.verify(dict(receipt, entry={"index": "x"})).ok


def test_the_commands_export_and_verify(receipt, tmp_path, capsys):
    path = tmp_path / "receipt.json"
    call_command("delivery", "receipt", "3", "--out", str(path))
    call_command("delivery", "verify", str(path), "--key", log.active_key().vkey)
    assert "The receipt verifies." in capsys.readouterr().out
    tampered = json.loads(path.read_text())
    tampered["entry"]["ref"] = "HZ-S-99"
    path.write_text(json.dumps(tampered))
    with pytest.raises(CommandError, match="does not verify"):
        call_command("delivery", "verify", str(path))
    with pytest.raises(CommandError):
        call_command("delivery", "receipt", "999")


def test_the_api_hands_out_receipts(receipt, client):
    response = client.get("/api/v1/delivery/log/receipt?index=5")
    assert response.status_code == 200 and receipts.verify(response.json()).ok
    assert client.get("/api/v1/delivery/log/receipt?index=-1").json()["error"]["code"] == "invalid_index"
    assert client.get("/api/v1/delivery/log/receipt?index=13").status_code == 400
