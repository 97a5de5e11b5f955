"""`python -m donation`: the batch commands, sharing their code with the pages.

With --json, standard output holds exactly one JSON document; messages and logs go to standard error. A failure
exits non-zero with one line on standard error.
"""

from __future__ import annotations

import functools
import json
import logging
import sys

import click

from donation import quotes, setup
from donation.dates import format_date, parse_date
from donation.errors import explain
from donation.money import format_vnd

log = logging.getLogger("donation")


def _emit(data: dict) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, default=str))


def _fail(message: str, code: int = 1):
    click.echo(f"Lỗi: {message}", err=True)
    sys.exit(code)


def handles_errors(command):
    """Turn any error into one Vietnamese line on stderr and a non-zero exit, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001  (the entry point is where every error becomes a message)
            message = explain(exc)
            if message is None:
                log.debug("unexpected error", exc_info=True)
                message = f"lỗi không mong đợi ({type(exc).__name__}); báo quản trị viên"
            _fail(message)

    return wrapper


@click.group(help="Tặng thẻ BHYT: các lệnh quản trị và xử lý theo lô.")
def main() -> None:
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


@main.command(help="Áp dụng migration, nạp 34 tỉnh và 3.321 xã, nạp quy định mức đóng. Chạy lại không thay đổi gì.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@handles_errors
def init(as_json: bool) -> None:
    result = setup.initialise()
    if as_json:
        _emit({"provinces": result.provinces, "communes": result.communes, "revision": result.revision,
               "rules_added": result.rules_added})
    else:
        click.echo(f"Cơ sở dữ liệu ở phiên bản {result.revision}: {result.provinces} tỉnh, {result.communes} xã; "
                   f"thêm {result.rules_added} dòng quy định.")


@main.command(help="Tính mức đóng BHYT và phần nhà tài trợ cần đóng.")
@click.option("--group", required=True, help="household, near_poor, pupil, student, farm_household, poor")
@click.option("--members", type=int, default=1, show_default=True, help="Số người (hộ gia đình: số thành viên).")
@click.option("--months", type=int, default=12, show_default=True, help="3, 6 hoặc 12.")
@click.option("--on", "on_text", required=True, help="Ngày bắt đầu có thẻ: YYYY-MM-DD hoặc dd/mm/yyyy.")
@click.option("--province", default=None, help="Mã tỉnh (có hoặc không có số 0 đầu).")
@click.option("--commune", default=None, help="Mã xã/phường/đặc khu.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@handles_errors
def quote(group, members, months, on_text, province, commune, as_json) -> None:
    on = parse_date(on_text, field="Ngày --on")
    placed = quotes.quote(group=group, members=members, months=months, on=on,
                          province_code=province, commune_code=commune)
    if as_json:
        _emit(placed.as_dict())
        return
    q = placed.quote
    click.echo(f"Quy định {q.rule_version}, ngày {format_date(q.on)}, {q.months} tháng")
    for line in q.lines:
        click.echo(f"  Người {line.member}: mức đóng {format_vnd(line.full_premium)}, "
                   f"nhà nước {format_vnd(line.state_pays)}, nhà tài trợ {format_vnd(line.donor_pays)}")
    click.echo(f"Tổng nhà tài trợ đóng: {format_vnd(q.donor_pays_total)}")
    click.echo(q.note)


def run() -> None:
    """Entry point: click's own usage errors also become one line on stderr."""
    try:
        main.main(standalone_mode=False)
    except click.exceptions.Abort:
        _fail("đã hủy", 1)
    except click.ClickException as exc:
        _fail(exc.format_message(), exc.exit_code)
