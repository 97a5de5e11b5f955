"""Text from people and files is shown as text: every field filled with Markdown, HTML and Streamlit directives
through the services, then every page opened as every role, and no Markdown-rendering element carries it unescaped."""

import csv
import io
import re
from datetime import timedelta

import pytest
from streamlit.testing.v1 import AppTest

from demo.seed import DEMO_COMMUNE, DEMO_PASSWORD, DEMO_PROVINCE
from donation.access import auth, offices
from donation.access.actors import SYSTEM_ACTOR
from donation.allocation import allocation
from donation.cards import cards
from donation.common.identity import normalise_name
from donation.payments import payments, receipts, reconcile
from donation.pledges import donors, pledges
from donation.registry import nominations, review
from pages._nav import PAGES, visible_to
from tests.app.conftest import ENTRY, as_read
from tests.app.test_pledge_pages import open_pledge
from tests.app.test_sign_in import open_page, sign_in

pytestmark = pytest.mark.app

# No digits: a nominated person's name refuses them. The markers are what would render if the text reached Markdown as is.
HOSTILE = "**Đậm** ![t](http://e.vn/p.png) [Bấm](http://e.vn/x) <img src=x> :red[đỏ] :material/home: :smile:"
MARKERS = ("**đậm**", "![t]", "](http", "<img", ":red[", ":material/")
MARKDOWN_BODIES = {"markdown", "caption", "title", "header", "subheader", "error", "warning", "info", "success",
                   "toast"}
EVIL_DONOR = "evil.donor"
EVIL_OFFICER = "evil.officer"


def seed(today) -> dict[str, str]:
    """Hostile text in every field a person fills, through the services that officials and donors use."""
    admin, official = auth.find_actor("demo.admin"), auth.find_actor("demo.xa")
    officer = auth.find_actor("demo.tinh")
    auth.create_user(admin, username=EVIL_OFFICER, password=DEMO_PASSWORD, role="province_officer",
                     display_name=HOSTILE, province_code=DEMO_PROVINCE)
    checker = auth.find_actor(EVIL_OFFICER)
    offices.set_account(admin, DEMO_PROVINCE, bank_bin="970436", account_number="0123456789", account_holder=HOSTILE)
    donor = donors.register(kind="individual", username=EVIL_DONOR, password=DEMO_PASSWORD, today=today,
                            fields={"name": HOSTILE, "phone": "0912345678"}, public=True)
    donors.create_donor(officer, kind="organisation", today=today, public=True, fields={
        "name": HOSTILE, "tax_code": "0101234567", "representative": HOSTILE, "address": HOSTILE})
    member = {"full_name": HOSTILE, "birth_date": "01/02/1980", "gender": "Nữ", "relation": HOSTILE,
              "national_id": "066180000123", "group": "household", "village": HOSTILE, "school": HOSTILE,
              "health_facility": HOSTILE, "reason": HOSTILE}
    report = nominations.nominate_household(official, commune_code=DEMO_COMMUNE, consent=True, today=today,
                                         members=[member, {**member, "national_id": "066180000124"}])
    assert report.committed, report.errors
    rows, _ = nominations.list_nominations(official, commune_code=DEMO_COMMUNE, search="dam")
    first, second = sorted(row.id for row in rows)
    review.post_list(official, commune_code=DEMO_COMMUNE, today=today - timedelta(days=40))
    review.record_objection(official, second, raised_by=HOSTILE, content=HOSTILE, raised_on=today - timedelta(days=30))
    review.decide(officer, [first], "approve", today=today)
    review.decide(officer, [second], "return", HOSTILE, today=today)

    pledge = pledges.create_pledge(donor, amount=5_000_000, province_code=DEMO_PROVINCE, today=today)
    paid = payments.record_payment(officer, pledge.code, amount=5_000_000, method="cash", paid_on=today, today=today,
                                   note=HOSTILE)
    number = payments.confirm_payment(checker, paid.id).receipt
    receipts.request_void(officer, number, "other", HOSTILE)
    cancelled = pledges.create_pledge(donor, amount=1_000_000, province_code=DEMO_PROVINCE, today=today)
    pledges.cancel_pledge(donor, cancelled.code, HOSTILE)
    lines = io.StringIO()
    csv.writer(lines).writerows([("Ngày giao dịch", "Số tiền", "Nội dung", "Mã giao dịch"),
                                 (f"{today:%d/%m/%Y}", "150000", HOSTILE, "FT1")])
    reconcile.reconcile(officer, lines.getvalue().encode(), f"{HOSTILE}.csv", today=today)
    allocation.allocate(SYSTEM_ACTOR, on=today)
    cards.create_batch(officer, province=None, note=HOSTILE)
    return {"pledge": pledge.code}


def nodes(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from nodes(child)


def bodies(at: AppTest) -> list[str]:
    """What every element that Streamlit renders as Markdown was given: bodies, labels, options, cells."""
    found = []
    for node in nodes(at._tree):
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", "")
        if kind in MARKDOWN_BODIES:
            found.append(node.value)
        elif kind == "metric":
            found += [proto.label, proto.body, proto.delta]
        elif kind in ("table", "arrow_table"):
            found += [str(cell) for cell in node.value.to_numpy().ravel()]
        elif kind == "radio":
            found += [str(option) for option in node.options]
        elif kind == "imgs":
            found += [image.caption for image in proto.imgs]
        if proto is not None and isinstance(getattr(proto, "label", None), str):
            found.append(proto.label)
    return found


def unescaped(body: str) -> str:
    """The body with its backslash escapes taken out: what is left is what Markdown would parse."""
    return re.sub(r"\\.", "", body, flags=re.DOTALL).casefold()


class Screens:
    """Every screen looked at, and each Markdown body that would render a hostile marker."""

    def __init__(self):
        self.seen: list[str] = []
        self.rendered: list[tuple[str, str]] = []

    def look(self, at: AppTest, where: str) -> AppTest:
        assert not at.exception, (where, at.exception)
        for body in bodies(at):
            self.seen.append(body)
            if any(marker in unescaped(body) for marker in MARKERS):
                self.rendered.append((where, body))
        return at

    def walk(self, at: AppTest, role: str, who: str) -> None:
        for spec in PAGES:
            if visible_to(spec, role):
                self.look(open_page(at, spec.path), f"{who} {spec.path}")


def test_no_page_renders_what_people_typed_as_markdown(app, today):
    made = seed(today)
    screens = Screens()
    for username in ("demo.xa", "demo.tinh", "demo.quocgia", "demo.admin", "demo.nhataitro", EVIL_DONOR,
                     EVIL_OFFICER):
        at = AppTest.from_file(ENTRY, default_timeout=60)  # a browser of its own
        at.run()
        screens.look(sign_in(at, username, DEMO_PASSWORD), f"{username} signing in")
        screens.walk(at, auth.find_actor(username).role, username)
        if username in ("demo.tinh", EVIL_DONOR):  # the pledge opened: its caption names the donor
            at = open_page(at, "pages/pledges.py")
            open_pledge(at, made["pledge"])
            screens.look(at, f"{username} pledge sheet")
        if username == "demo.tinh":  # the funded person opened: the explanation names them
            at = open_page(at, "pages/allocation_explain.py")
            box = next(b for b in at.selectbox if b.label == "Vì sao người này được tài trợ")
            options = [o for o in box.options if o.startswith(normalise_name(HOSTILE))]
            assert options, box.options  # a select's options are plain text: shown as typed, not escaped
            box.select(options[0])
            at.run()
            screens.look(at, f"{username} explanation")
        if username in (EVIL_DONOR, EVIL_OFFICER):  # their own name, shown as it was written
            name = auth.find_actor(username).display_name
            assert any(name in as_read(body) for body in screens.seen), username
    assert not screens.rendered, "\n".join(f"{where}: {body}" for where, body in screens.rendered)
