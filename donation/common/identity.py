"""Identity checks: CCCD, old CMND, BHXH code, card code, tax code, and names normalised for search.

Every rejection raises InvalidInput with a Vietnamese message saying what is wrong and what to check; messages never
repeat a personal identifier, so that they can be logged and shown beside a row safely.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from donation.common.errors import InvalidInput

# The 63 province codes of Circular 07/2016/TT-BCA (pre-2025 provinces); CCCDs issued with them stay valid.
CCCD_PROVINCES = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
    "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái",
    "017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang",
    "025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định", "037": "Ninh Bình",
    "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh", "044": "Quảng Bình", "045": "Quảng Trị",
    "046": "Thừa Thiên Huế", "048": "Đà Nẵng", "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định",
    "054": "Phú Yên", "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng", "070": "Bình Phước",
    "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai", "077": "Bà Rịa - Vũng Tàu", "079": "Hồ Chí Minh",
    "080": "Long An", "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long",
    "087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
    "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}

GENDER_LABELS = {"male": "Nam", "female": "Nữ"}
_ASCII_DIGITS = re.compile(r"[0-9]+")  # str.isdigit() also takes '²' and full-width digits
_SEPARATORS = re.compile(r"[\s.\-]")
_GENDER_WORDS = {"nam": "male", "male": "male", "m": "male", "nu": "female", "female": "female", "f": "female"}


@dataclass(frozen=True)
class CccdInfo:
    number: str
    province_code: str
    province_name: str
    gender: str  # "male" or "female"
    century_start: int  # 1900, 2000, …
    birth_year: int


@dataclass(frozen=True)
class CardCode:
    bhxh_code: str
    object_code: str | None = None
    benefit_level: int | None = None
    province_code: str | None = None


def _digits(value: object) -> str:
    return _SEPARATORS.sub("", str(value or ""))


def _exact_digits(value: object, length: int, label: str) -> str:
    text = _digits(value)
    if not text:
        raise InvalidInput(f"Chưa nhập {label}: nhập đủ {length} chữ số")
    if not _ASCII_DIGITS.fullmatch(text):
        raise InvalidInput(f"{label} có ký tự không phải chữ số: chỉ nhập {length} chữ số")
    if len(text) != length:
        raise InvalidInput(f"{label} phải có đúng {length} chữ số (đang có {len(text)}): kiểm tra lại, kể cả số 0 ở đầu")
    return text


def parse_gender(value: object) -> str:
    gender = _GENDER_WORDS.get(_word_key(str(value or "")))
    if gender is None:
        raise InvalidInput(f"Giới tính '{value}' không hợp lệ: ghi Nam hoặc Nữ")
    return gender


@functools.lru_cache(maxsize=256)
def _word_key(text: str) -> str:
    return strip_accents(text).strip().lower()


def parse_cccd(value: object) -> CccdInfo:
    """Read the facts a 12-digit CCCD encodes: birth-registration province, gender, century and birth year."""
    number = _exact_digits(value, 12, "Số CCCD")
    province = number[:3]
    if province not in CCCD_PROVINCES:
        raise InvalidInput(
            f"Số CCCD bắt đầu bằng '{province}', không phải mã tỉnh nơi đăng ký khai sinh: kiểm tra 3 chữ số đầu"
        )
    code = int(number[3])
    century_start = 1900 + 100 * (code // 2)
    gender = "male" if code % 2 == 0 else "female"
    return CccdInfo(number, province, CCCD_PROVINCES[province], gender, century_start,
                    century_start + int(number[4:6]))


def check_cccd(value: object, *, birth_date: date | None = None, gender: str | None = None) -> str:
    """Return the 12-digit CCCD, refusing one whose digits disagree with the stated birth date or gender."""
    info = parse_cccd(value)
    if birth_date is not None and birth_date.year != info.birth_year:
        raise InvalidInput(
            f"Số CCCD cho biết năm sinh {info.birth_year} (chữ số thứ 4 là {info.number[3]}, "
            f"chữ số 5-6 là {info.number[4:6]}) nhưng ngày sinh ghi năm {birth_date.year}: "
            "kiểm tra lại số CCCD hoặc ngày sinh"
        )
    if gender is not None:
        stated = parse_gender(gender) if gender not in GENDER_LABELS else gender
        if stated != info.gender:
            raise InvalidInput(
                f"Số CCCD là của người giới tính {GENDER_LABELS[info.gender]} "
                f"(chữ số thứ 4 là {info.number[3]}) nhưng hồ sơ ghi {GENDER_LABELS[stated]}: "
                "kiểm tra lại số CCCD hoặc giới tính"
            )
    return info.number


def check_cmnd(value: object) -> str:
    """An old identity card number (CMND): 9 digits, or 12 for the last issues. A secondary identifier only."""
    text = _digits(value)
    if not _ASCII_DIGITS.fullmatch(text) or len(text) not in (9, 12):
        raise InvalidInput("Số CMND không hợp lệ: CMND cũ có 9 hoặc 12 chữ số")
    return text


def check_bhxh_code(value: object) -> str:
    return _exact_digits(value, 10, "Mã số BHXH")


_CARD_CODE = re.compile(r"([A-Z]{2})([1-5])(\d{2})(\d{10})")


def parse_card_code(value: object) -> CardCode:
    """A card number: the 10-digit BHXH code, or the 15-character code (object, benefit level, province, BHXH)."""
    text = _SEPARATORS.sub("", str(value or "")).upper()
    if _ASCII_DIGITS.fullmatch(text):
        return CardCode(_exact_digits(text, 10, "Mã thẻ BHYT"))
    if len(text) != 15:
        raise InvalidInput(
            f"Mã thẻ BHYT có {len(text)} ký tự: nhập mã số BHXH 10 chữ số hoặc mã thẻ 15 ký tự (ví dụ GD4661234567890)"
        )
    match = _CARD_CODE.fullmatch(text)
    if not match:
        raise InvalidInput(
            "Mã thẻ BHYT sai cấu trúc: 2 chữ cái mã đối tượng, 1 chữ số mức hưởng (1-5), "
            "2 chữ số mã tỉnh, rồi 10 chữ số mã số BHXH"
        )
    object_code, level, province, bhxh = match.groups()
    return CardCode(bhxh, object_code, int(level), province)


def check_tax_code(value: object) -> str:
    """A company tax code: 10 digits, or 13 written as 10 digits, a hyphen and a 3-digit branch number."""
    text = re.sub(r"\s", "", str(value or ""))
    if re.fullmatch(r"\d{10}", text):
        return text
    if match := re.fullmatch(r"(\d{10})-?(\d{3})", text):
        return f"{match[1]}-{match[2]}"
    raise InvalidInput(
        f"Mã số thuế '{text}' không hợp lệ: nhập 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số đơn vị phụ thuộc"
    )


def has_hidden_characters(tidied: str) -> bool:
    """Whether a name, its spaces already tidied, holds a character nobody sees: control characters (C0, C1),
    direction overrides such as U+202E that show the text reversed, zero-width and other format marks."""
    return not tidied.isprintable()  # tidying has turned tabs and line breaks into spaces, the only ones left


def hidden_characters_message(field: str) -> str:
    return (f"{field} có ký tự điều khiển hoặc ký tự ẩn (như dấu đảo chiều chữ): gõ lại bằng bàn phím, "
            "đừng dán từ nơi khác")


def normalise_name(value: object) -> str:
    """'  nGUYỄN   văn  a ' -> 'Nguyễn Văn A' (NFC, single spaces, each word capitalised)."""
    return _normalise_text(str(value or ""))


# Names repeat a great deal in a commune's lists (and imports run these 100,000 times): remember recent answers.
@functools.lru_cache(maxsize=65_536)
def _normalise_text(text: str) -> str:
    return " ".join(word[:1].upper() + word[1:].lower() for word in unicodedata.normalize("NFC", text).split())


_COMBINING = re.compile(r"[\u0300-\u036f]")


def strip_accents(value: str) -> str:
    bare = _COMBINING.sub("", unicodedata.normalize("NFD", value))
    return bare.replace("đ", "d").replace("Đ", "D")


def name_key(value: object) -> str:
    """A key that ignores accents, case and spacing: 'Nguyễn Văn Ánh' and 'nguyen van anh' share one."""
    return _name_key_text(str(value or ""))


@functools.lru_cache(maxsize=65_536)
def _name_key_text(text: str) -> str:
    return " ".join(strip_accents(unicodedata.normalize("NFC", text)).lower().split())


# The Vietnamese alphabet's order (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y); tone marks only
# break ties, in the order dictionaries use: none, grave, hook, tilde, acute, dot below.
_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_LETTER_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_SHAPES = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter, not a tone


def _collation(word: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    letters: list[int] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFD", word.lower()):
        if char in _TONES:
            if tones:
                tones[-1] = _TONES[char]
            continue
        if char in _SHAPES and letters:
            base = _ALPHABET[letters[-1]] if 0 <= letters[-1] < len(_ALPHABET) else ""
            shaped = unicodedata.normalize("NFC", base + char)
            letters[-1] = _LETTER_RANK.get(shaped, letters[-1])
            continue
        letters.append(_LETTER_RANK.get(char, len(_ALPHABET) + ord(char)))
        tones.append(0)
    return tuple(letters), tuple(tones)


def vietnamese_name_order(full_name: str) -> tuple:
    """Sort key for printed lists: by given name (the last word), then from the surname on, in the Vietnamese
    alphabet (so Ân after An and Đ after D), tones breaking ties."""
    words = unicodedata.normalize("NFC", str(full_name or "")).split()
    keys = [_collation(word) for word in words] or [((), ())]
    given, whole = keys[-1], keys
    return ([k[0] for k in [given] + whole], [k[1] for k in [given] + whole])
