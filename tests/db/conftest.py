"""Database-test fixtures: an initialised database with the demo accounts."""

import pytest

from db.uow import UnitOfWork
from donation import auth, demo
from donation.setup import initialise


@pytest.fixture
def uow(engine):
    """A unit of work on a fresh database (each backend) with units, rules and the demo accounts."""
    initialise(engine)
    work = UnitOfWork(engine)
    demo.seed_demo(uow=work)
    return work


@pytest.fixture
def people(uow):
    """The demo donor, the Đắk Lắk officer, the administrator, the national officer, and a second Đắk Lắk officer
    (`tinh.hai`) for maker-checker."""
    actors = {name: auth.find_actor(name, uow=uow) for name in ("demo.nhataitro", "demo.tinh", "demo.admin",
                                                                  "demo.quocgia")}
    auth.create_user(actors["demo.admin"], username="tinh.hai", password="Mat-khau-dai-du",
                     role="province_officer", province_code=66, uow=uow)
    actors["tinh.hai"] = auth.find_actor("tinh.hai", uow=uow)
    return actors
