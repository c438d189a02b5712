"""Writes the table of every fact of the shipped packs into docs/policy-packs.md.

The table sits between ``<!-- BEGIN GENERATED facts <pack> -->`` and
``<!-- END GENERATED facts <pack> -->``; everything else in the document is hand-written. A test
checks that the committed table equals what this script writes, so the document cannot drift from
the packs.

    .venv/bin/python scripts/build_fact_table.py            # rewrite the tables in place
    .venv/bin/python scripts/build_fact_table.py --check    # exit 1 if a table is out of date
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from trustdesk.policy.facts import markdown_table
from trustdesk.policy.registry import load

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "policy-packs.md"
PACKS = ("gb-base", "ca-base")
BLOCK = re.compile(
    r"(?P<head><!-- BEGIN GENERATED facts (?P<pack>[a-z0-9-]+) -->\n).*?"
    r"(?P<tail><!-- END GENERATED facts (?P=pack) -->)",
    re.DOTALL,
)


def rebuild(text: str) -> str:
    """``text`` with each pack's fact table rewritten from the installed pack."""
    seen: list[str] = []

    def replace(m: re.Match[str]) -> str:
        seen.append(m["pack"])
        return m["head"] + markdown_table(load(m["pack"])) + m["tail"]

    out = BLOCK.sub(replace, text)
    if sorted(seen) != sorted(PACKS):
        raise ValueError(f"{DOC} must hold one fact table for each of {PACKS}; found {seen}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a table is out of date")
    args = parser.parse_args(argv)
    text = DOC.read_text(encoding="utf-8")
    new = rebuild(text)
    if args.check:
        if new != text:
            sys.stderr.write(f"{DOC} is out of date; run scripts/build_fact_table.py\n")
            return 1
        return 0
    DOC.write_text(new, encoding="utf-8")
    sys.stdout.write(f"rewrote the fact tables of {DOC}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
