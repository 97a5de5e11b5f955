"""VietQR payloads: the public example to the character, every field read back by a parser written here, and the CRC
checked against the standard library's CRC-CCITT."""

import binascii

import pytest
from hypothesis import given
from hypothesis import strategies as st

from donation.common.errors import InvalidInput
from donation.pledges import vietqr

PUBLIC_EXAMPLE = ("00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN"
                  "62170813ung ho lu lut6304C15C")


def tlv(text: str) -> dict[str, str]:
    """An independent reader: ID (2 digits), length (2 digits), value."""
    fields, i = {}, 0
    while i < len(text):
        size = int(text[i + 2:i + 4])
        fields[text[i:i + 2]] = text[i + 4:i + 4 + size]
        i += 4 + size
    return fields


def crc_ccitt_false(text: str) -> str:
    return f"{binascii.crc_hqx(text.encode('ascii'), 0xFFFF):04X}"


def test_the_public_example_to_the_character():
    assert vietqr.payload(bank_bin="970415", account_number="0011001932418", amount=120_000,
                          message="ung ho lu lut") == PUBLIC_EXAMPLE
    assert crc_ccitt_false(PUBLIC_EXAMPLE[:-4]) == "C15C"


def test_fields_one_by_one():
    text = vietqr.payload(bank_bin="970436", account_number="1234567890", amount=1_263_600, message="BHK7M2P9QX")
    fields = tlv(text)
    assert fields["00"] == "01" and fields["01"] == "12" and fields["53"] == "704" and fields["58"] == "VN"
    assert fields["54"] == "1263600"
    account = tlv(fields["38"])
    assert account["00"] == "A000000727" and account["02"] == "QRIBFTTA"
    assert tlv(account["01"]) == {"00": "970436", "01": "1234567890"}
    assert tlv(fields["62"]) == {"08": "BHK7M2P9QX"}
    assert text[-8:-4] == "6304" and fields["63"] == crc_ccitt_false(text[:-4])
    assert list(fields) == ["00", "01", "38", "53", "54", "58", "62", "63"]  # in ascending order


def test_a_static_code_has_no_amount():
    fields = tlv(vietqr.payload(bank_bin="970436", account_number="1234567890", amount=None, message=""))
    assert fields["01"] == "11" and "54" not in fields and "62" not in fields


@pytest.mark.parametrize(("message", "sent"), [
    ("Ủng hộ lũ lụt Đắk Lắk", "Ung ho lu lut Dak Lak"),
    ("BHK7M2P9QX – đợt 2!", "BHK7M2P9QX dot 2"),
    ("x" * 40, "x" * 25),
])
def test_the_transfer_message_is_plain_ascii_and_short(message, sent):
    assert vietqr.transfer_message(message) == sent


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"bank_bin": "97043"}, "6 chữ số"),
    ({"bank_bin": "97043\u0660"}, "6 chữ số"),  # an Arabic-Indic zero is a digit to Python, not to a bank
    ({"account_number": "12 34"}, "Số tài khoản"),
    ({"amount": 0}, "lớn hơn 0"),
    ({"amount": 1.5}, "số nguyên"),
])
def test_bad_parts_are_refused(kwargs, message):
    base = {"bank_bin": "970436", "account_number": "1234567890", "amount": 1000, "message": "x"}
    with pytest.raises(InvalidInput, match=message):
        vietqr.payload(**{**base, **kwargs})


def test_a_changed_payload_fails_its_crc():
    changed = PUBLIC_EXAMPLE.replace("5406120000", "5406920000")
    with pytest.raises(InvalidInput, match="CRC"):
        vietqr.read_payload(changed)


@given(bank=st.from_regex(r"97[0-9]{4}", fullmatch=True), account=st.from_regex(r"[0-9]{6,19}", fullmatch=True),
       amount=st.integers(1, 10**12), message=st.text(max_size=60))
def test_any_payload_reads_back(bank, account, amount, message):
    text = vietqr.payload(bank_bin=bank, account_number=account, amount=amount, message=message)
    read = vietqr.read_payload(text)
    assert (read.bank_bin, read.account_number, read.amount, read.dynamic) == (bank, account, amount, True)
    assert read.message == vietqr.transfer_message(message) and text.isascii()
    assert crc_ccitt_false(text[:-4]) == text[-4:]
