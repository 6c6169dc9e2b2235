"""Vietnamese alphabetical order: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y,
with tones (none, huyền, sắc, hỏi, ngã, nặng) deciding only between otherwise equal words.
Python's default order would put 'Đắk Mil' after 'Tuy Đức'."""

import unicodedata
from typing import Any

ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_ORDER = {ch: i for i, ch in enumerate(ALPHABET)}
# combining marks: letter modifiers stay with the letter, tone marks become a secondary key
_MODIFIERS = {"\u0306": "ă", "\u0302": "â", "\u031b": "ơ"}  # breve, circumflex, horn
_TONES = {"\u0300": 1, "\u0301": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}  # huyền sắc hỏi ngã nặng


def _letters(text: str) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for ch in unicodedata.normalize("NFD", text.lower()):
        if ch in _TONES and out:
            out[-1] = (out[-1][0], _TONES[ch])
        elif ch in _MODIFIERS and out:
            base = out[-1][0]
            modified = {"a\u0306": "ă", "a\u0302": "â", "e\u0302": "ê", "o\u0302": "ô", "o\u031b": "ơ", "u\u031b": "ư"}
            out[-1] = (modified.get(base + ch, base), out[-1][1])
        else:
            out.append(("đ" if ch == "đ" else ch, 0))
    return out


def vi_sort_key(text: str) -> tuple[Any, ...]:
    letters = _letters(text)
    primary = tuple((0, _ORDER[c]) if c in _ORDER else (1, ord(c)) for c, _ in letters)
    tones = tuple(t for _, t in letters)
    return primary, tones
