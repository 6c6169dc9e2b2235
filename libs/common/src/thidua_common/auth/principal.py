from enum import StrEnum

from pydantic import BaseModel


class Role(StrEnum):
    unit_reporter = "unit_reporter"
    unit_leader = "unit_leader"
    cluster_head = "cluster_head"
    board_officer = "board_officer"
    council_member = "council_member"
    chairperson = "chairperson"
    auditor = "auditor"
    system = "system"  # another system integrating over the API


class Principal(BaseModel):
    """Who is calling: from a verified token or API key, never from the request body."""

    subject: str
    tenant: str
    roles: frozenset[Role]
    unit_id: str | None = None  # the unit the caller acts for (unit roles)
    kind: str = "user"

    def has_any(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def unit_scoped(self) -> bool:
        """An API key limited to one unit (auth/api_keys.py): it acts for `unit_id` only, as that
        unit's reporter would, even with the system role."""
        return self.kind == "system" and self.unit_id is not None
