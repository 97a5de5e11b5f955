"""Audit checkpoints: the chain's number and hash at a moment, signed and appended to a file outside the database.

Each line is one JSON object {seq, hash, at, key, [restored], sig}: `key` is the fingerprint of the secret key that
keys the chain, `restored` marks the head a restore left, and `sig` is an Ed25519 signature (the receipts' signing
key) over the other fields. The signing key, not the server secret, signs: someone holding the database and the
server secret, who could rebuild the chain, still cannot write a checkpoint; and anyone with the published public key
can check one.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from db.config import checkpoint_folder
from donation.access import signing_keys

FILE_NAME = "audit-checkpoints.jsonl"
HASH_SHOWN = 16  # hex digits of the hash printed on reports: enough to compare by eye


class TamperedCheckpoint(Exception):
    """A line of the checkpoint file that is not one this platform signed."""

    def __init__(self, line: int, why: str):
        super().__init__(f"tệp điểm kiểm tra, dòng {line}: {why}")
        self.line = line


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: datetime
    key: str  # fingerprint of the chain's secret key
    restored: bool = False
    line: int = 0  # where it stands in the file (1-based), once read

    def fields(self) -> dict:
        data = {"seq": self.seq, "hash": self.hash, "at": self.at.astimezone(UTC).isoformat(), "key": self.key}
        return data | {"restored": True} if self.restored else data

    def as_dict(self) -> dict:
        return {"seq": self.seq, "hash": self.hash, "at": self.at.isoformat(), "restored": self.restored}


def _message(fields: dict) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def path(folder: Path | None = None) -> Path:
    return (folder or checkpoint_folder()) / FILE_NAME


def append(checkpoint: Checkpoint, *, folder: Path | None = None, key: Ed25519PrivateKey | None = None) -> Path:
    """Sign the checkpoint and add it as the file's last line, on disk before this returns."""
    target = path(folder)
    target.parent.mkdir(parents=True, exist_ok=True)
    fields = checkpoint.fields()
    signature = (key or signing_keys.signing_key()).sign(_message(fields))
    line = json.dumps(fields | {"sig": signing_keys.b64(signature)}, sort_keys=True) + "\n"
    # One write on a file opened for appending: lines written at once by two processes never interleave.
    descriptor = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(descriptor, line.encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return target


def read(folder: Path | None = None, *, public_key: Ed25519PublicKey | None = None) -> list[Checkpoint]:
    """Every checkpoint in file order; the first line that is malformed or not signed by our key is refused."""
    source = path(folder)
    if not source.is_file():
        return []
    lines = source.read_text(encoding="utf-8").splitlines()
    if not lines:
        return []
    public_key = public_key or signing_keys.public_key()
    return [_parse(number, text, public_key) for number, text in enumerate(lines, start=1)]


def _parse(number: int, text: str, public_key: Ed25519PublicKey) -> Checkpoint:
    try:
        data = json.loads(text)
        signature = signing_keys.unb64(data.pop("sig"))
        checkpoint = Checkpoint(int(data["seq"]), str(data["hash"]), datetime.fromisoformat(data["at"]),
                                str(data["key"]), bool(data.get("restored", False)), number)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise TamperedCheckpoint(number, "không đọc được (không phải dòng do hệ thống ghi)") from None
    try:
        public_key.verify(signature, _message(data))
    except (InvalidSignature, ValueError):
        raise TamperedCheckpoint(number, "chữ ký không hợp lệ: dòng đã bị sửa, hoặc BHYT_SIGNING_KEY đã đổi") from None
    return checkpoint


def newest(folder: Path | None = None) -> Checkpoint | None:
    """The last checkpoint whose signature holds (what a report prints), or None."""
    source = path(folder)
    if not source.is_file():
        return None
    public_key = signing_keys.public_key()
    for number, text in reversed(list(enumerate(source.read_text(encoding="utf-8").splitlines(), start=1))):
        try:
            return _parse(number, text, public_key)
        except TamperedCheckpoint:
            continue
    return None
