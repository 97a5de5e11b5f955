"""Every role against every service function that takes an actor: allowed, or refused with the reason."""

from datetime import date

import pytest
from sqlmodel import select

from db.engine import make_engine
from db.models import Commune, ProvinceTopUp
from db.uow import UnitOfWork
from donation.access import app_settings, audit, auth, offices, units
from donation.access.actors import ROLE_NAMES, SYSTEM_ACTOR, Actor
from donation.allocation import allocation
from donation.common.errors import Forbidden, InvalidInput, NotFound
from donation.payments import payments, receipts, reconcile, signers
from donation.pledges import donors, overdue, pledges
from donation.premium import rule_data, rules
from donation.registry import nominations, review
from donation.reporting import today
from donation.upkeep.setup import initialise
from tests.conftest import BACKENDS, fresh_database
from tests.workbooks import MIXED, workbook


@pytest.fixture
def database_level():
    """Every test here runs `initialise` first: start from the initialised template."""
    return "initialised"


ACTORS = {
    "donor": Actor("d", "donor"),
    "commune_official": Actor("x", "commune_official", province_code=66, commune_code=22276),
    "province_officer": Actor("t", "province_officer", province_code=66),
    "national_officer": Actor("q", "national_officer"),
    "admin": Actor("a", "admin"),
}
NEW_VERSION = rules.NewVersion("2027-01", date(2027, 1, 1), 2_700_000, 450,
                               {key: share.state_share_bp for key, share in rule_data.RULE_VERSIONS[-1].shares.items()},
                               "Nghị định thử")

NOMINATING = {"commune_official", "province_officer", "admin"}
OFFICE_STAFF = {"province_officer", "national_officer", "admin"}
NO_SUCH_NOMINATION = 999_999  # an allowed role gets past the role check and is told the nomination does not exist

# function -> the roles allowed to call it
CALLS = {
    "list_users": (lambda a, u: auth.list_users(a, uow=u), {"admin"}),
    "create_user": (lambda a, u: auth.create_user(a, username=f"new.{a.role}", password="Mat-khau-dai-du",
                                                   role="donor", uow=u), {"admin"}),
    "set_active": (lambda a, u: auth.set_active(a, 1, True, uow=u), {"admin"}),
    "reset_password": (lambda a, u: auth.reset_password(a, 1, "Mat-khau-dai-du", uow=u), {"admin"}),
    "update_setting": (lambda a, u: app_settings.update(a, "hold_days", 10, uow=u), {"admin"}),
    "update_many": (lambda a, u: app_settings.update_many(a, {"objection_days": 8}, uow=u), {"admin"}),
    "set_office_signer": (lambda a, u: app_settings.set_office_signer(a, "1", {"signer_name": "Lê Văn An"}, uow=u),
                          {"admin"}),
    "office_signers": (lambda a, u: signers.office_signers(a, uow=u), {"admin"}),
    "audit_used_values": (lambda a, u: audit.used_values(a, uow=u), {"admin"}),
    "rule_book": (lambda a, u: rules.rule_book(a, uow=u), {"admin", "national_officer", "province_officer"}),
    "add_rule_version": (lambda a, u: rules.add_rule_version(a, NEW_VERSION, uow=u), {"admin"}),
    "confirm_rule_version": (lambda a, u: rules.confirm_rule_version(a, "1999-01", source="Nghị định thử", uow=u),
                             {"admin"}),
    "add_top_up": (lambda a, u: rules.add_top_up(a, province_code=66, group_key="pupil", share_bp=1000,
                                                 effective_from=date(2027, 1, 1), effective_to=None,
                                                 legal_basis="NQ thử", uow=u), {"admin"}),
    "list_top_ups": (lambda a, u: rules.list_top_ups(a, uow=u), {"admin", "national_officer", "province_officer"}),
    "set_poor_commune": (lambda a, u: units.set_poor_commune(a, 22276, True, uow=u), {"admin"}),
    "audit_browse": (lambda a, u: audit.browse(a, uow=u), {"admin"}),
    "audit_check": (lambda a, u: audit.check_chain(a, uow=u), {"admin"}),
    "today": (lambda a, u: today.overview(a, date(2026, 11, 25), uow=u), set(ROLE_NAMES)),
    "list_nominations": (lambda a, u: nominations.list_nominations(a, commune_code=22276, uow=u), NOMINATING),
    "import_nominations": (lambda a, u: nominations.import_nominations(a, workbook(MIXED[:1]), "a.xlsx", commune_code=22276,
                                                                    consent=True, dry_run=True, uow=u), NOMINATING),
    "withdraw": (lambda a, u: nominations.withdraw(a, NO_SUCH_NOMINATION, "lý do", uow=u), NOMINATING),
    "renewals_due": (lambda a, u: nominations.renewals_due(a, uow=u), NOMINATING),
    "renew": (lambda a, u: nominations.renew(a, [NO_SUCH_NOMINATION], uow=u), NOMINATING),
    "post_list": (lambda a, u: review.post_list(a, commune_code=22276, uow=u), NOMINATING),
    "review_queue": (lambda a, u: review.review_queue(a, uow=u), {"province_officer", "admin"}),
    "decide": (lambda a, u: review.decide(a, [NO_SUCH_NOMINATION], "approve", uow=u), {"province_officer", "admin"}),
    "set_office_account": (lambda a, u: offices.set_account(a, 66, bank_bin="970436", account_number="0123456789",
                                                            account_holder="BHXH DAK LAK", uow=u), {"admin"}),
    "list_offices": (lambda a, u: offices.list_offices(a, uow=u), {"admin"}),
    "create_donor": (lambda a, u: donors.create_donor(a, kind="individual", fields={"name": "An", "phone":
                                                      "0912345678"}, public=False, today=date(2026, 11, 25), uow=u),
                     {"province_officer", "national_officer", "admin"}),
    "find_donors": (lambda a, u: donors.find_donors(a, uow=u), {"province_officer", "national_officer", "admin"}),
    "list_pledges": (lambda a, u: pledges.list_pledges(a, uow=u),
                     {"donor", "province_officer", "national_officer", "admin"}),
    "cancel_pledge": (lambda a, u: pledges.cancel_pledge(a, "BH2222222X", "lý do", uow=u),
                      {"donor", "province_officer", "national_officer", "admin"}),
    "record_payment": (lambda a, u: payments.record_payment(a, "BH2222222X", amount=1, method="cash",
                                                            paid_on=date(2026, 11, 25), today=date(2026, 11, 25),
                                                            uow=u), OFFICE_STAFF),
    "awaiting_confirmation": (lambda a, u: payments.awaiting_confirmation(a, uow=u), OFFICE_STAFF),
    "unmatched_lines": (lambda a, u: reconcile.unmatched_lines(a, uow=u), OFFICE_STAFF),
    "overdue": (lambda a, u: overdue.overdue(a, today=date(2026, 11, 25), uow=u), OFFICE_STAFF),
    "remind": (lambda a, u: overdue.remind(a, today=date(2026, 11, 25), dry_run=True, uow=u), OFFICE_STAFF),
    "allocate": (lambda a, u: allocation.allocate(a, on=date(2026, 11, 25), dry_run=True, uow=u), OFFICE_STAFF),
    "release": (lambda a, u: allocation.release(a, 999_999, "lý do trả lại", uow=u), OFFICE_STAFF),
    "what_it_bought": (lambda a, u: allocation.what_it_bought(a, "BH2222222X", uow=u),
                       {"donor", "province_officer", "national_officer", "admin"}),
    "list_receipts": (lambda a, u: receipts.list_receipts(a, uow=u), OFFICE_STAFF),
    "void_requests": (lambda a, u: receipts.void_requests(a, uow=u), OFFICE_STAFF),
    "request_void": (lambda a, u: receipts.request_void(a, "66-2026-999999", "other", "lý do hủy", uow=u), OFFICE_STAFF),
    "decide_void": (lambda a, u: receipts.decide_void(a, "66-2026-999999", confirm=True, uow=u), OFFICE_STAFF),
    "set_official_number": (lambda a, u: receipts.set_official_number(a, "66-2026-999999", "BL1", uow=u),
                            OFFICE_STAFF),
    "print_receipts": (lambda a, u: receipts.print_receipts(a, uow=u), OFFICE_STAFF),
    "receipt_pdf": (lambda a, u: receipts.receipt_pdf(a, "66-2026-999999", uow=u),
                    {"donor", "province_officer", "national_officer", "admin"}),
    "receipts_of_pledge": (lambda a, u: receipts.receipts_of_pledge(a, "BH2222222X", uow=u),
                           {"donor", "province_officer", "national_officer", "admin"}),
    "certificate": (lambda a, u: receipts.certificate(a, "BH2222222X", today=date(2026, 11, 25), uow=u),
                    {"donor", "province_officer", "national_officer", "admin"}),
}


@pytest.fixture(scope="module", params=BACKENDS)
def work(request, tmp_path_factory):
    """A database of its own: the allowed calls change it."""
    engine = make_engine(fresh_database(request.param, tmp_path_factory.mktemp("roles"), request, "seeded"))
    yield UnitOfWork(engine)
    engine.dispose()


@pytest.mark.parametrize("role", list(ACTORS))
@pytest.mark.parametrize("name", list(CALLS))
def test_role_table(work, role, name):
    call, allowed = CALLS[name]
    actor = ACTORS[role]
    if role in allowed:
        try:
            call(actor, work)
        except NotFound as exc:
            assert str(exc) in (f"Không có đề cử mã {NO_SUCH_NOMINATION}", "Không có cam kết mã BH2222222X",
                                "Không có biên nhận số 66-2026-999999", "Không có biên nhận nào trong khoảng đã chọn",
                                "Không có suất tài trợ mã 999999", "Không có quy định mã 1999-01",
                                "Tài khoản này chưa có hồ sơ nhà tài trợ: liên hệ văn phòng BHXH")
        except InvalidInput as exc:  # allowed, but this row already exists from another role's turn
            assert any(text in str(exc) for text in ("Đã có", "đã có", "không có đề cử nào chờ niêm yết",
                                                     "Chọn văn phòng có sao kê này", "Chọn văn phòng cấp biên nhận"))
    else:
        with pytest.raises(Forbidden, match=f"^{ROLE_NAMES[role]} không được làm việc này: chỉ "):
            call(actor, work)


def test_nobody_signed_in_is_refused(work):
    with pytest.raises(Forbidden, match="Cần đăng nhập"):
        auth.list_users(None, uow=work)


def test_system_actor_passes_role_checks(work):
    assert rules.list_top_ups(SYSTEM_ACTOR, uow=work)


def test_rule_versions_are_added_not_changed(engine):
    initialise(engine)
    uow = UnitOfWork(engine)
    admin = ACTORS["admin"]
    rules.add_rule_version(admin, NEW_VERSION, uow=uow)
    book = rules.rule_book(admin, uow=uow)
    assert book.version_on(date(2027, 3, 1)).base_salary == 2_700_000
    assert book.version_on(date(2027, 3, 1)).ladder_bp == book.version_on(date(2026, 9, 1)).ladder_bp
    assert book.version_on(date(2026, 12, 31)).code == "2026-07"  # earlier quotes keep their version
    with pytest.raises(InvalidInput, match="Đã có quy định mã 2027-01"):
        rules.add_rule_version(admin, NEW_VERSION, uow=uow)
    with pytest.raises(InvalidInput, match="Thiếu tỷ lệ nhà nước hỗ trợ cho nhóm: poor"):
        rules.add_rule_version(admin, rules.NewVersion("2028-01", date(2028, 1, 1), 2_800_000, 450,
                                                       {k: v for k, v in NEW_VERSION.shares_bp.items() if k != "poor"},
                                                       "x"), uow=uow)
    with uow as w:
        events, total = audit.list_events(w.session, action="add_rule_version")
    assert total == 1 and events[0].entity_id == "2027-01"


def test_top_ups_added_and_ended(engine):
    initialise(engine)
    uow = UnitOfWork(engine)
    admin = ACTORS["admin"]
    new_id = rules.add_top_up(admin, province_code="066", group_key="pupil", share_bp=1500,
                              effective_from=date(2026, 9, 1), effective_to=None, legal_basis="NQ 01/2026", uow=uow)
    with pytest.raises(InvalidInput, match="Ngày kết thúc phải từ 01/09/2026"):
        rules.end_top_up(admin, new_id, date(2026, 8, 1), uow=uow)
    rules.end_top_up(admin, new_id, date(2027, 6, 30), uow=uow)
    with uow as w:
        row = w.session.exec(select(ProvinceTopUp).where(ProvinceTopUp.id == new_id)).one()
        assert (row.province_code, row.share_bp, row.effective_to) == (66, 1500, date(2027, 6, 30))


def test_poor_commune_flag_is_audited(engine):
    initialise(engine)
    uow = UnitOfWork(engine)
    units.set_poor_commune(ACTORS["admin"], "22276", True, uow=uow)
    units.set_poor_commune(ACTORS["admin"], "22276", True, uow=uow)  # no change, no event
    with uow as w:
        assert w.session.get(Commune, 22276).is_poor is True
        _, total = audit.list_events(w.session, action="set_poor_commune")
    assert total == 1


def test_several_poor_commune_flags_are_saved_together_or_not_at_all(engine):
    initialise(engine)
    uow = UnitOfWork(engine)
    with pytest.raises(NotFound, match="mã 99999999"):
        units.set_poor_communes(ACTORS["admin"], [("22276", True), ("99999999", True)], uow=uow)
    with uow as w:
        assert w.session.get(Commune, 22276).is_poor is False  # the first was not saved alone
    saved = units.set_poor_communes(ACTORS["admin"], [("22276", True), ("22090", True)], uow=uow)
    assert [(u.code, u.is_poor) for u in saved] == [(22276, True), (22090, True)]


@pytest.mark.parametrize(("key", "value", "message"), [
    ("hold_days", 0, "từ 1 đến 90"), ("session_idle_minutes", "30", "số nguyên"),
    ("priority_weights", {}, "Trọng số"), ("nothing", 1, "Không có thiết lập"),
])
def test_bad_settings_are_refused(ready_engine, key, value, message):
    with pytest.raises(Exception, match=message):
        app_settings.update(ACTORS["admin"], key, value, uow=UnitOfWork(ready_engine))


def test_settings_change_takes_effect(engine):
    initialise(engine)
    uow = UnitOfWork(engine)
    app_settings.update(ACTORS["admin"], "session_idle_minutes", 45, uow=uow)
    assert app_settings.all_settings(uow=uow)["session_idle_minutes"] == 45
