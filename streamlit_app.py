"""Entry point: page config, the database made ready, and the menu built from the page registry.

`streamlit run streamlit_app.py` finds `app` below and serves it as an ASGI app: the server imports this file once
(no visitor yet: it only builds `app`), then runs it as a script for every visitor's page view.
"""

import logging
import traceback
from contextlib import asynccontextmanager

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from demo import startup
from donation.common.errors import explain
from pages import _auth
from pages._nav import layout_of, pages_for
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
    # the layout is set once the page is known (below): a page that set it again would flicker at every rerun
    st.set_page_config(page_title="Tặng thẻ BHYT", page_icon=":material/health_and_safety:")
    _auth.database_ready()
    st.logo("assets/logo.svg")
    try:
        actor = _auth.resolve_actor()
        navigation = st.navigation(
            {section: [st.Page(spec.path, title=spec.title, icon=spec.icon) for spec in specs]
             for section, specs in pages_for(actor.role if actor else None).items()},
            expanded=True,  # an administrator's menu is longer than Streamlit's default ten entries
        )
        st.set_page_config(layout=layout_of(navigation.title))
        if actor is not None:
            st.sidebar.caption(f"{plain(actor.display_name)} · {actor.role_name}")
        navigation.run()
    except Exception as exc:  # noqa: BLE001  (st.stop and reruns are BaseExceptions and pass through)
        _show_error(exc)


@asynccontextmanager
async def _server_lifespan(_app):
    from streamlit.runtime.pages_manager import PagesManager

    # Our pages/ folder holds st.navigation pages. Without this, Streamlit's old "pages folder" mode would serve
    # the first deep link after a restart (/premium_calculator) by running the page file alone, skipping this entry.
    PagesManager.uses_pages_directory = False
    try:
        startup.prepare_app()  # migrations (and the demo accounts of an empty embedded database) on start; a failure is shown on every page until the database answers
    except Exception as exc:  # noqa: BLE001
        log.error("database not ready at start: %s", explain(exc) or type(exc).__name__)
    yield


if get_script_run_ctx(suppress_warning=True) is None:
    app = st.App("streamlit_app.py", lifespan=_server_lifespan, routes=_auth.ROUTES)
else:
    render()
