"""What a message says (pure): Vietnamese by default, numbers and dates in Vietnamese format."""

from thidua_common.contracts.nomination import AwardDecided, Nominee, NominationOverdue
from thidua_common.contracts.score import ScoreComputed
from thidua_common.i18n import format_date, format_datetime, format_number, format_period, t


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


# -- nominations ------------------------------------------------------------------------------
# The overdue event names the stage by its configured id; the usual ids read as these words.
STAGE_NAMES_VI = {
    "intake": "tiếp nhận hồ sơ",
    "tiep-nhan": "tiếp nhận hồ sơ",
    "vetting": "thẩm định hồ sơ",
    "tham-dinh": "thẩm định hồ sơ",
    "disclosure": "công khai lấy ý kiến",
    "cong-khai": "công khai lấy ý kiến",
    "council": "Hội đồng Thi đua – Khen thưởng xét, bỏ phiếu",
    "council_vote": "Hội đồng Thi đua – Khen thưởng xét, bỏ phiếu",
    "vote": "Hội đồng Thi đua – Khen thưởng xét, bỏ phiếu",
    "hoi-dong": "Hội đồng Thi đua – Khen thưởng xét, bỏ phiếu",
    "decision": "trình Chủ tịch UBND quyết định",
    "quyet-dinh": "trình Chủ tịch UBND quyết định",
    "signing": "trình ký quyết định",
}


def nominee_label(nominee: Nominee, unit_name: str | None = None, lang: str = "vi") -> str:
    unit = unit_name or nominee.unit_id
    if nominee.kind == "individual" and nominee.person_name:
        position = f", {nominee.position}" if nominee.position else ""
        return f"{'ông/bà' if lang == 'vi' else ''} {nominee.person_name}{position} ({unit})".strip()
    return f"{'tập thể' if lang == 'vi' else 'the collective'} {unit}"


def overdue_message(alert: NominationOverdue, unit_name: str | None = None, lang: str = "vi") -> tuple[str, str]:
    params = dict(
        nominee=nominee_label(alert.nominee, unit_name, lang),
        unit=unit_name or alert.nominee.unit_id,
        award=alert.award_name_vi,
        stage=STAGE_NAMES_VI.get(alert.stage, alert.stage) if lang == "vi" else alert.stage,
        days=alert.overdue_working_days,
        due=format_date(alert.due_on, lang),
        nomination=alert.nomination_id,
        escalate=", ".join(alert.escalate_to) or "—",
    )
    return t("mail.nomination_overdue.subject", lang, **params), t("mail.nomination_overdue.body", lang, **params)


def award_message(award: AwardDecided, unit_name: str, lang: str = "vi") -> tuple[str, str]:
    params = dict(
        unit=unit_name,
        nominee=nominee_label(award.nominee, unit_name, lang),
        award=award.award_name_vi,
        decision=award.decision.number,
        date=format_date(award.decision.date, lang),
        signer=award.decision.signer,
        year=award.year,
    )
    return t("mail.award.subject", lang, **params), t("mail.award.body", lang, **params)
