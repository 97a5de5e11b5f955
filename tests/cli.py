"""The command line in tests: `cli` runs the real entry point (`cli.commands.run`, as `python -m cli` does) in this
process with its own environment, standard streams and exit code; `cli_process` starts a new interpreter, as a
scheduler does, for the tests whose point is the process itself (a new file, a locked file, a kill, bad usage)."""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from cli.commands import run
from db.config import get_settings
from db.engine import get_engine

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def _forget_configuration() -> None:
    if get_engine.cache_info().currsize:
        get_engine().dispose()
    get_engine.cache_clear()
    get_settings.cache_clear()


def cli(*args, env=None, input=None) -> Ran:
    """Run a command as `python -m cli ARGS` would, with `env` added to the environment, without a new interpreter
    (about a second of imports saved each time); the settings and engine it made are dropped afterwards."""
    runner = CliRunner()
    _forget_configuration()
    argv = sys.argv
    try:
        with runner.isolation(input=input, env=env) as (stdout, stderr, _):
            sys.argv = ["cli", *args]
            try:
                run()
                code = 0
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
            out, err = stdout.getvalue().decode(), stderr.getvalue().decode()
    finally:
        sys.argv = argv
        _forget_configuration()
    return Ran(code, out, err)


def cli_process(*args, env=None, input=None):
    """Run the real command in a new process, as a scheduler would."""
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120,
                          **({"input": input} if input is not None else {"stdin": subprocess.DEVNULL}))
