"""The dead-letter reasons table of docs/integration.md: every reason code intake can give an
inbound dead letter, what it means and what the producing system should do. The meaning is the
catalogue's own English message; tests/unit/test_deadletters.py fails when intake can raise a code
that has no row here, and when the table in the docs differs from `markdown()`
(regenerate it with `thidua-deadletters reasons`)."""

from ..i18n.messages import MESSAGES

# what the producing system (or the board) does, by kind of reason
ACTIONS = {
    "fix_event": "The event itself is malformed. Correct it and publish it again (the same `id` may be "
    "reused: a refused event leaves no idempotency record). Nothing to replay.",
    "fix_values": "The event does not fit the campaign (see `errors`: a unit, criterion, period or value). If "
    "the event is wrong, publish a corrected one. If the campaign is wrong or incomplete (unit not a "
    "participant, criterion missing, `max_value` too low), ask the board to fix it; an operator then replays "
    "the dead letter (`thidua-deadletters replay`).",
    "campaign_state": "The campaign does not take this now (not launched or running yet, or closed). Ask the "
    "board; once it is open an operator replays the dead letter.",
    "current_state": "The event contradicts what is already recorded (a decision made, a period approved, "
    "another revision). Do not resend it as is: read the current state through the API and agree with the "
    "board what to send.",
    "idempotency": "The same `source` and `id` were used before for different content. Give new content a new "
    "`id`; resending the first content under its `id` is harmless.",
    "scope": "The system published for a tenant, unit or event kind outside what it was registered for. "
    "Publish only within its scope, or ask the board to extend it (`thidua-systems`).",
    "unexpected": "Not expected from another system's event. Report it to the board with the dead letter's "
    "topic and offset.",
}

REASONS: dict[str, str] = {
    # the inbound edge's own refusals
    "request.bad_json": "fix_event",
    "request.invalid": "fix_values",
    "event.type": "fix_event",
    "request.idempotency_conflict": "idempotency",
    # issue 12 (kafka): tenant, unit or kind outside the system's registered scope
    "scope": "scope",
    # the campaign's lifecycle
    "campaign.not_open": "campaign_state",
    "campaign.closed": "campaign_state",
    "campaign.transition": "campaign_state",
    "registration.not_open": "campaign_state",
    "rating.not_open": "campaign_state",
    "campaign.unknown": "fix_values",
    "campaign.revision_conflict": "current_state",
    "campaign.revision_unknown": "fix_values",
    # the tenant's commendation configuration (holidays for due dates), read when a campaign changes
    "commendation.no_config": "unexpected",
    "commendation.revision_conflict": "current_state",
    # submissions and evidence
    "submission.period_approved": "current_state",
    "evidence.unknown": "fix_values",
    "evidence.empty": "fix_values",
    "evidence.sha256_mismatch": "fix_values",
    "evidence.too_large": "fix_values",
    "evidence.type": "fix_values",
    # reviews, appeals and resubmissions
    "review.decided": "current_state",
    "review.appealed": "current_state",
    "review.superseded": "current_state",
    "appeal.decided": "current_state",
    "appeal.decider_role": "current_state",
    "appeal.last_level": "current_state",
    "appeal.none": "current_state",
    "appeal.not_appealable": "current_state",
    "appeal.once": "current_state",
    "reopen.level": "current_state",
    "reopen.not_approved": "current_state",
    "resubmit.appeal_pending": "current_state",
    "resubmit.not_returned": "current_state",
    "queue.unit_not_led": "current_state",
    # ratings and units
    "rating.no_cluster": "fix_values",
    "rating.not_cluster_lead": "fix_values",
    "rating.not_participant": "fix_values",
    "unit.cycle": "fix_values",
    "auth.read_only": "unexpected",
    # issue 12: inbound kinds — target updates, review decisions and unit register changes
    "registration.unknown": "fix_values",
    "registration.revision_conflict": "current_state",
    "submission.unknown": "fix_values",
    "review.concurrent": "current_state",
    "conflict.own_unit.review": "scope",
    "review.no_cluster": "fix_values",
    "review.not_cluster_lead": "fix_values",
    "review.not_participant": "fix_values",
    "unit.not_found": "fix_values",
    "unit.exists": "current_state",
}

# a reason that is not a catalogue key would say its meaning here (every reason is one today)
MEANINGS: dict[str, str] = {}


def meaning(code: str) -> str:
    entry = MESSAGES.get(code)
    return entry["en"] if entry else MEANINGS.get(code, "")


def markdown() -> str:
    lines = ["| code | meaning (the catalogue's message) | what the producing system should do |", "|---|---|---|"]
    for code, kind in REASONS.items():
        text = meaning(code).replace("|", "\\|").replace("\n", " ")
        lines.append(f"| `{code}` | {text} | {ACTIONS[kind]} |")
    return "\n".join(lines) + "\n"
