"""Allocation runs, releases, holds expiring, and the explanation lists."""

from __future__ import annotations

from pathlib import Path

import click

from cli._base import acting_user, emit, handles_errors
from donation.access import offices
from donation.access.actors import SYSTEM_ACTOR
from donation.access.units import parse_code
from donation.allocation import allocation, holds
from donation.allocation import explain as allocation_explain
from donation.common.dates import parse_date, today_vn
from donation.common.errors import InvalidInput
from donation.common.files import write_whole
from donation.common.money import format_vnd


@click.group("holds", help="Giữ chỗ: nhà tài trợ chọn hộ cụ thể cho cam kết của mình.")
def holds_group() -> None:
    pass


@holds_group.command("expire", help="Trả lại các hộ giữ chỗ quá hạn mà cam kết chưa nộp đủ, và giữ chỗ của cam kết "
                                    "đã kết thúc.")
@click.option("--dry-run", is_flag=True, help="Chỉ đếm, không đổi.")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def holds_expire(dry_run, as_json) -> None:
    count = holds.expire(SYSTEM_ACTOR, dry_run=dry_run)
    if as_json:
        emit({"expired": count, "dry_run": dry_run})
    else:
        click.echo(f"{count} hộ giữ chỗ {'sẽ ' if dry_run else ''}được trả lại.")


@click.command(name="explain", help="Giải trình phân bổ ra Excel hoặc CSV: người đã được tài trợ và vì sao (--list funded), hoặc "
                   "người đã duyệt còn chờ và vì sao chưa (--list waiting).")
@click.option("--list", "kind", type=click.Choice(allocation_explain.EXPORTS), default="waiting", show_default=True)
@click.option("--province", default=None, help="Mã tỉnh (quản trị viên, tác vụ hệ thống); cán bộ tỉnh: tỉnh của mình.")
@click.option("--commune", default=None, help="Mã xã/phường/đặc khu.")
@click.option("--on", "on_text", default=None, help="Tính đến ngày (YYYY-MM-DD hoặc dd/mm/yyyy); mặc định hôm nay.")
@click.option("--user", "as_user", default=None, help="Người xem (mặc định: tác vụ hệ thống).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Tệp .xlsx hoặc .csv.")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def explain_lists(kind, province, commune, on_text, as_user, out, as_json) -> None:
    fmt = out.suffix.lower().removeprefix(".")
    if fmt not in allocation_explain.FORMATS:
        raise InvalidInput("--out phải là tệp .xlsx hoặc .csv")
    actor = acting_user(as_user) if as_user else SYSTEM_ACTOR
    scope = {"on": parse_date(on_text, field="--on") if on_text else today_vn(),
             "province": parse_code(province, "tỉnh") if province else None,
             "commune": parse_code(commune, "xã") if commune else None}
    data, page = allocation_explain.exported(actor, kind, fmt, **scope)
    if kind == "funded":
        summary = {"people": page.total, "amount": page.amount, "by_rule": page.by_rule}
    else:
        summary = {"people": sum(page.counts.values()), "by_reason": page.counts}
    write_whole(out, data)
    if as_json:
        emit({"list": kind, **summary, "out": str(out), "bytes": len(data)})
        return
    click.echo(f"Đã ghi {summary['people']} người vào {out}.")


@click.command(help="Phân bổ tiền đã nộp cho người được duyệt theo quy tắc công khai (xem trước với --dry-run).")
@click.option("--province", default=None, help="Mã tỉnh (quản trị viên, tác vụ hệ thống); cán bộ tỉnh: tỉnh của mình.")
@click.option("--on", "on_text", default=None, help="Ngày phân bổ (YYYY-MM-DD hoặc dd/mm/yyyy); mặc định hôm nay.")
@click.option("--user", "as_user", default=None, help="Người chạy (mặc định: tác vụ hệ thống).")
@click.option("--dry-run", is_flag=True, help="Chỉ xem trước, không lưu.")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def allocate(province, on_text, as_user, dry_run, as_json) -> None:
    report = allocation.allocate(acting_user(as_user) if as_user else SYSTEM_ACTOR,
                                 on=parse_date(on_text, field="--on") if on_text else today_vn(),
                                 province=offices.parse_office(province) if province else None, dry_run=dry_run)
    if as_json:
        emit(report.as_dict())
        return
    click.echo(f"{'Xem trước' if dry_run else 'Đã phân bổ'}: {report.people_funded} người "
               f"({report.households_funded} hộ), {format_vnd(report.amount_allocated)} từ {report.pledges_used} cam "
               f"kết; còn {report.people_waiting} người chờ, {format_vnd(report.remainder_total)} chưa phân bổ.")
