"""A donor's own account against a real database and a real SMTP server on localhost (aiosmtpd): a forgotten
password reset by a one-time e-mailed link, their phone and e-mail, receipts e-mailed with the PDF attached, what a
pledge still asks for while a payment waits, and where cancelling is offered."""

import re
import time
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from db.models import PasswordReset, Receipt, UserSession
from donation.access import audit, auth
from donation.common.errors import Forbidden, InvalidInput
from donation.common.mail import MailSettings
from donation.payments import payments, receipts
from donation.pledges import donors, pledges
from tests.pdf import pdf_text
from tests.smtp import smtp_server

TODAY = date(2026, 11, 25)
NEW_PASSWORD = "Mat-khau-moi-2026"


@pytest.fixture
def smtp():
    with smtp_server() as (inbox, port):
        yield inbox, MailSettings("127.0.0.1", port, "bhxh@example.vn", starttls=False)


def wait_for(inbox, count: int) -> None:
    deadline = time.monotonic() + 10
    while len(inbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(inbox.messages) >= count


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.get_body(("plain",)).get_content())[0]


def events(uow, action):
    with uow as work:
        return audit.list_events(work.session, action=action)[1]


def test_a_reset_link_is_mailed_works_once_and_ends_the_other_sessions(uow, smtp):
    inbox, settings = smtp
    # signed in somewhere (a shared computer): the reset ends that session
    ticket = auth.sign_in("demo.nhataitro", "Demo@BHYT2026", uow=uow).ticket
    token = auth.open_session(ticket, uow=uow)
    assert auth.resolve_session(token, uow=uow) is not None

    letters = auth.request_password_reset(" NhaTaiTro@Example.com ", mail_settings=settings,
                                          public_url="https://bhyt.example.vn/", uow=uow)
    assert len(letters) == 1
    wait_for(inbox, 1)
    recipients, message = inbox.messages[0]
    assert recipients == ["nhataitro@example.com"]
    assert message["Subject"] == "Đặt lại mật khẩu Tặng thẻ BHYT"
    link = link_in(message)
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "bhyt.example.vn", "/reset_password")
    assert list(parse_qs(parts.query)) == ["token"]  # the token and nothing else: no name, no address
    secret = parse_qs(parts.query)["token"][0]
    assert len(secret) >= 40 and "demo.nhataitro" in message.get_body(("plain",)).get_content()
    with uow as work:  # only the token's SHA-256 is kept
        stored = work.session.exec(select(PasswordReset)).one()
        assert stored.token_hash != secret and len(stored.token_hash) == 64

    assert auth.reset_account(secret, uow=uow) == "demo.nhataitro"
    with pytest.raises(InvalidInput, match="ít nhất 10 ký tự"):
        auth.reset_with_token(secret, "ngan", uow=uow)
    assert auth.reset_with_token(secret, NEW_PASSWORD, uow=uow) == "demo.nhataitro"
    assert auth.resolve_session(token, uow=uow) is None  # the other session ended
    with uow as work:
        ended = work.session.exec(select(UserSession).where(UserSession.end_reason == "password_reset")).all()
        assert len(ended) == 1
    assert auth.sign_in("demo.nhataitro", NEW_PASSWORD, uow=uow).actor.username == "demo.nhataitro"
    with pytest.raises(InvalidInput, match="không còn dùng được"):  # once only
        auth.reset_with_token(secret, "Lan-thu-hai-2026", uow=uow)
    assert auth.reset_account(secret, uow=uow) is None
    assert events(uow, "request_password_reset") == 1 and events(uow, "reset_password_by_mail") == 1


def test_an_expired_link_is_refused_and_a_second_request_within_a_minute_sends_nothing(uow, smtp):
    inbox, settings = smtp
    then = datetime.now(UTC) - timedelta(minutes=31)
    letters = auth.request_password_reset("nhataitro@example.com", mail_settings=settings, uow=uow, now=then)
    wait_for(inbox, 1)
    secret = parse_qs(urlsplit(link_in(inbox.messages[0][1])).query)["token"][0]
    assert len(letters) == 1 and auth.reset_account(secret, uow=uow) is None
    with pytest.raises(InvalidInput, match="đã quá 30 phút"):
        auth.reset_with_token(secret, NEW_PASSWORD, uow=uow)
    assert auth.sign_in("demo.nhataitro", "Demo@BHYT2026", uow=uow)  # unchanged

    now = datetime.now(UTC)
    assert len(auth.request_password_reset("nhataitro@example.com", mail_settings=settings, uow=uow, now=now)) == 1
    assert auth.request_password_reset("nhataitro@example.com", mail_settings=settings, uow=uow,
                                       now=now + timedelta(seconds=20)) == []
    wait_for(inbox, 2)
    time.sleep(0.3)
    assert len(inbox.messages) == 2


def test_an_unknown_or_an_officials_address_gets_the_same_answer_and_no_letter(uow, smtp):
    inbox, settings = smtp
    for address in ("ai.do@example.com", "demo.tinh@example.com"):
        assert auth.request_password_reset(address, mail_settings=settings, uow=uow) == []
    with pytest.raises(InvalidInput, match="Ghi địa chỉ thư điện tử"):
        auth.request_password_reset("khong-phai-dia-chi", mail_settings=settings, uow=uow)
    time.sleep(0.3)
    assert inbox.messages == [] and events(uow, "request_password_reset") == 0
    with uow as work:
        assert work.session.exec(select(PasswordReset)).all() == []


def test_a_donor_edits_their_own_phone_and_email(uow):
    donor = auth.find_actor("demo.nhataitro", uow=uow)
    row = donors.update_contact(donor, phone="0905 111 222", email="Dung.Pham@Example.com", uow=uow)
    assert (row.phone, row.email) == ("0905111222", "dung.pham@example.com")
    with pytest.raises(InvalidInput, match="Số điện thoại không đúng.*Thư điện tử không đúng"):
        donors.update_contact(donor, phone="12345", email="dung@", uow=uow)
    with pytest.raises(InvalidInput, match="Cá nhân cần số điện thoại hoặc thư điện tử"):
        donors.update_contact(donor, phone="", email="", uow=uow)
    assert donors.my_profile(donor, uow=uow).phone == "0905111222"
    assert events(uow, "update_donor_contact") == 1
    officer = auth.find_actor("demo.tinh", uow=uow)
    with pytest.raises(Forbidden):
        donors.update_contact(officer, phone="0905111222", email="", uow=uow)


def test_a_receipt_is_mailed_with_its_pdf_when_issued(uow, people, smtp, monkeypatch):
    inbox, settings = smtp
    monkeypatch.setattr("donation.common.mail.MailSettings.from_settings", classmethod(lambda cls, s=None: settings))
    row = pledges.create_pledge(people["demo.nhataitro"], amount=2_000_000, province_code=66, today=TODAY, uow=uow)
    paid = payments.record_payment(people["demo.tinh"], row.code, amount=2_000_000, method="cash", paid_on=TODAY,
                                   today=TODAY, uow=uow)
    confirmed = payments.confirm_payment(people["tinh.hai"], paid.id, uow=uow)
    assert confirmed.receipt_mail == f"Đã gửi biên nhận {confirmed.receipt} (PDF) tới thư điện tử của nhà tài trợ."
    assert len(inbox.messages) == 1
    recipients, message = inbox.messages[0]
    assert recipients == ["nhataitro@example.com"]
    assert message["Subject"] == f"Biên nhận {confirmed.receipt} tài trợ thẻ BHYT: 2.000.000 ₫"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == f"bien-nhan-{confirmed.receipt}.pdf"
    data = attachment.get_content()
    assert data.startswith(b"%PDF")
    assert confirmed.receipt in pdf_text(data)
    (shown,) = receipts.receipts_of_pledge(people["demo.tinh"], row.code, uow=uow)
    assert shown.mail_state == "Đã gửi"


def test_a_mail_failure_never_undoes_the_receipt_and_the_office_is_told(uow, people):
    dead = MailSettings("127.0.0.1", 9, "bhxh@example.vn", starttls=False)  # nothing listens on port 9
    row = pledges.create_pledge(people["demo.nhataitro"], amount=1_000_000, province_code=66, today=TODAY, uow=uow)
    paid = payments.record_payment(people["demo.tinh"], row.code, amount=1_000_000, method="cash", paid_on=TODAY,
                                   today=TODAY, uow=uow)
    confirmed = payments.confirm_payment(people["tinh.hai"], paid.id, uow=uow)  # no server configured in tests
    assert "Chưa gửi được thư biên nhận" in confirmed.receipt_mail and "chưa cấu hình máy chủ thư" in \
        confirmed.receipt_mail
    again = receipts.mail_receipts(people["tinh.hai"], [confirmed.receipt], mail_settings=dead, uow=uow)
    assert again.failed == (confirmed.receipt,) and "máy chủ thư không nhận" in again.sentence
    with uow as work:
        receipt = work.session.exec(select(Receipt)).one()
        assert (receipt.status, receipt.mailed_at, receipt.mail_error) == ("valid", None, "Máy chủ thư không nhận")
    assert pledges.get_pledge(people["demo.tinh"], row.code, uow=uow).status == "paid"


def test_a_donor_without_an_email_gets_no_letter_and_no_message(uow, people, smtp):
    inbox, settings = smtp
    walk_in = donors.create_donor(people["demo.tinh"], kind="individual", fields={"name": "Ông Tư", "phone":
                                  "0912000222"}, public=False, today=TODAY, uow=uow)
    row = pledges.create_pledge(people["demo.tinh"], amount=500_000, province_code=66, donor_id=walk_in.id,
                                today=TODAY, uow=uow)
    paid = payments.record_payment(people["demo.tinh"], row.code, amount=500_000, method="cash", paid_on=TODAY,
                                   today=TODAY, uow=uow)
    number = payments.confirm_payment(people["tinh.hai"], paid.id, uow=uow).receipt
    mailing = receipts.mail_receipts(people["tinh.hai"], [number], mail_settings=settings, uow=uow)
    assert (mailing.sent, mailing.failed, mailing.without_email, mailing.sentence) == ((), (), 1, "")
    assert inbox.messages == []


def test_while_a_payment_waits_the_code_asks_only_for_the_rest(uow, people):
    row = pledges.create_pledge(people["demo.nhataitro"], amount=3_000_000, province_code=66, today=TODAY, uow=uow,
                                instalments=[(1_000_000, TODAY), (2_000_000, TODAY + timedelta(days=30))])
    payments.record_payment(people["demo.tinh"], row.code, amount=1_500_000, method="cash", paid_on=TODAY,
                            today=TODAY, uow=uow)
    sheet = pledges.confirmation(people["demo.nhataitro"], row.code, uow=uow)
    assert (sheet.pledge.awaiting, sheet.pledge.due_now, sheet.whole.amount) == (1_500_000, 1_500_000, 1_500_000)
    assert [code.amount if code else None for _, code in sheet.instalments] == [None, 1_500_000]
    assert pledges.cancel_refusal(people["demo.nhataitro"], sheet.pledge).endswith("trước khi hủy")
    payments.record_payment(people["demo.tinh"], row.code, amount=1_500_000, method="cash", paid_on=TODAY,
                            today=TODAY, uow=uow)
    sheet = pledges.confirmation(people["demo.nhataitro"], row.code, uow=uow)
    assert sheet.whole is None and all(code is None for _, code in sheet.instalments)
    with pytest.raises(InvalidInput, match="đã nộp đủ nếu khoản nộp đang chờ xác nhận được xác nhận"):
        pledges.payment_code(row.code, uow=uow)


def test_cancelling_is_offered_only_where_the_pledge_may_be_cancelled(uow, people):
    donor, office = people["demo.nhataitro"], people["demo.tinh"]
    fresh = pledges.create_pledge(donor, amount=1_000_000, province_code=66, today=TODAY, uow=uow)
    assert pledges.cancel_refusal(donor, fresh) is None
    part = pledges.create_pledge(donor, amount=2_000_000, province_code=66, today=TODAY, uow=uow)
    paid = payments.record_payment(office, part.code, amount=500_000, method="cash", paid_on=TODAY, today=TODAY,
                                   uow=uow)
    payments.confirm_payment(people["tinh.hai"], paid.id, uow=uow)
    part = pledges.get_pledge(donor, part.code, uow=uow)
    assert "liên hệ văn phòng BHXH" in pledges.cancel_refusal(donor, part)
    assert pledges.cancel_refusal(office, part) is None  # the office may, and decides about the money
    whole = pledges.create_pledge(donor, amount=1_000_000, province_code=66, today=TODAY, uow=uow)
    paid = payments.record_payment(office, whole.code, amount=1_000_000, method="cash", paid_on=TODAY, today=TODAY,
                                   uow=uow)
    payments.confirm_payment(people["tinh.hai"], paid.id, uow=uow)
    whole = pledges.get_pledge(office, whole.code, uow=uow)
    assert pledges.cancel_refusal(office, whole) == f"Cam kết {whole.code} đã nộp đủ: không hủy được"
    with pytest.raises(InvalidInput, match="không hủy được"):
        pledges.cancel_pledge(office, whole.code, "thử", uow=uow)
