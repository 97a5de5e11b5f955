"""The registry of nominations: nominate by form or spreadsheet, with duplicates, price and priority checked.

Both ways in go through one pipeline (`_process`): rows are validated as plain data, checked against each other and
the database, then saved in one transaction (all valid rows, or nothing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from db.bulk import bulk_insert, new_ids
from db.enums import NominationStatus, labelled
from db.models import Commune, Household, Nomination, Person
from db.uow import UnitOfWork
from donation.access import app_settings, audit
from donation.access.actors import ADMIN, COMMUNE_OFFICIAL, PROVINCE_OFFICER, Actor, require_commune, require_role
from donation.access.audit import mask
from donation.access.offices import lock_offices
from donation.access.units import Unit, get_commune
from donation.common.batches import chunks
from donation.common.dates import today_vn
from donation.common.errors import Forbidden, InvalidInput, NotFound
from donation.common.identity import name_key, strip_accents
from donation.common.money import format_number
from donation.common.spreadsheets import Sheet, read_rows, write_workbook, write_xlsx
from donation.common.upload_checks import MAX_ROWS
from donation.premium.calculator import quote_premium, state_covers_child
from donation.premium.rule_data import DONOR_GROUPS, GROUP_NAMES
from donation.premium.rules import load_rule_book
from donation.registry.nomination_rows import (
    COLUMNS,
    DAMAGE_NAMES,
    FLAG_NAMES,
    Candidate,
    Issue,
    SplitHousehold,
    cell_text,
    held_issue,
    household_cell,
    match_header,
    split_households,
    template_header,
    validate_row,
)
from donation.registry.priority import score, scorer

NOMINATORS = (COMMUNE_OFFICIAL, PROVINCE_OFFICER, ADMIN)
ACTIVE = ("nominated", "posted", "approved", "returned")
_CHUNK = 500


@dataclass
class ImportReport:
    rows: int = 0
    accepted: list[Candidate] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    held: list[Issue] = field(default_factory=list)  # valid rows not saved: their household has a refused row
    split: list[SplitHousehold] = field(default_factory=list)  # households with valid and refused rows
    committed: bool = False
    # The file's own cells of every refused or held row, by row number: the refused-rows file is made of them.
    cells: dict[int, dict[str, object]] = field(default_factory=dict, repr=False)

    @property
    def rejected_rows(self) -> int:
        return len({issue.row for issue in self.errors})

    def as_dict(self) -> dict:
        return {"rows": self.rows, "accepted": len(self.accepted), "rejected": self.rejected_rows,
                "warnings": [w.as_dict() for w in self.warnings], "committed": self.committed,
                "errors": [e.as_dict() for e in self.errors], "held_back": [h.as_dict() for h in self.held],
                "split_households": [h.as_dict() for h in self.split]}


def import_nominations(actor: Actor, data: bytes, filename: str, *, commune_code: object, consent: bool,
                       dry_run: bool = False, confirm_similar: bool = False, keep_households: bool = True,
                       uow: UnitOfWork | None = None, today: date | None = None) -> ImportReport:
    """Read a nomination spreadsheet into one commune; save every valid row in one transaction unless dry_run.

    `consent` is the official's statement that every person listed (or their guardian) agreed to the use of their
    data (Decree 13/2023); nothing is saved without it. With `keep_households` (the default) a household one of
    whose rows is refused is not saved at all: its valid rows are held back (`ImportReport.held`) so that the
    household can be corrected and imported whole; without it, the valid rows are saved alone.
    """
    require_role(actor, *NOMINATORS)
    _require_consent(consent, dry_run)
    return _import(actor, data, filename, commune_code, dry_run, confirm_similar, keep_households, uow, today)


def _import(actor: Actor, data: bytes, filename: str, commune_code: object, dry_run: bool, confirm_similar: bool,
            keep_households: bool, uow: UnitOfWork | None, today: date | None) -> ImportReport:
    rows = read_rows(data, filename)
    header, mapping = match_header(rows)
    numbered = []
    for index in range(header + 1, len(rows)):
        row = rows[index]
        cells = {key: row[column] if column < len(row) else None for key, column in mapping.items()}
        if any(value.strip() if type(value) is str else value is not None for value in cells.values()):
            numbered.append((index + 1, cells))
    if len(numbered) > MAX_ROWS:
        raise InvalidInput(f"Tệp có {format_number(len(numbered))} dòng dữ liệu, quá giới hạn "
                           f"{format_number(MAX_ROWS)} dòng: chia thành nhiều tệp")
    return _process(actor, commune_code, numbered, dry_run=dry_run, confirm_similar=confirm_similar,
                    uow=uow, today=today, source=filename, keep_households=keep_households)


def nominate_household(actor: Actor, *, commune_code: object, members: list[dict[str, object]], consent: bool,
                       confirm_similar: bool = False, uow: UnitOfWork | None = None,
                       today: date | None = None) -> ImportReport:
    """The form's way in: one household's members as cells keyed like the spreadsheet's columns."""
    require_role(actor, *NOMINATORS)
    _require_consent(consent, dry_run=False)
    if not members:
        raise InvalidInput("Hộ cần ít nhất một người")
    key = f"F{datetime.now(UTC):%Y%m%d%H%M%S%f}"
    numbered = [(number, {**cells, "household_key": key}) for number, cells in enumerate(members, start=1)]
    return _process(actor, commune_code, numbered, dry_run=False, confirm_similar=confirm_similar, uow=uow,
                    today=today, source="form", whole=True)


def nominate_rows(actor: Actor, commune_code: object, numbered: list[tuple[int, dict]], *,
                  uow: UnitOfWork | None = None, today: date | None = None) -> ImportReport:
    """Rows already in hand (the demo data): the import's checks, all valid rows saved; consent is the caller's."""
    require_role(actor, *NOMINATORS)
    return _process(actor, commune_code, numbered, dry_run=not numbered, confirm_similar=True, uow=uow,
                    today=today, source="rows")


def _require_consent(consent: bool, dry_run: bool) -> None:
    if not consent and not dry_run:
        raise InvalidInput("Cần xác nhận người được đề cử (hoặc người giám hộ) đã đồng ý cho sử dụng thông tin cá nhân")


def _process(actor: Actor, commune_code: object, numbered: list[tuple[int, dict]], *, dry_run: bool,
             confirm_similar: bool, uow: UnitOfWork | None, today: date | None, source: str,
             whole: bool = False, keep_households: bool = False) -> ImportReport:
    """Validate, check and (unless dry_run) save; `whole` saves nothing when any row is refused (a household form);
    `keep_households` holds back the valid rows of a household another row of which is refused."""
    today = today or today_vn()
    report = ImportReport(rows=len(numbered))
    with uow or UnitOfWork() as work:
        session = work.session
        commune = get_commune(session, commune_code)
        require_commune(actor, commune.province_code, commune.code)
        candidates = []
        for number, cells in numbered:
            candidate, errors = validate_row(number, cells, today)
            report.errors += errors
            if candidate:
                candidates.append(candidate)
        candidates = _drop_duplicates_in_file(candidates, report)
        candidates = _drop_known_people(session, actor, candidates, report)
        candidates = _drop_fully_paid(session, commune, candidates, report, today)
        candidates = _check_similar(session, commune, candidates, report, confirm_similar)
        for candidate in candidates:
            if candidate.current_card_until and candidate.current_card_until >= today:
                candidate.warnings.append(Issue(candidate.row, "Hạn thẻ hiện tại", "card_still_valid",
                                                f"Thẻ hiện tại còn hạn đến {candidate.current_card_until:%d/%m/%Y}: "
                                                "thẻ tài trợ chỉ bắt đầu từ ngày hôm sau"))
        report.split = split_households(candidates, report.errors,
                                        {number: household_cell(cells) for number, cells in numbered})
        if keep_households and report.split:
            held = {row: household for household in report.split for row in household.valid_rows}
            report.held = [held_issue(c, held[c.row]) for c in candidates if c.row in held]
            candidates = [c for c in candidates if c.row not in held]
        for candidate in candidates:
            report.warnings += candidate.warnings
        report.accepted = candidates
        report.errors.sort(key=lambda issue: issue.row)
        report.warnings.sort(key=lambda issue: issue.row)
        refused = {issue.row for issue in report.errors + report.held}
        report.cells = {number: cells for number, cells in numbered if number in refused}
        if dry_run or not candidates or (whole and report.errors):
            return report
        try:
            _save(session, actor, commune, candidates, today)
        except IntegrityError:
            # Another official saved one of these people between our check and our save (the unique identifiers
            # refused the second copy): nothing of this batch is kept; a new preview will name the person.
            raise InvalidInput("Có người trong danh sách vừa được đề cử ở nơi khác cùng lúc: không lưu gì; "
                               "xem trước lại tệp để biết dòng nào") from None
        audit.record(session, actor, "import_nominations" if source != "form" else "nominate_household", "commune",
                     commune.code, after={"source": source, "rows": report.rows, "saved": len(candidates),
                                          "refused": report.rejected_rows, "held_back": len(report.held)})
        work.commit()
        report.committed = True
    return report


def _drop_duplicates_in_file(candidates: list[Candidate], report: ImportReport) -> list[Candidate]:
    kept, seen = [], {}
    for candidate in candidates:
        clash = None
        for label, value in (("Số CCCD", candidate.national_id), ("Mã số BHXH", candidate.social_insurance_code)):
            if value and ("id", value) in seen:
                clash = (label, seen[("id", value)])
                break
        if clash:
            report.errors.append(Issue(candidate.row, clash[0], "duplicate_in_file",
                                       f"Trùng {clash[0]} với dòng {clash[1]}: mỗi người chỉ ghi một lần"))
            continue
        for value in (candidate.national_id, candidate.social_insurance_code):
            if value:
                seen[("id", value)] = candidate.row
        twin = seen.get(("name", candidate.name_key, candidate.birth_date))
        if twin:
            candidate.warnings.append(Issue(candidate.row, "Họ và tên", "same_name_birth_in_file",
                                            f"Cùng họ tên và ngày sinh với dòng {twin}: kiểm tra có phải hai người"))
        seen.setdefault(("name", candidate.name_key, candidate.birth_date), candidate.row)
        kept.append(candidate)
    return kept


def _drop_known_people(session: Session, actor: Actor, candidates: list[Candidate],
                       report: ImportReport) -> list[Candidate]:
    """People already nominated anywhere are refused; where, only officials whose scope holds it are told."""
    ids = [c.national_id for c in candidates if c.national_id]
    codes = [c.social_insurance_code for c in candidates if c.social_insurance_code]
    known: dict[str, tuple[int, int | None]] = {}  # identifier -> (person id, commune of an active nomination)
    for column, values in ((Person.national_id, ids), (Person.social_insurance_code, codes)):
        for chunk in chunks(values, _CHUNK):
            rows = session.exec(
                select(Person.id, column, Nomination.commune_code)
                .join(Nomination, (Nomination.person_id == Person.id) & Nomination.status.in_(ACTIVE), isouter=True)
                .where(column.in_(chunk))
            )
            for person_id, value, commune in rows:
                if known.get(value, (None, None))[1] is None:
                    known[value] = (person_id, commune)
    communes = {code: name for code, name in session.exec(
        select(Commune.code, Commune.name).where(Commune.code.in_({c for _, c in known.values() if c})))}
    province_of = {code: prov for code, prov in session.exec(
        select(Commune.code, Commune.province_code).where(Commune.code.in_(set(communes))))}
    kept = []
    for candidate in candidates:
        hits = {known[v] for v in (candidate.national_id, candidate.social_insurance_code) if v in known}
        persons = {person for person, _ in hits}
        if len(persons) > 1:
            report.errors.append(Issue(candidate.row, "Số CCCD", "identifier_conflict",
                                       "Số CCCD và Mã số BHXH thuộc hai người khác nhau đã có trong hệ thống: "
                                       "kiểm tra lại cả hai số"))
            continue
        active = [commune for _, commune in hits if commune]
        if active:
            where = active[0]
            try:
                require_commune(actor, province_of[where], where)
                place = f"đã được đề cử ở {communes[where]}"
            except Forbidden:
                place = "đã được đề cử ở địa phương khác"
            report.errors.append(Issue(candidate.row, "Số CCCD" if candidate.national_id else "Mã số BHXH",
                                       "duplicate_in_database", f"Người này {place}: không đề cử lại"))
            continue
        candidate.person_id = next(iter(persons)) if persons else None
        kept.append(candidate)
    return kept


def _drop_fully_paid(session: Session, commune: Unit, candidates: list[Candidate], report: ImportReport,
                     today: date) -> list[Candidate]:
    rules = load_rule_book(session)
    version = rules.version_on(today)
    needs_donor: dict[tuple[str, bool], bool] = {}  # the answer depends only on the group and being a young child
    kept = []
    for candidate in candidates:
        child = state_covers_child(version, candidate.birth_date, today)
        if (candidate.group, child) not in needs_donor:
            quote = quote_premium(rules, group=candidate.group, members=1, months=12, on=today, cover_from=today,
                                  province_code=commune.province_code, poor_commune=commune.is_poor,
                                  birth_dates=[candidate.birth_date])
            needs_donor[(candidate.group, child)] = quote.needs_donor
        if not needs_donor[(candidate.group, child)]:
            report.errors.append(Issue(candidate.row, "Nhóm", "state_pays_all",
                                       "Nhà nước (và tỉnh) đóng toàn bộ BHYT cho người này: không cần nhà tài trợ, "
                                       "hãy làm thẻ theo diện được hỗ trợ"))
            continue
        kept.append(candidate)
    return kept


def _check_similar(session: Session, commune: Unit, candidates: list[Candidate], report: ImportReport,
                   confirm: bool) -> list[Candidate]:
    """The same name and birth date already in this commune: saved only once the official confirms."""
    existing = set(session.exec(
        select(Person.name_key, Person.birth_date).join(Nomination, Nomination.person_id == Person.id)
        .where(Nomination.commune_code == commune.code, Nomination.status.in_(ACTIVE))))
    kept = []
    for candidate in candidates:
        if (candidate.name_key, candidate.birth_date) in existing:
            issue = Issue(candidate.row, "Họ và tên", "similar_person",
                          "Đã có người cùng họ tên và ngày sinh trong xã: nếu là hai người khác nhau, xác nhận để lưu")
            if not confirm:
                report.errors.append(issue)
                continue
            candidate.warnings.append(issue)
        kept.append(candidate)
    return kept


def _save(session: Session, actor: Actor, commune: Unit, candidates: list[Candidate], today: date) -> None:
    weights = app_settings.get(session, "priority_weights")
    connection = session.connection()
    now = datetime.now(UTC)
    first_of: dict[str, Candidate] = {}
    for candidate in candidates:
        first_of.setdefault(candidate.household_key, candidate)
    household_table = Household.__table__
    if connection.dialect.name == "postgresql":
        # ids taken from the sequence first, then one COPY: the many-row INSERT … RETURNING below took a fifth of a
        # 5,000-row import there, most of it the driver rewriting each long statement's placeholders
        ids = new_ids(connection, household_table, len(first_of)).tolist()
        bulk_insert(connection, household_table, [
            {"id": household_id, "commune_code": commune.code, "key": key, "village": c.village, "address": "",
             "created_at": now} for household_id, (key, c) in zip(ids, first_of.items(), strict=True)])
        households = dict(zip(first_of, ids, strict=True))
    else:
        # Keys are unique within the batch, so each returned row names its own household: no need to keep the
        # order, which lets the driver insert them a thousand at a time instead of one by one.
        households = {key: household_id for household_id, key in connection.execute(
            insert(household_table).returning(household_table.c.id, household_table.c.key),
            [{"commune_code": commune.code, "key": key, "village": c.village, "address": "", "created_at": now}
             for key, c in first_of.items()])}
    new_people = [c for c in candidates if c.person_id is None]
    if new_people:
        # A plain executemany, then the new ids read back in one pass and matched by identifier (unique): far
        # cheaper than RETURNING. Ids only grow, so every row this batch adds lies above the largest id seen now.
        before = connection.execute(select(func.max(Person.id))).scalar() or 0
        bulk_insert(connection, Person.__table__, [
            {"full_name": c.full_name, "name_key": c.name_key, "birth_date": c.birth_date,
             "birth_year_only": c.birth_year_only, "gender": c.gender, "national_id": c.national_id,
             "social_insurance_code": c.social_insurance_code, "created_at": now} for c in new_people])
        by_id = {c.national_id: c for c in new_people if c.national_id}
        by_code = {c.social_insurance_code: c for c in new_people if c.social_insurance_code}
        for person_id, national_id, code in connection.execute(
                select(Person.id, Person.national_id, Person.social_insurance_code).where(Person.id > before)):
            candidate = by_id.get(national_id) if national_id else by_code.get(code)
            if candidate is not None:
                candidate.person_id = person_id
    rows = []
    score_one = scorer(weights, today)
    for c in candidates:
        points, explanation = score_one(group=c.group, flood_damage=c.flood_damage, need_flags=c.need_flags,
                                        birth_date=c.birth_date)
        rows.append({"person_id": c.person_id, "household_id": households[c.household_key],
                     "commune_code": commune.code, "province_code": commune.province_code, "group_key": c.group,
                     "relation": c.relation, "need_flags": ";".join(c.need_flags), "flood_damage": c.flood_damage,
                     "village": c.village, "school": c.school,
                     "health_facility": c.health_facility or f"Trạm y tế {commune.name}",
                     "current_card_until": c.current_card_until, "reason": c.reason, "consent": True,
                     "status": "nominated", "priority_score": points, "priority_explanation": explanation,
                     "nominated_by": actor.user_id, "nominated_at": now, "updated_at": now})
    bulk_insert(connection, Nomination.__table__, rows)


# Reading and changing nominations -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class NominationRow:
    id: int
    full_name: str
    birth_date: date
    birth_year_only: bool
    identifier: str  # masked: the list never shows a full identifier
    group: str
    village: str
    status: str
    priority_score: int
    priority_explanation: str
    household_id: int
    approved_until: date | None
    household: str = ""  # the household as an official knows it: its head's name, and the file's Mã hộ
    relation: str = ""
    review_note: str = ""  # the reviewer's comment when the province returned or rejected it

    def due_for_renewal(self, today: date) -> bool:
        """Approved, and the approval ends within RENEWAL_NOTICE_DAYS or has ended: it can be renewed."""
        return (self.status == "approved" and self.approved_until is not None
                and self.approved_until <= today + timedelta(days=RENEWAL_NOTICE_DAYS))

    @property
    def reviewer_says(self) -> str:
        """The reviewer's comment, shown while it still applies (returned or rejected)."""
        return self.review_note if self.status in ("returned", "rejected") else ""


STATUS_NAMES = labelled(NominationStatus, {
    NominationStatus.NOMINATED: "Đã đề cử", NominationStatus.POSTED: "Đang niêm yết",
    NominationStatus.APPROVED: "Đã duyệt", NominationStatus.REJECTED: "Bị từ chối", NominationStatus.RETURNED: "Trả lại để sửa",
    NominationStatus.WITHDRAWN: "Đã rút"})
# Not a stored status: approved nominations whose approval ends within RENEWAL_NOTICE_DAYS or has ended.
DUE_FOR_RENEWAL = "due_for_renewal"
RENEWAL_NOTICE_DAYS = 30
LIST_FILTERS = {**STATUS_NAMES, DUE_FOR_RENEWAL: "Đã duyệt, sắp hết hạn hoặc hết hạn: cần gia hạn"}


def _due_for_renewal(today: date):
    return (Nomination.status == "approved") & (Nomination.approved_until <= today + timedelta(days=RENEWAL_NOTICE_DAYS))


def list_nominations(actor: Actor, *, commune_code: object, status: str | None = None, search: str = "",
                     limit: int = 50, offset: int = 0, uow: UnitOfWork | None = None,
                     today: date | None = None) -> tuple[list[NominationRow], int]:
    """A page of one commune's nominations, highest priority first, and how many match in all.

    `status` is a stored status or DUE_FOR_RENEWAL.
    """
    require_role(actor, *NOMINATORS)
    if status and status not in LIST_FILTERS:
        raise InvalidInput(f"Trạng thái '{status}' không có")
    with uow or UnitOfWork() as work:
        commune = get_commune(work.session, commune_code)
        require_commune(actor, commune.province_code, commune.code)
        query = (select(Nomination, Person).join(Person, Person.id == Nomination.person_id)
                 .where(Nomination.commune_code == commune.code))
        if status == DUE_FOR_RENEWAL:
            query = query.where(_due_for_renewal(today or today_vn()))
        elif status:
            query = query.where(Nomination.status == status)
        if search.strip():
            query = query.where(Person.name_key.contains(name_key(search)))
        total = work.session.exec(select(func.count()).select_from(query.subquery())).one()
        # Households stay together: ranked by their highest score, members in the order they were nominated.
        top = func.max(Nomination.priority_score).over(partition_by=Nomination.household_id)
        rows = work.session.exec(query.order_by(top.desc(), Nomination.household_id, Nomination.id)
                                 .offset(offset).limit(limit)).all()
        names = _household_names(work.session, {n.household_id for n, _ in rows})
        return [_row(n, p, names) for n, p in rows], total


def household_members(actor: Actor, nomination_id: int, *, uow: UnitOfWork | None = None) -> list[NominationRow]:
    """Everyone nominated in the same household as this nomination, whatever their status, in nomination order."""
    require_role(actor, *NOMINATORS)
    with uow or UnitOfWork() as work:
        nomination = scoped_nomination(work.session, actor, nomination_id)
        rows = work.session.exec(select(Nomination, Person).join(Person, Person.id == Nomination.person_id)
                                 .where(Nomination.household_id == nomination.household_id)
                                 .order_by(Nomination.id)).all()
        names = _household_names(work.session, {nomination.household_id})
        return [_row(n, p, names) for n, p in rows]


def _row(nomination: Nomination, person: Person, names: dict[int, str]) -> NominationRow:
    n, p = nomination, person
    return NominationRow(n.id, p.full_name, p.birth_date, p.birth_year_only,
                         mask(p.national_id or p.social_insurance_code), n.group_key, n.village, n.status,
                         n.priority_score, n.priority_explanation, n.household_id, n.approved_until,
                         household=names.get(n.household_id, ""), relation=n.relation, review_note=n.review_note)


_HEAD_WORDS = frozenset({"chu ho", "chuho"})
_FORM_KEY = re.compile(r"F\d{20}")  # nominate_household's generated key: not the official's, not shown


def _household_names(session: Session, household_ids: set[int]) -> dict[int, str]:
    """Each household's name on the list: its head ("Chủ hộ", else its first nominated member) and the Mã hộ
    the official gave it in their file."""
    heads: dict[int, tuple[bool, int, str]] = {}
    keys: dict[int, str] = {}
    for chunk in chunks(sorted(household_ids), _CHUNK):
        for household_id, key, nomination_id, relation, name in session.exec(
                select(Nomination.household_id, Household.key, Nomination.id, Nomination.relation, Person.full_name)
                .join(Household, Household.id == Nomination.household_id)
                .join(Person, Person.id == Nomination.person_id).where(Nomination.household_id.in_(chunk))):
            rank = (" ".join(strip_accents(relation).lower().split()) not in _HEAD_WORDS, nomination_id, name)
            heads[household_id] = min(heads.get(household_id, rank), rank)
            keys[household_id] = key
    return {household_id: f"{name} ({keys[household_id]})" if not _FORM_KEY.fullmatch(keys[household_id]) else name
            for household_id, (_, _, name) in heads.items()}


def renewals_due(actor: Actor, *, uow: UnitOfWork | None = None, today: date | None = None) -> int:
    """How many approvals in the actor's scope end within RENEWAL_NOTICE_DAYS or have ended."""
    require_role(actor, *NOMINATORS)
    with uow or UnitOfWork() as work:
        query = select(func.count()).select_from(Nomination).where(_due_for_renewal(today or today_vn()))
        if actor.role == COMMUNE_OFFICIAL:
            query = query.where(Nomination.commune_code == actor.commune_code)
        elif actor.role == PROVINCE_OFFICER:
            query = query.where(Nomination.province_code == actor.province_code)
        return work.session.exec(query).one()


def renew(actor: Actor, nomination_ids: list[int], *, uow: UnitOfWork | None = None,
          today: date | None = None) -> int:
    """Ask again for approvals that end within RENEWAL_NOTICE_DAYS or have ended: all or none.

    An approval lasts for the programme year; renewing sends the nomination back to be posted at the commune and
    reviewed by the province, as a new nomination would be. Cards already bought are not touched.
    """
    require_role(actor, *NOMINATORS)
    if not nomination_ids:
        raise InvalidInput("Chọn ít nhất một đề cử cần gia hạn")
    today = today or today_vn()
    with uow or UnitOfWork() as work:
        now = datetime.now(UTC)
        lock_places(work.session, nomination_ids)
        for nomination_id in nomination_ids:
            nomination = scoped_nomination(work.session, actor, nomination_id, lock=True)
            if nomination.status != "approved":
                raise InvalidInput(f"Đề cử {nomination_id} đang ở trạng thái «{STATUS_NAMES[nomination.status]}»: "
                                   "chỉ gia hạn đề cử đã duyệt")
            if nomination.approved_until > today + timedelta(days=RENEWAL_NOTICE_DAYS):
                raise InvalidInput(f"Đề cử {nomination_id} còn được duyệt đến {nomination.approved_until:%d/%m/%Y}: "
                                   f"chỉ gia hạn trong {RENEWAL_NOTICE_DAYS} ngày cuối hoặc sau khi hết hạn")
            before = {"status": nomination.status, "approved_until": nomination.approved_until}
            nomination.status, nomination.approved_until = "nominated", None
            nomination.posted_on = nomination.objection_until = None
            nomination.updated_at, nomination.updated_by = now, actor.user_id
            audit.record(work.session, actor, "renew_nomination", "nomination", nomination.id, before=before,
                         after={"status": "nominated"})
        work.commit()
        return len(nomination_ids)


WITHDRAWABLE = ("nominated", "posted", "returned")


def withdraw(actor: Actor, nomination_id: int, reason: str, *, uow: UnitOfWork | None = None) -> None:
    """Withdraw a nomination that is not yet approved (the person died, moved, or got other cover)."""
    withdraw_many(actor, [nomination_id], reason, uow=uow)


def withdraw_many(actor: Actor, nomination_ids: list[int], reason: str, *, uow: UnitOfWork | None = None) -> int:
    """Withdraw nominations not yet approved, with one reason: all of them or none. Returns how many."""
    require_role(actor, *NOMINATORS)
    if not nomination_ids:
        raise InvalidInput("Chọn ít nhất một đề cử cần rút")
    if not reason.strip():
        raise InvalidInput("Ghi lý do rút đề cử")
    with uow or UnitOfWork() as work:
        now = datetime.now(UTC)
        for nomination_id in dict.fromkeys(nomination_ids):
            nomination = scoped_nomination(work.session, actor, nomination_id, lock=True)
            if nomination.status not in WITHDRAWABLE:
                person = work.session.get(Person, nomination.person_id)
                who = f"{person.full_name} đang" if len(nomination_ids) > 1 else "Đề cử đang"
                raise InvalidInput(f"{who} ở trạng thái «{STATUS_NAMES[nomination.status]}»: không rút được"
                                   + (" (không rút gì)" if len(nomination_ids) > 1 else ""))
            before = nomination.status
            nomination.status, nomination.updated_at = "withdrawn", now
            audit.record(work.session, actor, "withdraw_nomination", "nomination", nomination.id,
                         before={"status": before}, after={"status": "withdrawn", "reason": reason.strip()})
        work.commit()
        return len(dict.fromkeys(nomination_ids))


_TEMPLATE_WIDTHS = {"full_name": 24, "birth_date": 12, "gender": 9, "national_id": 15, "social_insurance_code": 13,
                    "household_key": 9, "relation": 14, "group": 18, "need_flags": 20, "flood_damage": 18,
                    "village": 14, "school": 18, "health_facility": 18, "current_card_until": 13, "reason": 30}
_HOW_TO_FILL = {
    "full_name": "Họ tên đầy đủ, có dấu",
    "birth_date": "dd/mm/yyyy; người cao tuổi không rõ ngày sinh ghi năm sinh",
    "gender": "Nam hoặc Nữ",
    "national_id": "12 chữ số (định dạng cột là văn bản để giữ số 0 đầu); cần Số CCCD hoặc Mã số BHXH",
    "social_insurance_code": "10 chữ số",
    "household_key": "Người cùng hộ ghi cùng một mã (ví dụ H01); hộ có dòng lỗi được giữ lại cả hộ",
    "relation": "Chủ hộ, Vợ, Chồng, Con…",
    "group": ", ".join(GROUP_NAMES[key] for key in DONOR_GROUPS),
    "need_flags": f"{', '.join(FLAG_NAMES.values())}; nhiều hoàn cảnh cách nhau bằng dấu ;",
    "flood_damage": f"{', '.join(DAMAGE_NAMES.values())}, hoặc để trống",
    "village": "Tên thôn, tổ dân phố",
    "school": "Với học sinh, sinh viên",
    "health_facility": "Để trống: trạm y tế xã",
    "current_card_until": "dd/mm/yyyy nếu đang có thẻ BHYT",
    "reason": "Hoàn cảnh cụ thể",
}
REFUSED_REASON = "Vì sao chưa lưu"


def _template_sheet(rows: list[list[object]], *, reason: bool = False) -> Sheet:
    headers = [template_header(key) for key, _, _ in COLUMNS] + ([REFUSED_REASON] if reason else [])
    widths = [_TEMPLATE_WIDTHS[key] for key, _, _ in COLUMNS] + ([60] if reason else [])
    return Sheet("Danh sách đề cử", headers, rows, widths=widths)


def _guide_sheet() -> Sheet:
    return Sheet("Hướng dẫn", ["Cột", "Bắt buộc", "Cách ghi"],
                 [[label, "Có" if required else "", _HOW_TO_FILL[key]] for key, label, required in COLUMNS],
                 widths=[20, 10, 90])


def template_xlsx() -> bytes:
    """The blank nomination spreadsheet, with one example row, and a sheet that says how to fill each column."""
    example = ["Nguyễn Văn An", "02/03/1985", "Nam", "066085000123", "", "H01", "Chủ hộ", "Hộ gia đình", "",
               "Hư hỏng nặng", "Thôn 1", "", "", "", "Nhà bị lũ cuốn mất mái, 11/2025"]
    return write_workbook([_template_sheet([example]), _guide_sheet()])


_ISSUE_KINDS = {"error": "Lỗi: dòng không được lưu", "held": "Giữ lại cùng hộ", "warning": "Cảnh báo: vẫn lưu"}


def errors_xlsx(report: ImportReport) -> bytes:
    """Every problem of a preview, one a line, in Vietnamese: the row, the column, what kind, what to do."""
    issues = sorted([(i, "error") for i in report.errors] + [(i, "held") for i in report.held]
                    + [(i, "warning") for i in report.warnings], key=lambda pair: pair[0].row)
    return write_xlsx("Lỗi và cảnh báo", ["Dòng", "Cột", "Loại", "Vấn đề và cách sửa"],
                      [[i.row, i.column or "Cả dòng", _ISSUE_KINDS[kind], i.message] for i, kind in issues],
                      widths=[8, 20, 22, 90])


def refused_xlsx(report: ImportReport) -> bytes:
    """The rows not saved (refused, and held back with their household) as the file had them, in the template's
    columns, with the reason in a last column: corrected, the file is imported again as it is."""
    reasons: dict[int, list[str]] = {}
    for issue in report.errors + report.held:
        reasons.setdefault(issue.row, []).append(f"{issue.column or 'Cả dòng'}: {issue.message}")
    rows = [[cell_text(report.cells[number].get(key)) for key, _, _ in COLUMNS]
            + [f"Dòng {number} của tệp gốc. " + "; ".join(reasons[number])]
            for number in sorted(reasons) if number in report.cells]
    return write_workbook([_template_sheet(rows, reason=True), _guide_sheet()])


def communes_in_scope(actor: Actor, *, uow: UnitOfWork | None = None) -> list[Unit]:
    require_role(actor, *NOMINATORS)
    with uow or UnitOfWork() as work:
        query = select(Commune).order_by(Commune.name)
        if actor.role == COMMUNE_OFFICIAL:
            query = query.where(Commune.code == actor.commune_code)
        elif actor.role == PROVINCE_OFFICER:
            query = query.where(Commune.province_code == actor.province_code)
        return [Unit(c.code, c.name, c.province_code, c.is_poor) for c in work.session.exec(query)]



# Editing a nomination ----------------------------------------------------------------------------------------------

EDITABLE = ("nominated", "posted", "returned", "approved")


def nomination_cells(actor: Actor, nomination_id: int, *, uow: UnitOfWork | None = None) -> dict[str, object]:
    """The nomination as the form's cells, identifiers in full: the official's viewing them is audited."""
    require_role(actor, *NOMINATORS)
    with uow or UnitOfWork() as work:
        nomination, person = _editable(work.session, actor, nomination_id)
        audit.record(work.session, actor, "view_identifiers", "person", person.id)
        work.commit()
        return {
            "full_name": person.full_name,
            "birth_date": str(person.birth_date.year) if person.birth_year_only else f"{person.birth_date:%d/%m/%Y}",
            "gender": {"male": "Nam", "female": "Nữ"}.get(person.gender or "", ""),
            "national_id": person.national_id or "", "social_insurance_code": person.social_insurance_code or "",
            "household_key": str(nomination.household_id), "relation": nomination.relation,
            "group": nomination.group_key, "need_flags": nomination.need_flags,
            "flood_damage": nomination.flood_damage or "", "village": nomination.village, "school": nomination.school,
            "health_facility": nomination.health_facility,
            "current_card_until": f"{nomination.current_card_until:%d/%m/%Y}" if nomination.current_card_until else "",
            "reason": nomination.reason,
        }


def lock_places(session: Session, nomination_ids: list[int]) -> None:
    """Before an approved nomination changes: the locks of its province's office, which an allocation run holds
    while it reads and funds approved people, so a run never funds facts that are being corrected or renewed."""
    lock_offices(session, session.exec(select(Nomination.province_code).distinct()
                                       .where(Nomination.id.in_(nomination_ids))).all())


def scoped_nomination(session: Session, actor: Actor, nomination_id: int, *, lock: bool = False) -> Nomination:
    """A nomination the actor's scope holds, or an error saying it does not exist or is out of scope.

    `lock` holds the row until commit (PostgreSQL), so that two officials cannot decide on it at once.
    """
    nomination = session.get(Nomination, nomination_id, with_for_update=lock)
    if nomination is None:
        raise NotFound(f"Không có đề cử mã {nomination_id}")
    require_commune(actor, nomination.province_code, nomination.commune_code)
    return nomination


def _editable(session: Session, actor: Actor, nomination_id: int) -> tuple[Nomination, Person]:
    nomination = scoped_nomination(session, actor, nomination_id)
    if nomination.status not in EDITABLE:
        raise InvalidInput(f"Đề cử đang ở trạng thái «{STATUS_NAMES[nomination.status]}»: không sửa được")
    return nomination, session.get(Person, nomination.person_id)


def update_nomination(actor: Actor, nomination_id: int, cells: dict[str, object], *,
                      uow: UnitOfWork | None = None, today: date | None = None) -> str:
    """Save corrected facts; a posted or approved nomination must be posted and reviewed again. Returns the status."""
    require_role(actor, *NOMINATORS)
    today = today or today_vn()
    with uow or UnitOfWork() as work:
        session = work.session
        lock_places(session, [nomination_id])
        nomination, person = _editable(session, actor, nomination_id)
        candidate, errors = validate_row(1, {**cells, "household_key": str(nomination.household_id)}, today)
        if errors:
            raise InvalidInput("; ".join(f"{e.column}: {e.message}" for e in errors))
        for column, value in ((Person.national_id, candidate.national_id),
                              (Person.social_insurance_code, candidate.social_insurance_code)):
            if value and session.exec(select(Person.id).where(column == value, Person.id != person.id)).first():
                raise InvalidInput(f"{'Số CCCD' if column is Person.national_id else 'Mã số BHXH'} này đã thuộc "
                                   "một người khác trong hệ thống: kiểm tra lại")
        commune = get_commune(session, nomination.commune_code)
        report = ImportReport()
        if not _drop_fully_paid(session, commune, [candidate], report, today):
            raise InvalidInput(report.errors[0].message)
        before = _facts(nomination, person)
        person.full_name, person.name_key = candidate.full_name, candidate.name_key
        person.birth_date, person.birth_year_only, person.gender = (candidate.birth_date, candidate.birth_year_only,
                                                                    candidate.gender)
        person.national_id, person.social_insurance_code = candidate.national_id, candidate.social_insurance_code
        points, explanation = score(app_settings.get(session, "priority_weights"), group=candidate.group,
                                    flood_damage=candidate.flood_damage, need_flags=candidate.need_flags,
                                    birth_date=candidate.birth_date, on=today)
        for name, value in (("group_key", candidate.group), ("relation", candidate.relation),
                            ("need_flags", ";".join(candidate.need_flags)), ("flood_damage", candidate.flood_damage),
                            ("village", candidate.village), ("school", candidate.school),
                            ("health_facility", candidate.health_facility or nomination.health_facility),
                            ("current_card_until", candidate.current_card_until), ("reason", candidate.reason),
                            ("priority_score", points), ("priority_explanation", explanation)):
            setattr(nomination, name, value)
        if nomination.status in ("posted", "approved"):
            # Changed facts are posted at the commune again, then reviewed again: no quiet swap after approval.
            nomination.status, nomination.approved_until = "nominated", None
            nomination.posted_on = nomination.objection_until = None
        nomination.updated_at, nomination.updated_by = datetime.now(UTC), actor.user_id
        audit.record(session, actor, "update_nomination", "nomination", nomination.id, before=before,
                     after=_facts(nomination, person))
        work.commit()
        return nomination.status


def _facts(nomination: Nomination, person: Person) -> dict:
    return {"full_name": person.full_name, "birth_date": person.birth_date, "national_id": person.national_id,
            "social_insurance_code": person.social_insurance_code, "group": nomination.group_key,
            "need_flags": nomination.need_flags, "flood_damage": nomination.flood_damage, "status": nomination.status}
