"""Integer đồng: format as `1.263.600 ₫`, parse what people type, and say the amount in Vietnamese words."""

from __future__ import annotations

import re
import unicodedata

from donation.common.errors import InvalidInput

_CURRENCY = re.compile(r"(₫|đồng|đ|vnđ|vnd|dong)$", re.IGNORECASE)
_GROUPED = re.compile(r"[0-9]{1,3}(?:([.,])[0-9]{3})?(?:\1[0-9]{3})*")


def format_vnd(amount: int) -> str:
    """1263600 -> '1.263.600 ₫'."""
    _require_int(amount)
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount):,} ₫".replace(",", ".")


_SHORT_UNITS = ((10**9, "tỷ"), (10**6, "triệu"), (10**3, "nghìn"))


def format_vnd_short(amount: int) -> str:
    """An amount in a few characters, for a headline figure shown with its exact amount beside it:
    430929000 -> '430,9 triệu ₫', 1234567890 -> '1,2 tỷ ₫', 20000000 -> '20 triệu ₫', 950 -> '950 ₫'.

    The unit is the largest the amount reaches (nghìn, triệu, tỷ); one decimal, rounded half up in integers
    (430,95 triệu is '431 triệu'); an amount that rounds up to a thousand of its unit is said in the next one
    (999.950.000 -> '1 tỷ ₫', never '1.000 triệu ₫'); above a thousand tỷ the tỷ are grouped ('1.234,6 tỷ ₫')."""
    _require_int(amount)
    sign = "-" if amount < 0 else ""
    size = abs(amount)
    for index, (unit, name) in enumerate(_SHORT_UNITS):
        if size < unit:
            continue
        tenths = (size * 10 + unit // 2) // unit
        if index and tenths >= 10_000:  # 999,95 triệu rounds to 1.000 triệu: say 1 tỷ
            unit, name = _SHORT_UNITS[index - 1]
            tenths = (size * 10 + unit // 2) // unit
        whole, tenth = divmod(tenths, 10)
        return f"{sign}{format_number(whole)}{f',{tenth}' if tenth else ''} {name} ₫"
    return f"{sign}{size} ₫"


def format_number(amount: int) -> str:
    """1263600 -> '1.263.600' (no currency sign, for tables with a ₫ column header)."""
    _require_int(amount)
    return f"{amount:,}".replace(",", ".")


def format_percent_bp(basis_points: int) -> str:
    """450 -> '4,5%'; 7000 -> '70%' (a basis point is 1/100 of a percent)."""
    _require_int(basis_points)
    whole, rest = divmod(abs(basis_points), 100)
    text = str(whole) if rest == 0 else f"{whole},{rest:02d}".rstrip("0")
    return f"{'-' if basis_points < 0 else ''}{text}%"


def parse_vnd(text: str) -> int:
    """Read an amount as people type it: '1.263.600', '1263600', '1,263,600 đ', '1.263.600 VNĐ'."""
    raw = unicodedata.normalize("NFC", str(text or "")).strip()
    cleaned = _CURRENCY.sub("", raw.replace(" ", "").replace("\u00a0", "")).strip()
    if not cleaned:
        raise InvalidInput("Chưa nhập số tiền: nhập số đồng, ví dụ 1.263.600")
    if len(cleaned) > 30:
        raise InvalidInput("Số tiền quá dài: kiểm tra lại")
    negative = cleaned.startswith("-")
    digits = cleaned.lstrip("-")
    if not _GROUPED.fullmatch(digits) and not re.fullmatch(r"[0-9]+", digits):
        raise InvalidInput(
            f"Số tiền '{raw}' không hợp lệ: chỉ nhập số đồng, có thể tách nhóm nghìn bằng dấu chấm (1.263.600), "
            "không có phần lẻ"
        )
    value = int(digits.replace(".", "").replace(",", ""))
    return -value if negative else value


_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_SCALES = ["", "nghìn", "triệu"]


def amount_in_words(amount: int) -> str:
    """1263600 -> 'Một triệu hai trăm sáu mươi ba nghìn sáu trăm đồng'."""
    _require_int(amount)
    if amount == 0:
        return "Không đồng"
    words = _number_words(abs(amount))
    if amount < 0:
        words = "âm " + words
    return words[0].upper() + words[1:] + " đồng"


def _number_words(n: int) -> str:
    """Words for n > 0; above a billion the count of billions is read as a number of its own."""
    billions, rest = divmod(n, 1_000_000_000)
    parts = []
    if billions:
        parts.append(_number_words(billions) + " tỷ")
    groups = [(rest // 10**6) % 1000, (rest // 10**3) % 1000, rest % 1000]
    for index, group in enumerate(groups):
        if group == 0:
            continue
        # A group after a higher one is read in full ("không trăm linh năm"); the leading group is not.
        full = bool(parts)
        parts.append(_three_digits(group, full))
        if _SCALES[2 - index]:
            parts[-1] += " " + _SCALES[2 - index]
    return " ".join(parts)


def _three_digits(n: int, full: bool) -> str:
    hundreds, tens, units = n // 100, (n // 10) % 10, n % 10
    words = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append("linh")
            words.append(_DIGITS[units])
        return " ".join(words)
    words += ["mười"] if tens == 1 else [_DIGITS[tens], "mươi"]
    if units == 1:
        words.append("mốt" if tens >= 2 else "một")
    elif units == 4:
        words.append("tư" if tens >= 2 else "bốn")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return " ".join(words)


def _require_int(value: int) -> None:
    # bool is an int subclass; money is never a bool, a float or a Decimal.
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"money must be an int of đồng, got {type(value).__name__}")


def parse_percent_bp(text: str) -> int:
    """Read a percentage as people type it ('4,5', '4.5%', '70') into basis points (450, 7000)."""
    raw = str(text or "").strip().removesuffix("%").strip().replace(",", ".")
    match = re.fullmatch(r"(\d{1,3})(?:\.(\d{1,2}))?", raw)
    if not match:
        raise InvalidInput(f"Tỷ lệ '{text}' không hợp lệ: nhập số phần trăm, ví dụ 4,5 hoặc 70")
    value = int(match[1]) * 100 + int((match[2] or "0").ljust(2, "0"))
    if value > 10_000:
        raise InvalidInput(f"Tỷ lệ '{text}' lớn hơn 100%")
    return value
