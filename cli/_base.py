"""What every command shares: JSON on stdout, one Vietnamese line on stderr for any failure."""

from __future__ import annotations

import functools
import json
import logging
import sys

import click

from donation.common.errors import explain

log = logging.getLogger("donation")


def emit(data: dict) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, default=str))


def fail(message: str, code: int = 1):
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
            fail(message)

    return wrapper


def acting_user(username: str):
    from donation.access import auth  # here, so that usage errors and --help answer before the database layer loads

    return auth.find_actor(username)
