"""Receipt signatures: Ed25519 over a receipt's number, amount and date, carried in the verify link its QR holds.

Anyone with the published public key can check a link offline. The link carries no personal data: only the number,
the amount in đồng, the payment's date and the signature over the three.
"""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qs, urlencode, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from db.config import get_settings
from donation.access.signing_keys import b64, unb64
from donation.common.errors import InvalidInput

NUMBER = re.compile(r"(\d{2})-(\d{4})-(\d{6,})")
VERIFY_PATH = "verify"


def number_parts(number: str) -> tuple[int, int, int] | None:
    """(office, year, sequence) of a receipt number, or None when it has not that shape."""
    found = NUMBER.fullmatch((number or "").strip())
    return (int(found.group(1)), int(found.group(2)), int(found.group(3))) if found else None


@dataclass(frozen=True)
class Link:
    """What a verify link says: the number, and (when scanned, not typed) the amount, date and signature."""

    number: str
    amount: int | None = None
    paid_on: date | None = None
    signature: str = ""

    @property
    def signed(self) -> bool:
        return bool(self.signature)


def message(number: str, amount: int, paid_on: date) -> bytes:
    return f"{number}|{amount}|{paid_on:%Y-%m-%d}".encode()


def sign(key: Ed25519PrivateKey, number: str, amount: int, paid_on: date) -> str:
    """The signature as URL-safe base64 without padding (86 characters)."""
    return b64(key.sign(message(number, amount, paid_on)))


def signature_holds(public_key: Ed25519PublicKey, link: Link) -> bool:
    if not link.signed or link.amount is None or link.paid_on is None:
        return False
    try:
        public_key.verify(unb64(link.signature), message(link.number, link.amount, link.paid_on))
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def verify_link(base_url: str, key: Ed25519PrivateKey, number: str, amount: int, paid_on: date) -> str:
    query = urlencode({"number": number, "amount": amount, "date": f"{paid_on:%Y-%m-%d}",
                       "sig": sign(key, number, amount, paid_on)})
    return f"{base_url.rstrip('/')}/{VERIFY_PATH}?{query}"


def read_link(text: str) -> Link:
    """A scanned link (or its query string), or a typed receipt number; a clear message for anything else."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput("Dán đường link trên mã QR của biên nhận, hoặc gõ số biên nhận (ví dụ 66-2026-000123)")
    typed = NUMBER.fullmatch(text.upper().removeprefix("SỐ").strip(" :"))
    if typed:
        return Link(typed.group(0))
    try:
        query = urlsplit(text).query if "://" in text or text.startswith("/") else text.lstrip("?")
        fields = {key: values[0].strip() for key, values in parse_qs(query).items()}
    except ValueError:  # e.g. a broken address such as http://[abc
        fields = {}
    number = fields.get("number", "")
    if not NUMBER.fullmatch(number):
        raise InvalidInput("Không đọc được số biên nhận trong nội dung này: quét lại mã QR, hoặc gõ số biên nhận "
                           "dạng 66-2026-000123")
    amount_text, date_text = fields.get("amount", ""), fields.get("date", "")
    # The link's own text is never repeated back: the page that shows these messages is public.
    if not amount_text.isascii() or not amount_text.isdigit() or len(amount_text) > 15:
        raise InvalidInput("Số tiền trong đường link không phải số nguyên đồng: link đã bị sửa")
    try:
        paid_on = date.fromisoformat(date_text) if len(date_text) == 10 else None
    except ValueError:
        paid_on = None
    if paid_on is None:
        raise InvalidInput("Ngày trong đường link không đúng dạng: link đã bị sửa")
    return Link(number, int(amount_text), paid_on, fields.get("sig", ""))


def public_url() -> str:
    return get_settings().public_url
