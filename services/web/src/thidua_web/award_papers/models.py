"""The decision batch and calibration pages' logic, free of I/O."""

from typing import Any

FIELDS = ("recipient", "position_unit", "achievement", "decision", "place_date", "signer_title", "signer_name")
BOX_KEYS = ("x_mm", "y_mm", "width_mm", "font_pt")
BLANKS = ("bang-khen", "giay-khen")


def at_decision(nominations: list[dict[str, Any]], config: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Open nominations waiting at their chain's decision stage (what a decision batch takes)."""
    stages = {
        a.get("id"): {s.get("id") for s in a.get("chain") or [] if s.get("kind") == "decision"}
        for a in (config or {}).get("award_kinds") or []
    }
    return [
        n
        for n in nominations
        if n.get("status") == "in_progress" and n.get("stage") in stages.get(n.get("award_kind"), set())
    ]


def batch_body(form: dict[str, Any], chosen: list[str]) -> dict[str, Any]:
    body: dict[str, Any] = {"request_id": str(form.get("request_id") or ""), "nomination_ids": chosen}
    if form.get("date"):
        body["date"] = str(form["date"])
    if str(form.get("subject_vi") or "").strip():
        body["subject_vi"] = str(form["subject_vi"]).strip()
    return body


def paper_links(decision_id: str) -> dict[str, str]:
    base = f"/award-decisions/{decision_id}/files"
    return {
        "to_trinh_docx": f"{base}/to-trinh.docx",
        "to_trinh_pdf": f"{base}/to-trinh.pdf",
        "quyet_dinh_docx": f"{base}/quyet-dinh.docx",
        "quyet_dinh_pdf": f"{base}/quyet-dinh.pdf",
        "certificates": f"/award-decisions/{decision_id}/certificates.pdf",
    }


def calibration_body(form: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The calibration typed in the form (numbers with a comma or a dot), and the fields that are
    not numbers (name → the field's form name)."""
    errors: dict[str, str] = {}

    def number(name: str) -> float | None:
        raw = str(form.get(name) or "").strip().replace(",", ".")
        try:
            return float(raw)
        except ValueError:
            errors[name] = name
            return None

    body: dict[str, Any] = {"width_mm": number("width_mm"), "height_mm": number("height_mm"), "fields": {}}
    for field in FIELDS:
        box: dict[str, Any] = {k: number(f"{field}.{k}") for k in BOX_KEYS}
        box["bold"] = form.get(f"{field}.bold") == "on"
        box["italic"] = form.get(f"{field}.italic") == "on"
        body["fields"][field] = box
    return body, errors


def api_errors(errors: list[dict[str, str]]) -> dict[str, str]:
    """reporting's field names ("fields.recipient") → the form's rows ("recipient")."""
    return {str(e.get("field", "")).removeprefix("fields.").split(".")[0]: str(e.get("reason", "")) for e in errors}
