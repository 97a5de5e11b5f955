"""The registry against real databases: import, duplicates, price, scope, all-or-nothing, households kept whole,
the refused rows' file, form, list, withdraw."""

import io
from datetime import date, timedelta

import pytest
import xlsxwriter
from sqlmodel import func, select

from db.models import Commune, Household, Nomination, Person
from donation.access import audit, auth
from donation.access.actors import Actor
from donation.common.errors import Forbidden, InvalidInput
from donation.registry import nominations, review
from donation.registry.nomination_rows import COLUMNS, template_header
from tests.workbooks import (
    H10,
    HEADERS,
    MIXED,
    MIXED_ACCEPTED_ROWS,
    MIXED_REFUSED,
    corrected,
    person,
    sheets,
    workbook,
)

TODAY = date(2026, 11, 25)
XA = 22276  # Xã Hòa Thịnh, Đắk Lắk: demo.xa's commune
OTHER_XA = 24175  # Xã Hòa Phú, Đắk Lắk


@pytest.fixture
def xa(uow):
    return auth.find_actor("demo.xa", uow=uow)


def run(actor, uow, rows, commune=XA, **kwargs):
    kwargs.setdefault("consent", True)
    kwargs.setdefault("today", TODAY)
    return nominations.import_nominations(actor, workbook(rows), "ds.xlsx", commune_code=commune, uow=uow, **kwargs)


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
    # PostgreSQL writes the households through the same bulk insert (one COPY); SQLite with RETURNING
    assert inserts == (["household"] if uow.engine.dialect.name == "postgresql" else []) + ["person", "nomination"]
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


def test_list_masks_identifiers_and_keeps_households_together_by_priority(uow, xa):
    run(xa, uow, MIXED)
    rows, total = nominations.list_nominations(xa, commune_code=XA, uow=uow)
    assert total == 4
    # H07 (70 points) first; then H01, whose members stand together in the file's order whatever their own score
    assert [(r.household, r.full_name) for r in rows] == [
        ("Đặng Văn H (H07)", "Đặng Văn H"), ("Nguyễn Văn An (H01)", "Nguyễn Văn An"),
        ("Nguyễn Văn An (H01)", "Trần Thị Bình"), ("Nguyễn Văn An (H01)", "Nguyễn Văn Cường")]
    top = {}
    for r in rows:
        top[r.household_id] = max(top.get(r.household_id, 0), r.priority_score)
    assert list(top.values()) == sorted(top.values(), reverse=True)
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


# Households kept whole -----------------------------------------------------------------------------------------------

def nominated_names(uow) -> set[str]:
    with uow as work:
        return set(work.session.exec(select(Person.full_name).join(Nomination, Nomination.person_id == Person.id)))


def test_a_household_with_a_refused_row_is_held_back_whole(uow, xa):
    report = run(xa, uow, H10)
    assert [c.row for c in report.accepted] == [6] and report.committed
    assert [(e.row, e.code) for e in report.errors] == [(5, "future_date")]
    assert [(h.row, h.column, h.code) for h in report.held] == [(4, "Mã hộ", "household_held_back")]
    assert report.held[0].message.startswith("Cùng hộ H10 với dòng 5 bị từ chối: cả hộ chưa được lưu")
    [split] = report.split
    assert (split.key, split.valid_rows, split.refused_rows) == ("H10", (4,), (5,))
    assert "ở tương lai" in split.reasons[0]
    assert nominated_names(uow) == {"Lò Văn Sáu"}
    data = report.as_dict()
    assert [h["row"] for h in data["held_back"]] == [4] and data["split_households"][0]["household"] == "H10"


def test_saving_the_valid_rows_alone_is_the_officials_choice(uow, xa):
    preview = run(xa, uow, H10, dry_run=True, keep_households=False)
    assert [c.row for c in preview.accepted] == [4, 6] and not preview.held and preview.split[0].key == "H10"
    report = run(xa, uow, H10, keep_households=False)
    assert report.committed and nominated_names(uow) == {"Phan Văn Long", "Lò Văn Sáu"}


def test_a_file_whose_only_household_is_held_back_saves_nothing(uow, xa):
    report = run(xa, uow, H10[:2])
    assert not report.accepted and not report.committed and count(uow, Nomination) == 0


def test_people_who_need_no_donor_or_are_already_nominated_do_not_hold_their_household_back(uow, xa):
    run(xa, uow, [H10[0]], keep_households=False)  # the head is nominated already
    family = [H10[0],
              person("Phan Thị Mai", "01/01/1982", "Nữ", "066182000302", "H10", "Hộ gia đình"),
              person("Phan Bé Na", "01/01/2023", "Nữ", "066323000304", "H10", "Hộ gia đình")]  # the state pays
    report = run(xa, uow, family)
    assert {(e.row, e.code) for e in report.errors} == {(4, "duplicate_in_database"), (6, "state_pays_all")}
    assert not report.held and [c.row for c in report.accepted] == [5]


def test_the_refused_rows_file_reads_back_and_imports_once_corrected(uow, xa):
    mixed_household = [*H10, MIXED[0]]  # row 7: a CCCD typed as a number that lost its leading zero
    mixed_household[3] = person("Hà Văn Tư", "2099", "Nam", 66099000305.0, "H12", "Hộ gia đình")
    report = run(xa, uow, mixed_household)
    book = sheets(nominations.refused_xlsx(report))
    assert list(book) == ["Danh sách đề cử", "Hướng dẫn"]
    rows = book["Danh sách đề cử"]
    assert rows[0] == [*HEADERS, "Vì sao chưa lưu"]  # the template's layout, the reason last
    assert [row[0] for row in rows[1:]] == ["Phan Văn Long", "Phan Thị Hạnh", "Hà Văn Tư"]
    long_, hanh, tu = rows[1:]
    assert long_[:8] == ["Phan Văn Long", "10/10/1980", "Nam", "066080000301", "", "H10", "Chủ hộ", "Hộ gia đình"]
    assert long_[-1].startswith("Dòng 4 của tệp gốc. Mã hộ: Cùng hộ H10 với dòng 5 bị từ chối")
    assert hanh[1] == "01/01/2082" and hanh[-1].startswith("Dòng 5 của tệp gốc. Ngày sinh: Ngày sinh 01/01/2082 ở")
    assert tu[1:4] == ["2099", "Nam", "66099000305"]  # as the file had it
    assert not any(code in str(cell) for row in rows for cell in row for code in ("future_date", "household_held"))

    as_downloaded = nominations.import_nominations(xa, nominations.refused_xlsx(report), "sua.xlsx", commune_code=XA,
                                                   consent=True, uow=uow, today=TODAY)
    assert [(e.row, e.code) for e in as_downloaded.errors] == [(3, "future_date"), (4, "future_date")]
    assert [h.row for h in as_downloaded.held] == [2] and not as_downloaded.committed

    fixed = corrected(rows, {(2, "Ngày sinh"): "01/01/1982", (3, "Ngày sinh"): "1999"})
    again = nominations.import_nominations(xa, fixed, "sua.xlsx", commune_code=XA, consent=True, uow=uow,
                                           today=TODAY)
    assert again.committed and not again.errors and not again.held and [c.row for c in again.accepted] == [2, 3, 4]
    assert [w.code for w in again.warnings] == ["cccd_repaired"]
    with uow as work:
        households = work.session.exec(select(Household.key, func.count()).join(Nomination)
                                       .group_by(Household.id, Household.key).order_by(Household.key)).all()
    assert households == [("H10", 2), ("H11", 1), ("H12", 1)]  # H10 saved whole, as one household


def test_the_error_file_speaks_vietnamese(uow, xa):
    report = run(xa, uow, [*MIXED, *H10], dry_run=True, consent=False)
    rows = sheets(nominations.errors_xlsx(report))["Lỗi và cảnh báo"]
    assert rows[0] == ["Dòng", "Cột", "Loại", "Vấn đề và cách sửa"]
    kinds = {row[2] for row in rows[1:]}
    assert kinds == {"Lỗi: dòng không được lưu", "Giữ lại cùng hộ", "Cảnh báo: vẫn lưu"}
    codes = {issue.code for issue in report.errors + report.warnings + report.held}
    assert not {str(cell) for row in rows for cell in row} & codes
    assert [row[0] for row in rows[1:]] == sorted(row[0] for row in rows[1:])


def test_the_template_names_columns_in_vietnamese_and_old_templates_still_import(uow, xa):
    book = sheets(nominations.template_xlsx())
    assert book["Danh sách đề cử"][0] == HEADERS and not any("(" in header for header in HEADERS)
    assert [row[0] for row in book["Hướng dẫn"][1:]] == HEADERS
    old_headers = [f"{label} ({key})" for key, label, _ in COLUMNS]
    assert old_headers[0] == "Họ và tên (full_name)" and template_header("full_name") == "Họ và tên"
    buffer = io.BytesIO()
    old = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = old.add_worksheet()
    sheet.write_row(0, 0, old_headers)
    sheet.write_row(1, 0, H10[2])
    old.close()
    report = nominations.import_nominations(xa, buffer.getvalue(), "mau-cu.xlsx", commune_code=XA, consent=True,
                                            uow=uow, today=TODAY)
    assert report.committed and [c.full_name for c in report.accepted] == ["Lò Văn Sáu"]


# The list as the commune sees it ---------------------------------------------------------------------------------


def test_household_members_and_the_reviewers_comment(uow, xa):
    run(xa, uow, MIXED, today=TODAY - timedelta(days=10))
    review.post_list(xa, commune_code=XA, uow=uow, today=TODAY - timedelta(days=10))
    rows, _ = nominations.list_nominations(xa, commune_code=XA, uow=uow)
    an = next(r for r in rows if r.full_name == "Nguyễn Văn An")
    members = nominations.household_members(xa, an.id, uow=uow)
    assert [m.full_name for m in members] == ["Nguyễn Văn An", "Trần Thị Bình", "Nguyễn Văn Cường"]
    tinh = auth.find_actor("demo.tinh", uow=uow)
    review.decide(tinh, [an.id], "return", "Thiếu giấy xác nhận khuyết tật", uow=uow, today=TODAY)
    rows, _ = nominations.list_nominations(xa, commune_code=XA, status="returned", uow=uow)
    assert [(r.full_name, r.reviewer_says) for r in rows] == [("Nguyễn Văn An", "Thiếu giấy xác nhận khuyết tật")]
    approved = next(r for r in nominations.list_nominations(xa, commune_code=XA, uow=uow)[0] if r.id != an.id)
    assert approved.reviewer_says == ""
    other = Actor("x2", "commune_official", province_code=66, commune_code=OTHER_XA, user_id=1)
    with pytest.raises(Forbidden):
        nominations.household_members(other, an.id, uow=uow)


def test_withdrawing_several_is_all_or_none(uow, xa):
    run(xa, uow, MIXED)
    rows, _ = nominations.list_nominations(xa, commune_code=XA, uow=uow)
    nominations.withdraw(xa, rows[0].id, "Đã có thẻ khác", uow=uow)
    with pytest.raises(InvalidInput, match="Đặng Văn H đang ở trạng thái «Đã rút»: không rút được"):
        nominations.withdraw_many(xa, [rows[1].id, rows[0].id], "Chuyển đi", uow=uow)
    assert nominations.list_nominations(xa, commune_code=XA, status="withdrawn", uow=uow)[1] == 1
    assert nominations.withdraw_many(xa, [r.id for r in rows[1:]], "Chuyển đi", uow=uow) == 3
    assert nominations.list_nominations(xa, commune_code=XA, status="withdrawn", uow=uow)[1] == 4
