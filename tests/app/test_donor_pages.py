"""A donor's screens through AppTest: the home page's way in, the pledges list acted on by selecting a row (no
cancel form on a paid pledge), what the sheet asks while a payment waits, a forgotten password, and the donor's own
phone and e-mail."""

import re
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from demo.seed import DEMO_PASSWORD
from donation.access import auth
from donation.payments import payments
from donation.pledges import donors, pledges
from tests.app.conftest import ENTRY, as_read, select_rows
from tests.app.test_pledge_pages import copy_values, images
from tests.app.test_sign_in import open_page, sign_in

pytestmark = pytest.mark.app


def test_a_visitor_is_led_from_the_home_page_to_registration(app):
    at = open_page(app, "pages/home.py")
    assert at.button(key="home.donate").label == "Đóng góp ngay"
    at.button(key="home.donate").click()
    at.run()
    assert not at.exception and at.title[0].value == "Đăng ký nhà tài trợ"


def test_a_signed_in_donor_goes_straight_to_the_pledge_form(app):
    at = open_page(sign_in(app, "demo.nhataitro", DEMO_PASSWORD), "pages/home.py")
    at.button(key="home.donate").click()
    at.run()
    assert not at.exception and at.title[0].value == "Cam kết tài trợ"


def test_a_commune_official_is_offered_no_pledge_form(app):
    at = open_page(sign_in(app, "demo.xa", DEMO_PASSWORD), "pages/home.py")
    assert not [b for b in at.button if b.key == "home.donate"]


def pay(code: str, amount: int, *, confirm: bool) -> None:
    admin = auth.find_actor("demo.admin")
    if "tinh.hai" not in [u.username for u in auth.list_users(admin)]:
        auth.create_user(admin, username="tinh.hai", password="Mat-khau-dai-du", role="province_officer",
                         province_code=66)
    paid = payments.record_payment(auth.find_actor("demo.tinh"), code, amount=amount, method="cash",
                                   paid_on=date.today(), today=date.today())
    if confirm:
        payments.confirm_payment(auth.find_actor("tinh.hai"), paid.id)


def test_the_donor_selects_a_pledge_a_paid_one_has_no_cancel_form(app):
    donor = auth.find_actor("demo.nhataitro")
    paid = pledges.create_pledge(donor, amount=1_000_000, province_code=66, today=date.today())
    pay(paid.code, 1_000_000, confirm=True)
    open_ = pledges.create_pledge(donor, amount=2_000_000, province_code=66, today=date.today())
    at = open_page(sign_in(app, "demo.nhataitro", DEMO_PASSWORD), "pages/pledges.py")
    table = at.dataframe[0].value
    assert list(table["Mã"]) == [open_.code, paid.code] and "Nhà tài trợ" not in table.columns
    assert not at.text_input and not at.selectbox(key="pledges.status").value  # no id to type
    select_rows(at, "pledges.table.None.1", 1)
    assert at.subheader[0].value == f"Cam kết {paid.code}" and not images(at)  # nothing due: no QR
    assert "Tải giấy xác nhận cam kết (PDF)" in [d.proto.label for d in at.get("download_button")]
    assert not [b for b in at.button if b.label == "Hủy cam kết này"]
    select_rows(at, "pledges.table.None.1", 0)
    assert at.subheader[0].value == f"Cam kết {open_.code}" and len(images(at)) == 1
    at.text_input(key="pledges.cancel_reason").input("Đổi ý")
    next(b for b in at.button if b.label == "Hủy cam kết này").click()
    at.run()
    assert [s.value for s in at.success] == [f"Đã hủy cam kết {open_.code}."]


def test_while_a_payment_waits_the_sheet_asks_only_for_the_rest(app):
    donor = auth.find_actor("demo.nhataitro")
    made = pledges.create_pledge(donor, amount=3_000_000, province_code=66, today=date.today())
    pay(made.code, 1_000_000, confirm=False)
    at = open_page(sign_in(app, "demo.nhataitro", DEMO_PASSWORD), "pages/pledges.py")
    assert list(at.dataframe[0].value["Còn phải nộp"]) == ["2.000.000 ₫"]
    select_rows(at, "pledges.table.None.1", 0)
    assert [w.value for w in at.warning] == ["Văn phòng đang chờ xác nhận 1.000.000 ₫ đã nộp: mã dưới đây chỉ yêu cầu "
                                             "phần còn lại, 2.000.000 ₫."]
    assert copy_values(at)[1:] == ["2000000", made.code]
    assert any("Chuyển khoản 2.000.000 ₫" in m.value for m in at.markdown)
    assert not [b for b in at.button if b.label == "Hủy cam kết này"]  # not while money waits for its check
    assert any("còn khoản nộp chờ xác nhận" in c.value for c in at.caption)


def test_a_donor_edits_their_phone_and_email(app):
    at = open_page(sign_in(app, "demo.nhataitro", DEMO_PASSWORD), "pages/account.py")
    assert at.text_input(key="account.email").value == "nhataitro@example.com"
    at.text_input(key="account.phone").input("0905 12 34 56")
    at.text_input(key="account.email").input("sai-dia-chi")
    next(b for b in at.button if b.label == "Lưu liên hệ").click()
    at.run()
    assert [as_read(e.value) for e in at.error] == ["Thư điện tử không đúng: ví dụ ten@example.com"]
    at.text_input(key="account.email").input("dung.pham@example.com")
    next(b for b in at.button if b.label == "Lưu liên hệ").click()
    at.run()
    assert as_read(at.success[0].value) == "Đã lưu liên hệ: 0905123456, dung.pham@example.com."
    assert donors.my_profile(auth.find_actor("demo.nhataitro")).email == "dung.pham@example.com"


def test_officials_have_no_contact_form(app):
    at = open_page(sign_in(app, "demo.tinh", DEMO_PASSWORD), "pages/account.py")
    assert not [b for b in at.button if b.label == "Lưu liên hệ"]


def test_a_forgotten_password_is_asked_for_and_answered_alike(app):
    at = open_page(app, "pages/sign_in.py")
    assert any(link.proto.label == "Quên mật khẩu?" for link in at.get("page_link"))
    at = open_page(app, "pages/reset_password.py")
    answers = []
    for address in ("nhataitro@example.com", "khong.ai@example.com"):
        at.text_input(key="reset.email").input(address)
        at.button[0].click()
        at.run()
        answers.append([s.value for s in at.success])
    assert answers[0] == answers[1] == [auth.RESET_ANSWER]


def test_a_reset_link_opens_the_form_once(app):
    letters = auth.request_password_reset("nhataitro@example.com")  # no mail server here: the letter is kept
    token = re.search(r"token=(\S+)", letters[0].body)[1]
    at = app
    at.switch_page("pages/reset_password.py")
    at.query_params["token"] = token  # as the link in the letter opens the page
    at.run()
    assert any("demo.nhataitro" in as_read(c.value) for c in at.caption)
    at.text_input(key="reset.new").input("Mat-khau-moi-2026")
    at.text_input(key="reset.again_password").input("Mat-khau-moi-2026")
    at.button[0].click()
    at.run()
    assert not at.exception
    assert as_read(at.success[0].value).startswith("Đã đặt mật khẩu mới cho tài khoản demo.nhataitro.")
    assert auth.sign_in("demo.nhataitro", "Mat-khau-moi-2026").actor.username == "demo.nhataitro"
    again = AppTest.from_file(ENTRY, default_timeout=60)  # the same link opened again, in another browser
    again.switch_page("pages/reset_password.py")
    again.query_params["token"] = token
    again.run()
    assert "không còn dùng được" in again.error[0].value
