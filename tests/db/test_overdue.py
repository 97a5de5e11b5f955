"""Overdue instalments and reminders through a real SMTP server on localhost (aiosmtpd)."""

from datetime import date, timedelta

import pytest

from donation.access import auth
from donation.common.mail import MailSettings
from donation.payments import payments
from donation.pledges import donors, overdue, pledges
from tests.smtp import smtp_server

MADE = date(2026, 10, 1)
TODAY = date(2026, 11, 25)


@pytest.fixture
def smtp():
    with smtp_server() as (inbox, port):
        yield inbox, MailSettings("127.0.0.1", port, "bhxh@example.vn", starttls=False)


@pytest.fixture
def plans(uow):
    tinh = auth.find_actor("demo.tinh", uow=uow)
    with_email = auth.find_actor("demo.nhataitro", uow=uow)  # nhataitro@example.com
    by_phone = donors.register(kind="individual", username="ong.ba", password="Mat-khau-dai-du",
                               fields={"name": "Ông Ba", "phone": "0912000111"}, public=False, today=MADE, uow=uow)
    first = pledges.create_pledge(with_email, amount=3_000_000, province_code=66, today=MADE, uow=uow,
                                  instalments=[(1_000_000, date(2026, 10, 10)), (1_000_000, date(2026, 11, 10)),
                                               (1_000_000, date(2026, 12, 10))])
    second = pledges.create_pledge(by_phone, amount=500_000, province_code=66, today=MADE, uow=uow,
                                   instalments=[(250_000, date(2026, 10, 20)), (250_000, date(2026, 12, 20))])
    return tinh, first, second


def test_the_overdue_list_follows_the_money(uow, plans):
    tinh, first, second = plans
    rows = overdue.overdue(tinh, today=TODAY, uow=uow)
    assert [(r.pledge_code, r.number, r.owed) for r in rows] == [
        (first.code, 1, 1_000_000), (second.code, 1, 250_000), (first.code, 2, 1_000_000)]
    assert rows[0].days_late == 46
    paid = payments.record_payment(tinh, first.code, amount=1_200_000, method="cash", paid_on=TODAY, today=TODAY,
                                   uow=uow)
    auth.create_user(auth.find_actor("demo.admin", uow=uow), username="tinh.hai", password="Mat-khau-dai-du",
                     role="province_officer", province_code=66, uow=uow)
    payments.confirm_payment(auth.find_actor("tinh.hai", uow=uow), paid.id, uow=uow)
    rows = overdue.overdue(tinh, today=TODAY, uow=uow)
    assert [(r.pledge_code, r.number, r.owed) for r in rows] == [(second.code, 1, 250_000), (first.code, 2, 800_000)]
    assert overdue.overdue(auth.find_actor("demo.quocgia", uow=uow), today=TODAY, uow=uow) == []


def test_reminders_go_by_smtp_once_a_week_to_donors_with_an_address(uow, plans, smtp):
    inbox, settings = smtp
    tinh, first, _ = plans
    dry = overdue.remind(tinh, today=TODAY, dry_run=True, mail_settings=settings, uow=uow)
    assert dry.as_dict() == {"overdue": 3, "emailed": 0, "without_email": 1, "recently_reminded": 0,
                             "dry_run": True, "smtp": True}
    assert inbox.messages == []
    sent = overdue.remind(tinh, today=TODAY, mail_settings=settings, uow=uow)
    assert (sent.emailed, sent.without_email) == (2, 1)
    assert [to for to, _ in inbox.messages] == [["nhataitro@example.com"], ["nhataitro@example.com"]]
    letter = inbox.messages[0][1]
    assert letter["Subject"] == f"Nhắc nộp đợt 1 cam kết {first.code}"
    body = letter.get_content()
    assert "1.000.000 ₫" in body and f"{first.code} DOT 1" in body and "10/10/2026" in body
    again = overdue.remind(tinh, today=TODAY + timedelta(days=3), mail_settings=settings, uow=uow)
    assert (again.emailed, again.recently_reminded) == (0, 2) and len(inbox.messages) == 2
    week_later = overdue.remind(tinh, today=TODAY + timedelta(days=7), mail_settings=settings, uow=uow)
    assert week_later.emailed == 2 and len(inbox.messages) == 4


def test_without_smtp_the_list_is_the_reminder(uow, plans):
    tinh, _, _ = plans
    result = overdue.remind(tinh, today=TODAY, mail_settings=None, uow=uow)
    assert (result.overdue, result.emailed, result.smtp) == (3, 0, False)


def test_home_pages_say_what_the_money_needs(uow, plans):
    from donation.reporting import today as home

    tinh, first, _ = plans
    payments.record_payment(tinh, first.code, amount=100_000, method="cash", paid_on=TODAY, today=TODAY, uow=uow)
    work = {item.key: item for item in home.overview(tinh, TODAY, uow=uow).work}
    assert (work["payments"].count, work["payments"].detail) == (1, "1 do bạn ghi: một cán bộ khác xác nhận")
    assert (work["overdue"].count, work["overdue"].detail) == (3, "2 cam kết, còn thiếu 2.250.000 ₫; quá hạn lâu "
                                                                  "nhất 46 ngày")
    facts = dict(home.overview(auth.find_actor("demo.nhataitro", uow=uow), TODAY, uow=uow).facts)
    assert facts["Cam kết của bạn"] == "1 cam kết, 3.000.000 ₫" and facts["Còn phải nộp"] == "3.000.000 ₫"


def test_a_server_that_cannot_encrypt_gets_no_letter_when_starttls_is_asked(uow, plans, smtp):
    import smtplib

    inbox, settings = smtp
    tinh, _, _ = plans
    wanted = MailSettings(settings.host, settings.port, settings.sender, starttls=True)
    with pytest.raises(smtplib.SMTPNotSupportedError):
        overdue.remind(tinh, today=TODAY, mail_settings=wanted, uow=uow)
    assert inbox.messages == []
