"""Buying the cards: funded people grouped into a province's purchase batch, BHXH's list of them (form D03-TS), the
batch's payment to BHXH (the money is then spent), and the issued cards imported back and checked against each
person (issue 8, DESIGN.md §3.4)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, func, select

from db.bulk import not_among
from db.enums import BatchStatus, Gender, labelled
from db.models import (
    Card,
    Commune,
    Donor,
    FundingLine,
    Household,
    Nomination,
    Person,
    Pledge,
    PremiumGroup,
    Province,
    PurchaseBatch,
    Sponsorship,
)
from db.uow import UnitOfWork
from donation.access import app_settings, audit
from donation.access.actors import ADMIN, PROVINCE_OFFICER, Actor, require_province, require_role
from donation.access.offices import lock_office, lock_offices
from donation.cards import d03_form, repricing
from donation.common.dates import add_months, format_date, today_vn
from donation.common.errors import Forbidden, InvalidInput, NotFound
from donation.common.identity import check_bhxh_code, check_cccd, name_key, parse_card_code, vietnamese_name_order
from donation.common.money import format_number, format_percent_bp
from donation.common.spreadsheets import read_rows, write_xlsx
from donation.common.wording import in_sentence
from donation.payments.receipts import office_header
from donation.pledges.states import check_transition
from donation.premium.calculator import RuleBook
from donation.premium.rule_data import GROUP_NAMES
from donation.premium.rules import load_rule_book
from donation.registry.nomination_rows import find_header, header_key, read_date

BUYERS = (PROVINCE_OFFICER, ADMIN)  # cards are bought by the province where the people live
STATUS_NAMES = labelled(BatchStatus, {BatchStatus.OPEN: "Đang lập", BatchStatus.PAID: "Đã chuyển tiền cho BHXH",
                                      BatchStatus.CARDED: "Đã có thẻ", BatchStatus.CANCELLED: "Đã hủy"})
GENDER_NAMES = labelled(Gender, {Gender.MALE: "Nam", Gender.FEMALE: "Nữ"})
# Form D03-TS as amended by Decision 490/QĐ-BHXH (2023): its columns A, B, 1-15 (sources in d03_form).
D03_HEADERS = d03_form.D03_HEADERS
# The card import reads these columns by their header (accents, case and spacing ignored).
_CARD_COLUMNS = {
    "full_name": ("Họ và tên", "Họ tên"),
    "social_insurance_code": ("Mã số BHXH", "Mã BHXH", "Số sổ BHXH"),
    "national_id": ("Số CCCD", "CCCD", "Số căn cước", "Số định danh"),
    "birth_date": ("Ngày sinh", "Ngày tháng năm sinh"),
    "card": ("Mã thẻ BHYT", "Mã thẻ", "Số thẻ BHYT", "Số thẻ"),
    "object_code": ("Mã đối tượng", "Đối tượng"),
    "benefit_level": ("Mức hưởng", "Quyền lợi"),
    "valid_from": ("Hạn thẻ từ ngày", "Giá trị sử dụng từ ngày", "Từ ngày", "Hạn từ"),
    "valid_to": ("Hạn thẻ đến ngày", "Giá trị sử dụng đến ngày", "Đến ngày", "Hạn đến"),
}
CARD_LABELS = {key: names[0] for key, names in _CARD_COLUMNS.items()}
CARD_HEADERS = ("STT", "Họ và tên", "Mã số BHXH", "Số CCCD", "Ngày sinh", "Mã thẻ BHYT", "Mã đối tượng",
                "Mức hưởng", "Hạn thẻ từ ngày", "Hạn thẻ đến ngày")
_HEADER_KEYS = {header_key(name): key for key, names in _CARD_COLUMNS.items() for name in names}


@dataclass(frozen=True)
class Waiting:
    """Funded people of a province not yet in a batch: how many, what their cards cost, by commune."""

    people: int
    amount: int
    by_commune: tuple[tuple[int, str, int, int], ...]  # (code, name, people, amount)


@dataclass(frozen=True)
class BatchRow:
    id: int
    province_code: int
    year: int
    sequence: int
    label: str
    province: str
    status: str
    people: int
    amount: int
    carded: int
    created_on: date
    paid_on: date | None
    payment_reference: str
    repriced: repricing.Repricing | None = None  # what paying it changed (`record_payment` only)

    @property
    def status_name(self) -> str:
        return STATUS_NAMES[self.status]

    @property
    def slug(self) -> str:
        """For file names: province, year, sequence."""
        return f"{self.province_code:02d}-{self.year}-{self.sequence:02d}"


@dataclass(frozen=True)
class CardImport:
    """What an import did: cards recorded, lines already recorded alike, batches now complete."""

    cards: int
    already: int
    batches_carded: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"cards": self.cards, "already": self.already, "batches_carded": list(self.batches_carded)}


def _buyer(actor: Actor, province: int | None) -> int:
    """The province the actor buys cards for: a provincial officer's own; an administrator or the system names it."""
    require_role(actor, *BUYERS)
    if actor.role == PROVINCE_OFFICER:
        if province not in (None, actor.province_code):
            raise Forbidden(f"Tài khoản {actor.username} chỉ mua thẻ cho người trong tỉnh của mình")
        return actor.province_code
    if province is None:
        raise InvalidInput("Chọn tỉnh mua thẻ (mã tỉnh)")
    return int(province)


def _batch(session: Session, actor: Actor, batch_id: int, *, lock: bool = False) -> PurchaseBatch:
    require_role(actor, *BUYERS)
    batch = session.get(PurchaseBatch, batch_id)
    if batch is None:
        raise NotFound(f"Không có đợt mua thẻ mã {batch_id}")
    require_province(actor, batch.province_code)
    if lock:
        lock_office(session, batch.province_code)  # batches of one province change one at a time
        session.refresh(batch)
    return batch


def waiting(actor: Actor, *, province: int | None = None, uow: UnitOfWork | None = None) -> Waiting:
    """The funded people of the province whose cards are not yet being bought."""
    code = _buyer(actor, province)
    with uow or UnitOfWork() as work:
        rows = work.session.exec(
            select(Commune.code, Commune.name, func.count(), func.sum(Sponsorship.price))
            .join(Commune, Commune.code == Sponsorship.commune_code)
            .where(Sponsorship.province_code == code, Sponsorship.status == "allocated",
                   Sponsorship.batch_id.is_(None))
            .group_by(Commune.code, Commune.name)).all()
    by_commune = tuple(sorted(((c, n, people, int(amount)) for c, n, people, amount in rows),
                              key=lambda row: vietnamese_name_order(row[1])))
    return Waiting(sum(r[2] for r in by_commune), sum(r[3] for r in by_commune), by_commune)


def create_batch(actor: Actor, *, province: int | None = None, communes: list[int] | None = None,
                 note: str = "", uow: UnitOfWork | None = None, today: date | None = None) -> BatchRow:
    """Put every funded person of the province (or of the chosen communes) not yet in a batch into a new batch,
    numbered per province and year."""
    code = _buyer(actor, province)
    today = today or today_vn()
    with uow or UnitOfWork() as work:
        session = work.session
        lock_office(session, code)
        chosen = [Sponsorship.province_code == code, Sponsorship.status == "allocated", Sponsorship.batch_id.is_(None)]
        if communes:
            chosen.append(Sponsorship.commune_code.in_(communes))
        last = session.exec(select(func.max(PurchaseBatch.sequence))
                            .where(PurchaseBatch.province_code == code, PurchaseBatch.year == today.year)).one()
        batch = PurchaseBatch(province_code=code, year=today.year, sequence=(last or 0) + 1, created_on=today,
                              note=" ".join(note.split()), created_by=actor.user_id)
        session.add(batch)
        session.flush()
        session.execute(update(Sponsorship).where(*chosen).values(batch_id=batch.id))
        # counted from what the update took: a release committed meanwhile is not in the batch, nor in its totals
        people, amount = session.exec(select(func.count(), func.coalesce(func.sum(Sponsorship.price), 0))
                                      .where(Sponsorship.batch_id == batch.id)).one()
        if not people:
            raise InvalidInput("Không có người nào đã được tài trợ mà chưa vào đợt mua thẻ: chạy phân bổ trước, "
                               "hoặc chọn xã khác")
        batch.people, batch.amount = people, int(amount)
        audit.record(session, actor, "create_purchase_batch", "purchase_batch", batch.id,
                     after={"label": batch.label, "people": people, "amount": int(amount)})
        work.commit()
        return _row(session, batch)


def cancel_batch(actor: Actor, batch_id: int, *, uow: UnitOfWork | None = None) -> None:
    """An open batch is undone: its people wait for the next batch; nothing was paid."""
    with uow or UnitOfWork() as work:
        session = work.session
        batch = _batch(session, actor, batch_id, lock=True)
        if batch.status != "open":
            raise InvalidInput(f"{batch.label} {in_sentence(STATUS_NAMES[batch.status])}: chỉ hủy được đợt đang lập")
        session.execute(update(Sponsorship).where(Sponsorship.batch_id == batch.id).values(batch_id=None))
        batch.status, batch.cancelled_by, batch.cancelled_at = "cancelled", actor.user_id, datetime.now(UTC)
        audit.record(session, actor, "cancel_purchase_batch", "purchase_batch", batch.id,
                     after={"label": batch.label, "people": batch.people})
        work.commit()


def record_payment(actor: Actor, batch_id: int, *, paid_on: date, reference: str, uow: UnitOfWork | None = None,
                   today: date | None = None) -> BatchRow:
    """The batch's money was transferred to BHXH: it is spent. Its cards are priced again at the rule in force on
    `paid_on` and their cover set from that day (`repricing`): differences are drawn from or given back to pledges,
    and a card that cannot be bought now leaves the batch (the returned row's `repriced` says which and why). Its
    other people's cards are bought; pledges whose every card is bought are completed."""
    reference = " ".join((reference or "").split())
    today = today or today_vn()
    if not reference:
        raise InvalidInput("Ghi số ủy nhiệm chi hoặc số biên lai BHXH của lần chuyển tiền")
    if paid_on > today:
        raise InvalidInput(f"Ngày chuyển tiền {format_date(paid_on)} chưa đến: nhập ngày đã chuyển")
    with uow or UnitOfWork() as work:
        session = work.session
        batch = _batch(session, actor, batch_id)
        # the province's lock and those of the offices whose money is spent, in one order (as allocation takes them):
        # the repricing draws differences only from pledges of these offices
        offices = _paying_offices(session, batch)
        lock_offices(session, offices)
        session.refresh(batch)
        if batch.status != "open":
            raise InvalidInput(f"{batch.label} {in_sentence(STATUS_NAMES[batch.status])}: không ghi chuyển tiền lần nữa")
        if not batch.people:
            raise InvalidInput(f"{batch.label} không còn ai (mọi suất đã được trả lại): hủy đợt này")
        if paid_on < batch.created_on:  # an earlier date would rewrite the reports of days before the batch
            raise InvalidInput(f"Ngày chuyển tiền {format_date(paid_on)} trước ngày lập {batch.label} "
                               f"({format_date(batch.created_on)}): nhập đúng ngày trên ủy nhiệm chi")
        repriced = repricing.reprice(session, batch, paid_on, offices)
        if not batch.people:
            raise InvalidInput(f"Không ghi chuyển tiền: theo quy định ngày {format_date(paid_on)}, không thẻ nào của "
                               f"{batch.label} mua được. " + repriced.message())
        now = datetime.now(UTC)
        session.execute(update(Sponsorship).where(Sponsorship.batch_id == batch.id, Sponsorship.status == "allocated")
                        .values(status="purchased"))
        batch.status, batch.paid_on, batch.payment_reference = "paid", paid_on, reference
        batch.paid_by, batch.paid_at = actor.user_id, now
        completed = _complete_pledges(session, batch.id, now)
        if repriced.changed:
            audit.record(session, actor, "reprice_purchase_batch", "purchase_batch", batch.id,
                         after={"label": batch.label, **repriced.as_dict()})
        audit.record(session, actor, "pay_purchase_batch", "purchase_batch", batch.id,
                     after={"label": batch.label, "people": batch.people, "amount": batch.amount,
                            "paid_on": paid_on.isoformat(), "reference": reference, "pledges_completed": completed})
        work.commit()
        return replace(_row(session, batch), repriced=repriced)


def payment_preview(actor: Actor, batch_id: int, *, paid_on: date, uow: UnitOfWork | None = None
                    ) -> repricing.Repricing:
    """What recording the open batch's transfer on `paid_on` would do as things stand (the cards it buys, their
    price at that day's rule, who would wait), so that the officer transfers the right amount. Writes nothing."""
    with uow or UnitOfWork() as work:
        session = work.session
        batch = _batch(session, actor, batch_id)
        if batch.status != "open":
            raise InvalidInput(f"{batch.label} {in_sentence(STATUS_NAMES[batch.status])}: giá đã tính khi chuyển tiền")
        return repricing.preview(session, batch, paid_on, _paying_offices(session, batch))


def _paying_offices(session: Session, batch: PurchaseBatch) -> set[int]:
    """The batch province's office and those whose pledges pay for its cards."""
    return set(session.exec(select(Pledge.office_code).distinct()
                            .join(FundingLine, FundingLine.pledge_id == Pledge.id)
                            .join(Sponsorship, Sponsorship.id == FundingLine.sponsorship_id)
                            .where(Sponsorship.batch_id == batch.id))) | {batch.province_code}


def _complete_pledges(session: Session, batch_id: int, now: datetime) -> list[str]:
    """Pledges whose every đồng paid is allocated (status allocated, nothing left over) and with no card left to
    buy become completed. One with a remainder too small for a card stays allocated: its money can still be used."""
    touched = select(FundingLine.pledge_id).join(Sponsorship, Sponsorship.id == FundingLine.sponsorship_id).where(
        Sponsorship.batch_id == batch_id)
    pending = select(FundingLine.pledge_id).join(Sponsorship, Sponsorship.id == FundingLine.sponsorship_id).where(
        Sponsorship.status == "allocated")
    pledges = list(session.exec(select(Pledge).where(Pledge.id.in_(touched), Pledge.status == "allocated",
                                                     Pledge.allocated == Pledge.paid, not_among(Pledge.id, pending))))
    for pledge in pledges:
        check_transition(pledge.status, "completed")
        pledge.status, pledge.updated_at = "completed", now
    return sorted(p.code for p in pledges)


def find_batch(actor: Actor, *, province: int | None, year: int, sequence: int,
               uow: UnitOfWork | None = None) -> BatchRow:
    """A province's batch by its number in the year."""
    code = _buyer(actor, province)
    with uow or UnitOfWork() as work:
        batch = work.session.exec(select(PurchaseBatch).where(
            PurchaseBatch.province_code == code, PurchaseBatch.year == year, PurchaseBatch.sequence == sequence)).first()
        if batch is None:
            raise NotFound(f"Tỉnh mã {code} không có đợt mua thẻ {sequence}/{year}")
        return _row(work.session, batch)


def list_batches(actor: Actor, *, province: int | None = None, uow: UnitOfWork | None = None) -> list[BatchRow]:
    """A province's batches, newest first."""
    code = _buyer(actor, province)
    with uow or UnitOfWork() as work:
        session = work.session
        batches = list(session.exec(select(PurchaseBatch).where(PurchaseBatch.province_code == code)
                                    .order_by(PurchaseBatch.year.desc(), PurchaseBatch.sequence.desc())))
        return [_row(session, batch) for batch in batches]


def _row(session: Session, batch: PurchaseBatch) -> BatchRow:
    carded = session.exec(select(func.count()).select_from(Card).where(Card.batch_id == batch.id)).one()
    province = session.get(Province, batch.province_code)
    return BatchRow(batch.id, batch.province_code, batch.year, batch.sequence, batch.label, province.name,
                    batch.status, batch.people, batch.amount, carded, batch.created_on, batch.paid_on,
                    batch.payment_reference)


@dataclass(frozen=True)
class ListLine:
    """One person of a batch as BHXH's lists show them."""

    sponsorship_id: int
    person_id: int
    household_id: int
    group_key: str
    full_name: str
    social_insurance_code: str
    national_id: str
    birth: str
    birth_date: date
    gender: str
    address: str
    health_facility: str
    relation: str
    household_order: int | None
    price: int
    local_budget: int  # the part of the price that local-budget pledges pay
    months: int
    starts_on: date
    ends_on: date
    commune: str
    pledges: str
    donor_kinds: frozenset[str] = frozenset()


def batch_lines(actor: Actor, batch_id: int, *, uow: UnitOfWork | None = None) -> tuple[BatchRow, list[ListLine]]:
    """The people of a batch, with the identifiers BHXH needs (the province's own people: shown in full), by
    commune and then the Vietnamese way by given name."""
    with uow or UnitOfWork() as work:
        session = work.session
        batch = _batch(session, actor, batch_id)
        return _row(session, batch), _lines(session, batch)


def _lines(session: Session, batch: PurchaseBatch) -> list[ListLine]:
    rules = load_rule_book(session)
    ladder = {g.key for g in rules.groups.values() if g.ladder_applies}
    rows = session.exec(
        select(Sponsorship, Person, Nomination.health_facility, Nomination.village, Nomination.relation,
               Household.address, Commune.name, Province.name)
        .join(Person, Person.id == Sponsorship.person_id)
        .join(Nomination, Nomination.id == Sponsorship.nomination_id)
        .join(Household, Household.id == Sponsorship.household_id)
        .join(Commune, Commune.code == Sponsorship.commune_code)
        .join(Province, Province.code == Sponsorship.province_code)
        .where(Sponsorship.batch_id == batch.id)).all()
    codes: dict[int, list[str]] = defaultdict(list)
    budget: Counter = Counter()
    kinds: dict[int, set[str]] = defaultdict(set)
    for sponsorship_id, code, kind, amount in session.exec(
            select(FundingLine.sponsorship_id, Pledge.code, Donor.kind, FundingLine.amount)
            .join(Pledge, Pledge.id == FundingLine.pledge_id).join(Donor, Donor.id == Pledge.donor_id)
            .join(Sponsorship, Sponsorship.id == FundingLine.sponsorship_id)
            .where(Sponsorship.batch_id == batch.id).order_by(FundingLine.id)):
        if code not in codes[sponsorship_id]:
            codes[sponsorship_id].append(code)
        kinds[sponsorship_id].add(kind)
        if kind == "budget":
            budget[sponsorship_id] += int(amount)
    orders = _household_orders([s for s, *_ in rows if s.group_key in ladder])
    lines = []
    for s, person, facility, village, relation, address, commune, province in rows:
        birth = str(person.birth_date.year) if person.birth_year_only else format_date(person.birth_date)
        place = ", ".join(part for part in (address or village, commune, province) if part)
        lines.append(ListLine(s.id, person.id, s.household_id, s.group_key, person.full_name,
                              person.social_insurance_code or "", person.national_id or "", birth, person.birth_date,
                              GENDER_NAMES.get(person.gender or "", ""), place, facility or f"Trạm y tế {commune}",
                              relation, orders.get(s.id), s.price, budget[s.id], s.months, s.starts_on, s.ends_on,
                              commune, ", ".join(codes[s.id]), frozenset(kinds[s.id])))
    lines.sort(key=lambda line: (vietnamese_name_order(line.commune), vietnamese_name_order(line.full_name),
                                 line.sponsorship_id))
    return lines


def _household_orders(sponsorships: list[Sponsorship]) -> dict[int, int]:
    """A household card's place on the ladder: the members of one household in this batch, the dearest first."""
    households: dict[int, list[Sponsorship]] = defaultdict(list)
    for s in sponsorships:
        households[s.household_id].append(s)
    return {s.id: place for members in households.values()
            for place, s in enumerate(sorted(members, key=lambda m: (-m.price, m.id)), start=1)}


def unit_gaps(actor: Actor, province: int | None = None, *, uow: UnitOfWork | None = None) -> list[str]:
    """The D03-TS header fields of the buying province's office that an administrator has not filled yet."""
    code = _buyer(actor, province)
    with uow or UnitOfWork() as work:
        unit = app_settings.bhxh_unit(work.session, code)
    return [label for key, label in app_settings.UNIT_FIELDS.items() if key != "email" and not unit[key]]


def export_batch(actor: Actor, batch_id: int, *, uow: UnitOfWork | None = None,
                 today: date | None = None) -> tuple[str, bytes]:
    """BHXH's list of the batch (form D03-TS, one sheet per participant group) and, for people without a BHXH code,
    their TK1-TS lines with the household appendix: Excel, print-ready. File name, bytes."""
    today = today or today_vn()
    with uow or UnitOfWork() as work:
        session = work.session
        batch = _batch(session, actor, batch_id)
        row = _row(session, batch)
        lines = _lines(session, batch)
        unit = _unit(session, batch.province_code)
        collector = app_settings.bhxh_unit(session, batch.province_code)["collector_code"]
        lists = d03_lists(load_rule_book(session), row, lines, collector, today)
        tk1 = _tk1(session, row, lines)
    dated = f"{unit.place or '…'}, ngày {today:%d} tháng {today:%m} năm {today:%Y}"
    return f"D03-TS-{row.slug}.xlsx", d03_form.write_d03(unit, lists, tk1, dated=dated)


def _unit(session: Session, province_code: int) -> d03_form.Unit:
    header = office_header(session, province_code)
    own = app_settings.bhxh_unit(session, province_code)
    return d03_form.Unit(header.name, own["unit_code"], own["tax_code"], own["address"], own["phone"], own["email"],
                         header.place, header.signer_name)


_DONOR_KINDS = {"budget": "ngân sách địa phương", "organisation": "tổ chức", "individual": "cá nhân"}
EXPECTED_NOTE = ("Hạn thẻ dự kiến, tính từ ngày chuyển tiền cho BHXH: cột 12 và ghi chú in ngày dự kiến cho đến khi "
                 "đợt được ghi đã chuyển tiền.")


def d03_lists(rules: RuleBook, batch: BatchRow, lines: list[ListLine], collector: str,
              today: date) -> list[d03_form.D03List]:
    """The batch's lines as one D03-TS list per participant group: the header at the base salary and state rate of
    the list's day (the payment's day once paid, else today), the cover dates marked expected until paid."""
    on = batch.paid_on or today
    version = rules.version_on(on)
    paid = batch.paid_on is not None
    by_group: dict[str, list[ListLine]] = defaultdict(list)
    for line in lines:
        by_group[line.group_key].append(line)
    lists = []
    for key in sorted(by_group, key=lambda k: vietnamese_name_order(rules.group(k).name)):
        group = rules.group(key)
        share = version.shares.get(key)
        rate = format_percent_bp(share.state_share_bp) if share is not None else ""
        top_up = rules.top_up_on(batch.province_code, key, on)
        if top_up is not None:
            rate += f"; NSĐP hỗ trợ thêm {format_percent_bp(top_up.share_bp)}"
        group_lines = by_group[key]
        pledges = list(dict.fromkeys(c for line in group_lines for c in line.pledges.split(", ") if c))
        kinds = {kind for line in group_lines for kind in line.donor_kinds}
        names = [name for kind, name in _DONOR_KINDS.items() if kind in kinds]
        shown = ", ".join(pledges[:8]) + (f" và {len(pledges) - 8} cam kết khác" if len(pledges) > 8 else "")
        funding = f"Tài trợ của {', '.join(names) or 'tổ chức, cá nhân'} (theo cam kết {shown})"
        rows = []
        for line in group_lines:
            note = [f"Hạn thẻ {format_date(line.starts_on)}–{format_date(line.ends_on)}" + ("" if paid else " (dự kiến)")]
            if line.household_order:
                share_bp = version.ladder_share(line.household_order)
                note.append(f"người thứ {line.household_order} trong hộ ({format_percent_bp(share_bp)} mức đóng của "
                            "người thứ nhất)")
            note.append(f"tài trợ theo cam kết {line.pledges}")
            rows.append(d03_form.D03Row(
                line.full_name, line.social_insurance_code, line.national_id, line.birth, line.gender, line.address,
                line.health_facility, format_date(batch.paid_on) if paid else "", batch.payment_reference if paid else "",
                line.price, line.local_budget, line.price - line.local_budget, format_date(line.starts_on),
                line.months, collector, "; ".join(note)))
        notes = [] if paid else [EXPECTED_NOTE]
        notes.append(f"{batch.label} ({in_sentence(batch.status_name)}): cột 9 là số tiền chuyển cho BHXH của mỗi người, "
                     "cột 10 và 11 là phần của cột 9 do ngân sách địa phương và do tổ chức, cá nhân tài trợ.")
        lists.append(d03_form.D03List(
            f"D03-TS {group.object_code}", f"{group.name} (mã đối tượng {group.object_code})", version.base_salary,
            rate, funding, f"Số: {batch.sequence} tháng {on.month:02d} năm {on.year} ({batch.label})", rows, notes))
    return lists


def _tk1(session: Session, batch: BatchRow, lines: list[ListLine]) -> d03_form.Tk1 | None:
    """TK1-TS lines for the people without a BHXH code, with the appendix of their households' members (every
    person nominated in the household). Fields the platform does not hold print empty."""
    new = [line for line in lines if not line.social_insurance_code]
    if not new:
        return None
    tk1_lines = [d03_form.Tk1Line(
        line.full_name, line.birth, line.gender,
        "Việt Nam" if line.national_id else "",  # a CCCD is issued to citizens only
        "", "", line.address, line.national_id, "", "", line.price, f"{line.months} tháng", line.health_facility)
        for line in new]
    households = []
    ids = sorted({line.household_id for line in new})
    places = {line.household_id: line.address for line in new}
    members: dict[int, dict[int, tuple[Person, str]]] = defaultdict(dict)
    for start in range(0, len(ids), 500):
        for household_id, relation, person in session.exec(
                select(Nomination.household_id, Nomination.relation, Person)
                .join(Person, Person.id == Nomination.person_id)
                .where(Nomination.household_id.in_(ids[start:start + 500])).order_by(Nomination.id)):
            members[household_id][person.id] = (person, relation)
    in_batch = {line.person_id for line in lines}
    for household_id in ids:
        people = list(members[household_id].values())
        head = next((p for p, relation in people if name_key(relation) == "chu ho"), people[0][0])
        households.append(d03_form.Household(
            f"Hộ của {head.full_name}: {places[household_id]} ({len(people)} thành viên)",
            [d03_form.Member(p.full_name, p.social_insurance_code or "",
                             str(p.birth_date.year) if p.birth_year_only else format_date(p.birth_date),
                             GENDER_NAMES.get(p.gender or "", ""), "", relation, p.national_id or "",
                             f"Trong {batch.label}" if p.id in in_batch else "")
             for p, relation in people]))
    notes = [f"{len(new)} người trong {batch.label} chưa có mã số BHXH. Ô trống là thông tin hệ thống chưa có "
             "(dân tộc, nơi đăng ký khai sinh, số điện thoại, người giám hộ): ghi bổ sung trước khi nộp."]
    return d03_form.Tk1(tk1_lines, households, notes)


def card_template(actor: Actor, batch_id: int, *, uow: UnitOfWork | None = None) -> tuple[str, bytes]:
    """The batch's people with empty card columns, for the card office to fill from BHXH's issued list."""
    batch, lines = batch_lines(actor, batch_id, uow=uow)
    rows = [[index, line.full_name, line.social_insurance_code, line.national_id, line.birth, "", "", "", "", ""]
            for index, line in enumerate(lines, start=1)]
    data = write_xlsx(f"Nhap the {batch.slug}", CARD_HEADERS, rows, widths=(5, 24, 12, 14, 11, 18, 10, 9, 12, 12))
    return f"nhap-the-{batch.slug}.xlsx", data


@dataclass(frozen=True)
class _Line:
    row: int
    full_name: str
    social_insurance_code: str | None
    national_id: str | None
    birth: object
    card: str
    object_code: str
    benefit_level: object
    valid_from: object
    valid_to: object


def _read_card_rows(data: bytes, filename: str) -> list[_Line]:
    rows = read_rows(data, filename)
    found = find_header(rows, _HEADER_KEYS)
    if found is None:
        raise InvalidInput("Không tìm thấy dòng tiêu đề (Họ và tên, Mã thẻ BHYT, Hạn thẻ…) trong 30 dòng đầu: "
                           "dùng tệp «Mẫu nhập thẻ» của đợt mua")
    index, mapping = found
    missing = [CARD_LABELS[k] for k in ("full_name", "birth_date", "card", "valid_from", "valid_to")
               if k not in mapping]
    if "social_insurance_code" not in mapping and "national_id" not in mapping:
        missing.append("Mã số BHXH hoặc Số CCCD")
    if missing:
        raise InvalidInput(f"Dòng tiêu đề (dòng {index + 1}) thiếu cột: {', '.join(missing)}")

    def cell(row: list[object], key: str) -> object:
        column = mapping.get(key)
        return row[column] if column is not None and column < len(row) else None

    def text(value: object) -> str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return " ".join(str(value if value is not None else "").split())

    lines = []
    for number, row in enumerate(rows[index + 1:], start=index + 2):
        if not any(text(value) for value in row):
            continue
        lines.append(_Line(number, text(cell(row, "full_name")), text(cell(row, "social_insurance_code")) or None,
                           text(cell(row, "national_id")) or None, cell(row, "birth_date"), text(cell(row, "card")),
                           text(cell(row, "object_code")).upper(), cell(row, "benefit_level"),
                           cell(row, "valid_from"), cell(row, "valid_to")))
    if not lines:
        raise InvalidInput("Tệp không có dòng thẻ nào dưới dòng tiêu đề")
    return lines


@dataclass(frozen=True)
class _Candidate:
    sponsorship: Sponsorship
    person: Person


def import_cards(actor: Actor, data: bytes, filename: str, *, uow: UnitOfWork | None = None,
                 today: date | None = None) -> CardImport:
    """Record the cards BHXH issued for people of paid batches. Every line is checked against its person (name,
    birth date, BHXH code, object code of their group, a validity covering the months paid); one bad line and
    nothing is saved, every problem listed by row and column."""
    require_role(actor, *BUYERS)
    today = today or today_vn()
    lines = _read_card_rows(data, filename)
    problems: list[str] = []

    def problem(line: _Line, column: str, message: str) -> None:
        problems.append(f"Dòng {line.row}, cột {column}: {message}")

    with uow or UnitOfWork() as work:
        session = work.session
        objects = {g.key: g.object_code for g in session.exec(select(PremiumGroup))}
        parsed = []
        for line in lines:
            found = _parse_line(line, problem, today)
            if found is not None:
                parsed.append((line, *found))
        codes = {bhxh for _, card_code, bhxh, *_ in parsed for bhxh in (bhxh, card_code.bhxh_code) if bhxh}
        ids = {national_id for _, _, _, national_id, *_ in parsed if national_id}
        # the provinces' locks, then a fresh read: two imports at once must each see the other's cards, or neither
        # would find its batch complete
        lock_offices(session, {c.sponsorship.province_code for c in _purchased(session, actor, codes, ids).values()})
        session.expire_all()  # what was read before the locks is read again
        candidates = _purchased(session, actor, codes, ids)
        seen: Counter = Counter()
        code_rows: dict[str, tuple[int, int]] = {}  # card number -> (row, person) of its first line in the file
        cards: list[tuple[_Line, _Candidate, Card]] = []
        already, touched = 0, set()
        for line, card_code, bhxh, national_id, level, valid_from, valid_to in parsed:
            match = (candidates.get(("bhxh", bhxh)) or candidates.get(("cccd", national_id))
                     or candidates.get(("bhxh", card_code.bhxh_code)))
            if match is None:
                problem(line, "Họ và tên", f"«{line.full_name}» không có trong đợt mua thẻ nào đã chuyển tiền của "
                        "tỉnh: kiểm tra Mã số BHXH/Số CCCD, hoặc ghi chuyển tiền cho đợt mua trước")
                continue
            person, sponsorship = match.person, match.sponsorship
            touched.add(sponsorship.batch_id)
            seen[sponsorship.id] += 1
            first = code_rows.setdefault(card_code.bhxh_code, (line.row, person.id))
            if first[1] != person.id:
                problem(line, "Mã thẻ BHYT", f"mã số BHXH {card_code.bhxh_code} trùng dòng {first[0]}, của người "
                        "khác: mỗi người một mã")
            if national_id and person.national_id and national_id != person.national_id:
                problem(line, "Số CCCD", f"{national_id} khác số CCCD của «{person.full_name}» trong danh sách mua "
                        "thẻ: kiểm tra đúng người")
            if seen[sponsorship.id] == 2:
                problem(line, "Họ và tên", f"«{person.full_name}» có hai dòng thẻ trong tệp: giữ một dòng")
            if name_key(line.full_name) != name_key(person.full_name):
                problem(line, "Họ và tên", f"«{line.full_name}» khác tên trong danh sách mua thẻ "
                        f"(«{person.full_name}»): kiểm tra đúng người")
            _check_birth(line, person, problem, today)
            if person.social_insurance_code and card_code.bhxh_code != person.social_insurance_code:
                problem(line, "Mã thẻ BHYT", f"mã số BHXH trên thẻ ({card_code.bhxh_code}) khác mã của người này "
                        f"({person.social_insurance_code}): thẻ không đúng người")
            elif not person.social_insurance_code:
                owner = session.exec(select(Person.id).where(Person.social_insurance_code == card_code.bhxh_code,
                                                             Person.id != person.id)).first()
                if owner is not None:
                    problem(line, "Mã thẻ BHYT", f"mã số BHXH {card_code.bhxh_code} đã thuộc người khác")
            expected = objects.get(sponsorship.group_key, "")
            object_code = card_code.object_code or line.object_code
            if not object_code:
                problem(line, "Mã đối tượng", "trống: ghi mã đối tượng (ví dụ CN, HS, GD) hoặc mã thẻ đủ 15 ký tự")
            elif expected and object_code != expected:  # no expected code: BHXH's code for the group unconfirmed
                problem(line, "Mã đối tượng", f"{object_code} không đúng nhóm được tài trợ "
                        f"({GROUP_NAMES.get(sponsorship.group_key, sponsorship.group_key)}: {expected})")
            if line.object_code and card_code.object_code and line.object_code != card_code.object_code:
                problem(line, "Mã đối tượng", f"{line.object_code} khác mã đối tượng trong mã thẻ "
                        f"({card_code.object_code})")
            if valid_to < add_months(valid_from, sponsorship.months) - timedelta(days=1):
                problem(line, "Hạn thẻ đến ngày", f"thẻ {format_date(valid_from)}–{format_date(valid_to)} ngắn hơn "
                        f"{sponsorship.months} tháng đã tài trợ: kiểm tra hạn thẻ")
            elif valid_to < sponsorship.ends_on:
                problem(line, "Hạn thẻ đến ngày", f"thẻ hết hạn {format_date(valid_to)}, trước ngày "
                        f"{format_date(sponsorship.ends_on)} mà tiền tài trợ đã trả: thẻ không phải của đợt này, "
                        "kiểm tra hạn thẻ")
            card = Card(sponsorship_id=sponsorship.id, batch_id=sponsorship.batch_id, person_id=person.id,
                        number=card_code.bhxh_code, object_code=object_code or expected, benefit_level=level,
                        valid_from=valid_from, valid_to=valid_to, file_name=filename or "",
                        imported_by=actor.user_id)
            existing = session.exec(select(Card).where(Card.sponsorship_id == sponsorship.id)).first()
            if existing is not None:
                if (existing.number, existing.object_code, existing.benefit_level, existing.valid_from,
                        existing.valid_to) == (card.number, card.object_code, card.benefit_level, card.valid_from,
                                               card.valid_to):
                    already += 1
                    continue
                problem(line, "Mã thẻ BHYT", f"«{person.full_name}» đã có thẻ {existing.object_code}"
                        f"{existing.benefit_level}…{existing.number} nhập trước đó, khác dòng này")
                continue
            cards.append((line, match, card))
        if problems:
            shown = problems[:20]
            more = f" (và {format_number(len(problems) - 20)} lỗi khác)" if len(problems) > 20 else ""
            raise InvalidInput(f"Không lưu thẻ nào: {len(problems)} lỗi. " + "; ".join(shown) + more)
        if not cards and not already:
            raise InvalidInput("Tệp không có thẻ nào để nhập")
        batches_carded = _save_cards(session, actor, cards, filename, touched)
        work.commit()
        return CardImport(len(cards), already, batches_carded)


def _parse_line(line: _Line, problem, today: date):
    ok = True
    try:
        card_code = parse_card_code(line.card)
    except InvalidInput as error:
        problem(line, "Mã thẻ BHYT", str(error))
        ok = False
    bhxh = national_id = None
    if line.social_insurance_code:
        try:
            bhxh = check_bhxh_code(line.social_insurance_code.zfill(10) if line.social_insurance_code.isdigit()
                                   else line.social_insurance_code)
        except InvalidInput as error:
            problem(line, "Mã số BHXH", str(error))
            ok = False
    if line.national_id:
        try:
            national_id = check_cccd(line.national_id.zfill(12) if line.national_id.isdigit() else line.national_id)
        except InvalidInput as error:
            problem(line, "Số CCCD", str(error))
            ok = False
    level = None
    if ok and card_code.benefit_level is not None:
        level = card_code.benefit_level
        if line.benefit_level not in (None, "") and str(line.benefit_level).strip() not in (str(level), f"{level}.0"):
            problem(line, "Mức hưởng", f"{line.benefit_level} khác mức hưởng trong mã thẻ ({level})")
    elif line.benefit_level in (None, ""):
        problem(line, "Mức hưởng", "trống: ghi mức hưởng 1-5 hoặc mã thẻ đủ 15 ký tự")
        ok = False
    else:
        text = str(line.benefit_level).strip().removesuffix(".0")
        if text not in ("1", "2", "3", "4", "5"):
            problem(line, "Mức hưởng", f"«{line.benefit_level}» không phải mức hưởng 1-5")
            ok = False
        else:
            level = int(text)
    valid = []
    for key, value in (("valid_from", line.valid_from), ("valid_to", line.valid_to)):
        try:
            valid.append(read_date(value, today)[0])
        except (ValueError, OverflowError):
            problem(line, CARD_LABELS[key], f"«{value or ''}» không phải ngày: ghi ngày/tháng/năm, ví dụ 01/01/2027")
            ok = False
    if ok and valid[1] < valid[0]:
        problem(line, "Hạn thẻ đến ngày", f"{format_date(valid[1])} trước ngày bắt đầu {format_date(valid[0])}")
        ok = False
    if not ok:
        return None
    return card_code, bhxh, national_id, level, valid[0], valid[1]


def _check_birth(line: _Line, person: Person, problem, today: date) -> None:
    try:
        birth, year_only = read_date(line.birth, today, allow_year=True)
    except (ValueError, OverflowError):
        problem(line, "Ngày sinh", f"«{line.birth or ''}» không phải ngày sinh: ghi ngày/tháng/năm")
        return
    same = birth.year == person.birth_date.year if (year_only or person.birth_year_only) else \
        birth == person.birth_date
    if not same:
        problem(line, "Ngày sinh", f"{format_date(birth)} khác ngày sinh trong danh sách mua thẻ: kiểm tra đúng người")


def _purchased(session: Session, actor: Actor, bhxh_codes: set[str], national_ids: set[str]
               ) -> dict[tuple[str, str], _Candidate]:
    """The people of the actor's paid batches among those the file names, by BHXH code and by CCCD."""
    query = (select(Sponsorship, Person, PurchaseBatch)
             .join(Person, Person.id == Sponsorship.person_id)
             .join(PurchaseBatch, PurchaseBatch.id == Sponsorship.batch_id)
             .where(Sponsorship.status.in_(("purchased", "carded")), PurchaseBatch.status.in_(("paid", "carded"))))
    if actor.role == PROVINCE_OFFICER:
        query = query.where(Sponsorship.province_code == actor.province_code)
    found: dict[tuple[str, str], _Candidate] = {}
    codes = sorted(bhxh_codes)
    ids = sorted(national_ids)
    query = query.order_by(Sponsorship.status, Sponsorship.id)  # purchased after carded: the one to card wins
    for start in range(0, max(len(codes), len(ids), 1), 500):
        part_codes, part_ids = codes[start:start + 500], ids[start:start + 500]
        if not part_codes and not part_ids:
            break
        for sponsorship, person, _ in session.exec(query.where(
                Person.social_insurance_code.in_(part_codes) | Person.national_id.in_(part_ids))):
            candidate = _Candidate(sponsorship, person)
            if person.social_insurance_code:
                found[("bhxh", person.social_insurance_code)] = candidate
            if person.national_id:
                found[("cccd", person.national_id)] = candidate
    return found


def _save_cards(session: Session, actor: Actor, cards: list[tuple[_Line, _Candidate, Card]], filename: str,
                touched: set[int]) -> tuple[str, ...]:
    """Store the new cards and close the batches the file touched whose every card is in (those a file of cards
    already imported touches too: an import cut short elsewhere may have left one open)."""
    now = datetime.now(UTC)
    for _, match, card in cards:
        if not match.person.social_insurance_code:
            match.person.social_insurance_code = card.number
            session.add(match.person)
        card.imported_at = now
        session.add(card)
    session.flush()
    ids = [match.sponsorship.id for _, match, _ in cards]
    for start in range(0, len(ids), 500):
        session.execute(update(Sponsorship).where(Sponsorship.id.in_(ids[start:start + 500]))
                        .values(status="carded"))
    batch_ids = sorted(touched)
    done = []
    for batch in session.exec(select(PurchaseBatch).where(PurchaseBatch.id.in_(batch_ids),
                                                          PurchaseBatch.status == "paid")):
        left = session.exec(select(func.count()).select_from(Sponsorship).where(
            Sponsorship.batch_id == batch.id, Sponsorship.status == "purchased")).one()
        if not left:
            batch.status = "carded"
            done.append(batch.label)
    audit.record(session, actor, "import_cards", "purchase_batch", ",".join(map(str, batch_ids)),
                 after={"cards": len(cards), "file": filename or "", "batches_carded": done})
    return tuple(done)
