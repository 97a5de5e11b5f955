"""Demo donors and pledges: every kind of donor and every payment status, made through the officials' services.

Budgets, companies and individuals pledge to Đắk Lắk, to a commune there, or to the whole country; some pay in full
(by bank statement or at the office), some in part, some not yet; some cancel, some let their pledge expire.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta

from sqlmodel import func, select

from db.models import Pledge
from db.uow import UnitOfWork
from demo.people import GIVEN_FEMALE, GIVEN_MALE, MIDDLE_FEMALE, SURNAMES
from donation.access import auth
from donation.access.actors import SYSTEM_ACTOR
from donation.common.identity import check_tax_code
from donation.payments import payments, reconcile
from donation.pledges import donors, pledges

COMPANIES = ["Công ty TNHH Sông Ba", "Công ty CP Cà phê Buôn Ma Thuột", "Công ty TNHH Vận tải Tuy Hòa",
             "Ngân hàng TMCP Đông Á chi nhánh Đắk Lắk", "Công ty CP Thủy điện Ea Krông", "Hội Doanh nhân trẻ Phú Yên"]
BUDGETS = [("UBND tỉnh Đắk Lắk", "UBND tỉnh Đắk Lắk"), ("UBND xã Hòa Thịnh", "UBND xã Hòa Thịnh"),
           ("Sở Tài chính tỉnh Đắk Lắk", "UBND tỉnh Đắk Lắk")]
# status wanted -> share of the pledges
PLAN = {"paid_by_statement": 20, "paid_at_office": 10, "partly_paid": 25, "pledged": 25, "cancelled": 10,
        "expired": 10}


def _tax_code(rng: random.Random) -> str:
    return check_tax_code(f"{rng.randint(40, 60):02d}{rng.randint(0, 99_999_999):08d}")


def seed_pledges(count: int, *, seed: int, uow: UnitOfWork, today: date) -> dict[str, int]:
    """`count` pledges into an empty pledge book; returns the count per status."""
    with uow as work:
        if work.session.exec(select(Pledge.id)).first() is not None:
            return {}
    rng = random.Random(seed)
    staff = {name: auth.find_actor(name, uow=uow) for name in ("demo.tinh", "demo.tinh2", "demo.quocgia",
                                                                  "demo.admin", "demo.nhataitro")}
    walk_ins = _donors(rng, staff, uow, today)
    outcomes = rng.choices(list(PLAN), weights=list(PLAN.values()), k=count)
    statement: list[list[object]] = []
    for index, outcome in enumerate(outcomes):
        anywhere = index % 4 == 3
        officer = staff["demo.quocgia"] if anywhere else staff["demo.tinh"]
        made_on = today - timedelta(days=rng.randint(80, 120) if outcome == "expired" else rng.randint(3, 40))
        amount = rng.choice([1_366_200, 2_000_000, 5_000_000, 10_000_000, 50_000_000])
        own = index % 5 == 0 and not anywhere
        kwargs = {"amount": amount, "province_code": None if anywhere else 66, "today": made_on,
                  "commune_code": 22276 if index % 7 == 1 and not anywhere else None,
                  "groups": rng.choice([[], ["pupil", "student"], ["near_poor"], ["household"]])}
        if outcome == "partly_paid" and rng.random() < 0.5:
            half = amount // 2
            kwargs["instalments"] = [(half, made_on + timedelta(days=10)), (amount - half, made_on + timedelta(days=40))]
        if own:
            row = pledges.create_pledge(staff["demo.nhataitro"], uow=uow, **kwargs)
        else:
            row = pledges.create_pledge(officer, donor_id=rng.choice(walk_ins), uow=uow, **kwargs)
        paid_on = made_on + timedelta(days=rng.randint(0, 2))
        if outcome == "paid_by_statement" and not anywhere:
            statement.append([f"{paid_on:%d/%m/%Y}", amount, f"CT DEN:{rng.randint(10**6, 10**7)} {row.code} ung ho",
                              f"FT{seed:02d}{index:06d}"])
        elif outcome in ("paid_at_office", "partly_paid") or outcome == "paid_by_statement":
            part = amount if outcome != "partly_paid" else amount // rng.choice([2, 3, 4])
            method = "treasury" if rng.random() < 0.2 else rng.choice(["cash", "bank_transfer"])
            recorded = payments.record_payment(officer, row.code, amount=part, method=method, paid_on=paid_on,
                                               today=today, decision_number="125/QĐ-UBND" if method == "treasury"
                                               else "", bank_reference=f"FT{seed:02d}{index:06d}M"
                                               if method == "bank_transfer" else "", uow=uow)
            # the second officer of the receiving office confirms (the administrator for BHXH Việt Nam)
            payments.confirm_payment(staff["demo.admin" if anywhere else "demo.tinh2"], recorded.id, uow=uow)
        elif outcome == "cancelled":
            pledges.cancel_pledge(officer, row.code, "Nhà tài trợ đổi kế hoạch", uow=uow)
    # what a bank statement looks like: the lines with a pledge code, one without, and a debit
    statement.append([f"{today - timedelta(days=2):%d/%m/%Y}", 300_000, "CHUYEN TIEN UNG HO", f"FT{seed:02d}999998"])
    statement.append([f"{today - timedelta(days=2):%d/%m/%Y}", -22_000, "PHI DICH VU", f"FT{seed:02d}999999"])
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["Ngày giao dịch", "Số tiền", "Nội dung", "Mã giao dịch"], *statement])
    reconcile.reconcile(staff["demo.tinh"], buffer.getvalue().encode(), "sao-ke-mau.csv", today=today, uow=uow)
    pledges.expire_unpaid(SYSTEM_ACTOR, today=today, uow=uow)
    with uow as work:
        return dict(work.session.exec(select(Pledge.status, func.count()).group_by(Pledge.status)).all())


def _donors(rng: random.Random, staff: dict, uow: UnitOfWork, today: date) -> list[int]:
    made = []
    for name, authority in BUDGETS:
        made.append(donors.create_donor(staff["demo.tinh"], kind="budget", public=True, today=today, uow=uow, fields={
            "name": name, "authority": authority, "decision_number": f"{rng.randint(100, 999)}/QĐ-UBND",
            "decision_date": f"{today - timedelta(days=rng.randint(5, 30)):%d/%m/%Y}"}).id)
    for name in COMPANIES:
        made.append(donors.create_donor(staff["demo.tinh"], kind="organisation", public=rng.random() < 0.7,
                                        today=today, uow=uow, fields={
                                            "name": name, "tax_code": _tax_code(rng),
                                            "representative": f"{rng.choice(SURNAMES)} Văn {rng.choice(GIVEN_MALE)}",
                                            "address": "Đắk Lắk"}).id)
    for _ in range(6):
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}"
        made.append(donors.create_donor(staff["demo.quocgia"], kind="individual", public=rng.random() < 0.5,
                                        today=today, uow=uow,
                                        fields={"name": name, "phone": f"09{rng.randint(10**7, 10**8 - 1)}"}).id)
    return made
