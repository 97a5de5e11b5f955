"""Donors, offices' accounts and pledges against a real database: scope, instalments, codes, VietQR, cancelling."""

from datetime import date

import pytest
from sqlmodel import func, select

from db.models import Donor, Instalment, Pledge, ReceivingOffice, UserAccount
from donation.access import audit, auth, offices
from donation.access.actors import Actor
from donation.common.errors import Forbidden, InvalidInput, NotFound
from donation.pledges import donors, pledges, vietqr

TODAY = date(2026, 11, 25)


@pytest.fixture
def people(uow):
    return {name: auth.find_actor(name, uow=uow) for name in ("demo.nhataitro", "demo.tinh", "demo.quocgia",
                                                                 "demo.admin", "demo.xa")}


def pledge(actor, uow, **kwargs):
    return pledges.create_pledge(actor, **{"amount": 2_000_000, "months": 12, "province_code": 66, "today": TODAY,
                                           "uow": uow, **kwargs})


def test_a_donor_pledges_to_a_province_and_gets_its_office_vietqr(uow, people):
    row = pledge(people["demo.nhataitro"], uow, groups=["pupil", "student"])
    assert (row.office_code, row.scope, row.status, row.amount, row.paid) == (66, "Đắk Lắk", "pledged", 2_000_000, 0)
    assert row.rule_version == "2026-07" and row.groups == ("pupil", "student")
    code = pledges.payment_code(row.code.lower(), uow=uow)  # codes match ignoring case
    read = vietqr.read_payload(code.payload)
    with uow as work:
        office = offices.office_of(work.session, 66)
    assert (read.bank_bin, read.account_number, read.amount, read.message) == (
        office.bank_bin, office.account_number, 2_000_000, row.code)
    with uow as work:
        assert audit.list_events(work.session, action="create_pledge")[1] == 1


def test_a_pledge_anywhere_goes_to_the_national_office(uow, people):
    row = pledge(people["demo.nhataitro"], uow, province_code=None)
    assert (row.office_code, row.scope) == (0, "Cả nước")
    assert pledges.list_pledges(people["demo.quocgia"], uow=uow)[1] == 1
    assert pledges.list_pledges(people["demo.tinh"], uow=uow)[1] == 0


def test_a_commune_pledge_goes_to_its_province(uow, people):
    row = pledge(people["demo.nhataitro"], uow, province_code=None, commune_code=22276)
    assert (row.office_code, row.scope) == (66, "Xã Hòa Thịnh, Đắk Lắk")


def test_a_pledge_of_cards_is_priced_when_made(uow, people):
    row = pledge(people["demo.nhataitro"], uow, amount=None, cards=10, groups=["pupil"])
    assert (row.cards, row.amount) == (10, 10 * 683_100)  # the donor's half of 4.5% of 2,530,000 for 12 months
    with pytest.raises(InvalidInput, match="đúng một nhóm"):
        pledge(people["demo.nhataitro"], uow, amount=None, cards=10, groups=["pupil", "student"])


@pytest.mark.parametrize(("plan", "message"), [
    ([(1_000_000, date(2026, 12, 1)), (900_000, date(2027, 1, 1))], "cộng lại 1.900.000 ₫, khác số tiền cam kết"),
    ([(1_000_000, date(2026, 11, 1)), (1_000_000, date(2027, 1, 1))], "Đợt 1: hạn nộp 01/11/2026 đã qua"),
    ([(1_000_000, date(2027, 1, 1)), (1_000_000, date(2026, 12, 1))], "Đợt 2: hạn nộp phải sau hạn của đợt 1"),
    ([(0, date(2027, 1, 1)), (2_000_000, date(2027, 2, 1))], "Đợt 1: số tiền phải là số nguyên đồng lớn hơn 0"),
])
def test_instalments_are_checked(uow, people, plan, message):
    with pytest.raises(InvalidInput, match=message):
        pledge(people["demo.nhataitro"], uow, instalments=plan)
    with uow as work:
        assert work.session.exec(select(func.count()).select_from(Pledge)).one() == 0


def test_each_instalment_has_its_own_code(uow, people):
    row = pledge(people["demo.nhataitro"], uow, instalments=[(1_200_000, date(2026, 12, 1)),
                                                             (800_000, date(2027, 1, 1))])
    assert [(i.number, i.amount, i.due) for i in row.instalments] == [(1, 1_200_000, 1_200_000), (2, 800_000, 800_000)]
    second = pledges.payment_code(row.code, instalment=2, uow=uow)
    assert (second.amount, second.message) == (800_000, f"{row.code} DOT 2")
    assert vietqr.read_payload(second.payload).amount == 800_000
    with pytest.raises(NotFound, match="không có đợt 3"):
        pledges.payment_code(row.code, instalment=3, uow=uow)


def test_an_office_without_an_account_takes_no_pledge(uow, people):
    with uow as work:
        work.session.get(ReceivingOffice, 66).account_number = ""
        work.commit()
    with pytest.raises(InvalidInput, match="BHXH Đắk Lắk chưa khai báo tài khoản nhận tiền"):
        pledge(people["demo.nhataitro"], uow)


def test_a_donor_sees_only_their_own_and_an_officer_only_their_office(uow, people):
    mine = pledge(people["demo.nhataitro"], uow)
    other = donors.register(kind="individual", username="ba.lan", password="Mat-khau-dai-du",
                            fields={"name": "Lê Thị Lan", "phone": "0987654321"}, public=False, today=TODAY, uow=uow)
    theirs = pledge(other, uow, province_code=48)
    assert [r.code for r in pledges.list_pledges(people["demo.nhataitro"], uow=uow)[0]] == [mine.code]
    assert [r.code for r in pledges.list_pledges(other, uow=uow)[0]] == [theirs.code]
    with pytest.raises(Forbidden, match="không phải của bạn"):
        pledges.get_pledge(people["demo.nhataitro"], theirs.code, uow=uow)
    assert [r.code for r in pledges.list_pledges(people["demo.tinh"], uow=uow)[0]] == [mine.code]
    with pytest.raises(Forbidden):
        pledges.get_pledge(people["demo.tinh"], theirs.code, uow=uow)
    with pytest.raises(Forbidden):
        pledges.list_pledges(people["demo.tinh"], office=48, uow=uow)
    assert pledges.list_pledges(people["demo.admin"], uow=uow)[1] == 2
    with pytest.raises(Forbidden):
        pledges.list_pledges(people["demo.xa"], uow=uow)


def test_an_officer_enters_a_walk_in_for_their_own_office_only(uow, people):
    walk_in = donors.create_donor(people["demo.tinh"], kind="organisation", public=True, today=TODAY, uow=uow,
                                  fields={"name": "Công ty TNHH Hòa Bình", "tax_code": "0101234567",
                                          "representative": "Ông Trần Văn Nam", "address": "12 Lê Lợi, Tuy Hòa"})
    row = pledge(people["demo.tinh"], uow, donor_id=walk_in.id)
    assert row.donor == "Công ty TNHH Hòa Bình" and row.office_code == 66
    with pytest.raises(Forbidden):
        pledge(people["demo.tinh"], uow, donor_id=walk_in.id, province_code=48)
    with pytest.raises(InvalidInput, match="Mã số thuế 0101234567 đã có nhà tài trợ"):
        donors.create_donor(people["demo.tinh"], kind="organisation", public=True, today=TODAY, uow=uow,
                            fields={"name": "Khác", "tax_code": "0101234567", "representative": "A",
                                    "address": "B"})
    assert [d.id for d in donors.find_donors(people["demo.tinh"], "hoa binh", uow=uow)] == [walk_in.id]


def test_cancel_follows_the_pledges_life(uow, people):
    row = pledge(people["demo.nhataitro"], uow)
    with pytest.raises(InvalidInput, match="Ghi lý do"):
        pledges.cancel_pledge(people["demo.nhataitro"], row.code, " ", uow=uow)
    cancelled = pledges.cancel_pledge(people["demo.nhataitro"], row.code, "Đổi ý", uow=uow)
    assert cancelled.status == "cancelled"
    with pytest.raises(InvalidInput, match="từ «Đã hủy» sang «Đã hủy»: cam kết đã hủy"):
        pledges.cancel_pledge(people["demo.tinh"], row.code, "lần nữa", uow=uow)
    with pytest.raises(InvalidInput, match="đã hủy: không cần nộp thêm"):
        pledges.payment_code(row.code, uow=uow)


def test_registration_makes_the_account_and_profile_together_or_neither(uow):
    with pytest.raises(InvalidInput, match="Mật khẩu phải có ít nhất 10 ký tự"):
        donors.register(kind="individual", username="co.hoa", password="ngan", fields={"name": "Hoa",
                        "email": "hoa@example.com"}, public=True, today=TODAY, uow=uow)
    with uow as work:
        assert not work.session.exec(select(UserAccount).where(UserAccount.username == "co.hoa")).first()
    actor = donors.register(kind="individual", username="co.hoa", password="Mat-khau-dai-du",
                            fields={"name": "Hoa", "email": "hoa@example.com"}, public=True, today=TODAY, uow=uow)
    assert actor.role == "donor" and donors.my_profile(actor, uow=uow).public_name == "Hoa"
    assert auth.sign_in("co.hoa", "Mat-khau-dai-du", uow=uow).actor.username == "co.hoa"
    with uow as work:
        assert work.session.exec(select(func.count()).select_from(Donor)).one() == 2  # and the demo donor


def test_only_an_administrator_sets_an_account_and_bad_ones_are_refused(uow, people):
    with pytest.raises(Forbidden):
        offices.set_account(people["demo.tinh"], 66, bank_bin="970436", account_number="0123456789",
                            account_holder="BHXH tinh", uow=uow)
    with pytest.raises(InvalidInput, match="BIN"):
        offices.set_account(people["demo.admin"], 66, bank_bin="123456", account_number="0123456789",
                            account_holder="BHXH tinh", uow=uow)
    with pytest.raises(InvalidInput, match="Tên chủ tài khoản có ký tự điều khiển"):
        offices.set_account(people["demo.admin"], 66, bank_bin="970436", account_number="0123456789",
                            account_holder="BHXH\u202e tinh", uow=uow)
    office = offices.set_account(people["demo.admin"], "national", bank_bin="970436",
                                 account_number="0011-0012-3456", account_holder=" bhxh   viet nam ", uow=uow)
    assert (office.code, office.account_number, office.account_holder, office.bank_name) == (
        0, "001100123456", "BHXH VIET NAM", "Vietcombank")


def test_every_office_exists_once(uow):
    with uow as work:
        assert work.session.exec(select(func.count()).select_from(ReceivingOffice)).one() == 35
        assert work.session.exec(select(func.count()).select_from(Instalment)).one() == 0


def test_nobody_outside_the_roles_pledges(uow):
    with pytest.raises(Forbidden):
        pledges.create_pledge(Actor("x", "commune_official", province_code=66, commune_code=22276, user_id=1),
                              amount=1_000_000, today=TODAY, uow=uow)


def test_unpaid_pledges_expire_after_the_setting(uow, people):
    from datetime import timedelta

    old = pledge(people["demo.nhataitro"], uow, today=date(2026, 8, 1))
    planned = pledge(people["demo.nhataitro"], uow, today=date(2026, 8, 1),
                     instalments=[(1_000_000, date(2026, 9, 1)), (1_000_000, date(2026, 11, 1))])
    fresh = pledge(people["demo.nhataitro"], uow, today=TODAY - timedelta(days=10))
    with pytest.raises(Forbidden):
        pledges.expire_unpaid(people["demo.tinh"], today=TODAY, uow=uow)
    assert pledges.expire_unpaid(people["demo.admin"], today=TODAY, dry_run=True, uow=uow) == [old.code]
    assert pledges.expire_unpaid(people["demo.admin"], today=TODAY, uow=uow) == [old.code]
    assert pledges.get_pledge(people["demo.nhataitro"], old.code, uow=uow).status == "expired"
    with pytest.raises(InvalidInput, match="hết hạn: không cần nộp thêm"):
        pledges.payment_code(old.code, uow=uow)
    assert {pledges.get_pledge(people["demo.admin"], c, uow=uow).status for c in (planned.code, fresh.code)} == {
        "pledged"}
    assert pledges.expire_unpaid(people["demo.admin"], today=date(2027, 1, 1), uow=uow) == [planned.code]


def test_officials_pledge_only_for_walk_in_donors(uow, people):
    registered = donors.register(kind="individual", username="co.lan", password="Mat-khau-dai-du",
                                 fields={"name": "Lê Thị Lan", "phone": "0987654321"}, public=False, today=TODAY,
                                 uow=uow)
    assert donors.find_donors(people["demo.tinh"], "lan", uow=uow) == []
    with uow as work:
        donor_id = donors.donor_of(work.session, registered).id
    with pytest.raises(Forbidden, match="có tài khoản riêng"):
        pledge(people["demo.tinh"], uow, donor_id=donor_id)


@pytest.mark.parametrize(("fields", "field"), [
    ({"name": "Hoa\u202e", "email": "hoa@example.com"}, "Tên"),
    ({"name": "Công ty Hoa", "tax_code": "0101234567", "representative": "Bà\x00Hoa", "address": "Hà Nội"},
     "Người đại diện"),
])
def test_donor_names_refuse_control_characters(uow, fields, field):
    kind = "organisation" if "tax_code" in fields else "individual"
    with pytest.raises(InvalidInput, match=f"{field} có ký tự điều khiển hoặc ký tự ẩn"):
        donors.register(kind=kind, username="co.hoa", password="Mat-khau-dai-du", fields=fields, public=True,
                        today=TODAY, uow=uow)
