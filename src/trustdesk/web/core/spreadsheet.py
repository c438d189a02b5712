"""Cells for CSV files that people open in a spreadsheet: text stays text, never a formula.

One rule for every CSV trustdesk writes (the audit export, `screen-file` output), so a fix here
covers them all.
"""

from __future__ import annotations

# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@")
# Tab and carriage return are themselves on OWASP's list: some spreadsheets drop them on import
# and then evaluate what follows.
_CONTROL_STARTS = ("\t", "\r")


def neutralise_cell(value: str) -> str:
    """Prefix a quote so a spreadsheet shows the text instead of evaluating it.

    Spreadsheets trim leading spaces, tabs and line breaks before they look for a formula, so
    `"  =HYPERLINK(…)"`, or a line break then `+1`, is a formula too: the check looks past
    leading whitespace.
    """
    if value.startswith(_CONTROL_STARTS) or value.lstrip().startswith(_FORMULA_STARTS):
        return f"'{value}"
    return value
