"""The nomination spreadsheet (DESIGN.md §12) as plain functions: find the header, read each row, say what is wrong.

No database here: `validate_row` takes the cells of one row and returns a Candidate (or nothing) with the row's
errors and warnings, each naming the spreadsheet's row number, the column and what to do.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from db.enums import FloodDamage, labelled
from donation.common.errors import InvalidInput
from donation.common.identity import (
    check_bhxh_code,
    check_cccd,
    has_hidden_characters,
    hidden_characters_message,
    name_key,
    normalise_name,
    parse_gender,
    strip_accents,
)
from donation.premium.rule_data import GROUP_NAMES, GROUPS

# key, Vietnamese header (the template's), required. A header is matched by its Vietnamese name, by its key, or as
# "Họ và tên (full_name)", which templates downloaded before 12/2026 carry.
COLUMNS = (
    ("full_name", "Họ và tên", True),
    ("birth_date", "Ngày sinh", True),
    ("gender", "Giới tính", False),
    ("national_id", "Số CCCD", False),
    ("social_insurance_code", "Mã số BHXH", False),
    ("household_key", "Mã hộ", True),
    ("relation", "Quan hệ với chủ hộ", False),
    ("group", "Nhóm", True),
    ("need_flags", "Hoàn cảnh", False),
    ("flood_damage", "Mức thiệt hại", False),
    ("village", "Thôn/Tổ", False),
    ("school", "Trường", False),
    ("health_facility", "Nơi KCB ban đầu", False),
    ("current_card_until", "Hạn thẻ hiện tại", False),
    ("reason", "Lý do", False),
)
LABELS = {key: label for key, label, _ in COLUMNS}
REQUIRED = tuple(key for key, _, required in COLUMNS if required)

GROUP_WORDS = {
    "household": ("ho gia dinh", "gia dinh", "gd", "household"),
    "near_poor": ("ho can ngheo", "can ngheo", "cn", "near_poor", "near poor"),
    "pupil": ("hoc sinh", "hs", "pupil"),
    "student": ("sinh vien", "sv", "student"),
    "farm_household": ("ho nong lam ngu diem nghiep", "nong lam ngu diem nghiep", "ho nong nghiep", "gb",
                       "farm_household"),
    "ethnic_minority_transition": ("dtts xa ra khoi vung kho khan", "dan toc thieu so xa ra khoi vung kho khan",
                                   "dan toc thieu so xa het kho khan"),
    "trafficking_victim": ("nan nhan mua ban nguoi", "nan nhan bi mua ban", "mua ban nguoi"),
    "grassroots_security": ("an ninh trat tu co so", "bao ve an ninh trat tu o co so", "an ninh co so"),
    "village_health_worker": ("y te thon ban", "nhan vien y te thon ban", "co do thon ban", "y te thon"),
    "village_worker": ("khong chuyen trach o thon", "nguoi hoat dong khong chuyen trach o thon to dan pho",
                       "khong chuyen trach thon"),
    "artisan": ("nghe nhan", "nghe nhan nhan dan", "nghe nhan uu tu"),
    "mine_victim": ("nan nhan bom min", "nan nhan bom min vat no", "bom min"),
    "poor": ("ho ngheo", "ngheo", "hn", "poor"),
    "ethnic_minority_difficult": ("dtts vung kho khan", "dan toc thieu so vung kho khan", "dt"),
    "difficult_commune": ("xa dac biet kho khan", "vung dac biet kho khan", "dk"),
    "island_commune": ("xa dao", "dac khu", "xa dao dac khu", "huyen dao", "xd"),
    "social_protection": ("bao tro xa hoi", "tro cap xa hoi", "tro cap xa hoi hang thang", "bt"),
    "safe_zone_commune": ("an toan khu", "xa an toan khu", "xa an toan khu cach mang"),
}
# Every group is also named as the screens and the rule data name it (seeded, legal name and its shortening).
for _group in GROUPS:
    GROUP_WORDS[_group.key] = (*GROUP_WORDS.get(_group.key, ()), _group.key, _group.name, GROUP_NAMES[_group.key])
FLAG_WORDS = {
    "disability": ("khuyet tat", "nguoi khuyet tat", "disability"),
    "chronic_illness": ("benh man tinh", "benh hiem ngheo", "man tinh", "chronic_illness"),
    "elderly_alone": ("nguoi gia neo don", "gia neo don", "neo don", "elderly_alone"),
    "orphan": ("mo coi", "tre mo coi", "orphan"),
    "ethnic_minority": ("dan toc thieu so", "dtts", "ethnic_minority"),
}
FLAG_NAMES = {"disability": "Khuyết tật", "chronic_illness": "Bệnh mãn tính", "elderly_alone": "Người già neo đơn",
              "orphan": "Mồ côi", "ethnic_minority": "Dân tộc thiểu số"}
DAMAGE_WORDS = {
    "destroyed": ("nha bi sap", "bi sap", "cuon troi", "sap hoan toan", "destroyed"),
    "severe": ("hu hong nang", "hu hai nang", "severe"),
    "partial": ("hu hong mot phan", "hu hai mot phan", "mot phan", "partial"),
    "livelihood": ("mat sinh ke", "livelihood"),
}
DAMAGE_NAMES = labelled(FloodDamage, {FloodDamage.DESTROYED: "Nhà bị sập, cuốn trôi",
                                      FloodDamage.SEVERE: "Hư hỏng nặng", FloodDamage.PARTIAL: "Hư hỏng một phần",
                                      FloodDamage.LIVELIHOOD: "Mất sinh kế"})
_EXCEL_EPOCH = date(1899, 12, 30)
_DIGIT = re.compile(r"\d")
_SEPARATORS = re.compile(r"[\s.\-]")
_YEAR = re.compile(r"\d{4}")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_FLAG_SEPARATORS = re.compile(r"[;\r\n]")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CCCD_WITHOUT_ZERO = re.compile(r"[0-9]{11}")
_BHXH_WITHOUT_ZERO = re.compile(r"[0-9]{9}")


def header_key(text: object) -> str:
    """Headers match ignoring case, accents, spacing and punctuation: 'SỐ  CCCD' and 'so_cccd' are one."""
    return re.sub(r"[^a-z0-9]", "", strip_accents(str(text or "")).lower())


_HEADER_KEYS: dict[str, str] = {}
for _key, _label, _ in COLUMNS:
    _HEADER_KEYS[header_key(_label)] = _key
    _HEADER_KEYS[header_key(_key)] = _key
    _HEADER_KEYS[header_key(f"{_label} ({_key})")] = _key


def template_header(key: str) -> str:
    """The header the template writes: the Vietnamese name alone."""
    return LABELS[key]


def find_header(rows: list[list[object]], keys: Mapping[str, str], *, search: int = 30
                ) -> tuple[int, dict[str, int]] | None:
    """The first of the first `search` rows (title rows may sit above it) where three cells or more name columns
    (`keys`: header_key of a header -> column key), with its column map; None if there is none."""
    for index, row in enumerate(rows[:search]):
        mapping: dict[str, int] = {}
        for column, cell in enumerate(row):
            key = keys.get(header_key(cell))
            if key and key not in mapping:
                mapping[key] = column
        if len(mapping) >= 3:
            return index, mapping
    return None


def match_header(rows: list[list[object]], *, search: int = 30) -> tuple[int, dict[str, int]]:
    """Find the nomination sheet's header row; return its index and column map."""
    found = find_header(rows, _HEADER_KEYS, search=search)
    if found is None:
        raise InvalidInput("Không tìm thấy dòng tiêu đề (Họ và tên, Ngày sinh, Mã hộ, Nhóm…) trong 30 dòng đầu: "
                           "dùng tệp mẫu tải trên trang")
    index, mapping = found
    missing = [LABELS[k] for k in REQUIRED if k not in mapping]
    if missing:
        raise InvalidInput(f"Dòng tiêu đề (dòng {index + 1}) thiếu cột: {', '.join(missing)}. "
                           "Tải mẫu trên trang để xem đủ các cột")
    if "national_id" not in mapping and "social_insurance_code" not in mapping:
        raise InvalidInput("Tệp cần có cột Số CCCD hoặc cột Mã số BHXH")
    return index, mapping


@dataclass(frozen=True)
class Issue:
    row: int
    column: str  # the column's Vietnamese header, or "" for the whole row
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


@dataclass
class Candidate:
    """One valid row: a person and their nomination facts, before any database check."""

    row: int
    full_name: str
    birth_date: date
    birth_year_only: bool
    gender: str | None
    national_id: str | None
    social_insurance_code: str | None
    household_key: str
    relation: str
    group: str
    need_flags: tuple[str, ...]
    flood_damage: str | None
    village: str
    school: str
    health_facility: str
    current_card_until: date | None
    reason: str
    warnings: list[Issue] = field(default_factory=list)
    person_id: int | None = None  # set when the person is already known (with no active nomination)
    name_key: str = ""

    def __post_init__(self):
        self.name_key = name_key(self.full_name)


def _text(value: object) -> str:
    if type(value) is str:
        return " ".join(value.split())
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _digits_cell(value: object) -> str:
    """An identifier cell: Excel may hold it as a number (losing leading zeros) or as text."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _SEPARATORS.sub("", str(value or ""))


def read_date(value: object, today: date, *, allow_year: bool = False) -> tuple[date, bool]:
    """A date from a cell: an Excel date or serial number, dd/mm/yyyy text, or (for birth dates) a year alone."""
    if isinstance(value, datetime):
        return value.date(), False
    if isinstance(value, date):
        return value, False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise ValueError
        number = int(value)
        if allow_year and 1890 <= number <= today.year:
            return date(number, 1, 1), True
        if 1 <= number <= 80_000:
            return _EXCEL_EPOCH + timedelta(days=number), False
        raise ValueError
    text = _text(value)
    if allow_year and _YEAR.fullmatch(text):
        return date(int(text), 1, 1), True
    match = _DAY_MONTH_YEAR.fullmatch(text)
    if match:
        return date(int(match[3]), int(match[2]), int(match[1])), False
    if _ISO_DATE.fullmatch(text):
        return date.fromisoformat(text), False
    raise ValueError


def _spelling(text: str) -> str:
    return " ".join(strip_accents(text).lower().replace(",", " ").replace("_", " ").split())


def _vocabulary(words: dict[str, tuple[str, ...]]) -> dict[str, str]:
    names = {**FLAG_NAMES, **DAMAGE_NAMES}  # the names the pages and the template show are always accepted
    return {_spelling(option): choice for choice, options in words.items()
            for option in (*options, choice, *([names[choice]] if choice in names else []))}


_VOCABULARIES: dict[int, dict[str, str]] = {}


@functools.lru_cache(maxsize=4096)
def _choose_cached(text: str, vocabulary_id: int) -> str | None:
    return _VOCABULARIES[vocabulary_id].get(_spelling(text))


def _choose(text: str, words: dict[str, tuple[str, ...]]) -> str | None:
    """The choice whose spelling (any case, with or without accents) matches the cell."""
    if id(words) not in _VOCABULARIES:
        _VOCABULARIES[id(words)] = _vocabulary(words)
    return _choose_cached(text, id(words))


def household_cell(cells: Mapping[str, object]) -> str:
    """A row's household key as a Candidate holds it, read from its cells even when the row is refused."""
    return _text(cells.get("household_key"))[:64]


def cell_text(value: object) -> str:
    """A cell as text a spreadsheet shows and this module reads back the same: dates as dd/mm/yyyy, whole numbers
    without ".0" (an identifier typed as a number, or a birth year)."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# Refusals about the person, not about the row: the data is right and typing it again changes nothing (the state
# already pays their whole card; they are already nominated), so they do not hold the rest of their household back.
HOLDS_NOTHING = frozenset({"state_pays_all", "duplicate_in_database"})


@dataclass(frozen=True)
class SplitHousehold:
    """A household (by the file's Mã hộ) whose rows were refused in part: which rows are valid, which refused, why."""

    key: str
    valid_rows: tuple[int, ...]
    refused_rows: tuple[int, ...]
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"household": self.key, "valid_rows": list(self.valid_rows), "refused_rows": list(self.refused_rows),
                "reasons": list(self.reasons)}


def split_households(candidates: list[Candidate], errors: list[Issue],
                     household_of: Mapping[int, str]) -> list[SplitHousehold]:
    """Households some of whose rows are valid while another row of theirs is refused for a reason that a corrected
    file can fix (anything outside HOLDS_NOTHING). `household_of` maps a row number to its household key."""
    refused: dict[str, dict[int, list[Issue]]] = {}
    for issue in errors:
        key = household_of.get(issue.row, "")
        if key and issue.code not in HOLDS_NOTHING:
            refused.setdefault(key, {}).setdefault(issue.row, []).append(issue)
    valid: dict[str, list[int]] = {}
    for candidate in candidates:
        if candidate.household_key in refused:
            valid.setdefault(candidate.household_key, []).append(candidate.row)
    return [SplitHousehold(key, tuple(rows), tuple(sorted(refused[key])),
                           tuple(f"Dòng {row}, {issue.column or 'cả dòng'}: {issue.message}"
                                 for row in sorted(refused[key]) for issue in refused[key][row]))
            for key, rows in valid.items()]


def held_issue(candidate: Candidate, household: SplitHousehold) -> Issue:
    """Why a valid row is not saved: another row of its household was refused."""
    rows = ", ".join(str(row) for row in household.refused_rows)
    return Issue(candidate.row, LABELS["household_key"], "household_held_back",
                 f"Cùng hộ {household.key} với dòng {rows} bị từ chối: cả hộ chưa được lưu. Sửa dòng {rows} rồi nhập "
                 "lại cả hộ (hoặc chọn lưu các dòng hợp lệ)")


def validate_row(number: int, cells: dict[str, object], today: date) -> tuple[Candidate | None, list[Issue]]:
    """Check one row. Returns the candidate (None when any error) and the row's errors."""
    errors: list[Issue] = []
    warnings: list[Issue] = []

    def error(column: str, code: str, message: str) -> None:
        errors.append(Issue(number, LABELS.get(column, ""), code, message))

    def warn(column: str, code: str, message: str) -> None:
        warnings.append(Issue(number, LABELS.get(column, ""), code, message))

    raw = cells
    # Text once, blank cells left out (so `.get(key, "")`); dates and identifiers are read from `raw`.
    cells = {key: _text(value) for key, value in cells.items() if value is not None and value != ""}
    full_name = normalise_name(cells.get("full_name"))
    if not full_name:
        error("full_name", "required", "Thiếu họ và tên: ghi đầy đủ họ tên có dấu")
    elif len(full_name) > 100 or _DIGIT.search(full_name):
        error("full_name", "invalid_name", "Họ và tên có chữ số hoặc quá dài: kiểm tra lại ô này")
    elif has_hidden_characters(full_name):
        error("full_name", "invalid_name", hidden_characters_message("Họ và tên"))

    birth, year_only = None, False
    raw_birth = raw.get("birth_date")
    if cells.get("birth_date", "") == "":
        error("birth_date", "required", "Thiếu ngày sinh: ghi dd/mm/yyyy, hoặc chỉ năm sinh với người cao tuổi")
    else:
        try:
            birth, year_only = read_date(raw_birth, today, allow_year=True)
        except ValueError:
            error("birth_date", "invalid_date", f"Ngày sinh '{_text(raw_birth)}' không đọc được: ghi dd/mm/yyyy")
        else:
            if birth > today:
                error("birth_date", "future_date", f"Ngày sinh {birth:%d/%m/%Y} ở tương lai: kiểm tra lại")
                birth = None
            elif birth.year < 1890:
                error("birth_date", "invalid_date", f"Năm sinh {birth.year} không hợp lý: kiểm tra lại")
                birth = None

    gender = None
    if cells.get("gender", ""):
        try:
            gender = parse_gender(cells.get("gender", ""))
        except InvalidInput as exc:
            error("gender", "invalid_gender", str(exc))

    national_id = _digits_cell(raw.get("national_id")) or None
    if national_id is not None:
        if _CCCD_WITHOUT_ZERO.fullmatch(national_id):
            national_id = "0" + national_id
            warn("national_id", "cccd_repaired", "Số CCCD có 11 chữ số (mất số 0 đầu khi gõ như số): đã thêm số 0, "
                 "kiểm tra lại; nên định dạng cột là văn bản")
        try:
            national_id = check_cccd(national_id, birth_date=birth if not year_only else None, gender=gender)
            if year_only and birth and national_id and int(national_id[4:6]) != birth.year % 100:
                raise InvalidInput(f"Số CCCD cho biết năm sinh có hai số cuối {national_id[4:6]} nhưng năm sinh ghi "
                                   f"{birth.year}: kiểm tra lại số CCCD hoặc năm sinh")
        except InvalidInput as exc:
            code = "cccd_mismatch" if "nhưng" in str(exc) else "invalid_cccd"
            error("national_id", code, str(exc))

    bhxh = _digits_cell(raw.get("social_insurance_code")) or None
    if bhxh is not None:
        if _BHXH_WITHOUT_ZERO.fullmatch(bhxh):
            bhxh = "0" + bhxh
            warn("social_insurance_code", "bhxh_repaired", "Mã số BHXH có 9 chữ số (mất số 0 đầu): đã thêm số 0, "
                 "kiểm tra lại")
        try:
            bhxh = check_bhxh_code(bhxh)
        except InvalidInput as exc:
            error("social_insurance_code", "invalid_bhxh", str(exc))
    if national_id is None and bhxh is None:
        error("national_id", "missing_identifier", "Cần Số CCCD hoặc Mã số BHXH: ghi ít nhất một trong hai")

    household_key = cells.get("household_key", "")
    if not household_key:
        error("household_key", "required", "Thiếu mã hộ: người cùng hộ ghi cùng một mã (ví dụ H01)")

    group = _choose(cells.get("group", ""), GROUP_WORDS)
    if not cells.get("group", ""):
        error("group", "required", "Thiếu nhóm: ghi Hộ gia đình, Hộ cận nghèo, Học sinh, Sinh viên…")
    elif group is None:
        error("group", "unknown_group", f"Nhóm '{cells.get('group', '')}' không có: ghi Hộ gia đình, Hộ cận "
              "nghèo, Học sinh, Sinh viên, Hộ nông lâm ngư diêm nghiệp hoặc Hộ nghèo")

    flags: list[str] = []
    # Flags are separated by ';' or by line breaks inside the cell (Alt+Enter), so split the raw cell first.
    for part in _FLAG_SEPARATORS.split(str(raw.get("need_flags") or "") if cells.get("need_flags") else ""):
        part = _text(part)
        if part:
            flag = _choose(part, FLAG_WORDS)
            if flag is None:
                error("need_flags", "unknown_flag", f"Hoàn cảnh '{part}' không có: dùng "
                      f"{', '.join(FLAG_NAMES.values())}, cách nhau bằng dấu ;")
            elif flag not in flags:
                flags.append(flag)

    damage = None
    if cells.get("flood_damage", ""):
        damage = _choose(cells.get("flood_damage", ""), DAMAGE_WORDS)
        if damage is None:
            error("flood_damage", "unknown_damage_level", f"Mức thiệt hại '{cells.get('flood_damage', '')}' "
                  f"không có: dùng {', '.join(DAMAGE_NAMES.values())}, hoặc để trống")

    card_until = None
    if cells.get("current_card_until", ""):
        try:
            card_until, _ = read_date(raw.get("current_card_until"), today)
        except ValueError:
            error("current_card_until", "invalid_date", "Hạn thẻ hiện tại không đọc được: ghi dd/mm/yyyy")

    if errors:
        return None, errors
    candidate = Candidate(
        row=number, full_name=full_name, birth_date=birth, birth_year_only=year_only, gender=gender,
        national_id=national_id, social_insurance_code=bhxh, household_key=household_key[:64],
        relation=cells.get("relation", "")[:50], group=group, need_flags=tuple(flags), flood_damage=damage,
        village=cells.get("village", "")[:100], school=cells.get("school", "")[:150],
        health_facility=cells.get("health_facility", "")[:150], current_card_until=card_until,
        reason=cells.get("reason", "")[:500], warnings=warnings,
    )
    return candidate, []
