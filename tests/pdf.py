"""Read back the PDFs the platform renders (text, images, sizes per page), closing every PDFium handle in order.

PDFium is not safe to leave to the garbage collector: a document finalised before its pages (both in one
collected cycle) frees memory the pages still use, and the test process dies with a segmentation fault. Nor is it
safe from two threads at once (pypdfium2 says so; CI died that way when four officers printed at once and each
thread read its own PDF back): one lock around every use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pypdfium2 as pdfium
from PIL import Image

T = TypeVar("T")
_PDFIUM = threading.Lock()


def _each_page(source: bytes | Path, read: Callable[[pdfium.PdfPage], T]) -> list[T]:
    with _PDFIUM:
        document = pdfium.PdfDocument(source)
        try:
            results = []
            for index in range(len(document)):
                page = document[index]
                try:
                    results.append(read(page))
                finally:
                    page.close()
            return results
        finally:
            document.close()


def _text(page: pdfium.PdfPage) -> str:
    textpage = page.get_textpage()
    try:
        return textpage.get_text_range()
    finally:
        textpage.close()


def _image(page: pdfium.PdfPage, scale: float) -> Image.Image:
    bitmap = page.render(scale=scale)
    try:
        return bitmap.to_pil().copy()  # the copy owns its pixels; the bitmap's buffer goes with the bitmap
    finally:
        bitmap.close()


def page_texts(source: bytes | Path) -> list[str]:
    """The text of each page."""
    return _each_page(source, _text)


def pdf_text(source: bytes | Path) -> str:
    """The text of the whole document."""
    return "".join(page_texts(source))


def page_images(source: bytes | Path, scale: float) -> list[Image.Image]:
    """Each page rendered at `scale` pixels per point."""
    return _each_page(source, lambda page: _image(page, scale))


def page_sizes(source: bytes | Path) -> list[tuple[int, int]]:
    """Each page's width and height in points, rounded."""
    return _each_page(source, lambda page: tuple(round(v) for v in page.get_size()))
