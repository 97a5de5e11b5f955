"""The README documents every command and setting, and keeps its two set-up commands on the first screen."""

import re
from pathlib import Path

from pydantic import AliasChoices

from cli.commands import ALIASES, COMMANDS, main
from db.config import Settings

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_documented_and_loads():
    listed = main.list_commands(None)
    assert listed == sorted(COMMANDS) and len(listed) >= 20
    for name in listed:
        assert f"python -m cli {name}" in README, name
        assert main.get_command(None, name).name == name  # the lazy entry points at a real command of that name
    for old, new in ALIASES.items():
        assert main.get_command(None, old) is main.get_command(None, new) and old in README


def test_every_setting_is_documented():
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        # A renamed setting keeps its former name as a second choice: both names are documented.
        for name in alias.choices if isinstance(alias, AliasChoices) else [alias]:
            assert f"`{name}`" in README, name


def test_first_screen_has_exactly_two_set_up_commands():
    first_block = re.search(r"```bash\n(.*?)```", README, re.S).group(1)
    commands = [line for line in first_block.splitlines() if line and not line.startswith("#")]
    assert len(commands) == 2
    assert "streamlit run streamlit_app.py" in commands[0] and "pytest" in commands[1]
    assert README.index("```bash") < 1500  # on the first screen


def test_every_benchmark_has_a_current_figure_and_a_history():
    """README's Performance table has one row per benchmark; bench/RESULTS.md keeps each one's dated history."""
    performance = README.split("### Performance", 1)[1].split("\n### ", 1)[0]
    assert "bench/RESULTS.md" in performance
    results = (ROOT / "bench" / "RESULTS.md").read_text(encoding="utf-8")
    for path in sorted((ROOT / "bench").glob("[!_]*.py")):
        assert f"| `{path.name}` |" in performance, path.name
        assert f"`python bench/{path.name}`" in results, path.name
