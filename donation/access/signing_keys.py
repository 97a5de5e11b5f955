"""The office's Ed25519 signing key: read from BHYT_SIGNING_KEY (or generated once under data/ for the embedded
database), its public half, and the base64 they travel in. Receipts and audit checkpoints sign with it."""

from __future__ import annotations

import base64
import binascii
import functools

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from db.config import ConfigError, get_settings, signing_key_text
from donation.common.errors import InvalidInput


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM,
                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def load_public_key(text: str) -> Ed25519PublicKey:
    """A public key as `receipts public-key` prints it (PEM), or its 32 raw bytes in base64."""
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode())
        else:
            key = Ed25519PublicKey.from_public_bytes(unb64(text.replace("+", "-").replace("/", "_")))
    except (ValueError, binascii.Error):
        raise InvalidInput("Tệp khóa công khai không đọc được: dùng nội dung lệnh `receipts public-key`") from None
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidInput("Khóa công khai không phải khóa Ed25519")
    return key


def _new_key_pem() -> str:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()


def parse_private_key(text: str) -> Ed25519PrivateKey:
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            key = Ed25519PrivateKey.from_private_bytes(unb64(text.replace("+", "-").replace("/", "_")))
    except (ValueError, TypeError, binascii.Error):
        raise ConfigError("BHYT_SIGNING_KEY không đọc được: dùng khóa Ed25519 dạng PEM (PKCS#8) hoặc 32 byte "
                          "base64") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError("BHYT_SIGNING_KEY không phải khóa Ed25519")
    return key


@functools.cache
def _key_for(text: str) -> Ed25519PrivateKey:
    return parse_private_key(text)


def signing_key() -> Ed25519PrivateKey:
    """The configured key (generated once under data/ for the embedded SQLite database)."""
    return _key_for(signing_key_text(get_settings(), make=_new_key_pem))


def public_key() -> Ed25519PublicKey:
    return signing_key().public_key()
