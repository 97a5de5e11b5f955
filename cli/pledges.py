"""Pledges: VietQR codes, the list, reminders of overdue instalments, expiry, a pledge's statement."""

from __future__ import annotations

from pathlib import Path

import click

from cli._base import acting_user, emit, handles_errors
from donation.access import offices
from donation.access.actors import SYSTEM_ACTOR
from donation.allocation import explain as allocation_explain
from donation.common import mail
from donation.common.dates import today_vn
from donation.common.files import write_whole
from donation.common.money import format_vnd
from donation.pledges import overdue, pledges


@click.command(help="Mã VietQR để nộp số tiền còn thiếu của một cam kết (hoặc một đợt).")
@click.argument("pledge_code")
@click.option("--instalment", type=int, default=None, help="Số thứ tự đợt nộp.")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def vietqr(pledge_code, instalment, as_json) -> None:
    code = pledges.payment_code(pledge_code, instalment=instalment)
    if as_json:
        emit({"payload": code.payload, "amount": code.amount, "message": code.message})
    else:
        click.echo(f"{format_vnd(code.amount)} vào {code.bank} {code.account_number} ({code.account_holder}), "
                   f"nội dung «{code.message}»:\n{code.payload}")


@click.group("pledges", help="Cam kết tài trợ.")
def pledges_group() -> None:
    pass


@pledges_group.command("list", help="Liệt kê cam kết, mới nhất trước; --province lọc theo văn phòng nhận tiền.")
@click.option("--province", default=None, help="Mã tỉnh của văn phòng nhận tiền, hoặc national.")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def pledges_list(province, as_json) -> None:
    office = offices.parse_office(province) if province is not None else None
    rows, total, offset = [], None, 0
    while total is None or offset < total:
        page, total = pledges.list_pledges(SYSTEM_ACTOR, office=office, limit=1000, offset=offset)
        rows += page
        offset += 1000
    if as_json:
        emit([{"code": r.code, "donor": r.donor, "kind": r.donor_kind, "amount": r.amount, "paid": r.paid,
                "status": r.status, "province": r.office_code or None} for r in rows])
        return
    for r in rows:
        click.echo(f"{r.code}  {r.status:12} {format_vnd(r.amount):>16} đã nộp {format_vnd(r.paid):>16}  {r.donor}")


@click.command(help="Nhắc nhà tài trợ các đợt nộp quá hạn bằng thư điện tử (khi đã cấu hình BHYT_SMTP_HOST).")
@click.option("--dry-run", is_flag=True, help="Chỉ đếm, không gửi.")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def remind(dry_run, as_json) -> None:
    result = overdue.remind(SYSTEM_ACTOR, today=today_vn(), dry_run=dry_run,
                            mail_settings=mail.MailSettings.from_settings())
    if as_json:
        emit(result.as_dict())
        return
    click.echo(f"{result.overdue} đợt quá hạn: đã gửi {result.emailed} thư, {result.without_email} không có thư "
               f"điện tử, {result.recently_reminded} đã nhắc trong tuần" + ("" if result.smtp else
                                                                             " (chưa cấu hình SMTP)") + ".")


@pledges_group.command("expire", help="Cho hết hạn các cam kết chưa nộp đồng nào quá số ngày trong thiết lập.")
@click.option("--dry-run", is_flag=True, help="Chỉ liệt kê, không đổi.")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def pledges_expire(dry_run, as_json) -> None:
    codes = pledges.expire_unpaid(SYSTEM_ACTOR, today=today_vn(), dry_run=dry_run)
    if as_json:
        emit({"expired": len(codes), "codes": codes, "dry_run": dry_run})
    else:
        click.echo(f"{len(codes)} cam kết {'sẽ ' if dry_run else ''}hết hạn.")


@click.command(help="Bản kê sử dụng tiền tài trợ của một cam kết (PDF): thẻ đã mua theo xã, nhóm, thời hạn; không nêu tên.")
@click.argument("pledge_code")
@click.option("--user", "as_user", default=None, help="Người lấy bản kê (mặc định: tác vụ hệ thống).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Tệp .pdf.")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def statement(pledge_code, as_user, out, as_json) -> None:
    data = allocation_explain.statement(acting_user(as_user) if as_user else SYSTEM_ACTOR, pledge_code)
    write_whole(out, data)
    if as_json:
        emit({"pledge": pledge_code.strip().upper(), "out": str(out), "bytes": len(data)})
        return
    click.echo(f"Đã ghi bản kê vào {out}.")
