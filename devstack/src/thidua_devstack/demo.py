"""Demo: load the four campaigns through intake's API, then keep feeding submissions as the units
would (each with its own unit-reporter token), quarter after quarter, so the leaderboard moves."""

import argparse
import random
import sys
import time
from datetime import date

import httpx

from thidua_common.auth import mint_token
from thidua_common.settings import get_settings

from .commendation_data import commendation_config
from .demo_data import CURRENT_CAMPAIGN, CURRENT_YEAR, DEMO_USER_UNITS, TENANT, campaigns, units
from .processes import Managed


def load_campaigns(intake_url: str, settings=None) -> dict[str, dict]:
    settings = settings or get_settings()
    token = mint_token(settings, subject="demo-board", tenant=TENANT, roles=["board_officer"])
    data = campaigns()
    with httpx.Client(base_url=intake_url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        if client.get("/api/v1/config/commendation").status_code == 404:  # keep the board's own edits
            client.put("/api/v1/config/commendation", json=commendation_config()).raise_for_status()
        for unit_id, unit in units():
            response = client.put(f"/api/v1/units/{unit_id}", json=unit)
            if response.status_code != 409:  # 409: merged or split since an earlier run
                response.raise_for_status()
        for campaign_id, body in data.items():
            response = client.put(f"/api/v1/campaigns/{campaign_id}", json=body)
            response.raise_for_status()
            if response.json()["status"] == "draft":
                # a new campaign is a draft: launch it, then run it, so that units may report
                for status in ("launched", "running"):
                    client.post(
                        f"/api/v1/campaigns/{campaign_id}/status",
                        json={"status": status, "reason": "Công văn 2457/UBND-NC ngày 25/05/2018"},
                    ).raise_for_status()
    return data


def quarters(start_year: int, end_year: int) -> list[str]:
    return [f"{y}-Q{q}" for y in range(start_year, end_year + 1) for q in range(1, 5)]


def schedule() -> list[tuple[str, list[str]]]:
    """(period, campaign ids reported in it), in the order the demo feeds them: this year's
    movement first (what a newcomer looks at; the quarters ended so far), then 2016–2020."""
    data = campaigns()
    today = date.today()
    ended = [p for p in quarters(CURRENT_YEAR, CURRENT_YEAR) if int(p[-1]) * 3 < today.month]
    out = [(period, [CURRENT_CAMPAIGN]) for period in ended]
    for period in quarters(2016, 2020):
        year = int(period[:4])
        out.append(
            (period, [c for c, body in data.items() if c != CURRENT_CAMPAIGN and int(body["start"][:4]) <= year])
        )
    return out


def feed(intake_url: str, rate: float, limit: int | None = None, settings=None) -> int:
    """Submit the schedule's reports at `rate` per second (at most `limit`); returns how many intake
    refused (each printed to stderr)."""
    settings = settings or get_settings()
    refused = 0
    data = campaigns()
    rng = random.Random(2457)
    strength: dict[str, float] = {}  # a unit's lasting level, so that rankings have a shape
    tokens = {}
    sent = 0
    plan = schedule()
    last_current = max((p for p, ids in plan if CURRENT_CAMPAIGN in ids), default=None)
    with httpx.Client(base_url=intake_url, timeout=30) as client:
        for period, campaign_ids in plan:
            for campaign_id in campaign_ids:
                campaign = data[campaign_id]
                units = list(campaign["participants"])
                rng.shuffle(units)
                for unit in units:
                    uid = unit["unit_id"]
                    if campaign_id == CURRENT_CAMPAIGN and period == last_current and uid in DEMO_USER_UNITS:
                        continue  # left for the demo users to report in the console
                    strength.setdefault(uid, rng.uniform(0.55, 1.1))
                    if uid not in tokens:
                        tokens[uid] = mint_token(
                            settings, subject=f"vanthu.{uid}", tenant=TENANT, roles=["unit_reporter"], unit_id=uid
                        )
                    values = {
                        c["id"]: round(min(c["max_value"], c["target"] * strength[uid] * rng.uniform(0.8, 1.2)), 1)
                        for c in campaign["criteria"]
                        if c.get("scorer") != "reviewer_rating"  # rated by the cluster head, not reported
                    }
                    body = {
                        "tenant": TENANT,
                        "campaign_id": campaign_id,
                        "unit_id": uid,
                        "period": period,
                        "values": values,
                        "evidence": [
                            {
                                "url": f"https://vanban.daknong.thidua.local/{uid}/{period}.pdf",
                                "description": f"Báo cáo kết quả {period}",
                            }
                        ],
                    }
                    response = client.post(
                        "/api/v1/submissions",
                        json=body,
                        headers={
                            "Authorization": f"Bearer {tokens[uid]}",
                            "Idempotency-Key": f"demo:{campaign_id}:{uid}:{period}",
                        },
                    )
                    if response.status_code >= 400:
                        refused += 1
                        print(response.status_code, response.text, file=sys.stderr, flush=True)
                    sent += 1
                    if limit and sent >= limit:
                        return refused
                    time.sleep(1 / rate)
    return refused


def feeder(stack) -> Managed:
    return Managed(
        "demo-feed",
        [sys.executable, "-m", "thidua_devstack.demo", "feed", "--intake", stack.url("intake")],
        stack.run_dir,
        stack.log_dir,
        env=stack.env(),
    )


def start_demo(stack) -> None:
    load_campaigns(stack.url("intake"), stack.settings())
    feeder(stack).start()


def stop_demo(stack) -> None:
    feeder(stack).stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    f = sub.add_parser("feed")
    f.add_argument("--intake", required=True)
    f.add_argument("--rate", type=float, default=4.0, help="submissions per second")
    f.add_argument("--limit", type=int)
    args = parser.parse_args()
    feed(args.intake, args.rate, args.limit)


if __name__ == "__main__":
    main()
