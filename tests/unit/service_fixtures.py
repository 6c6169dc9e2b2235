"""Shared set-up of the service-layer tests (test_service_*.py): a fresh fake unit of work per test,
a running campaign stored in it, and submissions made through the real service."""

from thidua_common.auth import Principal, Role
from thidua_common.contracts.submission import SubmissionSubmitted
from thidua_intake.campaigns import cache
from thidua_intake.submissions import service as submissions

from .fake_uow import FakeUnitOfWork
from .test_registration_rules import campaign

TENANT = "daknong"
CAMPAIGN = "pt-cai-cach"
UNIT = "huyen-cu-jut"
PERIOD = "2018-Q1"
VALUES = {"dung-han": 97.5, "dvc": 12}


def fresh_uow() -> FakeUnitOfWork:
    cache.forget()  # the validated-campaign cache is per process: no campaign of another test
    return FakeUnitOfWork()


async def store_campaign(uow: FakeUnitOfWork, **overrides) -> None:
    c = campaign(**overrides)
    await uow.db.campaigns.insert_one(
        {"_id": f"{TENANT}/{c.campaign_id}", "tenant": TENANT, **c.model_dump(mode="json")}
    )


def sub(unit: str = UNIT, period: str = PERIOD, **values) -> SubmissionSubmitted:
    return SubmissionSubmitted(campaign_id=CAMPAIGN, unit_id=unit, period=period, values={**VALUES, **values})


async def submit(uow: FakeUnitOfWork, body: SubmissionSubmitted | None = None, key: str | None = None):
    return await submissions.accept(uow, TENANT, body or sub(), submitted_by="reporter", channel="http",
                                    idempotency_key=key)


def who(*roles: Role, unit: str | None = None) -> Principal:
    return Principal(subject="someone", tenant=TENANT, roles=frozenset(roles), unit_id=unit)
