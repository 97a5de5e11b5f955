"""Import a nomination spreadsheet: template, preview with every error, then save the valid rows in one go.

A household one of whose rows is refused is held back whole unless the official chooses to save its valid rows; the
rows not saved download in the template's layout with the reason, to be corrected and imported again.
"""

import pandas as pd
import streamlit as st

from donation.common.errors import DonationError
from donation.premium.rule_data import GROUP_NAMES
from donation.registry import nominations
from pages import _auth, _widgets
from pages._plain import plain

KEEP_WHOLE, SAVE_VALID = "whole", "valid"
HOUSEHOLD_CHOICES = {KEEP_WHOLE: "Bỏ qua cả hộ có dòng lỗi (nên chọn: sửa rồi nhập lại cả hộ)",
                     SAVE_VALID: "Lưu các dòng hợp lệ, kể cả khi người cùng hộ bị từ chối"}
WIDE = {"Vấn đề và cách sửa": st.column_config.TextColumn(width="large"),
        "Dòng": st.column_config.NumberColumn(width="small", format="%d"),
        "Cột": st.column_config.TextColumn(width="small")}

actor = _auth.require_page(__file__)
st.title("Nhập danh sách từ Excel")
st.download_button("Tải tệp mẫu (.xlsx)", data=nominations.template_xlsx, file_name="mau-de-cu-the-bhyt.xlsx",
                   on_click="ignore", key="import.template")
commune = _widgets.commune_picker(actor, "import.commune")
upload = st.file_uploader("Tệp danh sách (.xlsx, .xls, .ods, .csv; tối đa 10 MB)",
                          type=["xlsx", "xls", "ods", "csv"], key="import.file")
if commune is None or upload is None:
    st.stop()
households = st.radio("Khi một người trong hộ bị từ chối", list(HOUSEHOLD_CHOICES), format_func=HOUSEHOLD_CHOICES.get,
                      key="import.households")
keep_whole = households != SAVE_VALID
confirm = st.checkbox("Tôi đã kiểm tra: những người trùng họ tên và ngày sinh với người đã có là người khác",
                      key="import.confirm")
consent = st.checkbox("Tôi xác nhận những người trong danh sách (hoặc người giám hộ) đã đồng ý cho sử dụng thông tin "
                      "cá nhân để làm thẻ BHYT", key="import.consent")
try:
    report = nominations.import_nominations(actor, upload.getvalue(), upload.name, commune_code=commune, dry_run=True,
                                         consent=consent, confirm_similar=confirm, keep_households=keep_whole)
except DonationError as exc:
    st.error(plain(exc))
    st.stop()

first, second, third, fourth = st.columns(4)
first.metric("Dòng có dữ liệu", report.rows)
second.metric("Hợp lệ", len(report.accepted))
third.metric("Bị từ chối", report.rejected_rows)
fourth.metric("Giữ lại cùng hộ", len(report.held))


def issues_table(issues):
    return pd.DataFrame({"Dòng": [i.row for i in issues], "Cột": [i.column or "Cả dòng" for i in issues],
                         "Vấn đề và cách sửa": [i.message for i in issues]})


if report.split:
    if report.held:
        st.subheader("Hộ giữ lại: chưa lưu cả hộ")
        st.caption("Mỗi hộ dưới đây có người bị từ chối, nên những người hợp lệ của hộ cũng chưa được lưu. Tải các dòng "
                   "chưa lưu, sửa dòng lỗi rồi nhập lại tệp đó: cả hộ được lưu cùng nhau.")
    else:
        st.subheader("Hộ sẽ lưu thiếu người")
        st.caption("Những người hợp lệ của các hộ này được lưu; người bị từ chối phải đề cử sau, thành một hộ khác.")
    st.dataframe(pd.DataFrame({
        "Mã hộ": [h.key for h in report.split],
        "Dòng hợp lệ": [", ".join(map(str, h.valid_rows)) for h in report.split],
        "Dòng bị từ chối": [", ".join(map(str, h.refused_rows)) for h in report.split],
        "Vì sao": ["; ".join(h.reasons) for h in report.split],
    }), hide_index=True, width="stretch", column_config={"Vì sao": st.column_config.TextColumn(width="large")})
if report.errors:
    st.subheader("Lỗi (các dòng này không được lưu)")
    st.dataframe(issues_table(report.errors), hide_index=True, width="stretch", column_config=WIDE)
if report.cells:
    left, right = st.columns(2)
    left.download_button(f"Tải {len(report.cells)} dòng chưa lưu để sửa (.xlsx)", type="primary",
                         data=lambda: nominations.refused_xlsx(report), file_name="dong-chua-luu-de-sua.xlsx",
                         on_click="ignore", key="import.refused", width="stretch",
                         help="Đúng mẫu nhập, giữ nguyên dữ liệu của tệp, thêm cột «Vì sao chưa lưu»: sửa rồi nhập lại")
    right.download_button("Tải danh sách lỗi và cảnh báo (.xlsx)", data=lambda: nominations.errors_xlsx(report),
                          file_name="loi-danh-sach-de-cu.xlsx", on_click="ignore", key="import.errors",
                          width="stretch")
if report.warnings:
    st.subheader("Cảnh báo (vẫn lưu, nên kiểm tra)")
    st.dataframe(issues_table(report.warnings), hide_index=True, width="stretch", column_config=WIDE)
if report.accepted:
    st.subheader("Các dòng hợp lệ")
    st.dataframe(pd.DataFrame({
        "Dòng": [c.row for c in report.accepted], "Họ và tên": [c.full_name for c in report.accepted],
        "Năm sinh": [c.birth_date.year for c in report.accepted], "Mã hộ": [c.household_key for c in report.accepted],
        "Quan hệ": [c.relation for c in report.accepted], "Nhóm": [GROUP_NAMES[c.group] for c in report.accepted],
    }), hide_index=True, width="stretch",
        column_config={"Dòng": WIDE["Dòng"], "Năm sinh": st.column_config.NumberColumn(format="%d")})
    if st.button(f"Lưu {len(report.accepted)} dòng hợp lệ", type="primary", key="import.save"):
        try:
            saved = nominations.import_nominations(actor, upload.getvalue(), upload.name, commune_code=commune,
                                                consent=consent, confirm_similar=confirm, keep_households=keep_whole)
        except DonationError as exc:
            st.error(plain(exc))
        else:
            st.success(f"Đã lưu {len(saved.accepted)} người vào danh sách đề cử.")
elif report.rows:
    st.info("Chưa có dòng nào lưu được: sửa các dòng trên rồi chọn lại tệp.")
