"""Issue 11: how a sample submission would score under a draft definition (the campaign editor's
«Xem thử điểm»). Pure: no I/O. The draft is checked as intake checks a campaign (the shared
contract models and criteria_check, strict) and the sample is scored by the very functions that
score real submissions (engine.resolve_targets, engine.score_cohort), so a preview can never
disagree with the score a unit would get for the same values in a cohort of its own."""

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from thidua_common.contracts.campaign import CampaignDefined, Criterion, leaves_of
from thidua_common.contracts.criteria_check import criteria_problems, walk
from thidua_common.contracts.registration import RegistrationChanged, Target
from thidua_common.errors import FieldError, Invalid
from thidua_common.http.errors import catalogue_error, from_pydantic
from thidua_common.i18n import Localized, format_number

from .engine import UnitState, resolve_targets, score_cohort
from .scorers import Scorer

SAMPLE_UNIT = "sample"
PREVIEW_ID = "preview"
# the values of a preview are a sample's, one per leaf: a campaign has at most 500 criteria
MAX_VALUES = 500

NonNegative = Annotated[float, Field(ge=0)]


class PreviewRequest(BaseModel):
    """Body of POST /api/v1/preview: a definition's criteria tree and cap (as in intake's PUT
    /api/v1/campaigns/{id}) and a sample: a value per leaf (a reviewer's rating is the value of
    its leaf) and, optionally, the unit's own target per leaf (else the criterion's target)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    criteria: list[Criterion] = Field(min_length=1, max_length=500)
    max_total: float | None = Field(None, gt=0)
    values: dict[str, float] = Field({}, max_length=MAX_VALUES, description="leaf criterion id → sample value")
    targets: dict[str, NonNegative] = Field({}, max_length=MAX_VALUES, description="leaf id → the unit's target")

    @model_validator(mode="after")
    def distinct_ids(self) -> "PreviewRequest":
        ids = [node.id for _, node in walk(self.criteria)]
        seen: set[str] = set()
        for i in ids:
            if i in seen:
                raise catalogue_error("campaign.duplicate_criterion", id=i)
            seen.add(i)
        return self


class PreviewLine(BaseModel):
    criterion_id: str
    parent_id: str | None
    kind: str = Field(description="leaf or group")
    name: str = Field(description="the criterion's name in the caller's language")
    scorer: str | None
    value: float | None
    target: float | None
    target_source: str | None = Field(description="sample, criterion or none")
    points: float
    max_points: float
    formula: str
    explanation: str = Field(description="how the points were computed, in the caller's language")


class PreviewAnswer(BaseModel):
    total: float
    max_total: float
    criteria: list[PreviewLine]


def parse(raw: bytes) -> PreviewRequest:
    """The body as a request, or Invalid naming each field at fault (catalogue messages)."""
    try:
        return PreviewRequest.model_validate_json(raw)
    except ValidationError as exc:
        raise Invalid("request.invalid", [from_pydantic(e) for e in exc.errors()]) from None


def check(request: PreviewRequest, scorers: dict[str, Scorer]) -> None:
    """Refuse what intake would refuse in a definition (strict: an unknown scorer names the
    criterion's `scorer` field) and sample values that are not a leaf's or outside its range."""
    param_models = {name: s.Params for name, s in scorers.items() if getattr(s, "Params", None)}
    # a scorer installed without a parameter model takes no parameters it checks: known all the same
    known = {name: param_models.get(name, _AnyParams) for name in scorers}
    problems = criteria_problems(request.criteria, known, strict=True, max_total=request.max_total)
    leaves = {leaf.id: leaf for leaf in leaves_of(request.criteria)}
    groups = {node.id for _, node in walk(request.criteria) if not node.is_leaf}
    for field, given in (("values", request.values), ("targets", request.targets)):
        for key, value in given.items():
            if key in groups:
                problems.append(FieldError(f"{field}.{key}", "preview.group_value", {"id": key}))
            elif key not in leaves:
                problems.append(FieldError(f"{field}.{key}", "criterion.unknown", {"id": key}))
            elif field == "values" and not leaves[key].min_value <= value <= leaves[key].max_value:
                leaf = leaves[key]
                problems.append(
                    FieldError(
                        f"values.{key}",
                        "value.range",
                        {"value": _n(value), "min": _n(leaf.min_value), "max": _n(leaf.max_value)},
                    )
                )
    if problems:
        raise Invalid("request.invalid", problems)


def preview(request: PreviewRequest, scorers: dict[str, Scorer], lang: str) -> PreviewAnswer:
    """Score the sample as the engine scores one unit alone in its cluster."""
    check(request, scorers)
    campaign = CampaignDefined(
        campaign_id=PREVIEW_ID,
        revision=1,
        name_vi=PREVIEW_ID,
        launched_by=PREVIEW_ID,
        start=date(2000, 1, 1),
        end=date(2000, 12, 31),
        criteria_version=1,
        criteria=request.criteria,
        max_total=request.max_total,
    )
    registration = RegistrationChanged(
        campaign_id=PREVIEW_ID,
        unit_id=SAMPLE_UNIT,
        revision=1,
        targets=[Target(criterion_id=k, value=v) for k, v in request.targets.items()],
    )
    targets = resolve_targets(campaign, registration, "2000")
    unit = UnitState(SAMPLE_UNIT, dict(request.values), targets)
    result = score_cohort(campaign, [unit], scorers)[SAMPLE_UNIT]
    names = {node.id: node for _, node in walk(request.criteria)}
    return PreviewAnswer(
        total=result.total,
        max_total=result.max_total,
        criteria=[_line(line, names[line["criterion_id"]], lang) for line in result.lines],
    )


def _line(line: dict[str, Any], node: Criterion, lang: str) -> PreviewLine:
    source = line.get("target_source")
    return PreviewLine(
        criterion_id=line["criterion_id"],
        parent_id=line.get("parent_id"),
        kind=line["kind"],
        name=(node.name_en or node.name_vi) if lang == "en" else node.name_vi,
        scorer=line.get("scorer"),
        value=line.get("value"),
        target=line.get("target"),
        # the sample's own target stands where a registration's would
        target_source="sample" if source and source.startswith("registration") else source,
        points=line["points"],
        max_points=line["max_points"],
        formula=line.get("formula") or "",
        explanation=line["explanation_en"] if lang == "en" else line["explanation_vi"],
    )


class _AnyParams(BaseModel):
    model_config = ConfigDict(extra="allow")


def _n(value: float) -> Localized:
    return Localized(lambda lang: format_number(value, 4, lang))
