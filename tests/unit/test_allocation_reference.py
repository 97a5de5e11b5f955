"""The compiled engine against the plain-Python one it replaced (`allocation_reference`): the same decision on any
instance."""

from hypothesis import given, settings

from donation.allocation import engine
from donation.allocation import reference as allocation_reference
from tests.unit.test_allocation_engine import instances


@settings(max_examples=400, deadline=None)
@given(instances())
def test_the_compiled_engine_decides_as_the_reference_engine(instance):
    needs, funds = instance
    for fair in (True, False):
        compiled = engine.allocate(needs, funds, fair=fair)
        reference = allocation_reference.allocate(needs, funds, fair=fair)
        assert compiled.digest() == reference.digest()
        assert compiled.remainder == reference.remainder and compiled.unfunded == reference.unfunded
        assert compiled.considered == reference.considered
        assert compiled.held.tolist() == reference.held.tolist()
