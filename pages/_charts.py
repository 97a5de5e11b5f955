"""Charts in Vietnamese: every number as 20.000.000 (a money axis as "20 triệu"), money in tooltips as
"20.000.000 ₫", dates as dd/mm/yyyy, and titles given by the page (never a column's raw name).

One place for it: pages build their chart with altair, using the axes and tooltips below, and show it with `show`,
which gives the chart vega's Vietnamese locale (`config.locale`: numbers and dates are formatted by the chart itself,
in the browser) and the SVG renderer (text a screen reader, and a test, can read)."""

from __future__ import annotations

import altair as alt
import streamlit as st

NUMBER_LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " ₫"]}
TIME_LOCALE = {
    "dateTime": "%H:%M:%S ngày %d/%m/%Y", "date": "%d/%m/%Y", "time": "%H:%M:%S", "periods": ["SA", "CH"],
    "days": ["Chủ nhật", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy"],
    "shortDays": ["CN", "T2", "T3", "T4", "T5", "T6", "T7"],
    "months": [f"tháng {m}" for m in range(1, 13)], "shortMonths": [f"Th{m}" for m in range(1, 13)],
}
# A money axis in words (vega's format follows the locale above): 20000000 -> "20 triệu", 1500000000 -> "1,5 tỷ".
MONEY_LABELS = ("abs(datum.value) >= 1e9 ? format(datum.value / 1e9, ',.2~f') + ' tỷ' : "
                "abs(datum.value) >= 1e6 ? format(datum.value / 1e6, ',.2~f') + ' triệu' : "
                "format(datum.value, ',')")
DAY = "%d/%m"
DATE = "%d/%m/%Y"


def money_axis(title: str | None = "Số tiền") -> alt.Axis:
    """An axis of đồng: '500.000', '20 triệu', '1,5 tỷ' (the exact amounts are in the table beside)."""
    return alt.Axis(title=title, labelExpr=MONEY_LABELS, format=",")


def number_axis(title: str | None, **options) -> alt.Axis:
    """An axis of counts or percentages: 1.000, 2,5."""
    return alt.Axis(title=title, format=",~f", **options)


def name_axis(title: str | None = None) -> alt.Axis:
    """An axis of names (provinces, kinds of donor): long enough for "Thành phố Hồ Chí Minh" uncut."""
    return alt.Axis(title=title, labelLimit=240)


def date_axis(title: str | None = None) -> alt.Axis:
    return alt.Axis(title=title, format=DAY, labelAngle=0)


def money_tooltip(field: str, title: str | None = None) -> alt.Tooltip:
    """'20.000.000 ₫'."""
    return alt.Tooltip(f"{field}:Q", title=title or field, format="$,")


def number_tooltip(field: str, title: str | None = None, *, format: str = ",~f") -> alt.Tooltip:
    return alt.Tooltip(f"{field}:Q", title=title or field, format=format)


def date_tooltip(field: str, title: str | None = None) -> alt.Tooltip:
    return alt.Tooltip(f"{field}:T", title=title or field, format=DATE)


def text_tooltip(field: str, title: str | None = None) -> alt.Tooltip:
    return alt.Tooltip(f"{field}:N", title=title or field)


def vietnamese(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart with the Vietnamese number and date locale, drawn as SVG."""
    return chart.properties(usermeta={"embedOptions": {"renderer": "svg"}}).configure(
        locale=alt.Locale(number=NUMBER_LOCALE, time=TIME_LOCALE))


def show(chart: alt.TopLevelMixin, where=st, **options) -> None:
    """Show `chart` (in `where`: the page, a column or a container) in Vietnamese, at the width of its place."""
    where.altair_chart(vietnamese(chart), width="stretch", **options)
