"""Payments and bank statements against a real database: maker-checker, the pledge's money and status, matching by
code, the unmatched queue, and importing the same statement twice."""

import csv
import io
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from db.models import Payment, Pledge, StatementLine
from donation.access import audit
from donation.common.errors import Forbidden, InvalidInput
from donation.payments import payments, reconcile
from donation.pledges import pledges

TODAY = date(2026, 11, 25)
HEADER = ["Ngày giao dịch", "Số tiền", "Nội dung", "Mã giao dịch"]


def pledge(people, uow, amount=2_000_000, province=66):
    return pledges.create_pledge(people["demo.nhataitro"], amount=amount, province_code=province, today=TODAY,
                                 uow=uow)


def statement(*lines, header=HEADER, title_rows=0) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for _ in range(title_rows):
        writer.writerow(["SAO KÊ TÀI KHOẢN"])
    writer.writerow(header)
    writer.writerows(lines)
    return buffer.getvalue().encode("utf-8-sig")


def state(uow, code):
    with uow as work:
        row = work.session.exec(select(Pledge).where(Pledge.code == code)).one()
        return row.paid, row.status


def test_a_payment_recorded_by_hand_counts_once_a_second_officer_confirms_it(uow, people):
    made = pledge(people, uow)
    recorded = payments.record_payment(people["demo.tinh"], made.code, amount=500_000, method="cash",
                                       paid_on=TODAY, today=TODAY, uow=uow)
    assert recorded.status == "awaiting_confirmation" and state(uow, made.code) == (0, "pledged")
    with pytest.raises(Forbidden, match="do chính bạn ghi"):
        payments.confirm_payment(people["demo.tinh"], recorded.id, uow=uow)
    assert [p.id for p in payments.awaiting_confirmation(people["tinh.hai"], uow=uow)] == [recorded.id]
    payments.confirm_payment(people["tinh.hai"], recorded.id, uow=uow)
    assert state(uow, made.code) == (500_000, "partly_paid")
    with pytest.raises(InvalidInput, match="đã được xử lý: đã xác nhận"):
        payments.confirm_payment(people["demo.admin"], recorded.id, uow=uow)
    second = payments.record_payment(people["tinh.hai"], made.code, amount=1_600_000, method="bank_transfer",
                                     paid_on=TODAY, today=TODAY, bank_reference="FT2633001", uow=uow)
    payments.confirm_payment(people["demo.tinh"], second.id, uow=uow)
    assert state(uow, made.code) == (2_100_000, "paid")  # an over-payment is kept and shown
    shown = pledges.get_pledge(people["demo.nhataitro"], made.code, uow=uow)
    assert (shown.due, shown.over) == (0, 100_000)
    with uow as work:
        assert audit.list_events(work.session, action="confirm_payment")[1] == 2


def test_a_rejected_payment_never_counts_and_frees_its_reference(uow, people):
    made = pledge(people, uow)
    wrong = payments.record_payment(people["demo.tinh"], made.code, amount=2_000_000, method="bank_transfer",
                                    paid_on=TODAY, today=TODAY, bank_reference="FT999", uow=uow)
    with pytest.raises(InvalidInput, match="Ghi lý do"):
        payments.reject_payment(people["tinh.hai"], wrong.id, "", uow=uow)
    payments.reject_payment(people["tinh.hai"], wrong.id, "Không thấy tiền trên sao kê", uow=uow)
    assert state(uow, made.code) == (0, "pledged")
    report = reconcile.reconcile(people["demo.tinh"], statement(["24/11/2026", "2000000", made.code, "FT999"]),
                                 "sk.csv", today=TODAY, uow=uow)
    assert (report.matched, report.duplicates) == (1, 0)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"amount": 0}, "lớn hơn 0"),
    ({"method": "cheque"}, "Hình thức nộp 'cheque' không có"),
    ({"paid_on": date(2026, 12, 1)}, "ở tương lai"),
    ({"method": "treasury"}, "cần số quyết định"),
])
def test_bad_payments_are_refused(uow, people, kwargs, message):
    made = pledge(people, uow)
    with pytest.raises(InvalidInput, match=message):
        payments.record_payment(people["demo.tinh"], made.code, **{"amount": 1000, "method": "cash",
                                                                   "paid_on": TODAY, "today": TODAY, **kwargs},
                                uow=uow)


def test_an_officer_records_only_for_their_own_office(uow, people):
    elsewhere = pledge(people, uow, province=None)  # BHXH Việt Nam receives it
    with pytest.raises(Forbidden):
        payments.record_payment(people["demo.tinh"], elsewhere.code, amount=1000, method="cash", paid_on=TODAY,
                                today=TODAY, uow=uow)
    recorded = payments.record_payment(people["demo.quocgia"], elsewhere.code, amount=1000, method="cash",
                                       paid_on=TODAY, today=TODAY, uow=uow)
    with pytest.raises(Forbidden):
        payments.confirm_payment(people["demo.tinh"], recorded.id, uow=uow)


def test_a_statement_matches_by_code_in_any_case_and_a_second_import_changes_nothing(uow, people):
    first, second = pledge(people, uow), pledge(people, uow, amount=1_000_000)
    elsewhere = pledge(people, uow, province=None)
    data = statement(
        ["23/11/2026", "1.000.000", f"CT DEN:0123 {first.code.lower()} ung ho", "FT001"],
        ["24/11/2026 09:10:11", 1_000_000, f"MBVCB.99.{first.code}.dot 2", "FT002"],
        [46350, "500000", f"{second.code} nop lan 1", "FT003"],  # an Excel date serial: 24/11/2026
        ["2026-11-24", "300000", "chuyen tien khong ghi ma", "FT004"],
        ["24/11/2026", "200000", f"ung ho {elsewhere.code}", "FT005"],
        ["24/11/2026", "-50000", "phi dich vu", "FT006"],
        ["24/11/2026", "abc", "?", "FT007"],
        ["24/11/2026", "100000", f"{first.code} {second.code}", "FT008"],
        title_rows=2)
    dry = reconcile.reconcile(people["demo.tinh"], data, "sao-ke.csv", dry_run=True, today=TODAY, uow=uow)
    assert (dry.lines, dry.matched, dry.unmatched, dry.committed) == (6, 3, 3, False)
    assert state(uow, first.code) == (0, "pledged")
    report = reconcile.reconcile(people["demo.tinh"], data, "sao-ke.csv", today=TODAY, uow=uow)
    assert report.as_dict() | {"errors": None} == {
        "lines": 6, "matched": 3, "unmatched": 3, "duplicates": 0, "amount_matched": 2_500_000, "skipped": 1,
        "committed": True, "errors": None}
    assert [(e.row, e.column, e.code) for e in report.errors] == [(10, "Số tiền", "invalid_amount")]
    assert state(uow, first.code) == (2_000_000, "paid")
    assert state(uow, second.code) == (500_000, "partly_paid")
    assert state(uow, elsewhere.code) == (0, "pledged")
    reasons = {line.bank_reference: line.reason for line in reconcile.unmatched_lines(people["demo.tinh"],
                                                                                       uow=uow)[0]}
    assert reasons == {"FT004": "Nội dung không có mã cam kết",
                       "FT005": f"Cam kết {elsewhere.code} nộp cho văn phòng khác",
                       "FT008": "Nội dung có nhiều mã cam kết: chọn cam kết cho dòng này"}
    again = reconcile.reconcile(people["demo.tinh"], data, "sao-ke.csv", today=TODAY, uow=uow)
    assert (again.lines, again.matched, again.unmatched, again.duplicates, again.committed) == (6, 0, 0, 6, False)
    assert state(uow, first.code) == (2_000_000, "paid")
    with uow as work:
        assert work.session.exec(select(func.count()).select_from(Payment)).one() == 3
        assert work.session.exec(select(func.count()).select_from(StatementLine)).one() == 3  # matched ones are payments


def test_the_queue_links_a_line_or_marks_it_not_ours(uow, people):
    made = pledge(people, uow)
    reconcile.reconcile(people["demo.tinh"], statement(["24/11/2026", "700000", "ung ho tu thien", "FT1"],
                                                       ["24/11/2026", "90000", "hoan tien phi", "FT2"]),
                        "sk.csv", today=TODAY, uow=uow)
    queue, total = reconcile.unmatched_lines(people["demo.tinh"], uow=uow)
    assert total == 2
    by_ref = {line.bank_reference: line.id for line in queue}
    with pytest.raises(Forbidden):
        reconcile.link_line(people["demo.quocgia"], by_ref["FT1"], made.code, uow=uow)
    reconcile.link_line(people["demo.tinh"], by_ref["FT1"], made.code.lower(), uow=uow)
    assert state(uow, made.code) == (700_000, "partly_paid")
    with pytest.raises(InvalidInput, match="Ghi lý do"):
        reconcile.mark_not_ours(people["demo.tinh"], by_ref["FT2"], " ", uow=uow)
    reconcile.mark_not_ours(people["demo.tinh"], by_ref["FT2"], "Ngân hàng hoàn phí", uow=uow)
    assert reconcile.unmatched_lines(people["demo.tinh"], uow=uow)[1] == 0
    with pytest.raises(InvalidInput, match="đã được xử lý"):
        reconcile.link_line(people["demo.tinh"], by_ref["FT1"], made.code, uow=uow)
    assert [p.source for p in payments.payments_of(people["demo.nhataitro"], made.code, uow=uow)] == ["statement"]


def test_other_banks_columns_by_mapping(uow, people):
    made = pledge(people, uow)
    data = statement(["24/11/2026", "2000000", made.code, "TX-1"],
                     header=["Ngày GD", "Ghi có", "Diễn giải", "Số tham chiếu"])
    with pytest.raises(InvalidInput, match="Cột của sao kê"):
        reconcile.reconcile(people["demo.tinh"], data, "sk.csv", today=TODAY, uow=uow)
    report = reconcile.reconcile(people["demo.tinh"], data, "sk.csv", today=TODAY, uow=uow, columns={
        "date": "Ngày GD", "amount": "Ghi có", "description": "Diễn giải", "reference": "Số tham chiếu"})
    assert report.matched == 1 and state(uow, made.code) == (2_000_000, "paid")


def test_a_cancelled_pledge_takes_no_money(uow, people):
    made = pledge(people, uow)
    pledges.cancel_pledge(people["demo.nhataitro"], made.code, "Đổi ý", uow=uow)
    with pytest.raises(InvalidInput, match="đã hủy: không ghi tiền nộp"):
        payments.record_payment(people["demo.tinh"], made.code, amount=1000, method="cash", paid_on=TODAY,
                                today=TODAY, uow=uow)
    report = reconcile.reconcile(people["demo.tinh"], statement(["24/11/2026", "1000", made.code, "FT1"]),
                                 "sk.csv", today=TODAY, uow=uow)
    assert report.unmatched == 1 and report.unmatched_lines[0].reason == f"Cam kết {made.code} đã hủy"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amounts=st.lists(st.integers(1, 3_000_000), min_size=1, max_size=8), split=st.integers(0, 8))
def test_money_is_counted_exactly_once_however_statements_overlap(uow, people, amounts, split):
    """Any lines, imported in two overlapping statements: each pledge's paid is the sum of its distinct lines."""
    made = pledge(people, uow, amount=5_000_000)
    marker = made.code
    lines = [["24/11/2026", str(a), f"{marker} lan {i}", f"{marker}-{i}"] for i, a in enumerate(amounts)]
    first = reconcile.reconcile(people["demo.tinh"], statement(*lines[:split + 1]), "a.csv", today=TODAY, uow=uow)
    second = reconcile.reconcile(people["demo.tinh"], statement(*lines[max(0, split - 2):]), "b.csv", today=TODAY,
                                 uow=uow)
    assert first.matched + second.matched == len(amounts)
    paid, status = state(uow, made.code)
    assert paid == sum(amounts)
    assert status == ("paid" if paid >= 5_000_000 else "partly_paid")


def test_a_transfer_recorded_by_hand_needs_its_reference_and_is_not_counted_again(uow, people):
    made = pledge(people, uow)
    with pytest.raises(InvalidInput, match="cần mã giao dịch"):
        payments.record_payment(people["demo.tinh"], made.code, amount=500_000, method="bank_transfer",
                                paid_on=TODAY, today=TODAY, uow=uow)
    recorded = payments.record_payment(people["demo.tinh"], made.code, amount=500_000, method="bank_transfer",
                                       paid_on=TODAY, today=TODAY, bank_reference="ft 2633 001", uow=uow)
    assert recorded.bank_reference == "FT2633001"
    payments.confirm_payment(people["tinh.hai"], recorded.id, uow=uow)
    report = reconcile.reconcile(people["demo.tinh"], statement(["24/11/2026", "500000", made.code, "FT2633001"]),
                                 "sk.csv", today=TODAY, uow=uow)
    assert (report.matched, report.duplicates) == (0, 1) and state(uow, made.code) == (500_000, "partly_paid")


@pytest.mark.parametrize("decide", ["confirm", "reject"])
def test_a_statement_line_of_money_recorded_by_hand_waits_until_that_record_is_decided(uow, people, decide):
    made = pledge(people, uow)
    recorded = payments.record_payment(people["demo.tinh"], made.code, amount=700_000, method="bank_transfer",
                                       paid_on=TODAY, today=TODAY, bank_reference="FT77", uow=uow)
    report = reconcile.reconcile(people["demo.tinh"], statement(["24/11/2026", "700000", made.code, "FT77"]),
                                 "sk.csv", today=TODAY, uow=uow)
    assert (report.matched, report.unmatched) == (0, 1)
    assert f"khoản nộp ghi tay mã {recorded.id}" in report.unmatched_lines[0].reason
    line = reconcile.unmatched_lines(people["demo.tinh"], uow=uow)[0][0]
    with pytest.raises(InvalidInput, match="đã có khoản nộp ghi tay"):
        reconcile.link_line(people["demo.tinh"], line.id, made.code, uow=uow)
    if decide == "confirm":
        payments.confirm_payment(people["tinh.hai"], recorded.id, uow=uow)  # settles the line too
    else:
        payments.reject_payment(people["tinh.hai"], recorded.id, "Ghi nhầm", uow=uow)
        reconcile.link_line(people["demo.tinh"], line.id, made.code, uow=uow)
    assert state(uow, made.code) == (700_000, "partly_paid")  # counted once either way
    assert reconcile.unmatched_lines(people["demo.tinh"], uow=uow)[1] == 0


def test_one_reference_on_two_different_lines_is_refused_not_dropped(uow, people):
    made = pledge(people, uow)
    report = reconcile.reconcile(people["demo.tinh"], statement(["24/11/2026", "500000", made.code, "0001"],
                                                                ["24/11/2026", "500000", made.code, "0001"],
                                                                ["24/11/2026", "700000", "khac", "0001"]),
                                 "sk.csv", today=TODAY, uow=uow)
    assert (report.lines, report.matched, report.duplicates) == (2, 1, 1)
    assert [(e.row, e.code) for e in report.errors] == [(4, "reference_reused")]


def test_cancelling_waits_for_pending_money_and_a_donor_cannot_cancel_paid_money(uow, people):
    made = pledge(people, uow)
    recorded = payments.record_payment(people["demo.tinh"], made.code, amount=300_000, method="cash",
                                       paid_on=TODAY, today=TODAY, uow=uow)
    with pytest.raises(InvalidInput, match="còn khoản nộp chờ xác nhận"):
        pledges.cancel_pledge(people["demo.nhataitro"], made.code, "Đổi ý", uow=uow)
    payments.confirm_payment(people["tinh.hai"], recorded.id, uow=uow)
    with pytest.raises(InvalidInput, match="đã nhận 300.000 ₫: liên hệ văn phòng"):
        pledges.cancel_pledge(people["demo.nhataitro"], made.code, "Đổi ý", uow=uow)
    assert pledges.cancel_pledge(people["demo.tinh"], made.code, "Nhà tài trợ xin dừng", uow=uow).paid == 300_000


def test_money_for_an_expired_pledge_revives_it_and_pending_money_keeps_it_alive(uow, people):
    old = pledges.create_pledge(people["demo.nhataitro"], amount=1_000_000, province_code=66,
                                today=date(2026, 8, 1), uow=uow)
    waiting = pledges.create_pledge(people["demo.nhataitro"], amount=1_000_000, province_code=66,
                                    today=date(2026, 8, 1), uow=uow)
    payments.record_payment(people["demo.tinh"], waiting.code, amount=100_000, method="cash", paid_on=TODAY,
                            today=TODAY, uow=uow)
    assert pledges.expire_unpaid(people["demo.admin"], today=TODAY, uow=uow) == [old.code]
    late = reconcile.reconcile(people["demo.tinh"], statement(["24/11/2026", "1000000", old.code, "FT9"]), "sk.csv",
                               today=TODAY, uow=uow)
    assert late.matched == 1 and state(uow, old.code) == (1_000_000, "paid")


def test_amounts_beyond_any_real_pledge_are_refused(uow, people):
    with pytest.raises(InvalidInput, match="lớn hơn 1.000.000.000.000 ₫"):
        pledge(people, uow, amount=10**14)
