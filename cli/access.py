"""Accounts, the audit log and its checkpoints, offices' bank accounts."""

from __future__ import annotations

import sys

import click

from cli._base import acting_user, emit, handles_errors
from db.uow import UnitOfWork
from donation.access import audit as audit_log
from donation.access import audit_checkpoints, auth, offices
from donation.access.actors import SYSTEM_ACTOR
from donation.common.errors import InvalidInput


@click.group(help="Tài khoản người dùng.")
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
    row = auth.create_user(acting_user(as_user), username=username, password=password, role=role,
                           display_name=display_name, province_code=province, commune_code=commune)
    if as_json:
        emit(row.as_dict())
    else:
        click.echo(f"Đã tạo tài khoản {row.username} ({row.role}).")


@users.command("list", help="Liệt kê tài khoản (không có mật khẩu).")
@click.option("--user", "as_user", default="system", show_default=True, help="Người thực hiện.")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def users_list(as_user, as_json) -> None:
    rows = auth.list_users(acting_user(as_user))
    if as_json:
        emit([row.as_dict() for row in rows])
        return
    for row in rows:
        state = "hoạt động" if row.is_active else "vô hiệu hóa"
        click.echo(f"{row.username:24} {row.role:18} {row.province_code or '':>3} {row.commune_code or '':>6} {state}")


@click.group(help="Nhật ký thay đổi.")
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
        emit(check.as_dict())
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
        emit({**made.as_dict(), "file": str(audit_checkpoints.path())})
    else:
        click.echo(f"Đã ghi điểm kiểm tra: sự kiện {made.seq}, mã băm {made.hash[:audit_checkpoints.HASH_SHOWN]}…, "
                   f"vào {audit_checkpoints.path()}.")


@click.group(help="Tài khoản ngân hàng nhận tiền của các văn phòng BHXH.")
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
    result = offices.set_account(acting_user(as_user), office, bank_bin=bank_bin, account_number=account,
                                 account_holder=holder)
    if as_json:
        emit({"office": result.code, "name": result.name, "bank_bin": result.bank_bin,
               "account": result.account_number, "holder": result.account_holder})
    else:
        click.echo(f"{result.name}: {result.bank_name} {result.account_number} ({result.account_holder}).")
