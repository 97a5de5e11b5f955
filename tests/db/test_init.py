"""`init`: units and rule data loaded once, a second run changes nothing, and the rule book reads back."""

from datetime import date

from sqlmodel import func, select

from db.models import Commune, PremiumGroup, Province, ProvinceTopUp, RuleGroupShare, RuleLadderStep, RuleVersion
from db.uow import UnitOfWork
from donation.premium import rule_data
from donation.premium.rules import load_rule_book
from donation.upkeep.setup import initialise

COUNTED = (Province, Commune, PremiumGroup, RuleVersion, RuleLadderStep, RuleGroupShare, ProvinceTopUp)


def counts(engine) -> dict[str, int]:
    with UnitOfWork(engine) as uow:
        return {t.__tablename__: uow.session.exec(select(func.count()).select_from(t)).one() for t in COUNTED}


def test_init_loads_units_and_rules_then_changes_nothing(engine):
    first = initialise(engine)
    assert (first.provinces, first.communes) == (34, 3321)
    assert first.revision and first.rules_added > 0
    before = counts(engine)
    assert before["rule_version"] == len(rule_data.RULE_VERSIONS)
    assert before["rule_ladder_step"] == 5 * len(rule_data.RULE_VERSIONS)
    assert before["province_top_up"] == len(rule_data.TOP_UPS)

    second = initialise(engine)
    assert second.rules_added == 0
    assert (second.provinces, second.communes, second.revision) == (34, 3321, first.revision)
    assert counts(engine) == before


def test_init_keeps_what_an_administrator_changed(engine):
    initialise(engine)
    with UnitOfWork(engine) as uow:
        commune = uow.session.get(Commune, 24175)  # Xã Hòa Phú, Đắk Lắk
        commune.is_poor = True
        version = uow.session.exec(select(RuleVersion).where(RuleVersion.code == "2026-07")).one()
        version.legal_basis = "Nghị định 161/2026/NĐ-CP"
        uow.commit()
    initialise(engine)
    with UnitOfWork(engine) as uow:
        assert uow.session.get(Commune, 24175).is_poor is True
        assert uow.session.exec(select(RuleVersion.legal_basis).where(RuleVersion.code == "2026-07")).one() == (
            "Nghị định 161/2026/NĐ-CP")


def test_units_are_the_package_codes(ready_engine):
    with UnitOfWork(ready_engine) as uow:
        assert uow.session.get(Province, 66).name == "Đắk Lắk"
        assert uow.session.get(Province, 1).name == "Thành phố Hà Nội"
        hoan_kiem = uow.session.get(Commune, 70)
        assert (hoan_kiem.name, hoan_kiem.province_code, hoan_kiem.is_poor) == ("Phường Hoàn Kiếm", 1, False)


def test_rule_book_reads_back_what_was_seeded(ready_engine):
    with UnitOfWork(ready_engine) as uow:
        book = load_rule_book(uow.session)
    assert [v.code for v in book.versions] == [v.code for v in rule_data.RULE_VERSIONS]
    assert book.version_on(date(2025, 9, 1)).shares["student"].state_share_bp == 5000
    assert book.version_on(date(2025, 9, 1)).ladder_bp == rule_data.LADDER_BP
    assert set(book.groups) == {g.key for g in rule_data.GROUPS}
    assert set(book.top_ups) == set(rule_data.TOP_UPS)


def test_unit_names_have_single_spaces(ready_engine):
    with UnitOfWork(ready_engine) as uow:
        names = uow.session.exec(select(Commune.name)).all()
    assert len(names) == 3321 and not [n for n in names if "  " in n or n != n.strip()]
