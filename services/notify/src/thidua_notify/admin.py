"""issue 15: channels — notify's operator commands (python -m thidua_notify.admin):
webhooks add --tenant T --url U --kinds K1,K2 --secret-env VAR   (the secret from an environment variable, never argv)
webhooks list [--tenant T]                                       (secrets not shown)
deliveries EVENT_ID                                              (the delivery log: attempts, channel, outcome, Message-ID)
"""

import argparse
import asyncio
import json
import os
import sys

from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.mongo import make_client
from thidua_common.settings import get_settings

from . import templates, unsubscribe
from .service import delivery_message_id
from .webhooks import subscriptions


async def delivery_log(db: AsyncDatabase, event_id: str) -> list[dict]:
    """Every delivery of one event (one per channel, one per webhook subscription), with its attempts."""
    # the ids that start with "<event id>:" (";" sorts right after ":"), on the _id index
    found = await db.deliveries.find({"_id": {"$gte": f"{event_id}:", "$lt": f"{event_id};"}}).to_list(None)
    rows = []
    for d in sorted(found, key=lambda d: d["_id"]):
        rows.append(
            {
                "delivery": d["_id"],
                "channel": d["channel"],
                "status": d["status"],
                "recipient": d.get("recipient", ""),
                "message_id": d.get("message_id") or delivery_message_id(d),
                "attempts": [
                    {"at": str(h["at"]), "outcome": h["outcome"], "error": h.get("error")} for h in d.get("history", [])
                ],
            }
        )
    return rows


async def list_webhooks(db: AsyncDatabase, tenant: str | None) -> list[dict]:
    found = await db.webhook_subscriptions.find({"tenant": tenant} if tenant else {}).to_list(None)
    return [{k: v for k, v in s.items() if k != "secret"} for s in found]


async def run(args: argparse.Namespace) -> object:
    if args.command == "templates" and args.action == "preview":  # no database needed
        subject = open(args.subject_file, encoding="utf-8").read() if args.subject_file else None
        body = open(args.body_file, encoding="utf-8").read() if args.body_file else None
        rendered = templates.preview(args.kind, args.lang, subject, body)
        return {"subject": rendered[0], "body": rendered[1]}
    settings = get_settings()
    if args.command == "unsubscribe" and args.action == "token":
        if unsubscribe.mandatory(args.kind):
            raise ValueError("kind: loại thư bắt buộc, không thể hủy nhận / a mandatory kind")
        return {"token": unsubscribe.token(settings.jwt_secret, args.tenant, args.recipient, args.kind)}
    client = make_client(settings)
    db = client[settings.db_name("notify")]
    try:
        if args.command == "deliveries":
            return await delivery_log(db, args.event_id)
        if args.command == "unsubscribe":
            tenant, recipient, kind = await unsubscribe.apply(db, settings.jwt_secret, args.token)
            return {"unsubscribed": {"tenant": tenant, "recipient": recipient, "kind": kind}}
        if args.command == "templates":
            if args.action == "remove":
                await templates.remove(db, args.tenant, args.kind, args.lang)
                return {"removed": f"{args.tenant}/{args.kind}/{args.lang}"}
            subject = open(args.subject_file, encoding="utf-8").read()
            body = open(args.body_file, encoding="utf-8").read()
            await templates.save(db, args.tenant, args.kind, args.lang, subject, body)
            return {"saved": f"{args.tenant}/{args.kind}/{args.lang}"}
        if args.action == "add":
            secret = os.environ.get(args.secret_env, "")
            kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
            return {"subscription": await subscriptions.save(db, args.tenant, args.url, kinds, secret)}
        return await list_webhooks(db, args.tenant)
    finally:
        await client.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m thidua_notify.admin")
    commands = parser.add_subparsers(dest="command", required=True)
    hooks = commands.add_parser("webhooks")
    actions = hooks.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add")
    add.add_argument("--tenant", required=True)
    add.add_argument("--url", required=True)
    add.add_argument("--kinds", required=True, help="event types, comma separated; * for all")
    add.add_argument("--secret-env", required=True, help="name of the environment variable holding the secret")
    listing = actions.add_parser("list")
    listing.add_argument("--tenant")
    deliveries = commands.add_parser("deliveries")
    deliveries.add_argument("event_id")
    tpl = commands.add_parser("templates").add_subparsers(dest="action", required=True)
    for action in ("preview", "set", "remove"):
        sub = tpl.add_parser(action)
        sub.add_argument("--kind", required=True, choices=sorted(templates.SAMPLES))
        sub.add_argument("--lang", default="vi", choices=templates.LANGUAGES)
        if action != "preview":
            sub.add_argument("--tenant", required=True)
        if action != "remove":
            sub.add_argument("--subject-file", required=action == "set")
            sub.add_argument("--body-file", required=action == "set")
    unsub = commands.add_parser("unsubscribe").add_subparsers(dest="action", required=True)
    issue = unsub.add_parser("token")
    issue.add_argument("--tenant", required=True)
    issue.add_argument("--recipient", required=True)
    issue.add_argument("--kind", required=True)
    unsub.add_parser("apply").add_argument("token")
    args = parser.parse_args(argv)
    try:
        result = asyncio.run(run(args))
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        raise SystemExit(2) from None
    print(json.dumps(result, ensure_ascii=False, indent=2, default=str))


if __name__ == "__main__":
    main()
