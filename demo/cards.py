"""Demo card purchases: the demo commune's funded people bought in one batch, paid to BHXH and their cards imported
back, through the services officials use, so that every screen and report shows money spent and cards issued."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from db.models import Person, PremiumGroup, Sponsorship
from db.uow import UnitOfWork
from donation.access import auth
from donation.cards import cards
from donation.common.dates import format_date
from donation.common.spreadsheets import write_csv

CARD_PROVINCE = "66"  # the province digits of the 15-character card code
# Benefit levels as printed: the near-poor card's digit is 2 from 1/1/2026 (domain-facts §4); 4 for the others here.
BENEFIT_LEVELS = {"near_poor": 2}


def seed_purchases(commune: int, uow: UnitOfWork, today: date) -> int:
    """Buy the commune's waiting funded people's cards; returns how many cards were imported."""
    officer = auth.find_actor("demo.tinh", uow=uow)
    if not any(code == commune for code, *_ in cards.waiting(officer, uow=uow).by_commune):
        return 0
    batch = cards.create_batch(officer, communes=[commune], note="Đợt mua demo", uow=uow, today=today)
    cards.record_payment(officer, batch.id, paid_on=today, reference="UNC 0001/DEMO", uow=uow, today=today)
    with uow as work:
        objects = dict(work.session.exec(select(PremiumGroup.key, PremiumGroup.object_code)).all())
        taken = set(work.session.exec(select(Person.social_insurance_code).where(
            Person.social_insurance_code.is_not(None))))
        rows = []
        for sponsorship, person in work.session.exec(
                select(Sponsorship, Person).join(Person, Person.id == Sponsorship.person_id)
                .where(Sponsorship.batch_id == batch.id).order_by(Sponsorship.id)):
            number = person.social_insurance_code or f"66{person.id:08d}"
            if not person.social_insurance_code and number in taken:
                continue  # a code BHXH gave someone else: this card waits for the office to type it
            birth = str(person.birth_date.year) if person.birth_year_only else format_date(person.birth_date)
            rows.append([person.full_name, person.national_id or "", person.social_insurance_code or "", birth,
                         f"{objects[sponsorship.group_key]}{BENEFIT_LEVELS.get(sponsorship.group_key, 4)}{CARD_PROVINCE}"
                         f"{number}",
                         format_date(sponsorship.starts_on), format_date(sponsorship.ends_on)])
    if not rows:
        return 0
    issued = write_csv(["Họ và tên", "Số CCCD", "Mã số BHXH", "Ngày sinh", "Mã thẻ BHYT", "Hạn thẻ từ ngày",
                        "Hạn thẻ đến ngày"], rows)
    return cards.import_cards(officer, issued, "the-bhyt-demo.csv", uow=uow, today=today).cards
