"""Premium rule data in the database: seed it once, read it back as a plain RuleBook for the calculator."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import update
from sqlmodel import Session, select

from db.models import PremiumGroup, ProvinceTopUp, RuleGroupShare, RuleLadderStep
from db.models import RuleVersion as RuleVersionRow
from db.uow import UnitOfWork
from donation.access import audit
from donation.access.actors import ADMIN, NATIONAL_OFFICER, PROVINCE_OFFICER, Actor, require_role
from donation.access.units import get_province
from donation.common.errors import InvalidInput, NotFound, NotReady
from donation.premium import rule_data
from donation.premium.calculator import GroupRule, GroupShare, RuleBook, RuleVersion, TopUp


def seed_rules(session: Session) -> int:
    """Add the groups, rule versions and top-ups of rule_data that are missing; returns how many rows were added.

    Rows already present are left as they are: an administrator may have corrected them. A group added to rule_data
    after a version was seeded gets that version's share for it (the version's other shares stay as they are).
    """
    added = 0
    have_groups = set(session.exec(select(PremiumGroup.key)))
    for order, group in enumerate(rule_data.GROUPS):
        if group.key not in have_groups:
            session.add(PremiumGroup(key=group.key, name=group.name, object_code=group.object_code,
                                     ladder_applies=group.ladder_applies, sort_order=order,
                                     support_months=group.support_months, support_from=group.support_from,
                                     proof=group.proof, legal_basis=group.legal_basis))
            added += 1
    session.flush()

    have_versions = {row.code: row.id for row in session.exec(select(RuleVersionRow))}
    have_shares = set(session.exec(select(RuleGroupShare.rule_version_id, RuleGroupShare.group_key)))
    for version in rule_data.RULE_VERSIONS:
        if version.code in have_versions:
            version_id = have_versions[version.code]
            for key, share in version.shares.items():
                if (version_id, key) not in have_shares:
                    session.add(RuleGroupShare(rule_version_id=version_id, group_key=key,
                                               state_share_bp=share.state_share_bp,
                                               poor_commune_share_bp=share.poor_commune_share_bp))
                    added += 1
            continue
        row = RuleVersionRow(code=version.code, effective_from=version.effective_from,
                             base_salary=version.base_salary, rate_bp=version.rate_bp,
                             child_full_cover_age=version.child_full_cover_age, legal_basis=version.legal_basis,
                             confirmed=version.confirmed)
        session.add(row)
        session.flush()
        session.add_all(RuleLadderStep(rule_version_id=row.id, position=position, share_bp=bp)
                        for position, bp in enumerate(version.ladder_bp, start=1))
        session.add_all(RuleGroupShare(rule_version_id=row.id, group_key=key, state_share_bp=share.state_share_bp,
                                       poor_commune_share_bp=share.poor_commune_share_bp)
                        for key, share in version.shares.items())
        added += 1

    have_top_ups = set(session.exec(select(ProvinceTopUp.province_code, ProvinceTopUp.group_key,
                                           ProvinceTopUp.effective_from)))
    for top_up in rule_data.TOP_UPS:
        if (top_up.province_code, top_up.group_key, top_up.effective_from) not in have_top_ups:
            session.add(ProvinceTopUp(province_code=top_up.province_code, group_key=top_up.group_key,
                                      share_bp=top_up.share_bp, effective_from=top_up.effective_from,
                                      effective_to=top_up.effective_to, legal_basis=top_up.legal_basis))
            added += 1
    session.flush()
    return added


def load_rule_book(session: Session) -> RuleBook:
    groups = {
        g.key: GroupRule(g.key, g.name, g.object_code, g.ladder_applies, g.support_months, g.support_from, g.proof,
                         g.legal_basis)
        for g in session.exec(select(PremiumGroup).order_by(PremiumGroup.sort_order))
    }
    ladders: dict[int, list[int]] = defaultdict(list)
    for step in session.exec(select(RuleLadderStep).order_by(RuleLadderStep.position)):
        ladders[step.rule_version_id].append(step.share_bp)
    shares: dict[int, dict[str, GroupShare]] = defaultdict(dict)
    for share in session.exec(select(RuleGroupShare)):
        shares[share.rule_version_id][share.group_key] = GroupShare(share.state_share_bp, share.poor_commune_share_bp)
    versions = tuple(
        RuleVersion(v.code, v.effective_from, v.base_salary, v.rate_bp, tuple(ladders[v.id]), shares[v.id],
                    v.legal_basis, v.child_full_cover_age, v.confirmed)
        for v in session.exec(select(RuleVersionRow))
    )
    if not versions or not groups:
        raise NotReady("Chưa có quy định mức đóng trong cơ sở dữ liệu: chạy `python -m cli init`")
    top_ups = tuple(
        TopUp(t.province_code, t.group_key, t.share_bp, t.effective_from, t.effective_to, t.legal_basis)
        for t in session.exec(select(ProvinceTopUp))
    )
    return RuleBook(versions, groups, top_ups)


# Administration: versions are added, never edited, so that every earlier quote stays explained by its version. ----

@dataclass(frozen=True)
class NewVersion:
    code: str
    effective_from: date
    base_salary: int
    rate_bp: int
    shares_bp: dict[str, int]  # state share per group key
    legal_basis: str
    poor_commune_shares_bp: dict[str, int] = field(default_factory=dict)
    confirmed: bool = True  # False for a proposal (announced, no text yet): confirmed later on the rules page


def rule_book(actor: Actor, *, uow: UnitOfWork | None = None) -> RuleBook:
    require_role(actor, ADMIN, NATIONAL_OFFICER, PROVINCE_OFFICER)
    with uow or UnitOfWork() as work:
        return load_rule_book(work.session)


def add_rule_version(actor: Actor, new: NewVersion, *, uow: UnitOfWork | None = None) -> str:
    """Add a complete rule version from a date; the household ladder is carried over from the version before."""
    require_role(actor, ADMIN)
    code = (new.code or "").strip()
    if not code or len(code) > 32:
        raise InvalidInput("Mã quy định cần từ 1 đến 32 ký tự, ví dụ 2027-01")
    if new.base_salary <= 0:
        raise InvalidInput("Lương cơ sở phải lớn hơn 0")
    if not 0 < new.rate_bp <= 10_000:
        raise InvalidInput("Tỷ lệ đóng phải lớn hơn 0% và không quá 100%")
    if not new.legal_basis.strip():
        raise InvalidInput("Ghi căn cứ pháp lý (số hiệu văn bản) của quy định")
    if "cần xác nhận" in new.legal_basis.lower():
        raise InvalidInput("Căn cứ pháp lý: ghi văn bản (hoặc nguồn của đề xuất); quy định chưa có văn bản thì bỏ chọn "
                           "«Đã có văn bản ban hành» thay vì ghi «cần xác nhận»")
    with uow or UnitOfWork() as work:
        book = load_rule_book(work.session)
        if any(v.code == code for v in book.versions):
            raise InvalidInput(f"Đã có quy định mã {code}: chọn mã khác")
        if any(v.effective_from == new.effective_from for v in book.versions):
            raise InvalidInput(f"Đã có quy định bắt đầu ngày {new.effective_from:%d/%m/%Y}")
        missing = set(book.groups) - set(new.shares_bp)
        if missing:
            raise InvalidInput(f"Thiếu tỷ lệ nhà nước hỗ trợ cho nhóm: {', '.join(sorted(missing))}")
        previous = book.version_on(new.effective_from) if new.effective_from >= book.versions[0].effective_from \
            else book.versions[0]
        row = RuleVersionRow(code=code, effective_from=new.effective_from, base_salary=new.base_salary,
                             rate_bp=new.rate_bp, child_full_cover_age=previous.child_full_cover_age,
                             legal_basis=new.legal_basis.strip(), confirmed=new.confirmed)
        work.session.add(row)
        work.session.flush()
        work.session.add_all(RuleLadderStep(rule_version_id=row.id, position=position, share_bp=bp)
                             for position, bp in enumerate(previous.ladder_bp, start=1))
        for key, share in new.shares_bp.items():
            if not 0 <= share <= 10_000:
                raise InvalidInput(f"Tỷ lệ hỗ trợ của nhóm {key} phải từ 0% đến 100%")
            work.session.add(RuleGroupShare(rule_version_id=row.id, group_key=key, state_share_bp=share,
                                            poor_commune_share_bp=new.poor_commune_shares_bp.get(key)))
        audit.record(work.session, actor, "add_rule_version", "rule_version", code,
                     after={"effective_from": new.effective_from, "base_salary": new.base_salary,
                            "rate_bp": new.rate_bp, "shares_bp": new.shares_bp, "legal_basis": new.legal_basis,
                            "confirmed": new.confirmed})
        work.commit()
    return code


def confirm_rule_version(actor: Actor, code: str, *, source: str, base_salary: int | None = None,
                         effective_from: date | None = None, uow: UnitOfWork | None = None) -> None:
    """Confirm a proposed rule version, correcting its base salary and/or start date if the text says otherwise, in
    one step with the source typed in (decree number, date, address). The source becomes the base-salary part of the
    version's legal basis (the part before its first ';'); the shares and the household ladder stay as they are."""
    require_role(actor, ADMIN)
    source = " ".join((source or "").split())
    if not source:
        raise InvalidInput("Nguồn xác nhận: ghi số hiệu văn bản, ngày ban hành (hoặc địa chỉ trang) trước khi xác nhận")
    if "cần xác nhận" in source.lower():
        raise InvalidInput("Nguồn xác nhận: ghi văn bản đã ban hành; quy định chưa có văn bản thì để chưa xác nhận")
    if len(source) > 300:
        raise InvalidInput("Nguồn xác nhận: tối đa 300 ký tự")
    if base_salary is not None and (isinstance(base_salary, bool) or not isinstance(base_salary, int)
                                    or base_salary <= 0):
        raise InvalidInput("Lương cơ sở: ghi số đồng lớn hơn 0, ví dụ 2.530.000")
    with uow or UnitOfWork() as work:
        # a no-op update takes the row's lock (SQLite: the write lock) before it is read: of two administrators
        # confirming at once, the second reads the first's confirmation and is refused
        table = RuleVersionRow.__table__
        work.session.execute(update(table).where(table.c.code == code).values(code=table.c.code))
        row = work.session.exec(select(RuleVersionRow).where(RuleVersionRow.code == code)).first()
        if row is None:
            raise NotFound(f"Không có quy định mã {code}")
        if row.confirmed:
            raise InvalidInput(f"Quy định {code} đã được xác nhận: để thay đổi, thêm một quy định mới")
        others = work.session.exec(select(RuleVersionRow).where(RuleVersionRow.id != row.id)).all()
        starts = effective_from or row.effective_from
        before_it = [v.effective_from for v in others if v.effective_from < row.effective_from]
        after_it = [v.effective_from for v in others if v.effective_from > row.effective_from]
        if before_it and starts <= max(before_it):
            raise InvalidInput(f"Ngày hiệu lực {starts:%d/%m/%Y} phải sau ngày của quy định trước "
                               f"({max(before_it):%d/%m/%Y})")
        if after_it and starts >= min(after_it):
            raise InvalidInput(f"Ngày hiệu lực {starts:%d/%m/%Y} phải trước ngày của quy định sau "
                               f"({min(after_it):%d/%m/%Y})")
        before = {"effective_from": row.effective_from, "base_salary": row.base_salary,
                  "legal_basis": row.legal_basis, "confirmed": False}
        _, _, rest = row.legal_basis.partition("; ")
        row.effective_from = starts
        row.base_salary = base_salary or row.base_salary
        row.legal_basis = f"{source}; {rest}" if rest else source
        row.confirmed = True
        row.confirmed_by = actor.username
        row.confirmed_at = datetime.now(UTC)
        row.confirmation_source = source
        audit.record(work.session, actor, "confirm_rule_version", "rule_version", code, before=before,
                     after={"effective_from": row.effective_from, "base_salary": row.base_salary,
                            "legal_basis": row.legal_basis, "confirmed": True, "source": source})
        work.commit()


def add_top_up(actor: Actor, *, province_code: object, group_key: str, share_bp: int, effective_from: date,
               effective_to: date | None, legal_basis: str, uow: UnitOfWork | None = None) -> int:
    require_role(actor, ADMIN)
    if not 0 < share_bp <= 10_000:
        raise InvalidInput("Tỷ lệ tỉnh hỗ trợ thêm phải lớn hơn 0% và không quá 100%")
    if effective_to is not None and effective_to < effective_from:
        raise InvalidInput("Ngày kết thúc phải từ ngày bắt đầu trở đi")
    if not legal_basis.strip():
        raise InvalidInput("Ghi căn cứ (nghị quyết của HĐND tỉnh) của mức hỗ trợ thêm")
    with uow or UnitOfWork() as work:
        province = get_province(work.session, province_code)
        load_rule_book(work.session).group(group_key)
        clash = work.session.exec(select(ProvinceTopUp).where(
            ProvinceTopUp.province_code == province.code, ProvinceTopUp.group_key == group_key,
            ProvinceTopUp.effective_from == effective_from)).first()
        if clash:
            raise InvalidInput(f"{province.name} đã có mức hỗ trợ thêm cho nhóm này từ {effective_from:%d/%m/%Y}")
        row = ProvinceTopUp(province_code=province.code, group_key=group_key, share_bp=share_bp,
                            effective_from=effective_from, effective_to=effective_to, legal_basis=legal_basis.strip())
        work.session.add(row)
        work.session.flush()
        audit.record(work.session, actor, "add_top_up", "province_top_up", row.id,
                     after={"province": province.code, "group": group_key, "share_bp": share_bp,
                            "from": effective_from, "to": effective_to, "legal_basis": legal_basis})
        work.commit()
        return row.id


def end_top_up(actor: Actor, top_up_id: int, effective_to: date, *, uow: UnitOfWork | None = None) -> None:
    require_role(actor, ADMIN)
    with uow or UnitOfWork() as work:
        row = work.session.get(ProvinceTopUp, top_up_id)
        if row is None:
            raise NotFound(f"Không có mức hỗ trợ thêm mã {top_up_id}")
        if effective_to < row.effective_from:
            raise InvalidInput(f"Ngày kết thúc phải từ {row.effective_from:%d/%m/%Y} trở đi")
        before = {"to": row.effective_to}
        row.effective_to = effective_to
        audit.record(work.session, actor, "end_top_up", "province_top_up", row.id, before=before,
                     after={"to": effective_to})
        work.commit()


def list_top_ups(actor: Actor, *, uow: UnitOfWork | None = None) -> list[tuple[int, TopUp]]:
    require_role(actor, ADMIN, NATIONAL_OFFICER, PROVINCE_OFFICER)
    with uow or UnitOfWork() as work:
        rows = work.session.exec(select(ProvinceTopUp).order_by(ProvinceTopUp.province_code,
                                                                ProvinceTopUp.effective_from))
        return [(t.id, TopUp(t.province_code, t.group_key, t.share_bp, t.effective_from, t.effective_to,
                             t.legal_basis)) for t in rows]
