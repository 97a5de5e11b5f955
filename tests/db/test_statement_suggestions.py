"""A statement line whose code is one slip off a pledge's: the preview lists matched lines with their pledges and the
others with the pledges they may mean; the queue offers them, only the office's own open pledges, and a person
links the line (nothing is matched on a guess)."""

import csv
import io
from datetime import date

import pytest
from sqlmodel import select

from db.models import StatementLine
from donation.common.errors import InvalidInput
from donation.payments import reconcile
from donation.pledges import codes as pledge_codes
from donation.pledges import pledges

TODAY = date(2026, 11, 25)
HEADER = ["Ngày giao dịch", "Số tiền", "Nội dung", "Mã giao dịch"]


def statement(*lines) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(lines)
    return buffer.getvalue().encode("utf-8-sig")


def pledge(people, amount=2_000_000, province=66, uow=None):
    return pledges.create_pledge(people["demo.nhataitro"], amount=amount, province_code=province, today=TODAY,
                                 uow=uow)


def slipped(code: str, at: int = 5) -> str:
    """The code with one character typed wrong."""
    wrong = next(c for c in pledge_codes.ALPHABET if c != code[at])
    return code[:at] + wrong + code[at + 1:]


def swapped(code: str) -> str:
    at = next(i for i in range(2, 8) if code[i] != code[i + 1])
    return code[:at] + code[at + 1] + code[at] + code[at + 2:]


def test_the_preview_lists_matched_lines_with_their_pledges_and_offers_one_slip_codes(uow, people):
    paid = pledge(people, amount=3_000_000, uow=uow)
    meant = pledge(people, amount=1_000_000, uow=uow)
    turned = pledge(people, amount=500_000, uow=uow)
    elsewhere = pledge(people, province=1, uow=uow)  # Hà Nội's office: never offered to Đắk Lắk's statement
    data = statement(["24/11/2026", "1000000", f"ung ho {paid.code}", "FT1"],
                     ["24/11/2026", "1200000", f"{paid.code.lower()} lan 2", "FT2"],
                     ["24/11/2026", "400000", f"UNG HO {slipped(meant.code).lower()} BHYT", "FT3"],
                     ["24/11/2026", "500000", swapped(turned.code), "FT4"],
                     ["24/11/2026", "700000", f"ck {slipped(elsewhere.code)}", "FT5"],
                     ["24/11/2026", "150000", "ung ho khong ma", "FT6"])
    preview = reconcile.reconcile(people["demo.tinh"], data, "sk.csv", dry_run=True, today=TODAY, uow=uow)
    assert (preview.matched, preview.unmatched, preview.committed) == (2, 4, False)
    assert [(m.entry.reference, m.pledge_code, m.donor, m.due) for m in preview.matched_lines] == [
        ("FT1", paid.code, "Phạm Thu Dung", 3_000_000), ("FT2", paid.code, "Phạm Thu Dung", 2_000_000)]
    offered = {u.entry.reference: [(s.code, s.typed, s.donor, s.due) for s in u.suggestions]
               for u in preview.unmatched_lines}
    assert offered == {"FT3": [(meant.code, slipped(meant.code), "Phạm Thu Dung", 1_000_000)],
                       "FT4": [(turned.code, swapped(turned.code), "Phạm Thu Dung", 500_000)],
                       "FT5": [], "FT6": []}
    reasons = {u.entry.reference: u.reason for u in preview.unmatched_lines}
    assert reasons["FT3"] == f"Mã {slipped(meant.code)} sai ký tự kiểm tra (gõ nhầm?)"
    assert reasons["FT6"] == "Nội dung không có mã cam kết"
    with uow as work:
        assert not work.session.exec(select(StatementLine)).all()  # a preview saves nothing

    saved = reconcile.reconcile(people["demo.tinh"], data, "sk.csv", today=TODAY, uow=uow)
    assert (saved.matched, saved.unmatched) == (2, 4)
    assert pledges.get_pledge(people["demo.tinh"], meant.code, uow=uow).paid == 0  # never matched on a guess
    lines, total = reconcile.unmatched_lines(people["tinh.hai"], uow=uow)
    assert total == 4
    by_reference = {line.bank_reference: line for line in lines}
    (suggestion,) = by_reference["FT3"].suggestions
    assert (suggestion.code, suggestion.donor, suggestion.due) == (meant.code, "Phạm Thu Dung", 1_000_000)
    assert by_reference["FT5"].suggestions == () and by_reference["FT6"].suggestions == ()
    # the officer accepts the suggestion: the line becomes the pledge's payment, with a receipt
    assert reconcile.link_line(people["tinh.hai"], by_reference["FT3"].id, suggestion.code, uow=uow)
    assert pledges.get_pledge(people["demo.tinh"], meant.code, uow=uow).paid == 400_000
    left, _ = reconcile.unmatched_lines(people["tinh.hai"], uow=uow)
    assert by_reference["FT3"].id not in {line.id for line in left}
    # a suggestion is offered with what the pledge still owes now, and not once the pledge is closed
    pledges.cancel_pledge(people["demo.nhataitro"], turned.code, "Đổi ý", uow=uow)
    left, _ = reconcile.unmatched_lines(people["tinh.hai"], uow=uow)
    assert {line.bank_reference: line.suggestions for line in left}["FT4"] == ()
    with pytest.raises(InvalidInput, match="không nhận thêm tiền"):
        reconcile.link_line(people["tinh.hai"], by_reference["FT4"].id, turned.code, uow=uow)


def test_a_suggestion_needs_a_pledge_one_slip_away_not_two(uow, people):
    meant = pledge(people, uow=uow)
    two_off = slipped(slipped(meant.code, 3), 6)
    data = statement(["24/11/2026", "400000", two_off, "FT1"])
    preview = reconcile.reconcile(people["demo.tinh"], data, "sk.csv", dry_run=True, today=TODAY, uow=uow)
    (line,) = preview.unmatched_lines
    assert line.suggestions == ()
