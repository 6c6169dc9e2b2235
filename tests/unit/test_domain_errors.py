"""Issue 9: rules and services raise domain errors; the HTTP app maps each class to its status
once, with the message and fields in the reader's language (a Localized parameter rendered there)."""

from datetime import date

import httpx
import pytest

from thidua_common.errors import Conflict, DomainError, FieldError, Forbidden, Invalid, NotFound
from thidua_common.http import create_app
from thidua_common.http.app import domain_status
from thidua_common.i18n import Localized, format_date
from thidua_common.settings import Settings
from thidua_intake.units import rules as unit_rules


@pytest.mark.parametrize(("cls", "status"), [(Invalid, 422), (NotFound, 404), (Conflict, 409), (Forbidden, 403)])
async def test_each_domain_error_is_answered_with_its_status_in_the_readers_language(cls, status):
    app = create_app("test", Settings())
    day = Localized(lambda lang: format_date(date(2026, 3, 1), lang))

    @app.get("/thing")
    async def thing() -> dict:
        raise cls("unit.effective_before", [FieldError("effective", "unit.effective_before",
                                                       {"id": "h", "effective": day, "valid_from": day})],
                  id="h", effective=day, valid_from=day)

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        vi = await client.get("/thing")
        en = await client.get("/thing", headers={"Accept-Language": "en"})
    assert vi.status_code == en.status_code == status == domain_status(cls("x"))
    assert "01/03/2026" in vi.json()["message"] and "2026-03-01" in en.json()["message"]
    assert en.json()["errors"][0]["field"] == "effective"
    assert en.json()["errors"][0]["code"] == "unit.effective_before"
    assert vi.json()["message"] != en.json()["message"]


def test_unit_rules_no_longer_take_a_language_the_edge_renders_dates():
    unit = {"unit_id": "h", "name_vi": "Cũ", "valid_from": "2020-01-01", "status": "merged"}
    error = unit_rules.effective_error("effective", unit, date(2019, 1, 1), date(2020, 1, 1))
    assert error.render("vi")["reason"] != error.render("en")["reason"]
    inactive = unit_rules.inactive("unit_id", unit)
    assert isinstance(inactive.params["state"], Localized)
    assert issubclass(Invalid, DomainError) and not issubclass(Invalid, Conflict)
