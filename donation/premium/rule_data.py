"""The premium rules seeded by `init` (domain-facts §1), with their sources. Administrators edit them as data."""

from __future__ import annotations

from datetime import date

from donation.premium.calculator import GroupRule, GroupShare, RuleVersion, TopUp

GROUPS = (
    GroupRule("household", "Hộ gia đình", "GD", ladder_applies=True),
    GroupRule("near_poor", "Hộ cận nghèo", "CN"),
    GroupRule("pupil", "Học sinh", "HS"),
    GroupRule("student", "Sinh viên", "SV"),
    GroupRule("farm_household", "Hộ nông, lâm, ngư, diêm nghiệp có mức sống trung bình", "GB"),
    GroupRule("poor", "Hộ nghèo", "HN"),
)

# The name every screen, PDF and explanation gives a group, made here from the seeded name so that a group added to
# GROUPS is named everywhere at once. The calculator and the rules page show the seeded (legal) name; the farm
# group's is too long for a table cell or a sentence, and "có mức sống trung bình" goes without saying for a group
# that is helped at all, so only that one is shortened.
_SHORTER = {"farm_household": "Hộ nông, lâm, ngư, diêm nghiệp"}
GROUP_NAMES = {group.key: _SHORTER.get(group.key, group.name) for group in GROUPS}

# 100% for the 1st member, then 70%, 60%, 50%, and 40% from the 5th (dichvucong.gov.vn Q&A 15739).
LADDER_BP = (10_000, 7_000, 6_000, 5_000, 4_000)

_BEFORE_2025 = {
    "household": GroupShare(0),
    "near_poor": GroupShare(7_000),
    "pupil": GroupShare(3_000),
    "student": GroupShare(3_000),
    "farm_household": GroupShare(3_000),
    "poor": GroupShare(10_000),
}
# Law 51/2024/QH15 and Decree 188/2025/NĐ-CP: pupils and students at least 50%; near-poor in a poor commune 100%.
_FROM_2025 = {
    **_BEFORE_2025,
    "near_poor": GroupShare(7_000, poor_commune_share_bp=10_000),
    "pupil": GroupShare(5_000),
    "student": GroupShare(5_000),
}

_DECREE_146 = "Nghị định 146/2018/NĐ-CP"
_LAW_2024 = "Luật 51/2024/QH15, Nghị định 188/2025/NĐ-CP"

RULE_VERSIONS = (
    RuleVersion("2019-07", date(2019, 7, 1), 1_490_000, 450, LADDER_BP, _BEFORE_2025,
                f"Nghị định 38/2019/NĐ-CP; {_DECREE_146}"),
    RuleVersion("2023-07", date(2023, 7, 1), 1_800_000, 450, LADDER_BP, _BEFORE_2025,
                f"Nghị định 24/2023/NĐ-CP; {_DECREE_146}"),
    RuleVersion("2024-07", date(2024, 7, 1), 2_340_000, 450, LADDER_BP, _BEFORE_2025,
                f"Nghị định 73/2024/NĐ-CP; {_DECREE_146}"),
    RuleVersion("2025-07", date(2025, 7, 1), 2_340_000, 450, LADDER_BP, _FROM_2025,
                f"Nghị định 73/2024/NĐ-CP; {_LAW_2024}"),
    RuleVersion("2026-07", date(2026, 7, 1), 2_530_000, 450, LADDER_BP, _FROM_2025,
                f"Nghị định 161/2026/NĐ-CP (cần xác nhận); {_LAW_2024}"),
)

# Provincial top-ups reported in the press (2025-2026); dates and shares to be confirmed by each province.
TOP_UPS = (
    TopUp(79, "pupil", 10_000, date(2025, 11, 14), None, "Nghị quyết 75/2025 HĐND TP. Hồ Chí Minh (theo báo chí)"),
    TopUp(79, "near_poor", 10_000, date(2026, 1, 1), None, "Nghị quyết 75/2025 HĐND TP. Hồ Chí Minh (theo báo chí)"),
    TopUp(79, "poor", 10_000, date(2026, 1, 1), None, "Nghị quyết 75/2025 HĐND TP. Hồ Chí Minh (theo báo chí)"),
    TopUp(96, "pupil", 2_000, date(2025, 9, 1), None, "Cà Mau hỗ trợ thêm 20% cho học sinh (theo báo chí, cần xác nhận ngày)"),
    TopUp(15, "near_poor", 3_000, date(2025, 7, 1), None, "Lào Cai hỗ trợ thêm 30% cho hộ cận nghèo (theo báo chí, cần xác nhận ngày)"),
)
