"""Nominations imported from a spreadsheet."""

from __future__ import annotations

from pathlib import Path

import click

from cli._base import acting_user, emit, handles_errors
from donation.registry import nominations


@click.command("import-nominations", help="Nhập danh sách đề cử (Excel/CSV theo mẫu) vào một xã. Chạy lệnh này là "
              "xác nhận những người trong danh sách (hoặc người giám hộ) đã đồng ý cho sử dụng thông tin cá nhân.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--commune", required=True, help="Mã xã nhận danh sách.")
@click.option("--user", "as_user", required=True, help="Cán bộ thực hiện (phạm vi phải gồm xã này).")
@click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra, không lưu.")
@click.option("--confirm-similar", is_flag=True, help="Lưu cả người trùng họ tên và ngày sinh với người đã có.")
@click.option("--save-valid-rows", is_flag=True,
              help="Lưu các dòng hợp lệ của hộ có dòng bị từ chối (mặc định: bỏ qua cả hộ để nhập lại cả hộ).")
@click.option("--refused", "refused_path", type=click.Path(dir_okay=False),
              help="Ghi các dòng chưa lưu (theo mẫu, thêm cột lý do) vào tệp .xlsx này để sửa và nhập lại.")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def import_nominations(file, commune, as_user, dry_run, confirm_similar, save_valid_rows, refused_path,
                       as_json) -> None:
    path = Path(file)
    report = nominations.import_nominations(acting_user(as_user), path.read_bytes(), path.name, commune_code=commune,
                                         consent=True, dry_run=dry_run, confirm_similar=confirm_similar,
                                         keep_households=not save_valid_rows)
    if refused_path and report.cells:
        Path(refused_path).write_bytes(nominations.refused_xlsx(report))
    if as_json:
        emit(report.as_dict())
        return
    click.echo(f"{report.rows} dòng: {len(report.accepted)} hợp lệ, {report.rejected_rows} bị từ chối, "
               f"{len(report.held)} giữ lại cùng hộ, {len(report.warnings)} cảnh báo; "
               f"{'đã lưu' if report.committed else 'chưa lưu'}.")
    for issue in report.errors:
        click.echo(f"  Dòng {issue.row}, cột {issue.column or '-'}: {issue.message}")
    for household in report.split:
        rows = ", ".join(str(row) for row in household.valid_rows)
        click.echo(f"  Hộ {household.key}: dòng {rows} " + ("giữ lại, chưa lưu" if report.held else "lưu thiếu người")
                   + f". {'; '.join(household.reasons)}")
    if refused_path and report.cells:
        click.echo(f"Các dòng chưa lưu đã ghi vào {refused_path}: sửa rồi nhập lại tệp đó.")
