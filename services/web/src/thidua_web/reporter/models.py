"""The reporter's pages built from the APIs' answers: pure functions, no I/O.

- the periods of a campaign and, for each, what the unit does next (from the latest submission);
- the leaves a unit reports (labels from the criteria tree, bounds, default targets);
- numbers typed the Vietnamese way ("1.234,5") or the plain way ("1234.5");
- the targets that apply to a period; the score lines of one submission.
"""

import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from thidua_common.contracts.period import PERIOD, periods_between
from thidua_common.i18n.format import format_period
from thidua_common.ids import is_id

REVIEWER_RATING = "reviewer_rating"  # leaves reviewers rate: never typed by the unit
_PERIOD = re.compile(PERIOD)
# 1.234 / 12.345.678 (vi) or 1,234 (en): only thousands, never a decimal part of three digits
_GROUPED = {"vi": re.compile(r"^[1-9]\d{0,2}(\.\d{3})+$"), "en": re.compile(r"^[1-9]\d{0,2}(,\d{3})+$")}
_PLAIN = re.compile(r"^\d+(\.\d+)?$|^\.\d+$")


def is_period(value: str) -> bool:
    return bool(_PERIOD.fullmatch(value))


def valid_id(value: str) -> bool:
    return is_id(value)


# -- numbers --------------------------------------------------------------------------------------------
def parse_number(text: str, lang: str = "vi") -> float:
    """A number as people type it: «1.234,5», «1234,5», «1 234,5» and «1234.5» (vi); «1,234.5»
    (en). With both separators the last one is the decimal mark; with one kind only, a comma is
    the decimal mark in Vietnamese and a dot followed by groups of three digits («1.234») groups
    thousands. Raises ValueError for anything else (letters, two decimal marks, inf, nan)."""
    raw = "".join(text.split())  # spaces, NBSP and the narrow NBSP used as thousands separators
    sign = -1.0 if raw.startswith("-") else 1.0
    body = raw[1:] if raw[:1] in "+-" else raw
    if not body:
        raise ValueError("empty")
    if "," in body and "." in body:
        decimal = "," if body.rfind(",") > body.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        whole, _, fraction = body.rpartition(decimal)
        if not re.fullmatch(r"[1-9]\d{0,2}(" + re.escape(thousands) + r"\d{3})+|\d{1,3}", whole):
            raise ValueError(text)
        body = whole.replace(thousands, "") + "." + fraction
    elif _GROUPED["vi" if lang != "en" else "en"].fullmatch(body):
        body = body.replace("." if lang != "en" else ",", "")
    elif "," in body:
        if lang == "en" or body.count(",") > 1:
            raise ValueError(text)
        body = body.replace(",", ".")
    if not _PLAIN.fullmatch(body):
        raise ValueError(text)
    value = sign * float(body)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def typed(value: float | None, lang: str = "vi") -> str:
    """A number as an input shows it, so that parse_number reads it back: «1234,5» (vi), "1234.5"
    (en); no thousands separator (the input is type=text with inputmode=decimal)."""
    if value is None:
        return ""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang != "en" else text


# -- the criteria a unit reports ------------------------------------------------------------------------
@dataclass
class Leaf:
    id: str
    name: str
    path: list[str]  # names of the groups above it
    unit_of_measure: str
    direction: str
    target: float | None
    min_value: float
    max_value: float
    max_points: float


def _name(node: dict[str, Any], lang: str) -> str:
    return str((node.get("name_en") if lang == "en" else None) or node.get("name_vi") or node.get("id"))


def reported_leaves(criteria: list[dict[str, Any]], lang: str = "vi") -> list[Leaf]:
    """The leaves of the criteria tree a unit reports (not those reviewers rate), in tree order."""
    out: list[Leaf] = []

    def walk(nodes: list[dict[str, Any]], path: list[str]) -> None:
        for node in nodes:
            children = node.get("children") or []
            if children:
                walk(children, [*path, _name(node, lang)])
            elif node.get("scorer", "ratio_to_target") != REVIEWER_RATING:
                out.append(
                    Leaf(
                        id=str(node["id"]),
                        name=_name(node, lang),
                        path=path,
                        unit_of_measure=str(node.get("unit_of_measure") or ""),
                        direction=str(node.get("direction") or "higher"),
                        target=node.get("target"),
                        min_value=float(node.get("min_value", 0)),
                        max_value=float(node.get("max_value", 1e9)),
                        max_points=float(node.get("max_points", 0)),
                    )
                )

    walk(criteria, [])
    return out


def criterion_names(criteria: list[dict[str, Any]], lang: str = "vi") -> dict[str, str]:
    """Every node's id → its name (the values and reasons of a submission name criteria by id)."""
    names: dict[str, str] = {}

    def walk(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            names[str(node["id"])] = _name(node, lang)
            walk(node.get("children") or [])

    walk(criteria)
    return names


# -- periods and what to do ---------------------------------------------------------------------------
def campaign_periods(campaign: dict[str, Any]) -> list[str]:
    start, end = date.fromisoformat(str(campaign["start"])), date.fromisoformat(str(campaign["end"]))
    return periods_between(start, end, str(campaign.get("reporting_frequency") or "quarter"))


def period_label(period: str, lang: str = "vi") -> str:
    """2026-Q1 → «Quý I/2026», 2026-03 → «Tháng 03/2026», 2026 → «Năm 2026»: the platform's one
    way of writing a period (thidua_common.i18n.format_period, as mail and dashboards write it),
    capitalised to head a line."""
    text = format_period(period, lang)
    return text[:1].upper() + text[1:]


# what the unit does next, by the latest submission of a period (the keys of the texts rep_next_*)
REPORT, WAIT, RESUBMIT, APPEAL, APPEALED, LOCKED, UNKNOWN = (
    "report", "wait", "resubmit", "appeal", "appealed", "locked", "unknown",
)  # fmt: skip


def next_steps(latest: dict[str, Any] | None, known: bool = True) -> list[str]:
    """What the unit may do with a period, given its latest submission (an item of intake's
    submission list) or None (nothing sent yet). `known` False: the list could not be read."""
    if not known:
        return [UNKNOWN]
    if latest is None:
        return [REPORT]
    status = latest.get("status")
    appeal = latest.get("appeal")
    if status == "approved":
        return [LOCKED]
    if appeal and appeal.get("status") == "pending":
        return [APPEALED]
    if status == "returned":
        return [RESUBMIT] + ([] if appeal else [APPEAL])
    if status == "rejected":
        return [] if appeal else [APPEAL]
    return [WAIT]


@dataclass
class PeriodRow:
    period: str
    label: str
    submission: dict[str, Any] | None
    steps: list[str]
    started: bool


def period_rows(
    campaign: dict[str, Any], latest: list[dict[str, Any]] | None, today: date, lang: str = "vi"
) -> list[PeriodRow]:
    """One row per period of the campaign. `latest`: intake's latest submission per period for the
    unit (None: unknown)."""
    from thidua_common.contracts.period import period_bounds

    by_period = {str(s.get("period")): s for s in latest or []}
    rows = []
    for period in campaign_periods(campaign):
        sub = by_period.get(period)
        started = period_bounds(period)[0] <= today
        steps = next_steps(sub, latest is not None)
        rows.append(PeriodRow(period, period_label(period, lang), sub, steps, started))
    return rows


# -- targets --------------------------------------------------------------------------------------------
def target_for(registration: dict[str, Any] | None, leaf: Leaf, period: str | None) -> tuple[float | None, str]:
    """The target that applies: the registration's own for the period, else its general one, else
    the campaign's default. Returns (value, source) with source "period", "registered", "default"."""
    targets = (registration or {}).get("targets") or []
    for wanted, source in ((period, "period"), (None, "registered")):
        if wanted is None and source == "period":
            continue  # no period asked: only the general target
        for t in targets:
            if t.get("criterion_id") == leaf.id and t.get("period") == wanted:
                return float(t["value"]), source
    return leaf.target, "default"


# -- a submission's score -------------------------------------------------------------------------------
@dataclass
class ScoreView:
    card: dict[str, Any] | None  # reporting's PeriodCard for this submission (latest revision)
    verified: dict[str, Any] | None
    lines: list[dict[str, Any]] = field(default_factory=list)


def score_of(cards: list[dict[str, Any]], submission_id: str) -> ScoreView:
    """The latest provisional and verified cards reporting computed from this submission (its
    score history of the period holds earlier submissions' too)."""
    mine = [c for c in cards if c.get("submission_id") == submission_id and not c.get("withdrawn")]

    def latest(status: str) -> dict[str, Any] | None:
        found = [c for c in mine if c.get("status") == status]
        return max(found, key=lambda c: c.get("revision", 0)) if found else None

    provisional, verified = latest("provisional"), latest("verified")
    shown = verified or provisional
    lines = [line for line in (shown or {}).get("criteria", []) if line.get("kind") != "group"]
    return ScoreView(provisional, verified, lines)


def progress_of(progress: dict[str, Any] | None, period: str) -> list[dict[str, Any]]:
    """Value against target of every criterion in one period (reporting's progress series)."""
    rows = []
    for criterion in (progress or {}).get("criteria", []):
        for point in criterion.get("series", []):
            if point.get("period") == period:
                rows.append({**point, "criterion_id": criterion.get("criterion_id"),
                             "criterion_name": criterion.get("criterion_name"),
                             "unit_of_measure": criterion.get("unit_of_measure", "")})  # fmt: skip
    return rows


def field_errors(errors: list[dict[str, Any]]) -> dict[str, str]:
    """The API's field errors as field → reason: `values.<criterion>` keeps its name, so that the
    reason is shown next to that criterion's input."""
    out: dict[str, str] = {}
    for error in errors:
        name = str(error.get("field") or "").removeprefix("body.")
        reason = str(error.get("reason") or error.get("message") or "")
        if name and reason:
            out[name] = f"{out[name]} {reason}" if name in out else reason
    return out
