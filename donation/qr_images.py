"""QR codes as 1-bit images (zxing-cpp's matrix through Pillow): for pages (PNG) and PDFs (an image, not a path).

`read_qr` decodes an image back, which tests use to prove a printed or shown code scans.
"""

from __future__ import annotations

import io

import numpy as np
import zxingcpp
from PIL import Image


def qr_image(text: str, *, module_px: int = 1) -> Image.Image:
    """A black-on-white QR (error correction M, with its quiet zone), each module `module_px` pixels wide."""
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    matrix = np.asarray(barcode.to_image(scale=1, add_quiet_zones=True))
    image = Image.fromarray(matrix).convert("1")
    if module_px > 1:
        image = image.resize((image.width * module_px, image.height * module_px), Image.NEAREST)
    return image


def qr_png(text: str, *, module_px: int = 8) -> bytes:
    buffer = io.BytesIO()
    qr_image(text, module_px=module_px).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def read_qr(image: Image.Image) -> list[str]:
    """The texts of the QR codes found in an image."""
    return [found.text for found in zxingcpp.read_barcodes(image.convert("L"))]
