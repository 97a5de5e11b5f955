"""Import a nomination spreadsheet: template, preview with every error, then save the valid rows in one go."""

import pandas as pd
import streamlit as st

from donation.common.errors import DonationError
from donation.registry import nominations
from pages import _auth, _widgets
from pages._plain import plain

actor = _auth.require_page(__file__)
st.title("Nhập danh sách từ Excel")
st.download_button("Tải tệp mẫu (.xlsx)", data=nominations.template_xlsx, file_name="mau-de-cu-the-bhyt.xlsx",
                   on_click="ignore", key="import.template")
commune = _widgets.commune_picker(actor, "import.commune")
upload = st.file_uploader("Tệp danh sách (.xlsx, .xls, .ods, .csv; tối đa 10 MB)",
                          type=["xlsx", "xls", "ods", "csv"], key="import.file")
if commune is None or upload is None:
    st.stop()
confirm = st.checkbox("Tôi đã kiểm tra: những người trùng họ tên và ngày sinh với người đã có là người khác",
                      key="import.confirm")
consent = st.checkbox("Tôi xác nhận những người trong danh sách (hoặc người giám hộ) đã đồng ý cho sử dụng thông tin "
                      "cá nhân để làm thẻ BHYT", key="import.consent")
try:
    report = nominations.import_nominations(actor, upload.getvalue(), upload.name, commune_code=commune, dry_run=True,
                                         consent=consent, confirm_similar=confirm)
except DonationError as exc:
    st.error(plain(exc))
    st.stop()

left, middle, right = st.columns(3)
left.metric("Dòng có dữ liệu", report.rows)
middle.metric("Hợp lệ", len(report.accepted))
right.metric("Bị từ chối", report.rejected_rows)


def issues_table(issues):
    return pd.DataFrame({"Dòng": [i.row for i in issues], "Cột": [i.column for i in issues],
                         "Vấn đề và cách sửa": [i.message for i in issues]})


if report.errors:
    st.subheader("Lỗi (các dòng này không được lưu)")
    st.dataframe(issues_table(report.errors), hide_index=True, width="stretch")
    st.download_button("Tải danh sách lỗi (.xlsx)", data=nominations.errors_xlsx(report),
                       file_name="loi-danh-sach-de-cu.xlsx", on_click="ignore", key="import.errors")
if report.warnings:
    st.subheader("Cảnh báo (vẫn lưu, nên kiểm tra)")
    st.dataframe(issues_table(report.warnings), hide_index=True, width="stretch")
if report.accepted:
    st.subheader("Các dòng hợp lệ")
    st.dataframe(pd.DataFrame({"Dòng": [c.row for c in report.accepted], "Họ và tên": [c.full_name for c in report.accepted],
                               "Năm sinh": [c.birth_date.year for c in report.accepted],
                               "Mã hộ": [c.household_key for c in report.accepted],
                               "Nhóm": [c.group for c in report.accepted]}), hide_index=True, width="stretch")
    if st.button(f"Lưu {len(report.accepted)} dòng hợp lệ", type="primary", key="import.save"):
        try:
            saved = nominations.import_nominations(actor, upload.getvalue(), upload.name, commune_code=commune,
                                                consent=consent, confirm_similar=confirm)
        except DonationError as exc:
            st.error(plain(exc))
        else:
            st.success(f"Đã lưu {len(saved.accepted)} người vào danh sách đề cử.")
