"""C2SP signed notes and tlog checkpoints, with Ed25519 keys.

Formats (https://github.com/C2SP/C2SP, ``signed-note.md``, ``tlog-checkpoint.md``):

- a note is a UTF-8 body of lines ending in ``\\n``, a blank line, then signature lines
  ``— <key name> <base64(key hash ‖ signature)>``; the signature covers the body bytes;
- the key hash (key id) is the first 4 bytes of SHA-256(key name ‖ ``\\n`` ‖ 0x01 ‖ public key);
- a verifier key is ``<name>+<hex key hash>+<base64(0x01 ‖ public key)>``; a signer key is
  ``PRIVATE+KEY+<name>+<hex key hash>+<base64(0x01 ‖ seed)>`` (the Go ``golang.org/x/mod/sumdb/note`` format);
- a checkpoint body is the origin line, the tree size in decimal, the root hash in base64, then optional
  extension lines.

Parsers are strict and raise :class:`NoteError` with a code and a readable message; nothing here touches the
database.
"""

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.utils.translation import gettext as _

ALG_ED25519 = 0x01
SIGNATURE_PREFIX = "— "  # an em dash and a space
MAX_SIGNATURES = 100
HASH_SIZE = 32
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")  # every control character but the newline


class NoteError(ValueError):
    """A note, key or checkpoint that cannot be parsed or verified. ``code`` is stable; ``message`` is for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def _b64decode(text: str) -> bytes:
    """Strict standard base64 (padding required, no whitespace)."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise ValueError("bad base64") from exc
    if base64.b64encode(raw).decode("ascii") != text:
        raise ValueError("non-canonical base64")
    return raw


def _check_name(name: str) -> None:
    if not name or any(c.isspace() for c in name) or "+" in name or _CONTROL.search(name):
        raise NoteError("invalid_key_name", _("A key name must be non-empty, without spaces or '+'."))


def key_hash(name: str, public_key: bytes) -> bytes:
    """The 4-byte key id of an Ed25519 key: SHA-256(name ‖ "\\n" ‖ 0x01 ‖ public key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([ALG_ED25519]) + public_key).digest()[:4]


@dataclass(frozen=True)
class Verifier:
    """A public key that checks signatures made under ``name``."""

    name: str
    public_key: bytes
    key_hash: bytes = field(init=False)

    def __post_init__(self):
        _check_name(self.name)
        if len(self.public_key) != 32:
            raise NoteError("invalid_key", _("An Ed25519 public key is 32 bytes."))
        object.__setattr__(self, "key_hash", key_hash(self.name, self.public_key))

    @property
    def key_id(self) -> str:
        return self.key_hash.hex()

    @property
    def vkey(self) -> str:
        encoded = base64.b64encode(bytes([ALG_ED25519]) + self.public_key).decode("ascii")
        return f"{self.name}+{self.key_id}+{encoded}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Signer:
    """A private key that signs notes under ``name``."""

    name: str
    private_key: Ed25519PrivateKey = field(repr=False)
    verifier: Verifier = field(init=False)

    def __post_init__(self):
        public = self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        object.__setattr__(self, "verifier", Verifier(self.name, public))

    @property
    def key_hash(self) -> bytes:
        return self.verifier.key_hash

    @property
    def skey(self) -> str:
        from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

        seed = self.private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        encoded = base64.b64encode(bytes([ALG_ED25519]) + seed).decode("ascii")
        return f"PRIVATE+KEY+{self.name}+{self.key_hash.hex()}+{encoded}"

    def sign(self, message: bytes) -> bytes:
        return self.private_key.sign(message)


def generate_signer(name: str) -> Signer:
    return Signer(name, Ed25519PrivateKey.generate())


def _split_key(text: str, parts: int) -> list[str]:
    pieces = text.strip().split("+", parts - 1)  # base64 may itself contain "+"
    if len(pieces) != parts:
        raise NoteError("invalid_key", _("The key is not in the expected name+keyhash+base64 form."))
    return pieces


def _key_material(name: str, hex_hash: str, encoded: str, size: int) -> tuple[bytes, bytes]:
    _check_name(name)
    try:
        raw = _b64decode(encoded)
        expected_hash = bytes.fromhex(hex_hash)
    except ValueError as exc:
        raise NoteError("invalid_key", _("The key's hash or base64 part is malformed.")) from exc
    if len(hex_hash) != 8 or len(raw) != size + 1 or raw[0] != ALG_ED25519:
        raise NoteError("invalid_key", _("Only Ed25519 keys (algorithm 1) are supported."))
    return raw[1:], expected_hash


def parse_vkey(text: str) -> Verifier:
    """``name+keyhash+base64(0x01 ‖ pubkey)`` → :class:`Verifier`, checking the key hash."""
    name, hex_hash, encoded = _split_key(text, 3)
    public, expected = _key_material(name, hex_hash, encoded, 32)
    verifier = Verifier(name, public)
    if verifier.key_hash != expected:
        raise NoteError("invalid_key", _("The key hash does not match the key."))
    return verifier


def parse_skey(text: str) -> Signer:
    """``PRIVATE+KEY+name+keyhash+base64(0x01 ‖ seed)`` → :class:`Signer`, checking the key hash."""
    pieces = _split_key(text, 5)
    if pieces[:2] != ["PRIVATE", "KEY"]:
        raise NoteError("invalid_key", _("A signing key starts with PRIVATE+KEY+."))
    name, hex_hash, encoded = pieces[2:]
    seed, expected = _key_material(name, hex_hash, encoded, 32)
    signer = Signer(name, Ed25519PrivateKey.from_private_bytes(seed))
    if signer.key_hash != expected:
        raise NoteError("invalid_key", _("The key hash does not match the key."))
    return signer


# -- notes -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    name: str
    key_hash: bytes
    signature: bytes

    @property
    def key_id(self) -> str:
        return self.key_hash.hex()


@dataclass(frozen=True)
class Note:
    text: str
    body: str
    signatures: tuple[Signature, ...]


def sign_note(body: str, signers: Iterable[Signer]) -> str:
    """The note text: ``body`` (which must end in a newline), a blank line, one signature line per signer."""
    _check_body(body)
    lines = []
    for signer in signers:
        blob = base64.b64encode(signer.key_hash + signer.sign(body.encode())).decode("ascii")
        lines.append(f"{SIGNATURE_PREFIX}{signer.name} {blob}\n")
    if not lines:
        raise NoteError("unsigned_note", _("A note needs at least one signature."))
    return body + "\n" + "".join(lines)


def _check_body(body: str) -> None:
    if not body or not body.endswith("\n"):
        raise NoteError("malformed_note", _("The note text must end with a newline."))
    if _CONTROL.search(body):
        raise NoteError("malformed_note", _("The note contains control characters."))


def parse_note(text: str | bytes) -> Note:
    """Split a note into body and signature lines, checking the format; no signature is verified here."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NoteError("malformed_note", _("The note is not valid UTF-8.")) from exc
    if _CONTROL.search(text):
        raise NoteError("malformed_note", _("The note contains control characters."))
    split = text.rfind("\n\n")
    if split < 0:
        raise NoteError("malformed_note", _("The note has no signature block after a blank line."))
    body, block = text[: split + 1], text[split + 2 :]
    _check_body(body)
    if not block.endswith("\n"):
        raise NoteError("malformed_note", _("The note's last signature line must end with a newline."))
    signatures = []
    for line in block[:-1].split("\n"):
        if not line.startswith(SIGNATURE_PREFIX):
            raise NoteError("malformed_note", _("A signature line must start with an em dash and a space."))
        pieces = line[len(SIGNATURE_PREFIX) :].split(" ")
        if len(pieces) != 2:
            raise NoteError("malformed_note", _("A signature line is '— <key name> <base64 signature>'."))
        name, blob = pieces
        _check_name(name)
        try:
            raw = _b64decode(blob)
        except ValueError as exc:
            raise NoteError("malformed_note", _("A signature is not valid base64.")) from exc
        if len(raw) < 5:
            raise NoteError("malformed_note", _("A signature is too short."))
        signatures.append(Signature(name, raw[:4], raw[4:]))
    if len(signatures) > MAX_SIGNATURES:
        raise NoteError("malformed_note", _("The note has too many signatures."))
    return Note(text=text, body=body, signatures=tuple(signatures))


def _as_verifier(key: Verifier | str) -> Verifier:
    return key if isinstance(key, Verifier) else parse_vkey(key)


def verify_note(text: str | bytes, vkeys: Iterable[Verifier | str]) -> tuple[Note, list[Verifier]]:
    """Parse ``text`` and return it with the known keys whose signatures verified.

    Signatures by keys not in ``vkeys`` are ignored, as the spec says; a note with no signature by a known key is
    refused (``unknown_key``), and so is a bad signature by a known key (``invalid_signature``).
    """
    parsed = parse_note(text)
    known = {(v.name, v.key_hash): v for v in map(_as_verifier, vkeys)}
    verified: list[Verifier] = []
    seen = set()
    message = parsed.body.encode()
    for sig in parsed.signatures:
        verifier = known.get((sig.name, sig.key_hash))
        if verifier is None:
            continue
        if (sig.name, sig.key_hash) in seen:
            raise NoteError("malformed_note", _("The note is signed twice by the same key."))
        seen.add((sig.name, sig.key_hash))
        if not verifier.verify(message, sig.signature):
            raise NoteError(
                "invalid_signature",
                _("The signature by key {name} ({key_id}) does not verify.").format(name=sig.name, key_id=sig.key_id),
            )
        verified.append(verifier)
    if not verified:
        names = ", ".join(f"{s.name} ({s.key_id})" for s in parsed.signatures)
        raise NoteError("unknown_key", _("The note is not signed by any known key: {keys}.").format(keys=names))
    return parsed, verified


# -- checkpoints -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckpointBody:
    origin: str
    tree_size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        root = base64.b64encode(self.root_hash).decode("ascii")
        return "".join(f"{line}\n" for line in (self.origin, str(self.tree_size), root, *self.extensions))


def sign_checkpoint(origin: str, tree_size: int, root_hash: bytes, signer: Signer, extensions=()) -> str:
    """A signed tlog checkpoint note for the tree of ``tree_size`` leaves with head ``root_hash``."""
    if not origin or _CONTROL.search(origin) or "\n" in origin:
        raise NoteError("malformed_checkpoint", _("The origin must be one non-empty line."))
    if tree_size < 0 or len(root_hash) != HASH_SIZE:
        raise NoteError("malformed_checkpoint", _("A checkpoint needs a tree size ≥ 0 and a 32-byte root hash."))
    if any(not line or "\n" in line for line in extensions):
        raise NoteError("malformed_checkpoint", _("Extension lines must be non-empty single lines."))
    return sign_note(CheckpointBody(origin, tree_size, bytes(root_hash), tuple(extensions)).text(), [signer])


def parse_checkpoint(text: str | bytes) -> CheckpointBody:
    """Parse a checkpoint: a whole signed note or just its body. Signatures are not checked here."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NoteError("malformed_checkpoint", _("The checkpoint is not valid UTF-8.")) from exc
    body = parse_note(text).body if "\n\n" in text else text
    _check_body(body)
    lines = body[:-1].split("\n")
    if len(lines) < 3:
        raise NoteError("malformed_checkpoint", _("A checkpoint has an origin, a tree size and a root hash line."))
    origin, size_line, root_line, *extensions = lines
    if not origin:
        raise NoteError("malformed_checkpoint", _("The checkpoint's origin line is empty."))
    if not re.fullmatch(r"0|[1-9][0-9]{0,18}", size_line):
        raise NoteError("malformed_checkpoint", _("The checkpoint's tree size is not a decimal number."))
    try:
        root = _b64decode(root_line)
    except ValueError as exc:
        raise NoteError("malformed_checkpoint", _("The checkpoint's root hash is not valid base64.")) from exc
    if len(root) != HASH_SIZE:
        raise NoteError("malformed_checkpoint", _("The checkpoint's root hash is not 32 bytes."))
    if any(not line for line in extensions):
        raise NoteError("malformed_checkpoint", _("The checkpoint has an empty extension line."))
    return CheckpointBody(origin, int(size_line), root, tuple(extensions))


def verify_checkpoint(
    text: str | bytes, vkeys: Iterable[Verifier | str], *, origin: str | None = None
) -> tuple[CheckpointBody, list[Verifier]]:
    """Verify a signed checkpoint against known keys (and the expected origin, if given)."""
    parsed, verified = verify_note(text, vkeys)
    checkpoint = parse_checkpoint(parsed.body)
    if origin is not None and checkpoint.origin != origin:
        raise NoteError(
            "wrong_origin",
            _("The checkpoint is for log {found}, not {expected}.").format(found=checkpoint.origin, expected=origin),
        )
    return checkpoint, verified
