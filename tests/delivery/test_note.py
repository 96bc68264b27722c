"""C2SP signed notes and checkpoints: the Go note package's own test vector, round trips, and refusals."""

import base64

import pytest

from lawbridge.delivery import note

# From golang.org/x/mod/sumdb/note's documentation: proves the byte format matches the reference implementation.
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_BODY = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
GO_NOTE = (
    GO_BODY + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6"
    "RyyBwJnAM=\n"
)
ROOT = bytes(range(32))


def test_go_reference_vector_verifies_and_signs_identically():
    parsed, verified = note.verify_note(GO_NOTE, [GO_VKEY])
    assert parsed.body == GO_BODY
    assert [v.vkey for v in verified] == [GO_VKEY]
    signer = note.parse_skey(GO_SKEY)
    assert signer.verifier.vkey == GO_VKEY
    assert note.sign_note(GO_BODY, [signer]) == GO_NOTE  # Ed25519 is deterministic


def test_key_hash_and_vkey_format():
    signer = note.generate_signer("example.org/log")
    verifier = signer.verifier
    name, key_id, encoded = verifier.vkey.split("+", 2)
    assert name == "example.org/log"
    assert key_id == note.key_hash("example.org/log", verifier.public_key).hex()
    assert base64.b64decode(encoded) == b"\x01" + verifier.public_key
    assert note.parse_vkey(verifier.vkey) == verifier
    assert note.parse_skey(signer.skey).verifier == verifier


def test_checkpoint_round_trip():
    signer = note.generate_signer("lawbridge.test/delivery-log")
    text = note.sign_checkpoint("lawbridge.test/delivery-log", 42, ROOT, signer)
    lines = text.split("\n")
    assert lines[:4] == ["lawbridge.test/delivery-log", "42", base64.b64encode(ROOT).decode(), ""]
    assert lines[4].startswith("— lawbridge.test/delivery-log ")
    body, verified = note.verify_checkpoint(text, [signer.verifier.vkey], origin="lawbridge.test/delivery-log")
    assert (body.origin, body.tree_size, body.root_hash) == ("lawbridge.test/delivery-log", 42, ROOT)
    assert verified == [signer.verifier]
    assert note.parse_checkpoint(text) == body


def test_unknown_key_is_refused():
    signer, stranger = note.generate_signer("log"), note.generate_signer("log")
    text = note.sign_checkpoint("log", 1, ROOT, signer)
    with pytest.raises(note.NoteError) as exc:
        note.verify_note(text, [stranger.verifier])
    assert exc.value.code == "unknown_key"
    assert signer.verifier.key_id in exc.value.message


def test_unknown_signatures_are_ignored_when_a_known_one_verifies():
    signer, other = note.generate_signer("log"), note.generate_signer("witness")
    text = note.sign_note(note.CheckpointBody("log", 3, ROOT).text(), [signer, other])
    _parsed, verified = note.verify_note(text, [signer.verifier])
    assert verified == [signer.verifier]


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.replace("\n42\n", "\n43\n"),  # the body changed after signing
        lambda t: t[: t.rindex(" ") + 1] + base64.b64encode(b"\0" * 68).decode() + "\n",  # a forged signature
    ],
)
def test_tampered_note_fails_with_a_known_key(edit):
    signer = note.generate_signer("log")
    text = edit(note.sign_checkpoint("log", 42, ROOT, signer))
    with pytest.raises(note.NoteError) as exc:
        note.verify_note(text, [signer.verifier])
    assert exc.value.code in {"invalid_signature", "unknown_key"}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "log\n1\nAAAA\n",  # no signature block
        "log\n1\n\n- log AAAA\n",  # not an em dash
        "log\n1\n\n— log AAAA",  # no final newline
        "log\n1\n\n— log !!!!\n",  # not base64
        "log\n1\n\n— log AAAA\n",  # too short
        "log\n1\n\n— lo g AAAAAAAA\n",  # a space in the name
        "log\x07\n1\n\n— log AAAAAAAA\n",  # a control character
    ],
)
def test_malformed_notes_are_refused(text):
    with pytest.raises(note.NoteError) as exc:
        note.verify_note(text, [note.generate_signer("log").verifier])
    assert exc.value.code == "malformed_note" or exc.value.code == "invalid_key_name"


@pytest.mark.parametrize(
    "body",
    [
        "log\n42\n",  # no root
        "\n42\n" + base64.b64encode(ROOT).decode() + "\n",  # empty origin
        "log\n042\n" + base64.b64encode(ROOT).decode() + "\n",  # leading zero
        "log\n-1\n" + base64.b64encode(ROOT).decode() + "\n",
        "log\n42\n" + base64.b64encode(ROOT[:31]).decode() + "\n",  # a short root
        "log\n42\nnot base64\n",
        "log\n42\n" + base64.b64encode(ROOT).decode() + "\n\n",  # an empty extension line
    ],
)
def test_malformed_checkpoints_are_refused(body):
    with pytest.raises(note.NoteError) as exc:
        note.parse_checkpoint(body)
    assert exc.value.code in {"malformed_checkpoint", "malformed_note"}


def test_wrong_origin_is_refused():
    signer = note.generate_signer("log")
    text = note.sign_checkpoint("other.example/log", 1, ROOT, signer)
    with pytest.raises(note.NoteError) as exc:
        note.verify_checkpoint(text, [signer.verifier], origin="log")
    assert exc.value.code == "wrong_origin"


@pytest.mark.parametrize(
    "vkey",
    [
        "name+c74f20a3",  # too few parts
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # the hash does not match
        "PeterNeumann+c74f20a3+Apc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # not an Ed25519 key
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_bad_verifier_keys_are_refused(vkey):
    with pytest.raises(note.NoteError):
        note.parse_vkey(vkey)
