"""Checks of a commendation configuration that its models cannot word in the reader's language.
Pure: no I/O."""

from thidua_common.auth import Role
from thidua_common.errors import FieldError

from .models import ConfigWrite


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
