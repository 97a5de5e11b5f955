"""Bank statements reconciled; receipts printed, verified, and the public key to verify them offline."""

from __future__ import annotations

from pathlib import Path

import click

from cli._base import acting_user, emit, handles_errors
from donation.access import offices, signing_keys
from donation.access.actors import SYSTEM_ACTOR
from donation.common.dates import format_date, parse_date, today_vn
from donation.common.errors import InvalidInput
from donation.common.money import format_vnd
from donation.payments import receipts
from donation.payments import reconcile as reconcile_statements


@click.command(help="Đối chiếu sao kê ngân hàng (CSV/Excel) với các cam kết theo mã cam kết trong nội dung.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--user", "as_user", required=True, help="Cán bộ của văn phòng có tài khoản này.")
@click.option("--office", default=None, help="Mã tỉnh hoặc national (chỉ cần với quản trị viên).")
@click.option("--dry-run", is_flag=True, help="Chỉ đối chiếu, không lưu.")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def reconcile(file, as_user, office, dry_run, as_json) -> None:
    path = Path(file)
    report = reconcile_statements.reconcile(acting_user(as_user), path.read_bytes(), path.name, dry_run=dry_run,
                                            office=offices.parse_office(office) if office else None,
                                            today=today_vn())
    if as_json:
        emit(report.as_dict())
        return
    click.echo(f"{report.lines} dòng: {report.matched} khớp ({format_vnd(report.amount_matched)}), "
               f"{report.unmatched} chờ xử lý, {report.duplicates} đã nhập trước; "
               f"{'đã lưu' if report.committed else 'chưa lưu'}.")
    for issue in report.errors:
        click.echo(f"  Dòng {issue.row}, cột {issue.column}: {issue.message}")


@click.group("receipts", help="Biên nhận: in theo lô, kiểm tra, khóa công khai để kiểm tra không cần mạng.")
def receipts_group() -> None:
    pass


@receipts_group.command("public-key", help="In khóa công khai (PEM) để kiểm tra chữ ký trên mã QR của biên nhận.")
@handles_errors
def receipts_public_key() -> None:
    click.echo(receipts.public_key_pem(), nl=False)


@receipts_group.command("verify", help="Kiểm tra một biên nhận: đường link trên mã QR, hoặc số biên nhận.")
@click.argument("text")
@click.option("--public-key", "key_file", type=click.Path(exists=True, dir_okay=False),
              help="Chỉ kiểm tra chữ ký bằng khóa công khai này, không cần cơ sở dữ liệu.")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def receipts_verify(text, key_file, as_json) -> None:
    key = signing_keys.load_public_key(Path(key_file).read_text()) if key_file else None
    result = receipts.verify(text, public_key=key)
    if as_json:
        emit(result.as_dict())
        return
    verdict = {"valid": "HỢP LỆ", "voided": "ĐÃ HỦY", "not_genuine": "KHÔNG HỢP LỆ"}[result.status]
    facts = (f" số {result.number}, {format_vnd(result.amount)}, ngày {format_date(result.paid_on)}"
             if result.amount is not None and result.paid_on else "")
    click.echo(f"{verdict}:{facts}. {result.reason}")


@receipts_group.command("print", help="In biên nhận của một văn phòng theo khoảng ngày nộp tiền vào một tệp PDF (hoặc "
                                      "ZIP gồm từng tệp PDF).")
@click.option("--province", "office", required=True, help="Mã tỉnh, hoặc national (BHXH Việt Nam).")
@click.option("--from", "since", default=None, help="Từ ngày nộp (dd/mm/yyyy hoặc YYYY-MM-DD).")
@click.option("--to", "until", default=None, help="Đến ngày nộp.")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Tệp .pdf hoặc .zip.")
@click.option("--voided", is_flag=True, help="In cả biên nhận đã hủy (có đánh dấu).")
@click.option("--paper", type=click.Choice(["a5", "a4_two"]), default=None, help="Khổ giấy (mặc định: thiết lập).")
@click.option("--user", "as_user", default=None, help="Cán bộ in (mặc định: tác vụ hệ thống).")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def receipts_print(office, since, until, out, voided, paper, as_user, as_json) -> None:
    path = Path(out)
    if path.suffix.lower() not in (".pdf", ".zip"):
        raise InvalidInput("Tệp ra phải có đuôi .pdf hoặc .zip")
    printed = receipts.print_receipts(
        acting_user(as_user) if as_user else SYSTEM_ACTOR, office=offices.parse_office(office),
        since=parse_date(since, field="--from") if since else None,
        until=parse_date(until, field="--to") if until else None, include_voided=voided,
        as_zip=path.suffix.lower() == ".zip", paper=paper, out=path)
    if as_json:
        emit({"receipts": printed.count, "out": str(path), "bytes": len(printed.data)})
    else:
        click.echo(f"Đã in {printed.count} biên nhận vào {path}.")
