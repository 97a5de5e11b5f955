"""The priority score of a nomination (DESIGN.md §6): a sum of published weights, with a one-line explanation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from donation.nomination_rows import DAMAGE_NAMES, FLAG_NAMES

GROUP_NAMES = {"household": "Hộ gia đình", "near_poor": "Hộ cận nghèo", "pupil": "Học sinh", "student": "Sinh viên",
               "farm_household": "Hộ nông, lâm, ngư, diêm nghiệp", "poor": "Hộ nghèo"}


def score(weights: Mapping[str, int], *, group: str, flood_damage: str | None, need_flags: Sequence[str],
          birth_date: date, on: date) -> tuple[int, str]:
    """Score and explanation, e.g. (90, 'Hộ cận nghèo 30 + Nhà bị sập, cuốn trôi 40 + Khuyết tật 20 = 90')."""
    parts: list[tuple[str, int]] = [(GROUP_NAMES.get(group, group), weights.get(group, 0))]
    if flood_damage:
        parts.append((DAMAGE_NAMES[flood_damage], weights.get(f"flood_damage_{flood_damage}", 0)))
    parts += [(FLAG_NAMES[flag], weights.get(flag, 0)) for flag in need_flags]
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    if age < 16 or age >= 70:
        parts.append(("Trẻ em hoặc người cao tuổi", weights.get("child_or_elderly", 0)))
    parts = [(label, points) for label, points in parts if points]
    total = sum(points for _, points in parts)
    explanation = " + ".join(f"{label} {points}" for label, points in parts) or "Không có điểm cộng"
    return total, f"{explanation} = {total}" if parts else explanation
