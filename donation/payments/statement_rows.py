"""A bank statement as plain rows: find the columns (the defaults, or the officer's mapping), read each credit line.

No database here. Dates may be `dd/mm/yyyy` (with a time after it), Excel dates or ISO; amounts whole đồng as numbers
or text (`1.000.000`, `+1,000,000 VND`); debits and zero lines are skipped, unreadable lines are named by row.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import date

from donation.common.errors import InvalidInput
from donation.common.money import parse_vnd
from donation.registry.nomination_rows import Issue, header_key, read_date

FIELDS = {"date": "Ngày giao dịch", "amount": "Số tiền", "description": "Nội dung", "reference": "Mã giao dịch"}
DEFAULT_HEADERS = {field: (label, field) for field, label in FIELDS.items()}


@dataclass(frozen=True)
class Entry:
    row: int  # as the spreadsheet numbers it
    line_date: date
    amount: int
    description: str
    reference: str


def header_row(rows: list[list[object]], *, search: int = 30) -> tuple[int, list[str]]:
    """The first row that looks like a header (three or more filled cells): its index and its texts."""
    for index, row in enumerate(rows[:search]):
        texts = [" ".join(str(cell if cell is not None else "").split()) for cell in row]
        if sum(1 for text in texts if text) >= 3:
            return index, texts
    raise InvalidInput("Không tìm thấy dòng tiêu đề trong 30 dòng đầu của sao kê")


def find_columns(rows: list[list[object]], mapping: dict[str, str] | None = None) -> tuple[int, dict[str, int]]:
    """Where each field is: by the officer's mapping (field -> header text), else by the default headers."""
    wanted = {field: (mapping[field],) if mapping and mapping.get(field) else DEFAULT_HEADERS[field]
              for field in FIELDS}
    for index, row in enumerate(rows[:30]):
        keys = [header_key(cell) for cell in row]
        columns = {}
        for field, names in wanted.items():
            for name in names:
                if header_key(name) in keys:
                    columns[field] = keys.index(header_key(name))
                    break
        if len(columns) == len(FIELDS):
            return index, columns
        if len(columns) >= 2:
            missing = ", ".join(FIELDS[f] for f in FIELDS if f not in columns)
            raise InvalidInput(f"Dòng tiêu đề (dòng {index + 1}) thiếu cột: {missing}. Chọn cột tương ứng của "
                               "ngân hàng ở phần «Cột của sao kê»")
    raise InvalidInput("Không thấy các cột Ngày giao dịch, Số tiền, Nội dung, Mã giao dịch: chọn cột tương ứng của "
                       "ngân hàng ở phần «Cột của sao kê»")


def _amount(value: object) -> int:
    if isinstance(value, bool):
        raise InvalidInput("Số tiền không đọc được")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise InvalidInput("Số tiền có phần lẻ: sao kê tiền đồng phải là số nguyên")
        return int(value)
    return parse_vnd(str(value).replace("+", "").removesuffix("VND").removesuffix("vnd"))


def _date(value: object, today: date) -> date:
    if isinstance(value, str):
        return _date_text(value.strip(), today)
    return read_date(value, today)[0]


@functools.lru_cache(maxsize=4096)  # a statement holds a few dozen distinct days in 100,000 lines
def _date_text(text: str, today: date) -> date:
    if " " in text:
        text = text.split()[0]  # "25/11/2026 10:22:33": the time is not needed
    if text.isascii() and text.isdigit():
        return read_date(int(text), today)[0]  # an Excel date serial saved as text in a CSV
    return read_date(text, today)[0]


def _cell(row: list[object], column: int) -> object:
    return row[column] if column < len(row) else None


def _text(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def normalise_reference(text: object) -> str | None:
    """A bank reference as banks print it, whatever way it was typed: upper case, no spaces."""
    return "".join(str(text or "").split()).upper() or None


def _reference(value: object) -> str | None:
    if isinstance(value, float):
        # A reference Excel stored as a number: exact only up to 2^53; beyond, digits are already lost.
        if not value.is_integer() or abs(value) >= 2 ** 53:
            raise ValueError
        value = int(value)
    return normalise_reference(value)


def read_entries(rows: list[list[object]], header: int, columns: dict[str, int],
                 today: date) -> tuple[list[Entry], list[Issue], int]:
    """The credit lines; the problems of unreadable lines; how many debit or zero lines were skipped."""
    entries, issues, skipped = [], [], 0
    at_date, at_amount, at_text, at_reference = (columns[f] for f in ("date", "amount", "description", "reference"))
    for index in range(header + 1, len(rows)):
        row = rows[index]
        raw_amount, raw_date = _cell(row, at_amount), _cell(row, at_date)
        raw_text, raw_reference = _cell(row, at_text), _cell(row, at_reference)
        if not any(value.strip() if type(value) is str else value is not None
                   for value in (raw_amount, raw_date, raw_text, raw_reference)):
            continue
        number = index + 1
        try:
            amount = _amount(raw_amount)
        except (InvalidInput, ValueError):
            issues.append(Issue(number, FIELDS["amount"], "invalid_amount",
                                f"Số tiền '{raw_amount}' không đọc được: ghi số đồng, ví dụ 1.000.000"))
            continue
        if amount <= 0:
            skipped += 1  # a debit or a zero line: not money received
            continue
        try:
            line_date = _date(raw_date, today)
        except (ValueError, TypeError):
            issues.append(Issue(number, FIELDS["date"], "invalid_date",
                                f"Ngày '{raw_date}' không đọc được: dd/mm/yyyy, ngày Excel hoặc yyyy-mm-dd"))
            continue
        if line_date > today:
            issues.append(Issue(number, FIELDS["date"], "future_date", f"Ngày {line_date:%d/%m/%Y} ở tương lai"))
            continue
        try:
            reference = _reference(raw_reference)
        except ValueError:
            issues.append(Issue(number, FIELDS["reference"], "reference_as_number",
                                "Mã giao dịch bị Excel lưu thành số và đã mất chữ số: định dạng cột là văn bản rồi "
                                "xuất lại sao kê"))
            continue
        if not reference or len(reference) > 64:
            issues.append(Issue(number, FIELDS["reference"], "missing_reference",
                                "Thiếu mã giao dịch (hoặc dài quá 64 ký tự): mỗi dòng sao kê cần mã của ngân hàng"))
            continue
        entries.append(Entry(number, line_date, amount, _text(raw_text)[:500], reference))
    return entries, issues, skipped
