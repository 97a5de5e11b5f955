"""PDF basics: DejaVu Sans (full Vietnamese glyphs) embedded, text normalised to NFC before drawing."""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONTS = Path(__file__).resolve().parent.parent / "assets" / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
rl_config.useA85 = 0  # plain streams are smaller to write and quicker to produce


@functools.cache
def register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)


def nfc(text: object) -> str:
    # Decomposed accents (from some keyboards and spreadsheets) are drawn misplaced: compose them first.
    return unicodedata.normalize("NFC", str(text))
