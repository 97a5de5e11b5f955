"""Nominate one household and its members by form; the same checks as the spreadsheet import."""

import streamlit as st

from donation.common.errors import DonationError
from donation.premium.rule_data import DONOR_GROUPS, GROUP_NAMES
from donation.registry import nominations
from donation.registry.nomination_rows import DAMAGE_NAMES, FLAG_NAMES
from pages import _auth, _widgets
from pages._plain import plain

actor = _auth.require_page(__file__)
st.title("Đề cử hộ gia đình")
commune = _widgets.commune_picker(actor, "nominate.commune")
count = st.number_input("Số người trong hộ được đề cử", min_value=1, max_value=20, value=1, step=1,
                        key="nominate.count")
if commune is None:
    st.stop()

with st.form("nominate.form"):
    village = st.text_input("Thôn/Tổ", key="nominate.village")
    members = []
    for index in range(int(count)):
        st.markdown(f"**Người thứ {index + 1}**")
        left, right = st.columns(2)
        members.append({
            "full_name": left.text_input("Họ và tên", key=f"nominate.{index}.name"),
            "birth_date": right.text_input("Ngày sinh (dd/mm/yyyy hoặc năm sinh)", key=f"nominate.{index}.birth"),
            "gender": left.selectbox("Giới tính", ["Nam", "Nữ"], key=f"nominate.{index}.gender", placeholder="Chọn…"),
            "relation": right.text_input("Quan hệ với chủ hộ", value="Chủ hộ" if index == 0 else "",
                                         key=f"nominate.{index}.relation"),
            "national_id": left.text_input("Số CCCD (12 chữ số)", key=f"nominate.{index}.cccd"),
            "social_insurance_code": right.text_input("Mã số BHXH (10 chữ số)", key=f"nominate.{index}.bhxh"),
            "group": left.selectbox("Nhóm", list(DONOR_GROUPS), format_func=GROUP_NAMES.get,
                                    key=f"nominate.{index}.group", placeholder="Chọn…"),
            "flood_damage": right.selectbox("Thiệt hại do bão lũ", [None, *DAMAGE_NAMES], key=f"nominate.{index}.damage",
                                            format_func=lambda k: "Không" if k is None else DAMAGE_NAMES[k], placeholder="Chọn…"),
            "need_flags": ";".join(left.multiselect("Hoàn cảnh", list(FLAG_NAMES), format_func=FLAG_NAMES.get,
                                                    key=f"nominate.{index}.flags", placeholder="Chọn hoàn cảnh")),
            "school": right.text_input("Trường (học sinh, sinh viên)", key=f"nominate.{index}.school"),
            "current_card_until": left.text_input("Hạn thẻ BHYT hiện tại (nếu có)", key=f"nominate.{index}.card"),
            "health_facility": right.text_input("Nơi KCB ban đầu (trống: trạm y tế xã)",
                                                key=f"nominate.{index}.facility"),
            "reason": st.text_input("Lý do đề cử", key=f"nominate.{index}.reason"),
        })
    consent = st.checkbox("Người được đề cử (hoặc người giám hộ) đã đồng ý cho sử dụng thông tin cá nhân",
                          key="nominate.consent")
    confirm = st.checkbox("Đã kiểm tra: người trùng họ tên và ngày sinh với người đã có là người khác",
                          key="nominate.confirm")
    submitted = st.form_submit_button("Gửi đề cử", type="primary")

if submitted:
    for member in members:
        member["village"] = village
    try:
        report = nominations.nominate_household(actor, commune_code=commune, members=members, consent=consent,
                                             confirm_similar=confirm)
    except DonationError as exc:
        st.error(plain(exc))
    else:
        for issue in report.errors:
            st.error(f"Người thứ {issue.row}, {issue.column or 'hồ sơ'}: {plain(issue.message)}")
        for issue in report.warnings:
            st.warning(f"Người thứ {issue.row}, {issue.column or 'hồ sơ'}: {plain(issue.message)}")
        if report.committed:
            st.success(f"Đã đề cử {len(report.accepted)} người; xem ở trang Danh sách đề cử.")
        elif not report.errors:
            st.error("Chưa lưu: kiểm tra lại các ô trên")
