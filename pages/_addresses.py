"""Addresses the app answers besides its menu: renamed pages' old addresses, unknown addresses, nested addresses.

Streamlit answers an address outside st.navigation's pages with an English "Page not found" dialog over the home page,
and an address with a slash inside (/nominations/12) with a blank page (its scripts are asked for under that path).
"""

from __future__ import annotations

from urllib.parse import quote

import streamlit as st
from starlette.datastructures import Headers
from starlette.responses import RedirectResponse

from pages._nav import PAGES
from pages._plain import plain

# Addresses of pages that were renamed: old bookmarks still open the page.
MOVED = {"nominees": "pages/nominations.py", "hold_needs": "pages/hold_households.py"}
KNOWN = {spec.url_path for spec in PAGES} | set(MOVED)
NOT_FOUND_TITLE = "Không tìm thấy trang"


def moved_page(old: str, target: str) -> st.Page:
    def moved() -> None:
        st.switch_page(target)

    return st.Page(moved, title="Trang đã đổi địa chỉ", url_path=old, visibility="hidden")


def start_page(first: str) -> st.Page:
    """The default page ("/") of a run that asked for the first page by its own address: it opens that page."""

    def start() -> None:
        st.switch_page(first)

    return st.Page(start, title="Trang đầu", url_path="trang_dau", default=True, visibility="hidden")


def not_found_page(address: str) -> st.Page:
    """A page at `address` (so that the browser keeps showing what was typed) saying in Vietnamese that there is none."""

    def not_found() -> None:
        st.title(NOT_FOUND_TITLE)
        st.markdown(f"Ứng dụng không có trang nào ở địa chỉ **/{plain(address)}**. Có thể đường dẫn bị gõ sai hoặc "
                    "trang đã đổi tên: chọn trang cần mở trong danh mục bên trái.")
        st.markdown("[Về trang chủ](/)")

    return st.Page(not_found, title=NOT_FOUND_TITLE, icon=":material/search_off:", url_path=address,
                   visibility="hidden")


# First parts of the addresses Streamlit and the app's routes serve themselves.
_SERVED = {"_stcore", "static", "media", "component", "app", "auth", "oauth2callback", "session", "_bhyt"}


class NestedAddresses:
    """ASGI middleware: a browser opening /nominations/12 or /sign_in/ is sent to /nominations or /sign_in (the page,
    or the Vietnamese not-found page), instead of Streamlit's blank page. Only page loads: never a script's request."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            path = scope["path"]
            parts = path.strip("/").split("/")
            if path != "/" and (len(parts) > 1 or path.endswith("/")) and parts[0] not in _SERVED \
                    and _opens_a_page(Headers(scope=scope)):
                query = scope.get("query_string", b"").decode("latin-1")
                target = "/" + quote(parts[0]) + (f"?{query}" if query else "")
                await RedirectResponse(target, status_code=303)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _opens_a_page(headers: Headers) -> bool:
    destination = headers.get("sec-fetch-dest")
    if destination is not None:
        return destination == "document"
    return "text/html" in headers.get("accept", "")
