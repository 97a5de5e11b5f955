"""Anyone (no sign-in): what the programme has raised and bought, for the nation, each province and the communes of
one; the donors who agreed to be named. Counts only, counts below 5 suppressed: nobody funded is identified.
Headline money is said short ("430,9 triệu ₫", never cut off on a narrow screen) with the exact amount under it."""

import pandas as pd
import streamlit as st

from donation.common.dates import today_vn
from donation.common.money import format_vnd, format_vnd_short
from donation.reporting import transparency
from donation.upkeep import setup
from pages import _auth

_auth.require_page(__file__)


@st.cache_data(ttl=300, show_spinner=False)
def public_figures(database: str, province: int | None, on) -> transparency.Public:
    # the same for every visitor (no sign-in): each replica counts at most once every five minutes per province;
    # the database is part of the key (tests run several in one process)
    return transparency.figures(province=province, on=on)


st.title("Công khai số liệu")
names = {"people_approved": "Người được duyệt", "people_funded": "Người được tài trợ",
         "people_carded": "Người đã có thẻ"}
province = st.session_state.get("public.province")
public = public_figures(setup.configured_database(), province, today_vn())
st.caption(f"Số liệu đến hết ngày {public.on:%d/%m/%Y}. Không có thông tin cá nhân của người được tài trợ: chỉ có "
           "số người; «•» là số được ẩn: số nhỏ hơn 5, và số ẩn thêm để không suy ra được số nhỏ đó.")


def percent(share: int | None) -> str:
    return "" if share is None else f"{share // 100},{share % 100:02d}%"


MONEY = (("pledged", "Tiền cam kết"), ("received", "Tiền đã nhận"), ("allocated", "Tiền đã phân bổ"),
         ("spent", "Tiền đã chi mua thẻ"))
for pair in (MONEY[:2], MONEY[2:]):  # two a row: a figure keeps its width on a laptop and on a phone
    for column, (key, label) in zip(st.columns(2), pair, strict=True):
        exact = format_vnd(public.money[key])
        column.metric(label, format_vnd_short(public.money[key]))
        column.caption(f"Chính xác: {exact}")
for column, key in zip(st.columns(3), names, strict=True):
    column.metric(names[key], public.counts[key].text)
if public.share_bp is not None:
    st.progress(public.share_bp / 10000, text=f"Người được duyệt đã được tài trợ: {percent(public.share_bp)}")

st.subheader("Theo tỉnh, thành phố")
st.caption("Tiền tính ở văn phòng BHXH nhận cam kết; người tính ở tỉnh của người được tài trợ.")
st.dataframe(pd.DataFrame({
    "Tỉnh/thành phố": [p.name for p in public.provinces],
    **{label: [p.counts[key].text for p in public.provinces] for key, label in names.items()},
    "Tiến độ": [(p.share_bp or 0) / 100 if p.share_bp is not None else None for p in public.provinces],
    "Tiền đã nhận": [format_vnd(p.money["received"]) for p in public.provinces],
    "Tiền đã chi mua thẻ": [format_vnd(p.money["spent"]) for p in public.provinces],
}), hide_index=True, width="stretch", key="public.provinces",
    column_config={"Tiến độ": st.column_config.ProgressColumn("Tiến độ", format="%.0f%%", min_value=0,
                                                             max_value=100)})
office = public.national_office
st.caption(f"BHXH Việt Nam (cam kết cả nước): đã nhận {format_vnd(office['received'])}, đã phân bổ "
           f"{format_vnd(office['allocated'])}, đã chi {format_vnd(office['spent'])}.")

choices = {p.code: p.name for p in public.provinces}
st.selectbox("Xem các xã của tỉnh", [None, *choices], key="public.province",
             format_func=lambda c: "Chọn tỉnh" if c is None else choices[c], placeholder="Chọn…")
if public.province is not None:
    if public.communes:
        st.dataframe(pd.DataFrame({
            "Xã/phường/đặc khu": [c.name for c in public.communes],
            **{label: [c.counts[key].text for c in public.communes] for key, label in names.items()},
            "Tiến độ": [(c.share_bp or 0) / 100 if c.share_bp is not None else None for c in public.communes],
        }), hide_index=True, width="stretch", key="public.communes",
            column_config={"Tiến độ": st.column_config.ProgressColumn("Tiến độ", format="%.0f%%", min_value=0,
                                                                     max_value=100)})
    else:
        st.info("Chưa có người được duyệt ở tỉnh này.")

st.subheader("Nhà tài trợ")
kinds = public.donors_by_kind
named_by_kind = {name: sum(1 for d in public.named if d.kind == name) for name in transparency.KINDS.values()}


def kind_count(key: str) -> str:
    """Its count; where the unnamed donors of the kind are hidden, the named ones (listed below) still counted."""
    name, count = transparency.KINDS[key], kinds[key]
    if count.value is None and named_by_kind[name]:
        return f"{named_by_kind[name]} công khai tên + {count.text}"
    return count.text


st.dataframe(pd.DataFrame({"Loại": list(transparency.KINDS.values()),
                           "Số nhà tài trợ": [kind_count(k) for k in transparency.KINDS]}), hide_index=True,
             key="public.kinds")
if any(count.value is None for count in kinds.values()):
    st.caption("«•»: loại có dưới 5 nhà tài trợ không công khai tên (hoặc số ẩn thêm để không suy ra được số đó). "
               "Nhà tài trợ đồng ý công khai tên luôn được tính và được nêu tên dưới đây.")
if public.named:
    st.markdown("**Nhà tài trợ đồng ý công khai tên**")
    st.dataframe(pd.DataFrame({"Nhà tài trợ": [d.name for d in public.named], "Loại": [d.kind for d in public.named],
                               "Cam kết": [format_vnd(d.pledged) for d in public.named],
                               "Đã nộp": [format_vnd(d.received) for d in public.named]}),
                 hide_index=True, width="stretch", key="public.named")
st.caption(f"Nhà tài trợ không công khai tên: {public.anonymous.text}, đã nộp {format_vnd(public.anonymous_received)}.")
