"""Allows `python -m cli …`."""

from cli.commands import run

run()
