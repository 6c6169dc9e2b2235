"""What a message says (pure): Vietnamese by default, numbers and dates in Vietnamese format."""

from thidua_common.contracts.score import ScoreComputed
from thidua_common.i18n import format_datetime, format_number, format_period, t


def score_message(score: ScoreComputed, unit_name: str, campaign_name: str, criteria_names: dict[str, str], lang="vi"):
    lines = "\n".join(
        f"- {criteria_names.get(c.criterion_id, c.criterion_id)}: {format_number(c.points, 2, lang)}/"
        f"{format_number(c.max_points, 2, lang)} ({c.explanation_en if lang == 'en' else c.explanation_vi})"
        for c in score.criteria
    )
    params = dict(
        unit=unit_name,
        period=format_period(score.period, lang),
        campaign=campaign_name,
        total=format_number(score.total, 2, lang),
        max=format_number(score.max_total, 2, lang),
        time=format_datetime(score.computed_at, lang),
        lines=lines,
    )
    return t("mail.score.subject", lang, **params), t("mail.score.body", lang, **params)
