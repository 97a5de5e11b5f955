"""Receipt documents without a database: every Vietnamese string survives text extraction of the PDF, the QR is at
least 30 mm and decodes to a link whose signature holds, copies and voided receipts say so, two fit on an A4 sheet;
the signing and the link reader; the fast QR encoder against the automatic one."""

import string
from dataclasses import replace
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from donation.access import signing_keys
from donation.common.errors import InvalidInput
from donation.common.money import amount_in_words
from donation.common.pdf import OfficeHeader
from donation.common.qr_images import qr_image, qr_modules, read_qr
from donation.payments import receipt_signing as signing
from donation.payments.receipt_pdf import CertificateDoc, ReceiptDoc, certificate_pdf, receipts_pdf
from tests.pdf import page_images, page_sizes, page_texts

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OFFICE = OfficeHeader(parent="BẢO HIỂM XÃ HỘI VIỆT NAM", name="BẢO HIỂM XÃ HỘI TỈNH ĐẮK LẮK", place="Đắk Lắk",
                      signer_title="GIÁM ĐỐC", signer_name="Nguyễn Thị Hường")
PAID_ON = date(2026, 11, 24)


def doc(number="66-2026-000123", amount=1_263_600, **changes) -> ReceiptDoc:
    made = ReceiptDoc(
        number=number, office=OFFICE, paid_on=PAID_ON, amount=amount, donor="Công ty CP Cà phê Buôn Ma Thuột",
        donor_kind="Doanh nghiệp, tổ chức", donor_reference="Mã số thuế 6000123456", pledge_code="BHK7M2QX4P",
        method="Chuyển khoản", bank_reference="FT26328001234", official_number="BL/2026/0001234",
        purpose="Mua thẻ hộ cận nghèo, thẻ học sinh 12 tháng tại Xã Hòa Thịnh, Đắk Lắk",
        link=signing.verify_link("https://bhyt.example.vn", KEY, number, amount, PAID_ON))
    return replace(made, **changes)


def test_every_string_of_a_receipt_round_trips_through_the_pdf():
    (text,) = page_texts(receipts_pdf([doc()]))
    flat = " ".join(text.split())
    for expected in ("BẢO HIỂM XÃ HỘI VIỆT NAM", "BẢO HIỂM XÃ HỘI TỈNH ĐẮK LẮK", "Số: 66-2026-000123",
                     "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "Đắk Lắk, ngày 24 tháng 11 năm 2026", "BIÊN NHẬN TÀI TRỢ",
                     "Công ty CP Cà phê Buôn Ma Thuột (doanh nghiệp, tổ chức), Mã số thuế 6000123456",
                     "Số tiền: 1.263.600 ₫", f"Bằng chữ: {amount_in_words(1_263_600)}",
                     "Chuyển khoản, mã giao dịch FT26328001234, ngày 24/11/2026", "BHK7M2QX4P",
                     "Mua thẻ hộ cận nghèo, thẻ học sinh 12 tháng tại Xã Hòa Thịnh, Đắk Lắk",
                     "Biên lai thu số: BL/2026/0001234", "GIÁM ĐỐC", "Nguyễn Thị Hường", "không phải hóa đơn"):
        assert expected in flat, expected
    assert amount_in_words(1_263_600) == "Một triệu hai trăm sáu mươi ba nghìn sáu trăm đồng"
    assert "BẢN SAO" not in flat and "ĐÃ HỦY" not in flat


def test_decomposed_accents_are_composed_before_drawing():
    import unicodedata

    (text,) = page_texts(receipts_pdf([doc(donor=unicodedata.normalize("NFD", "Hội Doanh nhân trẻ Phú Yên"))]))
    assert "Hội Doanh nhân trẻ Phú Yên" in text


def test_the_qr_is_at_least_30_mm_and_holds_a_signed_link_without_personal_data():
    scale = 4  # pixels per point
    (image,) = page_images(receipts_pdf([doc()]), scale=scale)
    import zxingcpp

    (found,) = zxingcpp.read_barcodes(image.convert("L"))
    corners = found.position
    width_mm = (corners.top_right.x - corners.top_left.x) / scale / 72 * 25.4
    assert width_mm >= 30  # the symbol alone, quiet zone not counted
    link = signing.read_link(found.text)
    assert (link.number, link.amount, link.paid_on) == ("66-2026-000123", 1_263_600, PAID_ON)
    assert signing.signature_holds(KEY.public_key(), link)
    assert "Công ty" not in found.text and "6000123456" not in found.text and "BHK7M2QX4P" not in found.text


def test_a_copy_and_a_voided_receipt_say_so():
    (copy,) = page_texts(receipts_pdf([doc(copy=True)]))
    assert "BẢN SAO" in copy
    (voided,) = page_texts(receipts_pdf([doc(voided_reason="Sai thông tin nhà tài trợ")]))
    assert "ĐÃ HỦY: Sai thông tin nhà tài trợ" in voided


def test_two_receipts_share_an_a4_sheet_and_the_first_page_holds_the_first():
    docs = [doc(f"66-2026-{n:06d}") for n in (1, 2, 3)]
    sheets = receipts_pdf(docs, paper="a4_two")
    assert page_sizes(sheets) == [(595, 842)] * 2
    first, second = page_texts(sheets)
    assert first.index("66-2026-000001") < first.index("66-2026-000002")
    assert "66-2026-000003" in second
    codes = read_qr(page_images(sheets, scale=3)[0])
    assert sorted(signing.read_link(c).number for c in codes) == ["66-2026-000001", "66-2026-000002"]
    assert page_sizes(receipts_pdf(docs)) == [(595, 420)] * 3


def test_the_certificate_thanks_the_donor_in_words():
    (text,) = page_texts(certificate_pdf(CertificateDoc(office=OFFICE, donor="UBND xã Hòa Thịnh", amount=50_000_000,
                                                    pledge_code="BHK7M2QX4P", receipts=("66-2026-000001",),
                                                    purpose="Mua thẻ hộ cận nghèo 12 tháng tại Đắk Lắk",
                                                    on=date(2026, 11, 25))))
    flat = " ".join(text.split())
    for expected in ("GIẤY CHỨNG NHẬN", "UBND xã Hòa Thịnh", "50.000.000 ₫", "Năm mươi triệu đồng",
                     "Biên nhận số: 66-2026-000001", "Đắk Lắk, ngày 25 tháng 11 năm 2026"):
        assert expected in flat, expected


@pytest.mark.parametrize("text, number, amount, paid_on, signed", [
    ("66-2026-000123", "66-2026-000123", None, None, False),
    ("  số: 01-2025-000007 ", "01-2025-000007", None, None, False),
    ("00-2026-1234567", "00-2026-1234567", None, None, False),
    ("https://bhyt.example.vn/verify?number=66-2026-000123&amount=5&date=2026-11-24&sig=abc",
     "66-2026-000123", 5, PAID_ON, True),
    ("?number=66-2026-000123&amount=5&date=2026-11-24&sig=abc", "66-2026-000123", 5, PAID_ON, True),
    ("number=66-2026-000123&amount=5&date=2026-11-24", "66-2026-000123", 5, PAID_ON, False),
])
def test_read_link_takes_a_link_a_query_or_a_typed_number(text, number, amount, paid_on, signed):
    link = signing.read_link(text)
    assert (link.number, link.amount, link.paid_on, link.signed) == (number, amount, paid_on, signed)


@pytest.mark.parametrize("text, message", [
    ("", "Dán đường link"),
    ("66-2026-12", "Không đọc được số biên nhận"),
    ("https://x/verify?number=66-2026-000123&amount=1.000&date=2026-11-24&sig=a", "không phải số nguyên đồng"),
    ("https://x/verify?number=66-2026-000123&amount=١٠&date=2026-11-24&sig=a", "không phải số nguyên đồng"),
    ("https://x/verify?number=66-2026-000123&amount=10&date=24/11/2026&sig=a", "không đúng dạng"),
    ("http://[abc/verify?number=66-2026-000123&amount=10&date=2026-11-24", "Không đọc được số biên nhận"),
])
def test_read_link_refuses_what_it_cannot_read(text, message):
    with pytest.raises(InvalidInput, match=message):
        signing.read_link(text)


def test_what_a_link_says_is_never_repeated_back_on_the_public_page():
    crafted = "?number=66-2026-000001&amount=[Bấm đây](https://lua-dao.example)&date=2026-11-24&sig=a"
    with pytest.raises(InvalidInput) as refused:
        signing.read_link(crafted)
    assert "lua-dao" not in str(refused.value) and "Bấm" not in str(refused.value)


def test_public_keys_load_as_pem_or_raw_base64_and_nothing_else():
    public = KEY.public_key()
    pem = signing_keys.public_pem(public)
    raw = public.public_bytes_raw()
    import base64

    for text in (pem, base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode().rstrip("=")):
        assert signing_keys.load_public_key(text).public_bytes_raw() == raw
    with pytest.raises(InvalidInput, match="không đọc được"):
        signing_keys.load_public_key("khóa giả")


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=string.ascii_letters + string.digits + "-_.~:/?&=%", min_size=1, max_size=220),
       st.text(alphabet=string.digits, min_size=1, max_size=40))
def test_the_fast_encoder_scans_back_to_the_same_text(first, second):
    """Codes made at a remembered version with a fixed mask decode to their text; a text of the same length that
    needs more room (digits pack tighter than letters) falls back to the automatic encoder."""
    for text in (first, second, second + first, first + second):
        for _ in range(2):  # the second time, the remembered version is used
            modules = qr_modules(text)
            assert modules.shape[0] == modules.shape[1] and modules[0].sum() == 0  # square, quiet zone white
            assert read_qr(qr_image(text, module_px=3)) == [text]


def test_a_second_process_makes_the_same_codes_and_what_it_does_not_make_is_made_here(monkeypatch):
    import numpy as np
    from PIL import Image

    from donation.common import qr_worker

    links = [signing.verify_link("https://bhyt.example.vn", KEY, f"66-2026-{n:06d}", 1000 + n, PAID_ON)
             for n in range(1, 8)]
    monkeypatch.setattr(qr_worker, "WORKER_FROM", 3)

    def scanned(codes) -> list[str]:
        texts = []
        for width, bits in codes:
            rows = np.unpackbits(np.frombuffer(bits, dtype=np.uint8).reshape(width, -1), axis=1)[:, :width]
            image = Image.fromarray(np.pad(rows, 4, constant_values=1).astype(bool)).convert("L")
            texts += read_qr(image.resize((image.width * 3, image.height * 3), Image.NEAREST))
        return texts

    assert scanned(qr_worker.codes(links)) == links
    import subprocess
    import sys

    served = subprocess.run([sys.executable, "-m", "donation.common.qr_worker"], cwd=qr_worker.ROOT, capture_output=True,
                            input="".join(link + "\n" for link in links[:2]).encode(), timeout=60).stdout
    width = int.from_bytes(served[:2], "big")
    first, rest = served[2:2 + width * ((width + 7) // 8)], served[2 + width * ((width + 7) // 8):]
    assert scanned([(width, first), (int.from_bytes(rest[:2], "big"), rest[2:])]) == links[:2]  # the worker itself
    monkeypatch.setattr(qr_worker.sys, "executable", "/bin/false")  # a worker that stops at once
    assert scanned(qr_worker.codes(links)) == links
    monkeypatch.setattr(qr_worker.sys, "executable", "/nonexistent/python")  # one that cannot start
    assert scanned(qr_worker.codes(links)) == links
