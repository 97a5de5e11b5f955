"""Database-test fixtures: an initialised database with the demo accounts."""

import pytest

from db.uow import UnitOfWork
from donation import demo
from donation.setup import initialise


@pytest.fixture
def uow(engine):
    """A unit of work on a fresh database (each backend) with units, rules and the demo accounts."""
    initialise(engine)
    work = UnitOfWork(engine)
    demo.seed_demo(uow=work)
    return work
