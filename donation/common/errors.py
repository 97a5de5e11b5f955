"""Domain errors: each carries a message in Vietnamese that tells the user what is wrong and what to do."""


class DonationError(Exception):
    """Base of every error a user may see; str(error) is the message to show."""


class InvalidInput(DonationError):
    """Input that breaks a rule (a field, a range, a format)."""


class NotFound(DonationError):
    """A code or key that names nothing (an unknown province, commune or group)."""


class NotReady(DonationError):
    """The database is unreachable, locked, or not initialised."""


class Forbidden(DonationError):
    """The acting user's role or scope does not allow this."""


class SignInRefused(DonationError):
    """Wrong credentials, a locked or a disabled account; the message never says which user names exist."""

def explain(exc: BaseException) -> str | None:
    """The Vietnamese one-line message for an error a user can act on, or None for a defect in the program."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    from db.config import ConfigError

    if isinstance(exc, DonationError):
        return str(exc)
    if isinstance(exc, ConfigError):
        return f"Cấu hình sai: {exc}"
    if isinstance(exc, DBAPIError):
        return _database_message(str(exc.orig or exc).lower(), isinstance(exc, OperationalError))
    return None


_DATABASE_MESSAGES = (
    # the database's own guard of "nobody funded twice" (migration 0014): an allocation or a change found it broken
    (("ex_sponsorship_person_live",),
     "Một người trong danh sách đã có suất tài trợ còn hiệu lực trùng thời gian (có thể do một lần phân bổ khác vừa "
     "lưu): không ai được tài trợ hai lần, nên không có gì được lưu. Chạy lại phân bổ để thấy kết quả mới."),
    (("no such table", "undefinedtable", "relation"), "Cơ sở dữ liệu chưa được khởi tạo: chạy `python -m cli init`"),
    (("database is locked",),
     "Tệp cơ sở dữ liệu SQLite đang bị một tiến trình khác khóa: đợi tiến trình đó xong rồi thử lại"),
    (("unable to open database file",),
     "Không mở được tệp cơ sở dữ liệu SQLite: kiểm tra đường dẫn trong DATABASE_URL và quyền ghi thư mục"),
    (("connection", "could not connect", "server closed"),
     "Không kết nối được PostgreSQL: kiểm tra máy chủ đang chạy và địa chỉ trong DATABASE_URL"),
)


def _database_message(text: str, operational: bool) -> str | None:
    for needles, message in _DATABASE_MESSAGES:
        if any(needle in text for needle in needles):
            return message
    return "Cơ sở dữ liệu báo lỗi: thử lại; nếu vẫn lỗi, báo quản trị viên" if operational else None

