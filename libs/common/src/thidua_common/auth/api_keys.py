"""API keys of other systems, configured by digest only.

THIDUA_API_KEYS is a JSON list, one object per key:

    [{"name": "he-thong-so-lieu", "hash": "sha256:<64 hex>", "tenant": "daknong",
      "roles": ["system"], "unit": "huyen-cu-jut", "expires": "2027-06-30T00:00:00+07:00"}]

- name: who the key belongs to; the actor recorded for everything done with it (a key is never
  named by a part of itself);
- hash: SHA-256 of the key. Keys are 256 random bits (`thidua-api-key` makes them), so a fast hash
  is enough: there is nothing to guess. A configuration, a backup or a log that leaks holds no key;
- roles: at least one (default ["system"]);
- unit (optional): the key acts for that one unit only, as a unit's reporter would, whatever its
  roles: only with the roles system, unit_reporter, unit_leader;
- expires (optional, with a time zone): refused from then on.

Scoring and notify have no HTTP API and take no API keys (thidua_common.startup refuses them)."""

import hashlib
import json
import secrets
from functools import lru_cache
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from ..ids import ID
from .principal import Role

HASH_PATTERN = r"^sha256:[0-9a-f]{64}$"
KEY_PREFIX = "thidua_"
UNIT_SCOPED_ROLES = frozenset({Role.system, Role.unit_reporter, Role.unit_leader})


class ApiKeyConfigError(ValueError):
    """THIDUA_API_KEYS cannot be used; the message names the entry and field, never a value."""


class ApiKeyGrant(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=ID, description="the actor recorded for the key's changes")
    hash: str = Field(pattern=HASH_PATTERN, description="sha256:<hex digest of the key>")
    tenant: str = Field(pattern=ID)
    roles: tuple[Role, ...] = Field((Role.system,), min_length=1)
    unit: str | None = Field(None, pattern=ID, description="the one unit the key acts for")
    expires: AwareDatetime | None = None

    @model_validator(mode="after")
    def _unit_scope_fits_the_roles(self) -> "ApiKeyGrant":
        if self.unit is not None and not set(self.roles) <= UNIT_SCOPED_ROLES:
            raise ValueError("a unit-scoped key may only hold the roles system, unit_reporter, unit_leader")
        return self


_GRANTS = TypeAdapter(list[ApiKeyGrant])


def digest(key: str) -> str:
    return "sha256:" + hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()


@lru_cache(maxsize=8)
def load_api_keys(raw: str) -> dict[str, ApiKeyGrant]:
    """The configured keys by digest. Raises ApiKeyConfigError for anything else, including the
    old plain-text form `key=tenant:roles`, which put the keys themselves in the configuration."""
    if not raw.strip():
        return {}
    try:
        parsed = json.loads(raw)
    except ValueError:
        raise ApiKeyConfigError(
            "THIDUA_API_KEYS is not JSON: it must be a JSON list of {name, hash, tenant, roles, unit?, expires?} "
            "(plain-text keys are no longer accepted; make keys with thidua-api-key)"
        ) from None
    try:
        grants = _GRANTS.validate_python(parsed)
    except ValidationError as exc:
        where = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(list)'}: {e['type']}" for e in exc.errors(include_input=False)
        )
        raise ApiKeyConfigError(f"THIDUA_API_KEYS has invalid entries ({where})") from None
    by_hash: dict[str, ApiKeyGrant] = {}
    names: set[str] = set()
    for index, grant in enumerate(grants):
        if grant.hash in by_hash or grant.name in names:
            raise ApiKeyConfigError(f"THIDUA_API_KEYS entry {index}: a name or hash given twice")
        by_hash[grant.hash] = grant
        names.add(grant.name)
    return by_hash


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def config_entry(
    key: str, *, name: str, tenant: str, roles: list[str], unit: str | None = None, expires: str | None = None
) -> dict[str, Any]:
    """The THIDUA_API_KEYS entry of a key (validated as the services will)."""
    entry = {"name": name, "hash": digest(key), "tenant": tenant, "roles": roles}
    if unit:
        entry["unit"] = unit
    if expires:
        entry["expires"] = expires
    return ApiKeyGrant.model_validate(entry).model_dump(mode="json", exclude_none=True)
