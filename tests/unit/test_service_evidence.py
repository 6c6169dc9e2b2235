"""Evidence files (issue 10) at the service layer, with the fake unit of work: who uploads and
reads a unit's evidence, and a submission naming uploaded files carries what was stored."""

import pytest

from thidua_common.auth import Role
from thidua_common.contracts.submission import EvidenceLink
from thidua_common.errors import Forbidden, Invalid, TooLarge, Unsupported
from thidua_intake.evidence import service as evidence

from .service_fixtures import CAMPAIGN, TENANT, UNIT, fresh_uow, store_campaign, sub, submit, who

SHA = "ab" * 32


@pytest.fixture
async def uow():
    uow = fresh_uow()
    await store_campaign(uow)
    await uow.db["evidence.files"].insert_one(
        {
            "_id": "ev-1",
            "filename": "bao-cao.pdf",
            "metadata": {"tenant": TENANT, "campaign_id": CAMPAIGN, "unit_id": UNIT, "sha256": SHA, "size": 1234,
                         "file_name": "bao-cao.pdf", "content_type": "application/pdf"},
        }
    )
    return uow


async def test_a_submission_naming_an_uploaded_file_carries_its_stored_sha256(uow):
    # what the client claims about the file is replaced by what intake stored
    body = sub().model_copy(update={"evidence": [EvidenceLink(evidence_id="ev-1", size=1, description="Báo cáo"),
                                                 EvidenceLink(url="https://vanban.test/a.pdf", size=5, file_name="x")]})
    submission_id, _, _ = await submit(uow, body)
    stored = await uow.db.submissions.find_one({"_id": submission_id})
    uploaded, linked = stored["evidence"]
    assert (uploaded["sha256"], uploaded["size"], uploaded["file_name"]) == (SHA, 1234, "bao-cao.pdf")
    assert uploaded["description"] == "Báo cáo" and linked["sha256"] is None
    assert (linked["size"], linked["file_name"]) == (None, None)  # only stored files have them
    [event] = uow.events()
    assert event["data"]["evidence"][0]["sha256"] == SHA


@pytest.mark.parametrize("unit", [UNIT, "huyen-dak-mil"], ids=["unknown id", "another unit's file"])
async def test_a_submission_naming_unknown_evidence_is_refused_naming_the_entry(uow, unit):
    evidence_id = "khong-co" if unit == UNIT else "ev-1"
    body = sub(unit=unit).model_copy(update={"evidence": [EvidenceLink(evidence_id=evidence_id)]})
    with pytest.raises(Invalid) as refused:
        await submit(uow, body)
    assert [e.field for e in refused.value.errors] == ["evidence.0.evidence_id"]
    assert uow.events() == []


def test_a_unit_uploads_only_for_itself_and_the_board_for_any():
    evidence.check_may_upload(who(Role.unit_reporter, unit=UNIT), UNIT)
    evidence.check_may_upload(who(Role.board_officer), UNIT)
    with pytest.raises(Forbidden):
        evidence.check_may_upload(who(Role.unit_reporter, unit="huyen-dak-mil"), UNIT)
    with pytest.raises(Forbidden):
        evidence.check_may_upload(who(Role.unit_leader), UNIT)  # a unit role without a unit


async def test_the_unit_its_cluster_heads_the_board_and_the_auditor_read_its_evidence(uow):
    for reader in (
        who(Role.unit_reporter, unit="huyen-dak-mil"),
        who(Role.board_officer),
        who(Role.auditor),
        who(Role.cluster_head, unit="huyen-krong-no"),  # heads khoi-huyen in 2019 only
        who(Role.cluster_head, unit="huyen-cu-jut"),  # heads it in 2018
    ):
        await evidence.check_may_read(uow.db, reader, CAMPAIGN, "huyen-dak-mil")
    for stranger in (
        who(Role.unit_reporter, unit="so-noi-vu"),
        who(Role.cluster_head, unit="so-noi-vu"),  # a unit of another cluster
    ):
        with pytest.raises(Forbidden):
            await evidence.check_may_read(uow.db, stranger, CAMPAIGN, "huyen-dak-mil")


async def test_a_list_shows_only_the_units_evidence_of_the_tenant(uow):
    await uow.db["evidence.files"].insert_one(
        {"_id": "ev-other-tenant", "metadata": {"tenant": "lamdong", "campaign_id": CAMPAIGN, "unit_id": UNIT}}
    )
    assert await evidence.find(uow.db, TENANT, CAMPAIGN, UNIT, "ev-1") is not None
    assert await evidence.find(uow.db, TENANT, CAMPAIGN, UNIT, "ev-other-tenant") is None
    assert await evidence.find(uow.db, TENANT, CAMPAIGN, "huyen-dak-mil", "ev-1") is None


# -- the upload, with a fake GridFS bucket -----------------------------------------------------------
PDF = b"%PDF-1.7\n" + b"x" * 600


class FakeUpload:
    def __init__(self, content: bytes):
        self._content, self._at = content, 0

    async def read(self, size: int = -1) -> bytes:
        end = len(self._content) if size < 0 else self._at + size
        chunk, self._at = self._content[self._at : end], min(end, len(self._content))
        return chunk


class FakeStream:
    def __init__(self, bucket: "FakeBucket", file_id: str, name: str):
        self.bucket, self.file_id, self.name = bucket, file_id, name
        self.data, self.fields, self.state = b"", {}, "open"

    async def write(self, chunk: bytes) -> None:
        self.data += chunk

    async def set(self, name: str, value) -> None:
        self.fields[name] = value

    async def close(self) -> None:
        self.state = "closed"
        self.bucket.files[self.file_id] = self

    async def abort(self) -> None:
        self.state = "aborted"


class FakeBucket:
    def __init__(self):
        self.streams: list[FakeStream] = []
        self.files: dict[str, FakeStream] = {}

    def open_upload_stream_with_id(self, file_id: str, name: str) -> FakeStream:
        self.streams.append(FakeStream(self, file_id, name))
        return self.streams[-1]


@pytest.fixture
def gridfs(monkeypatch):
    fake = FakeBucket()
    monkeypatch.setattr(evidence, "bucket", lambda db: fake)
    return fake


async def _upload(uow, content: bytes, limit: int = 10_000, sha256: str | None = None, unit: str = UNIT):
    reporter = who(Role.unit_reporter, unit=UNIT)
    return await evidence.upload(uow, reporter, CAMPAIGN, unit, FakeUpload(content), "a.pdf", limit, sha256)


async def test_an_upload_is_stored_with_its_counted_sha256_and_audited(uow, gridfs):
    import hashlib

    stored = await _upload(uow, PDF, sha256=hashlib.sha256(PDF).hexdigest())
    assert (stored.sha256, stored.size, stored.content_type) == (hashlib.sha256(PDF).hexdigest(), len(PDF), "application/pdf")
    [stream] = gridfs.streams
    assert stream.state == "closed" and stream.data == PDF
    meta = stream.fields["metadata"]
    assert (meta["tenant"], meta["unit_id"], meta["sha256"], meta["size"]) == (TENANT, UNIT, stored.sha256, len(PDF))
    [audited] = uow.audit_only()
    assert audited["type"] == "vn.thidua.evidence.uploaded.v1"


@pytest.mark.parametrize(
    ("limit", "sha256", "refusal"),
    [(100, None, TooLarge), (10_000, "0" * 64, Invalid)],
    ids=["over the limit", "wrong sha256"],
)
async def test_a_refused_upload_is_aborted_and_not_audited(uow, gridfs, limit, sha256, refusal):
    with pytest.raises(refusal):
        await _upload(uow, PDF, limit=limit, sha256=sha256)
    assert [s.state for s in gridfs.streams] == ["aborted"] and gridfs.files == {}
    assert uow.audit_only() == []


async def test_a_disguised_file_or_another_units_upload_stores_nothing(uow, gridfs):
    with pytest.raises(Unsupported):
        await _upload(uow, b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(Forbidden):
        await _upload(uow, PDF, unit="huyen-dak-mil")
    assert gridfs.streams == [] and uow.audit_only() == []
