"""A spreadsheet runs a cell as a formula when it starts with one of these (OWASP, CSV Injection):
`=HYPERLINK(...)` in a decision number, signer or person name would run on the board's machine.
Tab, CR and LF start one too in some programs; the full-width forms are folded to these by some
input methods and spreadsheets."""

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def starts_formula(text: str) -> bool:
    """Whether `text`'s first character, or first after leading white space (which some programs
    skip), could start a formula."""
    return text.startswith(FORMULA_TRIGGERS) or text.lstrip().startswith(FORMULA_TRIGGERS)


def neutralise_formula(text: str) -> str:
    """A text cell made safe to open in a spreadsheet, as OWASP recommends: a cell that could start
    a formula gets a single quote in front. The spreadsheet then reads the cell as text: the quote
    shows, the formula never runs. Only text from data goes through here: numbers and dates that
    the format itself writes stay as they are, so a negative score still reads -12,5 and sums in
    the sheet (a number cannot carry a formula). (CSV only: XLSX types its cells, see .writer.)"""
    return "'" + text if starts_formula(text) else text
