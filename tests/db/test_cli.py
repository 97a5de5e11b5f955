"""`python -m cli`: JSON on stdout only, one Vietnamese line on stderr and a non-zero exit on failure."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.commands import main
from db.migrate import head_revision
from tests.cli import cli, cli_process

ROOT = Path(__file__).resolve().parents[2]


def invoke(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def database(new_database):
    """A SQLite file already through `init` (a copy of the template), for commands that run it first anyway."""
    return {"DATABASE_URL": new_database("sqlite", "initialised")}


@pytest.fixture
def new_file(tmp_path):
    """A SQLite file that does not exist yet."""
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}


def test_init_json_twice(new_file):
    first = cli_process("init", "--json", env=new_file)
    assert first.returncode == 0, first.stderr
    data = json.loads(first.stdout)  # the whole of stdout is one JSON document
    assert (data["provinces"], data["communes"]) == (34, 3321) and data["revision"] == head_revision()
    second = json.loads(cli_process("init", "--json", env=new_file).stdout)
    assert second["rules_added"] == 0 and second["revision"] == data["revision"]


@pytest.mark.postgres
def test_init_and_quote_on_postgres(new_database):
    env = {"DATABASE_URL": new_database("postgres")}
    assert json.loads(cli("init", "--json", env=env).stdout)["communes"] == 3321
    result = cli("quote", "--group", "near_poor", "--members", "1", "--months", "12", "--on", "2024-09-01",
                 "--province", "066", "--json", env=env)
    assert json.loads(result.stdout)["donor_pays_total"] == 379_080


def test_quote_json_contract(database):
    cli("init", env=database)
    result = cli("quote", "--group", "household", "--members", "3", "--months", "12", "--on", "2024-09-01", "--json",
                 env=database)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"rule_version", "base_salary", "months", "lines", "state_pays_total", "donor_pays_total", "note"} <= set(data)
    assert data["rule_version"] == "2024-07" and data["base_salary"] == 2_340_000 and data["months"] == 12
    assert [line["full_premium"] for line in data["lines"]] == [1_263_600, 884_520, 758_160]
    assert set(data["lines"][0]) >= {"member", "full_premium", "state_pays", "donor_pays"}
    assert (data["state_pays_total"], data["donor_pays_total"]) == (0, 2_906_280)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--group", "household", "--months", "4"], "Thời hạn 4 tháng không hợp lệ"),
        (["--group", "household", "--members", "0"], "Số người 0 không hợp lệ"),
        (["--group", "flood"], "Không có nhóm đối tượng 'flood'"),
        (["--group", "household", "--province", "99"], "Không có tỉnh/thành phố mã 99"),
        (["--group", "household", "--commune", "99999"], "Không có xã/phường/đặc khu mã 99999"),
        (["--group", "household", "--province", "66", "--commune", "70"], "không thuộc Đắk Lắk"),
    ],
)
def test_quote_refusals(configured_database, args, message):
    assert invoke("init").exit_code == 0
    result = invoke("quote", "--on", "2025-09-01", "--json", *args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip().startswith("Lỗi: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_quote_before_the_first_rule_version(configured_database):
    invoke("init")
    result = invoke("quote", "--group", "poor", "--on", "2019-06-30", "--json")
    assert result.exit_code == 1 and "trước quy định mức đóng đầu tiên" in result.stderr


def test_quote_accepts_vietnamese_dates_and_prints_text(configured_database):
    invoke("init")
    result = invoke("quote", "--group", "student", "--on", "01/09/2025")
    assert result.exit_code == 0
    assert "Tổng nhà tài trợ đóng: 631.800 ₫" in result.stdout


def test_quote_on_an_uninitialised_database_says_run_init(configured_database):
    result = invoke("quote", "--group", "poor", "--on", "2025-09-01")
    assert result.exit_code == 1 and "chạy `python -m cli init`" in result.stderr


def test_locked_sqlite_file_is_one_line(tmp_path):
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = cli_process("init", "--json", env={"DATABASE_URL": f"sqlite:///{path}",
                                                     "BHYT_SQLITE_BUSY_TIMEOUT_MS": "100"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip() == ("Lỗi: Tệp cơ sở dữ liệu SQLite đang bị một tiến trình khác khóa: "
                                     "đợi tiến trình đó xong rồi thử lại")


def test_users_add_and_list(database):
    assert cli("init", env=database).returncode == 0
    added = subprocess.run(
        [sys.executable, "-m", "cli", "users", "add", "--username", "can.bo.xa", "--role", "commune_official",
         "--commune", "22276", "--display-name", "lê thị lan", "--password-stdin", "--json"],
        cwd=ROOT, capture_output=True, text=True, input="Mat-khau-dai-du\n", env={**os.environ, **database})
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout) | {"id": 0} == {"id": 0, "username": "can.bo.xa", "display_name": "Lê Thị Lan",
                                                    "role": "commune_official", "province": 66, "commune": 22276,
                                                    "active": True, "locked_until": None}
    listed = json.loads(cli("users", "list", "--json", env=database).stdout)
    assert [u["username"] for u in listed] == ["can.bo.xa"]
    assert "password" not in json.dumps(listed)


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--role", "province_officer"], "Mat-khau-dai-du\n", "cần có tỉnh phụ trách"),
        (["--role", "commune_official", "--province", "1", "--commune", "22276"], "Mat-khau-dai-du\n",
         "không thuộc Thành phố Hà Nội"),
        (["--role", "chief"], "Mat-khau-dai-du\n", "Vai trò 'chief' không có"),
        (["--role", "donor"], "ngan\n", "ít nhất 10 ký tự"),
    ],
)
def test_users_add_refusals(database, args, stdin, message):
    cli("init", env=database)
    result = subprocess.run([sys.executable, "-m", "cli", "users", "add", "--username", "u1", *args,
                             "--password-stdin", "--json"], cwd=ROOT, capture_output=True, text=True, input=stdin,
                            env={**os.environ, **database})
    assert result.returncode == 1 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr


def test_users_add_without_a_terminal_asks_for_password_stdin(database):
    cli("init", env=database)
    result = cli("users", "add", "--username", "u2", "--role", "donor", env=database)
    assert result.returncode == 1 and "dùng --password-stdin" in result.stderr


def test_batch_commands_run_as_a_named_user(database):
    cli("init", env=database)
    result = cli("users", "list", "--user", "nobody", "--json", env=database)
    assert result.returncode == 1 and "Không có người dùng đang hoạt động tên 'nobody'" in result.stderr


def test_seed_demo_then_audit_verify(database, tmp_path):
    first = cli("seed-demo", "--json", env=database)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["accounts_added"] == 6
    assert json.loads(cli("seed-demo", "--json", env=database).stdout)["accounts_added"] == 0
    check = cli("audit", "verify", "--json", env=database)
    # 6 accounts, the demo donor's profile, the 35 offices' bank accounts and 9 offices' receipt signers
    assert check.returncode == 0
    assert {k: v for k, v in json.loads(check.stdout).items() if k != "notes"} == {
        "events": 51, "ok": True, "first_bad": None, "reason": "", "seq": 51, "checkpoint": None}
    connection = sqlite3.connect(database["DATABASE_URL"].removeprefix("sqlite:///"))
    connection.execute("DELETE FROM audit_event WHERE seq = 2")
    connection.commit()
    connection.close()
    broken = cli("audit", "verify", "--json", env=database)
    assert broken.returncode == 1
    data = json.loads(broken.stdout)
    assert (data["events"], data["ok"]) == (50, False) and isinstance(data["first_bad"], int)


def test_import_nominations_json_contract(database, tmp_path):
    from tests.workbooks import MIXED, MIXED_REFUSED, workbook

    cli("seed-demo", env=database)
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(workbook(MIXED))
    dry = cli("import-nominations", str(path), "--commune", "22276", "--user", "demo.xa", "--dry-run", "--json",
              env=database)
    assert dry.returncode == 0, dry.stderr
    data = json.loads(dry.stdout)
    assert set(data) == {"rows", "accepted", "rejected", "warnings", "committed", "errors", "held_back",
                         "split_households"}
    assert (data["rows"], data["accepted"], data["rejected"], data["committed"]) == (9, 4, 5, False)
    assert {e["row"] for e in data["errors"]} == set(MIXED_REFUSED)
    assert all(set(e) == {"row", "column", "code", "message"} and isinstance(e["row"], int) for e in data["errors"])
    saved = json.loads(cli("import-nominations", str(path), "--commune", "022276", "--user", "demo.xa", "--json",
                           env=database).stdout)
    assert saved["committed"] is True and saved["accepted"] == 4
    again = cli("import-beneficiaries", str(path), "--commune", "22276", "--user", "demo.xa", "--json", env=database)
    every_row_refused = json.loads(again.stdout)
    assert again.returncode == 0 and every_row_refused["accepted"] == 0 and every_row_refused["committed"] is False
    assert every_row_refused["rejected"] == 9


def test_import_nominations_keeps_households_whole_unless_told(database, tmp_path):
    from tests.workbooks import H10, sheets, workbook

    cli("seed-demo", env=database)
    path, refused = tmp_path / "ho.xlsx", tmp_path / "chua-luu.xlsx"
    path.write_bytes(workbook(H10))
    args = ("import-nominations", str(path), "--commune", "22276", "--user", "demo.xa")
    text = cli(*args, "--dry-run", "--refused", str(refused), env=database)
    assert text.returncode == 0, text.stderr
    assert "3 dòng: 1 hợp lệ, 1 bị từ chối, 1 giữ lại cùng hộ" in text.stdout
    assert "Hộ H10: dòng 4 giữ lại, chưa lưu. Dòng 5, Ngày sinh: Ngày sinh 01/01/2082 ở tương lai" in text.stdout
    assert [row[0] for row in sheets(refused.read_bytes())["Danh sách đề cử"]] == [
        "Họ và tên", "Phan Văn Long", "Phan Thị Hạnh"]
    alone = json.loads(cli(*args, "--save-valid-rows", "--json", env=database).stdout)
    assert (alone["accepted"], alone["held_back"], alone["committed"]) == (2, [], True)
    assert alone["split_households"] == [{"household": "H10", "valid_rows": [4], "refused_rows": [5],
                                          "reasons": ["Dòng 5, Ngày sinh: Ngày sinh 01/01/2082 ở tương lai: kiểm tra "
                                                      "lại"]}]


def test_import_nominations_refuses_an_official_outside_the_commune(database, tmp_path):
    from tests.workbooks import MIXED, workbook

    cli("seed-demo", env=database)
    path = tmp_path / "ds.xlsx"
    path.write_bytes(workbook(MIXED))
    result = cli("import-nominations", str(path), "--commune", "24175", "--user", "demo.xa", "--json", env=database)
    assert result.returncode == 1 and result.stdout == ""
    assert "không phụ trách xã mã 24175" in result.stderr


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ds.xlsx", b"", "Tệp rỗng"),
        ("ds.xlsx", b"PK\x03\x04 not really a workbook", "không phải bảng tính đọc được"),
        ("ds.pdf", b"%PDF-1.7 a report", "không phải bảng tính đọc được"),
        ("ds.xlsx", b"x" * (10 * 1024 * 1024 + 1), "quá giới hạn 10 MB"),
        ("ds.csv", "Họ và tên,Ngày sinh\n".encode("utf-16"), "không phải UTF-8"),
    ],
)
def test_import_refuses_files_that_are_not_usable(database, tmp_path, name, content, message):
    cli("seed-demo", env=database)
    path = tmp_path / name
    path.write_bytes(content)
    result = cli("import-nominations", str(path), "--commune", "22276", "--user", "demo.xa", "--json", env=database)
    assert result.returncode == 1 and message in result.stderr


def test_import_refuses_over_100000_rows(configured_database, tmp_path):
    from donation.registry import nominations

    invoke("seed-demo")
    header = "Họ và tên,Ngày sinh,Số CCCD,Mã hộ,Nhóm\n"
    rows = "".join(f"A,01/01/1980,0660800{i:05d},H{i},GD\n" for i in range(100_001))
    path = tmp_path / "big.csv"
    path.write_text(header + rows, encoding="utf-8")
    result = invoke("import-nominations", str(path), "--commune", "22276", "--user", "demo.xa", "--json")
    assert result.exit_code == 1 and "quá giới hạn 100.000 dòng" in result.stderr
    assert nominations.MAX_ROWS == 100_000


def test_import_reads_csv(configured_database, tmp_path):
    invoke("seed-demo")
    path = tmp_path / "ds.csv"
    path.write_text("Họ và tên;Ngày sinh;Giới tính;Số CCCD;Mã hộ;Nhóm\nNgô Văn Lợi;01/02/1970;Nam;066070000777;H1;"
                    "Hộ gia đình\n", encoding="utf-8-sig")
    result = invoke("import-nominations", str(path), "--commune", "22276", "--user", "demo.xa", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["accepted"] == 1


def test_accounts_vietqr_and_pledges_list(database):
    from datetime import date

    from db.engine import make_engine
    from db.uow import UnitOfWork
    from donation.access import auth
    from donation.pledges import pledges
    from donation.pledges import vietqr as qr

    assert cli("seed-demo", env=database).returncode == 0
    refused = cli("accounts", "set", "--office", "66", "--bank-bin", "970436", "--account", "0123456789",
                  "--holder", "BHXH tinh Dak Lak", "--user", "demo.tinh", "--json", env=database)
    assert refused.returncode == 1 and refused.stdout == "" and "Quản trị viên" in refused.stderr
    done = cli("accounts", "set", "--office", "66", "--bank-bin", "970436", "--account", "0123 456 789",
               "--holder", "BHXH tinh Dak Lak", "--user", "demo.admin", "--json", env=database)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"office": 66, "name": "BHXH Đắk Lắk", "bank_bin": "970436",
                                       "account": "0123456789", "holder": "BHXH TINH DAK LAK"}
    national = cli("accounts", "set", "--office", "national", "--bank-bin", "970418", "--account", "1100223344",
                   "--holder", "BHXH Viet Nam", "--user", "demo.admin", "--json", env=database)
    assert json.loads(national.stdout)["office"] == 0

    engine = make_engine(database["DATABASE_URL"])
    uow = UnitOfWork(engine)
    donor = auth.find_actor("demo.nhataitro", uow=uow)
    local = pledges.create_pledge(donor, amount=1_366_200, province_code=66, today=date(2026, 11, 25), uow=uow)
    anywhere = pledges.create_pledge(donor, amount=500_000, today=date(2026, 11, 25), uow=uow)
    engine.dispose()

    shown = cli("vietqr", local.code.lower(), "--json", env=database)
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert set(data) == {"payload", "amount", "message"} and data["amount"] == 1_366_200
    assert data["message"] == local.code
    read = qr.read_payload(data["payload"])
    assert (read.bank_bin, read.account_number, read.amount) == ("970436", "0123456789", 1_366_200)
    assert cli("vietqr", "BH2222222X", "--json", env=database).returncode == 1

    listed = json.loads(cli("pledges", "list", "--json", env=database).stdout)
    assert {(p["code"], p["province"]) for p in listed} == {(local.code, 66), (anywhere.code, None)}
    assert all(set(p) == {"code", "donor", "kind", "amount", "paid", "status", "province"} for p in listed)
    assert listed[0]["kind"] == "individual" and listed[0]["paid"] == 0 and listed[0]["status"] == "pledged"
    only = json.loads(cli("pledges", "list", "--province", "066", "--json", env=database).stdout)
    assert [p["code"] for p in only] == [local.code]
    assert [p["code"] for p in json.loads(cli("pledges", "list", "--province", "national", "--json",
                                              env=database).stdout)] == [anywhere.code]


def test_reconcile_json_contract(database, tmp_path):
    from datetime import date

    from db.engine import make_engine
    from db.uow import UnitOfWork
    from donation.access import auth
    from donation.pledges import pledges

    assert cli("seed-demo", env=database).returncode == 0
    engine = make_engine(database["DATABASE_URL"])
    uow = UnitOfWork(engine)
    made = pledges.create_pledge(auth.find_actor("demo.nhataitro", uow=uow), amount=1_000_000, province_code=66,
                                 today=date(2026, 11, 20), uow=uow)
    engine.dispose()
    path = tmp_path / "sao-ke.csv"
    path.write_text("Ngày giao dịch,Số tiền,Nội dung,Mã giao dịch\n"
                    f"20/11/2026,600000,{made.code.lower()} ung ho,FT1\n20/11/2026,50000,khong ro,FT2\n",
                    encoding="utf-8")
    dry = cli("reconcile", str(path), "--user", "demo.tinh", "--dry-run", "--json", env=database)
    assert dry.returncode == 0, dry.stderr
    data = json.loads(dry.stdout)
    assert {k: data[k] for k in ("lines", "matched", "unmatched", "duplicates", "amount_matched", "committed")} == {
        "lines": 2, "matched": 1, "unmatched": 1, "duplicates": 0, "amount_matched": 600_000, "committed": False}
    saved = json.loads(cli("reconcile", str(path), "--user", "demo.tinh", "--json", env=database).stdout)
    assert (saved["matched"], saved["committed"]) == (1, True)
    again = json.loads(cli("reconcile", str(path), "--user", "demo.tinh", "--json", env=database).stdout)
    assert (again["lines"], again["matched"], again["unmatched"], again["duplicates"]) == (2, 0, 0, 2)
    listed = json.loads(cli("pledges", "list", "--json", env=database).stdout)
    assert [(p["paid"], p["status"]) for p in listed] == [(600_000, "partly_paid")]
    refused = cli("reconcile", str(path), "--user", "demo.xa", "--json", env=database)
    assert refused.returncode == 1 and refused.stdout == ""


def test_remind_json_sends_through_the_configured_smtp(database):
    from datetime import date

    from db.engine import make_engine
    from db.uow import UnitOfWork
    from donation.access import auth
    from donation.pledges import pledges
    from tests.smtp import smtp_server

    assert cli("seed-demo", env=database).returncode == 0
    engine = make_engine(database["DATABASE_URL"])
    uow = UnitOfWork(engine)
    pledges.create_pledge(auth.find_actor("demo.nhataitro", uow=uow), amount=1_000_000, province_code=66,
                          today=date(2026, 1, 5), uow=uow,
                          instalments=[(400_000, date(2026, 2, 1)), (600_000, date(2026, 3, 1))])
    engine.dispose()
    without = json.loads(cli("remind", "--json", env=database).stdout)
    assert without == {"overdue": 2, "emailed": 0, "without_email": 0, "recently_reminded": 0, "dry_run": False,
                       "smtp": False}
    with smtp_server() as (inbox, port):
        smtp = {**database, "BHYT_SMTP_HOST": "127.0.0.1", "BHYT_SMTP_PORT": str(port),
                "BHYT_SMTP_FROM": "bhxh@example.vn", "BHYT_SMTP_STARTTLS": "false"}
        dry = json.loads(cli("remind", "--dry-run", "--json", env=smtp).stdout)
        assert (dry["overdue"], dry["emailed"], dry["dry_run"]) == (2, 0, True) and inbox.messages == []
        sent = cli("remind", "--json", env=smtp)
        assert sent.returncode == 0, sent.stderr
        assert json.loads(sent.stdout)["emailed"] == 2 and len(inbox.messages) == 2


def test_receipts_print_verify_and_check_offline_with_the_public_key(database, tmp_path):
    import zipfile

    from donation.common.qr_images import read_qr
    from tests.pdf import page_images, page_texts

    assert cli("seed-demo", "--pledges", "12", env=database).returncode == 0
    out = tmp_path / "bien-nhan.pdf"
    printed = cli("receipts", "print", "--province", "66", "--out", str(out), "--json", env=database)
    assert printed.returncode == 0, printed.stderr
    data = json.loads(printed.stdout)
    assert data["receipts"] > 0 and data["out"] == str(out)
    texts = page_texts(out)
    assert len(texts) == data["receipts"]
    assert "Số: 66-2026-000001" in texts[0]  # the first page, the first receipt
    (link,) = read_qr(page_images(out, scale=3)[0])
    checked = cli("receipts", "verify", link, "--json", env=database)
    assert checked.returncode == 0, checked.stderr
    result = json.loads(checked.stdout)
    assert set(result) == {"valid", "status", "number", "amount", "date", "reason"}
    assert (result["valid"], result["status"], result["number"]) == (True, "valid", "66-2026-000001")
    assert isinstance(result["amount"], int) and result["amount"] > 0
    key = tmp_path / "khoa.pem"
    key.write_text(cli("receipts", "public-key", env=database).stdout)
    assert key.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    no_database = {"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}  # nothing listens there
    offline = json.loads(cli("receipts", "verify", link, "--public-key", str(key), "--json", env=no_database).stdout)
    assert (offline["valid"], offline["amount"]) == (True, result["amount"])
    changed = link.replace(f"amount={result['amount']}", f"amount={result['amount'] + 1000}")
    for env, extra in ((database, ()), (no_database, ("--public-key", str(key)))):
        refused = json.loads(cli("receipts", "verify", changed, *extra, "--json", env=env).stdout)
        assert (refused["valid"], refused["status"]) == (False, "not_genuine")
    text = cli("receipts", "verify", "66-2026-000001", env=database)
    assert text.stdout.startswith("HỢP LỆ: số 66-2026-000001")
    archive = tmp_path / "bien-nhan.zip"
    assert cli("receipts", "print", "--province", "66", "--from", "01/01/2026", "--out", str(archive),
               env=database).returncode == 0
    assert len(zipfile.ZipFile(archive).namelist()) == data["receipts"]
    wrong = cli("receipts", "print", "--province", "66", "--out", str(tmp_path / "x.docx"), env=database)
    assert wrong.returncode == 1 and "đuôi .pdf hoặc .zip" in wrong.stderr


def test_init_generates_the_signing_key_once_beside_a_sqlite_database(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db' / 'bhyt.db'}", "BHYT_SIGNING_KEY": ""}
    assert cli_process("init", env=env).returncode == 0
    key = tmp_path / "db" / "signing.key"
    assert key.read_text().startswith("-----BEGIN PRIVATE KEY-----") and key.stat().st_mode & 0o777 == 0o600
    first = cli_process("receipts", "public-key", env=env).stdout
    assert cli_process("init", env=env).returncode == 0
    assert cli_process("receipts", "public-key", env=env).stdout == first != ""
    pg = cli_process("receipts", "public-key", env={"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
                                            "BHYT_SIGNING_KEY": ""})
    assert pg.returncode == 1 and "Chưa đặt BHYT_SIGNING_KEY" in pg.stderr


def test_allocate_json_contract_preview_then_save(database):
    assert cli("seed-demo", "--beneficiaries", "120", "--pledges", "10", env=database).returncode == 0
    keys = {"dry_run", "pledges_used", "sponsorships", "people_funded", "households_funded", "amount_allocated",
            "people_waiting", "remainder_total", "result_digest"}
    preview = cli("allocate", "--on", "2026-11-25", "--dry-run", "--json", env=database)
    assert preview.returncode == 0, preview.stderr
    shown = json.loads(preview.stdout)
    assert set(shown) == keys and shown["dry_run"] is True and shown["sponsorships"] > 0
    assert all(isinstance(shown[k], int) for k in keys - {"dry_run", "result_digest"})
    saved = json.loads(cli("allocate", "--on", "25/11/2026", "--user", "demo.admin", "--json", env=database).stdout)
    assert saved["result_digest"] == shown["result_digest"] and saved["dry_run"] is False
    again = json.loads(cli("allocate", "--on", "2026-11-25", "--json", env=database).stdout)
    assert again["sponsorships"] == 0 and again["remainder_total"] == saved["remainder_total"]
    refused = cli("allocate", "--user", "demo.nhataitro", "--json", env=database)
    assert refused.returncode == 1 and refused.stdout == "" and "không được" in refused.stderr
    other = cli("allocate", "--user", "demo.tinh", "--province", "1", "--json", env=database)
    assert other.returncode == 1 and "chỉ phân bổ trong tỉnh của mình" in other.stderr


def test_explain_and_statement_commands_write_the_page_exports(database, tmp_path):
    assert cli("seed-demo", "--nominations", "120", "--pledges", "10", "--allocate", env=database).returncode == 0
    waiting = cli("explain", "--province", "066", "--user", "demo.tinh", "--out", str(tmp_path / "cho.csv"), "--json",
                  env=database)
    assert waiting.returncode == 0, waiting.stderr
    shown = json.loads(waiting.stdout)
    assert set(shown) == {"list", "people", "by_reason", "out", "bytes"} and shown["list"] == "waiting"
    data = (tmp_path / "cho.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and len(data) == shown["bytes"]
    assert data.decode("utf-8-sig").count("\r\n") == shown["people"] + 1 == sum(shown["by_reason"].values()) + 1
    funded = json.loads(cli("explain", "--list", "funded", "--out", str(tmp_path / "da.xlsx"), "--json",
                            env=database).stdout)
    assert funded["people"] > 0 and funded["by_rule"] == {"priority": funded["people"]}
    assert (tmp_path / "da.xlsx").read_bytes()[:2] == b"PK"
    other = cli("explain", "--user", "demo.tinh", "--province", "1", "--out", str(tmp_path / "x.csv"), env=database)
    assert other.returncode == 1 and "chỉ xem được giải trình trong tỉnh của mình" in other.stderr
    wrong = cli("explain", "--out", str(tmp_path / "x.pdf"), env=database)
    assert wrong.returncode == 1 and ".xlsx hoặc .csv" in wrong.stderr
    code = sqlite3.connect(database["DATABASE_URL"].removeprefix("sqlite:///")).execute(
        "SELECT code FROM pledge WHERE allocated > 0 AND office_code = 66").fetchone()[0]
    made = json.loads(cli("statement", code.lower(), "--user", "demo.tinh", "--out", str(tmp_path / "bk.pdf"),
                          "--json", env=database).stdout)
    assert made["pledge"] == code and (tmp_path / "bk.pdf").read_bytes().startswith(b"%PDF")


def test_cards_export_makes_a_batch_and_cards_import_records_what_bhxh_issued(database, tmp_path, today):
    from sqlmodel import select

    from db.engine import make_engine
    from db.models import Person, Sponsorship
    from db.uow import UnitOfWork
    from donation.common.money import format_vnd
    from tests.workbooks import d03_people

    assert cli("seed-demo", "--nominations", "120", "--pledges", "10", "--allocate", env=database).returncode == 0
    out = tmp_path / "d03.xlsx"
    made = cli("cards", "export", "--province", "066", "--user", "demo.tinh", "--out", str(out), "--json",
               env=database)
    assert made.returncode == 0, made.stderr
    shown = json.loads(made.stdout)
    assert set(shown) == {"batch", "batch_id", "status", "people", "amount", "out"} and shown["status"] == "open"
    listed = [row for rows in d03_people(out.read_bytes()).values() for row in rows]  # one list per group
    assert len(listed) == shown["people"] and sum(row[10] for row in listed) == shown["amount"]
    assert shown["batch"] == f"Đợt 2/{today.year}"  # seed-demo --allocate bought the demo commune's: Đợt 1
    again = json.loads(cli("cards", "export", "--province", "66", "--batch", "2", "--out", str(out), "--json",
                           env=database).stdout)  # the same batch again, by its number
    assert (again["batch_id"], again["people"]) == (shown["batch_id"], shown["people"])
    empty = cli("cards", "export", "--province", "66", "--out", str(out), "--json", env=database)
    assert empty.returncode == 1 and empty.stdout == "" and "chưa vào đợt mua thẻ" in empty.stderr

    paid = cli("cards", "pay", "--province", "66", "--batch", "2", "--paid-on", f"{today:%d/%m/%Y}", "--reference",
               "UNC 0001", "--user", "demo.tinh", env=database)
    assert paid.returncode == 0, paid.stderr
    # allocated and paid under one rule: nothing priced again, nobody waits
    assert paid.stdout.strip() == (f"{shown['batch']}: đã ghi chuyển {format_vnd(shown['amount'])} cho BHXH ngày "
                                   f"{today:%d/%m/%Y}, {shown['people']} người.")
    uow = UnitOfWork(make_engine(database["DATABASE_URL"]))
    with uow as work:
        found = work.session.exec(select(Sponsorship, Person).join(Person, Person.id == Sponsorship.person_id)
                                  .where(Sponsorship.batch_id == shown["batch_id"])).all()
        objects = {"household": "GD", "near_poor": "CN", "pupil": "HS", "student": "SV", "farm_household": "GB"}
        lines = [["Họ và tên", "Số CCCD", "Mã số BHXH", "Ngày sinh", "Mã thẻ BHYT", "Hạn thẻ từ ngày",
                  "Hạn thẻ đến ngày"]]
        lines += [[p.full_name, p.national_id or "", p.social_insurance_code or "",
                   str(p.birth_date.year) if p.birth_year_only else p.birth_date.strftime("%d/%m/%Y"),
                   f"{objects[s.group_key]}466{p.social_insurance_code or f'79{p.id:08d}'}",
                   s.starts_on.strftime("%d/%m/%Y"), s.ends_on.strftime("%d/%m/%Y")] for s, p in found]
    issued = tmp_path / "the.csv"
    issued.write_text("\n".join(",".join(line) for line in lines), encoding="utf-8-sig")
    imported = cli("cards", "import", str(issued), "--user", "demo.tinh", "--json", env=database)
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout) == {"cards": len(found), "already": 0, "batches_carded": [f"Đợt 2/{today.year}"]}
    refused = cli("cards", "import", str(issued), "--user", "demo.nhataitro", "--json", env=database)
    assert refused.returncode == 1 and refused.stdout == ""
