"""The benchmark campaign, what its units submit, and the submission.received template every
generated event is made from."""

from __future__ import annotations

import json
import random
import uuid
from datetime import UTC, datetime

from thidua_common.contracts import Envelope, new_event
from thidua_common.contracts.registry import SUBMISSION_RECEIVED
from thidua_common.contracts.submission import SubmissionReceived
from thidua_common.kafka import encode_event

TENANT = "daknong"
CAMPAIGN_ID = "bench-pt"
CRITERIA = [
    # id, name, max_points, target, max_value
    ("ho-thoat-ngheo", "Số hộ thoát nghèo", 35, 150, 20000),
    ("nha-dai-doan-ket", "Nhà đại đoàn kết xây mới và sửa chữa", 25, 10, 2000),
    ("quy-vi-nguoi-ngheo", "Vận động Quỹ Vì người nghèo", 20, 300, 100000),
    ("lao-dong-viec-lam", "Lao động nghèo được đào tạo nghề, giới thiệu việc làm", 20, 40, 10000),
]
CLUSTERS = ["khoi-huyen", "khoi-so-nganh", "khoi-doan-the", "khoi-trung-uong", "khoi-doanh-nghiep"]
PERIODS = [f"{y}-Q{q}" for y in range(2016, 2021) for q in range(1, 5)]


# -- payloads ------------------------------------------------------------------------------------
def unit_id(i: int) -> str:
    return f"don-vi-{i:04d}"


def campaign_body(participants: int) -> dict:
    return {
        "name_vi": "Phong trào đo hiệu năng: chung tay vì người nghèo",
        "name_en": "Benchmark campaign",
        "launched_by": "UBND tỉnh Đắk Nông",
        "kind": "themed",
        "start": "2016-01-01",
        "end": "2020-12-31",
        "reporting_frequency": "quarter",
        "goals_vi": ["Giảm tỷ lệ hộ nghèo bình quân 2–3%/năm"],
        "criteria": [
            {"id": cid, "name_vi": name, "max_points": mp, "target": target, "max_value": mx}
            for cid, name, mp, target, mx in CRITERIA
        ],
        "clusters": [{"id": c, "name_vi": f"Cụm {c}"} for c in CLUSTERS],
        "participants": [
            {
                "unit_id": unit_id(i),
                "name_vi": f"Đơn vị thi đua số {i}",
                "unit_type": "district",
                "cluster_id": CLUSTERS[i % len(CLUSTERS)],
                "email": f"vanthu.{unit_id(i)}@daknong.thidua.local",
            }
            for i in range(participants)
        ],
    }


def submission_fields(rng: random.Random, unit: str) -> dict:
    """What a unit submits (SubmissionSubmitted), with values inside every criterion's range."""
    return {
        "campaign_id": CAMPAIGN_ID,
        "unit_id": unit,
        "period": rng.choice(PERIODS),
        "values": {cid: float(rng.randint(0, int(target * 1.5))) for cid, _, _, target, _ in CRITERIA},
        "evidence": [{"url": "https://vanban.daknong.test/bao-cao-quy.pdf", "description": "Báo cáo kết quả quý"}],
        "note": "Số liệu đã được lãnh đạo đơn vị phê duyệt.",
    }


class Template:
    """The submission.received record intake emitted for the probe submission. Events made from it
    carry whatever fields the contract has today and are keyed the way intake keys them."""

    def __init__(self, value: bytes, key: bytes | None, headers: list, unit: str):
        self.value, self.key, self.headers, self.unit = value, key, headers, unit
        self.envelope = Envelope.model_validate(json.loads(value))

    def key_for(self, unit: str) -> bytes | None:
        if self.key is None:
            return None
        key = self.key.decode()
        # intake keys by tenant/campaign/unit or by tenant/campaign: keep whichever it uses
        return (key[: -len(self.unit)] + unit).encode() if key.endswith("/" + self.unit) else self.key

    def event(self, rng: random.Random, unit: str) -> tuple[Envelope, bytes, list, bytes | None]:
        fields = submission_fields(rng, unit)
        data = {
            **self.envelope.data,
            **fields,
            "submission_id": str(uuid.uuid4()),
            "submitted_at": datetime.now(UTC).isoformat(),
            "submitted_by": f"vanthu-{unit}",
        }
        payload = SubmissionReceived.model_validate(data)
        event = new_event(
            type=SUBMISSION_RECEIVED,
            source=self.envelope.source,
            tenant=self.envelope.tenant,
            subject=f"{CAMPAIGN_ID}/{unit}/{fields['period']}",
            data=payload,
        )
        value, headers = encode_event(event)
        return event, value, headers, self.key_for(unit)
