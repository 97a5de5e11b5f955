"""The quote use case: resolve the place, read the rules, and ask the premium calculator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from db.uow import UnitOfWork
from donation.access.units import Unit, list_communes, list_provinces, resolve_place
from donation.common.errors import InvalidInput
from donation.premium.calculator import FIRST_COVER_WAIT, Quote, quote_premium
from donation.premium.rules import load_rule_book


@dataclass(frozen=True)
class PlacedQuote:
    quote: Quote
    province: Unit | None = None
    commune: Unit | None = None

    def as_dict(self) -> dict:
        data = self.quote.as_dict()
        data["province"] = self.province.code if self.province else None
        data["commune"] = self.commune.code if self.commune else None
        return data


@dataclass(frozen=True)
class CalculatorOptions:
    groups: list[tuple[str, str]]  # (key, Vietnamese name)
    provinces: list[Unit]


def quote(
    *,
    group: str,
    members: int,
    months: int,
    on: date,
    cover_from: date | None = None,
    province_code: object | None = None,
    commune_code: object | None = None,
    uow: UnitOfWork | None = None,
) -> PlacedQuote:
    """Quote people of `group`, the premium paid on `on` (the price day) for a card from `cover_from` (by default a
    first-time participant's: 30 days after payment); a commune implies its province and its poor-commune flag."""
    if on is None:
        raise InvalidInput("Chưa chọn ngày đóng tiền: nhập ngày dạng dd/mm/yyyy")
    with uow or UnitOfWork() as work:
        province, commune = resolve_place(work.session, province_code, commune_code)
        rules = load_rule_book(work.session)
    result = quote_premium(
        rules, group=group, members=members, months=months, on=on,
        cover_from=on + FIRST_COVER_WAIT if cover_from is None else cover_from,
        province_code=province.code if province else None,
        poor_commune=bool(commune and commune.is_poor),
    )
    return PlacedQuote(result, province, commune)


def calculator_options(*, uow: UnitOfWork | None = None) -> CalculatorOptions:
    with uow or UnitOfWork() as work:
        rules = load_rule_book(work.session)
        # The groups a donor can help: the calculator is where a donor prices a card (the registry says "không cần
        # nhà tài trợ" for the groups the state pays in full).
        return CalculatorOptions([(key, rules.groups[key].name) for key in rules.donor_groups()],
                                 list_provinces(work.session))


def communes_of(province_code: int, *, uow: UnitOfWork | None = None) -> list[Unit]:
    with uow or UnitOfWork() as work:
        return list_communes(work.session, province_code)
