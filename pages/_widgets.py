"""Small widgets several pages share."""

from __future__ import annotations

import streamlit as st

from donation import registry
from donation.actors import Actor


def commune_picker(actor: Actor, key: str) -> int | None:
    """The commune to work in: a commune official's own, or one chosen inside the actor's scope."""
    communes = registry.communes_in_scope(actor)
    if len(communes) == 1:
        st.caption(f"Xã: **{communes[0].name}**")
        return communes[0].code
    names = {c.code: c.name for c in communes}
    return st.selectbox("Xã/phường/đặc khu", list(names), format_func=names.get, key=key, index=None,
                        placeholder="Chọn xã")
