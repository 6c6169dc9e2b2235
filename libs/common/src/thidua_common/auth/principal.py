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
