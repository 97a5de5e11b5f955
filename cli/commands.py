"""`python -m cli`: the batch commands, sharing their code with the pages.

With --json, standard output holds exactly one JSON document; messages and logs go to standard error. A failure
exits non-zero with one line on standard error. Each command's module is imported only when that command runs, so a
scheduled job loads the services it uses and no others.
"""

from __future__ import annotations

import importlib
import logging
import sys

import click

from cli._base import fail

# command name -> "module.attribute" of its click command or group
COMMANDS = {
    "init": "cli.upkeep.init",
    "seed-demo": "cli.demo.seed_demo",
    "backup": "cli.upkeep.backup_command",
    "restore": "cli.upkeep.restore_command",
    "quote": "cli.premium.quote",
    "users": "cli.access.users",
    "audit": "cli.access.audit",
    "accounts": "cli.access.accounts",
    "import-nominations": "cli.registry.import_nominations",
    "vietqr": "cli.pledges.vietqr",
    "pledges": "cli.pledges.pledges_group",
    "remind": "cli.pledges.remind",
    "statement": "cli.pledges.statement",
    "reconcile": "cli.payments.reconcile",
    "receipts": "cli.payments.receipts_group",
    "allocate": "cli.allocation.allocate",
    "explain": "cli.allocation.explain_lists",
    "holds": "cli.allocation.holds_group",
    "cards": "cli.cards.cards_group",
    "report": "cli.reporting.report_group",
}
# Older names that schedulers may still call; not listed in --help.
ALIASES = {"import-beneficiaries": "import-nominations"}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use (click's documented lazy-loading pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(ALIASES.get(cmd_name, cmd_name))
        if target is None:
            return None
        module, attribute = target.rsplit(".", 1)
        return getattr(importlib.import_module(module), attribute)


@click.group(cls=LazyGroup, help="Tặng thẻ BHYT: các lệnh quản trị và xử lý theo lô.")
def main() -> None:
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


def run() -> None:
    """Entry point: click's own usage errors also become one line on stderr."""
    try:
        main.main(standalone_mode=False)
    except click.exceptions.Abort:
        fail("đã hủy", 1)
    except click.ClickException as exc:
        fail(exc.format_message(), exc.exit_code)
