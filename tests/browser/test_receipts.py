"""The provincial officer prints a batch of receipts; anyone opens a receipt's QR link and sees that it is genuine."""

from datetime import date
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from db.engine import make_engine
from db.uow import UnitOfWork
from donation.access import auth
from donation.common.qr_images import read_qr
from donation.payments import payments
from donation.pledges import pledges
from tests.browser.conftest import screenshot, wait_for_app
from tests.browser.test_sign_in import sign_in
from tests.pdf import page_images, page_texts

pytestmark = pytest.mark.browser


def confirmed_payments(database: str, amounts: list[int]) -> list[str]:
    """Payments confirmed by two officers of Đắk Lắk, through the same services the pages call."""
    engine = make_engine(database)
    try:
        uow = UnitOfWork(engine)
        auth.create_user(auth.find_actor("demo.admin", uow=uow), username="ke.toan", password="Mat-khau-dai-du",
                         role="province_officer", province_code=66, uow=uow)
        donor, recorder, checker = (auth.find_actor(n, uow=uow) for n in ("demo.nhataitro", "demo.tinh", "ke.toan"))
        numbers = []
        for amount in amounts:
            made = pledges.create_pledge(donor, amount=amount, province_code=66, today=date.today(), uow=uow)
            recorded = payments.record_payment(recorder, made.code, amount=amount, method="cash",
                                               paid_on=date.today(), today=date.today(), uow=uow)
            numbers.append(payments.confirm_payment(checker, recorded.id, uow=uow).receipt)
        return numbers
    finally:
        engine.dispose()


def test_the_officer_prints_a_batch_and_anyone_verifies_a_receipt(app_server, app_database, page, browser,
                                                                   tmp_path):
    numbers = confirmed_payments(app_database, [1_263_600, 2_000_000])
    sign_in(page, app_server, "demo.tinh")
    page.goto(f"{app_server}/receipts")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Biên nhận")).to_be_visible()
    page.get_by_role("tab", name="In theo lô").click()
    page.get_by_label("Từ ngày nộp (dd/mm/yyyy)").fill(f"{date.today():%d/%m/%Y}")
    page.get_by_role("button", name="In biên nhận").click()
    button = page.get_by_role("button", name=f"Tải bien-nhan-{numbers[0]}-den-{numbers[1]}.pdf (2 biên nhận)")
    expect(button).to_be_visible(timeout=30_000)
    screenshot(page, "receipts-batch-printed")
    with page.expect_download() as waiting:
        button.click()
    path = tmp_path / "lo.pdf"
    waiting.value.save_as(path)
    texts = page_texts(path)
    assert len(texts) == 2 and f"Số: {numbers[0]}" in texts[0]
    (link,) = read_qr(page_images(path, scale=3)[0])
    assert link.startswith(f"{app_server}/verify?number={numbers[0]}&amount=1263600&")

    anyone = browser.new_context()  # a phone that scanned the code: nobody signed in
    try:
        visitor = anyone.new_page()
        visitor.goto(link)
        wait_for_app(visitor)
        expect(visitor.get_by_text("Biên nhận hợp lệ.")).to_be_visible()
        expect(visitor.get_by_text("1.263.600 ₫")).to_be_visible()
        screenshot(visitor, "receipt-verified")
        changed = link.replace("amount=1263600", "amount=9263600")
        visitor.goto(changed)
        wait_for_app(visitor)
        expect(visitor.get_by_text("Biên nhận không hợp lệ.")).to_be_visible()
        assert urlsplit(visitor.url).path == "/verify"
    finally:
        anyone.close()
