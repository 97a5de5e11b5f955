"""Start the app's replicas and nginx in front of them on one machine: `python -m deploy.run --replicas 2`.

Every replica is a `streamlit run streamlit_app.py` on its own local port, with the environment they must share
(DATABASE_URL, BHYT_SECRET_KEY, BHYT_SIGNING_KEY, BHYT_PUBLIC_URL). They start at once: the first to reach an empty
database migrates it while the others wait (demo/startup.py); each is ready when its /_bhyt/ready answers 200. Then
nginx starts with a configuration generated under `--prefix` (its pid, logs and temporary files there, no root paths,
so that it runs as the user who runs this), which includes deploy/nginx/bhyt-maps.conf and bhyt-locations.conf, the
same files a Debian nginx uses (deploy/README.md). A replica that stops is started again; Ctrl-C or SIGTERM stops them
all. With `--no-nginx`, the replicas only, behind the machine's own nginx.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX_FILES = Path(__file__).resolve().parent / "nginx"
# What every replica must be given, and the same in each: the database, the secret that signs the session cookies
# (a cookie one replica signed is read by another), the key that signs receipts, and the address people open.
SHARED_SETTINGS = ("DATABASE_URL", "BHYT_SECRET_KEY", "BHYT_SIGNING_KEY", "BHYT_PUBLIC_URL")


class DeployError(Exception):
    """Something the person starting the app has to fix; the message says what, in Vietnamese."""


def missing_settings(env: Mapping[str, str]) -> list[str]:
    return [name for name in SHARED_SETTINGS if not env.get(name, "").strip()]


def replica_environment(env: Mapping[str, str]) -> dict[str, str]:
    """The replicas' environment: `env`, with Streamlit's own cookie secret derived from the app's secret (so that
    it too is the same in every replica) and no file watching (the code does not change under a running server)."""
    missing = missing_settings(env)
    if missing:
        raise DeployError(f"Chưa đặt {', '.join(missing)}: các bản sao phải dùng chung các giá trị này "
                          "(xem deploy/README.md, tệp bhyt.env)")
    cookie_secret = hashlib.sha256(b"streamlit-cookie-secret:" + env["BHYT_SECRET_KEY"].encode()).hexdigest()
    return {**env, "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret, "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
            "STREAMLIT_SERVER_HEADLESS": "true", "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
            "PYTHONUNBUFFERED": "1"}


@dataclass
class Replica:
    port: int
    address: str
    log: Path
    process: subprocess.Popen | None = None
    started: float = field(default=0.0)

    @property
    def url(self) -> str:
        return f"http://{self.address}:{self.port}"

    def start(self, env: Mapping[str, str]) -> None:
        command = [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(self.port),
                   "--server.address", self.address]
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "a") as log:
            # a session of its own: Ctrl-C reaches this runner only, which then stops the replicas in order
            self.process = subprocess.Popen(command, cwd=ROOT, env=dict(env), stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        self.started = time.monotonic()

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)

    def wait_ready(self, timeout: float) -> float:
        """Seconds from its start until /_bhyt/ready answered 200 (its database prepared)."""
        deadline = time.monotonic() + timeout
        while True:
            if not self.running():
                raise DeployError(f"Bản sao cổng {self.port} đã dừng (mã {self.process.returncode}):\n{tail(self.log)}")
            status = http_status(f"{self.url}/_bhyt/ready")
            if status == 200:
                return time.monotonic() - self.started
            if status == 500:
                raise DeployError(f"Bản sao cổng {self.port} không chuẩn bị được cơ sở dữ liệu:\n{tail(self.log)}")
            if time.monotonic() > deadline:
                raise DeployError(f"Bản sao cổng {self.port} chưa sẵn sàng sau {timeout:.0f} s:\n{tail(self.log)}")
            time.sleep(0.2)


def free_ports(count: int) -> list[int]:
    """`count` different free local ports (all held at once while they are chosen)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def nginx_config(ports: Sequence[int], listen: str, prefix: Path, *, address: str = "127.0.0.1") -> str:
    """nginx's whole configuration for these replicas: everything it writes under `prefix`, the app's server block
    from deploy/nginx/, listening on `listen` ("8080" or "127.0.0.1:8080")."""
    upstream = "\n".join(f"        server {address}:{port} max_fails=1 fail_timeout=10s;" for port in ports)
    # nginx started by root hands its workers to `nobody`, who could not write the temporary folders here
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""# Generated by `python -m deploy.run`: edit deploy/nginx/*.conf or the runner, not this file.
{user}worker_processes auto;
pid "{prefix}/nginx.pid";
error_log "{prefix}/logs/error.log" warn;

events {{
    worker_connections 1024;
}}

http {{
    client_body_temp_path "{prefix}/tmp/client_body";
    proxy_temp_path "{prefix}/tmp/proxy";
    fastcgi_temp_path "{prefix}/tmp/fastcgi";
    uwsgi_temp_path "{prefix}/tmp/uwsgi";
    scgi_temp_path "{prefix}/tmp/scgi";
    server_tokens off;

    include "{NGINX_FILES}/bhyt-maps.conf";
    access_log "{prefix}/logs/access.log" bhyt;

    upstream bhyt_replicas {{
        hash $bhyt_route consistent;
{upstream}
        keepalive 16;
    }}

    server {{
        listen {listen};
        server_name _;
        include "{NGINX_FILES}/bhyt-locations.conf";
    }}
}}
"""


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        raise DeployError("Không thấy nginx: cài bằng `apt-get install nginx` (Debian), hoặc chạy với --no-nginx")
    return found


@dataclass
class Nginx:
    prefix: Path
    listen: str
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        host, _, port = self.listen.rpartition(":")
        return f"http://{host if host not in ('', '0.0.0.0', '[::]') else '127.0.0.1'}:{port}"

    @property
    def access_log(self) -> Path:
        return self.prefix / "logs" / "access.log"

    def start(self, ports: Sequence[int], *, address: str = "127.0.0.1", timeout: float = 15) -> float:
        """Write the configuration, check it (`nginx -t`), start nginx in the foreground; seconds until it answers."""
        began = time.monotonic()
        for folder in ("logs", "tmp"):
            (self.prefix / folder).mkdir(parents=True, exist_ok=True)
        config = self.prefix / "nginx.conf"
        config.write_text(nginx_config(ports, self.listen, self.prefix, address=address), encoding="utf-8")
        command = [nginx_binary(), "-p", str(self.prefix), "-c", str(config), "-e", str(self.prefix / "logs/error.log")]
        checked = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True)
        if checked.returncode != 0:
            raise DeployError(f"Cấu hình nginx sai ({config}):\n{checked.stderr}")
        self.process = subprocess.Popen([*command, "-g", "daemon off;"], stdin=subprocess.DEVNULL,
                                        start_new_session=True)
        deadline = time.monotonic() + timeout
        while http_status(f"{self.url}/_stcore/health") != 200:
            if self.process.poll() is not None:
                raise DeployError(f"nginx đã dừng (mã {self.process.returncode}):\n"
                                  f"{tail(self.prefix / 'logs/error.log')}")
            if time.monotonic() > deadline:
                raise DeployError(f"nginx chưa trả lời tại {self.url} sau {timeout:.0f} s")
            time.sleep(0.1)
        return time.monotonic() - began

    def stop(self) -> None:
        if self.process is not None:
            # SIGTERM: at once. (SIGQUIT, nginx's graceful stop, would wait for every open websocket to close.) The
            # browsers reconnect by themselves when nginx is back.
            stop_process(self.process)


@dataclass
class Deployment:
    replicas: list[Replica]
    nginx: Nginx | None
    env: dict[str, str]
    seconds_ready: float = 0.0  # from the first replica's start until every replica and nginx answered

    @property
    def url(self) -> str:
        return self.nginx.url if self.nginx else self.replicas[0].url

    def replica(self, port: int) -> Replica:
        return next(replica for replica in self.replicas if replica.port == port)


@contextmanager
def deployment(ports: Sequence[int], env: Mapping[str, str], *, listen: str | None, prefix: Path,
               address: str = "127.0.0.1", timeout: float = 180) -> Iterator[Deployment]:
    """The replicas on `ports`, all started at once and ready, and nginx on `listen` in front of them (none when
    `listen` is None); stopped whatever happens. Logs under `prefix`/logs."""
    shared = replica_environment(env)
    replicas = [Replica(port, address, prefix / "logs" / f"replica-{port}.log") for port in ports]
    nginx = Nginx(prefix, listen) if listen is not None else None
    began = time.monotonic()
    try:
        for replica in replicas:
            replica.start(shared)
        deadline = time.monotonic() + timeout
        for replica in replicas:  # started together: waiting for each in turn takes as long as for the slowest
            replica.wait_ready(max(deadline - time.monotonic(), 1))
        if nginx is not None:
            nginx.start(ports, address=address)
        yield Deployment(replicas, nginx, shared, time.monotonic() - began)
    finally:
        if nginx is not None:
            nginx.stop()
        for replica in replicas:
            replica.stop()


def supervise(running: Deployment, *, restart: bool, poll: float = 1.0) -> int:
    """Until stopped: start again a replica that stopped (after a pause), end when nginx does."""
    while True:
        if running.nginx is not None and running.nginx.process.poll() is not None:
            say(f"nginx đã dừng (mã {running.nginx.process.returncode}): dừng tất cả.")
            return 1
        for replica in running.replicas:
            if not replica.running() and restart:
                say(f"Bản sao cổng {replica.port} đã dừng (mã {replica.process.returncode}): chạy lại. "
                    f"Nhật ký: {replica.log}")
                time.sleep(2)
                replica.start(running.env)
        time.sleep(poll)


def stop_process(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 10) -> None:
    if process.poll() is not None:
        return
    with suppress(ProcessLookupError):
        process.send_signal(sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def say(message: str) -> None:
    """A line for the person who started the runner (or systemd's journal)."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def http_status(url: str, timeout: float = 2) -> int | None:
    """The status `url` answers with, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code
    except OSError:
        return None


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(chưa có nhật ký)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.run",
                                     description="Chạy các bản sao của ứng dụng và nginx phía trước (deploy/README.md).")
    parser.add_argument("--replicas", type=int, default=2, help="Số bản sao (mặc định 2).")
    parser.add_argument("--first-port", type=int, default=8501, help="Cổng của bản sao đầu; các bản sao sau: cổng kế "
                                                                     "tiếp (mặc định 8501).")
    parser.add_argument("--address", default="127.0.0.1", help="Địa chỉ các bản sao nghe (mặc định 127.0.0.1).")
    parser.add_argument("--listen", default="8080", help="Cổng (hoặc địa chỉ:cổng) của nginx (mặc định 8080).")
    parser.add_argument("--prefix", type=Path, default=ROOT / "data" / "deploy",
                        help="Thư mục cấu hình, nhật ký và tệp tạm của nginx và nhật ký các bản sao "
                             "(mặc định data/deploy).")
    parser.add_argument("--no-nginx", action="store_true", help="Chỉ chạy các bản sao (nginx của máy đứng trước).")
    parser.add_argument("--no-restart", action="store_true", help="Không chạy lại bản sao đã dừng.")
    args = parser.parse_args(argv)
    if args.replicas < 1:
        parser.error("--replicas phải từ 1 trở lên")
    ports = [args.first_port + number for number in range(args.replicas)]
    prefix = args.prefix.resolve()

    def stop_on_signal(signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop_on_signal)
    try:
        with deployment(ports, os.environ, listen=None if args.no_nginx else args.listen, prefix=prefix,
                        address=args.address) as running:
            say(f"{len(ports)} bản sao (cổng {', '.join(map(str, ports))}) sẵn sàng sau {running.seconds_ready:.1f} s"
                + (f"; nginx tại {running.url}" if running.nginx else "") + f". Nhật ký: {prefix / 'logs'}. Dừng: Ctrl-C.")
            return supervise(running, restart=not args.no_restart)
    except DeployError as problem:
        say(str(problem))
        return 2
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
