"""VietQR payloads (NAPAS 24/7 transfer QR, domain-facts §7): EMVCo merchant-presented TLV with a CRC-16.

Plain functions: `payload` builds the text a banking app scans; `read_payload` takes one apart (for checks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from donation.common.errors import InvalidInput
from donation.common.identity import strip_accents

NAPAS_GUID = "A000000727"
TO_ACCOUNT = "QRIBFTTA"
MAX_MESSAGE = 25  # banking apps cut longer transfer messages


def _field(tag: str, value: str) -> str:
    if len(value) > 99:
        raise InvalidInput(f"Trường {tag} của mã VietQR dài quá 99 ký tự")
    return f"{tag}{len(value):02d}{value}"


def crc16(text: str) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) as 4 upper-case hex digits."""
    crc = 0xFFFF
    for byte in text.encode("ascii"):
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def transfer_message(text: str) -> str:
    """The purpose field: ASCII without diacritics, letters, digits and spaces only, at most 25 characters."""
    plain = re.sub(r"[^A-Za-z0-9 ]", " ", strip_accents(text))
    return " ".join(plain.split())[:MAX_MESSAGE].strip()


def payload(*, bank_bin: str, account_number: str, amount: int | None, message: str) -> str:
    """A dynamic VietQR (with the amount) or a static one (amount None) to an account."""
    if not re.fullmatch(r"[0-9]{6}", bank_bin or ""):
        raise InvalidInput("Mã ngân hàng (BIN) phải có 6 chữ số, ví dụ 970436 (Vietcombank)")
    if not re.fullmatch(r"[0-9A-Za-z]{1,19}", account_number or ""):
        raise InvalidInput("Số tài khoản chỉ gồm chữ số hoặc chữ cái, tối đa 19 ký tự")
    if amount is not None and (not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0):
        raise InvalidInput("Số tiền của mã VietQR phải là số nguyên đồng lớn hơn 0")
    if amount is not None and len(str(amount)) > 13:
        raise InvalidInput("Số tiền của mã VietQR tối đa 13 chữ số")
    # The bank and account paid: NAPAS's "beneficiary organization", called payee here because a beneficiary
    # in this project would be a nominated person.
    payee = _field("00", bank_bin) + _field("01", account_number)
    account = _field("00", NAPAS_GUID) + _field("01", payee) + _field("02", TO_ACCOUNT)
    text = _field("00", "01") + _field("01", "12" if amount is not None else "11") + _field("38", account)
    text += _field("53", "704")
    if amount is not None:
        text += _field("54", str(amount))
    text += _field("58", "VN")
    purpose = transfer_message(message)
    if purpose:
        text += _field("62", _field("08", purpose))
    text += "6304"
    return text + crc16(text)


@dataclass(frozen=True)
class Payload:
    bank_bin: str
    account_number: str
    amount: int | None
    message: str
    dynamic: bool


def _fields(text: str) -> dict[str, str]:
    found, index = {}, 0
    while index < len(text):
        tag, size = text[index:index + 2], text[index + 2:index + 4]
        if not size.isdigit() or index + 4 + int(size) > len(text):
            raise InvalidInput("Mã VietQR sai cấu trúc")
        found[tag] = text[index + 4:index + 4 + int(size)]
        index += 4 + int(size)
    return found


def read_payload(text: str) -> Payload:
    """Take a VietQR payload apart, refusing one whose CRC does not match."""
    if len(text) < 8 or text[-8:-4] != "6304" or crc16(text[:-4]) != text[-4:].upper():
        raise InvalidInput("Mã VietQR sai mã kiểm tra (CRC)")
    top = _fields(text[:-8])
    account = _fields(top.get("38", ""))
    payee = _fields(account.get("01", ""))
    if account.get("00") != NAPAS_GUID:
        raise InvalidInput("Mã QR không phải VietQR (NAPAS)")
    amount = top.get("54")
    if amount is not None and not re.fullmatch(r"[0-9]{1,13}", amount):
        raise InvalidInput("Số tiền trong mã VietQR sai")
    return Payload(payee.get("00", ""), payee.get("01", ""), int(amount) if amount else None,
                   _fields(top["62"]).get("08", "") if "62" in top else "", top.get("01") == "12")
