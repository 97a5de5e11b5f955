"""Receipt screens through AppTest: anyone verifies a scanned link or a typed number; the office prints a batch and
two officers void a receipt; the donor finds their receipts and certificate on the pledge."""

from datetime import date

from streamlit.testing.v1 import AppTest

from demo.seed import DEMO_PASSWORD
from donation.access import auth, signing_keys
from donation.payments import payments
from donation.payments import receipt_signing as signing
from donation.pledges import pledges
from tests.app.conftest import ENTRY, select_rows
from tests.app.test_office_pages import table
from tests.app.test_pledge_pages import open_pledge
from tests.app.test_sign_in import open_page, sign_in


def confirmed(amount: int = 1_263_600) -> tuple[str, str]:
    """A pledge of the demo donor with a cash payment confirmed by a second officer: (pledge code, receipt)."""
    auth.create_user(auth.find_actor("demo.admin"), username="tinh.hai", password="Mat-khau-dai-du",
                     role="province_officer", province_code=66)
    made = pledges.create_pledge(auth.find_actor("demo.nhataitro"), amount=amount, province_code=66,
                                 today=date.today())
    recorded = payments.record_payment(auth.find_actor("demo.tinh"), made.code, amount=amount, method="cash",
                                       paid_on=date.today(), today=date.today())
    return made.code, payments.confirm_payment(auth.find_actor("tinh.hai"), recorded.id).receipt


def test_anyone_verifies_a_scanned_link_or_a_typed_number(app):
    _, number = confirmed()
    link = signing.verify_link("http://localhost:8501", signing_keys.signing_key(), number, 1_263_600,
                                       date.today())
    at = AppTest.from_file(ENTRY, default_timeout=60)
    for key, value in (("number", number), ("amount", "1263600"), ("date", f"{date.today():%Y-%m-%d}"),
                       ("sig", link.rsplit("sig=", 1)[1])):
        at.query_params[key] = value  # as the phone's camera opens the link
    at.run()
    at.switch_page("pages/verify.py")
    at.run()
    assert not at.exception
    assert at.success[0].value.startswith("**Biên nhận hợp lệ.**")
    shown = {row["Thông tin"]: row["Nội dung"] for row in at.table[0].value.to_dict("records")}
    assert shown == {"Số biên nhận": number, "Số tiền": "1.263.600 ₫", "Ngày nộp tiền": f"{date.today():%d/%m/%Y}",
                     "Văn phòng nhận": "BHXH Đắk Lắk", "Nhà tài trợ": "Phạm Thu Dung"}
    at.text_input(key="verify.text").input(link.replace("amount=1263600", "amount=9263600"))
    at.run()
    assert at.error[0].value.startswith("**Biên nhận không hợp lệ.** Chữ ký không khớp")
    at.text_input(key="verify.text").input(number)
    at.run()
    assert at.success and not at.error
    assert "BEGIN PUBLIC KEY" in at.code[0].value  # the key for checking offline


def test_the_office_prints_a_batch_and_two_officers_void_a_receipt(app):
    _, number = confirmed()
    at = open_page(sign_in(app, "demo.tinh", DEMO_PASSWORD), "pages/receipts.py")
    assert list(at.dataframe[0].value["Số"]) == [number]
    next(b for b in at.button if b.label == "In biên nhận").click()
    at.run()
    assert at.error[0].value == "Chọn khoảng ngày nộp tiền hoặc ghi danh sách số biên nhận cần in"
    at.text_input(key="receipts.since").input(f"{date.today():%d/%m/%Y}")
    next(b for b in at.button if b.label == "In biên nhận").click()
    at.run()
    assert not at.exception and not at.error
    (download,) = [d for d in at.get("download_button") if d.proto.label.startswith("Tải bien-nhan-")]
    assert download.proto.label == f"Tải bien-nhan-{number}.pdf (1 biên nhận)"
    at.text_input(key="receipts.since").input("31/02/2026")
    next(b for b in at.button if b.label == "In biên nhận").click()
    at.run()
    assert "Từ ngày" in at.error[0].value  # a wrong date is said, nothing printed
    select_rows(at, "receipts.list", 0)
    at.selectbox(key="receipts.void_reason").set_value("donor_details")
    at.text_input(key="receipts.void_note").input("Tên đúng là Phạm Thu Dung")
    next(b for b in at.button if b.label == "Đề nghị hủy biên nhận").click()
    at.run()
    assert at.success[0].value == f"Đã đề nghị hủy biên nhận {number}: chờ cán bộ khác xác nhận."
    select_rows(at, "receipts.voiding", 0)
    assert list(table(at, "receipts.voiding").value["Bạn xác nhận được"]) == ["Không: do bạn đề nghị"]
    assert at.button(key="receipts.void_confirm").disabled  # their own request: a second officer confirms it

    fresh = AppTest.from_file(ENTRY, default_timeout=60)  # a second browser, for the second officer
    fresh.run()
    other = open_page(sign_in(fresh, "tinh.hai", "Mat-khau-dai-du"), "pages/receipts.py")
    assert list(other.dataframe[-1].value["Điều cần sửa"]) == ["Tên đúng là Phạm Thu Dung"]
    select_rows(other, "receipts.voiding", 0)
    other.button(key="receipts.void_confirm").click()
    other.run()
    year = date.today().year
    assert other.success[0].value == f"Đã hủy biên nhận {number}; cấp lại số 66-{year}-000002."
    statuses = dict(zip(other.dataframe[0].value["Số"], other.dataframe[0].value["Trạng thái"], strict=True))
    assert statuses == {f"66-{year}-000002": "Còn hiệu lực", number: "Đã hủy"}


def test_the_donor_downloads_receipts_and_the_certificate_from_the_pledge(app):
    code, number = confirmed(500_000)
    at = open_page(sign_in(app, "demo.nhataitro", DEMO_PASSWORD), "pages/pledges.py")
    open_pledge(at, code)
    assert not at.exception
    labels = [d.proto.label for d in at.get("download_button")]
    assert f"Tải biên nhận {number} (PDF)" in labels and "Tải giấy chứng nhận tài trợ (PDF)" in labels
