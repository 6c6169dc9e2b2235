"""Issue 11 (dossier): a unit leader files a dossier in the browser, uploading its documents as
files, through the real stack with Keycloak in Debian's Chromium. A file of a type intake does not
take is refused next to its input in Vietnamese and nothing is filed; then the dossier with two
files is filed: the nomination page shows each file's name, size and SHA-256, the hash equal to
the bytes' own; the board officer downloads one through the console and gets the same bytes; the
leader of another unit gets 404 (intake does not tell it the file exists). The pages pass the
axe check. Screenshots of each page go to the test's tmp dir."""

import hashlib
import uuid

import httpx
import pytest

from .a11y import serious_violations
from .console_stack import console_browser, sign_in
from .helpers import password_token

pytestmark = pytest.mark.timeout(900)

AWARD = "bang-khen-ho-so-tep"
LEADER, OTHER_LEADER, BOARD = "unit-leader.huyen-cu-jut", "unit-leader.huyen-dak-mil", "board-officer.so-noi-vu"
REQUIRED = ["cover_request", "achievement_report"]
AWARD_KIND = {
    "id": AWARD, "name_vi": "Bằng khen (hồ sơ tải tệp)", "nominee_kind": "individual", "disclosure_days": 0,
    "vote_threshold": 0.5, "required_documents": REQUIRED,
    "chain": [{"id": "tiep-nhan", "name_vi": "Tiếp nhận hồ sơ", "role": "board_officer", "service_days": 2,
               "kind": "review"},
              {"id": "ky", "name_vi": "Ký quyết định", "role": "chairperson", "service_days": 2, "kind": "decision"}],
}  # fmt: skip


def configure(console_stack) -> None:
    """The award kind added to the tenant's configuration (the others kept: the stack is shared)."""
    intake = console_stack.url("intake")
    board = {"Authorization": f"Bearer {password_token(console_stack, BOARD)}"}
    current = httpx.get(f"{intake}/api/v1/config/commendation", headers=board, timeout=30)
    body = {"award_kinds": [], "holidays": [], "reason": "Hồ sơ đề nghị có tệp đính kèm (kiểm thử)"}
    if current.status_code == 200:
        kept = current.json()
        body.update(holidays=kept["holidays"], escalate_to=kept["escalate_to"],
                    award_kinds=[a for a in kept["award_kinds"] if a["id"] != AWARD])  # fmt: skip
    body["award_kinds"].append(AWARD_KIND)
    response = httpx.put(f"{intake}/api/v1/config/commendation", json=body, headers=board, timeout=30)
    assert response.status_code == 200, response.text


@pytest.fixture(scope="module")
def configured(console_stack):
    configure(console_stack)


def filed_by_api(console_stack) -> str:
    """A nomination of huyen-cu-jut with its two required documents uploaded as files, filed through
    intake's API (for the accessibility check of its page); its id."""
    configure(console_stack)
    intake = console_stack.url("intake")
    leader = {"Authorization": f"Bearer {password_token(console_stack, LEADER)}"}
    documents = []
    for kind in REQUIRED:
        content = b"%PDF-1.4\n" + f"{kind} {uuid.uuid4().hex}".encode()
        r = httpx.post(f"{intake}/api/v1/nominations/documents", headers=leader, timeout=30,
                       files={"file": (f"{kind}.pdf", content, "application/pdf")})  # fmt: skip
        assert r.status_code == 201, r.text
        documents.append({"kind": kind, "document_id": r.json()["document_id"]})
    body = {"award_kind": AWARD, "year": 2026, "documents": documents, "achievement": "Hoàn thành xuất sắc",
            "nominee": {"kind": "individual", "unit_id": "huyen-cu-jut", "person_id": f"nv-{uuid.uuid4().hex[:6]}",
                        "person_name": "Nguyễn Văn Kiểm Thử"}}  # fmt: skip
    r = httpx.post(f"{intake}/api/v1/nominations", json=body, headers=leader, timeout=30)
    assert r.status_code == 201, r.text
    return str(r.json()["nomination_id"])


def test_a_leader_files_a_dossier_of_uploaded_files_and_only_its_readers_download_them(
    console_stack, configured, tmp_path
):
    console = console_stack.url("web")
    shots = iter(range(1, 100))
    tag = uuid.uuid4().hex[:6]
    name = f"Lê Thị Hồ Sơ {tag}"
    cover = {"name": f"tờ trình {tag}.pdf", "mimeType": "application/pdf",
             "buffer": b"%PDF-1.4\n" + f"to trinh {tag}\n".encode() + b"x" * 1300}  # fmt: skip
    report = {"name": f"bao-cao-{tag}.png", "mimeType": "image/png",
              "buffer": b"\x89PNG\r\n\x1a\n" + f"bao cao {tag}".encode() + b"y" * 2500}  # fmt: skip
    disguised = {"name": "bao-cao.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00 not a document"}
    digests = {f["name"]: hashlib.sha256(f["buffer"]).hexdigest() for f in (cover, report)}
    axe: dict[str, list[str]] = {}

    def shot(page, label: str) -> None:
        page.screenshot(path=str(tmp_path / f"{next(shots):02d}-{label}.png"), full_page=True)
        axe[label] = serious_violations(page)

    with console_browser() as (browser, seen):
        leader = sign_in(browser, console_stack, LEADER, seen)
        leader.goto(f"{console}/nominations/new?award_kind={AWARD}")
        leader.wait_for_selector("#nom-new")
        assert leader.input_value("input[name='doc.0.kind']") == "cover_request"
        assert leader.input_value("input[name='doc.1.kind']") == "achievement_report"
        leader.fill("#nom-year", "2026")
        leader.fill("#nom-person-id", f"nv-{tag}")
        leader.fill("#nom-person-name", name)
        leader.fill("#nom-position", "Chuyên viên")
        leader.fill("#nom-achievement", "Hoàn thành xuất sắc nhiệm vụ")
        shot(leader, "dossier-form")
        # a file that is not a document: intake refuses it, in Vietnamese, next to its input
        leader.set_input_files("#doc-0-file", cover)
        leader.set_input_files("#doc-1-file", disguised)
        leader.click("#nom-submit")
        leader.wait_for_selector("#nom-refusal")
        refusal = leader.inner_text("#nom-doc-1")
        assert "Tài liệu hồ sơ 'bao-cao.pdf' không thuộc loại được nhận" in refusal, refusal
        assert leader.get_attribute("#doc-1-file", "aria-invalid") == "true"
        # what was typed and the file already uploaded are kept
        assert leader.input_value("#nom-person-name") == name
        assert digests[cover["name"]] in leader.inner_text("#nom-doc-0")
        shot(leader, "dossier-refused")
        leader.set_input_files("#doc-1-file", report)
        leader.click("#nom-submit")
        leader.wait_for_selector("#nom-done")
        shot(leader, "dossier-filed")
        nid = leader.inner_text("#nom-id").strip()
        docs = leader.inner_text("#nom-docs")
        for file in (cover, report):
            assert file["name"] in docs and digests[file["name"]] in docs
        rows = {f["name"]: leader.locator("#nom-docs tbody tr", has_text=f["name"]) for f in (cover, report)}
        assert rows[cover["name"]].locator(".dos-size").inner_text() == f"{len(cover['buffer']):,}".replace(",", ".")
        assert rows[report["name"]].locator(".dos-sha256").inner_text() == digests[report["name"]]
        href = rows[report["name"]].locator("a.dos-download").get_attribute("href")
        assert href.startswith(f"/nominations/{nid}/documents/")

        # intake stored what the browser sent: its record of the nomination has the same hashes
        headers = {"Authorization": f"Bearer {password_token(console_stack, BOARD)}"}
        stored = httpx.get(f"{console_stack.url('intake')}/api/v1/nominations/{nid}", headers=headers, timeout=30)
        assert {d["name"]: d["sha256"] for d in stored.json()["documents"]} == digests

        board = sign_in(browser, console_stack, BOARD, seen)
        board.goto(f"{console}/nominations/{nid}")
        shot(board, "dossier-board")
        with board.expect_download() as caught:
            board.click(f"#nom-docs a[href='{href}']")
        download = caught.value
        with open(download.path(), "rb") as got:
            content = got.read()
        assert content == report["buffer"] and hashlib.sha256(content).hexdigest() == digests[report["name"]]

        other = sign_in(browser, console_stack, OTHER_LEADER, seen)
        answer = other.request.get(f"{console}{href}")
        assert answer.status in (403, 404) and report["buffer"] not in answer.body()
        assert answer.status == 404  # intake does not tell another unit the file exists
        # nor does intake itself, asked directly with the other leader's token
        other_token = password_token(console_stack, OTHER_LEADER)
        direct = httpx.get(f"{console_stack.url('intake')}/api/v1{href}", timeout=30,
                           headers={"Authorization": f"Bearer {other_token}"})  # fmt: skip
        assert direct.status_code == 404 and report["buffer"] not in direct.content

    assert not seen.strangers(console, console_stack.keycloak_url), seen.requests
    # the refused form answers 422 (Chromium also logs it): nothing else failed
    assert [e for e in seen.errors if not (e.startswith(f"{console}/nominations/new: ") and "422" in e)] == [], (
        seen.errors
    )
    assert not {page: v for page, v in axe.items() if v}, axe
