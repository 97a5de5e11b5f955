"""Plausible demo households for the registry: Vietnamese names, valid identifiers, real communes. Pure and seeded."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
            "Dương", "Lý", "Y", "H'", "Ksor", "Niê"]
MIDDLE_MALE = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Xuân"]
MIDDLE_FEMALE = ["Thị", "Ngọc", "Thu", "Thanh", "Mỹ", "Kim", "Bích"]
GIVEN_MALE = ["An", "Bình", "Cường", "Dũng", "Hùng", "Long", "Nam", "Phúc", "Sơn", "Tâm", "Tuấn", "Vinh", "Khang"]
GIVEN_FEMALE = ["Anh", "Dung", "Hoa", "Hương", "Lan", "Mai", "Nga", "Oanh", "Thảo", "Trang", "Yến", "Nhung"]
# New province code -> a pre-2025 province code of the area, for the first digits of a plausible CCCD.
CCCD_AREA = {66: "066", 56: "056", 52: "064", 51: "051", 68: "068", 46: "046", 44: "045", 48: "048"}
# Central and highland provinces hit by the floods of late 2025 get most of the people.
PROVINCE_WEIGHTS = {66: 76, 56: 5, 52: 5, 51: 4, 68: 4, 46: 2, 44: 2, 48: 2}
DAMAGE = ["Nhà bị sập, cuốn trôi", "Hư hỏng nặng", "Hư hỏng một phần", "Mất sinh kế", "", "", ""]
FLAGS = ["Khuyết tật", "Bệnh mãn tính", "Người già neo đơn", "Mồ côi", "Dân tộc thiểu số"]


@dataclass(frozen=True)
class DemoPerson:
    province_code: int
    commune_code: int
    cells: dict[str, object]


def households(count: int, communes: dict[int, list[int]], *, seed: int, today: date) -> list[DemoPerson]:
    """`count` people in households of 1 to 6, spread over `communes` (province code -> commune codes)."""
    rng = random.Random(seed)
    provinces = [p for p in PROVINCE_WEIGHTS if communes.get(p)]
    people: list[DemoPerson] = []
    serial = rng.randint(100_000, 400_000)
    household = 0
    while len(people) < count:
        household += 1
        province = rng.choices(provinces, weights=[PROVINCE_WEIGHTS[p] for p in provinces])[0]
        commune = rng.choice(communes[province])
        size = min(rng.choice([1, 1, 2, 3, 3, 4, 4, 5, 6]), count - len(people))
        surname = rng.choice(SURNAMES)
        group = rng.choice(["Hộ gia đình", "Hộ gia đình", "Hộ cận nghèo", "Hộ cận nghèo", "Hộ nông lâm ngư diêm nghiệp"])
        damage = rng.choice(DAMAGE)
        village = f"Thôn {rng.randint(1, 12)}"
        head_birth = today - timedelta(days=rng.randint(25 * 365, 75 * 365))
        for member in range(size):
            female = member == 1 or (member > 1 and rng.random() < 0.5) if member else rng.random() < 0.35
            if member == 0:
                birth, relation = head_birth, "Chủ hộ"
            elif member == 1:
                birth, relation = head_birth + timedelta(days=rng.randint(-5 * 365, 5 * 365)), "Vợ" if female else "Chồng"
            else:
                birth = today - timedelta(days=rng.randint(7 * 365, 22 * 365))
                relation = "Con"
            age = (today - birth).days // 365
            member_group = ("Sinh viên" if 18 <= age <= 22 else "Học sinh") if relation == "Con" and age <= 22 \
                else group
            family = surname if member != 1 else rng.choice(SURNAMES)
            middle = rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE)
            given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
            serial += 1
            digit = (birth.year // 100 - 19) * 2 + int(female)
            cccd = f"{CCCD_AREA.get(province, '001')}{digit}{birth.year % 100:02d}{serial:06d}"
            flags = ";".join(rng.sample(FLAGS, k=rng.choice([0, 0, 0, 1, 1, 2])))
            people.append(DemoPerson(province, commune, {
                "full_name": f"{family} {middle} {given}", "birth_date": birth.strftime("%d/%m/%Y"),
                "gender": "Nữ" if female else "Nam", "national_id": cccd, "household_key": f"D{household:05d}",
                "relation": relation, "group": member_group, "need_flags": flags, "flood_damage": damage,
                "village": village, "school": "Trường THCS " + village if member_group == "Học sinh" else "",
                "reason": "Thiệt hại do mưa lũ cuối năm 2025" if damage else "Hoàn cảnh khó khăn",
            }))
    return people
