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


# the labels the office's walk-in form asks, then those the registration form asks
ASKED = [
    ("budget", ["Tên", "Cơ quan ban hành quyết định", "Số quyết định", "Ngày quyết định"],
     ["Tên cơ quan, đơn vị (ví dụ UBND tỉnh Đắk Lắk)", "Cơ quan ban hành quyết định", "Số quyết định",
      "Ngày quyết định (dd/mm/yyyy)", "Số điện thoại", "Thư điện tử"]),
    ("organisation", ["Tên", "Mã số thuế", "Người đại diện", "Địa chỉ"],
     ["Tên doanh nghiệp, tổ chức", "Mã số thuế", "Người đại diện", "Địa chỉ", "Số điện thoại", "Thư điện tử"]),
    ("individual", ["Tên", "Số điện thoại", "Thư điện tử"], ["Họ và tên", "Số điện thoại", "Thư điện tử"]),
]
GOOD = {"name": "Công ty A", "authority": "UBND tỉnh", "decision_number": "123/QĐ-UBND",
        "decision_date": "20/11/2026", "tax_code": "0101234567", "representative": "Bà Lê Thu", "address": "Tuy Hòa",
        "phone": "0912345678", "email": "a@example.com"}


@pytest.mark.parametrize(("kind", "office", "registration"), ASKED, ids=[kind for kind, _, _ in ASKED])
def test_each_kind_is_asked_its_fields_from_one_table(kind, office, registration):
    assert list(donors.FIELDS) == list(donors.KINDS)
    assert [f.label for f in donors.form_fields(kind, at_office=True)] == office
    assert [f.visitor_label for f in donors.form_fields(kind)] == registration
    asked = [f.key for f in donors.form_fields(kind, at_office=True)]
    profile = donors.check_profile(kind, {key: GOOD[key] for key in asked}, today=TODAY)
    assert all(profile[key] for key in asked)


@pytest.mark.parametrize(("kind", "field"), [(kind, f) for kind, fields in donors.FIELDS.items() for f in fields
                                             if f.need == donors.REQUIRED])
def test_a_missing_required_field_is_named(kind, field):
    fields = {f.key: GOOD[f.key] for f in donors.FIELDS[kind] if f.key != field.key}
    with pytest.raises(InvalidInput, match=f"^Thiếu {field.label.lower()}$"):
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
