"""From a row of the file to the body the API takes, and from the API's refusals to errors that
name the row and the column. Pure. The validation itself is the API's: the same pydantic models
(and, in .service, the same service checks), never a second validator."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ValidationError

from thidua_common.errors import FieldError
from thidua_common.http.errors import from_pydantic

from .mapping import fold

NOMINEE_KINDS = {
    "tap the": "collective",
    "collective": "collective",
    "ca nhan": "individual",
    "individual": "individual",
}
VN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass
class RowError:
    """A refusal of one row: its number in the file, the header of the column at fault (None:
    the row as a whole), the field, and the reason (a catalogue key with its parameters)."""

    row: int
    column: str | None
    error: FieldError

    def render(self, lang: str) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, **self.error.render(lang)}


def number(raw: Any) -> Any:
    """A cell as a number: numbers as they are; text in either notation (1.234,5 or 1,234.5 or
    1234,5); anything else unchanged, for the model to refuse."""
    if isinstance(raw, bool) or not isinstance(raw, str):
        return raw
    text = raw.replace(" ", "").replace("\u00a0", "")
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".") if text.rfind(",") > text.rfind(".") else text.replace(",", "")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return raw


def day(raw: Any) -> Any:
    """A cell as a date: real dates as they are; dd/mm/yyyy or ISO text; anything else unchanged."""
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    if isinstance(raw, str) and (m := VN_DATE.match(raw.strip())):
        d, mth, y = (int(g) for g in m.groups())
        try:
            return date(y, mth, d).isoformat()
        except ValueError:
            return raw
    return raw


def text(raw: Any) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))  # a code typed as a number: 101 rather than 101.0
    if isinstance(raw, (datetime, date)):
        return raw.isoformat()
    return str(raw).strip() or None


def cells(headers: list[str], values: list[Any], mapping: dict[str, str | None]) -> dict[str, Any]:
    """field key → the raw cell of the column mapped to it (fields without a column left out)."""
    index = {h: i for i, h in reversed(list(enumerate(headers)))}
    out = {}
    for key, header in mapping.items():
        if header is None or header not in index:
            continue
        i = index[header]
        out[key] = values[i] if i < len(values) else None
    return out


def body_of(kind: str, row: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """The API body a row stands for (before validation), with the import's defaults (the
    campaign, the period, the tenant) where the row has none."""
    if kind == "units":
        return {
            k: v
            for k, v in {
                "name_vi": text(row.get("name_vi")),
                "name_en": text(row.get("name_en")) or "",
                "unit_type": text(row.get("unit_type")),
                "parent_id": text(row.get("parent_id")),
                "email": text(row.get("email")),
            }.items()
            if v is not None
        }
    if kind == "participants":
        found = {
            "unit_id": text(row.get("unit_id")),
            "name_vi": text(row.get("name_vi")),
            "unit_type": text(row.get("unit_type")),
            "cluster_id": text(row.get("cluster_id")),
            "email": text(row.get("email")),
        }
        registered = defaults.get("units", {}).get(found["unit_id"]) or {}
        found["name_vi"] = found["name_vi"] or registered.get("name_vi")
        found["unit_type"] = found["unit_type"] or registered.get("unit_type")
        found["email"] = found["email"] or registered.get("email")
        return {k: v for k, v in found.items() if v is not None}
    if kind == "targets":
        return {
            "criterion_id": text(row.get("criterion_id")),
            "period": text(row.get("period")) or defaults.get("period"),
            "value": number(row.get("value")),
        }
    if kind == "results":
        values = {k.removeprefix("values."): number(v) for k, v in row.items() if k.startswith("values.")}
        return {
            "tenant": defaults["tenant"],
            "campaign_id": defaults["campaign_id"],
            "unit_id": text(row.get("unit_id")),
            "period": text(row.get("period")) or defaults.get("period"),
            "values": {k: v for k, v in values.items() if v is not None},
            "note": text(row.get("note")) or "",
        }
    # awards
    kind_text = text(row.get("nominee_kind"))
    nominee = {
        "kind": NOMINEE_KINDS.get(fold(kind_text), kind_text) if kind_text else None,
        "unit_id": text(row.get("unit_id")),
        "person_name": text(row.get("person_name")),
        "position": text(row.get("position")),
    }
    decision_fields = (row.get("decision_number"), row.get("decision_date"), row.get("signer"))
    decision = None
    if any(v is not None for v in decision_fields):
        decision = {
            "number": text(row.get("decision_number")),
            "date": day(row.get("decision_date")),
            "signer": text(row.get("signer")),
        }
    year = number(row.get("year"))
    return {
        "award_kind": text(row.get("award_kind")),
        "award_name_vi": text(row.get("award_name_vi")),
        "year": int(year) if isinstance(year, float) and year.is_integer() else year,
        "nominee": {k: v for k, v in nominee.items() if v is not None},
        "decision": decision,
    }


# where a body's field comes from in the row (the body's location → the import field)
BODY_FIELD = {
    ("nominee", "kind"): "nominee_kind",
    ("nominee", "unit_id"): "unit_id",
    ("nominee", "person_name"): "person_name",
    ("nominee", "position"): "position",
    ("decision", "number"): "decision_number",
    ("decision", "date"): "decision_date",
    ("decision", "signer"): "signer",
}


def field_of(location: str) -> str:
    """The import field a body location (as FieldError names it, e.g. `nominee.unit_id`,
    `values.xa-dat-chuan`, `targets.0.value`) comes from."""
    parts = tuple(p for p in location.split(".") if p and p != "body" and not p.isdigit())
    if len(parts) >= 2 and (parts[0], parts[1]) in BODY_FIELD:
        return BODY_FIELD[(parts[0], parts[1])]
    if parts and parts[0] == "values" and len(parts) > 1:
        return f"values.{parts[1]}"
    if parts and parts[0] == "targets" and len(parts) > 1:
        return parts[1]
    return parts[-1] if parts else ""


def validate(model: type[BaseModel], body: dict[str, Any]) -> tuple[BaseModel | None, list[FieldError]]:
    """The body through the API's own model: (the model, []) or (None, the field errors)."""
    try:
        return model.model_validate(body), []
    except ValidationError as exc:
        return None, [from_pydantic(e) for e in exc.errors()]


def row_errors(row: int, errors: list[FieldError], mapping: dict[str, str | None]) -> list[RowError]:
    """The errors of one row, each naming the column (the header mapped to the field at fault)."""
    out = []
    for e in errors:
        key = field_of(e.field)
        out.append(RowError(row, mapping.get(key), FieldError(key or e.field, e.key, e.params)))
    return out
