"""Free text of certificates → certificate rows (the data migration of the old 证书 field and the Excel import).

A piece is what lies between separators people really type between certificates: 、 , ， ; ； and line breaks
(the archive form's textarea, the import template's 证书 column). Spaces and "/" are not separators: they
occur inside one certificate ("电工 四级", "四级/中级工"). Every piece becomes one row whose `name` is the
piece itself (surrounding spaces trimmed), so no character of the text is lost; the level and the occupation
code are only read from it, and stay empty when it does not say them. Pure functions: the migration
imports them, so they must not touch models.
"""

from __future__ import annotations

import re

SEPARATORS = r"[、,，;；\r\n]+"

# (pattern, SkillLevel value); the first that matches wins, so 高级技师 is tried before 技师 and 高级工
_LEVELS = [
    (r"高级技师|一级|1级", "1"),
    (r"技师|二级|2级", "2"),
    (r"高级工|高级|三级|3级", "3"),
    (r"中级工|中级|四级|4级", "4"),
    (r"初级工|初级|五级|5级", "5"),
    (r"专项", "special"),
]
_LONGEST_NAME = 30


def split_text(text: str) -> list[str]:
    """The certificate pieces of a free text, in order (empty pieces dropped)."""
    return [piece.strip() for piece in re.split(SEPARATORS, text or "") if piece.strip()]


def parse_level(piece: str) -> str:
    """The SkillLevel value a piece names ("" if none)."""
    for pattern, value in _LEVELS:
        if re.search(pattern, piece):
            return value
    return ""


def occupation_index(pairs) -> dict[str, str]:
    """{name: code} of (code, name) pairs of 细类; the first code of a name wins."""
    index: dict[str, str] = {}
    for code, name in pairs:
        if name and len(name) >= 2:
            index.setdefault(name, code)
    return index


def match_occupation(piece: str, index: dict[str, str]) -> str:
    """The code of the longest occupation name found in the piece ("" if none): "电工证" → 电工's code."""
    best = ""
    for start in range(len(piece)):
        for end in range(min(len(piece), start + _LONGEST_NAME), start + len(best), -1):
            if piece[start:end] in index:
                best = piece[start:end]
                break
    return index.get(best, "")


def rows_from_text(text: str, index: dict[str, str] | None = None) -> list[dict[str, str]]:
    """[{name, level, occupation_code}] of a free text: one per piece, the piece whole as the name."""
    return [{"name": piece, "level": parse_level(piece), "occupation_code": match_occupation(piece, index or {})}
            for piece in split_text(text)]
