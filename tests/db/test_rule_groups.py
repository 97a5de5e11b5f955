"""Every group of Decree 188/2025 in the database: seeded fresh, added to a database seeded before them by the
migration, refused or accepted by the registry, quoted by the CLI; and a proposed rule confirmed or corrected once."""

import json
from datetime import date, datetime

import pytest
from alembic import command
from sqlalchemy import delete, text

from db import migrate
from db.models import RuleGroupShare
from db.uow import UnitOfWork
from donation.access import audit, auth
from donation.access.actors import Actor
from donation.common.errors import Forbidden, InvalidInput
from donation.premium import quotes, rule_data, rules
from donation.premium.rules import load_rule_book
from donation.reporting.audit_labels import action_name
from tests.db.test_cli import invoke
from tests.db.test_registry import run
from tests.workbooks import person

ADMIN = Actor("a", "admin")
OLD_GROUPS = ("household", "near_poor", "pupil", "student", "farm_household", "poor")


def _book(engine):
    with UnitOfWork(engine) as work:
        return load_rule_book(work.session)


@pytest.fixture
def database_level():
    return "initialised"


def test_a_fresh_database_holds_every_group_with_its_source(engine):
    book = _book(engine)
    assert dict(book.groups) == {g.key: g for g in rule_data.GROUPS}  # duration, proof and source included
    for version in rule_data.RULE_VERSIONS:
        assert book.version_on(version.effective_from).shares == version.shares
    assert [v.confirmed for v in book.versions] == [True, True, True, True, False]
    assert book.donor_groups() == rule_data.DONOR_GROUPS
    assert [key for key, _ in quotes.calculator_options(uow=UnitOfWork(engine)).groups] == list(rule_data.DONOR_GROUPS)


def test_init_gives_a_version_seeded_earlier_the_share_of_a_group_added_later(engine):
    with UnitOfWork(engine) as work:
        work.session.execute(delete(RuleGroupShare).where(RuleGroupShare.group_key == "trafficking_victim"))
        work.session.get(RuleGroupShare, (1, "pupil")).state_share_bp = 1_234  # as an administrator may have set it
        work.commit()
    with UnitOfWork(engine) as work:
        assert rules.seed_rules(work.session) == 2  # 2025-07 and 2026-07
        work.commit()
    book = _book(engine)
    assert book.version_on(date(2026, 9, 1)).shares["trafficking_victim"].state_share_bp == 5_000
    assert book.versions[0].shares["pupil"].state_share_bp == 1_234


def _old_database(engine) -> None:
    """A database as `init` seeded it before the new groups: revision 0018, six groups, the 2026-07 version with the
    decree name that was never confirmed, and a version an administrator added later."""
    with engine.begin() as connection:
        command.upgrade(migrate.alembic_config(connection), "0018")
        for order, key in enumerate(OLD_GROUPS):
            connection.execute(text("INSERT INTO premium_group (key, name, object_code, ladder_applies, sort_order) "
                                    "VALUES (:key, :key, 'XX', :ladder, :order)"),
                               {"key": key, "ladder": key == "household", "order": order})
        versions = [("2024-07", date(2024, 7, 1), 2_340_000, "Nghị định 73/2024/NĐ-CP"),
                    ("2025-07", date(2025, 7, 1), 2_340_000, "Nghị định 73/2024/NĐ-CP; Luật 51/2024/QH15"),
                    ("2026-07", date(2026, 7, 1), 2_530_000,
                     "Nghị định 161/2026/NĐ-CP (cần xác nhận); Luật 51/2024/QH15, Nghị định 188/2025/NĐ-CP"),
                    ("2027-01", date(2027, 1, 1), 2_700_000, "Nghị định thử")]
        for number, (code, starts, salary, basis) in enumerate(versions, start=1):
            connection.execute(text("INSERT INTO rule_version (id, code, effective_from, base_salary, rate_bp, "
                                    "child_full_cover_age, legal_basis, created_at) VALUES (:id, :code, :starts, "
                                    ":salary, 450, 6, :basis, :at)"),
                               {"id": number, "code": code, "starts": starts, "salary": salary, "basis": basis,
                                "at": datetime(2026, 1, 1)})
            for key in OLD_GROUPS:
                connection.execute(text("INSERT INTO rule_group_share (rule_version_id, group_key, state_share_bp) "
                                        "VALUES (:id, :key, :share)"),
                                   {"id": number, "key": key, "share": 10_000 if key == "poor" else 1_000})


@pytest.mark.parametrize("database_level", ["empty"])
def test_a_database_seeded_before_the_new_groups_gets_them_and_their_shares(engine):
    _old_database(engine)
    assert migrate.upgrade(engine) == migrate.head_revision()
    book = _book(engine)
    assert list(book.groups) == [g.key for g in rule_data.GROUPS]  # in the rule data's order
    assert book.groups["household"].name == "household"  # names an administrator may have set stay
    assert book.groups["trafficking_victim"].support_months == 12
    assert "điểm g khoản 4 Điều 12" in book.groups["ethnic_minority_transition"].legal_basis
    for day in (date(2025, 7, 1), date(2026, 7, 1), date(2027, 1, 1)):  # also the version the administrator added
        shares = book.version_on(day).shares
        assert shares["ethnic_minority_transition"].state_share_bp == 7_000
        assert shares["trafficking_victim"].state_share_bp == 5_000
        assert shares["island_commune"].state_share_bp == 10_000
        assert shares["pupil"].state_share_bp == 1_000  # a share already there is left as it was
    before = book.version_on(date(2024, 7, 1)).shares
    assert "trafficking_victim" not in before and before["island_commune"].state_share_bp == 10_000
    proposal = book.version_on(date(2026, 7, 1))
    assert not proposal.confirmed and "cần xác nhận" not in proposal.legal_basis
    assert "161/2026" not in proposal.legal_basis and proposal.legal_basis.startswith(rule_data.PROPOSAL_2026)
    assert all(v.confirmed for v in book.versions if v.code != "2026-07")
    migrate.check(engine)


def test_confirming_a_proposal_corrects_it_in_one_step_with_its_source(engine):
    uow = UnitOfWork(engine)
    for kwargs, message in [({"source": "  "}, "Nguồn xác nhận: ghi số hiệu văn bản"),
                            ({"source": "NĐ 161/2026 (cần xác nhận)"}, "ghi văn bản đã ban hành"),
                            ({"source": "NĐ", "base_salary": 0}, "Lương cơ sở: ghi số đồng lớn hơn 0"),
                            ({"source": "NĐ", "effective_from": date(2025, 7, 1)}, "phải sau ngày của quy định trước")]:
        with pytest.raises(InvalidInput, match=message):
            rules.confirm_rule_version(ADMIN, "2026-07", uow=uow, **kwargs)
    with pytest.raises(Forbidden):
        rules.confirm_rule_version(Actor("q", "national_officer"), "2026-07", source="NĐ", uow=uow)
    assert "chưa được xác nhận" in quotes.quote(group="household", members=1, months=12, on=date(2026, 9, 1),
                                                 uow=uow).quote.note

    rules.confirm_rule_version(ADMIN, "2026-07", source="Nghị định 99/2026/NĐ-CP ngày 20/6/2026", base_salary=2_600_000,
                               effective_from=date(2026, 8, 1), uow=uow)
    book = _book(engine)
    assert book.version_on(date(2026, 7, 31)).code == "2025-07"
    confirmed = book.version_on(date(2026, 8, 1))
    assert (confirmed.code, confirmed.base_salary, confirmed.confirmed) == ("2026-07", 2_600_000, True)
    assert confirmed.legal_basis == "Nghị định 99/2026/NĐ-CP ngày 20/6/2026; Luật 51/2024/QH15, Nghị định 188/2025/NĐ-CP"
    quote = quotes.quote(group="household", members=1, months=12, on=date(2026, 9, 1), uow=uow).quote
    assert quote.donor_pays_total == 1_404_000 and "chưa được xác nhận" not in quote.note  # 2.600.000 × 4,5% × 12
    with pytest.raises(InvalidInput, match="đã được xác nhận"):
        rules.confirm_rule_version(ADMIN, "2026-07", source="lần nữa", uow=uow)
    with uow as work:
        events, total = audit.list_events(work.session, action="confirm_rule_version")
    assert total == 1 and events[0].entity_id == "2026-07" and events[0].actor == "a"
    assert json.loads(events[0].after)["base_salary"] == 2_600_000
    assert action_name("confirm_rule_version") == "Xác nhận quy định mức đóng"


@pytest.mark.parametrize(("group", "code"), [("Người sống ở xã đảo, đặc khu", "state_pays_all"),
                                             ("Bảo trợ xã hội", "state_pays_all"),
                                             ("Dân tộc thiểu số ở vùng khó khăn", "state_pays_all"),
                                             ("Nạn nhân bị mua bán người", None),
                                             ("ethnic_minority_transition", None)])
def test_the_registry_refuses_the_groups_the_state_pays_in_full(uow, group, code):
    xa = auth.find_actor("demo.xa", uow=uow)
    report = run(xa, uow, [person("Mai Văn K", "01/01/1980", "Nam", "066080000009", "H1", group)], dry_run=True)
    assert [e.code for e in report.errors] == ([code] if code else [])
    if code:
        assert "không cần nhà tài trợ" in report.errors[0].message


def test_the_cli_quotes_every_group(configured_database):
    assert invoke("init").exit_code == 0
    for group in rule_data.GROUPS:
        data = json.loads(invoke("quote", "--group", group.key, "--on", "2025-09-01", "--json").stdout)
        assert data["group"] == group.key
        assert (data["donor_pays_total"] > 0) == (group.key in rule_data.DONOR_GROUPS)
        text_out = invoke("quote", "--group", group.key, "--on", "01/09/2025")
        assert text_out.exit_code == 0 and "Tổng nhà tài trợ đóng:" in text_out.stdout
    transition = invoke("quote", "--group", "ethnic_minority_transition", "--on", "2025-09-01").stdout
    assert "Tổng nhà tài trợ đóng: 379.080 ₫" in transition and "36 tháng" in transition
    victim = json.loads(invoke("quote", "--group", "trafficking_victim", "--on", "2025-09-01", "--json").stdout)
    assert victim["donor_pays_total"] == 631_800 and "12 tháng kể từ ngày" in victim["note"]
    proposal = json.loads(invoke("quote", "--group", "household", "--on", "2026-09-01", "--json").stdout)
    assert "chưa được xác nhận" in proposal["note"] and "cần xác nhận)" not in proposal["note"]
