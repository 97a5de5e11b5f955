"""Office screens through AppTest: the home page says what waits and links to where it is done; payments, queue
lines and receipts are acted on by selecting their row; a statement's one-slip code is offered and accepted."""

import re
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from demo.seed import DEMO_PASSWORD
from donation.access import auth
from donation.payments import payments
from donation.pledges import codes as pledge_codes
from donation.pledges import pledges
from tests.app.conftest import ENTRY, as_read, select_rows
from tests.app.test_sign_in import open_page, sign_in

pytestmark = pytest.mark.app
SECOND = "tinh.hai"


def second_officer() -> None:
    auth.create_user(auth.find_actor("demo.admin"), username=SECOND, password="Mat-khau-dai-du",
                     role="province_officer", province_code=66)


def table(at: AppTest, name: str):
    """The selectable table named `name` (its key carries what it lists after the name)."""
    (found,) = [d for d in at.dataframe if d.key and d.key.startswith(f"{name}.")]
    return found




def as_second_officer(path: str) -> AppTest:
    fresh = AppTest.from_file(ENTRY, default_timeout=60)  # a second browser
    fresh.run()
    return open_page(sign_in(fresh, SECOND, "Mat-khau-dai-du"), path)


def slipped(code: str) -> str:
    wrong = next(c for c in pledge_codes.ALPHABET if c != code[6])
    return code[:6] + wrong + code[7:]


def test_the_home_page_says_what_waits_and_links_to_the_page_that_does_it(app):
    second_officer()
    donor, tinh = auth.find_actor("demo.nhataitro"), auth.find_actor("demo.tinh")
    made = pledges.create_pledge(donor, amount=1_000_000, province_code=66, today=date.today())
    payments.record_payment(tinh, made.code, amount=400_000, method="cash", paid_on=date.today(),
                            today=date.today())
    at = open_page(sign_in(app, "demo.tinh", DEMO_PASSWORD), "pages/today.py")
    assert [m.label for m in at.metric] == ["Khoản nộp chờ xác nhận"]
    assert at.metric[0].value == "1"
    assert "1 do bạn ghi: một cán bộ khác xác nhận" in [as_read(c.value) for c in at.caption]
    (link,) = at.get("page_link")
    assert (link.proto.label, link.proto.page, link.proto.help) == (
        "Xác nhận khoản nộp", "payments", "Trang «Tiền nộp và sao kê», mục «Chờ xác nhận»")
    idle = next(c.value for c in at.caption if c.value.startswith("Không có: "))
    assert "đề cử chờ xét duyệt" in idle and "dòng sao kê chưa khớp" in idle

    other = as_second_officer("pages/today.py")
    assert "1 bạn xác nhận được" in [as_read(c.value) for c in other.caption]


def test_an_officer_selects_a_waiting_payment_and_confirms_it_but_not_their_own(app):
    second_officer()
    donor, tinh = auth.find_actor("demo.nhataitro"), auth.find_actor("demo.tinh")
    first = pledges.create_pledge(donor, amount=1_000_000, province_code=66, today=date.today())
    second = pledges.create_pledge(donor, amount=2_000_000, province_code=66, today=date.today())
    payments.record_payment(tinh, first.code, amount=400_000, method="cash", paid_on=date.today(), today=date.today())
    payments.record_payment(auth.find_actor(SECOND), second.code, amount=700_000, method="cash",
                            paid_on=date.today(), today=date.today())
    at = open_page(sign_in(app, "demo.tinh", DEMO_PASSWORD), "pages/payments.py")
    shown = table(at, "payments.waiting").value
    assert list(shown["Cam kết"]) == [first.code, second.code]
    assert list(shown["Bạn xác nhận được"]) == ["Không: do bạn ghi", "Có"]
    assert list(shown["Nhà tài trợ"]) == ["Phạm Thu Dung"] * 2
    assert not [b for b in at.button if b.key == "payments.confirm"]  # nothing selected: nothing to confirm

    select_rows(at, "payments.waiting", 0)
    assert at.button(key="payments.confirm").disabled  # their own record
    assert at.info[0].value.startswith("Khoản này do chính bạn ghi")
    select_rows(at, "payments.waiting", 1)
    assert at.button(key="payments.confirm").label == "Xác nhận đã nhận 700.000 ₫"
    at.button(key="payments.confirm").click()
    at.run()
    assert re.match(rf"Đã xác nhận 700\.000 ₫ cho cam kết {second.code}; biên nhận số 66-\d{{4}}-000001\.",
                    at.success[0].value)
    assert pledges.get_pledge(tinh, second.code).paid == 700_000
    # the list changed: nothing is selected, so no click can land on another payment
    assert list(table(at, "payments.waiting").value["Cam kết"]) == [first.code]
    assert not [b for b in at.button if b.key == "payments.confirm"]

    select_rows(at, "payments.waiting", 0)
    at.button(key="payments.reject").click()
    at.run()
    assert at.error[0].value == "Ghi lý do từ chối khoản nộp"
    at.text_input(key="payments.reject_reason").input("Ghi nhầm cam kết")
    at.button(key="payments.reject").click()
    at.run()
    assert at.success[0].value == f"Đã từ chối khoản 400.000 ₫ cho cam kết {first.code}."
    assert at.info[0].value == "Không có khoản nộp nào chờ xác nhận."


def test_a_statement_preview_lists_pledges_and_a_one_slip_code_is_accepted_with_one_click(app):
    donor = auth.find_actor("demo.nhataitro")
    paid = pledges.create_pledge(donor, amount=2_000_000, province_code=66, today=date.today())
    meant = pledges.create_pledge(donor, amount=1_500_000, province_code=66, today=date.today())
    typed = slipped(meant.code)
    day = f"{date.today():%d/%m/%Y}"
    sheet = (f"Ngày giao dịch,Số tiền,Nội dung,Mã giao dịch\n{day},2000000,{paid.code} ung ho,FT1\n"
             f"{day},500000,ung ho the bhyt {typed.lower()},FT2\n{day},150000,ung ho khong ma,FT3\n").encode()
    at = open_page(sign_in(app, "demo.tinh", DEMO_PASSWORD), "pages/payments.py")
    at.file_uploader(key="payments.statement").set_value(("sao-ke.csv", sheet, "text/csv"))
    at.run()
    assert not at.exception
    matched, unmatched = (d.value for d in at.dataframe if "Dòng" in d.value.columns)
    assert matched[["Cam kết", "Nhà tài trợ", "Số tiền", "Còn phải nộp (trước dòng này)"]].values.tolist() == [
        [paid.code, "Phạm Thu Dung", "2.000.000 ₫", "2.000.000 ₫"]]
    assert list(unmatched["Gợi ý"]) == [f"Có thể là mã {meant.code} (Phạm Thu Dung, còn phải nộp 1.500.000 ₫)", ""]
    assert list(unmatched["Vì sao chưa khớp"]) == [
        f"Mã {typed} sai ký tự kiểm tra (gõ nhầm?)", "Nội dung không có mã cam kết"]
    at.button(key="payments.save_statement").click()
    at.run()
    assert at.success[0].value.startswith("Đã lưu sao kê: 1 khoản nộp")
    assert pledges.get_pledge(donor, meant.code).paid == 0  # offered, never matched on a guess

    queue = table(at, "payments.queue").value
    assert list(queue["Gợi ý"]) == [f"Có thể là mã {meant.code} (Phạm Thu Dung, còn phải nộp 1.500.000 ₫)", ""]
    select_rows(at, "payments.queue", 0)
    offered = f"Có thể là mã {meant.code} (nội dung ghi {typed}): Phạm Thu Dung, còn phải nộp 1.500.000 ₫."
    assert [as_read(i.value) for i in at.info if "Có thể là mã" in i.value] == [offered]
    at.button(key=f"payments.accept.{_line_id(at)}.{meant.code}").click()
    at.run()
    assert re.fullmatch(rf"Đã gắn dòng sao kê 500\.000 ₫ ngày {day} vào cam kết {meant.code}; biên nhận số "
                        r"66-\d{4}-\d{6}\.", at.success[0].value)
    assert pledges.get_pledge(donor, meant.code).paid == 500_000
    assert list(table(at, "payments.queue").value["Nội dung"]) == ["ung ho khong ma"]

    select_rows(at, "payments.queue", 0)
    assert not [b for b in at.button if (b.key or "").startswith("payments.accept.")]  # no near code: no offer
    at.text_input(key="payments.not_ours_reason").input("Tiền của chương trình khác")
    at.button(key="payments.not_ours").click()
    at.run()
    assert at.success[0].value == f"Đã đánh dấu dòng sao kê 150.000 ₫ ngày {day}: không phải tiền tài trợ."
    assert "Không có dòng sao kê nào chờ xử lý." in [i.value for i in at.info]


def _line_id(at: AppTest) -> str:
    (key,) = [b.key for b in at.button if (b.key or "").startswith("payments.accept.")]
    return key.split(".")[2]


def test_an_officer_selects_a_receipt_to_print_it_and_record_the_office_number(app):
    second_officer()
    donor, tinh = auth.find_actor("demo.nhataitro"), auth.find_actor("demo.tinh")
    numbers = []
    for amount in (500_000, 800_000):
        made = pledges.create_pledge(donor, amount=amount, province_code=66, today=date.today())
        recorded = payments.record_payment(tinh, made.code, amount=amount, method="cash", paid_on=date.today(),
                                           today=date.today())
        numbers.append(payments.confirm_payment(auth.find_actor(SECOND), recorded.id).receipt)
    at = open_page(sign_in(app, "demo.tinh", DEMO_PASSWORD), "pages/receipts.py")
    listed = table(at, "receipts.list").value
    assert list(listed["Số"]) == numbers[::-1] and list(listed["Hình thức"]) == ["Tiền mặt tại văn phòng"] * 2
    assert not [b for b in at.button if b.key == "receipts.print_one"]  # nothing selected yet
    select_rows(at, "receipts.list", 1)
    assert at.markdown[-1].value.startswith(f"**Biên nhận {numbers[0]}** · 500.000 ₫")
    at.button(key="receipts.print_one").click()
    at.run()
    assert [d.proto.label for d in at.get("download_button") if d.proto.label.startswith("Tải biên nhận")] == [
        f"Tải biên nhận {numbers[0]} (PDF)"]
    at.text_input(key="receipts.official_number").input("BL 0001234")
    next(b for b in at.button if b.label == "Ghi số biên lai thu").click()
    at.run()
    assert at.success[0].value == f"Đã ghi biên lai thu số BL 0001234 cho biên nhận {numbers[0]}."
    shown = table(at, "receipts.list").value
    assert dict(zip(shown["Số"], shown["Biên lai thu"], strict=True))[numbers[0]] == "BL 0001234"
    assert dict(zip(shown["Số"], shown["Đã in"], strict=True))[numbers[0]] == 1
    # sent again by e-mail: without a mail server the office is told so, and the list keeps why
    assert dict(zip(shown["Số"], shown["Thư điện tử"], strict=True))[numbers[0]] == \
        "Chưa gửi: chưa cấu hình máy chủ thư"
    at.button(key="receipts.mail_one").click()
    at.run()
    assert at.success[0].value.startswith(f"Chưa gửi được thư biên nhận {numbers[0]} (chưa cấu hình máy chủ thư)")
