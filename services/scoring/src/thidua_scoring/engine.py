"""Score a submission against its campaign. Pure: no I/O, deterministic for given inputs."""

from datetime import datetime

from thidua_common.contracts.campaign import CampaignDefined
from thidua_common.contracts.score import CriterionScore, ScoreComputed
from thidua_common.contracts.submission import SubmissionReceived

from .scorers import Scorer


class UnknownScorer(Exception):
    pass


def score_submission(
    campaign: CampaignDefined, submission: SubmissionReceived, scorers: dict[str, Scorer], now: datetime
) -> ScoreComputed:
    lines = []
    for criterion in campaign.criteria:
        scorer = scorers.get(criterion.scorer)
        if scorer is None:
            raise UnknownScorer(criterion.scorer)
        value = submission.values.get(criterion.id)
        result = scorer.score(criterion, value)
        points = max(0.0, min(criterion.max_points, result.points))  # no criterion exceeds its maximum
        lines.append(
            CriterionScore(
                criterion_id=criterion.id,
                scorer=criterion.scorer,
                value=value,
                target=result.target,
                max_points=criterion.max_points,
                points=points,
                formula=result.formula,
                explanation_vi=result.explanation_vi,
                explanation_en=result.explanation_en,
            )
        )
    return ScoreComputed(
        submission_id=submission.submission_id,
        campaign_id=submission.campaign_id,
        unit_id=submission.unit_id,
        period=submission.period,
        criteria_version=campaign.criteria_version,
        total=round(sum(line.points for line in lines), 4),
        max_total=round(sum(c.max_points for c in campaign.criteria), 4),
        criteria=lines,
        submitted_at=submission.submitted_at,
        computed_at=now,
    )
