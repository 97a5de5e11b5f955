"""Premium rule data in the database: seed it once, read it back as a plain RuleBook for the calculator."""

from __future__ import annotations

from collections import defaultdict

from sqlmodel import Session, select

from db.models import PremiumGroup, ProvinceTopUp, RuleGroupShare, RuleLadderStep
from db.models import RuleVersion as RuleVersionRow
from donation import rule_data
from donation.errors import NotReady
from donation.premium import GroupRule, GroupShare, RuleBook, RuleVersion, TopUp


def seed_rules(session: Session) -> int:
    """Add the groups, rule versions and top-ups of rule_data that are missing; returns how many rows were added.

    Rows already present are left as they are: an administrator may have corrected them.
    """
    added = 0
    have_groups = set(session.exec(select(PremiumGroup.key)))
    for order, group in enumerate(rule_data.GROUPS):
        if group.key not in have_groups:
            session.add(PremiumGroup(key=group.key, name=group.name, object_code=group.object_code,
                                     ladder_applies=group.ladder_applies, sort_order=order))
            added += 1
    session.flush()

    have_versions = set(session.exec(select(RuleVersionRow.code)))
    for version in rule_data.RULE_VERSIONS:
        if version.code in have_versions:
            continue
        row = RuleVersionRow(code=version.code, effective_from=version.effective_from,
                             base_salary=version.base_salary, rate_bp=version.rate_bp,
                             child_full_cover_age=version.child_full_cover_age, legal_basis=version.legal_basis)
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
        g.key: GroupRule(g.key, g.name, g.object_code, g.ladder_applies)
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
                    v.legal_basis, v.child_full_cover_age)
        for v in session.exec(select(RuleVersionRow))
    )
    if not versions or not groups:
        raise NotReady("Chưa có quy định mức đóng trong cơ sở dữ liệu: chạy `python -m donation init`")
    top_ups = tuple(
        TopUp(t.province_code, t.group_key, t.share_bp, t.effective_from, t.effective_to, t.legal_basis)
        for t in session.exec(select(ProvinceTopUp))
    )
    return RuleBook(versions, groups, top_ups)
