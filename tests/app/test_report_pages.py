"""The report page (provincial and national officers) and the public transparency page through AppTest."""

import json
from datetime import timedelta

import pytest

from demo import seed as demo
from demo.seed import DEMO_PASSWORD
from donation.access.actors import SYSTEM_ACTOR
from donation.allocation import allocation
from donation.common.money import format_number, format_vnd, format_vnd_short
from donation.reporting import reports, transparency
from tests.app.test_sign_in import open_page, sign_in

pytestmark = pytest.mark.app


def funded_demo(today) -> None:
    demo.seed_demo(seed=5, nominations=120, pledges=12)
    allocation.allocate(SYSTEM_ACTOR, on=today)


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def chart_specs(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def encodings(spec: dict):
    for layer in [spec, *spec.get("layer", [])]:
        yield from layer.get("encoding", {}).items()


def test_the_province_officer_reads_their_province(app, today):
    funded_demo(today)
    expected = reports.daily(SYSTEM_ACTOR, province=66)
    at = open_page(sign_in(app, "demo.tinh", DEMO_PASSWORD), "pages/report.py")
    assert not at.error and at.title[0].value == "Báo cáo"
    assert at.subheader[0].value == f"Báo cáo ngày {today:%d/%m/%Y}: Đắk Lắk"
    shown = metrics(at)
    assert shown["Tiền đã nhận"] == format_vnd(expected.figures.received)
    assert shown["Người được tài trợ"] == format_number(expected.figures.people_funded)
    assert not [s for s in at.selectbox if s.key == "report.province"]  # their province only
    labels = [d.proto.label for d in at.get("download_button")]
    assert labels == ["Tải Excel", "Tải PDF"]
    at.radio(key="report.kind").set_value("weekly")
    at.run()
    friday = reports.week_ending(today)
    assert at.subheader[0].value.startswith(f"Báo cáo tuần từ {friday - timedelta(days=6):%d/%m/%Y} đến {friday:%d/%m/%Y}")


def test_the_national_officer_sees_every_province_and_the_ranking(app, today):
    funded_demo(today)
    expected = reports.daily(SYSTEM_ACTOR)
    at = open_page(sign_in(app, "demo.quocgia", DEMO_PASSWORD), "pages/report.py")
    assert not at.error and at.subheader[0].value.endswith(": BHXH Việt Nam")
    assert metrics(at)["Tiền cam kết"] == format_vnd(expected.figures.pledged)
    tables = {tuple(frame.value.columns)[:2]: frame.value for frame in at.dataframe}
    provinces = tables[("Hạng", "Tỉnh/thành phố")]
    assert len(provinces) == 36 and list(provinces["Tỉnh/thành phố"])[-1] == "Cả nước"
    assert list(provinces["Hạng"])[:34] == list(range(1, 35))
    assert list(provinces["Tỉnh/thành phố"])[0] == expected.ranking[0].name
    assert list(provinces["Tiền đã nhận"])[-1] == format_vnd(expected.figures.received)
    # every chart formats its numbers the Vietnamese way, in the browser, with Vietnamese titles and no raw keys
    specs = chart_specs(at)
    assert len(specs) == 3
    for spec in specs:
        assert spec["config"]["locale"]["number"] == {"decimal": ",", "thousands": ".", "grouping": [3],
                                                      "currency": ["", " ₫"]}
        assert spec["usermeta"]["embedOptions"]["renderer"] == "svg"
        for channel, encoding in encodings(spec):
            if channel in ("x", "y") and encoding["type"] == "quantitative":
                assert encoding["axis"]["format"].startswith(","), encoding  # 20.000.000, never 20,000,000
                assert encoding["axis"]["title"], encoding
            if channel == "tooltip":
                for tip in encoding:
                    assert tip.get("title"), tip
                    if tip["type"] == "quantitative":
                        assert tip["format"] in ("$,", ",~f", ",.2~f"), tip
                    if tip["type"] == "temporal":
                        assert tip["format"] == "%d/%m/%Y"
    money = [e["axis"] for spec in specs for c, e in encodings(spec) if c in "xy" and "labelExpr" in e.get("axis", {})]
    assert len(money) == 2 and all("triệu" in axis["labelExpr"] and "tỷ" in axis["labelExpr"] for axis in money)
    data = json.dumps(specs, ensure_ascii=False)
    assert all(f'"{key}"' not in data for key in ("budget", "organisation", "individual", "received"))

    at.selectbox(key="report.province").set_value(66)
    at.run()
    assert at.subheader[0].value.endswith(": Đắk Lắk")


def test_the_public_page_needs_no_sign_in_and_suppresses_small_counts(app, today):
    funded_demo(today)
    at = open_page(app, "pages/transparency.py")
    assert not at.error and at.title[0].value == "Công khai số liệu"
    public = transparency.figures()
    # headline money short ("102,5 triệu ₫"), the exact amount under it
    assert metrics(at)["Tiền đã nhận"] == format_vnd_short(public.money["received"])
    captions = [c.value for c in at.caption]
    for key in ("pledged", "received", "allocated", "spent"):
        assert f"Chính xác: {format_vnd(public.money[key])}" in captions
    # donors by kind: a kind whose donors are all named is counted, however few; the named are counted anyway
    tables = {tuple(frame.value.columns): frame.value for frame in at.dataframe}
    by_kind = tables[("Loại", "Số nhà tài trợ")]
    kinds = dict(zip(by_kind["Loại"], by_kind["Số nhà tài trợ"], strict=True))
    named = tables[("Nhà tài trợ", "Loại", "Cam kết", "Đã nộp")]
    for key, name in transparency.KINDS.items():
        listed = int((named["Loại"] == name).sum())
        if public.donors_by_kind[key].value is not None:
            assert kinds[name] == str(public.donors_by_kind[key].value)
        else:
            assert kinds[name] == (f"{listed} công khai tên + •" if listed else "•")
    provinces = at.dataframe[0].value
    assert list(provinces["Tỉnh/thành phố"]) == [p.name for p in public.provinces]
    shown = set(provinces["Người được duyệt"]) | set(provinces["Người được tài trợ"])
    assert all(v == "•" or int(v.replace(".", "")) >= 5 for v in shown)
    at.selectbox(key="public.province").set_value(66)
    at.run()
    communes = at.dataframe[1].value
    assert len(communes) == len(transparency.figures(province=66).communes) > 0
    for column in ("Người được duyệt", "Người được tài trợ", "Người đã có thẻ"):
        assert all(v == "•" or int(v.replace(".", "")) >= 5 for v in communes[column])
    text = " ".join(str(e.value) for e in [*at.markdown, *at.caption])
    assert "CCCD" not in text and "Ngày sinh" not in text
