"""Names used inside a Vietnamese sentence: a label's first letter lowered, its acronyms (BHXH, BHYT) kept."""

from __future__ import annotations


def in_sentence(label: str) -> str:
    """`Đã chuyển tiền cho BHXH` → `đã chuyển tiền cho BHXH`; a label that opens with an acronym stays as it is."""
    first = label.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return label
    return label[:1].lower() + label[1:]
