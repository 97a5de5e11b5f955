"""Database-test fixtures: an initialised database with the demo accounts."""

import pytest

from db.uow import UnitOfWork
from donation.access import auth


@pytest.fixture
def uow(engine):
    """A unit of work on a database of its own (each backend) with units, rules and the demo accounts: a copy of the
    seeded template (tests.databases), which `database_url` gives a test that takes this fixture."""
    return UnitOfWork(engine)


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
