"""The priority score of a nomination (DESIGN.md §6): a sum of published weights, with a one-line explanation."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

from donation.premium.rule_data import GROUP_NAMES
from donation.registry.nomination_rows import DAMAGE_NAMES, FLAG_NAMES


def score(weights: Mapping[str, int], *, group: str, flood_damage: str | None, need_flags: Sequence[str],
          birth_date: date, on: date) -> tuple[int, str]:
    """Score and explanation, e.g. (90, 'Hộ cận nghèo 30 + Nhà bị sập, cuốn trôi 40 + Khuyết tật 20 = 90')."""
    return scorer(weights, on)(group=group, flood_damage=flood_damage, need_flags=need_flags, birth_date=birth_date)


def scorer(weights: Mapping[str, int], on: date) -> Callable[..., tuple[int, str]]:
    """`score` for many nominations at once: the answer depends on a handful of facts, so each is worked out once."""
    answers: dict[tuple, tuple[int, str]] = {}

    def score_one(*, group: str, flood_damage: str | None, need_flags: Sequence[str],
                  birth_date: date) -> tuple[int, str]:
        age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
        key = (group, flood_damage, tuple(need_flags), age < 16 or age >= 70)
        if key not in answers:
            answers[key] = _explained(weights, *key)
        return answers[key]

    return score_one


def _explained(weights: Mapping[str, int], group: str, flood_damage: str | None, need_flags: tuple[str, ...],
               child_or_elderly: bool) -> tuple[int, str]:
    parts: list[tuple[str, int]] = [(GROUP_NAMES.get(group, group), weights.get(group, 0))]
    if flood_damage:
        parts.append((DAMAGE_NAMES[flood_damage], weights.get(f"flood_damage_{flood_damage}", 0)))
    parts += [(FLAG_NAMES[flag], weights.get(flag, 0)) for flag in need_flags]
    if child_or_elderly:
        parts.append(("Trẻ em hoặc người cao tuổi", weights.get("child_or_elderly", 0)))
    parts = [(label, points) for label, points in parts if points]
    total = sum(points for _, points in parts)
    explanation = " + ".join(f"{label} {points}" for label, points in parts) or "Không có điểm cộng"
    return total, f"{explanation} = {total}" if parts else explanation
