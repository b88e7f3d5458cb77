"""Merge a template (.pot) into a language catalogue, keeping translations (developers only).

Used by scripts/i18n.sh instead of ``pybabel update/init``, which refuse ``ja_easy``.
"""

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po


def merge(pot: Path, po: Path, new_lang: str | None = None) -> None:
    """Update ``po`` from ``pot``: new strings added, vanished ones dropped, others kept."""
    with pot.open("rb") as f:
        template = read_po(f)
    if new_lang:
        catalog = Catalog(locale=None, project="Junban")
        catalog.language_team = new_lang
    else:
        with po.open("rb") as f:
            catalog = read_po(f)
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    with po.open("wb") as f:
        write_po(f, catalog, width=100, omit_header=False, ignore_obsolete=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    lang = args[args.index("--new") + 1] if "--new" in args else None
    merge(Path(args[0]), Path(args[1]), lang)
