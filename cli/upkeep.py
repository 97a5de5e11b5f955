"""Commands that make a database ready, back it up and restore it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cli._base import emit, handles_errors
from donation.upkeep import backup, setup


@click.command(help="Áp dụng migration, nạp 34 tỉnh và 3.321 xã, nạp quy định mức đóng. Chạy lại không thay đổi gì.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@handles_errors
def init(as_json: bool) -> None:
    result = setup.initialise()
    if as_json:
        emit({"provinces": result.provinces, "communes": result.communes, "revision": result.revision,
               "rules_added": result.rules_added})
    else:
        click.echo(f"Cơ sở dữ liệu ở phiên bản {result.revision}: {result.provinces} tỉnh, {result.communes} xã; "
                   f"thêm {result.rules_added} dòng quy định.")




@click.command("backup", help="Sao lưu cơ sở dữ liệu SQLite vào một tệp mới, trong khi ứng dụng vẫn chạy (bản chụp "
              "nhất quán). PostgreSQL: dùng pg_dump (xem README).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Tệp sao lưu (chưa có).")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def backup_command(out, as_json) -> None:
    copy = backup.backup(out)
    if as_json:
        emit(copy.as_dict())
    else:
        click.echo(f"Đã sao lưu vào {copy.path} ({copy.size} byte, phiên bản {copy.revision}, {copy.events} sự kiện "
                   "nhật ký). Giữ kèm khóa bí mật, khóa ký và thư mục điểm kiểm tra.")


@click.command("restore", help="Khôi phục cơ sở dữ liệu SQLite từ tệp sao lưu (dừng ứng dụng trước), rồi kiểm tra "
              "nhật ký. PostgreSQL: dùng pg_restore (xem README).")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Thay cả cơ sở dữ liệu đang có dữ liệu (bản đó được giữ lại bên cạnh, "
              "tên *.before-restore-*).")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def restore_command(file, force, as_json) -> None:
    done = backup.restore(file, force=force)
    if as_json:
        emit(done.as_dict())
    else:
        click.echo(f"Đã khôi phục {done.database} từ {file} ({done.copy.events} sự kiện nhật ký)"
                   + (f"; bản cũ giữ ở {done.kept}" if done.kept else "") + ".")
        click.echo(done.check.summary())
        for note in done.check.notes:
            click.echo(f"  {note}")
    if not done.check.ok:
        sys.exit(1)
