"""The quote use case against a real database: places resolved, poor-commune flag and top-ups applied."""

from datetime import date

import pytest
from sqlmodel import select

from db.models import Commune
from db.uow import UnitOfWork
from donation.common.errors import InvalidInput, NotFound
from donation.premium import quotes, rule_data
from donation.premium.rule_data import GROUP_NAMES
from donation.upkeep.setup import initialise


@pytest.fixture
def database_level():
    """Every test here runs `initialise` first: start from the initialised template."""
    return "initialised"


def test_household_quote(ready_engine):
    placed = quotes.quote(group="household", members=3, months=12, on=date(2024, 9, 1), uow=UnitOfWork(ready_engine))
    assert placed.quote.donor_pays_total == 2_906_280
    assert placed.as_dict()["rule_version"] == "2024-07"


@pytest.mark.parametrize("code", ["96", "096", 96, " 96 "])
def test_province_codes_with_or_without_leading_zeros(ready_engine, code):
    placed = quotes.quote(group="pupil", members=1, months=12, on=date(2025, 9, 1), province_code=code,
                          uow=UnitOfWork(ready_engine))
    assert (placed.province.name, placed.quote.donor_pays_total) == ("Cà Mau", 379_080)


def test_a_commune_brings_its_province_and_top_up(ready_engine):
    with UnitOfWork(ready_engine) as uow:
        code = uow.session.exec(select(Commune.code).where(Commune.province_code == 15)).first()
    placed = quotes.quote(group="near_poor", members=1, months=12, on=date(2025, 9, 1), commune_code=code,
                          uow=UnitOfWork(ready_engine))
    assert placed.province.code == 15 and placed.commune.code == code
    assert placed.quote.donor_pays_total == 0  # Lào Cai tops the near-poor up to 100%


def test_poor_commune_flag_is_data(engine):
    initialise(engine)
    with UnitOfWork(engine) as uow:
        uow.session.get(Commune, 24175).is_poor = True
        uow.commit()
    poor = quotes.quote(group="near_poor", members=2, months=12, on=date(2025, 9, 1), commune_code="24175",
                        uow=UnitOfWork(engine))
    assert poor.quote.donor_pays_total == 0 and "xã nghèo" in poor.quote.note
    elsewhere = quotes.quote(group="near_poor", members=2, months=12, on=date(2025, 9, 1), commune_code="24133",
                             uow=UnitOfWork(engine))
    assert elsewhere.quote.donor_pays_total == 2 * 379_080


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"province_code": "99"}, NotFound, "Không có tỉnh/thành phố mã 99"),
        ({"commune_code": "1"}, NotFound, "Không có xã/phường/đặc khu mã 1"),
        ({"province_code": "66", "commune_code": "70"}, InvalidInput, "Phường Hoàn Kiếm .* không thuộc Đắk Lắk"),
        ({"province_code": "sáu"}, InvalidInput, "Mã tỉnh 'sáu' không hợp lệ"),
        ({"on": None}, InvalidInput, "Chưa chọn ngày"),
    ],
)
def test_unknown_places_are_refused(ready_engine, kwargs, error, message):
    args = {"group": "household", "members": 1, "months": 12, "on": date(2025, 9, 1), **kwargs}
    with pytest.raises(error, match=message):
        quotes.quote(**args, uow=UnitOfWork(ready_engine))


def test_calculator_options(ready_engine):
    options = quotes.calculator_options(uow=UnitOfWork(ready_engine))
    assert options.groups[0] == ("household", "Hộ gia đình")
    assert [key for key, _ in options.groups] == list(rule_data.DONOR_GROUPS)  # the state pays the others in full
    assert len(options.provinces) == 34
    assert len(quotes.communes_of(66, uow=UnitOfWork(ready_engine))) == 102


def test_the_seeded_groups_are_the_rule_data_that_every_screen_names(ready_engine):
    seeded = dict(quotes.calculator_options(uow=UnitOfWork(ready_engine)).groups)
    assert seeded == {g.key: g.name for g in rule_data.GROUPS if g.key in rule_data.DONOR_GROUPS}
    assert list(seeded) == [key for key in GROUP_NAMES if key in rule_data.DONOR_GROUPS]
