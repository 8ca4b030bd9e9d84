"""Refresh the English catalogue: makemessages, fill msgstr from locale/en.json, compile.

Chinese is the source language (msgids are Chinese); locale/en.json and <app>/locale_en.json hold
the English texts.
Usage: .venv/bin/python scripts/i18n.py   (needs GNU gettext's msgfmt, committed .mo files don't)
"""

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"


def main() -> int:
    subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "en", "--no-location",
                    "--ignore=.venv", "--ignore=var", "--ignore=static", "-v0"], cwd=ROOT, check=True)
    table = {}
    # Each app may keep its own English texts in <app>/locale_en.json; locale/en.json has the shared ones.
    for source in [*sorted(ROOT.glob("*/locale_en.json")), ROOT / "locale" / "en.json"]:
        table.update(json.loads(source.read_text(encoding="utf-8")))
    text = PO.read_text(encoding="utf-8")

    def fill(match: re.Match) -> str:
        msgid = json.loads(match.group(1)) if match.group(1) else ""
        english = table.get(msgid)
        if english is None:
            return match.group(0)
        return f"msgid {match.group(1)}\nmsgstr {json.dumps(english, ensure_ascii=False)}"

    text = re.sub(r'msgid ("(?:[^"\\]|\\.)+")\nmsgstr ""', fill, text)
    text = text.replace("#, fuzzy\n", "", 1)
    PO.write_text(text, encoding="utf-8")
    subprocess.run(["msgfmt", "-o", str(PO.with_suffix(".mo")), str(PO)], check=True)
    missing = [m for m in re.findall(r'msgid ("(?:[^"\\]|\\.)+")\nmsgstr ""', text)]
    print(f"compiled {PO.with_suffix('.mo').relative_to(ROOT)}; {len(missing)} strings without English")
    return 0


if __name__ == "__main__":
    sys.exit(main())
