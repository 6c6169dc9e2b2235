"""View models of the review-reports page, from reporting's answers (pure)."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

SECTIONS = ("situation", "leadership", "assessment", "lessons", "orientation", "proposals")
BOARD_ROLES = ("board_officer", "chairperson", "council_member", "auditor")
WRITERS = ("board_officer", "chairperson")


@dataclass
class Version:
    id: str
    version: int
    created_at: str
    source: str
    filename: str


@dataclass
class ReviewView:
    review_date: date
    kind: str
    periods: list[str]
    state: str  # scheduled | reminded | generated
    number: str | None
    narrative: dict[str, str]
    narrative_version: int
    versions: list[Version] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"review-{self.review_date.isoformat()}"


def state_of(item: dict[str, Any]) -> str:
    if item.get("generated_at"):
        return "generated"
    if item.get("reminded_at"):
        return "reminded"
    return "scheduled"


def reviews(answer: Any) -> list[ReviewView]:
    """reporting's GET /api/v1/campaigns/{cid}/reviews, newest review first; bad items skipped."""
    out = []
    for item in answer if isinstance(answer, list) else []:
        try:
            day = date.fromisoformat(str(item["review_date"]))
        except (KeyError, ValueError, TypeError):
            continue
        versions = [
            Version(
                id=str(d.get("id", "")),
                version=int(d.get("version", 0)),
                created_at=str(d.get("created_at") or ""),
                source=str(d.get("source") or "generated"),
                filename=str(d.get("filename") or ""),
            )
            for d in item.get("documents") or []
            if isinstance(d, dict) and d.get("id")
        ]
        narrative = item.get("narrative") if isinstance(item.get("narrative"), dict) else {}
        out.append(
            ReviewView(
                review_date=day,
                kind="final" if item.get("kind") == "final" else "interim",
                periods=[str(p) for p in item.get("periods") or []],
                state=state_of(item),
                number=item.get("number"),
                narrative={k: str(narrative.get(k) or "") for k in SECTIONS},
                narrative_version=int(item.get("narrative_version") or 0),
                versions=sorted(versions, key=lambda v: -v.version),
            )
        )
    out.sort(key=lambda r: r.review_date, reverse=True)
    return out
