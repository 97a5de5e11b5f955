"""BHXH's D03-TS list built from plain lines (no database): one list per group, the ladder's place in the notes, the
money split by who paid it, the cover dates expected until the batch is paid, and the workbook read back."""

from datetime import date

import pytest

from donation.cards import cards, d03_form
from donation.premium import rule_data
from donation.premium.calculator import RuleBook
from tests.workbooks import d03_people, sheets

RULES = RuleBook(rule_data.RULE_VERSIONS, {g.key: g for g in rule_data.GROUPS}, rule_data.TOP_UPS)
TODAY = date(2026, 11, 25)


def batch(paid_on=None, province=15) -> cards.BatchRow:
    return cards.BatchRow(7, province, 2026, 3, "Đợt 3/2026", "Lào Cai", "paid" if paid_on else "open", 4, 0, 0,
                          date(2026, 11, 20), paid_on, "UNC 45/BHXH" if paid_on else "")


def line(number, group, price, *, order=None, budget=0, kinds=("organisation",), code="", pledges="CK-1") -> cards.ListLine:
    return cards.ListLine(number, number, 1 if order else number, group, f"Người Số {number}", code,
                          f"0102030400{number:02d}", "01/01/1990", date(1990, 1, 1), "Nữ", "Thôn 1, Xã A, Lào Cai",
                          "Trạm y tế Xã A", "", order, price, budget, 12, date(2026, 12, 25), date(2027, 12, 24),
                          "Xã A", pledges, frozenset(kinds))


LINES = [
    line(1, "household", 1_366_200, order=1, code="0123456789"),
    line(2, "household", 956_340, order=2),
    line(3, "near_poor", 409_860, budget=200_000, kinds=("budget", "individual"), pledges="CK-2, CK-3"),
    line(4, "near_poor", 409_860, kinds=("individual",), pledges="CK-3"),
]


def test_one_list_per_group_with_its_state_rate_and_the_province_top_up():
    lists = cards.d03_lists(RULES, batch(), LINES, "NV15001", TODAY)
    assert [(f.sheet, f.group) for f in lists] == [
        ("D03-TS GD", "Hộ gia đình (mã đối tượng GD)"),
        ("D03-TS CN", f"{RULES.group('near_poor').name} (mã đối tượng CN)")]
    household, near_poor = lists
    assert household.state_rate == "0%" and near_poor.state_rate == "70%; NSĐP hỗ trợ thêm 30%"  # Lào Cai's top-up
    assert household.base_salary == near_poor.base_salary == RULES.version_on(TODAY).base_salary
    assert near_poor.funding == "Tài trợ của ngân sách địa phương, cá nhân (theo cam kết CK-2, CK-3)"
    assert household.funding == "Tài trợ của tổ chức (theo cam kết CK-1)"
    assert household.number == "Số: 3 tháng 11 năm 2026 (Đợt 3/2026)"
    assert [r.note.split("; ")[1] for r in household.rows] == [
        "người thứ 1 trong hộ (100% mức đóng của người thứ nhất)",
        "người thứ 2 trong hộ (70% mức đóng của người thứ nhất)"]
    assert all("người thứ" not in r.note for r in near_poor.rows)
    assert [(r.amount, r.local_budget, r.other) for r in near_poor.rows] == [(409_860, 200_000, 209_860),
                                                                              (409_860, 0, 409_860)]
    assert all(r.note.startswith("Hạn thẻ 25/12/2026–24/12/2027 (dự kiến)") for f in lists for r in f.rows)
    assert all((r.receipt_date, r.receipt_number, r.collector) == ("", "", "NV15001") for f in lists for r in f.rows)
    assert cards.EXPECTED_NOTE in household.notes


def test_once_paid_the_list_carries_the_transfer_and_the_dates_are_no_longer_expected():
    paid = cards.d03_lists(RULES, batch(paid_on=date(2026, 11, 24)), LINES, "", TODAY)
    for form in paid:
        assert cards.EXPECTED_NOTE not in form.notes and form.number.startswith("Số: 3 tháng 11 năm 2026")
        for row in form.rows:
            assert (row.receipt_date, row.receipt_number) == ("24/11/2026", "UNC 45/BHXH")
            assert "(dự kiến)" not in row.note


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x\")", "+1", "@SUM(A1)"])
def test_the_workbook_reads_back_as_the_form_and_never_runs_a_formula(name):
    lines = [line(1, "household", 1_366_200, order=1)]
    lines[0] = cards.ListLine(**{**lines[0].__dict__, "full_name": name})
    lists = cards.d03_lists(RULES, batch(), lines, "", TODAY)
    data = d03_form.write_d03(d03_form.Unit("BẢO HIỂM XÃ HỘI TỈNH LÀO CAI"), lists, None, dated="…, ngày 25")
    book = sheets(data)
    assert list(book) == ["D03-TS GD"]  # no TK1-TS sheet: everybody has a code or nobody is listed without one
    cells = [c for row in book["D03-TS GD"] for c in row]
    assert "Mã đơn vị: " in cells and "Mã số thuế: " in cells  # not filled: printed empty, never invented
    (row,) = d03_people(data)["D03-TS GD"]
    assert row[1] == "'" + name and row[10] == 1_366_200
