"""Issue 11, the console's commendation configuration (services/web, package commendation/) against a
fake intake: the overview and each page show what intake holds (Vietnamese dates, roles and kinds
in words, a stored <script> as text); each form PUTs the whole configuration with only its part
changed and the revision its page was read at; intake's field errors are placed next to the input
they name (the typed values kept, nothing saved); the stage buttons reorder without saving; CSRF;
readers see no form; a unit reporter gets the 403 page."""

import copy
import json

import httpx
import pytest

from thidua_web.commendation import models

from .test_web_console import Fakes
from .web_console_app import client as client  # noqa: F401  (the console over this module's fakes)
from .web_console_app import signed_in

SCRIPT = "<script>alert('x')</script>"


def stage(sid, name, role, days, kind):
    return {"id": sid, "name_vi": name, "role": role, "service_days": days, "kind": kind}


CONFIG = {
    "tenant": "daknong", "revision": 7, "updated_at": "2026-11-01T03:00:00Z", "updated_by": "board-officer",
    "reason": "Cấu hình mặc định", "escalate_to": ["board_officer", "chairperson"],
    # as intake answers them since issue 11 ({date, name}), and one plain date as before
    "holidays": [{"date": "2026-01-01", "name": "Tết Dương lịch"}, {"date": "2026-09-02", "name": "Quốc khánh"},
                 "2027-01-01"],
    "award_kinds": [
        {"id": "lao-dong-tien-tien", "name_vi": "Lao động tiên tiến", "nominee_kind": "individual",
         "chain": [stage("tham-dinh", "Thẩm định hồ sơ", "board_officer", 5, "review"),
                   stage("quyet-dinh", "Thủ trưởng quyết định", "chairperson", 3, "decision")],
         "disclosure_days": 0, "vote_threshold": 0.5, "required_documents": ["cover_request"],
         "rules": [{"kind": "freeze_on", "flags": ["discipline"]}, {"kind": "no_double_award"}],
         "comment_roles": ["board_officer", "chairperson"]},
        {"id": "bang-khen", "name_vi": f"Bằng khen {SCRIPT}", "nominee_kind": "collective",
         "chain": [stage("tham-dinh", "Thẩm định", "board_officer", 9, "review"),
                   stage("cong-khai", "Công khai", "board_officer", 10, "disclosure"),
                   stage("hoi-dong", "Hội đồng bỏ phiếu", "council_member", 2, "vote"),
                   stage("ky", "Chủ tịch ký", "chairperson", 5.5, "decision")],
         "disclosure_days": 10, "vote_threshold": 0.8, "required_documents": ["cover_request", "vote_minutes"],
         "rules": [{"kind": "prerequisite", "requires_award_kind": "lao-dong-tien-tien", "consecutive_years": 2},
                   {"kind": "quota", "of_award_kind": "lao-dong-tien-tien", "max_share": 0.15}],
         "comment_roles": ["unit_leader", "board_officer"]},
    ],
}
# the holidays as the console PUTs them back: each {date, name}
HOLIDAYS_PUT = [{"date": "2026-01-01", "name": "Tết Dương lịch"}, {"date": "2026-09-02", "name": "Quốc khánh"},
                {"date": "2027-01-01", "name": ""}]
FLAG = {"tenant": "daknong", "unit_id": "huyen-cu-jut", "person_id": None, "kind": "inspection", "active": True,
        "reason": f"Thanh tra {SCRIPT}", "updated_at": "2026-11-02T03:00:00Z", "updated_by": "board-officer"}


class CommendationFakes(Fakes):
    """The OIDC provider and reporting (the console's fakes) and intake at http://intake.test."""

    def __init__(self):
        super().__init__()
        self.unit, self.roles = "so-noi-vu", ["board_officer"]
        self.config: dict | None = copy.deepcopy(CONFIG)
        self.flags = [dict(FLAG)]
        self.calls: list[tuple[str, str, object, str]] = []  # method, path, body, bearer
        self.answer: tuple[int, dict] | None = None  # what the next write answers (default: success)

    def written(self, method: str = "PUT") -> list:
        return [body for m, _, body, _ in self.calls if m == method]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.host != "intake.test":
            return super().__call__(request)
        path, method = request.url.path, request.method
        body = json.loads(request.content) if request.content else None
        self.calls.append((method, path, body, request.headers["authorization"]))
        if method in ("PUT", "POST") and self.answer is not None:
            status, answer = self.answer
            return httpx.Response(status, json=answer)
        if path == "/api/v1/config/commendation":
            if method == "PUT":
                self.config = {**CONFIG, **body, "revision": body["expected_revision"] + 1}
                return httpx.Response(200, json=self.config)
            return httpx.Response(200, json=self.config) if self.config else httpx.Response(
                404, json={"message": "Chưa có cấu hình thi đua, khen thưởng", "errors": []})
        if path == "/api/v1/config/commendation/flags":
            if "board_officer" not in self.roles:
                return httpx.Response(403, json={"message": "Không có quyền", "errors": []})
            if method == "POST":
                return httpx.Response(200, json={**FLAG, **body})
            return httpx.Response(200, json=self.flags)
        return httpx.Response(404, json={"message": "không có"})


@pytest.fixture
def fakes():
    return CommendationFakes()


async def signed(client, fakes, roles=None, unit="so-noi-vu") -> str:
    return await signed_in(client, fakes, roles or ["board_officer"], unit)


def refusal(field: str, reason: str, message: str = "Dữ liệu không hợp lệ.") -> tuple[int, dict]:
    return 422, {"message": message, "errors": [{"field": field, "reason": reason, "code": "field.range"}]}


def form(html: str, marker: str) -> str:
    start = html.index(marker)
    return html[html.rindex("<form", 0, start):html.index("</form>", start)]


# -- pure parts ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("typed", "iso"), [
    ("02/09/2027", "2027-09-02"), ("2/9/2027", "2027-09-02"), ("2027-09-02", "2027-09-02"), ("02.09.2027", "2027-09-02"),
    ("31/02/2027", None), ("09/2027", None), ("", None), ("hôm nay", None),
])
def test_a_day_is_read_as_typed_in_viet_nam(typed, iso):
    found = models.parse_day(typed)
    assert (found.isoformat() if found else None) == iso


@pytest.mark.parametrize(("typed", "value"), [("0,5", 0.5), ("1.234,5", 1234.5), ("2", 2), ("1.5", 1.5), ("", None),
                                                ("năm", None), ("1,2,3", None)])
def test_a_number_is_read_the_vietnamese_way(typed, value):
    assert models.parse_number(typed) == value


def test_a_stage_id_comes_from_its_vietnamese_name():
    assert models.slug("Đề nghị của Hội đồng Thi đua") == "de-nghi-cua-hoi-dong-thi-dua"
    assert models.slug("!!!") == "buoc"


def test_steps_add_move_and_remove_stages():
    f = models.AwardForm(stages=[models.StageRow(name_vi="A"), models.StageRow(name_vi="B")])
    assert models.apply_step(f, "down:0") and [s.name_vi for s in f.stages] == ["B", "A"]
    assert models.apply_step(f, "up:1") and [s.name_vi for s in f.stages] == ["A", "B"]
    assert models.apply_step(f, "add") and len(f.stages) == 3
    assert models.apply_step(f, "remove:0") and [s.name_vi for s in f.stages] == ["B", ""]
    assert not models.apply_step(f, "save") and not models.apply_step(f, "remove:9")


def test_errors_are_named_relative_to_the_part_and_the_rest_is_general():
    errors = [{"field": "award_kinds.1.chain.2.service_days", "reason": "a"}, {"field": "award_kinds.1", "reason": "b"},
              {"field": "award_kinds.10.name_vi", "reason": "c"}, {"field": "(body)", "reason": "d"}]
    assert models.errors_under(errors, "award_kinds.1") == {"chain.2.service_days": ["a"], "(part)": ["b"],
                                                            "": ["c", "d"]}


# -- reading ---------------------------------------------------------------------------------------
async def test_the_overview_shows_every_section_with_edit_links_for_the_board(client, fakes):
    await signed(client, fakes)
    page = await client.get("/commendation")
    assert page.status_code == 200
    html = page.text
    assert "Cấu hình thi đua, khen thưởng" in html and "Phiên bản 7" in html and "10:00 01/11/2026" in html
    for link in ("/commendation/holidays", "/commendation/awards", "/commendation/rules", "/commendation/flags"):
        assert f'href="{link}"' in html
    assert "Lao động tiên tiến" in html and "Thẩm định hồ sơ" in html and "Chủ tịch" in html
    assert "8 ngày làm việc" in html and "26,5 ngày làm việc" in html and "80%" in html  # 9+10+2+5,5
    assert "Phải đạt «Lao động tiên tiến» 2 năm liên tục" in html
    assert "Không quá 15% số đạt «Lao động tiên tiến»" in html
    assert "Tạm dừng khi có cờ: Đang xem xét kỷ luật" in html and "Không khen thưởng trùng" in html
    assert "1 cờ đang bật" in html
    assert f"Bằng khen {SCRIPT}" not in html and "Bằng khen &lt;script&gt;" in html
    assert 'id="nav-commendation"' in html


@pytest.mark.parametrize("role", ["chairperson", "council_member", "auditor"])
async def test_readers_see_the_configuration_without_any_form(client, fakes, role):
    await signed(client, fakes, [role], "ubnd-tinh")
    for path in ("/commendation", "/commendation/holidays", "/commendation/awards", "/commendation/awards/bang-khen",
                 "/commendation/rules", "/commendation/flags"):
        page = await client.get(path)
        assert page.status_code == 200, path
        assert 'method="post" action="/commendation' not in page.text, path
    overview = (await client.get("/commendation")).text
    assert "chỉ Ban Thi đua – Khen thưởng được thay đổi" in overview
    assert "Xem chi tiết: lịch nghỉ lễ" in overview and "Chỉnh sửa" not in overview
    assert "/commendation/awards/_new" not in (await client.get("/commendation/awards")).text
    assert (await client.get("/commendation/awards/_new")).status_code == 403
    assert "Chỉ Ban Thi đua – Khen thưởng xem và thay đổi các cờ" in (await client.get("/commendation/flags")).text
    assert not any(path.endswith("/flags") for _, path, _, _ in fakes.calls)  # intake would refuse them
    chain = (await client.get("/commendation/awards/bang-khen")).text
    assert "Hội đồng bỏ phiếu" in chain and "Thành viên Hội đồng Thi đua – Khen thưởng" in chain and "Bỏ phiếu" in chain


async def test_a_unit_reporter_gets_the_403_page_and_cannot_post(client, fakes):
    csrf = await signed(client, fakes, ["unit_reporter"], "huyen-cu-jut")
    for path in ("/commendation", "/commendation/holidays", "/commendation/awards/bang-khen", "/commendation/flags"):
        page = await client.get(path)
        assert page.status_code == 403 and "Bạn không có quyền xem trang này" in page.text
    posted = await client.post("/commendation/holidays", data={"csrf": csrf, "day": "02/09/2027", "revision": "7"})
    assert posted.status_code == 403 and not fakes.written()
    assert 'id="nav-commendation"' not in (await client.get("/")).text


async def test_a_reader_who_is_not_the_board_cannot_change_it(client, fakes):
    csrf = await signed(client, fakes, ["chairperson"], "ubnd-tinh")
    posted = await client.post("/commendation/awards/bang-khen", data={"csrf": csrf, "name_vi": "X", "step": "save"})
    assert posted.status_code == 403 and not fakes.written()


async def test_no_configuration_yet_is_said_and_the_first_award_kind_creates_it(client, fakes):
    csrf = await signed(client, fakes)
    fakes.config = None
    assert "Chưa có cấu hình khen thưởng" in (await client.get("/commendation")).text
    refused = await client.post("/commendation/holidays", data={"csrf": csrf, "day": "02/09/2027", "revision": "0"})
    assert refused.status_code == 409 and "hãy thêm một hình thức khen thưởng trước" in refused.text
    data = {"csrf": csrf, "revision": "0", "id": "giay-khen", "name_vi": "Giấy khen", "nominee_kind": "individual",
            "disclosure_days": "0", "vote_threshold": "50", "required_documents": "", "comment_roles": "board_officer",
            "stage.0.name_vi": "Quyết định", "stage.0.role": "chairperson", "stage.0.service_days": "3",
            "stage.0.kind": "decision", "step": "save"}
    saved = await client.post("/commendation/awards/_new", data=data)
    assert saved.status_code == 303 and saved.headers["location"] == "/commendation/awards/giay-khen?done=saved"
    (body,) = fakes.written()
    assert body["holidays"] == [] and body["expected_revision"] == 0 and body["escalate_to"] == ["board_officer",
                                                                                                 "chairperson"]
    assert body["award_kinds"][0]["chain"] == [stage("quyet-dinh", "Quyết định", "chairperson", 3, "decision")]


# -- holidays --------------------------------------------------------------------------------------
async def test_holidays_of_the_chosen_year_with_their_weekday(client, fakes):
    await signed(client, fakes)
    html = (await client.get("/commendation/holidays", params={"year": "2026"})).text
    assert "01/01/2026" in html and "Thứ Năm" in html and "02/09/2026" in html and "Thứ Tư" in html
    assert "01/01/2027" not in html.split('id="cmd-holidays-table"')[1].split("</table>")[0]
    assert '<option value="2027"' in html


async def test_adding_a_holiday_typed_day_month_year_puts_the_whole_configuration(client, fakes):
    csrf = await signed(client, fakes)
    answer = await client.post("/commendation/holidays", data={
        "csrf": csrf, "day": "30/04/2027", "reason": "Lễ 30/4", "revision": "7", "year": "2027"})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/commendation/holidays?year=2027&done=holiday_added"
    (method, path, body, bearer), = [c for c in fakes.calls if c[0] == "PUT"]
    assert path == "/api/v1/config/commendation" and bearer.startswith("Bearer ey")
    assert body == {"holidays": [*HOLIDAYS_PUT, {"date": "2027-04-30", "name": ""}],
                    "award_kinds": CONFIG["award_kinds"], "escalate_to": ["board_officer", "chairperson"],
                    "reason": "Lễ 30/4", "expected_revision": 7}
    shown = await client.get(answer.headers["location"])
    assert "Đã thêm ngày nghỉ" in shown.text and "30/04/2027" in shown.text


async def test_removing_a_holiday(client, fakes):
    csrf = await signed(client, fakes)
    html = (await client.get("/commendation/holidays", params={"year": "2026"})).text
    assert 'aria-label="Bỏ ngày 02/09/2026"' in html
    answer = await client.post("/commendation/holidays/remove", data={"csrf": csrf, "day": "2026-09-02",
                                                                       "revision": "7"})
    assert answer.status_code == 303
    assert fakes.written()[0]["holidays"] == [HOLIDAYS_PUT[0], HOLIDAYS_PUT[2]]


async def test_a_bad_day_is_refused_next_to_its_input_and_nothing_is_put(client, fakes):
    csrf = await signed(client, fakes)
    answer = await client.post("/commendation/holidays", data={"csrf": csrf, "day": "31/02/2027", "revision": "7",
                                                               "reason": "Thử"})
    assert answer.status_code == 422 and not fakes.written()
    field = answer.text[answer.text.index('id="cmd-day"'):]
    assert 'value="31/02/2027"' in field[:200] and 'aria-invalid="true"' in field[:300]
    assert 'id="cmd-day-err">Ngày không hợp lệ: hãy nhập theo dạng ngày/tháng/năm' in answer.text
    assert 'value="Thử"' in answer.text


async def test_someone_else_saved_meanwhile_the_409_is_shown_and_what_was_typed_kept(client, fakes):
    csrf = await signed(client, fakes)
    fakes.answer = (409, {"message": "Cấu hình khen thưởng đã được cập nhật (phiên bản 8); hãy tải lại rồi thử lại.",
                          "errors": []})
    answer = await client.post("/commendation/holidays", data={"csrf": csrf, "day": "30/04/2027", "revision": "7"})
    assert answer.status_code == 409 and "phiên bản 8" in answer.text and 'value="30/04/2027"' in answer.text
    assert fakes.written()[0]["expected_revision"] == 7  # the revision the page was read at


async def test_forms_without_the_csrf_token_are_refused(client, fakes):
    await signed(client, fakes)
    for path, data in (("/commendation/holidays", {"day": "30/04/2027"}), ("/commendation/awards/bang-khen", {}),
                       ("/commendation/rules/bang-khen", {}), ("/commendation/flags", {"unit_id": "x"})):
        answer = await client.post(path, data={**data, "csrf": "forged"})
        assert answer.status_code == 403 and "Biểu mẫu đã hết hạn" in answer.text, path
    assert not fakes.written() and not fakes.written("POST")


# -- award kinds -----------------------------------------------------------------------------------
def award_fields(csrf: str, html: str | None = None, **changes) -> dict:
    """The award form of bang-khen as the browser posts it (unchanged), with `changes`."""
    data = {"csrf": csrf, "revision": "7", "name_vi": f"Bằng khen {SCRIPT}", "nominee_kind": "collective",
            "disclosure_days": "10", "vote_threshold": "80", "required_documents": "cover_request\nvote_minutes",
            "comment_roles": ["unit_leader", "board_officer"], "reason": "", "step": "save"}
    for i, s in enumerate(CONFIG["award_kinds"][1]["chain"]):
        data |= {f"stage.{i}.{k}": str(v).replace(".", ",") for k, v in s.items()}
    return {**data, **changes}


async def test_the_award_form_shows_the_chain_as_held(client, fakes):
    await signed(client, fakes)
    page = await client.get("/commendation/awards/bang-khen")
    html = page.text
    assert page.status_code == 200 and 'action="/commendation/awards/bang-khen"' in html
    assert 'name="stage.3.service_days" id="stage-3-service_days" inputmode="decimal" size="6" value="5,5"' in html
    assert 'name="vote_threshold" id="cmd-threshold" inputmode="decimal" value="80"' in html
    assert '<option value="council_member" selected>' in html and '<option value="vote" selected>' in html
    assert f'value="Bằng khen {SCRIPT}"' not in html and 'value="Bằng khen &lt;script&gt;' in html
    assert (await client.get("/commendation/awards/khong-co")).status_code == 404


async def test_saving_an_award_kind_puts_it_in_place_with_its_rules_kept(client, fakes):
    csrf = await signed(client, fakes)
    data = award_fields(csrf, **{"stage.1.service_days": "7,5", "vote_threshold": "90", "reason": "Sửa"})
    answer = await client.post("/commendation/awards/bang-khen", data=data)
    assert answer.status_code == 303 and answer.headers["location"] == "/commendation/awards/bang-khen?done=saved"
    (body,) = fakes.written()
    assert body["award_kinds"][0] == CONFIG["award_kinds"][0] and body["expected_revision"] == 7
    assert body["reason"] == "Sửa" and body["holidays"] == HOLIDAYS_PUT
    expected = copy.deepcopy(CONFIG["award_kinds"][1])
    expected["chain"][1]["service_days"] = 7.5
    expected["vote_threshold"] = 0.9
    assert body["award_kinds"][1] == expected


async def test_a_new_award_kind_with_a_three_stage_chain_is_appended(client, fakes):
    csrf = await signed(client, fakes)
    page = await client.get("/commendation/awards/_new")
    assert page.status_code == 200 and 'name="id"' in page.text
    data = {"csrf": csrf, "revision": "7", "id": "giay-khen-so", "name_vi": "Giấy khen của Giám đốc Sở",
            "nominee_kind": "individual", "disclosure_days": "5", "vote_threshold": "75",
            "required_documents": "cover_request\nachievement_report", "comment_roles": ["board_officer", "unit_leader"],
            "stage.0.name_vi": "Thẩm định", "stage.0.id": "", "stage.0.role": "board_officer",
            "stage.0.service_days": "4,5", "stage.0.kind": "review",
            "stage.1.name_vi": "Công khai", "stage.1.role": "board_officer", "stage.1.service_days": "5",
            "stage.1.kind": "disclosure",
            "stage.2.name_vi": "Giám đốc quyết định", "stage.2.role": "chairperson", "stage.2.service_days": "3",
            "stage.2.kind": "decision", "step": "save"}
    answer = await client.post("/commendation/awards/_new", data=data)
    assert answer.status_code == 303
    (body,) = fakes.written()
    assert [a["id"] for a in body["award_kinds"]] == ["lao-dong-tien-tien", "bang-khen", "giay-khen-so"]
    assert body["award_kinds"][2] == {
        "id": "giay-khen-so", "name_vi": "Giấy khen của Giám đốc Sở", "nominee_kind": "individual",
        "chain": [stage("tham-dinh", "Thẩm định", "board_officer", 4.5, "review"),
                  stage("cong-khai", "Công khai", "board_officer", 5, "disclosure"),
                  stage("giam-doc-quyet-dinh", "Giám đốc quyết định", "chairperson", 3, "decision")],
        "disclosure_days": 5, "vote_threshold": 0.75, "required_documents": ["cover_request", "achievement_report"],
        "rules": [], "comment_roles": ["board_officer", "unit_leader"]}


async def test_stage_buttons_reorder_add_and_remove_without_saving(client, fakes):
    csrf = await signed(client, fakes)
    moved = await client.post("/commendation/awards/bang-khen", data=award_fields(csrf, step="up:2"))
    assert moved.status_code == 200 and not fakes.written()
    html = moved.text
    assert html.index('value="Hội đồng bỏ phiếu"') < html.index('value="Công khai"')
    added = await client.post("/commendation/awards/bang-khen", data=award_fields(csrf, step="add"))
    assert 'name="stage.4.name_vi"' in added.text and not fakes.written()
    removed = await client.post("/commendation/awards/bang-khen", data=award_fields(csrf, step="remove:1"))
    assert 'value="Công khai"' not in removed.text and 'name="stage.3.name_vi"' not in removed.text
    assert not fakes.written()


async def test_intakes_refusal_is_placed_on_the_stage_input_and_typed_values_kept(client, fakes):
    csrf = await signed(client, fakes)
    fakes.answer = refusal("award_kinds.1.chain.2.service_days", "Giá trị phải ≤ 365.")
    answer = await client.post("/commendation/awards/bang-khen",
                               data=award_fields(csrf, **{"stage.2.service_days": "400"}))
    assert answer.status_code == 422
    html = answer.text
    field = html[html.index('id="stage-2-service_days"'):]
    assert 'value="400"' in field[:120] and 'aria-invalid="true"' in field[:200]
    assert 'id="stage-2-service_days-err">Giá trị phải ≤ 365.</span>' in html
    assert "Chưa có gì được lưu" in html and "Dữ liệu không hợp lệ." in html
    assert fakes.written()[0]["award_kinds"][1]["chain"][2]["service_days"] == 400


async def test_a_chain_that_does_not_end_in_a_decision_is_refused_at_the_chain(client, fakes):
    csrf = await signed(client, fakes)
    fakes.answer = refusal("award_kinds.1", "Quy trình của 'bang-khen' phải kết thúc bằng bước quyết định.")
    answer = await client.post("/commendation/awards/bang-khen", data=award_fields(csrf, **{"stage.3.kind": "review"}))
    assert answer.status_code == 422
    assert 'id="cmd-chain-err">Quy trình của &#39;bang-khen&#39; phải kết thúc bằng bước quyết định.' in answer.text


async def test_the_console_refuses_what_is_not_a_number_itself(client, fakes):
    csrf = await signed(client, fakes)
    answer = await client.post("/commendation/awards/bang-khen", data=award_fields(
        csrf, vote_threshold="120", **{"stage.0.service_days": "năm"}))
    assert answer.status_code == 422 and not fakes.written()
    assert 'id="cmd-threshold-err">Phải là một tỷ lệ phần trăm lớn hơn 0 và không quá 100.' in answer.text
    assert 'id="stage-0-service_days-err">Phải là một số' in answer.text and 'value="năm"' in answer.text


async def test_a_new_award_kind_needs_a_free_valid_id(client, fakes):
    csrf = await signed(client, fakes)
    base = award_fields(csrf, name_vi="Mới")
    taken = await client.post("/commendation/awards/_new", data={**base, "id": "bang-khen"})
    assert taken.status_code == 422 and "Đã có hình thức khen thưởng mang mã này" in taken.text
    bad = await client.post("/commendation/awards/_new", data={**base, "id": "bằng khen"})
    assert bad.status_code == 422 and 'id="cmd-id-err">Mã chỉ gồm' in bad.text
    assert not fakes.written()


# -- rules -----------------------------------------------------------------------------------------
async def test_the_rules_form_puts_prerequisites_quotas_freeze_and_no_double(client, fakes):
    csrf = await signed(client, fakes)
    html = (await client.get("/commendation/rules")).text
    rules = form(html, 'id="rules-bang-khen"')
    assert 'name="pre.0.years" id="pre-bang-khen-0-years" inputmode="numeric" size="4" value="2"' in rules
    assert 'name="quota.0.share" id="quota-bang-khen-0-share" inputmode="decimal" size="6" value="15"' in rules
    data = {"csrf": csrf, "revision": "7", "pre.0.award": "lao-dong-tien-tien", "pre.0.years": "3",
            "pre.1.award": "", "pre.1.years": "1", "quota.0.award": "", "quota.0.share": "15",
            "quota.1.award": "lao-dong-tien-tien", "quota.1.share": "12,5", "freeze": ["inspection", "complaint"],
            "no_double": "1", "reason": "Quy chế mới"}
    answer = await client.post("/commendation/rules/bang-khen", data=data)
    assert answer.status_code == 303
    (body,) = fakes.written()
    assert body["award_kinds"][1]["rules"] == [
        {"kind": "prerequisite", "requires_award_kind": "lao-dong-tien-tien", "consecutive_years": 3},
        {"kind": "quota", "of_award_kind": "lao-dong-tien-tien", "max_share": 0.125},
        {"kind": "freeze_on", "flags": ["inspection", "complaint"]},
        {"kind": "no_double_award"}]
    assert body["award_kinds"][1]["chain"] == CONFIG["award_kinds"][1]["chain"]
    assert body["award_kinds"][0] == CONFIG["award_kinds"][0] and body["reason"] == "Quy chế mới"


async def test_a_rule_refused_by_intake_is_shown_on_its_row(client, fakes):
    csrf = await signed(client, fakes)
    fakes.answer = refusal("award_kinds.1.rules.1.prerequisite.consecutive_years", "Giá trị phải ≤ 20.")
    data = {"csrf": csrf, "revision": "7", "pre.0.award": "lao-dong-tien-tien", "pre.0.years": "2",
            "pre.1.award": "bang-khen", "pre.1.years": "25"}
    answer = await client.post("/commendation/rules/bang-khen", data=data)
    assert answer.status_code == 422
    assert 'id="pre-bang-khen-1-years-err">Giá trị phải ≤ 20.</span>' in answer.text
    assert 'id="pre-bang-khen-1-years" inputmode="numeric" size="4" value="25"' in answer.text


async def test_a_share_that_is_not_a_percentage_is_refused_by_the_console(client, fakes):
    csrf = await signed(client, fakes)
    data = {"csrf": csrf, "revision": "7", "quota.0.award": "lao-dong-tien-tien", "quota.0.share": "150"}
    answer = await client.post("/commendation/rules/bang-khen", data=data)
    assert answer.status_code == 422 and not fakes.written()
    assert 'id="quota-bang-khen-0-share-err">Phải là một tỷ lệ phần trăm' in answer.text


# -- flags -----------------------------------------------------------------------------------------
async def test_flags_are_listed_and_raised(client, fakes):
    csrf = await signed(client, fakes)
    html = (await client.get("/commendation/flags")).text
    assert "huyen-cu-jut" in html and "Đang thanh tra, kiểm tra" in html and "Đang bật" in html
    assert "Thanh tra &lt;script&gt;" in html and SCRIPT not in html
    answer = await client.post("/commendation/flags", data={"csrf": csrf, "unit_id": "huyen-dak-mil",
                                                             "person_id": "", "kind": "discipline", "active": "true",
                                                             "reason": "Đang xem xét kỷ luật"})
    assert answer.status_code == 303 and answer.headers["location"] == "/commendation/flags?done=flag_saved"
    assert fakes.written("POST") == [{"unit_id": "huyen-dak-mil", "person_id": None, "kind": "discipline",
                                      "active": True, "reason": "Đang xem xét kỷ luật"}]


async def test_a_flag_refused_by_intake_shows_the_reason_at_its_field(client, fakes):
    csrf = await signed(client, fakes)
    fakes.answer = refusal("reason", "Phải có ít nhất 5 ký tự.")
    answer = await client.post("/commendation/flags", data={"csrf": csrf, "unit_id": "huyen-dak-mil",
                                                             "kind": "complaint", "active": "false", "reason": "ab"})
    assert answer.status_code == 422
    assert 'id="cmd-flag-reason-err">Phải có ít nhất 5 ký tự.</span>' in answer.text
    assert 'value="huyen-dak-mil"' in answer.text and '<option value="false" selected>' in answer.text
    assert fakes.written("POST")[0]["active"] is False


async def test_english_through_the_switch(client, fakes):
    await signed(client, fakes)
    client.cookies.set("lang", "en")
    html = (await client.get("/commendation")).text
    assert "Emulation and commendation settings" in html and "Lao động tiên tiến" in html
    assert "Requires “Lao động tiên tiến” 2 consecutive years" in html and "Cấu hình thi đua" not in html

