"""AppTest fixtures: the app started from its entry on a SQLite database of its own."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ENTRY = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


def as_read(body: str) -> str:
    """What a reader sees of a Markdown body that holds escaped text (the word joiners are invisible)."""
    return re.sub(r"\\(.)", r"\1", body, flags=re.DOTALL).replace("\u2060", "")


@pytest.fixture
def app(configured_database, new_database):
    """The app on a copy of what its first start leaves in a new embedded database (migrated, demo accounts)."""
    configured_database(new_database("sqlite", "first_start"))
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def select_rows(at: AppTest, name: str, *rows: int) -> AppTest:
    """Run as if the visitor had ticked `rows` of the table keyed `name` (or `name.` and what it lists), with whatever
    else the test has set (a click, a form): AppTest has no API for a table's selection, so its state is written
    as the browser sends it."""
    (key,) = [frame.key for frame in at.dataframe if frame.key and (frame.key == name or frame.key.startswith(f"{name}."))]
    at.session_state[key] = {"selection": {"rows": list(rows), "columns": [], "cells": []}}
    at.run()
    assert not at.exception, at.exception
    return at
