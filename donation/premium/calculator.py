"""The premium calculator: plain functions over plain rule data, integer đồng, no database inside.

A quote is as of a date (the coverage start), names the rule version it used, and splits each member's full premium
into what the state (with any provincial top-up) pays and what is left for a donor.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from donation.common.errors import InvalidInput, NotFound
from donation.common.money import format_percent_bp, format_vnd

ALLOWED_MONTHS = (3, 6, 12)
MAX_MEMBERS = 50
FULL_BP = 10_000


@dataclass(frozen=True)
class GroupRule:
    """A premium group: its card object code ("" while BHXH's code for it is not confirmed), how long the state's
    support lasts (months from `support_from`, None for as long as the person is in the group), what proves it and
    the law that sets it."""

    key: str
    name: str
    object_code: str
    ladder_applies: bool = False
    support_months: int | None = None
    support_from: str = ""
    proof: str = ""
    legal_basis: str = ""


@dataclass(frozen=True)
class GroupShare:
    state_share_bp: int
    poor_commune_share_bp: int | None = None


@dataclass(frozen=True)
class RuleVersion:
    code: str
    effective_from: date
    base_salary: int
    rate_bp: int
    ladder_bp: tuple[int, ...]
    shares: Mapping[str, GroupShare]
    legal_basis: str
    child_full_cover_age: int = 6
    confirmed: bool = True  # False while the version is a proposal (e.g. a base salary announced, no decree yet)

    def ladder_share(self, position: int) -> int:
        """The share of the first member's amount paid by the member at `position` (1-based)."""
        return self.ladder_bp[min(position, len(self.ladder_bp)) - 1]


@dataclass(frozen=True)
class TopUp:
    province_code: int
    group_key: str
    share_bp: int
    effective_from: date
    effective_to: date | None
    legal_basis: str

    def applies(self, province_code: int | None, group_key: str, on: date) -> bool:
        return (
            self.province_code == province_code
            and self.group_key == group_key
            and self.effective_from <= on
            and (self.effective_to is None or on <= self.effective_to)
        )


@dataclass(frozen=True)
class RuleBook:
    """Every rule version, group and provincial top-up, as read from the database."""

    versions: tuple[RuleVersion, ...]
    groups: Mapping[str, GroupRule]
    top_ups: tuple[TopUp, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "versions", tuple(sorted(self.versions, key=lambda v: v.effective_from)))

    def version_on(self, on: date) -> RuleVersion:
        starts = [version.effective_from for version in self.versions]
        index = bisect.bisect_right(starts, on) - 1
        if index < 0:
            first = self.versions[0].effective_from.strftime("%d/%m/%Y") if self.versions else "?"
            raise InvalidInput(
                f"Ngày {on:%d/%m/%Y} trước quy định mức đóng đầu tiên có trong hệ thống ({first}): chọn ngày từ {first}"
            )
        return self.versions[index]

    def donor_groups(self) -> tuple[str, ...]:
        """The groups a donor can help under the latest version: those whose state share is below the whole card."""
        latest = self.versions[-1].shares if self.versions else {}
        return tuple(key for key in self.groups if key in latest and latest[key].state_share_bp < FULL_BP)

    def group(self, key: str) -> GroupRule:
        try:
            return self.groups[key]
        except KeyError:
            known = ", ".join(self.groups)
            raise NotFound(f"Không có nhóm đối tượng '{key}': dùng một trong {known}") from None

    def top_up_on(self, province_code: int | None, group_key: str, on: date) -> TopUp | None:
        matching = [t for t in self.top_ups if t.applies(province_code, group_key, on)]
        return max(matching, key=lambda t: t.effective_from, default=None)


@dataclass(frozen=True)
class QuoteLine:
    member: int
    full_premium: int
    state_pays: int  # the state's share plus the province's top-up
    donor_pays: int
    province_pays: int = 0  # the part of state_pays that is the province's top-up


@dataclass(frozen=True)
class Quote:
    rule_version: str
    base_salary: int
    rate_bp: int
    group: str
    months: int
    on: date
    lines: tuple[QuoteLine, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def full_premium_total(self) -> int:
        return sum(line.full_premium for line in self.lines)

    @property
    def state_pays_total(self) -> int:
        return sum(line.state_pays for line in self.lines)

    @property
    def donor_pays_total(self) -> int:
        return sum(line.donor_pays for line in self.lines)

    @property
    def needs_donor(self) -> bool:
        return self.donor_pays_total > 0

    @property
    def note(self) -> str:
        return " ".join(self.notes)

    def as_dict(self) -> dict:
        return {
            "rule_version": self.rule_version,
            "base_salary": self.base_salary,
            "group": self.group,
            "on": self.on.isoformat(),
            "months": self.months,
            "lines": [
                {
                    "member": line.member,
                    "full_premium": line.full_premium,
                    "state_pays": line.state_pays,
                    "donor_pays": line.donor_pays,
                    "province_pays": line.province_pays,
                }
                for line in self.lines
            ],
            "full_premium_total": self.full_premium_total,
            "state_pays_total": self.state_pays_total,
            "donor_pays_total": self.donor_pays_total,
            "note": self.note,
        }


def round_half_up(value: Fraction) -> int:
    return (2 * value.numerator + value.denominator) // (2 * value.denominator)


def quote_premium(
    rules: RuleBook,
    *,
    group: str,
    members: int,
    months: int,
    on: date,
    province_code: int | None = None,
    poor_commune: bool = False,
    birth_dates: Sequence[date | None] = (),
) -> Quote:
    """Quote `members` people of `group` for `months` months from `on`.

    `poor_commune` says the people live in a commune flagged poor (xã nghèo); `birth_dates`, when known, lets
    children under the rule's age be covered in full by the state.
    """
    group_rule = rules.group(group)
    _check_counts(members, months)
    version = rules.version_on(on)
    share = version.shares.get(group)
    if share is None:
        later = next((v for v in rules.versions if v.effective_from > on and group in v.shares), None)
        if later is not None:  # a group the law added later (e.g. Law 51/2024 from 1/7/2025)
            raise NotFound(f"Nhóm '{group_rule.name}' được nhà nước hỗ trợ từ {later.effective_from:%d/%m/%Y} (quy "
                           f"định {later.code}): chọn ngày từ đó; trước ngày này người đó tham gia theo hộ gia đình")
        raise NotFound(f"Quy định {version.code} chưa có tỷ lệ hỗ trợ cho nhóm '{group_rule.name}': báo quản trị viên")
    state_bp = share.state_share_bp
    if poor_commune and share.poor_commune_share_bp is not None:
        state_bp = max(state_bp, share.poor_commune_share_bp)
    top_up = rules.top_up_on(province_code, group, on)

    monthly_first = Fraction(version.base_salary * version.rate_bp, FULL_BP)
    lines = []
    children = 0
    for member in range(1, members + 1):
        ladder_bp = version.ladder_share(member) if group_rule.ladder_applies else FULL_BP
        full_exact = monthly_first * months * ladder_bp / FULL_BP
        full = round_half_up(full_exact)
        member_state_bp = state_bp
        birth = birth_dates[member - 1] if member <= len(birth_dates) else None
        if birth is not None and state_covers_child(version, birth, on):
            member_state_bp = FULL_BP
            children += 1
        state = min(full, round_half_up(full_exact * member_state_bp / FULL_BP))
        province = 0
        if top_up is not None:
            province = min(full - state, round_half_up(full_exact * top_up.share_bp / FULL_BP))
        lines.append(QuoteLine(member, full, state + province, full - state - province, province))

    notes = _notes(version, group_rule, months, state_bp, share, poor_commune, top_up, children, lines)
    return Quote(version.code, version.base_salary, version.rate_bp, group, months, on, tuple(lines), notes)


def _check_counts(members: int, months: int) -> None:
    if not isinstance(members, int) or not 1 <= members <= MAX_MEMBERS:
        raise InvalidInput(f"Số người {members} không hợp lệ: nhập từ 1 đến {MAX_MEMBERS}")
    if months not in ALLOWED_MONTHS:
        raise InvalidInput(f"Thời hạn {months} tháng không hợp lệ: chỉ đóng 3, 6 hoặc 12 tháng")


def child_cutoff(version: RuleVersion, on: date) -> int:
    """The birth date, as the number yyyymmdd, after which a person is on `on` a child the state covers in full
    (younger than the version's age): a number, so that an allocation compares a million births with it at once."""
    return (on.year - version.child_full_cover_age) * 10_000 + on.month * 100 + on.day


def state_covers_child(version: RuleVersion, birth: date, on: date) -> bool:
    """Whether the state covers this person in full on `on` for their age: the one statement of that rule."""
    return birth.year * 10_000 + birth.month * 100 + birth.day > child_cutoff(version, on)


def _notes(version, group_rule, months, state_bp, share, poor_commune, top_up, children, lines) -> tuple[str, ...]:
    notes = [
        f"Quy định {version.code} ({version.legal_basis}): lương cơ sở {format_vnd(version.base_salary)}, "
        f"mức đóng {format_percent_bp(version.rate_bp)} mỗi tháng, {months} tháng."
    ]
    if group_rule.ladder_applies and len(lines) > 1:
        steps = ", ".join(
            f"người thứ {position}{' trở đi' if position == len(version.ladder_bp) else ''} "
            f"{format_percent_bp(bp)}"
            for position, bp in enumerate(version.ladder_bp, start=1)
            if position > 1
        )
        notes.append(f"{group_rule.name}: đóng giảm dần so với người thứ nhất ({steps}).")
    if state_bp:
        reason = " vì sống ở xã nghèo" if poor_commune and share.poor_commune_share_bp == state_bp else ""
        notes.append(f"Ngân sách nhà nước hỗ trợ {format_percent_bp(state_bp)} cho nhóm {group_rule.name}{reason}.")
    if state_bp and group_rule.support_months:
        since = f" {group_rule.support_from}" if group_rule.support_from else ""
        notes.append(f"Nhà nước hỗ trợ trong {group_rule.support_months} tháng{since}; sau thời gian đó không còn "
                     "phần hỗ trợ này.")
    if state_bp and group_rule.proof:
        notes.append(f"Giấy tờ chứng minh: {group_rule.proof}.")
    if top_up is not None and any(line.province_pays for line in lines):
        extra_bp = min(top_up.share_bp, FULL_BP - state_bp)
        notes.append(f"Tỉnh hỗ trợ thêm {format_percent_bp(extra_bp)} ({top_up.legal_basis}).")
    if children:
        notes.append(f"{children} trẻ dưới {version.child_full_cover_age} tuổi được nhà nước đóng toàn bộ.")
    if all(line.donor_pays == 0 for line in lines):
        payer = "Nhà nước và tỉnh" if any(line.province_pays for line in lines) else "Nhà nước"
        notes.append(f"{payer} đóng toàn bộ: trường hợp này không cần nhà tài trợ.")
    if not version.confirmed:
        notes.append(f"Lương cơ sở {format_vnd(version.base_salary)} từ {version.effective_from:%d/%m/%Y} chưa được "
                     "xác nhận (chưa có văn bản ban hành): số tiền có thể thay đổi khi quy định được xác nhận.")
    notes.append("Tính bằng số nguyên đồng, làm tròn nửa lên một lần cho mỗi người.")
    return tuple(notes)
