"""Demo data on the command line: an account per role, households, pledges, and an allocation run."""

from __future__ import annotations

import click

from cli._base import emit, handles_errors
from demo import seed as demo
from donation.upkeep import setup


@click.command("seed-demo", help="Tạo dữ liệu mẫu: mỗi vai trò một tài khoản demo (Đắk Lắk, xã Hòa Thịnh), và người "
              "được đề cử ở các tỉnh miền Trung, Tây Nguyên bị lũ.")
@click.option("--nominations", "--beneficiaries", "nominations", type=int, default=0, show_default=True,
              help="Số người được đề cử (chỉ thêm khi sổ đề cử còn trống). Tên cũ: --beneficiaries.")
@click.option("--pledges", type=int, default=0, show_default=True,
              help="Số cam kết tài trợ, với nhà tài trợ và khoản nộp (chỉ thêm khi chưa có cam kết nào).")
@click.option("--seed", type=int, default=1, show_default=True, help="Hạt giống để dữ liệu mẫu lặp lại được.")
@click.option("--allocate", "run_allocation", is_flag=True, help="Rồi phân bổ tiền đã nộp (mặc định: để lệnh allocate).")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def seed_demo(nominations, pledges, seed, run_allocation, as_json) -> None:
    setup.initialise()
    result = demo.seed_demo(seed=seed, nominations=nominations, pledges=pledges, allocate=run_allocation)
    if as_json:
        emit(result.as_dict())
    else:
        click.echo(f"Thêm {result.accounts_added} tài khoản demo (mật khẩu chung: {demo.DEMO_PASSWORD}), "
                   f"{sum(result.nominations.values())} người được đề cử, {sum(result.pledges.values())} cam kết"
                   + (f"; phân bổ cho {result.sponsorships} người." if run_allocation else "."))
