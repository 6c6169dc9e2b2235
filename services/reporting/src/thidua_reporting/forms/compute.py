"""The forms' figures from reporting's read models (pure: documents in, a table out).

0601.N counts the campaigns (phong trào) launched in the year (start date in the year, drafts left
out): rows by scope, duration and method, columns by launching level. 0602.N and 0603.N count the
awards decided in the year (decision date in the year) of the state level and of the
ministry/province level: rows by recipient type and basis, columns by form of award, each split
into Tập thể (collective nominees) and Cá nhân (individuals). An award whose kind carried no level
when decided is on neither form (`unclassified` says how many)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from .layout import AWARD_LEVEL, FORMS, Form

PAIR = ("collective", "individual")


@dataclass
class Item:
    """One counted thing: the row keys it falls in and its column."""

    rows: frozenset[str]
    group: str
    kind: str | None = None  # collective / individual (paired forms)


@dataclass
class Table:
    form: Form
    year: int
    columns: list[tuple[str, str | None]]  # ("total", None), (group, None) or (group, kind)
    cells: list[list[int]]  # per form.rows, per column (a heading row holds zeros)
    unclassified: int = 0
    counted: int = 0
    notes: list[str] = field(default_factory=list)

    def value(self, row_code: str, column: int) -> int:
        i = next(i for i, r in enumerate(self.form.rows) if r.code == row_code)
        return self.cells[i][column]


def columns_of(form: Form) -> list[tuple[str, str | None]]:
    cols: list[tuple[str, str | None]] = [("total", None)]
    for g in form.groups:
        if form.paired:
            cols += [(g.key, k) for k in PAIR]
        else:
            cols.append((g.key, None))
    return cols


def tabulate(form: Form, year: int, items: list[Item], unclassified: int = 0) -> Table:
    cols = columns_of(form)
    index = {c: i for i, c in enumerate(cols)}
    cells = [[0] * len(cols) for _ in form.rows]
    for item in items:
        col = index.get((item.group, item.kind if form.paired else None))
        if col is None:  # a form not on this form's columns: "other"
            col = index[("form:other", item.kind)]
        for r, row in enumerate(form.rows):
            if row.code is None:
                continue
            if row.key is None or row.key in item.rows:
                cells[r][col] += 1
                cells[r][0] += 1
    return Table(form, year, cols, cells, unclassified=unclassified, counted=len(items))


# -- 0601.N ---------------------------------------------------------------------------------
def duration_class(start: date, end: date) -> str:
    """Thời gian thực hiện: whole months from the start to the day after the end (a campaign from
    1 January to 31 December lasts exactly 12 months, "1 năm")."""
    after = end + timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    exact = after.day == start.day
    if after.day < start.day:
        months -= 1
    if months < 12:
        return "lt1"
    if months == 12 and exact:
        return "1"
    if months < 36:
        return "1to3"
    if months < 60:
        return "3to5"
    return "ge5"


def campaign_items(campaigns: list[dict], year: int) -> list[Item]:
    items = []
    for c in campaigns:
        if c.get("status") == "draft":
            continue
        start, end = date.fromisoformat(c["start"]), date.fromisoformat(c["end"])
        if start.year != year:
            continue
        rows = {
            f"scope:{c.get('scope') or 'ministry_province'}",
            f"duration:{duration_class(start, end)}",
            f"kind:{c.get('kind') or 'regular'}",
        }
        items.append(Item(frozenset(rows), f"level:{c.get('launch_level') or 'ministry_province'}"))
    return items


def form_0601(campaigns: list[dict], year: int) -> Table:
    return tabulate(FORMS["0601"], year, campaign_items(campaigns, year))


# -- 0602.N / 0603.N ----------------------------------------------------------------------------
def award_items(awards: list[dict], year: int, level: str) -> tuple[list[Item], int]:
    items, unclassified = [], 0
    for a in awards:
        if date.fromisoformat(a["decision"]["date"]).year != year:
            continue
        if not a.get("level"):
            unclassified += 1
            continue
        if a["level"] != level:
            continue
        kind = a["nominee"]["kind"]
        recipient = a.get("recipient_type") or kind
        rows = {f"recipient:{recipient}", f"basis:{a.get('basis') or 'regular'}"}
        items.append(Item(frozenset(rows), f"form:{a.get('form') or 'other'}", kind))
    return items, unclassified


def award_form(slug: str, awards: list[dict], year: int) -> Table:
    items, unclassified = award_items(awards, year, AWARD_LEVEL[slug])
    return tabulate(FORMS[slug], year, items, unclassified)


def compute(slug: str, year: int, campaigns: list[dict], awards: list[dict]) -> Table:
    if slug == "0601":
        return form_0601(campaigns, year)
    return award_form(slug, awards, year)
