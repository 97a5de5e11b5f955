"""Allows `python -m donation …`."""

from donation.cli import run

run()
