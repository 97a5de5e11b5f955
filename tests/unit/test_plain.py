"""plain(): a person's text placed inside Markdown shows exactly as written (Streamlit 1.67's renderer, checked in
Chromium by tests/browser/test_hostile_text.py)."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pages._plain import plain

J = "\u2060"  # the invisible word joiner


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("Nguyễn Thị Hoa", "Nguyễn Thị Hoa"),
        ("**Đậm**", r"\*\*Đậm\*\*"),
        ("![t](x.png)", r"\!\[t\]\(x\.png\)"),
        ("<img src=x>", r"\<img src\=x\>"),
        ("&amp; $x$ `c` ~s~ _i_ #1 |a|", r"\&amp\; \$x\$ \`c\` \~s\~ \_i\_ \#1 \|a\|"),
        (":red[đỏ]", rf"\:{J}red\[đỏ\]"),
        (":material/home: :smile: :+1:", rf"\:{J}material\/home\: \:{J}smile\: \:{J}\+1\:"),
        ("http://e.vn www.e.vn ai@e.vn", rf"http\:{J}\/\/e\.vn www{J}\.e\.vn ai\@{J}e\.vn"),
        ("a -> b <-> c -- d <= e ~= f", rf"a \-{J}\> b \<{J}\-{J}\> c \-{J}\- d \<{J}\= e \~{J}\= f"),
        ("C:\\thư mục", r"C\:\\thư mục"),
        ("dòng 1\r\n    # dòng 2\rdòng 3", "dòng 1\\\n\\# dòng 2\\\ndòng 3"),
    ],
)
def test_markdown_for_a_persons_text(text, markdown):
    assert plain(text) == markdown


def test_anything_is_turned_into_its_text():
    assert plain(42) == "42" and plain(ValueError("Sai: «x»")) == r"Sai\: «x»"


@given(st.text())
def test_every_punctuation_mark_is_escaped_and_nothing_else_changes(text):
    made = plain(text)
    # read left to right: each ASCII punctuation mark stands behind a backslash of its own
    assert re.fullmatch(r"(?:\\[!-/:-@\[-`{-~]|\\\n|[^!-/:-@\[-`{-~\n])*", made, flags=re.DOTALL)
    expected = re.sub(r"(?m)^[ \t]+", "", text.replace("\r\n", "\n").replace("\r", "\n"))
    assert re.sub(r"\\(.)", r"\1", made, flags=re.DOTALL).replace(J, "") == expected.replace(J, "")
