"""Demo data for the embedded database: one account per role, scoped to a flood-hit commune of Đắk Lắk, and two
provincial officers in every province with demo nominations, so that one can approve what the other nominated and
confirm what the other recorded."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import func, select

from db.models import Commune, Donor, Nomination, ReceivingOffice, UserAccount
from db.uow import UnitOfWork
from demo import cards, timeline
from demo import people as demo_people
from demo import pledges as demo_pledges
from donation.access import app_settings, auth, offices
from donation.access.actors import (
    ADMIN,
    COMMUNE_OFFICIAL,
    DONOR,
    NATIONAL_OFFICER,
    PROVINCE_OFFICER,
    SYSTEM_ACTOR,
    Actor,
)
from donation.access.units import get_province
from donation.allocation import allocation
from donation.common.dates import today_vn
from donation.common.errors import InvalidInput, NotFound
from donation.common.identity import strip_accents
from donation.payments import signers
from donation.pledges import donors
from donation.registry import nominations, review
from donation.reporting import reports

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
    DemoAccount("demo.tinh2", PROVINCE_OFFICER, "Võ Thị Mai", DEMO_PROVINCE),
    DemoAccount("demo.quocgia", NATIONAL_OFFICER, "Lê Minh Châu"),
    DemoAccount("demo.nhataitro", DONOR, "Phạm Thu Dung"),
    DemoAccount("demo.admin", ADMIN, "Đỗ Quang Minh"),
)


@dataclass(frozen=True)
class DemoResult:
    accounts_added: int
    nominations: dict[str, int] = field(default_factory=dict)  # status -> count of nominations added
    pledges: dict[str, int] = field(default_factory=dict)  # status -> count of pledges added
    sponsorships: int = 0  # people funded by the allocation run, when one was asked for

    def as_dict(self) -> dict:
        return {"accounts_added": self.accounts_added, "accounts": [a.username for a in DEMO_ACCOUNTS],
                "nominations": sum(self.nominations.values()), "by_status": self.nominations,
                "pledges": sum(self.pledges.values()), "pledges_by_status": self.pledges,
                "sponsorships": self.sponsorships}


def seed_demo(*, seed: int = 1, nominations: int = 0, pledges: int = 0, allocate: bool = False,
              uow: UnitOfWork | None = None, today: date | None = None,
              progress: Callable[[str], None] | None = None) -> DemoResult:
    """Add the demo accounts that are missing, then `nominations` demo people (only into an empty registry) and
    `pledges` demo pledges with their donors and payments (only into an empty pledge book); with `allocate`, an
    allocation run as the system actor, so that people are funded, and the demo commune's cards bought and issued.

    Everything goes through the same services officials use, so the data obeys the same rules and is audited.
    `progress` is told each step's name as it begins (the app's first-start page shows them).
    """
    step = progress or (lambda _name: None)
    if not 0 <= pledges <= 10_000:
        raise InvalidInput("Số cam kết demo phải từ 0 đến 10.000")
    today = today or today_vn()
    step("accounts")
    accounts = _seed_accounts(uow or UnitOfWork())
    _seed_donor_profile(uow or UnitOfWork(), today)
    _seed_office_accounts(uow or UnitOfWork())
    _seed_signers(uow or UnitOfWork())
    step("nominations")
    by_status = _seed_people(nominations, seed, uow or UnitOfWork(), today) if nominations else {}
    step("pledges")
    pledged = demo_pledges.seed_pledges(pledges, seed=seed, uow=uow or UnitOfWork(), today=today) if pledges else {}
    timeline.date_the_story(uow or UnitOfWork(), today)  # pledges and postings of past days at those days' times
    step("allocation")
    funded = allocation.allocate(SYSTEM_ACTOR, on=today, uow=uow or UnitOfWork()).sponsorships if allocate else 0
    if allocate and funded:  # the demo commune's cards bought and issued, so that reports show money spent
        cards.seed_purchases(DEMO_COMMUNE, uow or UnitOfWork(), today)
        reports.count_new(uow=uow)  # the batches paid just now (the run counted itself): the first report stays fast
    return DemoResult(accounts, by_status, pledged, funded)


def _seed_accounts(uow: UnitOfWork) -> int:
    added = 0
    with uow as work:
        have = set(work.session.exec(select(UserAccount.username)))
    for account in DEMO_ACCOUNTS:
        if account.username in have:
            continue
        auth.create_user(SYSTEM_ACTOR, username=account.username, password=DEMO_PASSWORD, role=account.role,
                         display_name=account.display_name, province_code=account.province_code,
                         commune_code=account.commune_code, uow=uow)
        added += 1
    return added


DEMO_DONOR = {"name": "Phạm Thu Dung", "phone": "0912345678", "email": "nhataitro@example.com"}
DEMO_BANKS = ("970436", "970418", "970415", "970405")  # Vietcombank, BIDV, VietinBank, Agribank


def _seed_donor_profile(uow: UnitOfWork, today: date) -> None:
    """demo.nhataitro is an individual donor who agreed to be named."""
    with uow as work:
        user = work.session.exec(select(UserAccount).where(UserAccount.username == "demo.nhataitro")).first()
        if user is None or work.session.exec(select(Donor.id).where(Donor.user_id == user.id)).first():
            return
        donors.add_donor(work.session, SYSTEM_ACTOR, "individual",
                         donors.check_profile("individual", DEMO_DONOR, today=today), True, user_id=user.id)
        work.commit()


def _seed_office_accounts(uow: UnitOfWork) -> None:
    """Made-up but well-formed accounts for every office that has none, so that every pledge shows its VietQR."""
    with uow as work:
        missing = work.session.exec(select(ReceivingOffice.code, ReceivingOffice.name)
                                    .where(ReceivingOffice.account_number == "")).all()
    for code, name in missing:
        offices.set_account(SYSTEM_ACTOR, code, bank_bin=DEMO_BANKS[code % len(DEMO_BANKS)],
                            account_number=f"{8_600_000_000 + code * 1_001:d}",
                            account_holder=strip_accents(name), uow=uow)


# Made-up signers of the demo's receipts: an office's title alone ("GIÁM ĐỐC") is not a signature.
DEMO_SIGNERS = {"national": ("PHÓ TỔNG GIÁM ĐỐC", "Lê Hùng Sơn"), str(DEMO_PROVINCE): ("GIÁM ĐỐC", "Nguyễn Văn Phúc"),
                "56": ("GIÁM ĐỐC", "Trần Thị Lan"), "52": ("GIÁM ĐỐC", "Phạm Quốc Dũng"),
                "51": ("GIÁM ĐỐC", "Hồ Thị Thanh"), "68": ("GIÁM ĐỐC", "Đặng Văn Long"),
                "46": ("GIÁM ĐỐC", "Bùi Thị Hương"), "44": ("GIÁM ĐỐC", "Ngô Minh Tuấn"),
                "48": ("GIÁM ĐỐC", "Huỳnh Thị Nga")}


def _seed_signers(uow: UnitOfWork) -> None:
    """Name the signer of every office that has demo data, where the administrator has named none."""
    rows = {row.key: row for row in signers.office_signers(SYSTEM_ACTOR, uow=uow)}
    for key, (title, name) in DEMO_SIGNERS.items():
        if key in rows and not rows[key].header["signer_name"]:
            app_settings.set_office_signer(SYSTEM_ACTOR, key, {**rows[key].header, "signer_title": title,
                                                               "signer_name": name}, uow=uow)


def _seed_people(count: int, seed: int, uow: UnitOfWork, today: date) -> dict[str, int]:
    if count < 0 or count > 100_000:
        raise InvalidInput("Số người demo phải từ 0 đến 100.000")
    with uow as work:
        if work.session.exec(select(Nomination.id)).first() is not None:
            return {}  # demo people go into an empty registry only: a second run adds nobody
        rng = random.Random(seed)
        communes: dict[int, list[int]] = {}
        for province in demo_people.PROVINCE_WEIGHTS:
            codes = sorted(work.session.exec(select(Commune.code).where(Commune.province_code == province)))
            communes[province] = rng.sample(codes, k=min(6, len(codes)))
        communes[DEMO_PROVINCE] = [DEMO_COMMUNE, *[c for c in communes[DEMO_PROVINCE] if c != DEMO_COMMUNE][:5]]
    actors = {name: auth.find_actor(name, uow=uow) for name in ("demo.xa", "demo.tinh", "demo.tinh2")}
    people = demo_people.households(count, communes, seed=seed, today=today)
    by_commune: dict[int, list[demo_people.DemoPerson]] = defaultdict(list)
    for person in people:
        by_commune[person.commune_code].append(person)
    # Every province has two officers: the second nominates (standing in for its communes), the first reviews, so
    # each province holds approved people and its first officer's queue holds nothing of their own.
    for province in sorted({members[0].province_code for members in by_commune.values()} - {DEMO_PROVINCE}):
        actors[f"demo.tinh.{province}"] = _province_officer(province, uow)
        actors[f"demo.tinh2.{province}"] = _province_officer(province, uow, second=True)
    posted_on = today - timedelta(days=10)
    for commune, members in sorted(by_commune.items()):
        province = members[0].province_code
        nominator = actors["demo.xa"] if commune == DEMO_COMMUNE else \
            actors["demo.tinh2"] if province == DEMO_PROVINCE else actors[f"demo.tinh2.{province}"]
        split = _household_boundary(members, int(len(members) * 0.9))
        first = nominations.nominate_rows(nominator, commune, [(i + 1, p.cells) for i, p in enumerate(members[:split])],
                                       uow=uow, today=posted_on)
        if first.committed:
            review.post_list(nominator, commune_code=commune, uow=uow, today=posted_on)
        nominations.nominate_rows(nominator, commune, [(i + 1, p.cells) for i, p in enumerate(members[split:])],
                               uow=uow, today=today)
        _decide(rng, nominator, actors, commune, province, uow, today)
    with uow as work:
        return dict(work.session.exec(select(Nomination.status, func.count()).group_by(Nomination.status)).all())


def _household_boundary(members: list, index: int) -> int:
    """Move a split point to a household boundary: a household is nominated together."""
    while 0 < index < len(members) and members[index].cells["household_key"] == members[index - 1].cells[
            "household_key"]:
        index += 1
    return index


def _decide(rng: random.Random, nominator, actors, commune: int, province: int, uow: UnitOfWork, today: date) -> None:
    with uow as work:
        rows = work.session.exec(select(Nomination.id, Nomination.status).where(
            Nomination.commune_code == commune).order_by(Nomination.id)).all()
    posted = [i for i, status in rows if status == "posted"]
    waiting = [i for i, status in rows if status == "nominated"]
    for nomination in waiting[: len(waiting) // 3]:
        nominations.withdraw(nominator, nomination, "Đã có thẻ BHYT theo diện khác", uow=uow)
    if not posted:
        return
    reviewer = actors["demo.tinh"] if province == DEMO_PROVINCE else actors[f"demo.tinh.{province}"]
    rng.shuffle(posted)
    # most approved (at least one of a small list), then a few rejected and a few returned
    cut = [max(1, int(len(posted) * 0.85)), *(int(len(posted) * share) for share in (0.90, 0.95))]
    review.decide(reviewer, posted[: cut[0]], "approve", uow=uow, today=today)
    if cut[1] > cut[0]:
        review.decide(reviewer, posted[cut[0]: cut[1]], "reject", "Đã được cấp thẻ hộ nghèo", uow=uow, today=today)
    if cut[2] > cut[1]:
        review.decide(reviewer, posted[cut[1]: cut[2]], "return", "Bổ sung số CCCD của chủ hộ", uow=uow,
                      today=today)


def province_officer_name(province_name: str, *, second: bool = False) -> str:
    """"Cán bộ BHXH Quảng Trị", written as the office writes it; the second officer is told apart."""
    place = province_name.removeprefix("Tỉnh ").removeprefix("Thành phố ")
    return f"Cán bộ BHXH {place}" + (" (người thứ hai)" if second else "")


def _province_officer(province: int, uow: UnitOfWork, *, second: bool = False) -> Actor:
    """A demo provincial officer of another province (`demo.tinh.NN`, or `demo.tinh2.NN` for the second one, the
    demo password), made once."""
    username = f"demo.tinh{'2' if second else ''}.{province}"
    try:
        return auth.find_actor(username, uow=uow)
    except NotFound:
        with uow as work:
            name = get_province(work.session, province).name
        auth.create_user(SYSTEM_ACTOR, username=username, password=DEMO_PASSWORD, role=PROVINCE_OFFICER,
                         display_name=province_officer_name(name, second=second), province_code=province, uow=uow)
        return auth.find_actor(username, uow=uow)


def has_accounts(*, uow: UnitOfWork | None = None) -> bool:
    with uow or UnitOfWork() as work:
        return work.session.exec(select(UserAccount.id)).first() is not None
