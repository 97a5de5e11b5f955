"""The premium calculator: plain functions over plain rule data, integer đồng, no database inside.

A quote is priced as of the day the premium is paid to BHXH (the price day: the rule version and provincial top-up in
force that day), for a card whose cover starts on a separate day (a first-time participant's card starts 30 days after
payment; the age rule for young children is judged on the cover start). It names the rule version it used, splits each
member's full premium into what the state (with any provincial top-up) pays and what is left for a donor, and gives
the other price when a known rule change falls after the price day and on or before the cover start.

Why the price day and not the cover start: a participant paying for 3, 6 or 12 months (household, near-poor, pupils and
students, farm households) pays at the premium rate and base salary in force when the premium is paid, and when the
State later raises the base salary neither the participant nor the state budget pays the difference for the remaining
period already paid. Read 07/12/2026 in Joint Circular 41/2014/TTLT-BYT-BTC, art. 3 cl. 2 (for the groups the state
supports in part; cl. 1 has the same for households), as quoted in
https://thuvienphapluat.vn/hoi-dap-phap-luat/iframe/1A69B-hd-co-phai-dong-bo-sung-khi-muc-dong-bhyt-tang.html;
domain-facts.md §1 says the same from HCMC's 2024 guidance. The rule is said to be carried over into Decree
146/2018/NĐ-CP and Decree 188/2025/NĐ-CP (which replaced it, Law 51/2024/QH15 art. 13-15): the decree's own article
and clause were not read here (to confirm).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from donation.common.errors import InvalidInput, NotFound
from donation.common.money import format_percent_bp, format_vnd

ALLOWED_MONTHS = (3, 6, 12)
FIRST_COVER_WAIT = timedelta(days=30)  # a first-time participant's card starts 30 days after payment (Law 51/2024)
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

    def change_days(self, province_code: int | None, group_key: str, after: date, until: date) -> list[date]:
        """The days after `after` and on or before `until` on which a rule version or this place's top-up for this
        group starts or ends: the only days a price can change."""
        days = {version.effective_from for version in self.versions}
        for top_up in self.top_ups:
            if top_up.province_code == province_code and top_up.group_key == group_key:
                days.add(top_up.effective_from)
                if top_up.effective_to is not None:
                    days.add(top_up.effective_to + timedelta(days=1))
        return sorted(day for day in days if after < day <= until)


@dataclass(frozen=True)
class QuoteLine:
    member: int
    full_premium: int
    state_pays: int  # the state's share plus the province's top-up
    donor_pays: int
    province_pays: int = 0  # the part of state_pays that is the province's top-up


@dataclass(frozen=True)
class LaterPrice:
    """The same cover's price if the premium reaches BHXH on or after `from_day`, a known change before the cover
    starts (a new rule version, or a provincial top-up that starts or ends)."""

    from_day: date
    rule_version: str
    base_salary: int
    full_premium_total: int
    donor_pays_total: int


@dataclass(frozen=True)
class Quote:
    rule_version: str
    base_salary: int
    rate_bp: int
    group: str
    months: int
    on: date  # the price day: the premium is paid to BHXH on this day, at the rule in force that day
    lines: tuple[QuoteLine, ...]
    notes: tuple[str, ...] = field(default=())
    cover_from: date | None = None  # the card's first day of cover (None: the price day)
    later: tuple[LaterPrice, ...] = ()  # known changes after the price day, on or before the cover start

    @property
    def priced_on(self) -> date:
        return self.on

    @property
    def cover_start(self) -> date:
        return self.cover_from or self.on

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
            "priced_on": self.on.isoformat(),
            "cover_from": self.cover_start.isoformat(),
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
            "later_prices": [
                {
                    "from": later.from_day.isoformat(),
                    "rule_version": later.rule_version,
                    "base_salary": later.base_salary,
                    "full_premium_total": later.full_premium_total,
                    "donor_pays_total": later.donor_pays_total,
                }
                for later in self.later
            ],
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
    cover_from: date | None = None,
    province_code: int | None = None,
    poor_commune: bool = False,
    birth_dates: Sequence[date | None] = (),
) -> Quote:
    """Quote `members` people of `group` for `months` months, the premium paid to BHXH on `on` (the price day) for a
    card whose cover starts on `cover_from` (the price day when not given).

    The rule version and provincial top-up are those in force on the price day; a later rise of the base salary is
    not charged for a period already paid (module docstring). A child's age is judged on the cover start. A known
    change after the price day and on or before the cover start is named in the notes with the price it would give.
    `poor_commune` says the people live in a commune flagged poor (xã nghèo); `birth_dates`, when known, lets
    children under the rule's age be covered in full by the state.
    """
    group_rule = rules.group(group)
    _check_counts(members, months)
    cover = on if cover_from is None else cover_from
    if cover < on:
        raise InvalidInput(f"Ngày thẻ có hiệu lực {cover:%d/%m/%Y} trước ngày đóng tiền {on:%d/%m/%Y}: thẻ chỉ có "
                           "hiệu lực từ ngày đóng tiền trở đi")
    priced = _price(rules, group_rule, members, months, on, cover, province_code, poor_commune, birth_dates)
    later, changes = [], []
    before = priced
    for day in rules.change_days(province_code, group, on, cover) if cover > on else ():
        try:
            other = _price(rules, group_rule, members, months, day, cover, province_code, poor_commune, birth_dates)
        except NotFound:  # the later version has no share for this group yet: nothing to compare
            continue
        if other.totals != before.totals:  # listed only when the price differs from the day before's
            later.append(LaterPrice(day, other.version.code, other.version.base_salary, *other.totals))
            changes.append((before, other))
        before = other
    notes = _notes(priced.version, group_rule, months, priced.state_bp, priced.share, poor_commune, priced.top_up,
                   priced.children, priced.lines)
    notes += _price_day_notes(on, cover, zip(later, changes, strict=True))
    return Quote(priced.version.code, priced.version.base_salary, priced.version.rate_bp, group, months, on,
                 priced.lines, notes, cover, tuple(later))


@dataclass(frozen=True)
class _Priced:
    version: RuleVersion
    share: GroupShare
    state_bp: int
    top_up: TopUp | None
    children: int
    lines: tuple[QuoteLine, ...]

    @property
    def totals(self) -> tuple[int, int]:
        return sum(line.full_premium for line in self.lines), sum(line.donor_pays for line in self.lines)


def _price(rules: RuleBook, group_rule: GroupRule, members: int, months: int, on: date, cover: date,
           province_code: int | None, poor_commune: bool, birth_dates: Sequence[date | None]) -> _Priced:
    """Each member's line at the rule and top-up in force on `on`, children judged on `cover`."""
    group = group_rule.key
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
        if birth is not None and state_covers_child(version, birth, cover):
            member_state_bp = FULL_BP
            children += 1
        state = min(full, round_half_up(full_exact * member_state_bp / FULL_BP))
        province = 0
        if top_up is not None:
            province = min(full - state, round_half_up(full_exact * top_up.share_bp / FULL_BP))
        lines.append(QuoteLine(member, full, state + province, full - state - province, province))
    return _Priced(version, share, state_bp, top_up, children, tuple(lines))


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


def _price_day_notes(on: date, cover: date,
                     later: Iterable[tuple[LaterPrice, tuple[_Priced, _Priced]]]) -> tuple[str, ...]:
    """The price day and cover start when they differ, and each known change between them with its price."""
    if cover == on:
        return ()
    notes = [f"Giá tính theo quy định có hiệu lực ngày đóng tiền {on:%d/%m/%Y}; thẻ có hiệu lực từ {cover:%d/%m/%Y}. "
             "Lương cơ sở tăng sau khi đã đóng tiền thì không phải đóng thêm cho thời gian đã đóng."]
    for change, (previous, other) in later:
        new = other.version
        if new.base_salary != previous.version.base_salary:
            what = f"lương cơ sở là {format_vnd(new.base_salary)} (quy định {new.code})"
        elif new.code != previous.version.code:
            what = f"áp dụng quy định {new.code} ({new.legal_basis})"
        elif other.top_up is not None:
            extra_bp = min(other.top_up.share_bp, FULL_BP - other.state_bp)
            what = f"tỉnh hỗ trợ thêm {format_percent_bp(extra_bp)} ({other.top_up.legal_basis})"
        else:
            what = "tỉnh thôi hỗ trợ thêm"
        notes.append(f"Từ {change.from_day:%d/%m/%Y} {what}: nếu tiền được nộp cho BHXH từ ngày đó, mức đóng là "
                     f"{format_vnd(change.full_premium_total)}, nhà tài trợ đóng {format_vnd(change.donor_pays_total)}.")
    return tuple(notes)
