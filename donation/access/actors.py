"""Who is acting: roles, their scopes, and the checks every service function makes before it reads or changes data."""

from __future__ import annotations

from dataclasses import dataclass

from db.enums import Role, labelled
from donation.common.errors import Forbidden, InvalidInput

DONOR = Role.DONOR.value
COMMUNE_OFFICIAL = Role.COMMUNE_OFFICIAL.value
PROVINCE_OFFICER = Role.PROVINCE_OFFICER.value
NATIONAL_OFFICER = Role.NATIONAL_OFFICER.value
ADMIN = Role.ADMIN.value
SYSTEM = "system"

ROLE_NAMES = labelled(Role, {
    Role.DONOR: "Nhà tài trợ",
    Role.COMMUNE_OFFICIAL: "Cán bộ xã/phường",
    Role.PROVINCE_OFFICER: "Cán bộ BHXH tỉnh",
    Role.NATIONAL_OFFICER: "Cán bộ BHXH Việt Nam",
    Role.ADMIN: "Quản trị viên",
})


@dataclass(frozen=True)
class Actor:
    username: str
    role: str
    display_name: str = ""
    province_code: int | None = None
    commune_code: int | None = None
    user_id: int | None = None

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.role, "Hệ thống")


# Batch jobs that a scheduler runs act as this built-in actor; the audit log names it.
SYSTEM_ACTOR = Actor(SYSTEM, SYSTEM, "Hệ thống (tác vụ tự động)")
EVERY_ROLE = tuple(ROLE_NAMES)  # anyone signed in
# The staff of a receiving office (a province's BHXH, or BHXH Việt Nam), and administrators.
OFFICE_STAFF = (PROVINCE_OFFICER, NATIONAL_OFFICER, ADMIN)


def require_role(actor: Actor | None, *roles: str) -> Actor:
    """Refuse unless the actor has one of `roles` (the system actor passes every check)."""
    if actor is None:
        raise Forbidden("Cần đăng nhập để làm việc này")
    if actor.role != SYSTEM and actor.role not in roles:
        allowed = ", ".join(ROLE_NAMES[role] for role in roles)
        raise Forbidden(f"{actor.role_name} không được làm việc này: chỉ {allowed}")
    return actor


def require_province(actor: Actor, province_code: int) -> None:
    """Refuse a province outside the actor's scope; national officers and administrators see every province."""
    if actor.role in (SYSTEM, ADMIN, NATIONAL_OFFICER):
        return
    if actor.province_code != province_code:
        raise Forbidden(f"Tài khoản {actor.username} không phụ trách tỉnh mã {province_code}")


def require_commune(actor: Actor, province_code: int, commune_code: int) -> None:
    require_province(actor, province_code)
    if actor.role == COMMUNE_OFFICIAL and actor.commune_code != commune_code:
        raise Forbidden(f"Tài khoản {actor.username} không phụ trách xã mã {commune_code}")


def check_scope_shape(role: str, province_code: int | None, commune_code: int | None) -> None:
    """The scope each role needs (DESIGN.md §2); commune-in-province is checked against the database by the caller."""
    if role not in ROLE_NAMES:
        raise InvalidInput(f"Vai trò '{role}' không có: dùng một trong {', '.join(ROLE_NAMES)}")
    if role == COMMUNE_OFFICIAL and (province_code is None or commune_code is None):
        raise InvalidInput("Cán bộ xã/phường cần có tỉnh và xã phụ trách (--province và --commune)")
    if role == PROVINCE_OFFICER and province_code is None:
        raise InvalidInput("Cán bộ BHXH tỉnh cần có tỉnh phụ trách (--province)")
    if role == PROVINCE_OFFICER and commune_code is not None:
        raise InvalidInput("Cán bộ BHXH tỉnh phụ trách cả tỉnh: bỏ --commune")
    if role in (DONOR, NATIONAL_OFFICER, ADMIN) and (province_code is not None or commune_code is not None):
        raise InvalidInput(f"{ROLE_NAMES[role]} không gắn với tỉnh hay xã: bỏ --province và --commune")
