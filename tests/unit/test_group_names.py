"""Each group's names have one home (rule_data): every group key of the rule data is named, and the priority
explanation and the pledge quote say the same names."""

from datetime import date

import pytest

from donation.premium import rule_data
from donation.premium.calculator import RuleBook
from donation.premium.pledge_quote import CARD_NAMES, DONOR_GROUPS, quote_pledge
from donation.premium.rule_data import GROUP_NAMES
from donation.registry.priority import score

RULES = RuleBook(rule_data.RULE_VERSIONS, {g.key: g for g in rule_data.GROUPS}, rule_data.TOP_UPS)
SEEDED = {g.key: g.name for g in rule_data.GROUPS}

# key, the name screens show, the card a donor buys (None: the state pays in full, no donor is asked)
NAMES = [
    ("household", "Hộ gia đình", "thẻ hộ gia đình"),
    ("near_poor", "Hộ cận nghèo", "thẻ hộ cận nghèo"),
    ("pupil", "Học sinh", "thẻ học sinh"),
    ("student", "Sinh viên", "thẻ sinh viên"),
    ("farm_household", "Hộ nông, lâm, ngư, diêm nghiệp", "thẻ hộ nông, lâm, ngư, diêm nghiệp"),
    ("ethnic_minority_transition", "Dân tộc thiểu số ở xã vừa ra khỏi vùng khó khăn",
     "thẻ dân tộc thiểu số ở xã vừa ra khỏi vùng khó khăn"),
    ("trafficking_victim", "Nạn nhân bị mua bán người", "thẻ nạn nhân bị mua bán người"),
    ("grassroots_security", "Lực lượng an ninh, trật tự ở cơ sở", "thẻ lực lượng an ninh, trật tự ở cơ sở"),
    ("village_health_worker", "Nhân viên y tế, cô đỡ thôn, bản", "thẻ nhân viên y tế, cô đỡ thôn, bản"),
    ("village_worker", "Không chuyên trách ở thôn, tổ dân phố", "thẻ không chuyên trách ở thôn, tổ dân phố"),
    ("artisan", "Nghệ nhân nhân dân, nghệ nhân ưu tú", "thẻ nghệ nhân nhân dân, nghệ nhân ưu tú"),
    ("mine_victim", "Nạn nhân bom mìn, vật nổ sau chiến tranh", "thẻ nạn nhân bom mìn, vật nổ sau chiến tranh"),
    ("poor", "Hộ nghèo", None),
    ("ethnic_minority_difficult", "Dân tộc thiểu số ở vùng khó khăn", None),
    ("difficult_commune", "Người sống ở xã đặc biệt khó khăn", None),
    ("island_commune", "Người sống ở xã đảo, đặc khu", None),
    ("social_protection", "Người hưởng trợ cấp xã hội hằng tháng", None),
    ("safe_zone_commune", "Người dân xã an toàn khu cách mạng", None),
]
# Screen names that shorten the legal one in other words than its beginning.
REWORDED = {"ethnic_minority_transition", "ethnic_minority_difficult", "grassroots_security", "village_worker",
            "village_health_worker", "difficult_commune", "artisan"}


def test_every_group_key_of_the_rule_data_is_named():
    used = set(SEEDED) | {t.group_key for t in rule_data.TOP_UPS} | set(DONOR_GROUPS)
    used |= {key for version in rule_data.RULE_VERSIONS for key in version.shares}
    assert used == set(GROUP_NAMES) == {key for key, _, _ in NAMES}
    assert set(CARD_NAMES) == set(DONOR_GROUPS) == {key for key, _, card in NAMES if card}
    # the seeded order is the screens' order: the nomination and pledge forms offer the groups a donor can help
    assert list(GROUP_NAMES) == list(SEEDED) == [key for key, _, _ in NAMES]
    assert list(DONOR_GROUPS) == [key for key, _, card in NAMES if card]


@pytest.mark.parametrize(("key", "name", "card"), NAMES, ids=[key for key, _, _ in NAMES])
def test_the_registry_the_quote_and_the_seeded_table_agree(key, name, card):
    assert GROUP_NAMES[key] == name and CARD_NAMES.get(key) == card
    assert SEEDED[key].startswith(name) or key in REWORDED  # the seeded (legal) name, or its shortening for screens
    assert score({key: 30}, group=key, flood_damage=None, need_flags=(), birth_date=date(1980, 1, 1),
                 on=date(2026, 1, 1)) == (30, f"{name} 30 = 30")
    if card:
        sentence = quote_pledge(RULES, amount=100_000_000, groups=[key], on=date(2026, 1, 1)).sentence()
        assert f" {card} 12 tháng" in sentence


def test_groups_of_one_price_read_as_one_choice_in_the_pledge_sentence():
    open_to_all = quote_pledge(RULES, amount=1_000_000, on=date(2025, 9, 1)).sentence()
    assert open_to_all.startswith("1.000.000 ₫ mua được 2 thẻ hộ cận nghèo / dân tộc thiểu số ở xã vừa ra khỏi vùng khó "
                                  "khăn, hoặc 1 thẻ học sinh / sinh viên / nạn nhân bị mua bán người / ")
    assert open_to_all.endswith(" 12 tháng; chưa đủ một thẻ hộ gia đình (1.263.600 ₫)")
    assert "poor" not in {p.group for p in quote_pledge(RULES, amount=1_000_000, on=date(2025, 9, 1)).prices}
    assert quote_pledge(RULES, amount=100_000, groups=["pupil", "student"], on=date(2025, 9, 1)).sentence() == \
        "100.000 ₫ chưa đủ một thẻ học sinh / sinh viên (631.800 ₫)"
