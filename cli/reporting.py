"""The daily and weekly report."""

from __future__ import annotations

from pathlib import Path

import click

from cli._base import acting_user, emit, handles_errors
from donation.access import audit as audit_log
from donation.access.actors import SYSTEM_ACTOR
from donation.access.units import parse_code
from donation.common.dates import parse_date, today_vn
from donation.common.errors import InvalidInput
from donation.common.files import write_whole
from donation.common.money import format_vnd
from donation.reporting import report_files, reports


@click.group("report", help="Báo cáo ngày và tuần (Công văn 3642/BHXH-TST, mục 4): một tỉnh hoặc cả nước.")
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
        actor = acting_user(as_user) if as_user else SYSTEM_ACTOR
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
            emit({**report.as_json(), **written})
            return
        f = report.figures
        click.echo(f"{report.title}: {report.name}. Đã nhận {format_vnd(f.received)}, đã phân bổ "
                   f"{format_vnd(f.allocated)}, đã chi {format_vnd(f.spent)}; {f.people_funded} người được tài trợ / "
                   f"{f.people_approved} người được duyệt, {f.people_carded} người đã có thẻ.")
        for path in written.values():
            click.echo(f"Đã ghi {path}.")

    return command


report_daily = _report_command("daily")


report_weekly = _report_command("weekly")
