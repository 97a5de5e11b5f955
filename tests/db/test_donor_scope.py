"""A provincial officer finds the walk-in donors of their own office only (entered there, or pledged through it);
national officers and administrators find them all. Contact details never cross to another province's officer."""

from datetime import date

import pytest

from donation.access import auth
from donation.pledges import donors, pledges

TODAY = date(2026, 11, 25)


@pytest.fixture
def officers(uow):
    admin = auth.find_actor("demo.admin", uow=uow)
    auth.create_user(admin, username="tinh.khac", password="Mat-khau-dai-du", role="province_officer",
                     province_code=48, uow=uow)
    return {name: auth.find_actor(name, uow=uow) for name in ("demo.tinh", "tinh.khac", "demo.quocgia",
                                                              "demo.admin")}


def _walk_in(actor, uow, name, phone):
    return donors.create_donor(actor, kind="individual", public=False, today=TODAY, uow=uow,
                               fields={"name": name, "phone": phone})


def _found(actor, uow, search=""):
    return {row.name for row in donors.find_donors(actor, search, uow=uow)}


def test_each_province_finds_only_the_donors_of_its_office(uow, officers):
    _walk_in(officers["demo.tinh"], uow, "Nguyễn Văn Đắk", "0912345678")
    _walk_in(officers["tinh.khac"], uow, "Trần Thị Đà", "0987654321")
    assert _found(officers["demo.tinh"], uow) == {"Nguyễn Văn Đắk"}
    assert _found(officers["tinh.khac"], uow) == {"Trần Thị Đà"}
    assert _found(officers["tinh.khac"], uow, "0912") == set()  # nor by a piece of someone else's number
    for everyone in ("demo.quocgia", "demo.admin"):
        assert _found(officers[everyone], uow) == {"Nguyễn Văn Đắk", "Trần Thị Đà"}


def test_a_donor_who_pledged_through_an_office_is_found_there(uow, officers):
    national = _walk_in(officers["demo.quocgia"], uow, "Lê Văn Quốc", "0911111111")
    assert _found(officers["demo.tinh"], uow) == set()
    pledges.create_pledge(officers["demo.tinh"], amount=2_000_000, donor_id=national.id, province_code=66,
                          today=TODAY, uow=uow)
    assert _found(officers["demo.tinh"], uow) == {"Lê Văn Quốc"}
    assert _found(officers["tinh.khac"], uow) == set()


def test_an_organisation_is_found_anywhere_by_its_full_tax_code(uow, officers):
    donors.create_donor(officers["demo.tinh"], kind="organisation", public=True, today=TODAY, uow=uow,
                        fields={"name": "Công ty TNHH Hòa Bình", "tax_code": "0101234567",
                                "representative": "Ông Trần Văn Nam", "address": "12 Lê Lợi, Tuy Hòa"})
    assert _found(officers["tinh.khac"], uow, "hoa binh") == set()
    assert _found(officers["tinh.khac"], uow, "0101234567") == {"Công ty TNHH Hòa Bình"}
