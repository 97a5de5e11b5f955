"""`python -m cli`: the batch commands, sharing their code with the pages.

With --json, standard output holds exactly one JSON document; messages and logs go to standard error. A failure
exits non-zero with one line on standard error.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from pathlib import Path

import click

from db.uow import UnitOfWork
from demo import seed as demo
from donation.access import audit as audit_log
from donation.access import audit_checkpoints, auth, offices, signing_keys
from donation.access.actors import SYSTEM_ACTOR
from donation.access.units import parse_code
from donation.allocation import allocation, holds
from donation.allocation import explain as allocation_explain
from donation.cards import cards
from donation.common import mail
from donation.common.dates import format_date, parse_date, today_vn
from donation.common.errors import InvalidInput, explain
from donation.common.files import write_whole
from donation.common.money import format_vnd
from donation.payments import receipts
from donation.payments import reconcile as reconcile_statements
from donation.pledges import overdue, pledges
from donation.premium import quotes
from donation.registry import nominations
from donation.reporting import report_files, reports
from donation.upkeep import backup, setup

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
                log.debug("unexpected %s", type(exc).__name__)
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


def _actor(username: str):
    return auth.find_actor(username)


@main.group(help="Tài khoản người dùng.")
def users() -> None:
    pass


@users.command("add", help="Tạo tài khoản; mật khẩu đọc từ bàn phím (không hiện) hoặc từ stdin với --password-stdin.")
@click.option("--username", required=True)
@click.option("--role", required=True, help="donor, commune_official, province_officer, national_officer, admin")
@click.option("--province", default=None, help="Mã tỉnh phụ trách (cán bộ xã, cán bộ tỉnh).")
@click.option("--commune", default=None, help="Mã xã phụ trách (cán bộ xã).")
@click.option("--display-name", default="", help="Họ và tên hiển thị.")
@click.option("--password-stdin", is_flag=True, help="Đọc mật khẩu từ dòng đầu của stdin.")
@click.option("--user", "as_user", default="system", show_default=True, help="Người thực hiện (ghi vào nhật ký).")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def users_add(username, role, province, commune, display_name, password_stdin, as_user, as_json) -> None:
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif not sys.stdin.isatty():
        raise InvalidInput("Không có bàn phím để nhập mật khẩu: dùng --password-stdin và đưa mật khẩu vào stdin")
    else:
        password = click.prompt("Mật khẩu", hide_input=True, confirmation_prompt="Nhập lại mật khẩu", err=True)
    row = auth.create_user(_actor(as_user), username=username, password=password, role=role,
                           display_name=display_name, province_code=province, commune_code=commune)
    if as_json:
        _emit(row.as_dict())
    else:
        click.echo(f"Đã tạo tài khoản {row.username} ({row.role}).")


@users.command("list", help="Liệt kê tài khoản (không có mật khẩu).")
@click.option("--user", "as_user", default="system", show_default=True, help="Người thực hiện.")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def users_list(as_user, as_json) -> None:
    rows = auth.list_users(_actor(as_user))
    if as_json:
        _emit([row.as_dict() for row in rows])
        return
    for row in rows:
        state = "hoạt động" if row.is_active else "vô hiệu hóa"
        click.echo(f"{row.username:24} {row.role:18} {row.province_code or '':>3} {row.commune_code or '':>6} {state}")


@main.group(help="Nhật ký thay đổi.")
def audit() -> None:
    pass


@audit.command("verify", help="Kiểm tra chuỗi băm của nhật ký và đối chiếu với các điểm kiểm tra đã ký: phát hiện sự "
               "kiện bị sửa, xóa hoặc chèn.")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def audit_verify(as_json) -> None:
    with UnitOfWork() as work:
        check = audit_log.verify(work.session)
    if as_json:
        _emit(check.as_dict())
    else:
        click.echo(check.summary())
        for note in check.notes:
            click.echo(f"  {note}")
    if not check.ok:
        sys.exit(1)


@audit.command("checkpoint", help="Kiểm tra nhật ký rồi ghi điểm kiểm tra (số thứ tự và mã băm của sự kiện mới nhất, "
               "có chữ ký) vào thư mục BHYT_AUDIT_CHECKPOINTS, ngoài cơ sở dữ liệu. Chạy hằng ngày.")
@click.option("--after-restore", is_flag=True, help="Sau khi khôi phục bản sao lưu (PostgreSQL): ghi nhận nhật ký "
              "tiếp tục từ đây; các điểm kiểm tra cũ sau điểm này không còn ràng buộc.")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def audit_checkpoint(after_restore, as_json) -> None:
    made = audit_log.write_checkpoint(SYSTEM_ACTOR, restored=after_restore)
    if as_json:
        _emit({**made.as_dict(), "file": str(audit_checkpoints.path())})
    else:
        click.echo(f"Đã ghi điểm kiểm tra: sự kiện {made.seq}, mã băm {made.hash[:audit_checkpoints.HASH_SHOWN]}…, "
                   f"vào {audit_checkpoints.path()}.")


@main.command("seed-demo", help="Tạo dữ liệu mẫu: mỗi vai trò một tài khoản demo (Đắk Lắk, xã Hòa Thịnh), và người "
              "được đề cử ở các tỉnh miền Trung, Tây Nguyên bị lũ.")
@click.option("--beneficiaries", type=int, default=0, show_default=True,
              help="Số người được đề cử (chỉ thêm khi sổ đề cử còn trống).")
@click.option("--pledges", type=int, default=0, show_default=True,
              help="Số cam kết tài trợ, với nhà tài trợ và khoản nộp (chỉ thêm khi chưa có cam kết nào).")
@click.option("--seed", type=int, default=1, show_default=True, help="Hạt giống để dữ liệu mẫu lặp lại được.")
@click.option("--allocate", "run_allocation", is_flag=True, help="Rồi phân bổ tiền đã nộp (mặc định: để lệnh allocate).")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def seed_demo(beneficiaries, pledges, seed, run_allocation, as_json) -> None:
    setup.initialise()
    result = demo.seed_demo(seed=seed, beneficiaries=beneficiaries, pledges=pledges, allocate=run_allocation)
    if as_json:
        _emit(result.as_dict())
    else:
        click.echo(f"Thêm {result.accounts_added} tài khoản demo (mật khẩu chung: {demo.DEMO_PASSWORD}), "
                   f"{sum(result.beneficiaries.values())} người được đề cử, {sum(result.pledges.values())} cam kết"
                   + (f"; phân bổ cho {result.sponsorships} người." if run_allocation else "."))


@main.command("import-beneficiaries", help="Nhập danh sách đề cử (Excel/CSV theo mẫu) vào một xã. Chạy lệnh này là "
              "xác nhận những người trong danh sách (hoặc người giám hộ) đã đồng ý cho sử dụng thông tin cá nhân.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--commune", required=True, help="Mã xã nhận danh sách.")
@click.option("--user", "as_user", required=True, help="Cán bộ thực hiện (phạm vi phải gồm xã này).")
@click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra, không lưu.")
@click.option("--confirm-similar", is_flag=True, help="Lưu cả người trùng họ tên và ngày sinh với người đã có.")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def import_beneficiaries(file, commune, as_user, dry_run, confirm_similar, as_json) -> None:
    path = Path(file)
    report = nominations.import_nominations(_actor(as_user), path.read_bytes(), path.name, commune_code=commune,
                                         consent=True, dry_run=dry_run, confirm_similar=confirm_similar)
    if as_json:
        _emit(report.as_dict())
        return
    click.echo(f"{report.rows} dòng: {len(report.accepted)} hợp lệ, {report.rejected_rows} bị từ chối, "
               f"{len(report.warnings)} cảnh báo; {'đã lưu' if report.committed else 'chưa lưu'}.")
    for issue in report.errors:
        click.echo(f"  Dòng {issue.row}, cột {issue.column or '-'}: {issue.message}")


@main.group(help="Tài khoản ngân hàng nhận tiền của các văn phòng BHXH.")
def accounts() -> None:
    pass


@accounts.command("set", help="Khai báo tài khoản nhận tiền của một văn phòng (mã tỉnh, hoặc national).")
@click.option("--office", required=True, help="Mã tỉnh của BHXH tỉnh, hoặc national cho BHXH Việt Nam.")
@click.option("--bank-bin", required=True, help="Mã BIN của ngân hàng (6 chữ số, ví dụ 970436).")
@click.option("--account", required=True, help="Số tài khoản.")
@click.option("--holder", required=True, help="Tên chủ tài khoản.")
@click.option("--user", "as_user", required=True, help="Quản trị viên thực hiện.")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def accounts_set(office, bank_bin, account, holder, as_user, as_json) -> None:
    result = offices.set_account(_actor(as_user), office, bank_bin=bank_bin, account_number=account,
                                 account_holder=holder)
    if as_json:
        _emit({"office": result.code, "name": result.name, "bank_bin": result.bank_bin,
               "account": result.account_number, "holder": result.account_holder})
    else:
        click.echo(f"{result.name}: {result.bank_name} {result.account_number} ({result.account_holder}).")


@main.command(help="Mã VietQR để nộp số tiền còn thiếu của một cam kết (hoặc một đợt).")
@click.argument("pledge_code")
@click.option("--instalment", type=int, default=None, help="Số thứ tự đợt nộp.")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def vietqr(pledge_code, instalment, as_json) -> None:
    code = pledges.payment_code(pledge_code, instalment=instalment)
    if as_json:
        _emit({"payload": code.payload, "amount": code.amount, "message": code.message})
    else:
        click.echo(f"{format_vnd(code.amount)} vào {code.bank} {code.account_number} ({code.account_holder}), "
                   f"nội dung «{code.message}»:\n{code.payload}")


@main.group("pledges", help="Cam kết tài trợ.")
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
        _emit([{"code": r.code, "donor": r.donor, "kind": r.donor_kind, "amount": r.amount, "paid": r.paid,
                "status": r.status, "province": r.office_code or None} for r in rows])
        return
    for r in rows:
        click.echo(f"{r.code}  {r.status:12} {format_vnd(r.amount):>16} đã nộp {format_vnd(r.paid):>16}  {r.donor}")


@main.command(help="Đối chiếu sao kê ngân hàng (CSV/Excel) với các cam kết theo mã cam kết trong nội dung.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--user", "as_user", required=True, help="Cán bộ của văn phòng có tài khoản này.")
@click.option("--office", default=None, help="Mã tỉnh hoặc national (chỉ cần với quản trị viên).")
@click.option("--dry-run", is_flag=True, help="Chỉ đối chiếu, không lưu.")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def reconcile(file, as_user, office, dry_run, as_json) -> None:
    path = Path(file)
    report = reconcile_statements.reconcile(_actor(as_user), path.read_bytes(), path.name, dry_run=dry_run,
                                            office=offices.parse_office(office) if office else None,
                                            today=today_vn())
    if as_json:
        _emit(report.as_dict())
        return
    click.echo(f"{report.lines} dòng: {report.matched} khớp ({format_vnd(report.amount_matched)}), "
               f"{report.unmatched} chờ xử lý, {report.duplicates} đã nhập trước; "
               f"{'đã lưu' if report.committed else 'chưa lưu'}.")
    for issue in report.errors:
        click.echo(f"  Dòng {issue.row}, cột {issue.column}: {issue.message}")


@main.command(help="Nhắc nhà tài trợ các đợt nộp quá hạn bằng thư điện tử (khi đã cấu hình BHYT_SMTP_HOST).")
@click.option("--dry-run", is_flag=True, help="Chỉ đếm, không gửi.")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def remind(dry_run, as_json) -> None:
    result = overdue.remind(SYSTEM_ACTOR, today=today_vn(), dry_run=dry_run,
                            mail_settings=mail.MailSettings.from_settings())
    if as_json:
        _emit(result.as_dict())
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
        _emit({"expired": len(codes), "codes": codes, "dry_run": dry_run})
    else:
        click.echo(f"{len(codes)} cam kết {'sẽ ' if dry_run else ''}hết hạn.")


@main.group("holds", help="Giữ chỗ: nhà tài trợ chọn hộ cụ thể cho cam kết của mình.")
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
        _emit({"expired": count, "dry_run": dry_run})
    else:
        click.echo(f"{count} hộ giữ chỗ {'sẽ ' if dry_run else ''}được trả lại.")


@main.group("receipts", help="Biên nhận: in theo lô, kiểm tra, khóa công khai để kiểm tra không cần mạng.")
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
        _emit(result.as_dict())
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
        _actor(as_user) if as_user else SYSTEM_ACTOR, office=offices.parse_office(office),
        since=parse_date(since, field="--from") if since else None,
        until=parse_date(until, field="--to") if until else None, include_voided=voided,
        as_zip=path.suffix.lower() == ".zip", paper=paper, out=path)
    if as_json:
        _emit({"receipts": printed.count, "out": str(path), "bytes": len(printed.data)})
    else:
        click.echo(f"Đã in {printed.count} biên nhận vào {path}.")


@main.command(name="explain", help="Giải trình phân bổ ra Excel hoặc CSV: người đã được tài trợ và vì sao (--list funded), hoặc "
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
    actor = _actor(as_user) if as_user else SYSTEM_ACTOR
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
        _emit({"list": kind, **summary, "out": str(out), "bytes": len(data)})
        return
    click.echo(f"Đã ghi {summary['people']} người vào {out}.")


@main.command(help="Bản kê sử dụng tiền tài trợ của một cam kết (PDF): thẻ đã mua theo xã, nhóm, thời hạn; không nêu tên.")
@click.argument("pledge_code")
@click.option("--user", "as_user", default=None, help="Người lấy bản kê (mặc định: tác vụ hệ thống).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Tệp .pdf.")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def statement(pledge_code, as_user, out, as_json) -> None:
    data = allocation_explain.statement(_actor(as_user) if as_user else SYSTEM_ACTOR, pledge_code)
    write_whole(out, data)
    if as_json:
        _emit({"pledge": pledge_code.strip().upper(), "out": str(out), "bytes": len(data)})
        return
    click.echo(f"Đã ghi bản kê vào {out}.")


@main.command(help="Phân bổ tiền đã nộp cho người được duyệt theo quy tắc công khai (xem trước với --dry-run).")
@click.option("--province", default=None, help="Mã tỉnh (quản trị viên, tác vụ hệ thống); cán bộ tỉnh: tỉnh của mình.")
@click.option("--on", "on_text", default=None, help="Ngày phân bổ (YYYY-MM-DD hoặc dd/mm/yyyy); mặc định hôm nay.")
@click.option("--user", "as_user", default=None, help="Người chạy (mặc định: tác vụ hệ thống).")
@click.option("--dry-run", is_flag=True, help="Chỉ xem trước, không lưu.")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def allocate(province, on_text, as_user, dry_run, as_json) -> None:
    report = allocation.allocate(_actor(as_user) if as_user else SYSTEM_ACTOR,
                                 on=parse_date(on_text, field="--on") if on_text else today_vn(),
                                 province=offices.parse_office(province) if province else None, dry_run=dry_run)
    if as_json:
        _emit(report.as_dict())
        return
    click.echo(f"{'Xem trước' if dry_run else 'Đã phân bổ'}: {report.people_funded} người "
               f"({report.households_funded} hộ), {format_vnd(report.amount_allocated)} từ {report.pledges_used} cam "
               f"kết; còn {report.needs_left} người chờ, {format_vnd(report.remainder_total)} chưa phân bổ.")


@main.group("cards", help="Mua thẻ BHYT: đợt mua, danh sách D03-TS gửi BHXH, nhập thẻ BHXH đã cấp.")
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
    actor = _actor(as_user) if as_user else SYSTEM_ACTOR
    code = parse_code(province, "Mã tỉnh")
    if sequence is None:
        batch = cards.create_batch(actor, province=code)
    else:
        batch = cards.find_batch(actor, province=code, year=year or today_vn().year, sequence=sequence)
    _, data = cards.export_batch(actor, batch.id)
    write_whole(out, data)
    if as_json:
        _emit({"batch": batch.label, "batch_id": batch.id, "status": batch.status, "people": batch.people,
               "amount": batch.amount, "out": str(out)})
    else:
        click.echo(f"{batch.label}: {batch.people} người, {format_vnd(batch.amount)}; đã ghi {out}")


@cards_group.command("import", help="Nhập thẻ BHXH đã cấp (Excel hoặc CSV): mỗi dòng được đối chiếu với người trong "
                     "đợt mua đã chuyển tiền; một dòng sai thì không lưu dòng nào.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "as_user", required=True, help="Cán bộ tỉnh nhập thẻ.")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def cards_import(file, as_user, as_json) -> None:
    result = cards.import_cards(_actor(as_user), file.read_bytes(), file.name)
    if as_json:
        _emit(result.as_dict())
    else:
        click.echo(f"Đã nhập {result.cards} thẻ ({result.already} thẻ đã có từ trước)"
                   + (f"; {', '.join(result.batches_carded)} đã đủ thẻ" if result.batches_carded else ""))
@main.group("report", help="Báo cáo ngày và tuần (Công văn 3642/BHXH-TST, mục 4): một tỉnh hoặc cả nước.")
def report_group() -> None:
    pass


def _report_command(kind: str):
    @report_group.command(kind, help=("Báo cáo ngày: số liệu tính đến hết ngày --date (giờ Việt Nam), thay đổi so với "
                                      "hôm trước." if kind == "daily" else
                                      "Báo cáo tuần (thứ Bảy đến thứ Sáu): tuần kết thúc vào thứ Sáu đầu tiên từ "
                                      "ngày --date trở đi; thay đổi so với tuần trước."))
    @click.option("--province", default=None, help="Mã tỉnh.")
    @click.option("--national", is_flag=True, help="Cả nước: các tỉnh và văn phòng BHXH Việt Nam.")
    @click.option("--date", "date_text", default=None, help="Ngày (YYYY-MM-DD hoặc dd/mm/yyyy); mặc định hôm nay.")
    @click.option("--xlsx", "xlsx_out", default=None, type=click.Path(dir_okay=False, path_type=Path),
                  help="Ghi tệp Excel (in được) vào đây.")
    @click.option("--pdf", "pdf_out", default=None, type=click.Path(dir_okay=False, path_type=Path),
                  help="Ghi tệp PDF vào đây.")
    @click.option("--user", "as_user", default=None, help="Người lập báo cáo (mặc định: tác vụ hệ thống).")
    @click.option("--checkpoint", is_flag=True, help="Trước đó ghi điểm kiểm tra nhật ký (như `audit checkpoint`), để "
                  "báo cáo in điểm mới nhất.")
    @click.option("--json", "as_json", is_flag=True)
    @handles_errors
    def command(province, national, date_text, xlsx_out, pdf_out, as_user, checkpoint, as_json) -> None:
        if national == (province is not None):
            raise InvalidInput("Chọn một trong hai: --province MÃ_TỈNH hoặc --national")
        actor = _actor(as_user) if as_user else SYSTEM_ACTOR
        if checkpoint:
            audit_log.write_checkpoint(actor)
        scope = {"on": parse_date(date_text, field="--date") if date_text else today_vn(),
                 "province": None if national else parse_code(province, "tỉnh")}
        report = (reports.daily if kind == "daily" else reports.weekly)(actor, **scope)
        written = {}
        for fmt, out in (("xlsx", xlsx_out), ("pdf", pdf_out)):
            if out is not None:
                data = report_files.xlsx(report) if fmt == "xlsx" else report_files.pdf(
                    report, report_files.office_of(report))
                write_whole(out, data)
                written[fmt] = str(out)
        if as_json:
            _emit({**report.as_json(), **written})
            return
        f = report.figures
        click.echo(f"{report.title}: {report.name}. Đã nhận {format_vnd(f.received)}, đã phân bổ "
                   f"{format_vnd(f.allocated)}, đã chi {format_vnd(f.spent)}; {f.needs_funded} người được tài trợ / "
                   f"{f.needs_approved} người được duyệt, {f.needs_carded} người đã có thẻ.")
        for path in written.values():
            click.echo(f"Đã ghi {path}.")

    return command


report_daily = _report_command("daily")
report_weekly = _report_command("weekly")


@main.command("backup", help="Sao lưu cơ sở dữ liệu SQLite vào một tệp mới, trong khi ứng dụng vẫn chạy (bản chụp "
              "nhất quán). PostgreSQL: dùng pg_dump (xem README).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Tệp sao lưu (chưa có).")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def backup_command(out, as_json) -> None:
    copy = backup.backup(out)
    if as_json:
        _emit(copy.as_dict())
    else:
        click.echo(f"Đã sao lưu vào {copy.path} ({copy.size} byte, phiên bản {copy.revision}, {copy.events} sự kiện "
                   "nhật ký). Giữ kèm khóa bí mật, khóa ký và thư mục điểm kiểm tra.")


@main.command("restore", help="Khôi phục cơ sở dữ liệu SQLite từ tệp sao lưu (dừng ứng dụng trước), rồi kiểm tra "
              "nhật ký. PostgreSQL: dùng pg_restore (xem README).")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Thay cả cơ sở dữ liệu đang có dữ liệu (bản đó được giữ lại bên cạnh, "
              "tên *.before-restore-*).")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def restore_command(file, force, as_json) -> None:
    done = backup.restore(file, force=force)
    if as_json:
        _emit(done.as_dict())
    else:
        click.echo(f"Đã khôi phục {done.database} từ {file} ({done.copy.events} sự kiện nhật ký)"
                   + (f"; bản cũ giữ ở {done.kept}" if done.kept else "") + ".")
        click.echo(done.check.summary())
        for note in done.check.notes:
            click.echo(f"  {note}")
    if not done.check.ok:
        sys.exit(1)
