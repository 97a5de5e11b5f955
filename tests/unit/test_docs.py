"""The README documents every command and setting, and keeps its two set-up commands on the first screen."""

import re
from pathlib import Path

from cli.commands import ALIASES, COMMANDS, main
from db.config import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


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
        assert f"`{field.validation_alias}`" in README, field.validation_alias


def test_first_screen_has_exactly_two_set_up_commands():
    first_block = re.search(r"```bash\n(.*?)```", README, re.S).group(1)
    commands = [line for line in first_block.splitlines() if line and not line.startswith("#")]
    assert len(commands) == 2
    assert "streamlit run streamlit_app.py" in commands[0] and "pytest" in commands[1]
    assert README.index("```bash") < 1500  # on the first screen
