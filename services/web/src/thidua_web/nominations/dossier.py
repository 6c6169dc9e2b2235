"""The dossier's documents as files (issue 11): the filing form's file rows (one per required kind,
plus other documents), their upload to intake (POST /api/v1/nominations/documents, which stores
each file and counts its SHA-256), the documents posted with the nomination (by `document_id`),
and the download of a nomination's document proxied from intake (/nominations/{id}/documents/{d}).
A file already uploaded when the form is refused is kept by its id (hidden in the form), so the
user does not choose it again."""

import re
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..api import ApiFailed
from ..deps import Caller, SignedIn
from ..reporter.calls import proxied_file

router = APIRouter()

UPLOAD = "/api/v1/nominations/documents"
MAX_FILES = 10  # files sent with one dossier form (the console's body limit allows for them)
FORM_PATH = r"/nominations/(new|[^/]+/resubmit)"
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
ROW_KEYS = ("kind", "document_id", "name", "size", "sha256")
OTHER = "other"


def body_limit(evidence_max_bytes: int) -> tuple[str, int]:
    """The dossier form carries files: a file just over intake's limit still reaches intake, which
    refuses it in its own words (the console's default limit would answer with a bare 413)."""
    return FORM_PATH, MAX_FILES * (evidence_max_bytes + 64 * 1024)


def blank(kind: str) -> dict[str, str]:
    return {"kind": kind, "document_id": "", "name": "", "size": "", "sha256": ""}


def with_required(rows: list[dict[str, str]], kinds: list[str]) -> list[dict[str, str]]:
    """A returned dossier's rows and an empty one (with its file input) for each required kind it
    lacks, so that the unit can upload it with the resubmission."""
    present = {r.get("kind") for r in rows}
    return rows + [{**blank(k), "url": ""} for k in kinds if k not in present]


def read_rows(fields: Mapping[str, str], kinds: list[str]) -> list[dict[str, str]]:
    """The form's document rows (doc.<i>.kind, and doc.<i>.document_id … of a file uploaded
    before), with a row for every required kind the form did not send."""
    rows = []
    for i in range(MAX_FILES * 2):
        row = {k: fields.get(f"doc.{i}.{k}", "").strip() for k in ROW_KEYS}
        if not row["kind"]:
            continue
        if row["document_id"] and not _ID.fullmatch(row["document_id"]):
            row.update(document_id="", name="", size="", sha256="")
        rows.append(row)
    present = {r["kind"] for r in rows}
    rows += [blank(k) for k in kinds if k not in present]
    return rows


def chosen(form: FormData, name: str) -> list[UploadFile]:
    return [f for f in form.getlist(name) if isinstance(f, UploadFile) and f.filename]


def stored_row(kind: str, stored: Mapping[str, Any]) -> dict[str, str]:
    return {
        "kind": kind,
        "document_id": str(stored.get("document_id") or ""),
        "name": str(stored.get("file_name") or ""),
        "size": str(stored.get("size") or ""),
        "sha256": str(stored.get("sha256") or ""),
    }


def missing(rows: list[dict[str, str]], kinds: list[str], words: Mapping[str, str]) -> dict[str, list[str]]:
    """Each required kind's row without an uploaded file: the reason next to its file input."""
    return {
        f"documents.{i}.file": [words["dos_err_file"]]
        for i, row in enumerate(rows)
        if row["kind"] in kinds and not row["document_id"]
    }


def documents_body(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The nomination's documents as intake takes them: the kind and the uploaded file's id."""
    return [{"kind": r["kind"], "document_id": r["document_id"]} for r in rows if r["document_id"]]


def errors_on_rows(errors: dict[str, list[str]], rows: list[dict[str, str]]) -> dict[str, list[str]]:
    """intake names a document by its place in the body (documents.<j>.document_id): put the
    reason next to the file input of the row that sent it."""
    sent = [i for i, r in enumerate(rows) if r["document_id"]]
    out: dict[str, list[str]] = {}
    for name, texts in errors.items():
        parts = name.split(".")
        if len(parts) >= 2 and parts[0] == "documents" and parts[1].isdigit() and int(parts[1]) < len(sent):
            name = f"documents.{sent[int(parts[1])]}.file"
        out.setdefault(name, []).extend(texts)
    return out


async def upload(caller: Caller, file: UploadFile) -> dict[str, Any]:
    name = file.filename or "document"
    content = await file.read()
    response = await caller.intake.request(
        "POST", UPLOAD, caller.token, caller.lang,
        files={"file": (name, content, file.content_type or "application/octet-stream")},
    )  # fmt: skip
    return response.json()


def _refusal(exc: ApiFailed, name: str) -> str:
    reasons = " ".join(
        str(e.get("reason") or "") for e in exc.errors if e.get("reason") and e.get("reason") != exc.message
    )
    return f"{exc.message} {reasons}".strip() or name


async def upload_rows(
    caller: Caller, form: FormData, rows: list[dict[str, str]], words: Mapping[str, str]
) -> dict[str, list[str]]:
    """Upload each chosen file: a row's file (it replaces the row's earlier upload) and the other
    documents (a row each). Each file on its own, so one refused file keeps the others; the
    refusal (intake's words: too large, wrong type, empty) next to the file's input."""
    errors: dict[str, list[str]] = {}
    files = {i: chosen(form, f"doc.{i}.file") for i in range(len(rows))}
    others = chosen(form, "others")
    if sum(len(f) for f in files.values()) + len(others) > MAX_FILES:
        return {"others": [words["dos_err_too_many"].format(n=MAX_FILES)]}
    errors.update(await replace_files(caller, form, rows, words))
    for file in others:
        try:
            rows.append(stored_row(OTHER, await upload(caller, file)))
        except ApiFailed as exc:
            if not exc.refused:
                raise
            errors.setdefault("others", []).append(f"{file.filename}: {_refusal(exc, file.filename or '')}")
    return errors


async def replace_files(
    caller: Caller, form: FormData, rows: list[dict[str, str]], words: Mapping[str, str]
) -> dict[str, list[str]]:
    """The resubmission form: a file chosen on a row replaces its document (an uploaded file or an
    older typed reference) by the file intake stored."""
    errors: dict[str, list[str]] = {}
    for i in range(len(rows)):
        for file in chosen(form, f"doc.{i}.file")[:1]:
            try:
                rows[i] = {"url": "", **stored_row(rows[i]["kind"], await upload(caller, file))}
            except ApiFailed as exc:
                if not exc.refused:
                    raise
                errors[f"documents.{i}.file"] = [_refusal(exc, file.filename or "")]
    return errors


def uploaded(documents: Any) -> list[dict[str, Any]]:
    """A nomination's documents for its page: name, size, SHA-256, and the console's download link
    of an uploaded file (a reference typed by the filer keeps its own link)."""
    out = []
    for d in documents or []:
        if isinstance(d, dict):
            document_id = str(d.get("document_id") or "")
            out.append({**d, "document_id": document_id if _ID.fullmatch(document_id) else ""})
    return out


@router.get("/nominations/{nid}/documents/{document_id}", include_in_schema=False)
async def download(nid: str, document_id: str, caller: SignedIn) -> Response:
    """A document of a nomination, streamed from intake: intake decides who may read it (404 for
    others, as for a document that does not exist)."""
    if not (_ID.fullmatch(nid) and _ID.fullmatch(document_id)):
        raise StarletteHTTPException(404)
    return await proxied_file(caller, f"/api/v1/nominations/{nid}/documents/{document_id}")
