"""QR codes as 1-bit images from zxing-cpp's matrix: PNG for pages, raw 1-bit image objects for PDFs.

zxing-cpp spends nine tenths of an encode trying the eight data masks; any mask is valid QR, so codes are made with
a fixed mask at the version an automatic encode chose for the same length (measured: 0.06 ms against 0.55 ms). A
text that needs more than that version is encoded the automatic way. `read_qr` decodes an image back, which tests
use to prove that a printed or shown code scans.
"""

from __future__ import annotations

import io

import numpy as np
import zxingcpp
from PIL import Image

_MASK = 3  # any of 0..7 is valid; fixed so that the encoder does not try all eight
_versions: dict[int, int] = {}  # text length (bytes) -> the version an automatic encode chose


def _fixed(text: str, version: int) -> zxingcpp.Barcode:
    # zxing-cpp reads the level only together with a version (it falls back to L otherwise)
    return zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode,
                                   options=f"ecLevel=M, version={version}, dataMask={_MASK}")


def qr_modules(text: str, *, quiet_zone: bool = True) -> np.ndarray:
    """The code's modules, True where dark (error correction M), with the four white modules around it that the
    standard asks for unless `quiet_zone` is False (the page around it is white)."""
    length = len(text.encode())
    barcode = None
    if length in _versions:
        try:
            barcode = _fixed(text, _versions[length])
        except ValueError:  # this text's characters need a larger version than the last one of its length
            barcode = None
    if barcode is None:
        automatic = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
        version = (np.asarray(automatic.to_image(scale=1, add_quiet_zones=False)).shape[0] - 17) // 4
        _versions[length] = version
        barcode = _fixed(text, version)
    return np.asarray(barcode.to_image(scale=1, add_quiet_zones=quiet_zone)) < 128


def qr_image(text: str, *, module_px: int = 1) -> Image.Image:
    """A black-on-white QR, each module `module_px` pixels wide."""
    image = Image.fromarray(~qr_modules(text)).convert("1")
    if module_px > 1:
        image = image.resize((image.width * module_px, image.height * module_px), Image.NEAREST)
    return image


def qr_png(text: str, *, module_px: int = 8) -> bytes:
    buffer = io.BytesIO()
    qr_image(text, module_px=module_px).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def qr_bits(text: str) -> tuple[int, bytes]:
    """The symbol (no quiet zone: the caller leaves white around it) as a PDF 1-bit grey image: its width in modules
    (it is square), and rows of packed bits where 1 is white, each row padded to a whole byte."""
    modules = qr_modules(text, quiet_zone=False)
    return modules.shape[0], np.packbits(~modules, axis=1).tobytes()


def read_qr(image: Image.Image) -> list[str]:
    """The texts of the QR codes found in an image."""
    # QR codes only: a QR's modules can also read as a short one-dimensional barcode (an ITF "5131" was seen)
    return [found.text for found in zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)]
