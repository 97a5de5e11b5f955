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
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse
from starlette.routing import Route
from streamlit.errors import StreamlitAPIException

from demo import startup
from donation.access import auth
from donation.access.actors import Actor
from donation.common.errors import explain
from donation.upkeep import setup
from pages import _first_start
from pages._nav import ANONYMOUS, PAGES, PageSpec, visible_to

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


def database_ready() -> None:
    """Make sure the database is prepared. While the server prepares it (its first start), show the progress and go
    on with the page once it is done; on failure show why and stop the page (the next view tries again)."""
    preparation = startup.begin(setup.configured_database())  # one preparation per database and process
    if not preparation.done:
        _first_start.show_until_ready(preparation)
    if preparation.error is not None:
        exc = preparation.error
        st.error(explain(exc) or f"Không khởi động được ứng dụng ({type(exc).__name__}): báo quản trị viên.")
        st.stop()


# The pages a visitor may be sent back to after signing in: the app's own page paths, never an address from outside
# (an open redirect would let a mail link send people on to a look-alike site after a real sign-in).
_RETURN_PAGES = {spec.url_path: spec for spec in PAGES if spec.roles != (ANONYMOUS,)}


def return_page(name: str | None) -> PageSpec | None:
    """The page `name` (a `next` query parameter) names, if it is one a signed-in visitor can be sent back to."""
    return _RETURN_PAGES.get(name) if isinstance(name, str) else None


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
            # signed in already: the sign-in form has nothing to do; on to the page it was opened for, or home
            target = return_page(st.query_params.get("next"))
            st.switch_page(target.path if target else "pages/today.py")
        if actor is None:
            _to_sign_in(spec)
        else:
            st.error(f"{actor.role_name} không được mở trang «{spec.title}».")
            st.markdown("[Về trang chủ](/)")
        st.stop()
    return actor


def _to_sign_in(spec: PageSpec) -> None:
    """To the sign-in form, which sends the visitor back here once signed in."""
    try:
        st.switch_page("pages/sign_in.py", query_params={"next": spec.url_path})
    except StreamlitAPIException:  # a page file run on its own, outside the app's navigation
        st.warning("Trang này cần đăng nhập.")
        st.markdown(f"[Đăng nhập](/sign_in?next={quote(spec.url_path)})")


def go(url: str) -> None:
    """Send the browser to a server route (the routes set or clear the cookie, which a page cannot)."""
    st.html(f"<script>window.location.replace({json.dumps(url)});</script>", unsafe_allow_javascript=True)
    st.markdown(f'<a href="{html.escape(url)}">Tiếp tục</a>', unsafe_allow_html=True)


def after_sign_in(signed_in: auth.SignedIn, then: PageSpec | None = None) -> None:
    """To /session/open with the one-time ticket: the page is signed in once the route has set the cookie, and the
    route sends the browser on to the page `then` (else home)."""
    target = f"&next={quote(then.url_path)}" if then is not None else ""
    go(f"/session/open?ticket={quote(signed_in.ticket)}{target}")


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
    target = return_page(request.query_params.get("next"))
    if token is None:
        return RedirectResponse(f"/sign_in?next={target.url_path}" if target else "/sign_in", status_code=303)
    response = RedirectResponse(f"/{target.url_path}" if target else "/", status_code=303)
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


async def _ready(_request: Request):
    """Whether the server's preparation of its database is over: 200 when ready, 503 while it runs (with the step),
    500 when it failed. For load balancers' readiness checks, and the browser tests' servers."""
    database = setup.configured_database()
    view = (startup.current(database) or startup.begin(database)).view()
    status = 500 if view.error is not None else 200 if view.done else 503
    return JSONResponse({"ready": status == 200, "step": view.current, "progress": round(view.fraction, 3),
                         "seconds": view.elapsed}, status_code=status)


ROUTES = [Route("/session/open", _open_session), Route("/session/close", _close_session),
          Route("/_bhyt/ready", _ready)]
