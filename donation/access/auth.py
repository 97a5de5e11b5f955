"""Accounts and sign-in: argon2id hashes, lock-out, sessions kept as token hashes, idle expiry, administration.

A browser holds a random session token (in a signed cookie); the database holds only its SHA-256, so sign-out,
lock-out, disabling a user and idle expiry end the session on every replica at once. A sign-in gives a one-time
ticket, not the token: the browser takes it to /session/open, which exchanges it for the token once (see
`open_session`), so a link kept in a proxy log or the browser's history opens nothing.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, Signer
from sqlalchemy import update
from sqlmodel import Session, func, select

from db.config import get_settings, secret_key
from db.models import Donor, PasswordReset, Province, UserAccount, UserSession
from db.uow import UnitOfWork
from donation.access import app_settings, audit
from donation.access.actors import (
    ADMIN,
    DONOR,
    ROLE_NAMES,
    SYSTEM,
    SYSTEM_ACTOR,
    Actor,
    check_scope_shape,
    require_role,
)
from donation.access.units import resolve_place
from donation.common import mail
from donation.common.errors import InvalidInput, NotFound, SignInRefused
from donation.common.identity import has_hidden_characters, hidden_characters_message, name_key, normalise_name

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10
MAX_SESSION = timedelta(hours=12)  # however active, a session ends after a working day and must sign in again
_TOUCH_EVERY = timedelta(seconds=60)  # write last_seen_at at most once a minute per session
_WRONG = "Tên đăng nhập hoặc mật khẩu không đúng"


@functools.cache
def _hasher() -> PasswordHasher:
    if get_settings().fast_password_hash:
        return PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    return PasswordHasher()  # argon2id with the library's RFC 9106 low-memory defaults


@functools.cache
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    check_password_rules(password)
    return _hasher().hash(password)


def _password_matches(stored: str, password: str) -> bool:
    try:
        return _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def check_password_rules(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự")
    if password.strip() != password:
        raise InvalidInput("Mật khẩu không được bắt đầu hay kết thúc bằng khoảng trắng")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def actor_of(user: UserAccount) -> Actor:
    return Actor(user.username, user.role, user.display_name, user.province_code, user.commune_code, user.id)


@dataclass(frozen=True)
class SignedIn:
    actor: Actor
    ticket: str  # exchanged once, within TICKET_MAX_AGE, for the session's token (`open_session`)


def sign_in(username: str, password: str, *, uow: UnitOfWork | None = None, now: datetime | None = None) -> SignedIn:
    """Check a password. Unknown users cost the same time as known ones; 5 wrong tries lock the account 15 minutes."""
    now = _now(now)
    name = (username or "").strip().lower()
    with uow or UnitOfWork() as work:
        user = work.session.exec(select(UserAccount).where(UserAccount.username == name)).first()
        if user is None:
            _password_matches(_dummy_hash(), password or "")
            raise SignInRefused(_WRONG)
        matches = _password_matches(user.password_hash, password or "")
        locked_until = user.locked_until
        if locked_until is not None and locked_until > now:
            if not matches:
                # The same answer as for an unknown name: only the right password learns of the lock, so trying
                # names with wrong passwords does not tell which accounts exist.
                raise SignInRefused(_WRONG)
            raise SignInRefused(f"Tài khoản đang tạm khóa do nhập sai mật khẩu {MAX_FAILED_ATTEMPTS} lần: "
                                f"thử lại sau {_minutes(locked_until - now)} phút")
        if not matches:
            _count_failure(work, user, now)
            raise SignInRefused(_WRONG)
        if not user.is_active:
            raise SignInRefused("Tài khoản đã bị vô hiệu hóa: liên hệ quản trị viên")
        user.failed_attempts, user.locked_until = 0, None
        # The row waits for its cookie under the ticket's hash; `open_session` puts the session token's in its place.
        ticket = secrets.token_urlsafe(32)
        work.session.add(UserSession(token_hash=_token_hash(ticket), user_id=user.id, created_at=now, last_seen_at=now))
        audit.record(work.session, actor_of(user), "sign_in", "user_account", user.id)
        work.commit()
        return SignedIn(actor_of(user), ticket)


def _count_failure(work: UnitOfWork, user: UserAccount, now: datetime) -> None:
    # One statement, so that wrong passwords sent at once from several replicas all count.
    table = UserAccount.__table__
    user.failed_attempts = work.session.execute(
        update(table).where(table.c.id == user.id).values(failed_attempts=table.c.failed_attempts + 1)
        .returning(table.c.failed_attempts)).scalar_one()
    if user.failed_attempts >= MAX_FAILED_ATTEMPTS:
        user.failed_attempts, user.locked_until = 0, now + LOCKOUT
        _end_sessions(work.session, user.id, now, "locked")
        audit.record(work.session, actor_of(user), "account_locked", "user_account", user.id,
                     after={"locked_until": user.locked_until.isoformat()})
    work.commit()


def _minutes(delta: timedelta) -> int:
    return max(1, -(-int(delta.total_seconds()) // 60))


def _open_session(session: Session, token: str) -> tuple[UserSession, UserAccount] | None:
    """The session a token opened, with its user, while it has not ended. A row still waiting for its cookie is no
    session: its hash is a ticket's."""
    return session.exec(
        select(UserSession, UserAccount).join(UserAccount, UserAccount.id == UserSession.user_id)
        .where(UserSession.token_hash == _token_hash(token), UserSession.ended_at.is_(None),
               UserSession.cookie_set_at.is_not(None))
    ).first()


def resolve_session(token: str | None, *, uow: UnitOfWork | None = None, now: datetime | None = None) -> Actor | None:
    """The signed-in actor for a session token, or None when it has ended, idled out, or its user cannot sign in."""
    if not token:
        return None
    now = _now(now)
    with uow or UnitOfWork() as work:
        found = _open_session(work.session, token)
        if found is None:
            return None
        row, user = found
        locked_until = user.locked_until
        idle = timedelta(minutes=app_settings.get(work.session, "session_idle_minutes"))
        reason = ("disabled" if not user.is_active else "locked" if locked_until and locked_until > now
                  else "expired" if row.created_at + MAX_SESSION < now
                  else "idle" if row.last_seen_at + idle < now else None)
        if reason:
            row.ended_at, row.end_reason = now, reason
            work.commit()
            return None
        if now - row.last_seen_at >= _TOUCH_EVERY:
            row.last_seen_at = now
            work.commit()
        return actor_of(user)


def open_session(ticket: str | None, *, uow: UnitOfWork | None = None, now: datetime | None = None) -> str | None:
    """Exchange a sign-in ticket for the session's token (for the cookie), once, within TICKET_MAX_AGE of the
    sign-in; None for a ticket unknown, used, expired, or whose session has ended.

    The row's hash becomes the new token's in one guarded update (a second use, even at the same moment on another
    replica, finds no row waiting), so afterwards the ticket names nothing; an expired ticket's row is ended.
    """
    if not ticket:
        return None
    now = _now(now)
    table = UserSession.__table__
    with uow or UnitOfWork() as work:
        waiting = (table.c.token_hash == _token_hash(ticket), table.c.cookie_set_at.is_(None),
                   table.c.ended_at.is_(None))
        row = work.session.execute(select(table.c.id, table.c.created_at).where(*waiting)).first()
        if row is None:
            return None
        if row.created_at + timedelta(seconds=TICKET_MAX_AGE) < now:
            work.session.execute(update(table).where(table.c.id == row.id, *waiting)
                                 .values(ended_at=now, end_reason="ticket_expired"))
            work.commit()
            return None
        token = secrets.token_urlsafe(32)
        opened = work.session.execute(update(table).where(table.c.id == row.id, *waiting).values(
            token_hash=_token_hash(token), cookie_set_at=now, last_seen_at=now)).rowcount
        if opened != 1:
            return None
        work.commit()
        return token


def sign_out(token: str | None, *, uow: UnitOfWork | None = None, now: datetime | None = None) -> None:
    if not token:
        return
    now = _now(now)
    with uow or UnitOfWork() as work:
        found = _open_session(work.session, token)
        if found is None:
            return
        row, user = found
        row.ended_at, row.end_reason = now, "signed_out"
        audit.record(work.session, actor_of(user), "sign_out", "user_account", user.id)
        work.commit()


def _end_sessions(session: Session, user_id: int, now: datetime, reason: str) -> None:
    for row in session.exec(select(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))):
        row.ended_at, row.end_reason = now, reason


def change_password(actor: Actor, current: str, new: str, *, keep_token: str | None = None,
                    uow: UnitOfWork | None = None) -> None:
    """Change one's own password; every other session of the user ends (a shared commune computer, say)."""
    with uow or UnitOfWork() as work:
        user = _user(work.session, actor.user_id)
        if not _password_matches(user.password_hash, current or ""):
            raise InvalidInput("Mật khẩu hiện tại không đúng")
        if new == current:
            raise InvalidInput("Mật khẩu mới phải khác mật khẩu hiện tại")
        user.password_hash = hash_password(new)
        user.password_changed_at = datetime.now(UTC)
        keep = _token_hash(keep_token) if keep_token else None
        for row in work.session.exec(select(UserSession).where(UserSession.user_id == user.id,
                                                               UserSession.ended_at.is_(None))):
            if row.token_hash != keep:
                row.ended_at, row.end_reason = user.password_changed_at, "password_changed"
        audit.record(work.session, actor, "change_password", "user_account", user.id)
        work.commit()


# A forgotten password: a one-time link by e-mail -------------------------------------------------------------------

RESET_MAX_AGE = timedelta(minutes=30)
RESET_EVERY = timedelta(seconds=60)  # at most one letter a minute per account: nobody floods a mailbox through us
RESET_PAGE = "reset_password"
RESET_ANSWER = ("Nếu địa chỉ này là của một tài khoản nhà tài trợ, thư có đường link đặt lại mật khẩu đã được gửi tới "
                f"đó; link dùng được một lần trong {int(RESET_MAX_AGE.total_seconds() // 60)} phút. Không thấy thư: "
                "xem cả mục thư rác, hoặc liên hệ văn phòng BHXH.")
_RESET_GONE = ("Đường link đặt lại mật khẩu không còn dùng được (đã dùng, đã quá "
               f"{int(RESET_MAX_AGE.total_seconds() // 60)} phút, hoặc chép thiếu): yêu cầu một link mới")


def reset_link(token: str, public_url: str | None = None) -> str:
    """The page that takes the token; the link carries the token and nothing else."""
    return f"{(public_url or get_settings().public_url).rstrip('/')}/{RESET_PAGE}?token={token}"


def _reset_letter(to: str, username: str, link: str) -> mail.Letter:
    minutes = int(RESET_MAX_AGE.total_seconds() // 60)
    return mail.Letter(to, "Đặt lại mật khẩu Tặng thẻ BHYT", (
        "Xin chào,\n\n"
        f"Có người (có thể là bạn) đã yêu cầu đặt lại mật khẩu của tài khoản {username} trên Tặng thẻ BHYT.\n"
        f"Mở đường link sau trong {minutes} phút để đặt mật khẩu mới (link chỉ dùng được một lần):\n\n"
        f"{link}\n\n"
        "Nếu bạn không yêu cầu, hãy bỏ qua thư này: mật khẩu của bạn không đổi.\n"))


def request_password_reset(email: str, *, mail_settings: mail.MailSettings | None = None,
                           public_url: str | None = None, uow: UnitOfWork | None = None,
                           now: datetime | None = None) -> list[mail.Letter]:
    """A donor who forgot their password gives the e-mail address of their profile: each active donor account with
    that address gets a one-time link. The caller shows `RESET_ANSWER` whatever happens, so the page never tells
    whether the address is known; the letters go from a thread (`mail.deliver_later`), so neither does its speed.
    Returns the letters sent (for the tests; the page ignores them)."""
    now = _now(now)
    address = " ".join((email or "").split()).lower()
    if not address or "@" not in address or len(address) > 254:
        raise InvalidInput("Ghi địa chỉ thư điện tử đã khai khi đăng ký, ví dụ ten@example.com")
    letters = []
    with uow or UnitOfWork() as work:
        users = work.session.exec(select(UserAccount).join(Donor, Donor.user_id == UserAccount.id).where(
            func.lower(Donor.email) == address, UserAccount.role == DONOR, UserAccount.is_active)).all()
        for user in users:
            recent = work.session.exec(select(PasswordReset.id).where(
                PasswordReset.user_id == user.id, PasswordReset.created_at > now - RESET_EVERY)).first()
            if recent is not None:
                continue
            token = secrets.token_urlsafe(32)
            work.session.add(PasswordReset(token_hash=_token_hash(token), user_id=user.id, created_at=now,
                                           expires_at=now + RESET_MAX_AGE))
            audit.record(work.session, actor_of(user), "request_password_reset", "user_account", user.id)
            letters.append(_reset_letter(address, user.username, reset_link(token, public_url)))
        work.commit()
    if letters:
        mail.deliver_later(mail_settings if mail_settings is not None else mail.MailSettings.from_settings(),
                           letters)
    return letters


def _live_reset(session: Session, token: str, now: datetime) -> PasswordReset | None:
    return session.exec(select(PasswordReset).where(
        PasswordReset.token_hash == _token_hash(token), PasswordReset.used_at.is_(None),
        PasswordReset.expires_at > now)).first()


def reset_account(token: str | None, *, uow: UnitOfWork | None = None, now: datetime | None = None) -> str | None:
    """The sign-in name a reset link is for while it may still be used, else None."""
    if not token:
        return None
    with uow or UnitOfWork() as work:
        found = _live_reset(work.session, token, _now(now))
        return work.session.get(UserAccount, found.user_id).username if found else None


def reset_with_token(token: str | None, new_password: str, *, uow: UnitOfWork | None = None,
                     now: datetime | None = None) -> str:
    """Set a new password through a reset link, once: the link (and every other of the user) is spent, a lock-out
    is lifted and every session of the user ends. Returns the sign-in name."""
    now = _now(now)
    check_password_rules(new_password)
    if not token:
        raise InvalidInput(_RESET_GONE)
    table = PasswordReset.__table__
    with uow or UnitOfWork() as work:
        found = _live_reset(work.session, token, now)
        if found is None:
            raise InvalidInput(_RESET_GONE)
        # one guarded update: the same link used twice at once (two tabs, two replicas) sets the password once
        spent = work.session.execute(update(table).where(table.c.id == found.id, table.c.used_at.is_(None))
                                     .values(used_at=now)).rowcount
        if spent != 1:
            raise InvalidInput(_RESET_GONE)
        user = _user(work.session, found.user_id)
        if not user.is_active:
            raise InvalidInput("Tài khoản đã bị vô hiệu hóa: liên hệ quản trị viên")
        work.session.execute(update(table).where(table.c.user_id == user.id, table.c.used_at.is_(None))
                             .values(used_at=now))
        user.password_hash = hash_password(new_password)
        user.password_changed_at = now
        user.failed_attempts, user.locked_until = 0, None
        _end_sessions(work.session, user.id, now, "password_reset")
        audit.record(work.session, actor_of(user), "reset_password_by_mail", "user_account", user.id)
        work.commit()
        return user.username


# The browser side: a one-time ticket in the redirect URL (`open_session`), then a signed HttpOnly cookie ------------

COOKIE_NAME = "bhyt_session"
COOKIE_MAX_AGE = 12 * 3600  # as MAX_SESSION; idle and maximum life are checked in the database on every view
TICKET_MAX_AGE = 120  # seconds from the sign-in to the ticket's exchange


def _signer() -> Signer:
    return Signer(secret_key(), salt="bhyt-session-cookie")


def cookie_value(token: str) -> str:
    return _signer().sign(token).decode()


def token_from_cookie(value: str | None) -> str | None:
    """The session token in a cookie, or None when the cookie is missing or was changed."""
    if not value:
        return None
    try:
        return _signer().unsign(value).decode()
    except BadSignature:
        return None


def cookie_is_secure() -> bool:
    return get_settings().public_url.startswith("https://")


# Administration ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    role: str
    province_code: int | None
    commune_code: int | None
    is_active: bool
    locked_until: datetime | None

    def as_dict(self) -> dict:
        return {"id": self.id, "username": self.username, "display_name": self.display_name, "role": self.role,
                "province": self.province_code, "commune": self.commune_code, "active": self.is_active,
                "locked_until": self.locked_until.isoformat() if self.locked_until else None}


def _row(user: UserAccount) -> UserRow:
    return UserRow(user.id, user.username, user.display_name, user.role, user.province_code, user.commune_code,
                   user.is_active, user.locked_until)


def _public(user: UserAccount) -> dict:
    return {"username": user.username, "role": user.role, "province": user.province_code,
            "commune": user.commune_code, "active": user.is_active}


def create_user(actor: Actor, *, username: str, password: str, role: str, display_name: str = "",
                province_code: object = None, commune_code: object = None,
                uow: UnitOfWork | None = None) -> UserRow:
    require_role(actor, ADMIN)
    with uow or UnitOfWork() as work:
        user = add_user(work.session, actor, username=username, password=password, role=role,
                        display_name=display_name, province_code=province_code, commune_code=commune_code)
        work.commit()
        return _row(user)


def add_user(session: Session, actor: Actor | None, *, username: str, password: str, role: str,
             display_name: str = "", province_code: object = None, commune_code: object = None) -> UserAccount:
    """Check and add an account inside the caller's transaction (the caller has checked who may do it)."""
    name = (username or "").strip().lower()
    if not name or len(name) > 64 or not all(ch.isalnum() or ch in "._-" for ch in name) or not name.isascii():
        raise InvalidInput("Tên đăng nhập chỉ gồm chữ không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới (tối đa 64)")
    if name == "system":
        raise InvalidInput("Tên đăng nhập 'system' dành cho tác vụ tự động")
    province, commune = resolve_place(session, province_code, commune_code)
    check_scope_shape(role, province.code if province else None, commune.code if commune else None)
    if session.exec(select(UserAccount).where(UserAccount.username == name)).first():
        raise InvalidInput(f"Tên đăng nhập '{name}' đã có người dùng: chọn tên khác")
    # Officials' names are tidied like people's names; a donor may be "Công ty TNHH …", already tidied as typed.
    # A name typed all in small or all in capital letters is tidied; one with capitals where they belong is kept
    # ("Cán bộ BHXH Quảng Trị", not "Cán Bộ Bhxh Quảng Trị").
    shown = " ".join((display_name or "").split())
    if role != DONOR and shown in (shown.lower(), shown.upper()):
        shown = normalise_name(shown)
    if has_hidden_characters(shown):
        raise InvalidInput(hidden_characters_message("Họ và tên"))
    user = UserAccount(username=name, display_name=shown or name, role=role,
                       province_code=province.code if province else None,
                       commune_code=commune.code if commune else None, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    audit.record(session, actor or actor_of(user), "create_user", "user_account", user.id, after=_public(user))
    return user


def set_active(actor: Actor, user_id: int, active: bool, *, uow: UnitOfWork | None = None) -> UserRow:
    require_role(actor, ADMIN)
    with uow or UnitOfWork() as work:
        user = _user(work.session, user_id)
        if user.id == actor.user_id and not active:
            raise InvalidInput("Bạn không thể tự vô hiệu hóa tài khoản của mình: nhờ một quản trị viên khác "
                               "làm việc này nếu cần")
        before = _public(user)
        user.is_active = active
        if not active:
            _end_sessions(work.session, user.id, datetime.now(UTC), "disabled")
        audit.record(work.session, actor, "enable_user" if active else "disable_user", "user_account", user.id,
                     before=before, after=_public(user))
        work.commit()
        return _row(user)


def reset_password(actor: Actor, user_id: int, new_password: str, *, uow: UnitOfWork | None = None) -> UserRow:
    """An administrator sets a new password; the user's sessions end and any lock-out is lifted."""
    require_role(actor, ADMIN)
    with uow or UnitOfWork() as work:
        user = _user(work.session, user_id)
        user.password_hash = hash_password(new_password)
        user.password_changed_at = datetime.now(UTC)
        user.failed_attempts, user.locked_until = 0, None
        _end_sessions(work.session, user.id, datetime.now(UTC), "password_reset")
        audit.record(work.session, actor, "reset_password", "user_account", user.id)
        work.commit()
        return _row(user)


def list_users(actor: Actor, *, search: str = "", role: str | None = None, province_code: int | None = None,
               uow: UnitOfWork | None = None) -> list[UserRow]:
    """Accounts, by role then username; `search` finds words of the name, username, role or province, with or
    without accents ("quang tri" finds "Cán bộ BHXH Quảng Trị" and the officers of Quảng Trị)."""
    require_role(actor, ADMIN)
    query = select(UserAccount).order_by(UserAccount.role, UserAccount.username)
    if role:
        query = query.where(UserAccount.role == role)
    if province_code is not None:
        query = query.where(UserAccount.province_code == province_code)
    words = name_key(search).split()
    with uow or UnitOfWork() as work:
        rows = [_row(u) for u in work.session.exec(query)]
        provinces = dict(work.session.exec(select(Province.code, Province.name)).all()) if words else {}
    return [row for row in rows if all(word in name_key(" ".join((
        row.username, row.display_name, ROLE_NAMES.get(row.role, row.role), provinces.get(row.province_code, ""))))
        for word in words)]


def find_actor(username: str, *, uow: UnitOfWork | None = None) -> Actor:
    """The actor a batch job runs as (`--user`); 'system' is the built-in scheduler actor."""
    name = (username or "").strip().lower()
    if name == SYSTEM:
        return SYSTEM_ACTOR
    with uow or UnitOfWork() as work:
        user = work.session.exec(select(UserAccount).where(UserAccount.username == name)).first()
        if user is None or not user.is_active:
            raise NotFound(f"Không có người dùng đang hoạt động tên '{name}'")
        return actor_of(user)


def _user(session: Session, user_id: int | None) -> UserAccount:
    user = session.get(UserAccount, user_id) if user_id is not None else None
    if user is None:
        raise NotFound(f"Không có người dùng mã {user_id}")
    return user

