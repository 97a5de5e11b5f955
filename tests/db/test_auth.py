"""Accounts, sign-in, lock-out, sessions and scope, on SQLite and PostgreSQL."""

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from demo import seed
from donation.access import auth
from donation.access.actors import SYSTEM_ACTOR, Actor
from donation.common.errors import Forbidden, InvalidInput, NotFound, SignInRefused

PASSWORD = seed.DEMO_PASSWORD
T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Opened:
    actor: Actor
    token: str


def opened(username: str, password: str, *, uow, now: datetime | None = None) -> Opened:
    """Sign in and exchange the ticket at once, as the browser does: the session and its token."""
    signed = auth.sign_in(username, password, uow=uow, now=now)
    return Opened(signed.actor, auth.open_session(signed.ticket, uow=uow, now=now))


def test_sign_in_and_resolve(uow):
    signed = opened("Demo.Tinh ", PASSWORD, uow=uow, now=T0)
    assert (signed.actor.username, signed.actor.role, signed.actor.province_code) == ("demo.tinh",
                                                                                      "province_officer", 66)
    assert auth.resolve_session(signed.token, uow=uow, now=T0 + timedelta(minutes=5)) == signed.actor
    assert auth.resolve_session("not-a-token", uow=uow) is None


@pytest.mark.parametrize("username", ["demo.tinh", "nobody.here"])
def test_wrong_password_and_unknown_user_get_the_same_answer(uow, username):
    with pytest.raises(SignInRefused, match="^Tên đăng nhập hoặc mật khẩu không đúng$"):
        auth.sign_in(username, "wrong password", uow=uow, now=T0)


def test_five_wrong_tries_lock_the_account_for_fifteen_minutes(uow):
    signed = opened("demo.xa", PASSWORD, uow=uow, now=T0)
    for _ in range(5):
        with pytest.raises(SignInRefused, match="không đúng"):
            auth.sign_in("demo.xa", "wrong password", uow=uow, now=T0)
    with pytest.raises(SignInRefused, match="tạm khóa .* thử lại sau 15 phút"):
        auth.sign_in("demo.xa", PASSWORD, uow=uow, now=T0 + timedelta(seconds=1))
    assert auth.resolve_session(signed.token, uow=uow, now=T0) is None  # lock-out ends open sessions
    # a wrong password on a locked account reads as for a name that does not exist
    with pytest.raises(SignInRefused, match="^Tên đăng nhập hoặc mật khẩu không đúng$"):
        auth.sign_in("demo.xa", "wrong password", uow=uow, now=T0 + timedelta(seconds=2))
    with pytest.raises(SignInRefused, match="thử lại sau 1 phút"):
        auth.sign_in("demo.xa", PASSWORD, uow=uow, now=T0 + timedelta(minutes=14, seconds=30))
    assert auth.sign_in("demo.xa", PASSWORD, uow=uow, now=T0 + timedelta(minutes=15, seconds=1)).actor


def test_a_success_resets_the_count_of_failures(uow):
    for _ in range(4):
        with pytest.raises(SignInRefused):
            auth.sign_in("demo.xa", "wrong password", uow=uow, now=T0)
    auth.sign_in("demo.xa", PASSWORD, uow=uow, now=T0)
    for _ in range(4):
        with pytest.raises(SignInRefused, match="không đúng"):
            auth.sign_in("demo.xa", "wrong password", uow=uow, now=T0)


def test_idle_sessions_end(uow):
    signed = opened("demo.admin", PASSWORD, uow=uow, now=T0)
    assert auth.resolve_session(signed.token, uow=uow, now=T0 + timedelta(minutes=29)) is not None
    # last seen at +29 min: +58 min is still inside 30 idle minutes, +90 min is not
    assert auth.resolve_session(signed.token, uow=uow, now=T0 + timedelta(minutes=58)) is not None
    assert auth.resolve_session(signed.token, uow=uow, now=T0 + timedelta(minutes=90)) is None
    assert auth.resolve_session(signed.token, uow=uow, now=T0 + timedelta(minutes=91)) is None


def test_sign_out_disable_and_reset_end_sessions(uow):
    admin = auth.sign_in("demo.admin", PASSWORD, uow=uow).actor
    first = opened("demo.xa", PASSWORD, uow=uow)
    auth.sign_out(first.token, uow=uow)
    assert auth.resolve_session(first.token, uow=uow) is None

    second = opened("demo.xa", PASSWORD, uow=uow)
    auth.set_active(admin, second.actor.user_id, False, uow=uow)
    assert auth.resolve_session(second.token, uow=uow) is None
    with pytest.raises(SignInRefused, match="vô hiệu hóa"):
        auth.sign_in("demo.xa", PASSWORD, uow=uow)
    auth.set_active(admin, second.actor.user_id, True, uow=uow)

    third = opened("demo.xa", PASSWORD, uow=uow)
    auth.reset_password(admin, third.actor.user_id, "Mat-khau-moi-2026", uow=uow)
    assert auth.resolve_session(third.token, uow=uow) is None
    assert auth.sign_in("demo.xa", "Mat-khau-moi-2026", uow=uow).actor.username == "demo.xa"


def test_a_sign_in_ticket_opens_one_session_once_and_names_nothing_afterwards(uow):
    signed = auth.sign_in("demo.quocgia", PASSWORD, uow=uow, now=T0)
    assert auth.resolve_session(signed.ticket, uow=uow, now=T0) is None  # a ticket is no session, even unused
    token = auth.open_session(signed.ticket, uow=uow, now=T0 + timedelta(seconds=5))
    assert token and token != signed.ticket and signed.ticket not in token and token not in signed.ticket
    assert auth.resolve_session(token, uow=uow, now=T0 + timedelta(seconds=6)) == signed.actor
    assert auth.open_session(signed.ticket, uow=uow, now=T0 + timedelta(seconds=7)) is None  # used: once only
    for piece in ticket_pieces(signed.ticket):  # nothing in the link, decoded or not, is or opens the session
        assert token not in piece and auth.resolve_session(piece, uow=uow, now=T0 + timedelta(seconds=8)) is None
    cookie = auth.cookie_value(token)
    assert auth.token_from_cookie(cookie) == token
    assert auth.token_from_cookie(flip_first(cookie)) is None
    assert auth.token_from_cookie(None) is None and auth.token_from_cookie("no-signature") is None


def ticket_pieces(ticket: str) -> list[str]:
    """The ticket, its dot-separated parts, and whatever of them decodes as base64."""
    pieces = [ticket, *ticket.split(".")]
    for piece in list(pieces):
        try:
            pieces.append(base64.urlsafe_b64decode(piece + "=" * (-len(piece) % 4)).decode("utf-8", "replace"))
        except (binascii.Error, ValueError):
            pass
    return pieces


def test_an_expired_or_unknown_ticket_opens_nothing(uow):
    signed = auth.sign_in("demo.tinh", PASSWORD, uow=uow, now=T0)
    assert auth.open_session(signed.ticket, uow=uow, now=T0 + timedelta(seconds=auth.TICKET_MAX_AGE + 1)) is None
    assert auth.open_session(signed.ticket, uow=uow, now=T0 + timedelta(seconds=10)) is None  # ended, for good
    assert auth.open_session("forged", uow=uow) is None and auth.open_session("", uow=uow) is None
    fresh = auth.sign_in("demo.tinh", PASSWORD, uow=uow, now=T0)
    assert auth.open_session(fresh.ticket, uow=uow, now=T0 + timedelta(seconds=auth.TICKET_MAX_AGE)) is not None


def flip_first(text: str) -> str:
    # The first character is never base64 padding, so changing it always changes the signed bytes.
    return ("B" if text[0] != "B" else "C") + text[1:]


def test_change_own_password(uow):
    signed = opened("demo.nhataitro", PASSWORD, uow=uow)
    with pytest.raises(InvalidInput, match="Mật khẩu hiện tại không đúng"):
        auth.change_password(signed.actor, "wrong", "Mot-mat-khau-dai", uow=uow)
    with pytest.raises(InvalidInput, match="ít nhất 10 ký tự"):
        auth.change_password(signed.actor, PASSWORD, "ngan", uow=uow)
    auth.change_password(signed.actor, PASSWORD, "Mot-mat-khau-dai", uow=uow)
    assert auth.sign_in("demo.nhataitro", "Mot-mat-khau-dai", uow=uow)


@pytest.mark.parametrize(
    ("role", "province", "commune", "error"),
    [
        ("commune_official", "66", "22276", None),
        ("commune_official", None, "22276", None),  # the province follows from the commune
        ("commune_official", "66", None, "cần có tỉnh và xã"),
        ("commune_official", "1", "22276", "không thuộc Thành phố Hà Nội"),
        ("province_officer", "066", None, None),
        ("province_officer", None, None, "cần có tỉnh phụ trách"),
        ("province_officer", "66", "22276", "bỏ --commune"),
        ("national_officer", None, None, None),
        ("national_officer", "66", None, "không gắn với tỉnh"),
        ("donor", None, None, None),
        ("admin", None, None, None),
        ("treasurer", None, None, "Vai trò 'treasurer' không có"),
        ("province_officer", "99", None, "Không có tỉnh/thành phố mã 99"),
    ],
)
def test_roles_need_their_scope(uow, role, province, commune, error):
    args = dict(username=f"u.{role}", password="Mat-khau-dai-du", role=role, province_code=province,
                commune_code=commune, uow=uow)
    if error is None:
        assert auth.create_user(SYSTEM_ACTOR, **args).role == role
    else:
        with pytest.raises((InvalidInput, NotFound), match=error):
            auth.create_user(SYSTEM_ACTOR, **args)


@pytest.mark.parametrize(("username", "message"), [("demo.xa", "đã có người dùng"), ("Ngô Văn A", "chữ không dấu"),
                                                   ("system", "dành cho tác vụ tự động")])
def test_usernames(uow, username, message):
    with pytest.raises(InvalidInput, match=message):
        auth.create_user(SYSTEM_ACTOR, username=username, password="Mat-khau-dai-du", role="donor", uow=uow)


@pytest.mark.parametrize("name", ["Nguyễn\u202e Văn A", "Nguyễn\x07 Văn A", "Nguyễn\u200b Văn A"])
def test_display_names_refuse_control_characters(uow, name):
    with pytest.raises(InvalidInput, match="Họ và tên có ký tự điều khiển hoặc ký tự ẩn"):
        auth.create_user(SYSTEM_ACTOR, username="u.hidden", password="Mat-khau-dai-du", role="province_officer",
                         province_code=66, display_name=name, uow=uow)


def test_batch_jobs_run_as_a_named_user_or_system(uow):
    assert auth.find_actor("system", uow=uow) is SYSTEM_ACTOR
    assert auth.find_actor("demo.tinh", uow=uow).province_code == 66
    with pytest.raises(NotFound):
        auth.find_actor("nobody", uow=uow)


def test_only_an_administrator_manages_users(uow):
    officer = auth.sign_in("demo.tinh", PASSWORD, uow=uow).actor
    with pytest.raises(Forbidden, match="Cán bộ BHXH tỉnh không được làm việc này"):
        auth.list_users(officer, uow=uow)


def test_changing_a_password_ends_the_other_sessions(uow):
    here = opened("demo.tinh", PASSWORD, uow=uow)
    elsewhere = opened("demo.tinh", PASSWORD, uow=uow)
    auth.change_password(here.actor, PASSWORD, "Mat-khau-moi-dai", keep_token=here.token, uow=uow)
    assert auth.resolve_session(here.token, uow=uow) is not None
    assert auth.resolve_session(elsewhere.token, uow=uow) is None


def test_a_session_ends_after_twelve_hours_however_active(uow):
    signed = opened("demo.xa", PASSWORD, uow=uow, now=T0)
    for minutes in range(20, 12 * 60, 20):
        assert auth.resolve_session(signed.token, uow=uow, now=T0 + timedelta(minutes=minutes)) is not None
    assert auth.resolve_session(signed.token, uow=uow, now=T0 + timedelta(hours=12, minutes=1)) is None
