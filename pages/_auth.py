"""Who is signed in, for the pages: the session token from the signed cookie.

Streamlit cannot set cookies, so two Starlette routes served beside the app do it: /session/open exchanges a one-time
ticket for the HttpOnly cookie, /session/close ends the session and clears the cookie.
"""

from __future__ import annotations

import html
import json
from urllib.parse import quote, urlsplit

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.routing import Route

from demo import startup
from donation.access import auth
from donation.access.actors import Actor
from donation.common.errors import explain
from donation.upkeep import setup
from pages._nav import ANONYMOUS, PAGES, visible_to

TOKEN_KEY = "auth.token"  # a token this connection holds instead of a cookie: AppTest, which cannot hold cookies


def current_token() -> str | None:
    return st.session_state.get(TOKEN_KEY) or auth.token_from_cookie(st.context.cookies.get(auth.COOKIE_NAME))


def resolve_actor() -> Actor | None:
    """Called once per run by the entry: the actor for this browser, or None."""
    token = current_token()
    actor = auth.resolve_session(token)
    if actor is None:
        st.session_state.pop(TOKEN_KEY, None)
    st.session_state["auth.actor"] = actor
    return actor


def current_actor() -> Actor | None:
    """The actor the entry resolved for this run; pages pass it to every donation call."""
    return st.session_state.get("auth.actor")


@st.cache_resource(show_spinner="Đang chuẩn bị cơ sở dữ liệu…")
def _database_ready(database: str):  # the URL is the cache key: one preparation per database and process
    return startup.prepare_app()


def database_ready() -> None:
    """Make sure the database is migrated; on failure show why and stop the page."""
    try:
        _database_ready(setup.configured_database())
    except Exception as exc:  # noqa: BLE001  (a message, never a traceback)
        st.error(explain(exc) or f"Không khởi động được ứng dụng ({type(exc).__name__}): báo quản trị viên.")
        st.stop()


def require_page(path: str) -> Actor | None:
    """The first call of every page: the database ready, the visitor known, and this page allowed for them.

    The menu already hides pages a role may not open; this check holds however the page is reached (a typed link,
    a bookmark, Streamlit running a page file directly).
    """
    database_ready()
    actor = resolve_actor()
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    spec = next(spec for spec in PAGES if spec.path.endswith("/" + name))
    if not visible_to(spec, actor.role if actor else None):
        if actor is not None and spec.roles == (ANONYMOUS,):
            st.switch_page("pages/today.py")  # signed in already: the sign-in form has nothing to do
        if actor is None:
            st.warning("Trang này cần đăng nhập.")
            st.markdown("[Đăng nhập](/sign_in)")
        else:
            st.error(f"{actor.role_name} không được mở trang «{spec.title}».")
        st.stop()
    return actor


def go(url: str) -> None:
    """Send the browser to a server route (the routes set or clear the cookie, which a page cannot)."""
    st.html(f"<script>window.location.replace({json.dumps(url)});</script>", unsafe_allow_javascript=True)
    st.markdown(f'<a href="{html.escape(url)}">Tiếp tục</a>', unsafe_allow_html=True)


def after_sign_in(signed_in: auth.SignedIn, next_page: str | None = None) -> None:
    """To /session/open with the one-time ticket: the page is signed in once the route has set the cookie. With
    `next_page` (a page's url path, e.g. "pledge") the route then opens that page instead of the home page."""
    then = f"&next={quote(next_page)}" if next_page else ""
    go(f"/session/open?ticket={quote(signed_in.ticket)}{then}")


def _landing(next_page: str | None) -> str:
    """Where /session/open sends the browser: a page of the app by its url path, never another site."""
    return f"/{next_page}" if next_page in {spec.url_path for spec in PAGES} else "/"


def sign_out() -> None:
    auth.sign_out(current_token())
    st.session_state.pop(TOKEN_KEY, None)
    st.session_state["auth.actor"] = None
    go("/session/close")


def _cross_site(request: Request) -> bool:
    """These routes sit outside Streamlit's XSRF protection: only the app's own pages may send a browser here.

    A browser that names the request's origin must say same-origin; one that does not (older browsers) must send
    a Referer on this host. A link opened from a mail or chat app ("none") is refused too.
    """
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site != "same-origin"
    referer = urlsplit(request.headers.get("referer", ""))
    return referer.netloc != request.url.netloc


async def _open_session(request: Request):
    if _cross_site(request):
        return PlainTextResponse("Yêu cầu đến từ trang khác: không đăng nhập.", status_code=403)
    token = await run_in_threadpool(auth.open_session, request.query_params.get("ticket", ""))
    if token is None:
        return RedirectResponse("/sign_in", status_code=303)
    response = RedirectResponse(_landing(request.query_params.get("next")), status_code=303)
    response.set_cookie(auth.COOKIE_NAME, auth.cookie_value(token), max_age=auth.COOKIE_MAX_AGE, path="/",
                        httponly=True, samesite="lax", secure=auth.cookie_is_secure())
    return response


async def _close_session(request: Request):
    if _cross_site(request):
        return PlainTextResponse("Yêu cầu đến từ trang khác.", status_code=403)
    await run_in_threadpool(auth.sign_out, auth.token_from_cookie(request.cookies.get(auth.COOKIE_NAME)))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(auth.COOKIE_NAME, path="/")
    return response


ROUTES = [Route("/session/open", _open_session), Route("/session/close", _close_session)]
