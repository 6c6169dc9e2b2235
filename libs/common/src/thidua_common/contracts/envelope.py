"""CloudEvents 1.0 envelope (structured JSON mode). `tenant` and `correlationid` are extension
attributes: CloudEvents requires lower-case alphanumeric extension names."""

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from ..ids import ID
from ..logging import current_correlation_id, new_correlation_id

TENANT_PATTERN = ID  # one pattern for tenant, unit and campaign ids (thidua_common.ids)


class Envelope(BaseModel):
    model_config = ConfigDict(extra="forbid")

    specversion: str = Field("1.0", pattern=r"^1\.0$")
    id: str = Field(min_length=1, max_length=128, description="unique together with source")
    source: str = Field(min_length=1, max_length=256, description="URI-reference of the producer")
    type: str = Field(pattern=r"^vn\.thidua\.[a-z_.]+\.v\d+$", description="versioned event type")
    time: datetime
    subject: str | None = Field(None, max_length=256)
    datacontenttype: str = "application/json"
    tenant: str = Field(pattern=TENANT_PATTERN)
    correlationid: str = Field(min_length=1, max_length=128)
    data: dict[str, Any]
    # issue 12: dead letters — an event republished by `thidua-deadletters replay` carries a new id
    # and names the dead letter's original id here (a CloudEvents extension: lowercase alphanumerics)
    replayof: str | None = Field(
        None, min_length=1, max_length=128, description="the id of the dead-lettered event this one replays"
    )

    @model_serializer(mode="wrap")
    def _without_absent_replayof(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # only replays carry the extension: every other event stays byte for byte as before
        dumped: dict[str, Any] = handler(self)
        if dumped.get("replayof") is None:
            dumped.pop("replayof", None)
        return dumped


def new_event(
    *,
    type: str,
    source: str,
    tenant: str,
    data: BaseModel,
    subject: str | None = None,
    id: str | None = None,
    correlationid: str | None = None,
) -> Envelope:
    return Envelope(
        id=id or str(uuid.uuid4()),
        source=source,
        type=type,
        time=datetime.now(UTC),
        subject=subject,
        tenant=tenant,
        correlationid=correlationid or current_correlation_id() or new_correlation_id(),
        data=data.model_dump(mode="json"),
    )


def deterministic_id(*parts: str) -> str:
    """An event id derived from its cause, so that re-processing re-emits the same id and
    downstream consumers can drop the duplicate."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "thidua:" + "/".join(parts)))
