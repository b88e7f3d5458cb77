"""Compile the message catalogues (translations/*/LC_MESSAGES/messages.po → .mo) when stale.

Babel's own ``pybabel compile`` refuses the ``ja_easy`` folder name, which is not a CLDR
locale, so this reads and writes the catalogues with Babel's library functions directly.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent / "translations"


def compile_all(root: Path = ROOT) -> list[Path]:
    """Compile every catalogue whose .mo is missing or older than its .po."""
    written = []
    for po in sorted(root.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f, locale=None)
        with mo.open("wb") as f:
            write_mo(f, catalog, use_fuzzy=False)
        written.append(mo)
    return written


if __name__ == "__main__":
    for path in compile_all():
        print(f"compiled {path.relative_to(ROOT.parent)}")
