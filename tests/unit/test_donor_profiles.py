"""A donor's profile checked field by field for its kind, and the pledge confirmation PDF, before any database."""

from datetime import date

import pytest

from donation.common.errors import InvalidInput
from donation.pledges import donors, pledges

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(("kind", "fields", "message"), [
    ("budget", {"name": "UBND tỉnh Đắk Lắk", "authority": "UBND tỉnh", "decision_number": "123/QĐ-UBND"},
     "Thiếu ngày quyết định"),
    ("budget", {"name": "UBND tỉnh", "authority": "UBND", "decision_number": "1", "decision_date": "01/01/2030"},
     "Ngày quyết định ở tương lai"),
    ("organisation", {"name": "Công ty A", "tax_code": "12345", "representative": "B", "address": "C"},
     "Mã số thuế '12345' không hợp lệ"),
    ("organisation", {"name": "Công ty A", "tax_code": "0101234567"}, "Thiếu người đại diện; Thiếu địa chỉ"),
    ("individual", {"name": "An"}, "cần số điện thoại hoặc thư điện tử"),
    ("individual", {"name": "An", "phone": "12345"}, "Số điện thoại không đúng"),
    ("individual", {"name": "An", "email": "an@"}, "Thư điện tử không đúng"),
    ("individual", {"phone": "0912345678"}, "Thiếu tên"),
    ("church", {"name": "X"}, "Loại nhà tài trợ 'church' không có"),
])
def test_donor_profiles_are_checked_field_by_field(kind, fields, message):
    with pytest.raises(InvalidInput, match=message):
        donors.check_profile(kind, fields, today=TODAY)


def test_a_budget_donor_keeps_its_decision():
    profile = donors.check_profile("budget", {"name": "UBND tỉnh Đắk Lắk", "authority": "UBND tỉnh Đắk Lắk",
                                              "decision_number": "123/QĐ-UBND", "decision_date": "20/11/2026"},
                                   today=TODAY)
    assert profile["decision_date"] == date(2026, 11, 20) and profile["decision_number"] == "123/QĐ-UBND"


def test_the_confirmation_pdf_takes_names_as_text():
    from donation.pledges.pledge_pdf import pledge_pdf
    from tests.pdf import page_texts

    row = pledges.PledgeRow(1, "BH2222222X", 1, "Công ty <A & B>", "organisation", 66, "Đắk Lắk", ("pupil",), 12,
                            None, 1_000_000, 0, "cancelled", TODAY, "2026-07", None,
                            (pledges.InstalmentRow(1, 1_000_000, TODAY, 1_000_000),))
    sheet = pledges.Confirmation(row, "BHXH Đắk Lắk", "1.000.000 ₫ mua được 1 thẻ học sinh 12 tháng", None,
                                 ((row.instalments[0], None),))
    text = page_texts(pledge_pdf(sheet))[0]
    assert "Công ty <A & B>" in text and "Đã hủy" in text and "Đã nộp đủ" not in text
