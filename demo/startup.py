"""What the server does on start: make the database ready, and fill an empty embedded one with the demo data."""

from __future__ import annotations

from sqlalchemy import Engine

from db.config import get_settings
from db.uow import UnitOfWork
from demo import seed
from donation.upkeep.setup import InitResult, initialise


def prepare_app(engine: Engine | None = None) -> InitResult:
    """What the server does on start: `init`, and the demo accounts when the embedded database has no users yet."""
    result = initialise(engine)
    settings = get_settings()
    if settings.demo_enabled and not seed.has_accounts(uow=UnitOfWork(engine)):
        seed.seed_demo(nominations=settings.demo_nominations, pledges=settings.demo_pledges, allocate=True,
                       uow=UnitOfWork(engine))
    return result


def demo_enabled() -> bool:
    return get_settings().demo_enabled
