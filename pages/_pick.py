"""A table whose row the visitor clicks to act on it (never an id typed into a box)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pandas as pd
import streamlit as st


def table_key(key: str, ids: Sequence[object]) -> str:
    """The table's widget key: its name and what it lists, so that a selection never moves to another row when the
    list changes (a row confirmed here or by a colleague): the table is then a new one, with nothing selected."""
    digest = hashlib.sha1(repr(list(ids)).encode()).hexdigest()[:10]
    return f"{key}.{digest}"


def picked_row(key: str, frame: pd.DataFrame, ids: Sequence[object], **options) -> object | None:
    """Show `frame` (one row per id, in order) across the page's width; the id of the row the visitor selected."""
    event = st.dataframe(frame, key=table_key(key, ids), on_select="rerun", selection_mode="single-row",
                         hide_index=True, width="stretch", **options)
    rows = event.selection.rows
    return ids[rows[0]] if rows and rows[0] < len(ids) else None
