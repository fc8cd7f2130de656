"""English is complete: every string in the catalogues is translated and compiled."""

import gettext
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES"
STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), text)


def po_entries(path: Path):
    """(msgid, [msgstr, ...], fuzzy) for each entry of a .po file, header excluded."""
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        current, parts = None, {}
        for line in lines:
            key = line.split(" ", 1)[0] if line[:1].isalpha() else None
            if key in ("msgid", "msgid_plural") or (key or "").startswith("msgstr"):
                current = key
                parts[current] = ""
            if current and (line.startswith(current) or line.startswith('"')):
                parts[current] += "".join(unescape(piece) for piece in STRING.findall(line))
        if parts.get("msgid"):
            yield parts["msgid"], [v for k, v in parts.items() if k.startswith("msgstr")], fuzzy


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_string_has_a_compiled_english_translation(domain):
    entries = list(po_entries(LOCALE / f"{domain}.po"))
    assert entries
    untranslated = [msgid for msgid, strs, fuzzy in entries if fuzzy or not all(strs)]
    assert untranslated == []
    with open(LOCALE / f"{domain}.mo", "rb") as mo:
        catalog = gettext.GNUTranslations(mo)
    stale = [msgid for msgid, strs, _ in entries if len(strs) == 1 and catalog.gettext(msgid) != strs[0]]
    assert stale == [], "the .mo does not match the .po: run make messages"
