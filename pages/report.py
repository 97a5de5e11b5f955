"""Reports (provincial and national officers): the daily or weekly figures of letter 3642/BHXH-TST with their change,
charts with their figures in a table beside each, every province side by side and the ranking for the nation, and
the report as Excel or PDF."""

import altair as alt
import pandas as pd
import streamlit as st

from donation.access.actors import PROVINCE_OFFICER
from donation.common.dates import today_vn
from donation.common.money import format_number, format_vnd
from donation.pledges.donors import KINDS
from donation.premium.rule_data import GROUP_NAMES
from donation.reporting import report_files, reports
from pages import _auth, _charts

actor = _auth.require_page(__file__)
st.title("Báo cáo")
st.caption("Số liệu tính đến hết ngày đã chọn (giờ Việt Nam). Tiền tính ở văn phòng nhận cam kết; người và thẻ ở "
           "tỉnh của người được tài trợ. Báo cáo tuần: từ thứ Bảy đến thứ Sáu.")
left, middle, right = st.columns(3)
kind = left.radio("Loại báo cáo", list(reports.KINDS_OF_REPORT), format_func=reports.KINDS_OF_REPORT.get,
                  horizontal=True, key="report.kind")
on = middle.date_input("Ngày", value=today_vn(), max_value=today_vn(), format="DD/MM/YYYY", key="report.date")
names = reports.provinces(actor)
if actor.role == PROVINCE_OFFICER:
    province = actor.province_code
    right.caption(f"Tỉnh: **{names[province]}**")
else:
    province = right.selectbox("Phạm vi", [None, *names], key="report.province",
                               format_func=lambda c: "Cả nước" if c is None else names[c], placeholder="Chọn…")
board = reports.dashboard(actor, kind=kind, on=on, province=province)
report = board.report
st.subheader(f"{report.title}: {report.name}")
st.caption(report_files.period_text(report) + ".")


def metric(column, key: str) -> None:
    value, change = getattr(report.figures, key), getattr(report.change, key)
    show = format_vnd if key in reports.MONEY else format_number
    column.metric(reports.FIGURE_NAMES[key], show(value), delta=(f"+{show(change)}" if change > 0 else show(change))
                  if change else None)


for row in (reports.MONEY[:2], reports.MONEY[2:], reports.FIGURES[4:]):  # money in two rows: it is long
    for column, key in zip(st.columns(len(row)), row, strict=True):
        metric(column, key)
st.caption(f"Tiền đã nhận chưa phân bổ: **{format_vnd(report.figures.left)}**")


def beside(chart: alt.Chart, table: pd.DataFrame) -> None:
    """Every chart has its figures beside it in a table (DESIGN.md §8)."""
    graph, figures = st.columns(2)
    _charts.show(chart, graph)
    figures.dataframe(table, hide_index=True, width="stretch")


st.markdown("**Tiến độ theo thời gian (lũy kế)**")
trend = pd.DataFrame({"Ngày": [p.day for p in board.trend], "Đã nhận": [p.received for p in board.trend],
                      "Đã phân bổ": [p.allocated for p in board.trend], "Đã chi": [p.spent for p in board.trend]})
long = trend.melt("Ngày", var_name="Chỉ tiêu", value_name="Số tiền")
beside(alt.Chart(long).mark_line(point=True).encode(
    x=alt.X("Ngày:T", axis=_charts.date_axis()),
    y=alt.Y("Số tiền:Q", axis=_charts.money_axis("Số tiền (đồng)")),
    color=alt.Color("Chỉ tiêu:N", legend=alt.Legend(orient="bottom", title=None)),
    tooltip=[_charts.date_tooltip("Ngày"), _charts.text_tooltip("Chỉ tiêu"), _charts.money_tooltip("Số tiền")]),
    pd.DataFrame({"Ngày": [f"{p.day:%d/%m/%Y}" for p in board.trend][::-1],
                  "Đã nhận": [format_vnd(p.received) for p in board.trend][::-1],
                  "Đã phân bổ": [format_vnd(p.allocated) for p in board.trend][::-1],
                  "Thẻ": [format_number(p.cards_funded) for p in board.trend][::-1]}))

st.markdown("**Nhà tài trợ theo loại**")
kinds = report.donors_by_kind
beside(alt.Chart(pd.DataFrame({"Loại": [KINDS[k] for k in kinds], "Đã nhận": [v.received for v in kinds.values()]}))
       .mark_bar().encode(x=alt.X("Đã nhận:Q", axis=_charts.money_axis("Tiền đã nhận (đồng)")),
                          y=alt.Y("Loại:N", axis=_charts.name_axis()),
                          tooltip=[_charts.text_tooltip("Loại", "Loại nhà tài trợ"),
                                   _charts.money_tooltip("Đã nhận", "Tiền đã nhận")]),
       pd.DataFrame({"Loại": [KINDS[k] for k in kinds], "Nhà tài trợ": [v.donors for v in kinds.values()],
                     "Cam kết": [format_vnd(v.pledged) for v in kinds.values()],
                     "Đã nhận": [format_vnd(v.received) for v in kinds.values()]}))
if report.cards_by_group:
    st.markdown("**Thẻ được tài trợ theo nhóm**")
    groups = report.cards_by_group
    st.dataframe(pd.DataFrame({"Nhóm": [GROUP_NAMES.get(g, g) for g in groups],
                               "Thẻ được tài trợ": [format_number(n) for n in groups.values()]}), hide_index=True)

st.markdown("**Tiến độ theo tỉnh: người được duyệt đã được tài trợ**")
ranked = [r for r in report.ranking if r.share_bp is not None]
if province is None:
    shown = ranked
else:
    shown = [r for r in report.ranking if r.province == province]
    mine = shown[0] if shown else None
    if mine:
        st.caption(f"{mine.name} đứng thứ **{mine.rank}/{len(report.ranking)}** tỉnh, thành phố.")
progress = pd.DataFrame({"Tỉnh": [r.name for r in shown], "Tỷ lệ": [(r.share_bp or 0) / 100 for r in shown]})
beside(alt.Chart(progress).mark_bar().encode(
    x=alt.X("Tỷ lệ:Q", axis=_charts.number_axis("% người được duyệt đã được tài trợ"),
            scale=alt.Scale(domain=[0, 100])),
    y=alt.Y("Tỉnh:N", sort=None, axis=_charts.name_axis()),
    tooltip=[_charts.text_tooltip("Tỉnh", "Tỉnh/thành phố"),
             _charts.number_tooltip("Tỷ lệ", "Đã được tài trợ (%)", format=",.2~f")]),
    pd.DataFrame({"Hạng": [r.rank for r in shown], "Tỉnh": [r.name for r in shown],
                  "Được duyệt": [format_number(r.people_approved) for r in shown],
                  "Được tài trợ": [format_number(r.people_funded) for r in shown],
                  "Tỷ lệ": [report_files.share_text(r.share_bp) for r in shown]}))

if province is None:
    st.markdown("**Các tỉnh (xếp hạng theo tỷ lệ người được duyệt đã được tài trợ)**")
    order = {r.province: r.rank for r in report.ranking}
    rows = sorted(report.provinces, key=lambda r: order[r.code])
    office = report.national_office
    st.dataframe(pd.DataFrame({
        "Hạng": [order[r.code] for r in rows] + [None, None],
        "Tỉnh/thành phố": [r.name for r in rows] + [f"{office.name} (cam kết cả nước)", "Cả nước"],
        **{reports.FIGURE_NAMES[k]: [(format_vnd if k in reports.MONEY else format_number)(getattr(f, k))
                                     for f in [r.figures for r in rows] + [office.figures, report.figures]]
           for k in reports.FIGURES},
    }), hide_index=True, width="stretch", key="report.provinces")

first, second = st.columns(2)
for column, fmt, label, mime in ((first, "xlsx", "Tải Excel", "application/vnd.openxmlformats-officedocument"
                                  ".spreadsheetml.sheet"), (second, "pdf", "Tải PDF", "application/pdf")):
    column.download_button(label, on_click="ignore", key=f"report.{fmt}", mime=mime,
                           file_name=report_files.file_name(report, fmt),
                           data=lambda fmt=fmt: report_files.export(actor, kind, fmt, on=on, province=province)[1])
