"""Small text helpers shared by the apps."""

import re
import unicodedata

from pypinyin import lazy_pinyin

_SPACES = re.compile(r"\s+")


def clean_name(value: object) -> str:
    """Names keep their full-width brackets; only surrounding and inner runs of spaces go."""
    return _SPACES.sub("", str(value or "")).strip()


def pinyin_key(text: str) -> str:
    """A sort key for Chinese text on every database (SQLite has no Chinese collation)."""
    return " ".join(lazy_pinyin(text)).lower()[:300]


def is_int(value: object) -> bool:
    """Whether a typed value is a plain non-negative integer. ``str.isdigit`` also accepts "²"
    and other digits ``int()`` refuses, which turned such input into a server error."""
    return isinstance(value, str) and value.isascii() and value.isdigit()


def fold(value: object) -> str:
    """Text as people type it, compared as printed: full-width forms folded (NFKC) and every
    space or line break removed. None reads as ""."""
    return "".join(unicodedata.normalize("NFKC", str(value if value is not None else "")).split())
