"""The page a visitor sees while the server prepares its database (migrations, reference data, the demo office)."""

from __future__ import annotations

import streamlit as st

from demo.startup import Preparation, View

# Material icons (Streamlit's own font): emoji are missing from many servers' and officials' fonts.
_MARKS = {"done": ":green[:material/check_circle:]", "running": ":orange[:material/hourglass_top:]",
          "waiting": ":gray[:material/radio_button_unchecked:]", "skipped": ":gray[:material/remove:]"}


def show_until_ready(preparation: Preparation) -> None:
    """Show the preparation's steps and progress, refreshed as it runs, until it is over; then clear them, so that the
    page the visitor asked for follows in the same run."""
    box = st.empty()
    shown: View | None = None
    while True:
        over = preparation.wait(0.3)
        view = preparation.view()
        if view != shown:
            with box.container():
                _render(view)
            shown = view
        if over:
            break
    box.empty()


def _render(view: View) -> None:
    st.title("Đang chuẩn bị ứng dụng")
    st.markdown("Lần chạy đầu tiên trên cơ sở dữ liệu này: máy chủ cập nhật cấu trúc dữ liệu, nạp danh mục và tạo "
                "dữ liệu mẫu để dùng thử. Trang sẽ **tự chuyển** khi xong, không cần tải lại.")
    current = view.current or ("Đã xong" if view.done else "Đang bắt đầu")
    st.progress(view.fraction, text=f"{current}… ({view.elapsed} giây)")
    lines = []
    for step in view.steps:
        took = f" ({step.seconds:.1f} giây)".replace(".", ",") if step.seconds is not None else ""
        lines.append(f"{_MARKS[step.state]} {step.label}{took}")
    st.markdown("  \n".join(lines))
