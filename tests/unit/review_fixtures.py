"""Read-model documents for the review-report tests (issue 13: reports): a campaign with two
clusters and quarterly reports, scores as reporting's period_scores holds them, awards as its
awards projection holds them."""

from datetime import UTC, datetime


def campaign(units: int = 4, **over) -> dict:
    return {
        "tenant": "daknong",
        "campaign_id": "pt-so-ket",
        "revision": 3,
        "name_vi": "Thi đua chung sức xây dựng nông thôn mới",
        "launched_by": "UBND tỉnh Đắk Nông",
        "start": "2026-01-01",
        "end": "2026-12-31",
        "reporting_frequency": "quarter",
        "interim_reviews": ["2026-07-15"],
        "final_review": "2027-01-20",
        "missing_reports": "zero",
        "criteria": [
            {"id": "ho-thoat-ngheo", "name_vi": "Số hộ thoát nghèo", "unit_of_measure": "hộ", "max_points": 60, "target": 100},
            {"id": "ty-le-bhyt", "name_vi": "Tỷ lệ bao phủ bảo hiểm y tế", "unit_of_measure": "%", "max_points": 40, "target": 90},
        ],
        "clusters": [{"id": "khoi-huyen", "name_vi": "Khối các huyện"}, {"id": "khoi-so", "name_vi": "Khối sở ngành"}],
        "participants": [
            {
                "unit_id": f"don-vi-{i}",
                "name_vi": f"Đơn vị số {i}",
                "unit_type": "district",
                "cluster_id": "khoi-huyen" if i % 2 else "khoi-so",
                "email": f"don-vi-{i}@test",
            }
            for i in range(1, units + 1)
        ],
        **over,
    }


def score(unit: str, period: str, households: float, coverage: float, total: float, status="verified", **over) -> dict:
    return {
        "tenant": "daknong",
        "campaign_id": "pt-so-ket",
        "unit_id": unit,
        "period": period,
        "status": status,
        "withdrawn": False,
        "total": total,
        "max_total": 100,
        "submitted_at": over.pop("submitted_at", datetime(2026, 4, 5, tzinfo=UTC)).isoformat(),
        "criteria": [
            {"criterion_id": "ho-thoat-ngheo", "value": households, "target": 100, "points": 0, "max_points": 60},
            {"criterion_id": "ty-le-bhyt", "value": coverage, "target": 90, "points": 0, "max_points": 40},
        ],
        **over,
    }


def award(unit: str, number: str, day: str, kind="collective", person=None) -> dict:
    return {
        "tenant": "daknong",
        "campaign_id": "pt-so-ket",
        "award_kind": "bang-khen-ubnd",
        "award_name_vi": "Bằng khen của Chủ tịch UBND tỉnh",
        "nominee": {"kind": kind, "unit_id": unit, "person_name": person, "position": "Trưởng phòng" if person else None},
        "year": 2026,
        "decision": {"number": number, "date": day, "signer": "Chủ tịch UBND tỉnh"},
    }
