"""Help: a short guide for the visitor's role (what a working day holds, which page does what, with links to the
pages the role may open), and the support contact the administrator set. Open to everyone."""

import streamlit as st

from donation.access import app_settings
from donation.access.actors import ADMIN, COMMUNE_OFFICIAL, DONOR, NATIONAL_OFFICER, PROVINCE_OFFICER, ROLE_NAMES
from pages import _auth
from pages._nav import PAGES, visible_to

VISITOR = None
# Each role's working day: a sentence, then the pages it uses in the order it uses them, with what each is for.
GUIDES: dict[str | None, tuple[str, list[tuple[str, str]]]] = {
    VISITOR: ("Ai cũng xem được mức đóng BHYT, số liệu tài trợ công khai và kiểm tra một biên nhận. Muốn tài trợ, "
              "hãy đăng ký tài khoản nhà tài trợ (miễn phí) rồi cam kết số tiền hoặc số thẻ.", [
                  ("pages/premium_calculator.py", "Tính số tiền một thẻ BHYT theo diện, số thành viên và số tháng."),
                  ("pages/transparency.py", "Xem tiền đã nhận, đã phân bổ và số thẻ đã mua theo từng tỉnh."),
                  ("pages/verify.py", "Nhập số biên nhận hoặc quét mã QR trên biên nhận để biết biên nhận có thật."),
                  ("pages/register.py", "Đăng ký làm nhà tài trợ: cá nhân, doanh nghiệp, tổ chức hoặc ngân sách."),
                  ("pages/sign_in.py", "Đăng nhập nếu đã có tài khoản."),
              ]),
    DONOR: ("Cam kết một số tiền hoặc số thẻ, chuyển khoản bằng mã VietQR, rồi theo dõi tiền của bạn đến với ai.", [
        ("pages/pledge.py", "Cam kết tài trợ: chọn nơi giúp, diện người được giúp, số tiền hoặc số thẻ, số đợt nộp."),
        ("pages/pledges.py", "Xem các cam kết, quét mã VietQR để chuyển khoản, tải giấy xác nhận và biên nhận."),
        ("pages/hold_households.py", "Chọn hộ cụ thể để giúp và giữ chỗ trong khi chuyển tiền."),
        ("pages/transparency.py", "Xem số liệu công khai của cả chương trình."),
        ("pages/account.py", "Đổi mật khẩu và thông tin liên lạc của bạn."),
    ]),
    COMMUNE_OFFICIAL: ("Một ngày làm việc: lập hoặc nhập danh sách đề cử, niêm yết công khai tại xã, ghi ý kiến của "
                       "người dân, sửa những đề cử BHXH tỉnh trả lại.", [
                           ("pages/today.py", "Xem việc đang chờ: đề cử bị trả lại, sắp hết hạn duyệt."),
                           ("pages/nominate.py", "Đề cử một hộ gia đình: nhập từng thành viên."),
                           ("pages/import_nominations.py", "Nhập cả danh sách từ tệp Excel theo mẫu; xem lỗi từng "
                                                           "dòng trước khi lưu."),
                           ("pages/nominations.py", "Xem, sửa, rút đề cử; đọc ghi chú của BHXH tỉnh; gia hạn khi "
                                                    "sắp hết năm chương trình."),
                           ("pages/posting.py", "Niêm yết danh sách (in PDF để dán tại xã), ghi và giải quyết ý "
                                                "kiến trong thời gian niêm yết."),
                       ]),
    PROVINCE_OFFICER: ("Một ngày làm việc: xét duyệt đề cử của các xã, ghi và xác nhận tiền nộp (người ghi và người "
                       "xác nhận là hai cán bộ khác nhau), đối chiếu sao kê, phân bổ tiền, mua thẻ và phát biên nhận.", [
                           ("pages/today.py", "Xem việc đang chờ: đề cử chờ duyệt, tiền nộp chờ xác nhận, dòng sao kê."),
                           ("pages/review.py", "Duyệt, từ chối hoặc trả lại đề cử sau thời gian niêm yết."),
                           ("pages/payments.py", "Ghi tiền nộp, xác nhận khoản do cán bộ khác ghi, nhập sao kê ngân "
                                                 "hàng."),
                           ("pages/receipts.py", "In biên nhận, ghi số biên lai chính thức, đề nghị hủy biên nhận."),
                           ("pages/allocation.py", "Ghép tiền đã nhận với người đã được duyệt."),
                           ("pages/purchase_batches.py", "Lập đợt mua thẻ, chuyển tiền và nhập thẻ đã cấp."),
                           ("pages/report.py", "Báo cáo hằng ngày, hằng tuần."),
                       ]),
    NATIONAL_OFFICER: ("Một ngày làm việc: ghi và xác nhận tiền tài trợ cho cả nước, đối chiếu sao kê, phân bổ cho "
                       "các tỉnh và theo dõi báo cáo toàn quốc.", [
                           ("pages/today.py", "Xem việc đang chờ: tiền nộp chờ xác nhận, dòng sao kê."),
                           ("pages/payments.py", "Ghi tiền nộp, xác nhận khoản do cán bộ khác ghi, nhập sao kê."),
                           ("pages/receipts.py", "In và quản lý biên nhận của BHXH Việt Nam."),
                           ("pages/allocation.py", "Phân bổ tiền tài trợ cả nước."),
                           ("pages/report.py", "Báo cáo toàn quốc và từng tỉnh."),
                       ]),
    ADMIN: ("Quản trị viên tạo tài khoản và đặt lại mật khẩu, giữ các thiết lập (thời hạn, trọng số ưu tiên, người "
            "ký biên nhận, liên hệ hỗ trợ), quy định mức đóng, xã nghèo, tài khoản nhận tiền, và xem nhật ký.", [
                ("pages/today.py", "Xem tài khoản đang bị khóa và tình trạng nhật ký."),
                ("pages/admin_users.py", "Tìm người dùng, chọn trong bảng để vô hiệu hóa, cho hoạt động lại hoặc đặt lại mật khẩu."),
                ("pages/admin_settings.py", "Sửa thời hạn, trọng số ưu tiên, người ký biên nhận và liên hệ hỗ trợ."),
                ("pages/admin_rules.py", "Thêm quy định mức đóng mới và mức hỗ trợ của tỉnh."),
                ("pages/admin_communes.py", "Đánh dấu xã nghèo."),
                ("pages/admin_accounts.py", "Tài khoản ngân hàng nhận tiền của từng văn phòng."),
                ("pages/admin_audit.py", "Xem ai đã thay đổi gì, khi nào; kiểm tra chuỗi băm của nhật ký."),
            ]),
}
_SPECS = {spec.path: spec for spec in PAGES}

actor = _auth.require_page(__file__)
role = actor.role if actor else VISITOR
st.title("Hướng dẫn")
intro, steps = GUIDES.get(role, GUIDES[VISITOR])
st.subheader("Dành cho khách và nhà tài trợ" if role in (VISITOR, DONOR) else ROLE_NAMES[role])
st.markdown(intro)
for path, what in steps:
    spec = _SPECS[path]
    if not visible_to(spec, role):
        continue
    link, text = st.columns([1, 2], vertical_alignment="center")
    link.page_link(spec.path, label=spec.title, icon=spec.icon)
    text.markdown(what)
if role not in (VISITOR, DONOR):
    st.caption("Mọi thay đổi đều được ghi nhật ký. Thông tin cá nhân (CCCD, mã BHXH, ngày sinh) chỉ hiện trong phạm vi "
               "của bạn; đừng chép ra ngoài.")

st.subheader("Liên hệ hỗ trợ")
contact = app_settings.support_contact()
if any(contact.values()):
    lines = [contact["name"] or "Bộ phận hỗ trợ"]
    if contact["phone"]:
        lines.append(f"Điện thoại: {contact['phone']}")
    if contact["email"]:
        lines.append(f"Thư điện tử: {contact['email']}")
    st.text("\n".join(lines))
else:
    st.info("Quản trị viên chưa ghi liên hệ hỗ trợ. Cán bộ hỏi quản trị viên của đơn vị; nhà tài trợ liên hệ BHXH tỉnh "
            "nơi nhận cam kết.")
