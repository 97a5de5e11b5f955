"""The report's command, Excel workbook and PDF: the same figures as its JSON, read back from the files."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner

from cli.commands import main
from db.uow import UnitOfWork
from demo import seed as demo
from donation.access.actors import SYSTEM_ACTOR
from donation.allocation import allocation
from donation.common.dates import VN_TZ
from donation.common.money import format_number, format_vnd
from donation.reporting import report_files, reports
from donation.upkeep.setup import initialise
from tests.pdf import pdf_text
from tests.workbooks import sheets


def body(rows: list[list], header: str) -> list[list]:
    """The rows under the header row that starts with `header` (title lines above it)."""
    top = next(i for i, row in enumerate(rows) if row and row[0] == header)
    return rows[top + 1:]


@pytest.fixture
def funded(configured_database, today):
    initialise(UnitOfWork().engine)
    demo.seed_demo(seed=3, nominations=200, pledges=12, today=today - timedelta(days=2))
    allocation.allocate(SYSTEM_ACTOR, on=today)


def invoke(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_the_national_command_writes_json_excel_and_pdf_with_the_same_figures(funded, tmp_path, today):
    xlsx, pdf = tmp_path / "bc.xlsx", tmp_path / "bc.pdf"
    result = invoke("report", "daily", "--national", "--date", today.isoformat(), "--xlsx", str(xlsx), "--pdf",
                    str(pdf), "--user", "demo.quocgia", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data == {**reports.daily(SYSTEM_ACTOR, on=today).as_json(), "xlsx": str(xlsx), "pdf": str(pdf)}
    assert data["received"] > 0 and data["allocated"] > 0 and data["people_funded"] > 0
    for key in reports.FIGURES:
        assert data[key] == sum(p[key] for p in data["provinces"]) + data["national_office"][key]

    book = sheets(xlsx.read_bytes())
    assert list(book) == ["Tổng hợp", "Theo tỉnh", "Nhà tài trợ", "Thẻ theo nhóm", "Xếp hạng"]
    summary = {row[1]: (row[2], row[3]) for row in body(book["Tổng hợp"], "Chỉ tiêu")}
    assert {k: v[0] for k, v in summary.items() if k != "left"} == {k: data[k] for k in reports.FIGURES}
    assert {k: v[1] for k, v in summary.items() if k != "left"} == data["change"]
    assert summary["left"][0] == data["left"] == data["received"] - data["allocated"]
    # the change of the money not yet allocated is its own change (received less allocated), not yesterday's figure
    assert summary["left"][1] == data["change"]["received"] - data["change"]["allocated"]
    areas = body(book["Theo tỉnh"], "Mã")
    by_code = {int(row[0]): row[2:] for row in areas if row[0] != ""}
    for province in data["provinces"]:
        assert by_code[province["province"]] == [province[k] for k in reports.FIGURES]
    assert by_code[0] == [data["national_office"][k] for k in reports.FIGURES]
    assert areas[-1][1] == "Cả nước" and areas[-1][2:] == [data[k] for k in reports.FIGURES]
    kinds = {row[1]: row[2:] for row in body(book["Nhà tài trợ"], "Loại nhà tài trợ")}
    assert kinds == {k: [v["donors"], v["pledged"], v["received"]] for k, v in data["donors_by_kind"].items()}
    ranked = body(book["Xếp hạng"], "Hạng")
    assert [int(r[1]) for r in ranked] == [r["province"] for r in data["ranking"]]

    text = pdf_text(pdf)
    for phrase in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "BẢO HIỂM XÃ HỘI VIỆT NAM", "Báo cáo ngày",
                   f"ngày {today.day:02d} tháng {today.month:02d} năm {today.year}", format_vnd(data["received"]),
                   format_vnd(data["allocated"]), format_number(data["people_approved"])):
        assert phrase in text, phrase
    daklak = next(p for p in data["provinces"] if p["province"] == 66)
    assert f"Đắk Lắk {format_number(daklak['pledged'])} {format_number(daklak['received'])}" in " ".join(
        text.split())


def test_a_province_weekly_report_and_its_scope(funded, tmp_path, today):
    xlsx = tmp_path / "tuan.xlsx"
    result = invoke("report", "weekly", "--province", "066", "--date", today.isoformat(), "--xlsx", str(xlsx),
                    "--user", "demo.tinh", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    friday = reports.week_ending(today)
    assert (data["report"], data["scope"], data["date"]) == ("weekly", 66, friday.isoformat())
    assert "provinces" not in data and data["since"] == (friday - timedelta(days=6)).isoformat()
    summary = {row[1]: row[2] for row in body(sheets(xlsx.read_bytes())["Tổng hợp"], "Chỉ tiêu")}
    assert all(summary[k] == data[k] for k in reports.FIGURES)
    refused = CliRunner().invoke(main, ["report", "daily", "--national", "--user", "demo.tinh", "--json"])
    assert refused.exit_code == 1 and "cả nước" in refused.output
    both = CliRunner().invoke(main, ["report", "daily", "--national", "--province", "66", "--json"])
    assert both.exit_code == 1 and "--national" in both.output
    name, data = report_files.export(SYSTEM_ACTOR, "weekly", "pdf", on=today, province=66)
    assert name == f"bao-cao-tuan-tinh-66-{friday:%Y%m%d}.pdf" and "BẢO HIỂM XÃ HỘI TỈNH ĐẮK LẮK" in pdf_text(data)


def test_the_report_command_writes_a_checkpoint_and_the_files_print_it(configured_database, monkeypatch, tmp_path,
                                                                      today):
    from db.config import get_settings
    from donation.access import audit

    monkeypatch.setenv("BHYT_AUDIT_CHECKPOINTS", str(tmp_path / "checkpoints"))
    get_settings.cache_clear()
    initialise(UnitOfWork().engine)
    demo.seed_demo()
    xlsx, pdf = tmp_path / "bc.xlsx", tmp_path / "bc.pdf"
    assert "Nhật ký thay đổi: chưa có điểm kiểm tra." in pdf_text(report_files.export(
        SYSTEM_ACTOR, "daily", "pdf", on=today, province=66)[1])
    result = invoke("report", "daily", "--province", "66", "--checkpoint", "--xlsx", str(xlsx), "--pdf", str(pdf),
                    "--json")
    assert result.exit_code == 0, result.output
    with UnitOfWork() as work:
        check = audit.verify(work.session)
    assert check.ok and check.checkpoint.seq == check.seq > 0
    assert json.loads(result.output)["audit_checkpoint"] == check.checkpoint.as_dict()
    printed = (f"Điểm kiểm tra nhật ký thay đổi mới nhất: sự kiện số {check.seq}, ghi lúc "
               f"{check.checkpoint.at.astimezone(VN_TZ):%H:%M ngày %d/%m/%Y}, mã băm {check.hash[:16]}.")
    assert printed in " ".join(pdf_text(pdf.read_bytes()).split())
    assert printed in [row[0] for row in sheets(xlsx.read_bytes())["Tổng hợp"]]
