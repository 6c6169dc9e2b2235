"""Notification outcomes: a delivery that failed after every retry goes to the notify
dead-letter topic as this event."""

from pydantic import BaseModel, ConfigDict


class NotificationFailed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cause_event_id: str
    cause_event_type: str
    channel: str
    recipient: str
    attempts: int
    last_error: str
