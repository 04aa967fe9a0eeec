"""Text folding for search and sorting: lower case, accents removed, spaces collapsed."""

from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

_SPACES = re.compile(r"\s+")
_NON_DIGITS = re.compile(r"\D")


def fold(text: str | None) -> str:
    """``"  José  da SILVA "`` → ``"jose da silva"``."""
    if not text:
        return ""
    normalized = unicodedata.normalize("NFKC", text)
    return _SPACES.sub(" ", unidecode(normalized).lower()).strip()


def digits(text: str | None) -> str:
    return _NON_DIGITS.sub("", text or "")


_CONTROL = {chr(c) for c in range(32)} - {"\n", "\r", "\t"}


def has_control_characters(text: str) -> bool:
    """NUL and other control characters never reach the database."""
    return any(ch in _CONTROL for ch in text)
