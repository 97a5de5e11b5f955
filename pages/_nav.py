"""The page registry as data: the menu, the role filter and the tests all read it."""

from __future__ import annotations

from dataclasses import dataclass

from donation.access.actors import ADMIN, EVERY_ROLE, OFFICE_STAFF
from donation.allocation.allocation import ALLOCATORS
from donation.cards.cards import BUYERS
from donation.pledges.pledges import PLEDGERS
from donation.registry.nominations import NOMINATORS
from donation.registry.review import POSTERS, REVIEWERS

# A page's roles are the roles its service lets in, imported from the service, so that the menu never offers a page
# whose service would refuse the visitor.
ANYONE = "anyone"  # a page anyone may open, signed in or not
ANONYMOUS = "anonymous"  # a page only for visitors who are not signed in (the sign-in form)


# Pages whose tables need the screen's whole width. The entry point sets the layout once a run from this: a page that
# set it again over the entry's choice would flip between the two layouts from one run to the next (seen in Chromium).
WIDE_PAGES = frozenset({"nominations", "import_nominations", "review", "report", "admin_audit", "payments",
                        "receipts", "admin_rules", "purchase_batches"})


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    icon: str
    section: str
    roles: tuple[str, ...]

    @property
    def url_path(self) -> str:
        # Streamlit's default: the file's stem. A different url_path breaks direct links (STYLE.md).
        return self.path.rsplit("/", 1)[-1].removesuffix(".py")


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/today.py", "Việc hôm nay", ":material/today:", "Làm việc", EVERY_ROLE),
    PageSpec("pages/nominate.py", "Đề cử hộ gia đình", ":material/person_add:", "Làm việc", NOMINATORS),
    PageSpec("pages/import_nominations.py", "Nhập danh sách từ Excel", ":material/upload_file:", "Làm việc",
             NOMINATORS),
    PageSpec("pages/nominations.py", "Danh sách đề cử", ":material/list_alt:", "Làm việc", NOMINATORS),
    PageSpec("pages/posting.py", "Niêm yết và ý kiến", ":material/campaign:", "Làm việc", POSTERS),
    PageSpec("pages/review.py", "Xét duyệt đề cử", ":material/fact_check:", "Làm việc", REVIEWERS),
    PageSpec("pages/pledge.py", "Cam kết tài trợ", ":material/volunteer_activism:", "Tài trợ", PLEDGERS),
    PageSpec("pages/pledges.py", "Danh sách cam kết", ":material/receipt_long:", "Tài trợ", PLEDGERS),
    PageSpec("pages/hold_households.py", "Chọn hộ để giúp", ":material/favorite:", "Tài trợ", PLEDGERS),
    PageSpec("pages/payments.py", "Tiền nộp và sao kê", ":material/payments:", "Tài trợ", OFFICE_STAFF),
    PageSpec("pages/receipts.py", "Biên nhận", ":material/receipt:", "Tài trợ", OFFICE_STAFF),
    PageSpec("pages/allocation.py", "Phân bổ tiền tài trợ", ":material/account_tree:", "Tài trợ", ALLOCATORS),
    PageSpec("pages/allocation_explain.py", "Giải trình phân bổ", ":material/help_center:", "Tài trợ", OFFICE_STAFF),
    PageSpec("pages/purchase_batches.py", "Mua thẻ BHYT", ":material/shopping_cart:", "Tài trợ", BUYERS),
    PageSpec("pages/report.py", "Báo cáo", ":material/monitoring:", "Báo cáo", OFFICE_STAFF),
    PageSpec("pages/home.py", "Trang chủ", ":material/home:", "Công khai", (ANYONE,)),
    PageSpec("pages/premium_calculator.py", "Tính mức đóng BHYT", ":material/calculate:", "Công khai", (ANYONE,)),
    PageSpec("pages/verify.py", "Kiểm tra biên nhận", ":material/verified:", "Công khai", (ANYONE,)),
    PageSpec("pages/transparency.py", "Công khai số liệu", ":material/public:", "Công khai", (ANYONE,)),
    PageSpec("pages/help.py", "Hướng dẫn", ":material/help:", "Công khai", (ANYONE,)),
    PageSpec("pages/sign_in.py", "Đăng nhập", ":material/login:", "Tài khoản", (ANONYMOUS,)),
    PageSpec("pages/register.py", "Đăng ký nhà tài trợ", ":material/how_to_reg:", "Tài khoản", (ANONYMOUS,)),
    PageSpec("pages/reset_password.py", "Quên mật khẩu", ":material/lock_reset:", "Tài khoản", (ANONYMOUS,)),
    PageSpec("pages/account.py", "Tài khoản của tôi", ":material/person:", "Tài khoản", EVERY_ROLE),
    PageSpec("pages/admin_users.py", "Người dùng", ":material/group:", "Quản trị", (ADMIN,)),
    PageSpec("pages/admin_rules.py", "Quy định mức đóng", ":material/gavel:", "Quản trị", (ADMIN,)),
    PageSpec("pages/admin_communes.py", "Xã nghèo", ":material/map:", "Quản trị", (ADMIN,)),
    PageSpec("pages/admin_accounts.py", "Tài khoản nhận tiền", ":material/account_balance:", "Quản trị", (ADMIN,)),
    PageSpec("pages/admin_settings.py", "Thiết lập", ":material/settings:", "Quản trị", (ADMIN,)),
    PageSpec("pages/admin_audit.py", "Nhật ký thay đổi", ":material/history:", "Quản trị", (ADMIN,)),
)


def visible_to(spec: PageSpec, role: str | None) -> bool:
    if ANYONE in spec.roles:
        return True
    if role is None:
        return ANONYMOUS in spec.roles
    return role in spec.roles


def pages_for(role: str | None) -> dict[str, list[PageSpec]]:
    """The pages a visitor with `role` (None when not signed in) may open, grouped by menu section, home page first."""
    sections: dict[str, list[PageSpec]] = {}
    for spec in PAGES:
        if visible_to(spec, role):
            sections.setdefault(spec.section, []).append(spec)
    return sections
