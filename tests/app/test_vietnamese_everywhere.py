"""Every page as every role, on a demo office's data: no English interface text and no raw key on any screen.

The words below were found on the screens by people trying the platform (issue 19); a raw key is a stored value
(a status, a group, a role…) shown as it is stored instead of by its Vietnamese name.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator

import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

import db.enums
from demo.seed import DEMO_PASSWORD
from donation.premium.rule_data import GROUP_NAMES
from pages._nav import ANONYMOUS, ANYONE, PAGES
from tests.app.conftest import ENTRY
from tests.app.test_sign_in import open_page, sign_in
from tests.browser.conftest import DEMO_OFFICE

pytestmark = pytest.mark.app

# Streamlit's own English and the English found on the screens; matched case-sensitively as whole phrases.
ENGLISH = (
    "Choose options", "Choose an option", "Select all", "No options to select", "No results",
    "Drag and drop", "Browse files", "Upload", "per file", "Page not found", "You have requested a page",
    "Press Enter", "Submit", "Cancel", "Delete", "Download", "Search", "Loading", "Error", "Traceback",
    "None", "nan", "NaN", "NaT", "True", "False", "null", "Page", "Total", "Status", "Group", "Commune",
    "Province", "Amount", "Name", "Date", "before", "after", "full_name", "birth_date", "national_id",
)
# Stored values with an underscore never read as Vietnamese; the plain English words among the stored values are
# checked as whole words.
RAW_KEYS = sorted({member.value for cls in vars(db.enums).values()
                   if isinstance(cls, type) and issubclass(cls, enum.Enum) and cls.__module__ == "db.enums"
                   for member in cls} | set(GROUP_NAMES))
# What may hold such a word without being an interface text: user names such as demo.admin, e-mail addresses, links.
NOT_INTERFACE = re.compile(r"[\w.+-]+@[\w.-]+|\bdemo\.[\w.]+|https?://\S+|/[a-z_]+\b|`[^`]*`")
LEAK = re.compile(r"(?<![\w.])(" + "|".join(re.escape(w) for w in ENGLISH + tuple(RAW_KEYS)) + r")(?![\w])")

ROLES = {"anonymous": None, "donor": "demo.nhataitro", "commune_official": "demo.xa",
         "province_officer": "demo.tinh", "national_officer": "demo.quocgia", "admin": "demo.admin"}


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, inner in value.items():
            if key not in {"data", "arrowData", "id", "formId", "key", "icon", "spec", "url", "image"}:
                yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)


def screen_texts(at: AppTest) -> Iterator[str]:
    """Every text the visitor reads: labels, options, placeholders, help, messages, and tables' headers and cells."""
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        if node.type in {"arrow_data_frame", "arrow_table", "dataframe"}:
            frame = node.value
            yield from (str(c) for c in frame.columns)
            for column in frame.columns:
                if frame[column].dtype == bool:
                    continue  # drawn as check boxes
                yield from (str(v) for v in frame[column].tolist() if v is not None and v == v)
            continue
        yield from _strings(MessageToDict(proto))


def _walk(node) -> Iterator:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def leaks(at: AppTest) -> set[str]:
    found = set()
    for text in screen_texts(at):
        cleaned = NOT_INTERFACE.sub(" ", text)
        found.update(m.group(1) for m in LEAK.finditer(cleaned))
    return found


@pytest.fixture
def demo_office_app(configured_database, templates, tmp_path, request):
    configured_database(templates.copy("sqlite", "first_start", tmp_path, request.addfinalizer, **DEMO_OFFICE))
    at = AppTest.from_file(ENTRY, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_speaks_vietnamese_to_every_role(demo_office_app, role):
    at = demo_office_app
    if ROLES[role]:
        sign_in(at, ROLES[role], DEMO_PASSWORD)
    found = {}
    for spec in PAGES:
        if not (ANYONE in spec.roles or (role == "anonymous" and ANONYMOUS in spec.roles) or role in spec.roles):
            continue
        open_page(at, spec.path)
        if words := leaks(at):
            found[spec.url_path] = sorted(words)
    assert not found, found
