"""A donor who registered with Markdown, an image and a link in their name: the officer who opens their pledge sees the
name as written, and the browser fetches nothing from the address in it and shows no link to it."""

from datetime import date

import pytest
from playwright.sync_api import expect

from db.engine import make_engine
from db.uow import UnitOfWork
from donation.access import auth
from donation.pledges import donors, pledges
from tests.browser.conftest import screenshot, select_row, wait_for_app
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser

FOREIGN = "127.0.0.1:8612"
NAME = (f"**Đậm** ![t](http://{FOREIGN}/pixel.png) [Bấm để xác nhận](http://{FOREIGN}/phish) "
        ":red[đỏ] :material/home: <img src=x>")


def test_an_officer_sees_a_hostile_donor_name_as_text_and_fetches_nothing(app_server, app_database, page):
    engine = make_engine(app_database)
    try:
        uow = UnitOfWork(engine)
        donor = donors.register(kind="organisation", username="to.chuc.la", password="Mat-khau-dai-du", uow=uow,
                                fields={"name": NAME, "tax_code": "0109876543", "representative": NAME,
                                        "address": NAME}, public=True, today=date.today())
        code = pledges.create_pledge(donor, amount=1_000_000, province_code=66, today=date.today(), uow=uow).code
        listed, _ = pledges.list_pledges(auth.find_actor("demo.tinh", uow=uow), uow=uow)
        row = [r.code for r in listed].index(code)  # where the officer's list shows it
    finally:
        engine.dispose()
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    sign_in(page, app_server, "demo.tinh")
    page.goto(f"{app_server}/pledges")
    wait_for_app(page)
    select_row(page, page.locator("[class*='st-key-pledges-table']").get_by_test_id("stDataFrame"), row)
    caption = page.get_by_test_id("stCaptionContainer").filter(has_text="giá theo quy định")
    expect(caption).to_be_visible()
    screenshot(page, "hostile-donor-name")
    assert not [url for url in requested if FOREIGN in url]
    links = page.eval_on_selector_all("a[href]", "links => links.map(link => link.href)")
    assert not [href for href in links if "8612" in href], links
    assert not page.locator("[data-testid='stMain'] img[src*='8612'], [role=img][aria-label='home icon']").count()
    assert caption.inner_text().replace("\u2060", "").startswith(f"{NAME} · ")  # as typed, no backslashes
