"""Pledge codes that survive bank apps: 'BH', seven characters and a check character, letters and digits only.

The alphabet leaves out 0, 1, I, L and O, which people misread; the check character catches one wrong or two swapped
characters. Codes are stored in upper case and matched ignoring case, wherever they sit in a transfer message. A code
that fails its check is offered the valid codes one typing slip away (`near_misses`), for a person to choose from.
"""

from __future__ import annotations

import operator
import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # 31 characters: a prime, so the weighted check catches swaps
PREFIX = "BH"
BODY = 7
_FOUND = re.compile(rf"(?<![A-Z0-9]){PREFIX}[{ALPHABET}]{{{BODY + 1}}}(?![A-Z0-9])")
_LENGTH = len(PREFIX) + BODY + 1
_WORD = re.compile(rf"(?<![A-Z0-9])[A-Z0-9]{{{_LENGTH}}}(?![A-Z0-9])")  # anything of a code's length


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


def _slips(word: str) -> int:
    """How many of a word's characters no code could have there (a wrong prefix letter, a character outside the
    alphabet): a word with three or more is not one slip away from any code (a swap may touch two)."""
    return (sum(a != b for a, b in zip(word, PREFIX, strict=False))
            + sum(char not in _VALUE for char in word[len(PREFIX):]))


def one_slip_away(word: str) -> list[str]:
    """The valid codes one substitution, or one swap of two neighbouring characters, away from `word`, which is not
    itself a valid code (a valid code is taken as typed, never 'corrected'). In the order found."""
    word = normalise(word)
    if len(word) != _LENGTH or is_valid(word) or _slips(word) > 2:
        return []
    found: dict[str, None] = {}
    for at in range(_LENGTH):
        for char in (PREFIX[at] if at < len(PREFIX) else ALPHABET):
            if char != word[at] and is_valid(candidate := word[:at] + char + word[at + 1:]):
                found[candidate] = None
    for at in range(_LENGTH - 1):
        if word[at] != word[at + 1]:
            if is_valid(candidate := word[:at] + word[at + 1] + word[at] + word[at + 2:]):
                found[candidate] = None
    return list(found)


def near_misses(text: str) -> list[tuple[str, list[str]]]:
    """The words of a bank line's description that look like a pledge code with one slip (a wrong character, two
    neighbouring characters swapped), each with the valid codes it may have meant; empty when the description holds
    a valid code (that one is matched, or its own reason given)."""
    upper = (text or "").upper()
    if find_codes(upper):
        return []
    misses = []
    for word in dict.fromkeys(_WORD.findall(upper)):
        if candidates := one_slip_away(word):
            misses.append((word, candidates))
    return misses
