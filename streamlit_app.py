"""Entry point: page config, the database made ready, and the menu built from the page registry.

`streamlit run streamlit_app.py` finds `app` below and serves it as an ASGI app: the server imports this file once
(no visitor yet: it only builds `app`), then runs it as a script for every visitor's page view.
"""

import logging
import traceback
from contextlib import asynccontextmanager

import streamlit as st
from starlette.middleware import Middleware
from streamlit.runtime.scriptrunner import get_script_run_ctx

from demo import startup
from donation.common.errors import explain
from donation.upkeep import setup
from pages import _addresses, _auth, _streamlit_vi
from pages._nav import PAGES, WIDE_PAGES, pages_for, visible_to
from pages._plain import plain

log = logging.getLogger("bhyt.app")


def _show_error(exc: Exception) -> None:
    message = explain(exc)
    if message is None:
        # The type and where it happened, never the message: database errors quote the values they refused.
        log.error("unexpected %s in a page:\n%s", type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))
        message = f"Đã có lỗi không mong đợi ({type(exc).__name__}): thử lại; nếu vẫn lỗi, báo quản trị viên."
    st.error(plain(message))


def render() -> None:
    st.set_page_config(page_title="Tặng thẻ BHYT", page_icon=":material/health_and_safety:")
    _streamlit_vi.install()
    st.logo("assets/logo.svg")
    _auth.database_ready()
    try:
        actor = _auth.resolve_actor()
        navigation = st.navigation(_menu(actor.role if actor else None),
                                   expanded=True)  # an administrator's menu is longer than Streamlit's default ten
        st.set_page_config(layout="wide" if navigation.url_path in WIDE_PAGES else "centered")
        if actor is not None:
            st.sidebar.caption(f"{plain(actor.display_name)} · {actor.role_name}")
        navigation.run()
    except Exception as exc:  # noqa: BLE001  (st.stop and reruns are BaseExceptions and pass through)
        _show_error(exc)


def _menu(role: str | None) -> dict[str, list[st.Page]]:
    """The menu of this visitor's pages, and hidden from it every other address the app answers.

    Without them, Streamlit would answer a typed or bookmarked address outside the menu with its English "Page not
    found" dialog over the home page. With them, a page the visitor may not open says why itself (sign in first, or
    not for this role), a renamed page's old address opens the page, and an unknown address a Vietnamese page.
    """
    sections = pages_for(role)
    menu = {section: [st.Page(spec.path, title=spec.title, icon=spec.icon) for spec in specs]
            for section, specs in sections.items()}
    hidden = [st.Page(spec.path, title=spec.title, icon=spec.icon, visibility="hidden")
              for spec in PAGES if not visible_to(spec, role)]
    hidden += [_addresses.moved_page(old, target) for old, target in _addresses.MOVED.items()]
    requested = _requested_address()
    if requested and "/" not in requested and requested not in _addresses.KNOWN:
        hidden.append(_addresses.not_found_page(requested))
    start = next(iter(sections.values()))[0]
    if requested == start.url_path:
        # Streamlit serves the first page (the default) at "/" only: its own address (/today, /home) would be "not
        # found". This run it is a page like the others, and a hidden default page opens it.
        hidden.append(_addresses.start_page(start.path))
    list(menu.values())[-1].extend(hidden)  # after the first page, which stays the default otherwise
    return menu


def _requested_address() -> str | None:
    """The page address the browser asked for ("xyz" for /xyz), before st.navigation resolves it; None for the home
    address or when the run was asked for by a menu click."""
    ctx = get_script_run_ctx()
    name = getattr(getattr(ctx, "pages_manager", None), "intended_page_name", None)
    return name.strip().strip("/") if isinstance(name, str) else None


def _server_logging() -> None:
    """The app's own log lines (bhyt.*: "database ready in 4.2 s", errors) and Alembic's ("Running upgrade …") on the
    server's output, which the runner (deploy/run.py) or systemd keeps: Python shows only warnings otherwise."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in ("bhyt", "alembic.runtime.migration"):
        logger = logging.getLogger(name)
        if not logger.handlers:
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)
            logger.propagate = False


@asynccontextmanager
async def _server_lifespan(_app):
    from streamlit.runtime.pages_manager import PagesManager

    # Our pages/ folder holds st.navigation pages. Without this, Streamlit's old "pages folder" mode would serve
    # the first deep link after a restart (/premium_calculator) by running the page file alone, skipping this entry.
    PagesManager.uses_pages_directory = False
    # Migrations (and the demo data of an empty embedded database) in a thread of their own, so that the server
    # answers at once: until they are done every page shows their progress (pages/_first_start.py); a failure is
    # shown on every page, which tries again, until the database answers.
    startup.begin(setup.configured_database())
    yield


if get_script_run_ctx(suppress_warning=True) is None:
    _server_logging()
    app = st.App("streamlit_app.py", lifespan=_server_lifespan, routes=_auth.ROUTES,
                 middleware=[Middleware(_addresses.NestedAddresses)])
else:
    render()
