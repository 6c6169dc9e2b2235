"""Issue 13 item 4: intake carries the statutory forms' classification on its events: a campaign's
scope and launching level (0601.N) from its definition, an award's level, form and recipient type
(0602.N / 0603.N) from the award kind's configuration when it is decided."""

import pytest
from pydantic import ValidationError

from thidua_common.contracts.campaign import CampaignDefined
from thidua_common.contracts.nomination import AwardDecided
from thidua_intake.campaigns.models import CampaignWrite
from thidua_intake.commendation_config.models import AwardKind
from thidua_intake.nominations.service import statistics_of

CHAIN = [{"id": "quyet-dinh", "name_vi": "Quyết định", "role": "chairperson", "service_days": 5, "kind": "decision"}]


def kind(**extra) -> AwardKind:
    return AwardKind.model_validate({"id": "bk", "name_vi": "Bằng khen", "nominee_kind": "collective",
                                     "chain": CHAIN, **extra})


def test_an_award_kind_with_a_level_gives_its_classification_with_defaults():
    assert statistics_of(kind(level="state", form="medal", recipient_type="enterprise")) == {
        "level": "state", "form": "medal", "recipient_type": "enterprise"}
    # the form defaults to "other", the recipient type to the nominee kind
    assert statistics_of(kind(level="ministry_province")) == {
        "level": "ministry_province", "form": "other", "recipient_type": "collective"}


def test_an_award_kind_without_a_level_or_unknown_gives_nothing():
    assert statistics_of(kind()) == {} and statistics_of(None) == {}


def test_unknown_values_are_refused():
    with pytest.raises(ValidationError):
        kind(level="commune")
    with pytest.raises(ValidationError):
        kind(level="state", form="golden-star")


def test_the_events_carry_the_fields_and_older_events_still_validate():
    award = {"nomination_id": "hs-1", "award_kind": "bk", "award_name_vi": "Bằng khen", "year": 2026,
             "nominee": {"kind": "individual", "unit_id": "dv-1"}, "basis": "regular",
             "decision": {"number": "1/QĐ-UBND", "date": "2026-01-05", "signer": "Chủ tịch"}}
    assert AwardDecided.model_validate(award).level is None  # decided before the configuration said it
    decided = AwardDecided.model_validate({**award, **statistics_of(kind(level="state", form="medal"))})
    assert decided.model_dump(mode="json")["form"] == "medal"
    campaign = {"campaign_id": "pt", "revision": 1, "name_vi": "Phong trào", "launched_by": "UBND tỉnh",
                "start": "2026-01-01", "end": "2026-12-31", "criteria_version": 1,
                "criteria": [{"id": "c", "name_vi": "Chỉ tiêu", "max_points": 10}]}
    old = CampaignDefined.model_validate(campaign)
    assert (old.scope, old.launch_level) == ("ministry_province", "ministry_province")
    write = CampaignWrite.model_validate({**{k: campaign[k] for k in ("name_vi", "launched_by", "start", "end",
                                                                      "criteria")},
                                          "scope": "cluster", "launch_level": "agency"})
    assert write.model_dump(mode="json")["scope"] == "cluster"
    with pytest.raises(ValidationError):
        CampaignWrite.model_validate({**{k: campaign[k] for k in ("name_vi", "launched_by", "start", "end",
                                                                  "criteria")}, "scope": "district"})
