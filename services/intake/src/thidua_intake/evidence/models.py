from datetime import datetime

from pydantic import BaseModel


class EvidenceStored(BaseModel):
    """The answer to an upload: what was stored, as the server counted it."""

    evidence_id: str
    sha256: str
    size: int
    content_type: str
    file_name: str


class EvidencePublic(EvidenceStored):
    uploaded_by: str
    uploaded_at: datetime
