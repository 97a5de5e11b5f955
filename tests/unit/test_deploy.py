"""What deploy/ hands a province's IT team holds: every cron line is a command the CLI accepts, the jobs run with the
shared settings file, Debian's nginx accepts the site (its TLS block too), and the runner refuses to start replicas
without the settings they must share. The replicas themselves run in tests/browser/test_replicas.py."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from cli.commands import main
from deploy.run import SHARED_SETTINGS, DeployError, nginx_config, replica_environment
from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
CRON = (DEPLOY / "bhyt.cron").read_text(encoding="utf-8")


def cron_jobs() -> list[tuple[list[str], str, list[str]]]:
    """(the five time fields, the user, the command's words) of each job line, its variables filled in as cron's
    shell would (the date as today's), and without its redirection to the log."""
    variables = dict(re.findall(r"^([A-Z]+)=(\S+)$", CRON, re.M))
    jobs = []
    for line in CRON.splitlines():
        if not line.strip() or line.startswith("#") or re.match(r"^[A-Z]+=", line):
            continue
        fields = line.split(None, 6)
        command = fields[6].replace(r"\%", "%").split(" >> ")[0]
        command = re.sub(r"\$\(date \+([^)]*)\)", lambda match: dt.date.today().strftime(match[1]), command)
        command = re.sub(r"\$([A-Z]+)", lambda match: variables[match[1]], command)
        jobs.append((fields[:5], fields[5], shlex.split(command)))
    return jobs


def cli_command(words: list[str]) -> click.Command:
    """The click command `python -m cli WORDS…` runs, its options parsed (a usage error raises) but not run."""
    command, rest = main, list(words)
    while isinstance(command, click.Group):
        name, rest = rest[0], rest[1:]
        command = command.get_command(None, name)
        assert command is not None, words
    command.make_context(command.name, rest)
    return command


def test_every_scheduled_job_is_a_command_the_cli_accepts():
    jobs = cron_jobs()
    names = []
    for when, user, words in jobs:
        assert len(when) == 5 and user == "bhyt"
        program = Path(words[0]).name
        if program == "backup.sh":
            names.append("backup")
            continue
        assert program == "job.sh", words
        command = cli_command(words[1:])
        names.append(" ".join(words[1:3]) if isinstance(main.get_command(None, words[1]), click.Group) else words[1])
        assert "--json" in words, words  # a line per run in the job log
        if command.name in {"daily", "weekly"}:
            minute, hour = int(when[0]), int(when[1])
            assert (hour, minute) < (16, 0)  # Letter 3642/BHXH-TST item 4: before 16:00
    assert sorted(names) == sorted(["holds expire", "pledges expire", "remind", "report daily", "report weekly",
                                    "audit checkpoint", "backup"])


def test_a_job_runs_with_the_settings_file(new_database, tmp_path):
    database = new_database("sqlite", level="initialised")
    settings = tmp_path / "bhyt.env"
    settings.write_text(f"DATABASE_URL='{database}'\nBHYT_PUBLIC_URL='https://bhyt.example.gov.vn/?a=1&b=2'\n",
                        encoding="utf-8")
    env = {**os.environ, "BHYT_ENV_FILE": str(settings), "BHYT_PYTHON": sys.executable}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([str(DEPLOY / "job.sh"), "pledges", "expire", "--dry-run", "--json"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["dry_run"] is True
    assert "pledges expire --dry-run --json" in done.stderr  # the job log says what ran, and when


def test_the_backup_refuses_a_database_it_cannot_dump(tmp_path):
    settings = tmp_path / "bhyt.env"
    settings.write_text("DATABASE_URL=sqlite:///data/bhyt.db\n", encoding="utf-8")
    done = subprocess.run([str(DEPLOY / "backup.sh"), str(tmp_path / "backups")],
                          env={**os.environ, "BHYT_ENV_FILE": str(settings)}, capture_output=True, text=True)
    assert done.returncode == 2 and "python -m cli backup" in done.stderr
    assert not (tmp_path / "backups").exists()


@pytest.mark.parametrize("missing", SHARED_SETTINGS)
def test_the_runner_refuses_replicas_without_a_shared_setting(missing):
    env = {name: "x" * 40 for name in SHARED_SETTINGS} | {missing: " "}
    with pytest.raises(DeployError, match=missing):
        replica_environment(env)


def test_the_replicas_share_streamlit_s_cookie_secret_derived_from_the_app_s():
    env = {name: "x" * 40 for name in SHARED_SETTINGS}
    first, second = replica_environment(env), replica_environment(dict(env))
    assert first["STREAMLIT_SERVER_COOKIE_SECRET"] == second["STREAMLIT_SERVER_COOKIE_SECRET"]
    assert env["BHYT_SECRET_KEY"] not in first["STREAMLIT_SERVER_COOKIE_SECRET"]
    other = replica_environment({**env, "BHYT_SECRET_KEY": "y" * 40})
    assert other["STREAMLIT_SERVER_COOKIE_SECRET"] != first["STREAMLIT_SERVER_COOKIE_SECRET"]


def nginx_checks(config: Path, prefix: Path) -> subprocess.CompletedProcess:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    require(found is not None, "nginx (apt-get install nginx)")
    return subprocess.run([found, "-t", "-p", str(prefix), "-c", str(config), "-e", str(prefix / "error.log")],
                          capture_output=True, text=True, timeout=30)


def self_signed(folder: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bhyt.example.gov.vn")])
    now = dt.datetime.now(dt.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
                   .sign(key, hashes.SHA256()))
    pem = certificate.public_bytes(serialization.Encoding.PEM)
    (folder / "fullchain.pem").write_bytes(pem)
    (folder / "chain.pem").write_bytes(pem)
    (folder / "privkey.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                           serialization.PrivateFormat.PKCS8,
                                                           serialization.NoEncryption()))


def test_debian_s_nginx_accepts_the_site_and_its_tls_block(tmp_path):
    """bhyt.conf as an administrator installs it (conf.d, snippets, sites-enabled), its TLS block uncommented with a
    certificate of the test's own: `nginx -t` passes."""
    self_signed(tmp_path)
    site = (DEPLOY / "nginx" / "bhyt.conf").read_text(encoding="utf-8")
    plain, tls = site.split("\n# server {", 1)
    tls = "server {" + re.sub(r"^# ?", "", tls, flags=re.M)
    site = (plain + "\n" + tls).replace("/etc/nginx/snippets/bhyt-locations.conf",
                                        str(DEPLOY / "nginx" / "bhyt-locations.conf"))
    site = site.replace("/etc/ssl/bhyt", str(tmp_path)).replace("/var/log/nginx", str(tmp_path))
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in site and "Strict-Transport-Security" in site
    (tmp_path / "bhyt").write_text(site, encoding="utf-8")
    config = tmp_path / "nginx.conf"
    config.write_text(f"""pid {tmp_path}/nginx.pid;
events {{}}
http {{
    client_body_temp_path {tmp_path}/client_body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    include {DEPLOY}/nginx/bhyt-maps.conf;
    include {tmp_path}/bhyt;
}}
""", encoding="utf-8")
    done = nginx_checks(config, tmp_path)
    assert done.returncode == 0, done.stderr


def test_the_runner_s_nginx_configuration_is_accepted(tmp_path):
    config = tmp_path / "nginx.conf"
    for folder in ("logs", "tmp"):
        (tmp_path / folder).mkdir()
    config.write_text(nginx_config([8501, 8502, 8503], "127.0.0.1:8080", tmp_path), encoding="utf-8")
    text = config.read_text()
    assert text.count("max_fails=1 fail_timeout=10s;") == 3 and "hash $bhyt_route consistent;" in text
    done = nginx_checks(config, tmp_path)
    assert done.returncode == 0, done.stderr
