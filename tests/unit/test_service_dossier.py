"""Issue 11: dossier documents uploaded as files, at the service layer with the fake unit of work and
a fake GridFS bucket: intake counts the SHA-256 and size (never the client), refuses empty, too big
and disguised files naming the field, files a nomination only with the required kinds uploaded
(of the nominee's unit), and lets only the nomination's readers download (404 for others)."""

import hashlib

import pytest

from thidua_common.auth import Role
from thidua_common.contracts.nomination import Nominee
from thidua_common.errors import Forbidden, Invalid, NotFound, TooLarge, Unsupported
from thidua_intake.commendation_config import service as config_service
from thidua_intake.commendation_config.models import ConfigWrite
from thidua_intake.nominations import documents as dossier
from thidua_intake.nominations import service as nominations
from thidua_intake.nominations.models import DossierDocumentWrite, NominationWrite
from thidua_intake.nominations.rules import Actor

from .service_fixtures import TENANT, fresh_uow, who
from .test_nomination_rules import CSTD, award

UNIT = "so-noi-vu"
PDF = b"%PDF-1.7\n" + b"x" * 600
PNG = b"\x89PNG\r\n\x1a\n" + b"y" * 300
REQUIRED = ["cover_request", "achievement_report"]
LEADER = Actor("lanh-dao", frozenset({"unit_leader"}), UNIT)


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
        # what GridFS writes: the files document the service looks up
        await self.bucket.db["dossier.files"].insert_one({"_id": self.file_id, "metadata": self.fields["metadata"]})

    async def abort(self) -> None:
        self.state = "aborted"


class FakeDownload:
    def __init__(self, data: bytes):
        self.parts = [data[:100], data[100:]]

    async def readchunk(self) -> bytes:
        return self.parts.pop(0) if self.parts else b""

    async def close(self) -> None:
        pass


class FakeBucket:
    def __init__(self, db):
        self.db = db
        self.streams: list[FakeStream] = []
        self.files: dict[str, FakeStream] = {}

    def open_upload_stream_with_id(self, file_id: str, name: str) -> FakeStream:
        self.streams.append(FakeStream(self, file_id, name))
        return self.streams[-1]

    async def open_download_stream(self, file_id: str) -> FakeDownload:
        return FakeDownload(self.files[file_id].data)

    async def delete(self, file_id: str) -> None:
        self.files.pop(file_id, None)


@pytest.fixture
async def uow():
    uow = fresh_uow()
    config = ConfigWrite(award_kinds=[award(rules=[], required_documents=REQUIRED)])
    await config_service.put(uow, TENANT, config, "can-bo-ban")
    return uow


@pytest.fixture
def gridfs(uow, monkeypatch):
    fake = FakeBucket(uow.db)
    monkeypatch.setattr(dossier, "bucket", lambda db: fake)
    return fake


async def _upload(uow, content: bytes, name: str = "to-trinh.pdf", unit: str | None = None, limit: int = 10_000, **who_):
    principal = who(*(who_.get("roles") or (Role.unit_leader,)), unit=who_.get("own", UNIT))
    return await dossier.upload(uow, principal, unit, FakeUpload(content), name, limit)


def _filing(*documents: DossierDocumentWrite) -> NominationWrite:
    nominee = Nominee(kind="individual", unit_id=UNIT, person_id="nv-01")
    return NominationWrite(award_kind=CSTD, nominee=nominee, year=2024, documents=list(documents))


async def _filed(uow):
    cover = await _upload(uow, PDF, "tờ trình.pdf")
    report = await _upload(uow, PNG, "bao-cao.png")
    docs = [
        DossierDocumentWrite(kind="cover_request", document_id=cover.document_id, sha256="0" * 64, size=1),
        DossierDocumentWrite(kind="achievement_report", document_id=report.document_id),
    ]
    return await nominations.create(uow, TENANT, _filing(*docs), LEADER), cover, report


# -- upload -------------------------------------------------------------------------------------
async def test_an_upload_is_stored_for_the_leaders_unit_with_the_sha256_intake_counted_and_audited(uow, gridfs):
    stored = await _upload(uow, PDF)
    assert (stored.sha256, stored.size) == (hashlib.sha256(PDF).hexdigest(), len(PDF))
    assert (stored.content_type, stored.unit_id, stored.file_name) == ("application/pdf", UNIT, "to-trinh.pdf")
    [stream] = gridfs.streams
    assert stream.state == "closed" and stream.data == PDF
    meta = stream.fields["metadata"]
    assert (meta["tenant"], meta["unit_id"], meta["sha256"], meta["size"]) == (TENANT, UNIT, stored.sha256, len(PDF))
    [audited] = [r for r in uow.audit_only() if r["type"] == "vn.thidua.dossier.uploaded.v1"]
    assert audited["data"]["sha256"] == stored.sha256


@pytest.mark.parametrize(
    ("content", "limit", "refusal", "key"),
    [
        (b"", 10_000, Invalid, "dossier.empty"),
        (b"MZ\x90\x00" + b"\x00" * 100, 10_000, Unsupported, "dossier.type"),
        (PDF, 100, TooLarge, "dossier.too_large"),
    ],
    ids=["empty", "disguised executable", "too big"],
)
async def test_a_bad_upload_is_refused_naming_the_file_and_stores_nothing(uow, gridfs, content, limit, refusal, key):
    before = len(uow.audit_only())
    with pytest.raises(refusal) as caught:
        await _upload(uow, content, limit=limit)
    assert caught.value.key == key and [e.field for e in caught.value.errors] == ["file"]
    assert "to-trinh.pdf" in caught.value.message("vi") and "Tài liệu hồ sơ" in caught.value.message("vi")
    assert gridfs.files == {} and len(uow.audit_only()) == before
    assert await uow.db["dossier.files"].count_documents({}) == 0


async def test_a_leader_uploads_only_for_their_unit_and_the_board_names_one(uow, gridfs):
    with pytest.raises(Forbidden) as caught:
        await _upload(uow, PDF, unit="huyen-dak-mil")
    assert caught.value.errors[0].field == "unit_id"
    with pytest.raises(Invalid) as caught:
        await _upload(uow, PDF, roles=(Role.board_officer,), own=None)
    assert caught.value.key == "dossier.unit_required"
    stored = await _upload(uow, PDF, unit="huyen-dak-mil", roles=(Role.board_officer,), own=None)
    assert stored.unit_id == "huyen-dak-mil"
    assert [s.state for s in gridfs.streams] == ["closed"]


# -- filing -------------------------------------------------------------------------------------
async def test_filing_takes_name_size_and_sha256_from_the_stored_files_not_the_client(uow, gridfs):
    filed, cover, report = await _filed(uow)
    docs = {d.kind: d for d in filed.documents}
    assert docs["cover_request"].sha256 == hashlib.sha256(PDF).hexdigest() != "0" * 64
    assert (docs["cover_request"].size, docs["cover_request"].name) == (len(PDF), "tờ trình.pdf")
    assert docs["achievement_report"].content_type == "image/png"
    assert docs["achievement_report"].url == f"/api/v1/nominations/{filed.nomination_id}/documents/{report.document_id}"
    [event] = [e for e in uow.events() if e["type"] == "vn.thidua.nomination.changed.v1"]
    assert event["data"]["documents"][0]["document_id"] == cover.document_id


async def test_an_unknown_id_or_another_units_file_refuses_the_filing_and_writes_nothing(uow, gridfs):
    cover = await _upload(uow, PDF)
    other = await _upload(uow, PNG, unit="huyen-dak-mil", roles=(Role.board_officer,), own=None)
    docs = [
        DossierDocumentWrite(kind="cover_request", document_id="khong-co"),
        DossierDocumentWrite(kind="achievement_report", document_id=other.document_id),
        DossierDocumentWrite(kind="khac", document_id=cover.document_id),
    ]
    with pytest.raises(Invalid) as caught:
        await nominations.create(uow, TENANT, _filing(*docs), LEADER)
    fields = [(e.field, e.key) for e in caught.value.errors]
    assert fields == [("documents.0.document_id", "dossier.unknown"), ("documents.1.document_id", "dossier.unknown")]
    assert await uow.db.nominations.count_documents({}) == 0


async def test_required_kinds_must_be_uploaded_files_and_a_reference_needs_all_its_fields(uow, gridfs):
    cover = await _upload(uow, PDF)
    typed = DossierDocumentWrite(kind="achievement_report", name="bc.pdf", url="https://x.test/bc.pdf", sha256="a" * 64, size=9)
    with pytest.raises(Invalid) as caught:
        await nominations.create(uow, TENANT, _filing(DossierDocumentWrite(kind="cover_request", document_id=cover.document_id), typed), LEADER)
    assert [(e.field, e.key) for e in caught.value.errors] == [("documents", "dossier.missing_file")]
    with pytest.raises(Invalid) as caught:
        await nominations.create(uow, TENANT, _filing(DossierDocumentWrite(kind="khac", name="x")), LEADER)
    assert [e.field for e in caught.value.errors] == ["documents.0.url", "documents.0.sha256", "documents.0.size"]
    assert await uow.db.nominations.count_documents({}) == 0


# -- download -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("roles", "unit"),
    [
        ((Role.unit_leader,), UNIT),
        ((Role.board_officer,), None),
        ((Role.council_member,), None),
        ((Role.chairperson,), None),
        ((Role.auditor,), None),
    ],
    ids=["own unit", "board", "council", "chair", "auditor"],
)
async def test_the_nominations_readers_download_the_same_bytes(uow, gridfs, roles, unit):
    filed, cover, _ = await _filed(uow)
    shown = filed.model_dump(mode="json")
    listed, chunks = await dossier.open_download(uow.db, who(*roles, unit=unit), shown, filed.nomination_id, cover.document_id)
    assert b"".join([c async for c in chunks]) == PDF and listed["sha256"] == hashlib.sha256(PDF).hexdigest()


async def test_another_unit_or_an_unlisted_document_gets_404_as_if_nothing_existed(uow, gridfs):
    filed, cover, _ = await _filed(uow)
    shown = filed.model_dump(mode="json")
    for outsider in (who(Role.unit_leader, unit="huyen-dak-mil"), who(Role.cluster_head, unit="tx-gia-nghia")):
        with pytest.raises(NotFound) as caught:
            await dossier.open_download(uow.db, outsider, shown, filed.nomination_id, cover.document_id)
        assert caught.value.key == "nomination.unknown"
    stray = await _upload(uow, PDF)
    with pytest.raises(NotFound) as caught:
        await dossier.open_download(uow.db, who(Role.board_officer), shown, filed.nomination_id, stray.document_id)
    assert caught.value.key == "dossier.document_unknown"


async def test_an_old_nomination_with_reference_documents_stays_readable(uow):
    # filed before documents were files: no required kind then, its dossier typed references
    await config_service.put(uow, TENANT, ConfigWrite(award_kinds=[award(rules=[], required_documents=[])]), "ban")
    filed = await nominations.create(uow, TENANT, _filing(), Actor("ban", frozenset({"board_officer"}), None))
    old = {"kind": "cover_request", "name": "tt.pdf", "url": "https://vanban.test/tt.pdf", "sha256": "a" * 64, "size": 10}
    await uow.db.nominations.update_one({"nomination_id": filed.nomination_id}, {"$set": {"documents": [old]}})
    read = await nominations.get(uow.db, TENANT, filed.nomination_id)
    assert read.documents[0].url == old["url"] and read.documents[0].document_id is None
