"""The premium rules seeded by `init` (domain-facts §1), with their sources. Administrators edit them as data."""

from __future__ import annotations

from datetime import date

from donation.premium.calculator import GroupRule, GroupShare, RuleVersion, TopUp

# Sources, read 07/12/2026 (the README's premium section lists them with their addresses):
# - Law on Health Insurance as amended by Law 51/2024/QH15 (in force 1/7/2025), art. 12: cl. 3 the groups the state
#   budget pays in full, cl. 4 the groups it supports, cl. 5 households.
# - Decree 188/2025/NĐ-CP (1/7/2025, in force 15/8/2025), art. 5 (groups the decree adds) and art. 6 cl. 6 (the state's
#   share for each supported group), as quoted by baolamdong.vn and laodong.vn (its Japanese and French editions
#   quote the whole clause with the law's points); the decree's own text on vanban.chinhphu.vn was not opened here.
# - Card object codes: Decision 1351/QĐ-BHXH (2015) as listed in public code. Groups the law added in 2024 have no
#   code in that list: their object_code is "" until BHXH's code is confirmed (UNCONFIRMED_CODES).
_LAW = "Luật Bảo hiểm y tế (sửa đổi bởi Luật 51/2024/QH15)"
_DECREE_188 = "Nghị định 188/2025/NĐ-CP"
_SHARE_CLAUSE = f"{_DECREE_188}, khoản 6 Điều 6"

GROUPS = (
    GroupRule("household", "Hộ gia đình", "GD", ladder_applies=True,
              proof="Sổ hộ khẩu hoặc thông tin cư trú của hộ trong Cơ sở dữ liệu quốc gia về dân cư",
              legal_basis=f"{_LAW}, khoản 5 Điều 12"),
    GroupRule("near_poor", "Hộ cận nghèo", "CN",
              proof="Quyết định công nhận hộ cận nghèo của Ủy ban nhân dân cấp xã",
              legal_basis=f"{_LAW}, điểm a khoản 4 Điều 12; {_SHARE_CLAUSE}"),
    GroupRule("pupil", "Học sinh", "HS", proof="Xác nhận đang theo học của nhà trường",
              legal_basis=f"{_LAW}, khoản 4 Điều 12; {_SHARE_CLAUSE}"),
    GroupRule("student", "Sinh viên", "SV", proof="Xác nhận đang theo học của nhà trường",
              legal_basis=f"{_LAW}, khoản 4 Điều 12; {_SHARE_CLAUSE}"),
    GroupRule("farm_household", "Hộ nông, lâm, ngư, diêm nghiệp có mức sống trung bình", "GB",
              proof="Danh sách hộ làm nông, lâm, ngư, diêm nghiệp có mức sống trung bình được Ủy ban nhân dân cấp xã "
                    "phê duyệt",
              legal_basis=f"{_LAW}, khoản 4 Điều 12; {_SHARE_CLAUSE}"),
    GroupRule("ethnic_minority_transition",
              "Người dân tộc thiểu số sống ở xã không còn thuộc vùng có điều kiện kinh tế - xã hội khó khăn, "
              "đặc biệt khó khăn", "",
              support_months=36,
              support_from="kể từ khi xã không còn thuộc vùng có điều kiện kinh tế - xã hội khó khăn, "
                           "đặc biệt khó khăn",
              proof="Quyết định của cấp có thẩm quyền xác định xã không còn thuộc vùng khó khăn, đặc biệt khó khăn "
                    "(ghi ngày) và thông tin dân tộc, nơi cư trú trong Cơ sở dữ liệu quốc gia về dân cư",
              legal_basis=f"{_LAW}, điểm g khoản 4 Điều 12; {_SHARE_CLAUSE}"),
    GroupRule("trafficking_victim", "Nạn nhân bị mua bán người", "",
              support_months=12,
              support_from="kể từ ngày được cơ quan có thẩm quyền xác định là nạn nhân",
              proof="Văn bản xác định là nạn nhân của cơ quan có thẩm quyền theo Luật Phòng, chống mua bán người "
                    "năm 2024 (ghi ngày)",
              legal_basis=f"{_LAW}, điểm i khoản 4 Điều 12; {_SHARE_CLAUSE}"),
    GroupRule("grassroots_security", "Người tham gia lực lượng bảo vệ an ninh, trật tự ở cơ sở", "",
              proof="Quyết định thành lập hoặc công nhận thành viên tổ bảo vệ an ninh, trật tự ở cơ sở",
              legal_basis=f"{_LAW}, khoản 4 Điều 12; {_SHARE_CLAUSE}"),
    GroupRule("village_health_worker", "Nhân viên y tế thôn, bản; cô đỡ thôn, bản", "",
              proof="Quyết định hoặc hợp đồng làm nhân viên y tế thôn, bản, cô đỡ thôn, bản",
              legal_basis=f"{_LAW}, khoản 4 Điều 12; {_SHARE_CLAUSE}"),
    GroupRule("village_worker", "Người hoạt động không chuyên trách ở thôn, tổ dân phố", "",
              proof="Quyết định của Ủy ban nhân dân cấp xã giao nhiệm vụ người hoạt động không chuyên trách",
              legal_basis=f"{_LAW}, khoản 4 Điều 12; {_SHARE_CLAUSE}"),
    GroupRule("artisan", "Người được phong tặng danh hiệu nghệ nhân nhân dân, nghệ nhân ưu tú", "",
              proof="Quyết định phong tặng danh hiệu nghệ nhân nhân dân, nghệ nhân ưu tú (Luật Di sản văn hóa 2024); "
                    "hộ có thu nhập bình quân đầu người dưới mức lương cơ sở được nhà nước đóng toàn bộ",
              legal_basis=f"{_LAW}, khoản 4 Điều 12; {_DECREE_188}, khoản 3 Điều 5; {_SHARE_CLAUSE}"),
    GroupRule("mine_victim", "Nạn nhân bom mìn, vật nổ sau chiến tranh", "",
              proof="Giấy xác nhận nạn nhân bom mìn vật nổ sau chiến tranh (khoản 8 Điều 3 Nghị định 18/2019/NĐ-CP)",
              legal_basis=f"{_DECREE_188}, khoản 4 Điều 5; {_SHARE_CLAUSE}"),
    # The state pays the whole card: nominated by mistake, these people are told "không cần nhà tài trợ".
    GroupRule("poor", "Hộ nghèo", "HN", proof="Quyết định công nhận hộ nghèo của Ủy ban nhân dân cấp xã",
              legal_basis=f"{_LAW}, khoản 3 Điều 12"),
    GroupRule("ethnic_minority_difficult",
              "Người dân tộc thiểu số sống ở vùng có điều kiện kinh tế - xã hội khó khăn, đặc biệt khó khăn", "DT",
              proof="Thông tin dân tộc, nơi cư trú trong Cơ sở dữ liệu quốc gia về dân cư; danh sách xã thuộc vùng "
                    "khó khăn, đặc biệt khó khăn",
              legal_basis=f"{_LAW}, khoản 3 Điều 12"),
    GroupRule("difficult_commune", "Người sống ở xã có điều kiện kinh tế - xã hội đặc biệt khó khăn", "DK",
              proof="Nơi thường trú trong Cơ sở dữ liệu quốc gia về dân cư; danh sách xã đặc biệt khó khăn",
              legal_basis=f"{_LAW}, khoản 3 Điều 12"),
    GroupRule("island_commune", "Người sống ở xã đảo, đặc khu", "XD",
              proof="Nơi thường trú trong Cơ sở dữ liệu quốc gia về dân cư",
              legal_basis=f"{_LAW}, khoản 3 Điều 12"),
    GroupRule("social_protection", "Người hưởng trợ cấp xã hội hằng tháng", "BT",
              proof="Quyết định hưởng trợ cấp xã hội hằng tháng của Chủ tịch Ủy ban nhân dân cấp xã",
              legal_basis=f"{_LAW}, khoản 3 Điều 12"),
    GroupRule("safe_zone_commune", "Người dân xã an toàn khu cách mạng", "",
              proof="Nơi thường trú tại xã an toàn khu trong Cơ sở dữ liệu quốc gia về dân cư",
              legal_basis=f"{_DECREE_188}, khoản 2 Điều 5; {_LAW}, khoản 3 Điều 12"),
)
# Groups whose card object code was not found in Decision 1351/QĐ-BHXH (the law added them in 2024, or a later
# decision gave them a code not read here): the card import takes the code BHXH printed.
UNCONFIRMED_CODES = frozenset(group.key for group in GROUPS if not group.object_code)

# The name every screen, PDF and explanation gives a group, made here from the seeded name so that a group added to
# GROUPS is named everywhere at once. The calculator and the rules page show the seeded (legal) name; names too long
# for a table cell or a sentence are shortened here ("có mức sống trung bình" goes without saying for a group that is
# helped at all).
_SHORTER = {
    "farm_household": "Hộ nông, lâm, ngư, diêm nghiệp",
    "ethnic_minority_transition": "Dân tộc thiểu số ở xã vừa ra khỏi vùng khó khăn",
    "ethnic_minority_difficult": "Dân tộc thiểu số ở vùng khó khăn",
    "grassroots_security": "Lực lượng an ninh, trật tự ở cơ sở",
    "village_worker": "Không chuyên trách ở thôn, tổ dân phố",
    "village_health_worker": "Nhân viên y tế, cô đỡ thôn, bản",
    "artisan": "Nghệ nhân nhân dân, nghệ nhân ưu tú",
    "difficult_commune": "Người sống ở xã đặc biệt khó khăn",
}
GROUP_NAMES = {group.key: _SHORTER.get(group.key, group.name) for group in GROUPS}

# 100% for the 1st member, then 70%, 60%, 50%, and 40% from the 5th (dichvucong.gov.vn Q&A 15739).
LADDER_BP = (10_000, 7_000, 6_000, 5_000, 4_000)

# The groups the state pays in full were paid in full before the 2025 law too (Decree 146/2018/NĐ-CP, art. 3).
_PAID_IN_FULL = {key: GroupShare(10_000) for key in
                 ("poor", "ethnic_minority_difficult", "difficult_commune", "island_commune", "social_protection")}
_BEFORE_2025 = {
    "household": GroupShare(0),
    "near_poor": GroupShare(7_000),
    "pupil": GroupShare(3_000),
    "student": GroupShare(3_000),
    "farm_household": GroupShare(3_000),
    **_PAID_IN_FULL,
}
# Law 51/2024/QH15 and Decree 188/2025/NĐ-CP art. 6 cl. 6 ("at least" shares; a province may add more): near-poor 70%,
# 100% in a poor commune; ethnic minorities of a commune that left the difficult areas 70% for 36 months; victims of
# trafficking 50% for a year; pupils, students, grassroots security forces, village health workers and midwives,
# non-professional village workers, People's and Meritorious Artisans 50% (in full when their household's income is
# below the base salary, decree art. 5 cl. 3: not a donor's case, as the group's proof says); farming households of average living standard and post-war mine victims 30%.
_FROM_2025 = {
    **_BEFORE_2025,
    "near_poor": GroupShare(7_000, poor_commune_share_bp=10_000),
    "pupil": GroupShare(5_000),
    "student": GroupShare(5_000),
    "ethnic_minority_transition": GroupShare(7_000),
    "trafficking_victim": GroupShare(5_000),
    "grassroots_security": GroupShare(5_000),
    "village_health_worker": GroupShare(5_000),
    "village_worker": GroupShare(5_000),
    "artisan": GroupShare(5_000),
    "mine_victim": GroupShare(3_000),
    "safe_zone_commune": GroupShare(10_000),
}

_DECREE_146 = "Nghị định 146/2018/NĐ-CP"
_LAW_2024 = "Luật 51/2024/QH15, Nghị định 188/2025/NĐ-CP"
PROPOSAL_2026 = "Đề xuất lương cơ sở 2.530.000 đồng từ 01/07/2026, chưa có nghị định"

RULE_VERSIONS = (
    RuleVersion("2019-07", date(2019, 7, 1), 1_490_000, 450, LADDER_BP, _BEFORE_2025,
                f"Nghị định 38/2019/NĐ-CP; {_DECREE_146}"),
    RuleVersion("2023-07", date(2023, 7, 1), 1_800_000, 450, LADDER_BP, _BEFORE_2025,
                f"Nghị định 24/2023/NĐ-CP; {_DECREE_146}"),
    RuleVersion("2024-07", date(2024, 7, 1), 2_340_000, 450, LADDER_BP, _BEFORE_2025,
                f"Nghị định 73/2024/NĐ-CP; {_DECREE_146}"),
    RuleVersion("2025-07", date(2025, 7, 1), 2_340_000, 450, LADDER_BP, _FROM_2025,
                f"Nghị định 73/2024/NĐ-CP; {_LAW_2024}"),
    # A proposal (the government's portal, 9/3/2026: +8% to 2,530,000 from 1/7/2026); no decree was found. An
    # administrator confirms or corrects it on the rules page.
    RuleVersion("2026-07", date(2026, 7, 1), 2_530_000, 450, LADDER_BP, _FROM_2025,
                f"{PROPOSAL_2026}; {_LAW_2024}", confirmed=False),
)

# The groups a donor can help (the state's share below the whole card under the latest version), in GROUPS order,
# and the groups the state pays in full.
DONOR_GROUPS = tuple(g.key for g in GROUPS if RULE_VERSIONS[-1].shares[g.key].state_share_bp < 10_000)
FULLY_PAID_GROUPS = tuple(g.key for g in GROUPS if g.key not in DONOR_GROUPS)

# Provincial top-ups reported in the press (2025-2026); dates and shares to be confirmed by each province.
TOP_UPS = (
    TopUp(79, "pupil", 10_000, date(2025, 11, 14), None, "Nghị quyết 75/2025 HĐND TP. Hồ Chí Minh (theo báo chí)"),
    TopUp(79, "near_poor", 10_000, date(2026, 1, 1), None, "Nghị quyết 75/2025 HĐND TP. Hồ Chí Minh (theo báo chí)"),
    TopUp(79, "poor", 10_000, date(2026, 1, 1), None, "Nghị quyết 75/2025 HĐND TP. Hồ Chí Minh (theo báo chí)"),
    TopUp(96, "pupil", 2_000, date(2025, 9, 1), None, "Cà Mau hỗ trợ thêm 20% cho học sinh (theo báo chí, cần xác nhận ngày)"),
    TopUp(15, "near_poor", 3_000, date(2025, 7, 1), None, "Lào Cai hỗ trợ thêm 30% cho hộ cận nghèo (theo báo chí, cần xác nhận ngày)"),
)
