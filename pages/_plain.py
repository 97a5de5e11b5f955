"""Text that a person typed or a file brought, made ready to sit inside Markdown: shown exactly, never rendered."""

from __future__ import annotations

import re

# Streamlit 1.67 renders Markdown (GFM, math, directives) in markdown, captions, alerts, headings, toasts, st.table
# cells, metric labels and values, and the labels of widgets, tabs, expanders and radio options. CommonMark shows a
# backslash-escaped ASCII punctuation character as itself, which defuses emphasis, links, images, raw HTML and
# entities, block syntax, tables, $math$ and directives such as :red[…].
_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")
# Some rewrites look at the text after escapes are undone (seen in Chromium): GFM's autolinks (http://…, www.…,
# a@b.c), Streamlit's ":material/x:" icons, ":emoji:" shortcodes and ":streamlit:", and " -> ", " -- ", " <= " and the
# like turned into arrows and dashes. An invisible word joiner (U+2060) inside each keeps it from matching.
_JOINER = "\u2060"
_REWRITTEN = re.compile(r"(?<=:)(?=[\w+\-/])|(?<=@)(?=[\w\-])|(?<=www)(?=\.)|(?<=[-<>~=])(?=[-<>~=])",
                        re.ASCII | re.IGNORECASE)
_LINE = re.compile(r"\r\n|\r|\n")
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)  # four leading spaces would start a code block; HTML drops them anyway


def plain(text: object) -> str:
    """Markdown that shows `text` exactly as it was written, line breaks kept, whatever characters it holds."""
    shown = _INDENT.sub("", _LINE.sub("\n", str(text)))
    shown = _REWRITTEN.sub(_JOINER, shown)
    return _PUNCTUATION.sub(r"\\\1", shown).replace("\n", "\\\n")  # a backslash before a line break keeps it
