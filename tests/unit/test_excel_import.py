"""Issue 13, Excel both ways (import): the mapping proposed from header names, the row errors that
name row and column, the dry run that writes nothing, the import that writes each row once, and
the one audit record per import (intake's imports package over the fake unit of work)."""

import pytest

from thidua_common.auth import Role
from thidua_common.errors import Forbidden, Invalid
from thidua_common.spreadsheets import XlsxColumn, write_xlsx
from thidua_intake.imports import rows as row_rules
from thidua_intake.imports import service
from thidua_intake.imports.mapping import FIELDS, fields_for, fold, propose

from .service_fixtures import CAMPAIGN, fresh_uow, store_campaign, who

BOARD = who(Role.board_officer)


def test_fold_ignores_case_diacritics_and_punctuation():
    assert fold("Mã đơn vị") == fold("MA DON VI") == fold("ma_don_vi") == "ma don vi"
    assert fold("Đơn vị cấp trên") == "don vi cap tren"


def test_the_mapping_is_proposed_from_vietnamese_and_english_headers():
    headers = ["STT", "MÃ ĐƠN VỊ", "Tên đơn vị", "Type", "Đơn vị cấp trên", "E-mail"]
    assert propose(headers, FIELDS["units"]) == {
        "unit_id": "MÃ ĐƠN VỊ",
        "name_vi": "Tên đơn vị",
        "name_en": None,
        "unit_type": "Type",
        "parent_id": "Đơn vị cấp trên",
        "email": "E-mail",
    }


def test_a_results_import_has_a_field_per_criterion_found_by_id_or_name():
    fields = fields_for("results", [("dung-han", "Tỷ lệ hồ sơ đúng hạn"), ("dvc", "Dịch vụ công trực tuyến")])
    proposal = propose(["Mã ĐV", "Tỷ lệ hồ sơ đúng hạn", "DVC"], fields)
    assert proposal["values.dung-han"] == "Tỷ lệ hồ sơ đúng hạn" and proposal["values.dvc"] == "DVC"
    assert proposal["unit_id"] == "Mã ĐV"  # folds to "ma dv": a synonym
    assert proposal["period"] is None  # no header for it: the import's own period applies


def test_the_award_history_export_headers_map_back_onto_the_award_fields():
    from thidua_reporting.awards.service import COLUMNS

    proposal = propose([c.vi for c in COLUMNS], FIELDS["awards"])
    assert all(v is not None for v in proposal.values()), proposal


def test_numbers_in_either_notation_and_vietnamese_dates():
    assert row_rules.number("1.234,5") == 1234.5 and row_rules.number("1,234.5") == 1234.5
    assert row_rules.number("12,5") == 12.5 and row_rules.number(7) == 7 and row_rules.number("abc") == "abc"
    assert row_rules.day("05/01/2026") == "2026-01-05" and row_rules.day("31/02/2026") == "31/02/2026"


def _units_file(n: int, bad: set[int]) -> bytes:
    cols = [XlsxColumn(t) for t in ("Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã đơn vị cấp trên", "Thư điện tử")]
    rows = []
    for i in range(n):
        if i in bad:
            # alternately: an unknown type, a one-letter name, a bad e-mail, an unknown parent
            kind = i % 4
            rows.append([f"xa-{i}", "X" if kind == 1 else f"Xã số {i}", "planet" if kind == 0 else "commune",
                         "khong-co" if kind == 3 else None, "khong-phai-email" if kind == 2 else None])
        else:
            rows.append([f"xa-{i}", f"Xã số {i}", "commune", None, f"xa{i}@daknong.gov.vn"])
    return write_xlsx(cols, rows)


async def _upload(uow, data: bytes, kind: str = "units", principal=BOARD, **kw):
    return await service.upload(uow.db, principal, kind, "don-vi.xlsx", data, **kw)


async def test_the_dry_run_names_each_bad_row_and_column_and_writes_nothing():
    uow = fresh_uow()
    bad = {3, 10, 17, 24, 33}
    found = await _upload(uow, _units_file(40, bad))
    assert found["rows"] == 40 and found["mapping"]["unit_id"] == "Mã đơn vị"
    answer = await service.dry_run(uow.db, BOARD, found["import_id"], found["mapping"], "vi")
    assert (answer["valid"], answer["invalid"]) == (35, 5)
    # the spreadsheet's row numbers: the header is row 1, so item i is row i + 2
    assert sorted(e["row"] for e in answer["errors"]) == sorted(i + 2 for i in bad)
    by_row = {e["row"]: e for e in answer["errors"]}
    assert by_row[5]["column"] == "Mã đơn vị cấp trên" and "khong-co" in by_row[5]["reason"]  # i=3: parent
    assert by_row[12]["column"] == "Thư điện tử"  # i=10: not an e-mail
    assert by_row[19]["column"] == "Tên đơn vị"  # i=17: a one-letter name
    assert by_row[26]["column"] == "Loại đơn vị"  # i=24: unknown type
    assert all(e["reason"] and e["field"] for e in answer["errors"])
    assert await uow.db.units.count_documents({}) == 0 and await uow.db.import_rows.count_documents({}) == 0
    assert uow.committed == []


async def test_the_import_writes_the_valid_rows_once_even_when_the_same_file_is_imported_again():
    uow = fresh_uow()
    data = _units_file(30, {4, 9})
    first = await _upload(uow, data)
    done = await service.confirm(uow, BOARD, first["import_id"], first["mapping"], "vi")
    assert (done["written"], done["already"], done["invalid"]) == (28, 0, 2)
    assert await uow.db.units.count_documents({}) == 28
    assert len([e for e in uow.events() if e["type"] == "vn.thidua.unit.changed.v1"]) == 28
    audits = [a for a in uow.audit_only() if a["type"] == "vn.thidua.import.completed.v1"]
    assert len(audits) == 1 and audits[0]["data"]["written"] == 28 and audits[0]["data"]["kind"] == "units"
    # the same workbook again (a new upload): nothing new is written, one more audit record
    again = await _upload(uow, data)
    second = await service.confirm(uow, BOARD, again["import_id"], again["mapping"], "vi")
    assert (second["written"], second["already"]) == (0, 28)
    assert len([e for e in uow.events() if e["type"] == "vn.thidua.unit.changed.v1"]) == 28
    assert len([a for a in uow.audit_only() if a["type"] == "vn.thidua.import.completed.v1"]) == 2


async def test_results_go_through_the_submission_service_with_channel_import():
    uow = fresh_uow()
    await store_campaign(uow)
    cols = [XlsxColumn("Mã đơn vị"), XlsxColumn("Tỷ lệ hồ sơ đúng hạn", "number"), XlsxColumn("DVC", "number")]
    data = write_xlsx(cols, [["huyen-cu-jut", 97.5, 12], ["huyen-dak-mil", 150, 3], ["khong-tham-gia", 90, 1]])
    found = await _upload(uow, data, "results", campaign_id=CAMPAIGN, period="2018-Q1")
    assert found["mapping"]["values.dung-han"] == "Tỷ lệ hồ sơ đúng hạn"
    dry = await service.dry_run(uow.db, BOARD, found["import_id"], found["mapping"], "vi")
    assert dry["valid"] == 1 and {(e["row"], e["column"]) for e in dry["errors"]} == {
        (3, "Tỷ lệ hồ sơ đúng hạn"),  # above the criterion's max_value
        (4, "Mã đơn vị"),  # not a participant
    }
    done = await service.confirm(uow, BOARD, found["import_id"], found["mapping"], "vi")
    assert done["written"] == 1
    stored = await uow.db.submissions.find_one({"unit_id": "huyen-cu-jut"})
    assert stored["channel"] == "import" and stored["values"] == {"dung-han": 97.5, "dvc": 12}


async def test_a_unit_imports_only_its_own_targets_and_never_units():
    uow = fresh_uow()
    await store_campaign(uow)
    reporter = who(Role.unit_reporter, unit="huyen-cu-jut")
    with pytest.raises(Forbidden):
        await _upload(uow, _units_file(2, set()), principal=reporter)
    cols = [XlsxColumn("Mã đơn vị"), XlsxColumn("Mã tiêu chí"), XlsxColumn("Chỉ tiêu", "number")]
    data = write_xlsx(cols, [["huyen-cu-jut", "dung-han", 99], ["huyen-cu-jut", "dvc", 15],
                             ["huyen-dak-mil", "dvc", 15], ["huyen-cu-jut", "khong-co", 1]])
    found = await _upload(uow, data, "targets", principal=reporter, campaign_id=CAMPAIGN)
    done = await service.confirm(uow, reporter, found["import_id"], found["mapping"], "vi")
    assert done["written"] == 2
    assert {(e["row"], e["column"]) for e in done["errors"]} == {(4, "Mã đơn vị"), (5, "Mã tiêu chí")}
    reg = await uow.db.registrations.find_one({"unit_id": "huyen-cu-jut"})
    assert sorted((t["criterion_id"], t["value"]) for t in reg["targets"]) == [("dung-han", 99), ("dvc", 15)]
    # another unit's upload is as good as absent for this reporter
    other = who(Role.unit_reporter, unit="huyen-dak-mil")
    with pytest.raises(Exception) as refused:
        await service.get(uow.db, other, found["import_id"])
    assert getattr(refused.value, "key", "") == "import.unknown"


async def test_a_mapping_without_a_required_field_or_with_an_unknown_column_is_refused():
    uow = fresh_uow()
    found = await _upload(uow, _units_file(2, set()))
    with pytest.raises(Invalid) as refused:
        await service.dry_run(uow.db, BOARD, found["import_id"], {**found["mapping"], "name_vi": None,
                                                                  "email": "Không có"}, "vi")
    fields = {e.field for e in refused.value.errors}
    assert fields == {"mapping.name_vi", "mapping.email"}


async def test_an_unreadable_file_is_a_clear_refusal():
    uow = fresh_uow()
    with pytest.raises(Invalid) as refused:
        await service.upload(uow.db, BOARD, "units", "x.xlsx", b"PK\x03\x04 not really a workbook")
    assert refused.value.errors[0].key == "import.file_unreadable"
    with pytest.raises(Invalid) as refused:
        await service.upload(uow.db, BOARD, "planets", "x.csv", b"a,b\n1,2\n")
    assert refused.value.errors[0].field == "kind"


async def test_participants_join_the_campaign_in_one_revision_once_with_the_registers_names():
    from thidua_intake.campaigns import service as campaigns
    from thidua_intake.units import service as units
    from thidua_intake.units.models import UnitWrite

    uow = fresh_uow()
    await store_campaign(uow)
    await units.put(uow, "daknong", "xa-moi", UnitWrite(name_vi="Xã Mới", unit_type="commune"), "can-bo")
    cols = [XlsxColumn("Mã đơn vị"), XlsxColumn("Cụm"), XlsxColumn("Tên đơn vị"), XlsxColumn("Loại")]
    data = write_xlsx(cols, [["xa-moi", "khoi-huyen", None, None], ["xa-khac", "khoi-huyen", "Xã Khác", "commune"],
                             ["xa-sai", "khong-co-cum", "Xã Sai", "commune"], ["xa-thieu", None, None, None]])  # fmt: skip
    found = await _upload(uow, data, "participants", campaign_id=CAMPAIGN)
    assert found["mapping"]["cluster_id"] == "Cụm"
    dry = await service.dry_run(uow.db, BOARD, found["import_id"], found["mapping"], "vi")
    assert dry["valid"] == 2 and {(e["row"], e["column"]) for e in dry["errors"]} == {
        (4, "Cụm"),  # no such cluster in the campaign
        (5, "Tên đơn vị"),  # neither in the file nor in the register
        (5, "Loại"),
    }
    before = (await campaigns.get(uow.db, "daknong", CAMPAIGN)).revision
    done = await service.confirm(uow, BOARD, found["import_id"], found["mapping"], "vi")
    assert (done["written"], done["already"]) == (2, 0)
    after = await campaigns.get(uow.db, "daknong", CAMPAIGN)
    assert after.revision == before + 1  # one new revision for the whole file
    added = {p.unit_id: p for p in after.participants}
    assert added["xa-moi"].name_vi == "Xã Mới" and added["xa-moi"].unit_type == "commune"  # from the register
    assert added["xa-khac"].cluster_id == "khoi-huyen" and "xa-sai" not in added
    again = await _upload(uow, data, "participants", campaign_id=CAMPAIGN)
    repeat = await service.confirm(uow, BOARD, again["import_id"], again["mapping"], "vi")
    assert (repeat["written"], repeat["already"]) == (0, 2)
    assert (await campaigns.get(uow.db, "daknong", CAMPAIGN)).revision == before + 1


async def test_past_awards_are_imported_once_from_the_award_history_layout():
    from datetime import date

    from thidua_intake.units import service as units
    from thidua_intake.units.models import UnitWrite

    uow = fresh_uow()
    await units.put(uow, "daknong", "so-noi-vu", UnitWrite(name_vi="Sở Nội vụ", unit_type="department"), "can-bo")
    cols = [XlsxColumn(h) for h in ("Ngày quyết định", "Số quyết định", "Người ký", "Mã khen thưởng", "Năm",
                                    "Tập thể / cá nhân", "Họ và tên", "Mã đơn vị")]  # fmt: skip
    data = write_xlsx(cols, [
        [date(2018, 12, 5), "2457/QĐ-UBND", "Nguyễn Văn A", "bang-khen", 2018, "Cá nhân", "Trần Thị B", "so-noi-vu"],
        [date(2019, 1, 7), "12/QĐ-UBND", "Nguyễn Văn A", "bang-khen", "năm ngoái", "Tập thể", None, "so-noi-vu"],
        ["05/01/2017", "1/QĐ-UBND", "Nguyễn Văn A", "bang-khen", 2017, "Tập thể", None, "khong-co"],
    ])  # fmt: skip
    found = await _upload(uow, data, "awards")
    done = await service.confirm(uow, BOARD, found["import_id"], found["mapping"], "vi")
    assert done["written"] == 1
    assert {(e["row"], e["column"]) for e in done["errors"]} == {(3, "Năm"), (4, "Mã đơn vị")}
    stored = await uow.db.awards.find_one({})
    assert stored["decision"] == {"number": "2457/QĐ-UBND", "date": "2018-12-05", "signer": "Nguyễn Văn A"}
    assert stored["nominee"]["kind"] == "individual" and stored["source"] == "imported"
    again = await _upload(uow, data, "awards")
    repeat = await service.confirm(uow, BOARD, again["import_id"], again["mapping"], "vi")
    assert (repeat["written"], repeat["already"]) == (0, 1) and await uow.db.awards.count_documents({}) == 1
