"""Staying signed in across a refresh: the signed HttpOnly cookie, sign-out, and a changed cookie refused."""

from urllib.parse import parse_qs, quote, urlsplit

import pytest
from playwright.sync_api import expect

from db.engine import make_engine
from db.uow import UnitOfWork
from demo.seed import DEMO_PASSWORD
from donation.access import auth
from tests.browser.conftest import SERVED, screenshot, wait_for_app
from tests.db.test_auth import ticket_pieces

pytestmark = pytest.mark.browser


# (server, username) -> the session cookie the form's sign-in set, for the journeys that sign in again later
_SIGNED_IN: dict[tuple[str, str], list[dict]] = {}


def sign_in(page, base: str, username: str, *, fresh: bool = False) -> None:
    """Signed in and at home. The first time for a server and user the browser opens the sign-in link that the form
    sends it to (`/session/open` with a ticket of `auth.sign_in`, the service the form calls, on the server's
    database), which sets the session's cookie; after that the page's browser is given the same cookie, as a browser
    that stayed signed in holds it (Playwright's stored authentication state). `fresh`: through the form, for a
    session of the test's own (one it ends, or changes); the sign-in tests use it."""
    known = None if fresh else _SIGNED_IN.get((base, username))
    if known:
        page.context.add_cookies(known)
        page.goto(f"{base}/")
        wait_for_app(page)
        return
    if not fresh and base in SERVED:  # a server started by `serving`, whose database is known
        engine = make_engine(SERVED[base])
        try:
            ticket = auth.sign_in(username, DEMO_PASSWORD, uow=UnitOfWork(engine)).ticket
        finally:
            engine.dispose()
        # as the browser follows the form's link: from the app's own page (a link from elsewhere is refused)
        opened = page.request.get(f"{base}/session/open?ticket={quote(ticket)}",
                                  headers={"Sec-Fetch-Site": "same-origin"}, max_redirects=0)
        assert opened.status == 303 and opened.headers["location"] == "/", (opened.status, opened.headers)
        _SIGNED_IN[(base, username)] = [c for c in page.context.cookies() if c["name"] == "bhyt_session"]
        assert _SIGNED_IN[(base, username)], "the sign-in link set no cookie"
        page.goto(f"{base}/")
        wait_for_app(page)
        return
    page.goto(f"{base}/sign_in")
    wait_for_app(page)
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")  # /session/open set the cookie and sent the browser home
    wait_for_app(page)


def test_sign_in_survives_a_refresh_and_sign_out_ends_it(app_server, page):
    sign_in(page, app_server, "demo.tinh", fresh=True)
    heading = page.get_by_role("heading", name="Việc hôm nay")
    expect(heading).to_be_visible()
    expect(page.get_by_text("Trần Văn Bình · Cán bộ BHXH tỉnh · Đắk Lắk").first).to_be_visible()
    cookie = next(c for c in page.context.cookies() if c["name"] == "bhyt_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert "demo" not in cookie["value"] and DEMO_PASSWORD not in cookie["value"]

    page.reload()
    wait_for_app(page)
    expect(heading).to_be_visible()
    expect(page.get_by_role("link", name="Quy định mức đóng")).to_have_count(0)  # not an administrator's menu
    screenshot(page, "signed-in-province-officer")

    page.goto(f"{app_server}/account")
    wait_for_app(page)
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(f"{app_server}/")
    wait_for_app(page)
    assert not [c for c in page.context.cookies() if c["name"] == "bhyt_session"]
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Tặng thẻ BHYT")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Đăng nhập")).to_be_visible()


def test_a_changed_cookie_is_refused(app_server, page):
    sign_in(page, app_server, "demo.admin", fresh=True)
    expect(page.get_by_role("link", name="Nhật ký thay đổi")).to_be_visible()
    cookie = next(c for c in page.context.cookies() if c["name"] == "bhyt_session")
    value = cookie["value"]
    forged = ("B" if value[0] != "B" else "C") + value[1:]  # the token's first character: never padding
    page.context.add_cookies([{**cookie, "value": forged}])
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Tặng thẻ BHYT")).to_be_visible()
    expect(page.get_by_role("link", name="Nhật ký thay đổi")).to_have_count(0)


def test_a_ticket_cannot_be_replayed_or_forged(app_server, page):
    same = {"Sec-Fetch-Site": "same-origin"}
    answer = page.request.get(f"{app_server}/session/open?ticket=forged", headers=same, max_redirects=0)
    assert answer.status == 303 and answer.headers["location"] == "/sign_in"
    assert "set-cookie" not in answer.headers
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "none"}, {},
                    {"Referer": "https://lua-dao.example/"}):
        refused = page.request.get(f"{app_server}/session/open?ticket=x", headers=headers, max_redirects=0)
        assert refused.status == 403, headers


def test_the_sign_in_link_holds_nothing_of_the_session_and_opens_nothing_again(app_server, page):
    with page.expect_request(lambda request: "/session/open" in request.url) as opening:
        sign_in(page, app_server, "demo.xa", fresh=True)
    link = opening.value.url
    ticket = parse_qs(urlsplit(link).query)["ticket"][0]
    cookie = next(c for c in page.context.cookies() if c["name"] == "bhyt_session")
    token = auth.token_from_cookie(cookie["value"])
    assert token and not any(token in piece for piece in ticket_pieces(ticket))  # the proxy's log learns no session
    replayed = page.request.get(link, headers={"Sec-Fetch-Site": "same-origin"}, max_redirects=0)
    assert replayed.status == 303 and replayed.headers["location"] == "/sign_in"
    assert "set-cookie" not in replayed.headers


# Streamlit's own answer to an address outside the menu, which the app replaces
STREAMLIT_NOT_FOUND = ("Page not found", "You have requested page", "Running the app's main page", "does not seem")


@pytest.fixture
def wide(page):
    """The page at an office screen's size."""
    page.set_viewport_size({"width": 1366, "height": 900})
    return page


def test_a_signed_out_deep_link_signs_in_and_comes_back_to_the_page(app_server, page, wide):
    page.goto(f"{app_server}/admin_users")
    page.wait_for_url(f"{app_server}/sign_in?next=admin_users")
    wait_for_app(page)
    expect(page.get_by_text("Đăng nhập để mở trang «Người dùng».")).to_be_visible()
    screenshot(page, "deep-link-sign-in")
    page.get_by_label("Tên đăng nhập").fill("demo.admin")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{app_server}/admin_users")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Người dùng")).to_be_visible()
    screenshot(page, "deep-link-back-on-the-page")


def test_the_role_home_address_while_signed_out_asks_for_a_sign_in(app_server, page, wide):
    page.goto(f"{app_server}/today")
    page.wait_for_url(f"{app_server}/sign_in?next=today")
    wait_for_app(page)
    expect(page.get_by_text("Đăng nhập để mở trang «Việc hôm nay».")).to_be_visible()


@pytest.mark.parametrize("address", ["xyz", "trang-cu/123"])
def test_an_unknown_address_gives_a_vietnamese_page(app_server, page, wide, address):
    page.goto(f"{app_server}/{address}")
    page.wait_for_url(f"{app_server}/{address.split('/')[0]}")  # a nested address is sent to its first part
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Không tìm thấy trang")).to_be_visible()
    expect(page.get_by_role("link", name="Về trang chủ")).to_be_visible()
    expect(page.get_by_role("link", name="Trang chủ", exact=True)).to_be_visible()  # the menu is there
    shown = page.inner_text("body")
    assert not [words for words in STREAMLIT_NOT_FOUND if words in shown]
    screenshot(page, f"not-found-{address.replace('/', '-')}")


def test_a_page_the_role_may_not_open_says_so_and_old_bookmarks_still_open(app_server, page, wide):
    sign_in(page, app_server, "demo.xa")
    page.goto(f"{app_server}/admin_users")
    wait_for_app(page)
    expect(page.get_by_text("Cán bộ xã/phường không được mở trang «Người dùng».")).to_be_visible()
    expect(page.get_by_role("link", name="Về trang chủ")).to_be_visible()
    expect(page.get_by_role("link", name="Người dùng")).to_have_count(0)  # still not in the menu
    shown = page.inner_text("body")
    assert not [words for words in STREAMLIT_NOT_FOUND if words in shown]
    screenshot(page, "forbidden-page")

    page.goto(f"{app_server}/nominees")  # the list's former address
    page.wait_for_url(f"{app_server}/nominations")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Danh sách đề cử")).to_be_visible()
