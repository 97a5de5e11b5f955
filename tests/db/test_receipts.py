"""Receipts against a real database: issued with each confirmation in its transaction, numbered without gaps per office
and year (also under 20 concurrent confirmations on PostgreSQL), voided by two officers and reissued, printed in
batches (copies marked), verified by link or number, online and offline."""

import io
import os
import re
import signal
import subprocess
import sys
import threading
import zipfile
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from db.models import Payment, Pledge, Receipt
from db.uow import UnitOfWork
from donation.access import audit, auth, signing_keys
from donation.common.errors import Forbidden, InvalidInput, NotFound
from donation.common.qr_images import read_qr
from donation.payments import payments, receipts, reconcile
from donation.payments import receipt_signing as signing
from donation.pledges import donors, pledges
from donation.reporting import today
from tests.db.test_payments import statement
from tests.pdf import page_images, page_texts

TODAY = date(2026, 11, 25)
ROOT = Path(__file__).resolve().parents[2]


def paid(people, uow, amount=1_000_000, *, on=TODAY, province=66, officers=("demo.tinh", "tinh.hai")):
    """A pledge with one cash payment confirmed by a second officer; returns (pledge code, receipt number)."""
    made = pledges.create_pledge(people["demo.nhataitro"], amount=amount, province_code=province, today=on, uow=uow)
    recorded = payments.record_payment(people[officers[0]], made.code, amount=amount, method="cash", paid_on=on,
                                       today=TODAY, uow=uow)
    return made.code, payments.confirm_payment(people[officers[1]], recorded.id, uow=uow).receipt


def in_force(uow):
    """(number, payment id, amount) of every receipt in force, and the confirmed payments."""
    with uow as work:
        held = [(r.number, r.payment_id, r.amount) for r in work.session.exec(
            select(Receipt).where(Receipt.status != "voided").order_by(Receipt.id))]
        confirmed = {p.id: p.amount for p in work.session.exec(select(Payment).where(Payment.status == "confirmed"))}
    return held, confirmed


def sequences(uow) -> dict[tuple[int, int], list[int]]:
    with uow as work:
        found: dict[tuple[int, int], list[int]] = {}
        for office, year, sequence in work.session.exec(select(Receipt.office_code, Receipt.year, Receipt.sequence)
                                                        .order_by(Receipt.sequence)):
            found.setdefault((office, year), []).append(sequence)
    return found


def test_confirming_a_payment_issues_its_receipt_in_the_same_transaction(uow, people):
    code, number = paid(people, uow)
    assert number == "66-2026-000001"
    second_code, second = paid(people, uow, amount=500_000)
    assert second == "66-2026-000002"
    held, confirmed = in_force(uow)
    assert {payment for _, payment, _ in held} == set(confirmed)  # every confirmed payment has its receipt
    shown = receipts.receipts_of_pledge(people["demo.nhataitro"], code, uow=uow)
    assert [(r.number, r.amount, r.status) for r in shown] == [("66-2026-000001", 1_000_000, "valid")]
    assert [p.receipt for p in payments.payments_of(people["demo.tinh"], code, uow=uow)] == [number]


def test_numbers_run_per_office_and_per_year_of_the_payment_date(uow, people):
    for name in ("hanoi.mot", "hanoi.hai"):
        auth.create_user(people["demo.admin"], username=name, password="Mat-khau-dai-du", role="province_officer",
                         province_code=1, uow=uow)
        people[name] = auth.find_actor(name, uow=uow)
    assert paid(people, uow, on=date(2025, 12, 31))[1] == "66-2025-000001"
    assert paid(people, uow)[1] == "66-2026-000001"
    assert paid(people, uow, on=date(2025, 12, 30))[1] == "66-2025-000002"
    assert paid(people, uow, province=1, officers=("hanoi.mot", "hanoi.hai"))[1] == "01-2026-000001"  # Hà Nội's office: its own sequence
    assert sequences(uow) == {(66, 2025): [1, 2], (66, 2026): [1], (1, 2026): [1]}


def test_a_statement_receipts_every_matched_line_in_date_order_and_linking_a_line_too(uow, people):
    codes = [pledges.create_pledge(people["demo.nhataitro"], amount=1_000_000, province_code=66, today=TODAY,
                                   uow=uow).code for _ in range(3)]
    data = statement(["24/11/2026", 1_000_000, f"ung ho {codes[0]}", "FT1"],
                     ["20/11/2026", 400_000, f"{codes[1].lower()} ung ho", "FT2"],
                     ["22/11/2026", 300_000, "khong co ma", "FT3"])
    report = reconcile.reconcile(people["demo.tinh"], data, "sk.csv", today=TODAY, uow=uow)
    assert (report.matched, report.unmatched) == (2, 1)
    with uow as work:
        numbered = {work.session.get(Payment, r.payment_id).bank_reference: r.number
                    for r in work.session.exec(select(Receipt))}
    assert numbered == {"FT2": "66-2026-000001", "FT1": "66-2026-000002"}  # the earlier payment first
    (line,), _ = reconcile.unmatched_lines(people["demo.tinh"], uow=uow)
    assert reconcile.link_line(people["tinh.hai"], line.id, codes[2], uow=uow) == "66-2026-000003"
    reconcile.reconcile(people["demo.tinh"], data, "sk.csv", today=TODAY, uow=uow)  # again: nothing new
    assert sequences(uow) == {(66, 2026): [1, 2, 3]}


def test_voiding_needs_a_second_officer_and_reissues_under_a_new_number(uow, people):
    code, number = paid(people, uow)
    with pytest.raises(InvalidInput, match="Chọn lý do hủy"):
        receipts.request_void(people["demo.tinh"], number, "sai tên", "Tên đúng là Trần Thị Kín", uow=uow)
    with pytest.raises(InvalidInput, match="Ghi rõ điều cần sửa"):
        receipts.request_void(people["demo.tinh"], number, "donor_details", "", uow=uow)
    receipts.request_void(people["demo.tinh"], number, "donor_details", "Tên đúng là Trần Thị Kín", uow=uow)
    (waiting,) = receipts.void_requests(people["tinh.hai"], uow=uow)
    assert (waiting.number, waiting.void_reason_name, waiting.void_note) == (
        number, "Sai thông tin nhà tài trợ", "Tên đúng là Trần Thị Kín")
    (voids,) = [item for item in today.overview(people["tinh.hai"], TODAY, uow=uow).work if item.key == "voids"]
    assert (voids.count, voids.detail) == (1, "1 bạn xác nhận được")
    with pytest.raises(Forbidden, match="một cán bộ khác"):
        receipts.decide_void(people["demo.tinh"], number, confirm=True, uow=uow)
    assert receipts.decide_void(people["demo.tinh"], number, confirm=False, uow=uow) is None  # withdrawn by its maker
    assert receipts.verify(number, uow=uow).status == "valid"
    receipts.request_void(people["tinh.hai"], number, "donor_details", "Tên đúng là Trần Thị Kín", uow=uow)
    assert receipts.decide_void(people["demo.tinh"], number, confirm=False, uow=uow) is None  # turned down
    receipts.request_void(people["tinh.hai"], number, "donor_details", "Tên đúng là Trần Thị Kín", uow=uow)
    with pytest.raises(InvalidInput, match="tối đa 64 ký tự"):
        receipts.decide_void(people["demo.tinh"], number, confirm=True, official_number="9" * 65, uow=uow)
    reissued = receipts.decide_void(people["demo.tinh"], number, confirm=True, official_number="BL-0099", uow=uow)
    assert reissued == "66-2026-000002"
    assert paid(people, uow)[1] == "66-2026-000003"  # the voided number is never reused
    shown = {r.number: r for r in receipts.receipts_of_pledge(people["demo.nhataitro"], code, uow=uow)}
    assert (shown[number].status, shown[number].void_reason_name) == ("voided", "Sai thông tin nhà tài trợ")
    assert (shown[reissued].status, shown[reissued].official_number) == ("valid", "BL-0099")
    checked = receipts.verify(number, uow=uow)
    assert (checked.valid, checked.status) == (False, "voided")
    assert checked.reason == f"Biên nhận đã bị hủy (sai thông tin nhà tài trợ); thay bằng biên nhận số {reissued}"
    assert "Kín" not in repr(checked)  # the officers' note never reaches the public page
    with uow as work:
        events, _ = audit.list_events(work.session, limit=500)
        assert events and all("Kín" not in repr(event) for event in events)  # nor the audit log
    with pytest.raises(InvalidInput, match="không chờ hủy"):
        receipts.decide_void(people["tinh.hai"], number, confirm=True, uow=uow)
    held, confirmed = in_force(uow)
    assert sorted(p for _, p, _ in held) == sorted(confirmed)  # still one receipt in force per payment


def test_the_database_refuses_a_second_receipt_in_force_for_one_payment(uow, people):
    _, number = paid(people, uow)
    with uow as work, pytest.raises(IntegrityError):
        first = work.session.exec(select(Receipt)).one()
        work.session.add(Receipt(office_code=66, year=2026, sequence=2, payment_id=first.payment_id,
                                 amount=first.amount, paid_on=first.paid_on))
        work.session.flush()


def test_the_office_receipt_number_is_recorded_once(uow, people):
    _, number = paid(people, uow)
    receipts.set_official_number(people["demo.tinh"], number, " BL/2026/ 0001 ", uow=uow)
    with pytest.raises(InvalidInput, match="đề nghị hủy biên nhận và cấp lại"):
        receipts.set_official_number(people["demo.tinh"], number, "BL2", uow=uow)
    (row,), _ = receipts.list_receipts(people["tinh.hai"], text=number, uow=uow)
    assert row.official_number == "BL/2026/ 0001"


def test_scope_a_donor_sees_only_their_receipts_and_an_officer_only_their_office(uow, people):
    code, number = paid(people, uow)
    stranger = donors.register(username="nha.tai.tro.khac", password="Mat-khau-dai-du", kind="individual",
                               fields={"name": "Trần Văn Khác", "phone": "0912345678"}, public=False, today=TODAY,
                               uow=uow)
    with pytest.raises(Forbidden):
        receipts.receipts_of_pledge(stranger, code, uow=uow)
    with pytest.raises(Forbidden):
        receipts.receipt_pdf(stranger, number, uow=uow)
    with pytest.raises(Forbidden):
        receipts.list_receipts(people["demo.tinh"], office=0, uow=uow)
    with pytest.raises(Forbidden):
        receipts.request_void(people["demo.quocgia"], number, "other", "Không phải của văn phòng này", uow=uow)
    assert receipts.list_receipts(people["demo.quocgia"], uow=uow) == ([], 0)


def test_a_batch_is_one_pdf_in_number_order_and_a_reprint_says_it_is_a_copy(uow, people):
    numbers = [paid(people, uow, amount=100_000 * (i + 1), on=date(2026, 11, 10 + i))[1] for i in range(4)]
    receipts.request_void(people["demo.tinh"], numbers[1], "damaged", "Máy in kẹt giấy", uow=uow)
    receipts.decide_void(people["tinh.hai"], numbers[1], confirm=True, uow=uow)
    seen: list[tuple[int, int]] = []
    printed = receipts.print_receipts(people["demo.tinh"], since=date(2026, 11, 10), until=date(2026, 11, 12),
                                      progress=lambda done, total: seen.append((done, total)), uow=uow)
    pages = page_texts(printed.data)
    assert printed.count == 3 and len(pages) == 3 and seen[-1] == (3, 3)
    assert "Số: 66-2026-000001" in pages[0] and "Số: 66-2026-000003" in pages[1]  # voided 000002 left out
    assert "Số: 66-2026-000005" in pages[2] and "BẢN SAO" not in "".join(pages)
    again = page_texts(receipts.print_receipts(people["demo.tinh"], numbers=[numbers[0]], uow=uow).data)
    assert "BẢN SAO" in again[0]
    with_voided = receipts.print_receipts(people["demo.tinh"], since=date(2026, 11, 11), until=date(2026, 11, 11),
                                          include_voided=True, paper="a4_two", uow=uow)
    (page,) = page_texts(with_voided.data)
    assert "ĐÃ HỦY: Bản in hỏng hoặc thất lạc" in page and "kẹt" not in page and "Số: 66-2026-000002" in page and "66-2026-000005" in page
    archive = zipfile.ZipFile(io.BytesIO(receipts.print_receipts(people["demo.tinh"], as_zip=True, uow=uow).data))
    assert sorted(archive.namelist()) == [f"bien-nhan-66-2026-00000{n}.pdf" for n in (1, 3, 4, 5)]
    with pytest.raises(NotFound, match="66-2026-000099"):
        receipts.print_receipts(people["demo.tinh"], numbers=["66-2026-000099"], uow=uow)
    with pytest.raises(NotFound, match="Không có biên nhận nào"):
        receipts.print_receipts(people["demo.tinh"], since=date(2026, 1, 1), until=date(2026, 1, 2), uow=uow)
    with pytest.raises(InvalidInput, match="sau đến ngày"):
        receipts.print_receipts(people["demo.tinh"], since=date(2026, 2, 1), until=date(2026, 1, 2), uow=uow)


def _link_of(data: bytes) -> str:
    (text,) = read_qr(page_images(data, scale=3)[0])
    return text


def test_the_printed_qr_verifies_and_any_change_is_refused(uow, people):
    _, number = paid(people, uow, amount=1_263_600)
    link = _link_of(receipts.receipt_pdf(people["demo.nhataitro"], number, uow=uow))
    fields = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    assert link.startswith("http://localhost:8501/verify?")
    assert set(fields) == {"number", "amount", "date", "sig"}  # nothing personal in the code
    assert (fields["number"], fields["amount"], fields["date"]) == (number, "1263600", "2026-11-25")
    good = receipts.verify(link, uow=uow)
    assert (good.valid, good.status, good.amount, good.paid_on) == (True, "valid", 1_263_600, TODAY)
    assert good.donor == "Phạm Thu Dung" and good.office == "BHXH Đắk Lắk"  # the demo donor is named publicly
    for changed in ({"amount": "12636000"}, {"date": "2026-11-24"}, {"number": "66-2026-000002"},
                    {"sig": fields["sig"][:-2] + ("AA" if fields["sig"][-2:] != "AA" else "BA")}):
        result = receipts.verify("?" + urlencode({**fields, **changed}), uow=uow)
        assert (result.valid, result.status) == (False, "not_genuine"), changed
        assert "Chữ ký không khớp" in result.reason
    forged_key = Ed25519PrivateKey.generate()
    forged = signing.verify_link("http://x", forged_key, number, 1_263_600, TODAY)
    assert receipts.verify(forged, uow=uow).status == "not_genuine"
    unknown = signing.verify_link("http://x", signing_keys.signing_key(), "66-2026-000777", 5, TODAY)
    assert "Không có biên nhận số 66-2026-000777" in receipts.verify(unknown, uow=uow).reason
    public = signing_keys.load_public_key(receipts.public_key_pem())
    offline = receipts.verify(link, public_key=public)
    assert (offline.valid, offline.amount) == (True, 1_263_600)
    assert receipts.verify(link.replace("1263600", "1263601"), public_key=public).status == "not_genuine"
    assert receipts.verify(number, public_key=public).status == "not_genuine"  # offline needs the signature
    assert receipts.verify("xin chào", uow=uow).status == "not_genuine"


def test_a_public_donor_is_named_on_the_verify_page_and_the_certificate_thanks_them(uow, people):
    walk_in = donors.create_donor(people["demo.tinh"], kind="organisation", public=True, today=TODAY, uow=uow,
                                  fields={"name": "Công ty TNHH Sông Ba", "tax_code": "0100109106",
                                          "representative": "Lê Văn An", "address": "Buôn Ma Thuột"})
    made = pledges.create_pledge(people["demo.tinh"], donor_id=walk_in.id, amount=2_000_000, province_code=66,
                                 groups=["near_poor"], today=TODAY, uow=uow)
    recorded = payments.record_payment(people["demo.tinh"], made.code, amount=2_000_000, method="cash",
                                       paid_on=TODAY, today=TODAY, uow=uow)
    number = payments.confirm_payment(people["tinh.hai"], recorded.id, uow=uow).receipt
    assert receipts.verify(number, uow=uow).donor == "Công ty TNHH Sông Ba"
    (page,) = page_texts(receipts.receipt_pdf(people["demo.tinh"], number, uow=uow))
    assert "Công ty TNHH Sông Ba (doanh nghiệp, tổ chức), Mã số thuế 0100109106" in page
    assert "Hai triệu đồng" in page and "Mua thẻ hộ cận nghèo 12 tháng tại Đắk Lắk" in page
    (certificate,) = page_texts(receipts.certificate(people["demo.tinh"], made.code, today=TODAY, uow=uow))
    assert "GIẤY CHỨNG NHẬN" in certificate and "Công ty TNHH Sông Ba" in certificate and number in certificate
    anonymous = donors.create_donor(people["demo.tinh"], kind="individual", public=False, today=TODAY, uow=uow,
                                    fields={"name": "Trần Thị Kín", "phone": "0912345678"})
    hidden = pledges.create_pledge(people["demo.tinh"], donor_id=anonymous.id, amount=300_000, province_code=66,
                                   today=TODAY, uow=uow)
    recorded = payments.record_payment(people["demo.tinh"], hidden.code, amount=300_000, method="cash",
                                       paid_on=TODAY, today=TODAY, uow=uow)
    shown = receipts.verify(payments.confirm_payment(people["tinh.hai"], recorded.id, uow=uow).receipt, uow=uow)
    assert shown.donor == "Nhà tài trợ ẩn danh" and "Trần Thị Kín" not in repr(shown)
    unpaid = pledges.create_pledge(people["demo.nhataitro"], amount=500_000, province_code=66, today=TODAY, uow=uow)
    with pytest.raises(InvalidInput, match="chưa có khoản nộp nào"):
        receipts.certificate(people["demo.nhataitro"], unpaid.code, today=TODAY, uow=uow)


ON_POSTGRES = pytest.mark.parametrize("database_url", [pytest.param("postgres", marks=pytest.mark.postgres)],
                                      indirect=True)


@ON_POSTGRES
def test_twenty_officers_confirming_at_once_share_no_number_and_skip_none(uow, people):
    checkers, waiting = [], []
    for index in range(20):
        name = f"kiem.tra.{index}"
        auth.create_user(people["demo.admin"], username=name, password="Mat-khau-dai-du", role="province_officer",
                         province_code=66, uow=uow)
        checkers.append(auth.find_actor(name, uow=uow))
        made = pledges.create_pledge(people["demo.nhataitro"], amount=100_000 + index, province_code=66, today=TODAY,
                                     uow=uow)
        waiting.append(payments.record_payment(people["demo.tinh"], made.code, amount=100_000 + index, method="cash",
                                               paid_on=TODAY, today=TODAY, uow=uow).id)
    start, numbers, failures = threading.Barrier(20), [], []

    def confirm(checker, payment_id):
        start.wait()
        try:
            numbers.append(payments.confirm_payment(checker, payment_id, uow=UnitOfWork(uow.engine)).receipt)
        except Exception as exc:  # noqa: BLE001  (reported below)
            failures.append(exc)

    threads = [threading.Thread(target=confirm, args=pair) for pair in zip(checkers, waiting, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(numbers) == [f"66-2026-{n:06d}" for n in range(1, 21)]
    with uow as work:
        assert work.session.exec(select(func.count()).select_from(Receipt)).one() == 20
        assert work.session.exec(select(func.sum(Pledge.paid))).one() == sum(100_000 + i for i in range(20))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(["hand", "statement", "void"]), st.integers(0, 3),
                                st.sampled_from([date(2025, 12, 31), date(2026, 1, 2), date(2026, 11, 20)])),
                      min_size=1, max_size=12))
def test_numbers_never_skip_and_each_confirmed_payment_has_one_receipt_in_force(uow, people, steps):
    """Any mix of hand-confirmed payments, statements and voids: per office and year the numbers are 1..n, every
    confirmed payment has exactly one receipt in force for its amount, and what is in force adds up to what was paid."""
    with uow as work:
        before = work.session.exec(select(func.count()).select_from(Payment)).one()
    for index, (kind, amount_step, on) in enumerate(steps):
        amount = 100_000 * (amount_step + 1)
        if kind == "hand":
            paid(people, uow, amount=amount, on=on)
        elif kind == "statement":
            made = pledges.create_pledge(people["demo.nhataitro"], amount=amount, province_code=66, today=on, uow=uow)
            reference = f"FT{before}{index}{amount_step}"
            reconcile.reconcile(people["demo.tinh"], statement([f"{on:%d/%m/%Y}", amount, made.code, reference]),
                                "s.csv", today=TODAY, uow=uow)
        else:
            rows, _ = receipts.list_receipts(people["demo.tinh"], status="valid", uow=uow)
            if rows:
                receipts.request_void(people["demo.tinh"], rows[-1].number, "other", "Kiểm thử hủy", uow=uow)
                receipts.decide_void(people["tinh.hai"], rows[-1].number, confirm=True, uow=uow)
    for run in sequences(uow).values():
        assert run == list(range(1, len(run) + 1))
    held, confirmed = in_force(uow)
    assert sorted(p for _, p, _ in held) == sorted(confirmed)
    assert all(amount == confirmed[payment] for _, payment, amount in held)
    with uow as work:
        assert sum(a for _, _, a in held) == work.session.exec(select(func.sum(Pledge.paid))).one()
        assert all(re.fullmatch(r"66-20(25|26)-\d{6}", n) for n, _, _ in held)


def test_the_migration_gives_payments_confirmed_before_receipts_theirs(engine, monkeypatch):
    """A database at revision 0008 with confirmed payments: upgrading numbers their receipts by office, year and
    date."""
    from alembic import command
    from sqlalchemy import text

    from db.migrate import alembic_config, upgrade
    from demo import seed
    from donation.access.offices import seed_offices
    from donation.access.units import load_units

    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0008")
    uow = UnitOfWork(engine)
    with uow as work:
        load_units(work.session)  # no premium rules: the models' rule tables have columns a 0008 database lacks
        seed_offices(work.session)
        work.commit()
    with monkeypatch.context() as patched:  # the audit head has columns since 0015 that a 0008 database lacks
        patched.setattr(audit, "record", lambda *args, **kwargs: None)
        seed.seed_demo(uow=uow)
    officer = auth.find_actor("demo.tinh", uow=uow)
    recorded = []
    # the tables as they were at 0008 (the models have moved on since): plain SQL
    with engine.begin() as connection:
        for index, (amount, on, status) in enumerate(((300_000, "2026-03-01", "confirmed"),
                                                      (200_000, "2025-12-31", "awaiting_confirmation"),
                                                      (100_000, "2026-01-05", "confirmed"))):
            pledge = connection.execute(text(
                "INSERT INTO pledge (code, donor_id, office_code, province_code, groups, months, amount, paid, "
                "quoted_on, rule_version, status, status_reason, created_at, updated_at) VALUES (:code, 1, 66, 66, "
                "'', 12, :amount, 0, :on, '2025-07', 'pledged', '', :at, :at) RETURNING id"),
                {"code": f"BHMIGRATE{index}", "amount": amount, "on": on, "at": "2026-11-25 00:00:00"}).scalar_one()
            recorded.append(connection.execute(text(
                "INSERT INTO payment (pledge_id, office_code, amount, method, paid_on, decision_number, note, source, "
                "status, recorded_by, recorded_at, rejection_reason) VALUES (:pledge, 66, :amount, 'cash', :on, '', "
                "'', 'manual', :status, :user, :at, '') RETURNING id"),
                {"pledge": pledge, "amount": amount, "on": on, "status": status, "user": officer.user_id,
                 "at": "2026-11-25 00:00:00"}).scalar_one())
    upgrade(engine)
    with uow as work:
        made = {r.payment_id: (r.number, r.amount, r.status) for r in work.session.exec(select(Receipt))}
    assert made == {recorded[2]: ("66-2026-000001", 100_000, "valid"),
                    recorded[0]: ("66-2026-000002", 300_000, "valid")}  # the unconfirmed one has none


def _print_count(uow, number: str) -> int:
    with uow as work:
        return work.session.exec(select(Receipt.print_count).where(receipts.by_number(number))).one()


def test_a_print_that_fails_gives_its_count_back_and_a_donor_always_gets_a_copy(uow, people, monkeypatch):
    _, number = paid(people, uow)
    with pytest.raises(InvalidInput, match="Khổ giấy"):
        receipts.print_receipts(people["demo.tinh"], numbers=[number], paper="a3", uow=uow)
    assert _print_count(uow, number) == 0
    with monkeypatch.context() as patched:
        patched.setattr(receipts, "receipts_pdf", lambda *a, **k: (_ for _ in ()).throw(OSError("đĩa đầy")))
        with pytest.raises(OSError):
            receipts.print_receipts(people["demo.tinh"], numbers=[number], uow=uow)
        with pytest.raises(OSError):
            receipts.receipt_pdf(people["demo.tinh"], number, uow=uow)
    assert _print_count(uow, number) == 0  # nobody got a page: the next print is still the original
    (donor_copy,) = page_texts(receipts.receipt_pdf(people["demo.nhataitro"], number, uow=uow))
    assert "BẢN SAO" in donor_copy and _print_count(uow, number) == 0  # the donor's download is not a print
    (original,) = page_texts(receipts.print_receipts(people["demo.tinh"], numbers=[number.replace("-0", "-00")],
                                                 uow=uow).data)  # 66-2026-0000001 names the same receipt
    assert "BẢN SAO" not in original and _print_count(uow, number) == 1
    with pytest.raises(Forbidden):
        receipts.receipt_pdf(people["demo.quocgia"], number, uow=uow)
    with pytest.raises(Forbidden):
        receipts.print_receipts(people["demo.quocgia"], office=66, uow=uow)


@ON_POSTGRES
def test_two_officers_printing_the_same_receipt_at_once_get_one_original(uow, people):
    numbers = [paid(people, uow, amount=100_000 + i)[1] for i in range(30)]
    start, pages, failures = threading.Barrier(4), [], []

    def print_all(officer):
        start.wait()
        try:
            pages.extend(page_texts(receipts.print_receipts(officer, numbers=numbers, uow=UnitOfWork(uow.engine)).data))
        except Exception as exc:  # noqa: BLE001  (reported below)
            failures.append(exc)

    threads = [threading.Thread(target=print_all, args=(people[n],)) for n in ("demo.tinh", "tinh.hai") * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and len(pages) == 4 * 30
    originals = [page for page in pages if "BẢN SAO" not in page]
    assert sorted(re.search(r"Số: (\S+)", page)[1] for page in originals) == sorted(numbers)  # one each


# The real command in a new process, killed (SIGKILL, nothing runs after it) as it draws its third receipt: the
# drawing is the real one, wrapped so that the kill lands at a known page rather than after a guessed delay.
KILLED_WHILE_DRAWING = """
import os, signal, sys
from donation.payments import receipt_pdf
from cli.commands import main
draw, drawn = receipt_pdf.draw_receipt, []
def draw_then_die(*args):
    drawn.append(args)
    if len(drawn) == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    draw(*args)
receipt_pdf.draw_receipt = draw_then_die
main(sys.argv[1:])
"""


def test_a_print_killed_while_drawing_counts_nothing_and_the_next_print_is_the_original(uow, people, tmp_path):
    numbers = [paid(people, uow, amount=100_000 + i)[1] for i in range(5)]
    out = tmp_path / "in" / "bien-nhan.pdf"
    out.parent.mkdir()
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_WHILE_DRAWING, "receipts", "print", "--province", "66", "--user", "demo.tinh",
         "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        env={**os.environ, "DATABASE_URL": uow.engine.url.render_as_string(hide_password=False)})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert list(out.parent.iterdir()) == []  # no file, not even a part of one
    assert [_print_count(uow, n) for n in numbers] == [0] * 5
    printed = receipts.print_receipts(people["demo.tinh"], office=66, out=out, uow=uow)
    pages = page_texts(out.read_bytes())
    assert out.read_bytes() == printed.data and [p.name for p in out.parent.iterdir()] == ["bien-nhan.pdf"]
    assert len(pages) == 5 and not any("BẢN SAO" in page for page in pages)
    assert [_print_count(uow, n) for n in numbers] == [1] * 5


def test_an_original_printed_by_someone_else_while_drawing_is_drawn_again_as_a_copy(uow, people):
    numbers = [paid(people, uow, amount=100_000 + i)[1] for i in range(3)]
    meanwhile = []

    def another_officer_prints(done: int, total: int) -> None:
        if not meanwhile:  # while the first run draws, a second one prints the last receipt, start to finish
            meanwhile.append(receipts.receipt_pdf(people["tinh.hai"], numbers[-1], uow=UnitOfWork(uow.engine)))

    printed = receipts.print_receipts(people["demo.tinh"], numbers=numbers, progress=another_officer_prints, uow=uow)
    (theirs,) = page_texts(meanwhile[0])
    assert "BẢN SAO" not in theirs  # they finished first: theirs is the original
    assert ["BẢN SAO" in page for page in page_texts(printed.data)] == [False, False, True]
    assert [_print_count(uow, n) for n in numbers] == [1, 1, 2]
