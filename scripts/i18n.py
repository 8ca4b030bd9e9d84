"""Refresh the English catalogue: makemessages, fill msgstr from locale/en.json, compile.

Chinese is the source language (msgids are Chinese); locale/en.json and <app>/locale_en.json hold
the English texts: a JSON object {"中文": "English"}. A plural message ({% blocktranslate count %})
takes a list ["singular", "plural"]; a message with a context ({% translate "…" context "c" %})
is keyed "c\u0004中文" (gettext's own convention).

The JSON texts always win: they replace whatever msgstr the catalogue holds, and a filled entry loses
its `fuzzy` flag (msgmerge's guesses are often wrong, e.g. 分钟 → "Pages"). Fuzzy entries without a
JSON text stay fuzzy (msgfmt leaves them out) and are counted as missing.
Usage: .venv/bin/python scripts/i18n.py   (needs GNU gettext's msgfmt, committed .mo files don't)
"""

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
FIELD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) (".*")$')


def load_table() -> dict:
    table = {}
    # Each app may keep its own English texts in <app>/locale_en.json; locale/en.json has the shared ones.
    for source in [*sorted(ROOT.glob("*/locale_en.json")), ROOT / "locale" / "en.json"]:
        table.update(json.loads(source.read_text(encoding="utf-8")))
    return table


def parse(block: str) -> tuple[list[str], dict, int] | None:
    """(comment lines, fields, index of the first msgstr line) of one entry; None for obsolete entries."""
    lines = block.split("\n")
    if all(line.startswith("#~") for line in lines if line):
        return None
    comments, fields, key, first_msgstr = [], {}, None, None
    for i, line in enumerate(lines):
        if line.startswith("#"):
            comments.append(line)
            continue
        match = FIELD.match(line)
        if match:
            key = match.group(1)
            fields[key] = json.loads(match.group(2))
            if key.startswith("msgstr") and first_msgstr is None:
                first_msgstr = i
        elif line.startswith('"') and key:
            fields[key] += json.loads(line)
        else:
            raise ValueError(f"unexpected line in {PO.name}: {line!r}")
    return comments, fields, first_msgstr


def flags(comments: list[str]) -> list[str]:
    return [f.strip() for c in comments if c.startswith("#,") for f in c[2:].split(",")]


def without_fuzzy(comments: list[str]) -> list[str]:
    kept = []
    for c in comments:
        if c.startswith("#|"):  # msgmerge's "previous msgid" of a fuzzy match
            continue
        if c.startswith("#,"):
            rest = [f for f in flags([c]) if f != "fuzzy"]
            if not rest:
                continue
            c = "#, " + ", ".join(rest)
        kept.append(c)
    return kept


def q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def fill(text: str, table: dict) -> tuple[str, list[str]]:
    """The catalogue with the table's English filled in, and the msgids still without English."""
    out, missing = [], []
    for block in text.rstrip("\n").split("\n\n"):
        parsed = parse(block)
        if parsed is None:
            out.append(block)
            continue
        comments, fields, first_msgstr = parsed
        lines = block.split("\n")
        msgid = fields.get("msgid", "")
        if not msgid:  # the header
            out.append("\n".join(without_fuzzy(comments) + lines[len(comments):]))
            continue
        key = f"{fields['msgctxt']}\u0004{msgid}" if "msgctxt" in fields else msgid
        english = table.get(key)
        if english is not None:
            head = [line for line in lines[:first_msgstr] if not line.startswith("#")]
            if "msgid_plural" in fields:
                forms = english if isinstance(english, list) else [english, english]
                body = [f"msgstr[{n}] {q(form)}" for n, form in enumerate(forms)]
            else:
                if not isinstance(english, str):
                    raise ValueError(f"{msgid!r} is not a plural message: give one English text")
                body = [f"msgstr {q(english)}"]
            out.append("\n".join(without_fuzzy(comments) + head + body))
            continue
        out.append(block)
        strs = [v for k, v in fields.items() if k.startswith("msgstr")]
        if "fuzzy" in flags(comments) or not all(strs):
            missing.append(key)
    return "\n\n".join(out) + "\n", missing


def main() -> int:
    subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "en", "--no-location",
                    "--ignore=.venv", "--ignore=var", "--ignore=static", "-v0"], cwd=ROOT, check=True)
    text, missing = fill(PO.read_text(encoding="utf-8"), load_table())
    PO.write_text(text, encoding="utf-8")
    subprocess.run(["msgfmt", "--check-format", "-o", str(PO.with_suffix(".mo")), str(PO)], check=True)
    print(f"compiled {PO.with_suffix('.mo').relative_to(ROOT)}; {len(missing)} strings without English")
    for msgid in missing:
        print("  " + msgid.replace("\u0004", " | "))
    return 0


if __name__ == "__main__":
    sys.exit(main())
