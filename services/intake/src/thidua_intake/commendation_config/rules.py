"""Checks of a commendation configuration that its models cannot word in the reader's language.
Pure: no I/O."""

from datetime import date

from thidua_common.auth import Role
from thidua_common.errors import FieldError

from .models import ConfigWrite


def holiday_errors(body: ConfigWrite) -> list[FieldError]:
    """A date is one holiday: named twice, which name would the calendar show?"""
    errors: list[FieldError] = []
    seen: set[date] = set()
    for i, holiday in enumerate(body.holidays):
        if holiday.date in seen:
            errors.append(
                FieldError(f"holidays.{i}.date", "commendation.holiday_repeats", {"date": f"{holiday.date:%d/%m/%Y}"})
            )
        seen.add(holiday.date)
    return errors


def role_errors(body: ConfigWrite) -> list[FieldError]:
    """The auditor is read-only everywhere: it neither acts in a stage nor comments; a commenting
    role is named once."""
    errors: list[FieldError] = []
    for a, award in enumerate(body.award_kinds):
        for s, stage in enumerate(award.chain):
            if stage.role == Role.auditor:
                errors.append(FieldError(f"award_kinds.{a}.chain.{s}.role", "commendation.stage_role_auditor"))
        seen: set[Role] = set()
        for r, role in enumerate(award.comment_roles):
            field = f"award_kinds.{a}.comment_roles.{r}"
            if role == Role.auditor:
                errors.append(FieldError(field, "commendation.comment_role_auditor"))
            elif role in seen:
                errors.append(FieldError(field, "commendation.role_repeated", {"role": role.value}))
            seen.add(role)
    return errors
