"""The premium calculator on the command line."""

from __future__ import annotations

import click

from cli._base import emit, handles_errors
from donation.common.dates import format_date, parse_date, today_vn
from donation.common.money import format_vnd
from donation.premium import quotes
from donation.premium.rule_data import GROUPS


@click.command(help="Tính mức đóng BHYT và phần nhà tài trợ cần đóng.")
@click.option("--group", required=True, help=f"Mã nhóm: {', '.join(g.key for g in GROUPS)}.")
@click.option("--members", type=int, default=1, show_default=True, help="Số người (hộ gia đình: số thành viên).")
@click.option("--months", type=int, default=12, show_default=True, help="3, 6 hoặc 12.")
@click.option("--on", "on_text", default=None,
              help="Ngày đóng tiền cho BHXH, tính giá theo quy định ngày đó: YYYY-MM-DD hoặc dd/mm/yyyy "
                   "(mặc định: hôm nay).")
@click.option("--cover-from", "cover_text", default=None,
              help="Ngày thẻ có hiệu lực (mặc định: 30 ngày sau ngày đóng tiền, như người tham gia lần đầu).")
@click.option("--province", default=None, help="Mã tỉnh (có hoặc không có số 0 đầu).")
@click.option("--commune", default=None, help="Mã xã/phường/đặc khu.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@handles_errors
def quote(group, members, months, on_text, cover_text, province, commune, as_json) -> None:
    on = today_vn() if on_text is None else parse_date(on_text, field="Ngày --on")
    cover_from = None if cover_text is None else parse_date(cover_text, field="Ngày --cover-from")
    placed = quotes.quote(group=group, members=members, months=months, on=on, cover_from=cover_from,
                          province_code=province, commune_code=commune)
    if as_json:
        emit(placed.as_dict())
        return
    q = placed.quote
    click.echo(f"Quy định {q.rule_version}, ngày đóng tiền {format_date(q.on)}, thẻ có hiệu lực từ "
               f"{format_date(q.cover_start)}, {q.months} tháng")
    for line in q.lines:
        click.echo(f"  Người {line.member}: mức đóng {format_vnd(line.full_premium)}, "
                   f"nhà nước {format_vnd(line.state_pays)}, nhà tài trợ {format_vnd(line.donor_pays)}")
    click.echo(f"Tổng nhà tài trợ đóng: {format_vnd(q.donor_pays_total)}")
    click.echo(q.note)
