"""The layering rule (pages -> donation -> db) and the page registry."""

import ast
from pathlib import Path

import pytest

from donation.access.actors import ROLE_NAMES
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
    [("donation", {"streamlit", "pages", "demo", "cli"}), ("db", {"streamlit", "pages", "donation", "demo", "cli"}),
     ("demo", {"streamlit", "pages", "cli"}), ("cli", {"streamlit", "pages"}),
     ("pages", {"sqlmodel", "sqlalchemy", "db", "cli"})],
)
def test_dependencies_point_one_way(folder, forbidden):
    files = sorted((ROOT / folder).rglob("*.py"))
    assert files
    offenders = {str(f.relative_to(ROOT)): sorted(imported_modules(f) & forbidden) for f in files}
    assert {k: v for k, v in offenders.items() if v} == {}


# donation's packages from the bottom up: each imports only packages below it (never one above, so never a cycle).
LAYERS = ["common", "access", "premium", "registry", "pledges", "payments", "reporting", "allocation", "cards", "upkeep"]


def imported_packages(path: Path) -> set[str]:
    """The donation packages a module imports (`from donation.x.y import z` and `from donation.x import y`)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            if parts[0] == "donation":
                found |= {parts[1]} if len(parts) > 1 else {alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("donation.")}
    return found


def layer_violations(domain: Path) -> dict[str, list[str]]:
    violations = {}
    for package in sorted(p for p in domain.iterdir() if p.is_dir() and p.name != "__pycache__"):
        below = set(LAYERS[:LAYERS.index(package.name) + 1]) if package.name in LAYERS else set()
        for module in sorted(package.rglob("*.py")):
            above = sorted(imported_packages(module) - below)
            if above:
                violations[str(module.relative_to(domain))] = above
    return violations


def test_donation_is_packages_each_importing_only_those_below_it():
    domain = ROOT / "donation"
    assert sorted(p.name for p in domain.glob("*.py")) == ["__init__.py"]
    packages = sorted(p.name for p in domain.iterdir() if p.is_dir() and p.name != "__pycache__")
    assert packages == sorted(LAYERS)
    assert layer_violations(domain) == {}


@pytest.mark.parametrize("package", [*LAYERS, "../demo", "../cli"])
def test_each_package_says_in_its_init_what_it_owns(package):
    init = ROOT / "donation" / package / "__init__.py"
    tree = ast.parse(init.read_text(encoding="utf-8"))
    assert len(tree.body) == 1 and ast.get_docstring(tree), init  # a docstring and nothing else
    assert len(ast.get_docstring(tree)) > 40


def test_the_layer_check_sees_an_upward_import(tmp_path):
    for name, text in {"common/money.py": "from donation.cards.cards import buy\n",
                       "cards/cards.py": "from donation.common import money\n",
                       "premium/quotes.py": "from donation import registry\n",
                       "stray/x.py": "from donation.common import dates\n"}.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    assert layer_violations(tmp_path) == {"common/money.py": ["cards"], "premium/quotes.py": ["registry"],
                                          "stray/x.py": ["common"]}


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


def choices_without_a_placeholder(path: Path) -> list[int]:
    """Lines of `multiselect` and `selectbox` calls that leave Streamlit's English in the empty box ("Choose
    options", "Choose an option"): the selectbox keeps it as the field's placeholder even while a value shows, so a
    screen reader reads it, and it shows as soon as the choice is emptied."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"multiselect", "selectbox"}
            and not any(keyword.arg == "placeholder" for keyword in node.keywords)]


def test_every_choice_says_in_vietnamese_what_an_empty_choice_means(tmp_path):
    pages = sorted((ROOT / "pages").glob("*.py"))
    assert {str(p.relative_to(ROOT)): lines for p in pages if (lines := choices_without_a_placeholder(p))} == {}
    bare = tmp_path / "bare.py"
    bare.write_text('import streamlit as st\nst.multiselect("Nhóm", [1])\nst.multiselect("X", [1], placeholder="Y")\n'
                    'st.selectbox("Tỉnh", [1])\nst.sidebar.selectbox("Z", [1], placeholder="Chọn…")\n')
    assert choices_without_a_placeholder(bare) == [2, 4]
