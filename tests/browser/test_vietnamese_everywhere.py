"""Every page as every role in Chromium: what Streamlit itself draws (upload zones, empty choices, dialogs) is
Vietnamese too. The AppTest twin (tests/app/test_vietnamese_everywhere.py) reads the tables' cells, which the
browser draws on a canvas."""

from __future__ import annotations

import re

import pytest

from pages._nav import ANONYMOUS, ANYONE, PAGES
from tests.app.test_vietnamese_everywhere import LEAK, NOT_INTERFACE, ROLES
from tests.browser.conftest import wait_for_app
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser


def visible_text(page) -> str:
    """The text on the screen (dialogs included: they sit outside the app's element), with the placeholders innerText leaves out (a choice's placeholder is read aloud
    and shows whenever the choice is emptied). Streamlit's own buttons' labels for screen readers ("Download as
    CSV", "Fullscreen") cannot be set from the app and are not checked."""
    return page.evaluate("""() => {
        const held = [...document.querySelectorAll("[placeholder]")].map(e => e.getAttribute("placeholder"));
        return document.body.innerText + "\\n" + held.join("\\n");
    }""")


def _first_role_for_each_page() -> dict[str, list[str]]:
    """Each page once, opened as the first role that may (the AppTest twin opens every page as every role)."""
    assigned: dict[str, list[str]] = {role: [] for role in ROLES}
    for spec in PAGES:
        role = next(role for role in ROLES if ANYONE in spec.roles or role in spec.roles
                    or (role == "anonymous" and ANONYMOUS in spec.roles))
        assigned[role].append(spec.url_path)
    return assigned


PAGES_BY_ROLE = _first_role_for_each_page()


@pytest.mark.parametrize("role", [role for role, paths in PAGES_BY_ROLE.items() if paths])
def test_every_page_in_the_browser_speaks_vietnamese(demo_office, page, role):
    base, _ = demo_office
    page.set_viewport_size({"width": 1366, "height": 900})
    if ROLES[role]:
        sign_in(page, base, ROLES[role])
    found = {}
    for path in PAGES_BY_ROLE[role]:
        page.goto(f"{base}/{path}")
        wait_for_app(page)
        text = NOT_INTERFACE.sub(" ", visible_text(page))
        if words := {m.group(1) for m in LEAK.finditer(text)}:
            found[path] = sorted(words)
    assert not found, found


@pytest.mark.parametrize(("user", "path", "heading"), [
    (None, "xyz", "Không tìm thấy trang"), (None, "home", "Tặng thẻ BHYT"),
    ("demo.tinh", "today", "Việc hôm nay"), ("demo.tinh", "xyz", "Không tìm thấy trang"),
])
def test_every_address_is_answered_in_vietnamese(demo_office, page, user, path, heading):
    """Unknown addresses, and the first page's own address (Streamlit serves it at "/" only)."""
    base, _ = demo_office
    if user:
        sign_in(page, base, user)
    page.goto(f"{base}/{path}")
    wait_for_app(page)
    page.wait_for_timeout(500)  # Streamlit's dialog opens just after the run
    text = visible_text(page)
    assert not re.search(r"Page not found|You have requested", text), text
    assert page.get_by_role("heading", name=heading).first.is_visible()
