"""`thidua-token`: mint a development token, e.g.
    thidua-token --tenant daknong --role unit_reporter --unit huyen-cu-jut"""

import argparse
from datetime import timedelta

from ..settings import get_settings
from .principal import Role
from .tokens import mint_token


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Mint a development JWT (signed with THIDUA_JWT_SECRET)")
    parser.add_argument("--tenant", required=True)
    parser.add_argument("--role", action="append", choices=[r.value for r in Role], required=True)
    parser.add_argument("--unit", help="the unit the holder acts for")
    parser.add_argument("--subject", default="dev-user")
    parser.add_argument("--hours", type=float, default=12)
    args = parser.parse_args(argv)
    print(
        mint_token(
            get_settings(),
            subject=args.subject,
            tenant=args.tenant,
            roles=args.role,
            unit_id=args.unit,
            ttl=timedelta(hours=args.hours),
        )
    )


if __name__ == "__main__":
    main()
