"""Pledge codes that survive bank apps: 'BH', seven characters and a check character, letters and digits only.

The alphabet leaves out 0, 1, I, L and O, which people misread; the check character catches one wrong or two swapped
characters. Codes are stored in upper case and matched ignoring case, wherever they sit in a transfer message.
"""

from __future__ import annotations

import operator
import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # 31 characters: a prime, so the weighted check catches swaps
PREFIX = "BH"
BODY = 7
_FOUND = re.compile(rf"(?<![A-Z0-9]){PREFIX}[{ALPHABET}]{{{BODY + 1}}}(?![A-Z0-9])")


_VALUE = {char: value for value, char in enumerate(ALPHABET)}
_WEIGHTS = tuple(range(1, BODY + 1))


def check_character(body: str) -> str:
    """Position-weighted sum of the characters' values, modulo 31 (map/mul: a statement checks 100,000 of them)."""
    return ALPHABET[sum(map(operator.mul, _WEIGHTS, map(_VALUE.__getitem__, body))) % len(ALPHABET)]


def new_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY))
    return PREFIX + body + check_character(body)


def is_valid(code: str) -> bool:
    text = (code or "").strip().upper()
    return (len(text) == len(PREFIX) + BODY + 1 and text.startswith(PREFIX)
            and all(char in ALPHABET for char in text[len(PREFIX):])
            and check_character(text[len(PREFIX):-1]) == text[-1])


def normalise(code: str) -> str:
    return (code or "").strip().upper()


def find_codes(text: str) -> list[str]:
    """The valid pledge codes in a bank line's description, in order (any case, anywhere among other words)."""
    # The pattern has already checked the prefix, the length and the alphabet: only the check character is left.
    return [code for code in _FOUND.findall((text or "").upper()) if check_character(code[2:-1]) == code[-1]]
