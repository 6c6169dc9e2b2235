"""`thidua-token`: mint a development token, e.g.
    thidua-token --tenant daknong --role unit_reporter --unit huyen-cu-jut

`thidua-api-key`: make an API key for another system and its THIDUA_API_KEYS entry, e.g.
    thidua-api-key --name he-thong-so-lieu --tenant daknong --role system [--unit …] [--expires …]
The key is printed once, for the system's operator; the configuration keeps only its digest."""

import argparse
import json
import sys
from datetime import timedelta

from pydantic import ValidationError

from ..settings import get_settings
from .api_keys import config_entry, new_key
from .principal import Role
from .tokens import mint_token


def main(argv: list[str] | None = None) -> None:
    settings = get_settings()
    parser = argparse.ArgumentParser(description="Mint a development JWT (signed with THIDUA_JWT_SECRET)")
    parser.add_argument("--tenant", required=True)
    parser.add_argument("--role", action="append", choices=[r.value for r in Role], required=True)
    parser.add_argument("--unit", help="the unit the holder acts for")
    parser.add_argument("--subject", default="dev-user")
    parser.add_argument(
        "--hours",
        type=float,
        default=min(12, settings.jwt_max_lifetime_seconds / 3600),
        help=f"lifetime, at most THIDUA_JWT_MAX_LIFETIME_SECONDS ({settings.jwt_max_lifetime_seconds / 3600:g} h)",
    )
    args = parser.parse_args(argv)
    try:
        token = mint_token(
            settings,
            subject=args.subject,
            tenant=args.tenant,
            roles=args.role,
            unit_id=args.unit,
            ttl=timedelta(hours=args.hours),
        )
    except ValueError as exc:
        parser.error(str(exc))
    print(token)


def api_key_main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Make an API key for another system: prints the key (give it to the system, once) and its "
        "THIDUA_API_KEYS entry (add it to the JSON list of intake and reporting; it holds only the key's digest)"
    )
    parser.add_argument("--name", required=True, help="who holds the key; recorded as the actor of its changes")
    parser.add_argument("--tenant", required=True)
    parser.add_argument("--role", action="append", choices=[r.value for r in Role], help="default: system")
    parser.add_argument("--unit", help="limit the key to this one unit")
    parser.add_argument("--expires", help="ISO 8601 date-time with time zone, e.g. 2027-06-30T00:00:00+07:00")
    args = parser.parse_args(argv)
    key = new_key()
    try:
        entry = config_entry(
            key, name=args.name, tenant=args.tenant, roles=args.role or ["system"], unit=args.unit, expires=args.expires
        )
    except ValidationError as exc:
        parser.error("; ".join(f"{'.'.join(map(str, e['loc'])) or 'entry'}: {e['msg']}" for e in exc.errors()))
    sys.stdout.write(f"key:   {key}\nentry: {json.dumps(entry, ensure_ascii=False)}\n")


if __name__ == "__main__":
    main()
