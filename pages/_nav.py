"""The page registry as data: the menu, the role filter and the tests all read it."""

from __future__ import annotations

from dataclasses import dataclass

ANYONE = "anyone"  # a page anyone may open without signing in


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
    PageSpec("pages/home.py", "Trang chủ", ":material/home:", "Công khai", (ANYONE,)),
    PageSpec("pages/premium_calculator.py", "Tính mức đóng BHYT", ":material/calculate:", "Công khai", (ANYONE,)),
)


def pages_for(role: str | None) -> dict[str, list[PageSpec]]:
    """The pages a visitor with `role` (None when not signed in) may open, grouped by menu section."""
    sections: dict[str, list[PageSpec]] = {}
    for spec in PAGES:
        if ANYONE in spec.roles or (role is not None and role in spec.roles):
            sections.setdefault(spec.section, []).append(spec)
    return sections
