"""Make a database ready: apply migrations, load administrative units, seed premium rules. Safe to run again."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass

from sqlalchemy import Engine

from db import migrate
from db.config import get_settings
from db.uow import UnitOfWork
from donation.access import signing_keys
from donation.access.offices import seed_offices
from donation.access.units import load_units
from donation.premium.rules import seed_rules

log = logging.getLogger("bhyt.setup")


@dataclass(frozen=True)
class InitResult:
    provinces: int
    communes: int
    revision: str
    rules_added: int

    def as_dict(self) -> dict:
        return asdict(self)


def initialise(engine: Engine | None = None, *, progress: Callable[[str], None] | None = None) -> InitResult:
    """Upgrade the schema, then add any missing units and rules in one transaction. `progress` is told each step's
    name as it begins (the app's first-start page shows them)."""
    step = progress or (lambda _name: None)
    with UnitOfWork(engine) as uow:
        step("migrations")
        revision = migrate.upgrade(uow.engine)
        step("units")
        provinces, communes = load_units(uow.session)
        step("rules")
        added = seed_rules(uow.session)
        seed_offices(uow.session)
        uow.commit()
    step("keys")
    # Checked (and for the embedded SQLite file generated under data/) now, not at the first receipt printed.
    signing_keys.signing_key()
    settings = get_settings()
    if not settings.is_sqlite and any(host in settings.public_url for host in ("localhost", "127.0.0.1")):
        log.warning("BHYT_PUBLIC_URL is %s: receipts' QR codes will carry that address", settings.public_url)
    return InitResult(provinces, communes, revision, added)


def configured_database() -> str:
    """The configured database URL, so that a per-process cache can tell one database from another."""
    return get_settings().database_url
