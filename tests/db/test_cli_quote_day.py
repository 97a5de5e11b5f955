"""`python -m cli quote --on D --cover-from C`: priced at the rule of the payment day D, the card covered from C."""

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner

from cli.commands import main
from donation.common.dates import today_vn


@pytest.fixture
def quote(configured_database, new_database):
    configured_database(new_database("sqlite", "initialised"))

    def run(*args):
        return CliRunner().invoke(main, ["quote", "--group", "household", *args], catch_exceptions=False)

    return run


@pytest.mark.parametrize(
    ("args", "priced_on", "cover_from", "version", "donor", "later"),
    [
        (["--on", "2026-06-30", "--cover-from", "2026-08-01"], "2026-06-30", "2026-08-01", "2025-07", 1_263_600,
         [("2026-07-01", 1_366_200)]),
        (["--on", "2026-07-01", "--cover-from", "01/08/2026"], "2026-07-01", "2026-08-01", "2026-07", 1_366_200, []),
        (["--on", "30/06/2026"], "2026-06-30", "2026-07-30", "2025-07", 1_263_600, [("2026-07-01", 1_366_200)]),
        (["--on", "2026-05-01"], "2026-05-01", "2026-05-31", "2025-07", 1_263_600, []),
    ],
)
def test_json_prices_at_the_payment_day(quote, args, priced_on, cover_from, version, donor, later):
    result = quote(*args, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["on"], data["priced_on"], data["cover_from"]) == (priced_on, priced_on, cover_from)
    assert (data["rule_version"], data["donor_pays_total"]) == (version, donor)
    assert [(c["from"], c["donor_pays_total"]) for c in data["later_prices"]] == later


def test_the_payment_day_defaults_to_today_in_vietnam(quote):
    data = json.loads(quote("--json").stdout)
    today = today_vn()
    assert (data["priced_on"], data["cover_from"]) == (today.isoformat(), (today + timedelta(days=30)).isoformat())


def test_text_names_both_days_and_the_other_price(quote):
    result = quote("--on", "30/06/2026", "--cover-from", "01/08/2026")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Quy định 2025-07, ngày đóng tiền 30/06/2026, thẻ có hiệu lực từ 01/08/2026, 12 tháng"
    assert "Tổng nhà tài trợ đóng: 1.263.600 ₫" in lines
    assert ("Từ 01/07/2026 lương cơ sở là 2.530.000 ₫ (quy định 2026-07): nếu tiền được nộp cho BHXH từ ngày đó, "
            "mức đóng là 1.366.200 ₫") in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--on", "2026-06-30", "--cover-from", "2026-06-01"], "trước ngày đóng tiền 30/06/2026"),
        (["--on", "2026-06-30", "--cover-from", "31/06/2026"], "Ngày --cover-from '31/06/2026' không có trên lịch"),
    ],
)
def test_a_bad_cover_start_is_one_line(quote, args, message):
    result = quote(*args, "--json")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.strip().startswith("Lỗi: ") and message in result.stderr
