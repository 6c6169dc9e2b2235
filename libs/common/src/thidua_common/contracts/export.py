"""Generate contracts/schemas/*.schema.json and contracts/asyncapi.json from the models.
`thidua-contracts --check` exits 1 when the files on disk differ from the models."""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .envelope import Envelope
from .registry import EVENT_TYPES, TOPICS


def _schema_name(event_type: str) -> str:
    return event_type.removeprefix("vn.thidua.")


def event_schema(event_type: str) -> dict[str, Any]:
    spec = EVENT_TYPES[event_type]
    envelope = Envelope.model_json_schema()
    payload = spec.model.model_json_schema(ref_template="#/$defs/{model}")
    defs = {**envelope.pop("$defs", {}), **payload.pop("$defs", {})}
    envelope["properties"]["type"] = {"const": event_type, "title": "Type"}
    envelope["properties"]["data"] = payload
    envelope["title"] = event_type
    envelope["description"] = spec.summary
    envelope["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    envelope["$id"] = f"https://thidua.vn/schemas/{_schema_name(event_type)}.schema.json"
    if defs:
        envelope["$defs"] = defs
    return envelope


OPERATIONS = {
    "intakePublishesCampaigns": ("send", "campaigns", "intake relays campaign changes from its outbox"),
    "intakePublishesSubmissions": (
        "send",
        "submissions",
        "intake relays accepted submissions, reviews and appeal decisions from its outbox",
    ),
    "intakePublishesUnits": ("send", "units", "intake relays unit registry changes (renames, merges, splits)"),
    "intakePublishesNominations": (
        "send",
        "nominations",
        "intake relays nomination stages, overdue stages and award decisions",
    ),
    "intakeConsumesInbound": ("receive", "inbound", "intake validates events published by other systems"),
    "intakePublishesInboundDeadLetters": ("send", "inbound_dlq", "intake parks invalid inbound events"),
    "scoringConsumesCampaigns": ("receive", "campaigns", "scoring keeps its copy of campaign criteria"),
    "scoringConsumesSubmissions": ("receive", "submissions", "scoring scores each submission"),
    "scoringPublishesScores": (
        "send",
        "scores",
        "scoring emits scores with explanations, and the campaigns it quarantines",
    ),
    "scoringPublishesDeadLetters": ("send", "scoring_dlq", "scoring parks the events of a campaign it quarantines"),
    "reportingConsumesCampaigns": ("receive", "campaigns", "reporting keeps unit and cluster names"),
    "reportingConsumesScores": ("receive", "scores", "reporting builds leaderboards and scorecards"),
    "reportingConsumesUnits": ("receive", "units", "reporting links merged and split units' histories"),
    # issue 10: the inbox of notifications the console shows
    "reportingConsumesSubmissions": (
        "receive",
        "submissions",
        "reporting keeps each person's inbox of submission steps",
    ),
    "reportingConsumesNominations": (
        "receive",
        "nominations",
        "reporting keeps the award history and nomination timeliness",
    ),
    "notifyConsumesCampaigns": ("receive", "campaigns", "notify keeps unit contact addresses"),
    "notifyConsumesScores": ("receive", "scores", "notify tells units their score"),
    "notifyConsumesNominations": (
        "receive",
        "nominations",
        "notify mails award decisions and escalates overdue stages",
    ),
    "notifyConsumesSubmissions": (
        "receive",
        "submissions",
        "notify tells units the review and appeal decisions on their reports",
    ),
    "notifyConsumesScoringQuarantines": (
        "receive",
        "scores",
        "notify mails the board when scoring quarantines a campaign",
    ),
    "notifyPublishesDeadLetters": ("send", "notify_dlq", "notify parks deliveries that failed every retry"),
    # issue 13: reports — review reports on schedule
    "reportingPublishesReviewReports": (
        "send",
        "reports",
        "reporting reminds units before a review date and tells the board its drafts are ready",
    ),
    "notifyConsumesReviewReports": ("receive", "reports", "notify mails review reminders and drafts ready"),
}


def asyncapi(prefix: str = "thidua") -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for event_type, spec in EVENT_TYPES.items():
        name = _schema_name(event_type).replace(".", "_")
        messages[name] = {
            "name": event_type,
            "title": event_type,
            "summary": spec.summary,
            "contentType": "application/cloudevents+json",
            "headers": {
                "type": "object",
                "properties": {
                    "ce_type": {"type": "string", "const": event_type},
                    "correlation_id": {"type": "string"},
                },
            },
            "payload": {"$ref": f"./schemas/{_schema_name(event_type)}.schema.json"},
        }
    for key, topic in TOPICS.items():
        topic_messages = {
            _schema_name(t).replace(".", "_"): {"$ref": f"#/components/messages/{_schema_name(t).replace('.', '_')}"}
            for t, s in EVENT_TYPES.items()
            if s.topic == key
        }
        channels[key] = {
            "address": f"{prefix}.{topic.suffix}",
            "description": topic.description,
            "messages": topic_messages,
            "bindings": {"kafka": {"partitions": topic.partitions, "bindingVersion": "0.5.0"}},
        }
    for op_id, (action, channel, who) in OPERATIONS.items():
        operations[op_id] = {
            "action": action,
            "channel": {"$ref": f"#/channels/{channel}"},
            "summary": who,
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Thi Đua events",
            "version": "1.0.0",
            "description": "Kafka topics of the Thi Đua platform. Every message is a CloudEvents 1.0 "
            "structured JSON event; the correlation id also travels in the `correlation_id` header. "
            "Delivery is at least once: consumers deduplicate by (source, id).",
        },
        "defaultContentType": "application/cloudevents+json",
        "servers": {"local": {"host": "127.0.0.1:9092", "protocol": "kafka"}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def rendered_files() -> dict[str, str]:
    files = {
        f"schemas/{_schema_name(t)}.schema.json": json.dumps(event_schema(t), indent=2, ensure_ascii=False) + "\n"
        for t in EVENT_TYPES
    }
    files["asyncapi.json"] = json.dumps(asyncapi(), indent=2, ensure_ascii=False) + "\n"
    return files


def drift(root: Path) -> list[str]:
    """Names of generated files that are missing or differ on disk."""
    out = []
    for rel, text in rendered_files().items():
        path = root / rel
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            out.append(rel)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Export event JSON Schemas and the AsyncAPI document")
    parser.add_argument("--out", default="contracts", type=Path)
    parser.add_argument("--check", action="store_true", help="fail if the files differ from the models")
    args = parser.parse_args(argv)
    if args.check:
        stale = drift(args.out)
        for rel in stale:
            print(f"out of date: {args.out / rel}", file=sys.stderr)
        return 1 if stale else 0
    for rel, text in rendered_files().items():
        path = args.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
