"""Sign-in through AppTest: each demo role reaches its own pages and no other's; wrong passwords and lock-out."""

import asyncio
import html
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from starlette.requests import Request
from streamlit.testing.v1 import AppTest

from demo.seed import DEMO_ACCOUNTS, DEMO_PASSWORD
from donation.access import auth
from donation.access.actors import ROLE_NAMES
from pages import _auth
from pages._auth import TOKEN_KEY
from pages._nav import ANONYMOUS, PAGES, visible_to
from tests.app.conftest import ENTRY, as_read

pytestmark = pytest.mark.app


def sign_in(at: AppTest, username: str, password: str) -> AppTest:
    """Sign in through the form, then do what the browser does with the link it is sent to: /session/open exchanges
    the ticket for the session's token, which this connection holds in place of the cookie AppTest cannot keep."""
    at.switch_page("pages/sign_in.py")
    at.run()
    at.text_input(key="signin.username").input(username)
    at.text_input(key="signin.password").input(password)
    at.button[0].click()
    at.run()
    assert not at.exception, at.exception
    links = [found[1] for m in at.markdown if (found := re.search(r'href="/session/open\?ticket=([^"]+)"', m.value))]
    if links:
        at.session_state[TOKEN_KEY] = auth.open_session(unquote(html.unescape(links[0])))
    return at


def open_page(at: AppTest, path: str) -> AppTest:
    at.switch_page(path)
    at.run()
    assert not at.exception, (path, at.exception)
    return at


def test_the_sign_in_page_lists_the_demo_accounts(app):
    at = open_page(app, "pages/sign_in.py")
    shown = list(at.dataframe[0].value["Tên đăng nhập"])
    assert shown == [a.username for a in DEMO_ACCOUNTS]
    assert any(DEMO_PASSWORD in info.value for info in at.info)


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda a: a.role)
def test_each_demo_role_reaches_its_own_pages_and_no_other(app, account):
    at = sign_in(app, account.username, DEMO_PASSWORD)
    assert any("Xin chào" in s.value for s in at.success)
    for spec in PAGES:
        at = open_page(at, spec.path)
        if visible_to(spec, account.role):
            assert at.title and at.title[0].value == spec.title or spec.path.endswith("home.py"), spec.path
            assert not any("không được mở trang" in e.value for e in at.error), spec.path
        elif spec.roles == (ANONYMOUS,):  # sign-in and registration
            assert at.title[0].value == "Việc hôm nay"  # a signed-in user is sent to their own page
        else:
            assert [e.value for e in at.error] == [f"{ROLE_NAMES[account.role]} không được mở trang «{spec.title}»."]
            assert not at.title


@pytest.mark.parametrize("page_file", ["admin_users.py", "today.py", "account.py"])
def test_a_page_file_run_on_its_own_still_asks_for_a_sign_in(configured_database, page_file):
    at = AppTest.from_file(str(Path(ENTRY).parent / "pages" / page_file), default_timeout=60)
    at.run()
    assert not at.exception
    assert [w.value for w in at.warning] == ["Trang này cần đăng nhập."] and not at.title


def test_a_wrong_password_is_refused_and_the_sixth_try_is_locked_out(app):
    for _ in range(5):
        at = sign_in(app, "demo.xa", "sai mat khau")
        assert [e.value for e in at.error] == ["Tên đăng nhập hoặc mật khẩu không đúng"]
    at = sign_in(app, "demo.xa", DEMO_PASSWORD)
    assert len(at.error) == 1 and "tạm khóa do nhập sai mật khẩu 5 lần" in at.error[0].value
    assert not at.success


def test_the_role_home_page_shows_scope_and_figures(app):
    at = open_page(sign_in(app, "demo.xa", DEMO_PASSWORD), "pages/today.py")
    assert "Xã Hòa Thịnh, Đắk Lắk" in at.caption[0].value
    facts = {as_read(label): as_read(value)  # the cells are Markdown, escaped
             for label, value in zip(at.table[0].value["Nội dung"], at.table[0].value["Số liệu"], strict=True)}
    assert facts["Một thẻ hộ gia đình 12 tháng"] == "1.366.200 ₫"


def test_sign_out_from_the_account_page(app):
    at = open_page(sign_in(app, "demo.nhataitro", DEMO_PASSWORD), "pages/account.py")
    at.button(key="account.sign_out").click()
    at.run()
    at = open_page(at, "pages/account.py")
    assert at.title[0].value == "Đăng nhập"  # sent to the sign-in form, which will bring the visitor back
    assert [i.value for i in at.info][0] == "Đăng nhập để mở trang «Tài khoản của tôi»."


def open_route(route, query: str, headers: dict[str, str] | None = None):
    """One request to a route of pages/_auth.py, as the server would hand it over."""
    scope = {"type": "http", "method": "GET", "path": "/session/open", "root_path": "", "scheme": "http",
             "server": ("127.0.0.1", 8501), "query_string": query.encode(),
             "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]}
    # in a thread of its own: a worker that ran browser journeys first holds Playwright's event loop in this one
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, route(Request(scope))).result()


SAME_SITE = {"Sec-Fetch-Site": "same-origin"}


def test_a_signed_out_deep_link_leads_to_sign_in_and_back_to_the_page(app):
    at = open_page(app, "pages/admin_users.py")
    assert at.title[0].value == "Đăng nhập"
    assert at.info[0].value == "Đăng nhập để mở trang «Người dùng»."
    assert at.query_params["next"] == "admin_users"
    at = open_page(at, "pages/sign_in.py")  # where the browser is now (AppTest stays on the page it was asked for)
    at.text_input(key="signin.username").input("demo.admin")
    at.text_input(key="signin.password").input(DEMO_PASSWORD)
    at.button[0].click()
    at.run()
    link = next(found for m in at.markdown if (found := re.search(r'href="(/session/open\?[^"]+)"', m.value)))
    query = html.unescape(link[1]).split("?", 1)[1]
    assert query.endswith("&next=admin_users")
    answer = open_route(_auth._open_session, query, SAME_SITE)
    assert answer.status_code == 303 and answer.headers["location"] == "/admin_users"
    assert "bhyt_session=" in answer.headers["set-cookie"]


@pytest.mark.parametrize("target", ["https://lua-dao.example/", "//lua-dao.example", "/admin_users", "sign_in",
                                    "register", "admin_users/../x", "javascript:alert(1)", ""])
def test_the_page_after_sign_in_is_one_of_the_apps_pages_never_another_address(app, target):
    signed_in = auth.sign_in("demo.admin", DEMO_PASSWORD)
    answer = open_route(_auth._open_session, f"ticket={quote(signed_in.ticket)}&next={quote(target)}", SAME_SITE)
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    refused = open_route(_auth._open_session, f"ticket=forged&next={quote(target)}", SAME_SITE)
    assert refused.headers["location"] == "/sign_in"
    at = app
    at.query_params["next"] = target
    at = open_page(at, "pages/sign_in.py")
    assert not at.info or not at.info[0].value.startswith("Đăng nhập để mở trang")


def test_a_forbidden_page_says_so_with_a_way_home(app):
    at = open_page(sign_in(app, "demo.nhataitro", DEMO_PASSWORD), "pages/admin_audit.py")
    assert [e.value for e in at.error] == ["Nhà tài trợ không được mở trang «Nhật ký thay đổi»."]
    assert "[Về trang chủ](/)" in [m.value for m in at.markdown]
    assert not at.title


def test_a_signed_in_visitor_sent_to_sign_in_goes_on_to_the_page(app):
    at = sign_in(app, "demo.xa", DEMO_PASSWORD)
    at.query_params["next"] = "nominations"
    at = open_page(at, "pages/sign_in.py")
    assert at.title[0].value == "Danh sách đề cử"



def test_an_administrator_sees_the_audit_log_of_the_sign_ins(app):
    at = open_page(sign_in(app, "demo.admin", DEMO_PASSWORD), "pages/admin_audit.py")
    assert at.success[0].value.startswith("Chuỗi băm nguyên vẹn")
    assert "Chưa có điểm kiểm tra nào: các sự kiện cuối cùng có thể bị xóa mà không phát hiện được." in [
        caption.value for caption in at.caption]
    assert "Đăng nhập" in list(at.dataframe[0].value["Hành động"])
