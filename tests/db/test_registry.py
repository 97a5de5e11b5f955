"""The registry against real databases: import, duplicates, price, scope, all-or-nothing, form, withdraw."""

from datetime import date

import pytest
from sqlmodel import func, select

from db.models import Commune, Household, Nomination, Person
from donation.access import audit, auth
from donation.access.actors import Actor
from donation.common.errors import Forbidden, InvalidInput
from donation.registry import nominations
from tests.workbooks import MIXED, MIXED_ACCEPTED_ROWS, MIXED_REFUSED, person, workbook

TODAY = date(2026, 11, 25)
XA = 22276  # Xã Hòa Thịnh, Đắk Lắk: demo.xa's commune
OTHER_XA = 24175  # Xã Hòa Phú, Đắk Lắk


@pytest.fixture
def xa(uow):
    return auth.find_actor("demo.xa", uow=uow)


def run(actor, uow, rows, commune=XA, **kwargs):
    kwargs.setdefault("consent", True)
    return nominations.import_nominations(actor, workbook(rows), "ds.xlsx", commune_code=commune, uow=uow, today=TODAY,
                                       **kwargs)


def count(uow, table) -> int:
    with uow as work:
        return work.session.exec(select(func.count()).select_from(table)).one()


def test_mixed_file(uow, xa):
    report = run(xa, uow, MIXED)
    data = report.as_dict()
    assert (data["rows"], data["accepted"], data["rejected"], data["committed"]) == (9, 4, 5, True)
    assert [c.row for c in report.accepted] == MIXED_ACCEPTED_ROWS
    assert {e["row"]: e["code"] for e in data["errors"]} == MIXED_REFUSED
    assert {(w["row"], w["code"]) for w in data["warnings"]} == {(4, "cccd_repaired"), (13, "card_still_valid")}
    assert count(uow, Nomination) == 4 and count(uow, Person) == 4
    assert count(uow, Household) == 2  # H01 (three people) and H07
    with uow as work:
        nomination = work.session.exec(select(Nomination).where(Nomination.group_key == "near_poor")).one()
        assert nomination.flood_damage == "destroyed" and nomination.province_code == 66
        assert nomination.priority_explanation == "Hộ cận nghèo 30 + Nhà bị sập, cuốn trôi 40 = 70"
        assert nomination.health_facility == "Trạm y tế Xã Hòa Thịnh"
        events, _ = audit.list_events(work.session, action="import_nominations")
    assert '"saved":4' in events[0].after and "066" not in events[0].after  # counts, no identifiers


def test_dry_run_saves_nothing(uow, xa):
    report = run(xa, uow, MIXED, dry_run=True, consent=False)
    assert report.as_dict()["committed"] is False and len(report.accepted) == 4
    assert count(uow, Nomination) == 0


def test_nothing_is_saved_without_consent(uow, xa):
    with pytest.raises(InvalidInput, match="đã đồng ý"):
        run(xa, uow, MIXED, consent=False)


def test_people_already_nominated_are_refused_and_where_is_told_only_in_scope(uow, xa):
    run(xa, uow, MIXED)
    again = run(xa, uow, MIXED[:1])
    assert [(e.code, e.message) for e in again.errors] == [
        ("duplicate_in_database", "Người này đã được đề cử ở Xã Hòa Thịnh: không đề cử lại")]
    officer_elsewhere = Actor("other", "commune_official", province_code=66, commune_code=OTHER_XA, user_id=1)
    report = run(officer_elsewhere, uow, MIXED[:1], commune=OTHER_XA)
    assert report.errors[0].message == "Người này đã được đề cử ở địa phương khác: không đề cử lại"


def test_same_name_and_birth_in_the_commune_needs_confirmation(uow, xa):
    run(xa, uow, [person("Lý Thị Hoa", "01/01/1980", "Nữ", "066180000001", "H1", "Hộ gia đình")])
    twin = [person("Lý Thị Hoa", "01/01/1980", "Nữ", "066180000002", "H1", "Hộ gia đình")]
    refused = run(xa, uow, twin)
    assert [e.code for e in refused.errors] == ["similar_person"] and not refused.committed
    confirmed = run(xa, uow, twin, confirm_similar=True)
    assert confirmed.committed and [w.code for w in confirmed.warnings] == ["similar_person"]


def test_near_poor_in_a_poor_commune_is_not_queued_for_donors(uow, xa):
    with uow as work:
        work.session.get(Commune, XA).is_poor = True
        work.commit()
    report = run(xa, uow, [person("Mai Văn K", "01/01/1980", "Nam", "066080000009", "H1", "Hộ cận nghèo")])
    assert [e.code for e in report.errors] == ["state_pays_all"] and not report.committed


def test_children_under_six_are_not_queued_for_donors(uow, xa):
    report = run(xa, uow, [person("Bé Na", "01/01/2023", "Nữ", "066323000009", "H1", "Hộ gia đình")])
    assert [e.code for e in report.errors] == ["state_pays_all"]


def test_the_import_is_all_or_nothing_when_saving_fails_midway(uow, xa, monkeypatch):
    inserts = []
    real_insert = nominations.bulk_insert

    def failing_insert(connection, table, rows):
        inserts.append(table.name)
        if table.name == "nomination":  # households and people are written by now
            raise RuntimeError("disk full")
        real_insert(connection, table, rows)

    monkeypatch.setattr(nominations, "bulk_insert", failing_insert)
    with pytest.raises(RuntimeError):
        run(xa, uow, MIXED)
    assert inserts == ["person", "nomination"]
    assert count(uow, Person) == count(uow, Household) == count(uow, Nomination) == 0


@pytest.mark.parametrize(
    ("actor", "commune"),
    [
        (Actor("x2", "commune_official", province_code=66, commune_code=OTHER_XA, user_id=1), XA),
        (Actor("t2", "province_officer", province_code=1, user_id=1), XA),
        (Actor("d", "donor", user_id=1), XA),
        (Actor("q", "national_officer", user_id=1), XA),
    ],
)
def test_nobody_reads_or_writes_another_communes_people(uow, xa, actor, commune):
    run(xa, uow, MIXED)
    with pytest.raises(Forbidden):
        run(actor, uow, MIXED[:1], commune=commune)
    with pytest.raises(Forbidden):
        nominations.list_nominations(actor, commune_code=commune, uow=uow)
    with uow as work:
        nomination_id = work.session.exec(select(Nomination.id)).first()
    with pytest.raises(Forbidden):
        nominations.withdraw(actor, nomination_id, "thử", uow=uow)


def test_province_officer_works_in_any_commune_of_the_province(uow, xa):
    officer = auth.find_actor("demo.tinh", uow=uow)
    assert run(officer, uow, MIXED[:1], commune=OTHER_XA).committed


def test_list_masks_identifiers_and_orders_by_priority(uow, xa):
    run(xa, uow, MIXED)
    rows, total = nominations.list_nominations(xa, commune_code=XA, uow=uow)
    assert total == 4
    assert [r.priority_score for r in rows] == sorted((r.priority_score for r in rows), reverse=True)
    assert all("•" in r.identifier and r.identifier[-4:].isdigit() for r in rows)
    found, total = nominations.list_nominations(xa, commune_code=XA, search="nguyen van", uow=uow)
    assert total == 2 and {r.full_name for r in found} == {"Nguyễn Văn An", "Nguyễn Văn Cường"}


def test_withdraw(uow, xa):
    run(xa, uow, MIXED)
    rows, _ = nominations.list_nominations(xa, commune_code=XA, uow=uow)
    with pytest.raises(InvalidInput, match="Ghi lý do"):
        nominations.withdraw(xa, rows[0].id, " ", uow=uow)
    nominations.withdraw(xa, rows[0].id, "Đã chuyển đi", uow=uow)
    with pytest.raises(InvalidInput, match="Đã rút"):
        nominations.withdraw(xa, rows[0].id, "lần nữa", uow=uow)
    assert nominations.list_nominations(xa, commune_code=XA, status="withdrawn", uow=uow)[1] == 1


def test_household_form_saves_all_members_or_none(uow, xa):
    members = [{"full_name": "Đinh Văn Tú", "birth_date": "05/06/1979", "gender": "Nam",
                "national_id": "066079000555", "group": "household"},
               {"full_name": "Đinh Thị Mơ", "birth_date": "2031", "gender": "Nữ",
                "national_id": "066310000556", "group": "pupil"}]
    report = nominations.nominate_household(xa, commune_code=XA, members=members, consent=True, uow=uow, today=TODAY)
    assert not report.committed and [e.row for e in report.errors] == [2] and count(uow, Nomination) == 0
    members[1]["birth_date"] = "2012"
    members[1]["national_id"] = "066312000556"
    report = nominations.nominate_household(xa, commune_code=XA, members=members, consent=True, uow=uow, today=TODAY)
    assert report.committed and count(uow, Nomination) == 2 and count(uow, Household) == 1
