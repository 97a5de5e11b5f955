"""Demo data for the embedded database: one account per role, scoped to a flood-hit commune of Đắk Lắk."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from db.models import UserAccount
from db.uow import UnitOfWork
from donation import auth
from donation.actors import ADMIN, COMMUNE_OFFICIAL, DONOR, NATIONAL_OFFICER, PROVINCE_OFFICER, SYSTEM_ACTOR

DEMO_PASSWORD = "Demo@BHYT2026"
DEMO_PROVINCE = 66  # Đắk Lắk, which took in Phú Yên, hit by the floods of November 2025
DEMO_COMMUNE = 22276  # Xã Hòa Thịnh


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    display_name: str
    province_code: int | None = None
    commune_code: int | None = None


DEMO_ACCOUNTS = (
    DemoAccount("demo.xa", COMMUNE_OFFICIAL, "Nguyễn Thị Hoa", DEMO_PROVINCE, DEMO_COMMUNE),
    DemoAccount("demo.tinh", PROVINCE_OFFICER, "Trần Văn Bình", DEMO_PROVINCE),
    DemoAccount("demo.quocgia", NATIONAL_OFFICER, "Lê Minh Châu"),
    DemoAccount("demo.nhataitro", DONOR, "Phạm Thu Dung"),
    DemoAccount("demo.admin", ADMIN, "Đỗ Quang Minh"),
)


@dataclass(frozen=True)
class DemoResult:
    accounts_added: int

    def as_dict(self) -> dict:
        return {"accounts_added": self.accounts_added, "accounts": [a.username for a in DEMO_ACCOUNTS]}


def seed_demo(*, seed: int = 1, uow: UnitOfWork | None = None) -> DemoResult:
    """Add the demo accounts that are missing (as the system actor, audited); `seed` fixes later random demo data."""
    added = 0
    uow = uow or UnitOfWork()  # entered once per step: each account is its own audited transaction
    with uow as work:
        have = set(work.session.exec(select(UserAccount.username)))
    for account in DEMO_ACCOUNTS:
        if account.username in have:
            continue
        auth.create_user(SYSTEM_ACTOR, username=account.username, password=DEMO_PASSWORD, role=account.role,
                         display_name=account.display_name, province_code=account.province_code,
                         commune_code=account.commune_code, uow=uow)
        added += 1
    return DemoResult(added)


def has_accounts(*, uow: UnitOfWork | None = None) -> bool:
    with uow or UnitOfWork() as work:
        return work.session.exec(select(UserAccount.id)).first() is not None
