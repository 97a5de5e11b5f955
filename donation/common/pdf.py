"""PDF basics: DejaVu Sans (full Vietnamese glyphs) embedded, text normalised to NFC before drawing, the office's
header every official document carries, and the papers a receipt print run offers."""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONTS = Path(__file__).resolve().parents[2] / "assets" / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
rl_config.useA85 = 0  # plain streams are smaller to write and quicker to produce
PAPERS = {"a5": "A5 (một biên nhận một tờ)", "a4_two": "A4 (hai biên nhận một tờ, có đường cắt)"}


@functools.cache
def register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)


def nfc(text: object) -> str:
    # Decomposed accents (from some keyboards and spreadsheets) are drawn misplaced: compose them first.
    return unicodedata.normalize("NFC", str(text))


@dataclass(frozen=True)
class OfficeHeader:
    """The issuing office as it signs: from the administrator's settings, with the law's defaults."""

    parent: str  # the governing body, e.g. BẢO HIỂM XÃ HỘI VIỆT NAM ("" for the national office)
    name: str  # e.g. BẢO HIỂM XÃ HỘI TỈNH ĐẮK LẮK
    place: str  # the place in "Đắk Lắk, ngày … tháng … năm …"
    signer_title: str  # e.g. GIÁM ĐỐC
    signer_name: str
