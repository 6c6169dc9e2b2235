"""`thidua-deadletters`: list, show and replay dead letters; print the reasons table.

It talks only to Kafka, with the services' settings (THIDUA_KAFKA_BOOTSTRAP, THIDUA_TOPIC_PREFIX and
the SASL/TLS settings of thidua_common.settings). Vietnamese by default, English with --lang en.
Exit status: 0 done; 1 something was not found, refused or already replayed; 2 bad arguments or
Kafka unreachable."""

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from aiokafka.errors import KafkaError

from ..contracts.registry import topic_name
from ..i18n import t
from ..settings import Settings, get_settings
from . import kafka_io, reasons
from .ledger import Replay
from .records import DeadLetter, Filter, parse_time


class Usage(Exception):
    """A bad argument, said in the operator's language."""


def _time(value: str, lang: str) -> datetime:
    parsed = parse_time(value)
    if parsed is None:
        raise Usage(t("deadletters.bad_time", lang, value=value))
    return parsed


def _topics(settings: Settings, names: Sequence[str] | None, lang: str) -> list[str]:
    if not names:
        return [topic_name(settings.topic_prefix, key) for key in kafka_io.DEAD_LETTER_TOPICS]
    resolved = []
    for name in names:
        try:
            resolved.append(kafka_io.dead_letter_topic(settings, name))
        except ValueError:
            known = ", ".join(topic_name(settings.topic_prefix, k) for k in kafka_io.DEAD_LETTER_TOPICS)
            raise Usage(t("deadletters.unknown_topic", lang, topic=name, topics=known)) from None
    return resolved


def _when(at: datetime | None) -> str:
    return at.astimezone(UTC).isoformat(timespec="seconds") if at else "-"


def list_line(letter: DeadLetter, replayed: Replay | None, lang: str) -> str:
    cells = [
        letter.ledger_key,
        _when(letter.failed_at),
        letter.reason_code,
        letter.source_topic or "-",
        letter.system or "-",
        letter.event_id or "-",
        letter.event_type or "-",
        t("deadletters.yes" if replayed else "deadletters.no", lang),
    ]
    return " | ".join(cells)


def show_text(letter: DeadLetter, replayed: Replay | None, lang: str) -> str:
    reason = letter.reason
    lines = [
        f"{t('deadletters.show.where', lang)}: {letter.ledger_key}",
        f"{t('deadletters.show.failed_at', lang)}: {_when(letter.failed_at)}",
        f"{t('deadletters.show.source', lang)}: {letter.source_topic or '-'}"
        + (
            f" / {letter.header('dlq_source_partition')} / {letter.header('dlq_source_offset')}"
            if letter.source_topic
            else ""
        ),
        f"{t('deadletters.show.system', lang)}: {letter.system or '-'}"
        + (f" <{letter.contact}>" if letter.contact else ""),
        f"{t('deadletters.show.event', lang)}: {letter.event_id or '-'} ({letter.event_type or '-'})",
        f"{t('deadletters.show.key', lang)}: {letter.key.decode(errors='replace') if letter.key else '-'}",
        f"{t('deadletters.show.reason', lang)}: {letter.reason_code}",
        f"  {t('deadletters.show.reason_vi', lang)}: {reason.get('message', '')}",
        f"  {t('deadletters.show.reason_en', lang)}: {reason.get('message_en', '')}",
    ]
    errors = reason.get("errors") or []
    if errors:
        lines.append(f"  {t('deadletters.show.errors', lang)}:")
        for error in errors:
            if isinstance(error, dict):
                english = f" / {error['reason_en']}" if error.get("reason_en") else ""
                lines.append(
                    f"    - {error.get('field', '?')}: {error.get('reason', '')}{english} ({error.get('code', '')})"
                )
    lines.append(f"{t('deadletters.show.headers', lang)}:")
    lines += [f"  {name}: {value.decode(errors='replace')}" for name, value in letter.headers]
    lines.append(
        t("deadletters.show.replayed", lang, when=replayed.replayed_at, new_id=replayed.new_id or "-")
        if replayed
        else t("deadletters.show.not_replayed", lang)
    )
    lines.append(f"{t('deadletters.show.payload', lang)}:")
    payload = letter.payload
    if payload is None:
        lines.append(t("deadletters.show.not_json", lang, size=len(letter.value)))
        lines.append(letter.value.decode(errors="replace"))
    else:
        lines.append(json.dumps(payload, ensure_ascii=False, indent=2))
    return "\n".join(lines)


def outcome_line(topic: str, outcome: kafka_io.Outcome, lang: str, partition: int = 0) -> str:
    where = f"{topic}/{partition}/{outcome.offset}"
    replay = outcome.replay
    if outcome.refused:
        reason = t(outcome.refused, lang, **outcome.params)
        return t("deadletters.refused", lang, where=where, reason=reason)
    assert replay is not None
    if outcome.already:
        return t("deadletters.already", lang, where=where, when=replay.replayed_at, new_id=replay.new_id or "-")
    if replay.as_is:
        return t("deadletters.replayed_as_is", lang, where=where, topic=replay.target_topic)
    return t(
        "deadletters.replayed",
        lang,
        where=where,
        topic=replay.target_topic,
        new_id=replay.new_id,
        original_id=replay.original_id,
    )


async def _list(settings: Settings, args: argparse.Namespace) -> int:
    lang = args.lang
    keep = Filter(
        reason=args.reason,
        source=args.source,
        system=args.system,
        since=_time(args.since, lang) if args.since else None,
        until=_time(args.until, lang) if args.until else None,
    )
    topics = _topics(settings, args.topic, lang)
    letters = [d for d in await kafka_io.read_dead_letters(settings, topics) if keep(d)]
    done = await kafka_io.read_ledger(settings)
    if not letters:
        print(t("deadletters.none", lang))
        return 0
    print(t("deadletters.columns", lang))
    for letter in letters:
        print(list_line(letter, done.get(letter.ledger_key), lang))
    print(t("deadletters.count", lang, count=len(letters)))
    return 0


async def _show(settings: Settings, args: argparse.Namespace) -> int:
    [topic] = _topics(settings, [args.topic], args.lang)
    letter = await kafka_io.read_dead_letter(settings, topic, args.offset, args.partition)
    if letter is None:
        print(t("deadletters.not_found", args.lang, topic=topic, offset=args.offset), file=sys.stderr)
        return 1
    done = await kafka_io.read_ledger(settings)
    print(show_text(letter, done.get(letter.ledger_key), args.lang))
    return 0


async def _replay(settings: Settings, args: argparse.Namespace) -> int:
    [topic] = _topics(settings, [args.topic], args.lang)
    outcomes = await kafka_io.replay(settings, topic, args.offsets, as_is=args.as_is, partition=args.partition)
    for outcome in outcomes:
        print(outcome_line(topic, outcome, args.lang, args.partition))
    return 0 if all(o.replay and not o.already for o in outcomes) else 1


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="thidua-deadletters",
        description="List, show and replay dead letters (thư lỗi) of the Thi Đua topics. Kafka settings: THIDUA_*.",
    )
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="output language (default vi)")
    sub = p.add_subparsers(dest="command", required=True)
    ls = sub.add_parser("list", help="list dead letters (all dead-letter topics unless --topic)")
    ls.add_argument("--topic", action="append", help="inbound_dlq, inbound.dlq.v1 or the whole name; repeatable")
    ls.add_argument("--reason", help="reason code, e.g. request.invalid")
    ls.add_argument("--source", help="source topic (whole name or its end, e.g. inbound.v1)")
    ls.add_argument("--system", help="the publishing system (dlq_system header)")
    ls.add_argument("--since", help="failed at or after (ISO 8601; UTC unless an offset is given)")
    ls.add_argument("--until", help="failed before (ISO 8601; UTC unless an offset is given)")
    show = sub.add_parser("show", help="show one dead letter: headers, reason, original payload")
    show.add_argument("topic")
    show.add_argument("offset", type=int)
    show.add_argument("--partition", type=int, default=0)
    replay = sub.add_parser("replay", help="replay dead letters to their source topic once, after a fix")
    replay.add_argument("topic")
    replay.add_argument("offsets", type=int, nargs="+")
    replay.add_argument("--partition", type=int, default=0)
    replay.add_argument("--as-is", action="store_true", help="replay a record that is not a CloudEvent unchanged")
    sub.add_parser("reasons", help="print the dead-letter reasons table (docs/integration.md)")
    return p


COMMANDS = {"list": _list, "show": _show, "replay": _replay}


def main(argv: Sequence[str] | None = None, settings: Settings | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "reasons":
        sys.stdout.write(reasons.markdown())
        return 0
    settings = settings or get_settings()
    try:
        return asyncio.run(COMMANDS[args.command](settings, args))
    except Usage as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except (KafkaError, OSError, TimeoutError) as exc:
        error = str(exc) or type(exc).__name__
        print(
            t("deadletters.kafka_unreachable", args.lang, bootstrap=settings.kafka_bootstrap, error=error),
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
