"""The scorers a campaign's leaf criteria may name, with the parameters each accepts.

Intake learns them from the `thidua.scorer_params` entry points (thidua-common declares the
built-in ones; a province's scorer package declares its own), loading only the parameter models:
intake never imports a scorer or the scoring service (see thidua_common.contracts.scorer_params)."""

from functools import cache

from fastapi import APIRouter
from pydantic import BaseModel, Field

from thidua_common.contracts.criteria_check import criteria_problems
from thidua_common.contracts.scorer_params import installed_param_models
from thidua_common.errors import Invalid
from thidua_common.http import CurrentPrincipal

from .models import CampaignWrite

router = APIRouter(prefix="/api/v1/scorers", tags=["campaigns / phong trào"])


@cache
def param_models() -> dict[str, type[BaseModel]]:
    return installed_param_models()


def check_definition(body: CampaignWrite) -> None:
    """422 naming each criterion and parameter that scoring could not use (issue 8: a definition
    accepted here must never stop scoring)."""
    problems = criteria_problems(body.criteria, param_models())
    if problems:
        raise Invalid("request.invalid", problems)


class ScorerInfo(BaseModel):
    name: str = Field(description="the value of a leaf criterion's `scorer`")
    description: str = Field(description="what the scorer's parameters are (from the parameter model)")
    params_schema: dict = Field(description="JSON Schema of the leaf's `params` for this scorer")


def scorers() -> list[ScorerInfo]:
    return [
        ScorerInfo(name=name, description=(model.__doc__ or "").strip(), params_schema=model.model_json_schema())
        for name, model in param_models().items()
    ]


# the answer itself is the example in the OpenAPI document: each scorer's parameter schema is
# readable at /docs without calling the API
@router.get("", responses={200: {"content": {"application/json": {"example": [s.model_dump() for s in scorers()]}}}})
async def list_scorers(principal: CurrentPrincipal) -> list[ScorerInfo]:
    """Every installed scorer with the JSON Schema of its parameters (`criteria[].params`); a
    campaign naming another scorer, or parameters outside the schema, is refused with 422."""
    return scorers()
