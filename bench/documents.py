"""Review-report documents per second (issue 13: reports): the units' drafts of a 2 000-unit campaign.

    uv run python bench/documents.py                     # 2 000 units; PDF for 200 of them
    uv run python bench/documents.py --units 500 --pdf-units 500 --batch 50

In process, no stack: a campaign of `--units` participants in clusters of 200, four quarters of
verified scores per unit (two criteria) and 50 awards, as reporting's read models hold them. Timed,
one after the other, in the same run:

1. **assemble** — the figures of the interim review (reviews.assemble.assemble) and each unit's own
   (for_unit): the data without any rendering (baseline 1);
2. **raw docx** — python-docx's empty document with one paragraph, saved per unit (baseline 2: the
   floor any DOCX costs);
3. **DOCX** — each unit's draft (reviews.render.unit_report: Decree 30 layout, tables): docs/s;
4. **DOCX+PDF** — the same drafts for `--pdf-units` units converted by LibreOffice headless
   (documents.pdf.to_pdf_many: `--batch` documents per soffice start, its concurrency), docs/s
   counting rendering and conversion.

The load average is printed beside the figures: absolute numbers on this machine swing with
whatever else runs; the ratios to the baselines in the same run do not.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

from docx import Document

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from thidua_reporting.documents import pdf as pdf_module  # noqa: E402
from thidua_reporting.reviews.assemble import assemble, for_unit  # noqa: E402
from thidua_reporting.reviews.render import Agency, unit_report  # noqa: E402
from thidua_reporting.reviews.schedule import reviews_of  # noqa: E402

AGENCY = Agency("UBND tỉnh Đắk Nông", "Hội đồng Thi đua - Khen thưởng", "HĐTĐKT", "Đắk Nông")


def campaign(units: int) -> dict:
    clusters = (units + 199) // 200
    return {
        "campaign_id": "pt-bench",
        "name_vi": "Thi đua chung sức xây dựng nông thôn mới",
        "launched_by": "UBND tỉnh Đắk Nông",
        "start": "2026-01-01",
        "end": "2026-12-31",
        "reporting_frequency": "quarter",
        "interim_reviews": ["2027-01-15"],
        "final_review": None,
        "missing_reports": "zero",
        "criteria": [
            {"id": "ho-thoat-ngheo", "name_vi": "Số hộ thoát nghèo", "unit_of_measure": "hộ", "max_points": 60},
            {"id": "ty-le-bhyt", "name_vi": "Tỷ lệ bao phủ bảo hiểm y tế", "unit_of_measure": "%", "max_points": 40},
        ],
        "clusters": [{"id": f"khoi-{c}", "name_vi": f"Khối thi đua số {c + 1}"} for c in range(clusters)],
        "participants": [
            {
                "unit_id": f"don-vi-{i}",
                "name_vi": f"Ủy ban nhân dân xã số {i}",
                "unit_type": "commune",
                "cluster_id": f"khoi-{i // 200}",
            }
            for i in range(units)
        ],
    }


def scores(units: int) -> list[dict]:
    out = []
    for i in range(units):
        for q in range(1, 5):
            value = 40 + (i * 7 + q * 13) % 90
            out.append(
                {
                    "unit_id": f"don-vi-{i}",
                    "period": f"2026-Q{q}",
                    "status": "verified",
                    "withdrawn": False,
                    "total": value * 0.8,
                    "submitted_at": datetime(2026, 3 * q, 28, tzinfo=UTC).isoformat(),
                    "criteria": [
                        {"criterion_id": "ho-thoat-ngheo", "value": value, "target": 100},
                        {"criterion_id": "ty-le-bhyt", "value": 70 + value % 30, "target": 90},
                    ],
                }
            )
    return out


def awards(units: int) -> list[dict]:
    return [
        {
            "award_name_vi": "Bằng khen của Chủ tịch UBND tỉnh",
            "nominee": {"kind": "collective", "unit_id": f"don-vi-{i}"},
            "decision": {"number": f"{i + 1}/QĐ-UBND", "date": "2026-10-01"},
        }
        for i in range(0, units, max(1, units // 50))
    ]


def raw_docx(text: str) -> bytes:
    doc = Document()
    doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.1f}/s ({seconds:.2f} s for {n})"


async def pdfs(docxs: list[bytes], batch: int) -> list[bytes]:
    chunks = [docxs[i : i + batch] for i in range(0, len(docxs), batch)]
    done = await asyncio.gather(*(pdf_module.to_pdf_many(chunk) for chunk in chunks))
    return [p for chunk in done for p in chunk]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--pdf-units", type=int, default=200, help="units whose drafts are also converted to PDF")
    parser.add_argument("--batch", type=int, default=50, help="documents per LibreOffice start")
    args = parser.parse_args()

    c, s, a = campaign(args.units), scores(args.units), awards(args.units)
    review = reviews_of(c)[0]
    load = os.getloadavg()
    print(f"bench/documents.py — {args.units} units, {len(s)} scores; load average {load[0]:.2f} {load[1]:.2f}")
    print(f"LibreOffice concurrency {pdf_module.CONCURRENCY}, {args.batch} documents per start")

    t0 = time.perf_counter()
    figures = assemble(c, review, s, a)
    units = [for_unit(figures, p["unit_id"]) for p in c["participants"]]
    t_assemble = time.perf_counter() - t0
    print(f"1. assemble (no rendering)      {rate(args.units, t_assemble)}")

    t0 = time.perf_counter()
    for u in units:
        raw_docx(u.unit_name)
    t_raw = time.perf_counter() - t0
    print(f"2. raw docx save (baseline)     {rate(args.units, t_raw)}")

    t0 = time.perf_counter()
    docxs = [unit_report(u, AGENCY) for u in units]
    t_docx = time.perf_counter() - t0
    size = sum(map(len, docxs)) / len(docxs)
    print(
        f"3. DOCX unit drafts             {rate(args.units, t_docx)}; {size / 1024:.1f} KiB each; "
        f"{t_docx / t_raw:.1f}× raw docx"
    )

    n = min(args.pdf_units, args.units)
    t0 = time.perf_counter()
    subset = [unit_report(u, AGENCY) for u in units[:n]]
    made = asyncio.run(pdfs(subset, args.batch))
    t_pdf = time.perf_counter() - t0
    assert len(made) == n and all(p.startswith(b"%PDF") for p in made)
    print(f"4. DOCX+PDF unit drafts         {rate(n, t_pdf)}; {t_pdf / n / (t_docx / args.units):.1f}× DOCX alone")
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {date.today().isoformat()}")


if __name__ == "__main__":
    main()
