"""The pledge's life in one place: which status may follow which, and why not when it may not.

pledged -> partly_paid -> paid -> allocated -> completed; pledged or partly paid may be cancelled, an unpaid
pledge expires, and money that still arrives for an expired pledge revives it. Payment statuses follow the money: `status_for_payment` says which one the paid amount means.
"""

from __future__ import annotations

from db.enums import PledgeStatus, labelled
from donation.common.errors import InvalidInput

STATUS_NAMES = labelled(PledgeStatus, {
    PledgeStatus.PLEDGED: "Đã cam kết", PledgeStatus.PARTLY_PAID: "Đã nộp một phần", PledgeStatus.PAID: "Đã nộp đủ",
    PledgeStatus.ALLOCATED: "Đã phân bổ", PledgeStatus.COMPLETED: "Hoàn thành", PledgeStatus.CANCELLED: "Đã hủy",
    PledgeStatus.EXPIRED: "Hết hạn"})

# Sets of statuses the services select by, named once beside the table they come from.
LIVE_PLEDGES = ("pledged", "partly_paid", "paid", "allocated", "completed")  # not cancelled, not expired
HOLDING = ("pledged", "partly_paid", "paid", "allocated")  # pledges whose money may still come or be spent
SPENDABLE = ("partly_paid", "paid", "allocated")  # pledges with money received that allocation may spend

TRANSITIONS: dict[str, frozenset[str]] = {
    "pledged": frozenset({"partly_paid", "paid", "cancelled", "expired"}),
    "partly_paid": frozenset({"paid", "cancelled"}),
    "paid": frozenset({"allocated"}),
    "allocated": frozenset({"completed", "paid"}),  # back to paid when a sponsorship is released
    "completed": frozenset(),
    "cancelled": frozenset(),
    "expired": frozenset({"partly_paid", "paid"}),  # money that arrives late revives the pledge
}

_WHY_NOT = {
    "completed": "đã hoàn thành: mọi khoản tiền đã mua thẻ",
    "cancelled": "đã hủy",
    "expired": "đã hết hạn vì không nộp tiền (chỉ nhận thêm tiền nộp)",
}


def check_transition(current: str, target: str) -> None:
    """Refuse a move the pledge's life does not allow, saying why in Vietnamese."""
    if current not in TRANSITIONS or target not in TRANSITIONS:
        raise InvalidInput(f"Trạng thái cam kết không có: '{current}' hoặc '{target}'")
    if target in TRANSITIONS[current]:
        return
    if current in _WHY_NOT:
        reason = f"cam kết {_WHY_NOT[current]}"
    elif target in ("cancelled", "expired"):
        reason = "cam kết đã nộp đủ tiền: không hủy được, số tiền đã nhận phải được dùng hoặc hoàn theo quy định"
    elif target == "completed":
        reason = "cam kết chưa được phân bổ hết"
    else:
        reason = "không theo đúng trình tự cam kết → nộp tiền → phân bổ → hoàn thành"
    raise InvalidInput(f"Không chuyển được từ «{STATUS_NAMES[current]}» sang «{STATUS_NAMES[target]}»: {reason}")


def status_for_payment(amount: int, paid: int) -> str:
    """The payment status that `paid` of `amount` means (over-payment is paid; the excess is shown, not lost)."""
    if paid <= 0:
        return "pledged"
    return "paid" if paid >= amount else "partly_paid"
