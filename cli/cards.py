"""Purchase batches: BHXH's D03-TS list out, issued cards in."""

from __future__ import annotations

from pathlib import Path

import click

from cli._base import acting_user, emit, handles_errors
from donation.access.actors import SYSTEM_ACTOR
from donation.access.units import parse_code
from donation.cards import cards
from donation.common.dates import format_date, parse_date, today_vn
from donation.common.files import write_whole
from donation.common.money import format_vnd


@click.group("cards", help="Mua thẻ BHYT: đợt mua, danh sách D03-TS gửi BHXH, nhập thẻ BHXH đã cấp.")
def cards_group() -> None:
    pass


@cards_group.command("export", help="Xuất danh sách D03-TS (Excel) của một đợt mua thẻ. Không có --batch: lập đợt mới "
                     "gồm mọi người đã được tài trợ của tỉnh chưa vào đợt nào, rồi xuất đợt đó.")
@click.option("--province", required=True, help="Mã tỉnh.")
@click.option("--batch", "sequence", type=int, default=None, help="Số thứ tự đợt trong năm (đợt đã lập).")
@click.option("--year", type=int, default=None, help="Năm của đợt (mặc định: năm nay).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Tệp .xlsx.")
@click.option("--user", "as_user", default=None, help="Cán bộ tỉnh (mặc định: tác vụ hệ thống).")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def cards_export(province, sequence, year, out, as_user, as_json) -> None:
    actor = acting_user(as_user) if as_user else SYSTEM_ACTOR
    code = parse_code(province, "Mã tỉnh")
    if sequence is None:
        batch = cards.create_batch(actor, province=code)
    else:
        batch = cards.find_batch(actor, province=code, year=year or today_vn().year, sequence=sequence)
    _, data = cards.export_batch(actor, batch.id)
    write_whole(out, data)
    if as_json:
        emit({"batch": batch.label, "batch_id": batch.id, "status": batch.status, "people": batch.people,
               "amount": batch.amount, "out": str(out)})
    else:
        click.echo(f"{batch.label}: {batch.people} người, {format_vnd(batch.amount)}; đã ghi {out}")


@cards_group.command("pay", help="Ghi lần chuyển tiền của một đợt mua thẻ cho BHXH (tiền được tính là đã chi). Giá thẻ "
                     "được tính lại theo quy định ngày chuyển; thẻ không đủ tiền ra khỏi đợt, chờ đợt sau.")
@click.option("--province", required=True, help="Mã tỉnh.")
@click.option("--batch", "sequence", type=int, required=True, help="Số thứ tự đợt trong năm.")
@click.option("--year", type=int, default=None, help="Năm của đợt (mặc định: năm nay).")
@click.option("--paid-on", "paid_text", required=True, help="Ngày chuyển tiền (YYYY-MM-DD hoặc dd/mm/yyyy).")
@click.option("--reference", default="", help="Số ủy nhiệm chi hoặc biên lai BHXH (bắt buộc, trừ khi --dry-run).")
@click.option("--dry-run", is_flag=True, help="Chỉ tính số người và số tiền cần chuyển theo ngày đó, không ghi gì.")
@click.option("--user", "as_user", required=True, help="Cán bộ tỉnh ghi chuyển tiền.")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def cards_pay(province, sequence, year, paid_text, reference, dry_run, as_user, as_json) -> None:
    actor = acting_user(as_user)
    code = parse_code(province, "Mã tỉnh")
    batch = cards.find_batch(actor, province=code, year=year or today_vn().year, sequence=sequence)
    paid_on = parse_date(paid_text, field="--paid-on")
    if dry_run:
        preview = cards.payment_preview(actor, batch.id, paid_on=paid_on)
        if as_json:
            emit({"batch": batch.label, "batch_id": batch.id, "dry_run": True, "people": preview.people,
                  "amount": preview.amount, "paid_on": paid_on.isoformat(), "repricing": preview.as_dict()})
            return
        click.echo(f"{batch.label}: nếu chuyển ngày {format_date(paid_on)}, cần chuyển {format_vnd(preview.amount)} "
                   f"cho {preview.people} người (chưa ghi gì).")
        if preview.changed:
            click.echo(preview.message())
        return
    paid = cards.record_payment(actor, batch.id, paid_on=paid_on, reference=reference)
    if as_json:
        emit({"batch": paid.label, "batch_id": paid.id, "status": paid.status, "people": paid.people,
              "amount": paid.amount, "paid_on": paid.paid_on.isoformat(), "repricing": paid.repriced.as_dict()})
        return
    click.echo(f"{paid.label}: đã ghi chuyển {format_vnd(paid.amount)} cho BHXH ngày {format_date(paid.paid_on)}, "
               f"{paid.people} người.")
    if paid.repriced.changed:
        click.echo(paid.repriced.message())


@cards_group.command("import", help="Nhập thẻ BHXH đã cấp (Excel hoặc CSV): mỗi dòng được đối chiếu với người trong "
                     "đợt mua đã chuyển tiền; một dòng sai thì không lưu dòng nào.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "as_user", required=True, help="Cán bộ tỉnh nhập thẻ.")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def cards_import(file, as_user, as_json) -> None:
    result = cards.import_cards(acting_user(as_user), file.read_bytes(), file.name)
    if as_json:
        emit(result.as_dict())
    else:
        click.echo(f"Đã nhập {result.cards} thẻ ({result.already} thẻ đã có từ trước)"
                   + (f"; {', '.join(result.batches_carded)} đã đủ thẻ" if result.batches_carded else ""))
