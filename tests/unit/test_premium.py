"""The premium calculator over the seeded rule data: every worked example of domain-facts §2, to the đồng."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from donation.common.errors import InvalidInput, NotFound
from donation.premium import rule_data
from donation.premium.calculator import ALLOWED_MONTHS, GroupRule, GroupShare, RuleBook, RuleVersion, quote_premium

RULES = RuleBook(rule_data.RULE_VERSIONS, {g.key: g for g in rule_data.GROUPS}, rule_data.TOP_UPS)


def q(group, members, months, on, **kwargs):
    return quote_premium(RULES, group=group, members=members, months=months, on=on, **kwargs)


@pytest.mark.parametrize(
    ("group", "members", "months", "on", "full", "state", "donor"),
    [
        ("household", 1, 12, date(2020, 11, 18), [804_600], 0, 804_600),
        ("household", 3, 12, date(2024, 9, 1), [1_263_600, 884_520, 758_160], 0, 2_906_280),
        ("household", 6, 12, date(2025, 1, 1), [1_263_600, 884_520, 758_160, 631_800, 505_440, 505_440], 0, 4_548_960),
        ("household", 1, 6, date(2023, 8, 1), [486_000], 0, 486_000),
        ("household", 1, 3, date(2024, 6, 30), [243_000], 0, 243_000),
        ("household", 1, 12, date(2026, 11, 24), [1_366_200], 0, 1_366_200),
        ("student", 1, 12, date(2024, 9, 1), [1_263_600], 379_080, 884_520),
        ("student", 1, 12, date(2025, 9, 1), [1_263_600], 631_800, 631_800),
        ("near_poor", 1, 12, date(2024, 9, 1), [1_263_600], 884_520, 379_080),
        ("poor", 1, 12, date(2024, 9, 1), [1_263_600], 1_263_600, 0),
    ],
)
def test_worked_examples(group, members, months, on, full, state, donor):
    quote = q(group, members, months, on)
    assert [line.full_premium for line in quote.lines] == full
    assert quote.state_pays_total == state
    assert quote.donor_pays_total == donor


def test_near_poor_in_a_poor_commune_needs_no_donor():
    quote = q("near_poor", 1, 12, date(2025, 9, 1), poor_commune=True)
    assert (quote.state_pays_total, quote.donor_pays_total) == (1_263_600, 0)
    assert not quote.needs_donor
    assert "xã nghèo" in quote.note and "không cần nhà tài trợ" in quote.note


def test_poor_commune_flag_changes_nothing_before_the_2025_law():
    assert q("near_poor", 1, 12, date(2024, 9, 1), poor_commune=True).donor_pays_total == 379_080


@pytest.mark.parametrize(
    ("members", "ladder"),
    [
        (1, [1_263_600]),
        (2, [1_263_600, 884_520]),
        (3, [1_263_600, 884_520, 758_160]),
        (4, [1_263_600, 884_520, 758_160, 631_800]),
        (5, [1_263_600, 884_520, 758_160, 631_800, 505_440]),
        (6, [1_263_600, 884_520, 758_160, 631_800, 505_440, 505_440]),
    ],
)
def test_household_ladder(members, ladder):
    quote = q("household", members, 12, date(2025, 3, 1))
    assert [line.full_premium for line in quote.lines] == ladder
    assert [line.member for line in quote.lines] == list(range(1, members + 1))


@pytest.mark.parametrize("group", ["near_poor", "pupil", "student", "farm_household", "poor"])
def test_the_ladder_applies_to_households_only(group):
    quote = q(group, 3, 12, date(2025, 3, 1))
    assert {line.full_premium for line in quote.lines} == {1_263_600}


@pytest.mark.parametrize(
    ("group", "on", "donor"),
    [
        ("household", date(2025, 9, 1), 1_263_600),
        ("near_poor", date(2025, 9, 1), 379_080),  # 70%
        ("pupil", date(2025, 9, 1), 631_800),  # 50%
        ("student", date(2025, 9, 1), 631_800),
        ("farm_household", date(2025, 9, 1), 884_520),  # 30%
        ("poor", date(2025, 9, 1), 0),  # 100%
        ("near_poor", date(2026, 9, 1), 409_860),  # 30% of 1.366.200
        ("pupil", date(2026, 9, 1), 683_100),
        ("farm_household", date(2026, 9, 1), 956_340),
    ],
)
def test_each_group(group, on, donor):
    assert q(group, 1, 12, on).donor_pays_total == donor


@pytest.mark.parametrize(
    ("on", "version", "base", "household_12"),
    [
        (date(2019, 7, 1), "2019-07", 1_490_000, 804_600),
        (date(2023, 6, 30), "2019-07", 1_490_000, 804_600),
        (date(2023, 7, 1), "2023-07", 1_800_000, 972_000),
        (date(2024, 6, 30), "2023-07", 1_800_000, 972_000),
        (date(2024, 7, 1), "2024-07", 2_340_000, 1_263_600),
        (date(2025, 6, 30), "2024-07", 2_340_000, 1_263_600),
        (date(2025, 7, 1), "2025-07", 2_340_000, 1_263_600),
        (date(2026, 6, 30), "2025-07", 2_340_000, 1_263_600),
        (date(2026, 7, 1), "2026-07", 2_530_000, 1_366_200),
    ],
)
def test_dates_on_both_sides_of_each_rule_change(on, version, base, household_12):
    quote = q("household", 1, 12, on)
    assert (quote.rule_version, quote.base_salary, quote.donor_pays_total) == (version, base, household_12)
    assert f"Quy định {version}" in quote.note


@pytest.mark.parametrize(("on", "state_share"), [(date(2025, 6, 30), 379_080), (date(2025, 7, 1), 631_800)])
def test_student_share_rises_to_half_with_the_2025_law(on, state_share):
    assert q("student", 1, 12, on).state_pays_total == state_share


@pytest.mark.parametrize(
    ("group", "province", "on", "state", "province_pays", "donor"),
    [
        ("pupil", 96, date(2025, 9, 1), 884_520, 252_720, 379_080),  # Cà Mau: 50% + 20%
        ("pupil", 96, date(2025, 8, 31), 631_800, 0, 631_800),  # before the top-up starts
        ("pupil", 79, date(2025, 11, 14), 1_263_600, 631_800, 0),  # Hồ Chí Minh City: the rest, 100%
        ("pupil", 79, date(2025, 11, 13), 631_800, 0, 631_800),
        ("near_poor", 15, date(2025, 9, 1), 1_263_600, 379_080, 0),  # Lào Cai: 70% + 30%
        ("near_poor", 66, date(2025, 9, 1), 884_520, 0, 379_080),  # Đắk Lắk: no top-up
        ("household", 79, date(2026, 1, 1), 0, 0, 1_263_600),  # a top-up is for its group only
    ],
)
def test_provincial_top_ups(group, province, on, state, province_pays, donor):
    quote = q(group, 1, 12, on, province_code=province)
    line = quote.lines[0]
    assert (line.state_pays, line.province_pays, line.donor_pays) == (state, province_pays, donor)
    if province_pays:
        assert "Tỉnh hỗ trợ thêm" in quote.note


def test_fully_paid_group_says_why():
    quote = q("poor", 2, 12, date(2025, 9, 1))
    assert [line.donor_pays for line in quote.lines] == [0, 0]
    assert "không cần nhà tài trợ" in quote.note


def test_children_under_six_are_covered_by_the_state():
    quote = q("household", 2, 12, date(2025, 9, 1), birth_dates=[date(1980, 1, 1), date(2021, 1, 1)])
    assert [line.donor_pays for line in quote.lines] == [1_263_600, 0]
    assert "trẻ dưới 6 tuổi" in quote.note


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"on": date(2019, 6, 30)}, InvalidInput, "trước quy định mức đóng đầu tiên"),
        ({"months": 4}, InvalidInput, "chỉ đóng 3, 6 hoặc 12 tháng"),
        ({"months": 0}, InvalidInput, "chỉ đóng 3, 6 hoặc 12 tháng"),
        ({"members": 0}, InvalidInput, "Số người 0"),
        ({"members": 51}, InvalidInput, "từ 1 đến 50"),
        ({"group": "flood"}, NotFound, "Không có nhóm đối tượng 'flood'"),
    ],
)
def test_bad_input_is_refused(kwargs, error, message):
    args = {"group": "household", "members": 1, "months": 12, "on": date(2025, 9, 1), **kwargs}
    with pytest.raises(error, match=message):
        quote_premium(RULES, **args)


def test_uneven_shares_round_half_up_once_per_person():
    version = RuleVersion("t", date(2020, 1, 1), 1_490_001, 450, (10_000, 7_000), {"household": GroupShare(3_333)},
                          "test")
    rules = RuleBook((version,), {"household": GroupRule("household", "Hộ gia đình", "GD", True)})
    quote = quote_premium(rules, group="household", members=2, months=3, on=date(2020, 1, 1))
    # 1.490.001 × 4,5% × 3 = 201.150,135 -> 201.150; × 70% = 140.805,0945 -> 140.805
    assert [line.full_premium for line in quote.lines] == [201_150, 140_805]
    # state: 201.150,135 × 33,33% = 67.043,3399955 -> 67.043
    assert quote.lines[0].state_pays == 67_043


@given(
    group=st.sampled_from([g.key for g in rule_data.GROUPS]),
    members=st.integers(1, 12),
    months=st.sampled_from(ALLOWED_MONTHS),
    on=st.dates(date(2019, 7, 1), date(2030, 12, 31)),
    province=st.sampled_from([None, 15, 66, 79, 96]),
    poor_commune=st.booleans(),
)
def test_every_line_splits_exactly_and_never_goes_negative(group, members, months, on, province, poor_commune):
    if group not in RULES.version_on(on).shares:  # a group the 2025 law added, before 1/7/2025
        with pytest.raises(NotFound, match="được nhà nước hỗ trợ từ 01/07/2025"):
            q(group, members, months, on, province_code=province, poor_commune=poor_commune)
        return
    quote = q(group, members, months, on, province_code=province, poor_commune=poor_commune)
    assert len(quote.lines) == members
    for line in quote.lines:
        assert all(isinstance(v, int) for v in (line.full_premium, line.state_pays, line.donor_pays))
        assert line.state_pays + line.donor_pays == line.full_premium
        assert 0 <= line.province_pays <= line.state_pays <= line.full_premium
        assert line.donor_pays >= 0
    assert quote.rule_version in {v.code for v in rule_data.RULE_VERSIONS}
    full = [line.full_premium for line in quote.lines]
    assert full == sorted(full, reverse=True)  # later household members never pay more


# Every group of Decree 188/2025 art. 6 cl. 6 and Law 51/2024 art. 12 cl. 3 (domain-facts §1): 12 months from
# 1/9/2025 at the 2,340,000 base salary (full premium 1,263,600), and from 1/9/2026 at the proposed 2,530,000
# (1,366,200).
@pytest.mark.parametrize(
    ("group", "months", "on", "full", "state", "donor"),
    [
        ("ethnic_minority_transition", 12, date(2025, 9, 1), 1_263_600, 884_520, 379_080),  # at least 70%
        ("ethnic_minority_transition", 6, date(2025, 9, 1), 631_800, 442_260, 189_540),
        ("ethnic_minority_transition", 12, date(2026, 9, 1), 1_366_200, 956_340, 409_860),
        ("trafficking_victim", 12, date(2025, 9, 1), 1_263_600, 631_800, 631_800),  # at least 50%
        ("trafficking_victim", 3, date(2026, 9, 1), 341_550, 170_775, 170_775),
        ("grassroots_security", 12, date(2025, 9, 1), 1_263_600, 631_800, 631_800),
        ("village_health_worker", 12, date(2025, 9, 1), 1_263_600, 631_800, 631_800),
        ("village_worker", 12, date(2025, 9, 1), 1_263_600, 631_800, 631_800),
        ("artisan", 12, date(2025, 9, 1), 1_263_600, 631_800, 631_800),
        ("mine_victim", 12, date(2025, 9, 1), 1_263_600, 379_080, 884_520),  # at least 30%
        ("poor", 12, date(2025, 9, 1), 1_263_600, 1_263_600, 0),
        ("ethnic_minority_difficult", 12, date(2025, 9, 1), 1_263_600, 1_263_600, 0),
        ("ethnic_minority_difficult", 12, date(2024, 9, 1), 1_263_600, 1_263_600, 0),  # Decree 146/2018 too
        ("difficult_commune", 12, date(2025, 9, 1), 1_263_600, 1_263_600, 0),
        ("island_commune", 12, date(2023, 9, 1), 972_000, 972_000, 0),
        ("social_protection", 12, date(2026, 9, 1), 1_366_200, 1_366_200, 0),
        ("safe_zone_commune", 12, date(2025, 9, 1), 1_263_600, 1_263_600, 0),
    ],
)
def test_every_supported_group(group, months, on, full, state, donor):
    quote = q(group, 1, months, on)
    assert (quote.full_premium_total, quote.state_pays_total, quote.donor_pays_total) == (full, state, donor)
    assert quote.needs_donor == (donor > 0) == (group in rule_data.DONOR_GROUPS)
    if not donor:
        assert "không cần nhà tài trợ" in quote.note


@pytest.mark.parametrize(
    ("group", "says"),
    [
        ("ethnic_minority_transition", "Nhà nước hỗ trợ trong 36 tháng kể từ khi xã không còn thuộc vùng có điều kiện "
                                       "kinh tế - xã hội khó khăn, đặc biệt khó khăn"),
        ("trafficking_victim", "Nhà nước hỗ trợ trong 12 tháng kể từ ngày được cơ quan có thẩm quyền xác định là nạn "
                               "nhân"),
    ],
)
def test_a_time_limited_support_says_how_long_and_what_proves_it(group, says):
    quote = q(group, 1, 12, date(2025, 9, 1))
    assert says in quote.note
    assert f"Giấy tờ chứng minh: {RULES.group(group).proof}." in quote.note
    assert "tháng" not in q("pupil", 1, 12, date(2025, 9, 1)).notes[2]  # a support without a limit names none


def test_the_groups_the_2025_law_added_are_not_priced_before_it():
    with pytest.raises(NotFound, match="được nhà nước hỗ trợ từ 01/07/2025 .* hộ gia đình"):
        q("trafficking_victim", 1, 12, date(2025, 6, 30))


def test_a_quote_under_an_unconfirmed_rule_says_so_and_never_names_an_unconfirmed_decree():
    quote = q("household", 1, 12, date(2026, 9, 1))
    assert "Lương cơ sở 2.530.000 ₫ từ 01/07/2026 chưa được xác nhận" in quote.note
    assert "cần xác nhận" not in quote.note and "161/2026" not in quote.note
    assert "chưa được xác nhận" not in q("household", 1, 12, date(2026, 6, 30)).note
    assert rule_data.DONOR_GROUPS and not set(rule_data.DONOR_GROUPS) & set(rule_data.FULLY_PAID_GROUPS)
