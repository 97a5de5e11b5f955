"""The layering rule (pages -> donation -> db) and the page registry."""

import ast
from pathlib import Path

import pytest

from donation.actors import ROLE_NAMES
from pages._nav import ANONYMOUS, ANYONE, PAGES, pages_for

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [("donation", {"streamlit", "pages"}), ("db", {"streamlit", "pages", "donation"}),
     ("pages", {"sqlmodel", "sqlalchemy", "db"})],
)
def test_dependencies_point_one_way(folder, forbidden):
    files = sorted((ROOT / folder).rglob("*.py"))
    assert files
    offenders = {str(f.relative_to(ROOT)): sorted(imported_modules(f) & forbidden) for f in files}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_entry_point_stays_thin():
    assert not imported_modules(ROOT / "streamlit_app.py") & {"sqlmodel", "sqlalchemy", "db"}


def test_the_checker_sees_a_forbidden_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import streamlit as st\nfrom db.models import Province\n")
    assert imported_modules(bad) >= {"streamlit", "db"}


def test_every_registered_page_exists_and_keeps_its_file_name_as_url():
    for spec in PAGES:
        assert (ROOT / spec.path).is_file(), spec.path
        assert spec.url_path == Path(spec.path).stem
    registered = {Path(spec.path).name for spec in PAGES}
    on_disk = {p.name for p in (ROOT / "pages").glob("*.py") if not p.name.startswith("_")}
    assert registered == on_disk


def titles(role):
    return {spec.title for specs in pages_for(role).values() for spec in specs}


def test_anonymous_visitors_see_only_public_pages_and_the_sign_in():
    visible = [spec for specs in pages_for(None).values() for spec in specs]
    assert visible and all(ANYONE in spec.roles or ANONYMOUS in spec.roles for spec in visible)
    assert "Đăng nhập" in titles(None) and "Tài khoản của tôi" not in titles(None)


ADMIN_PAGES = {"Người dùng", "Quy định mức đóng", "Xã nghèo", "Thiết lập", "Nhật ký thay đổi"}


@pytest.mark.parametrize("role", list(ROLE_NAMES))
def test_each_role_sees_its_own_menu(role):
    seen = titles(role)
    assert {"Việc hôm nay", "Tài khoản của tôi", "Trang chủ", "Tính mức đóng BHYT"} <= seen
    assert "Đăng nhập" not in seen
    assert (ADMIN_PAGES <= seen) == (role == "admin")
    assert not (ADMIN_PAGES & seen) or role == "admin"


def downloads_that_redraw(path: Path) -> list[int]:
    """Lines of `download_button` calls that would rerun the page: a download changes nothing, and a redraw while the
    file is fetched leaves Streamlit's greyed copies of the page's forms on screen (two "Ghi đã chuyển tiền")."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "download_button"
            and not any(k.arg == "on_click" and isinstance(k.value, ast.Constant) and k.value.value == "ignore"
                        for k in node.keywords)]


def test_downloads_do_not_redraw_the_page(tmp_path):
    files = sorted((ROOT / "pages").glob("*.py"))
    assert sum("download_button(" in f.read_text(encoding="utf-8") for f in files) >= 5
    assert {str(f.relative_to(ROOT)): lines for f in files if (lines := downloads_that_redraw(f))} == {}
    bad = tmp_path / "bad.py"
    bad.write_text('import streamlit as st\nst.download_button("x", b"", key="a")\n'
                   'st.download_button("y", b"", on_click="ignore")\n')
    assert downloads_that_redraw(bad) == [2]
