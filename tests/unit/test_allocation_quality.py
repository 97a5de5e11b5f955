"""The quality benchmark's integer programs: each holds every result the engine gives, and the one that keeps the
order is no looser than the one without it (else the ratios bench/allocation_quality.py prints would mislead)."""

import importlib.util
import sys
from pathlib import Path

import pytest

from donation.allocation.engine import Funds, Needs

_PATH = Path(__file__).resolve().parents[2] / "bench" / "allocation_quality.py"
_SPEC = importlib.util.spec_from_file_location("allocation_quality", _PATH)
quality = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = quality  # its dataclasses look their module up
_SPEC.loader.exec_module(quality)


def test_the_order_keeping_program_refuses_cheaper_people_ahead_of_one_whose_card_fitted():
    # One household member at 1,263,600 ₫ scoring 50, four near-poor people at 379,080 ₫ scoring 40 each: the
    # money buys the first (the engine's choice, rule 3) or three of the others (120 points, the loose optimum).
    rows = [(50, "household", 1_263_600)] + [(40, "near_poor", 379_080)] * 4
    needs = Needs(ids=[1, 2, 3, 4, 5], people=[1, 2, 3, 4, 5], households=[1, 2, 3, 4, 5], communes=[101] * 5,
                  provinces=[1] * 5, groups=[r[1] for r in rows], scores=[r[0] for r in rows], nominated=[1] * 5,
                  prices={m: [r[2] * m // 12 for r in rows] for m in (3, 6, 12)})
    funds = [Funds(id=1, available=1_300_000, paid_at=1, months=12)]
    assert quality.covered(needs, funds) == (50, 1)
    assert quality.optimum(needs, funds, 10.0).bound == 120
    assert quality.optimum(needs, funds, 10.0, order=True).bound == 50


@pytest.mark.parametrize("seed", range(8))
def test_both_programs_hold_the_engine_result_on_random_instances(seed):
    # 80 people: each program proves its optimum in about half a second on a loaded 2-core machine; at 120 some
    # took 10 to 20 s and ran out of their time limit when the suite shared the cores.
    needs, funds = quality.instance(80, seed=seed)
    value, _ = quality.covered(needs, funds)
    loose = quality.optimum(needs, funds, 20.0)
    ordered = quality.optimum(needs, funds, 20.0, order=True)
    assert loose.optimal and ordered.optimal
    assert value <= ordered.bound <= loose.bound
