"""`thidua-stack`: start, stop and report on the local stack.

thidua-stack up [--demo]   install what is missing, start everything, optionally the demo feed
thidua-stack status        one line per process: pid, port, log file
thidua-stack down          stop everything (data is kept under .local/stack)
thidua-stack logs NAME     print a process's log
thidua-stack env           export lines of the stack's settings, as its super user (issue 12), e.g.
                           eval "$(uv run thidua-stack env)" && uv run thidua-systems list
"""

import argparse
import sys
from pathlib import Path

from . import kafka_security
from .stack import CONSOLE, REPO, SERVICES, Stack

DEFAULT_HOME = REPO / ".local" / "stack"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="thidua-stack", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--home", type=Path, default=DEFAULT_HOME)
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up")
    up.add_argument("--demo", action="store_true", help="load the demo campaigns and keep feeding submissions")
    up.add_argument(
        "--keycloak",
        action="store_true",
        help="also run Keycloak with the realm thidua (or THIDUA_KEYCLOAK=1); intake and reporting accept its tokens",
    )
    sub.add_parser("down")
    sub.add_parser("status")
    sub.add_parser("env")
    logs = sub.add_parser("logs")
    logs.add_argument("name")
    restart = sub.add_parser("restart")
    restart.add_argument("name", choices=(*SERVICES, CONSOLE))
    args = parser.parse_args(argv)
    stack = Stack(args.home, keycloak=True if getattr(args, "keycloak", False) else None)

    if args.command == "up":
        stack.up()
        if args.demo:
            from .demo import start_demo

            start_demo(stack)
        print_where_to_look(stack)
    elif args.command == "down":
        from .demo import stop_demo

        stop_demo(stack)
        stack.down()
        print("stopped")
    elif args.command == "status":
        for row in stack.status():
            state = f"pid {row['pid']}" if row["pid"] else "stopped"
            port = f":{row['port']}" if row["port"] else ""
            print(f"{row['name']:<12} {state:<12} {port:<7} {'listening' if row['listening'] else '':<10} {row['log']}")
    elif args.command == "env":
        import shlex

        for key, value in stack.env().items():
            if key.startswith("THIDUA_") and key != "THIDUA_API_KEYS":
                print(f"export {key}={shlex.quote(value)}")
    elif args.command == "logs":
        sys.stdout.write((stack.log_dir / f"{args.name}.log").read_text(errors="replace"))
    elif args.command == "restart":
        stack.stop_service(args.name)
        stack.start_services((args.name,))
    return 0


def print_where_to_look(stack: Stack) -> None:
    from thidua_common.auth import mint_token

    token = mint_token(stack.settings(), subject="demo-board", tenant="daknong", roles=["board_officer"])
    p = stack.ports
    print(
        f"""
Thi Đua đang chạy / is running (data: {stack.home})

  Bảng xếp hạng công khai:    {stack.url("reporting")}/public/daknong   (public board: verified standings)
  Intake API (OpenAPI):       {stack.url("intake")}/docs
  Reporting API (OpenAPI):    {stack.url("reporting")}/docs
  Hộp thư (mail catcher):     http://127.0.0.1:{p.mail_http}/messages   (SMTP 127.0.0.1:{p.smtp})
  Kafka:                      127.0.0.1:{p.kafka} (SASL_PLAINTEXT, SCRAM-SHA-512)   MongoDB (SecantusDB): 127.0.0.1:{p.mongo}
  Kafka users (admin, one per service; passwords generated here): {kafka_security.credentials_file(stack.kafka_home)}
  Demo outside system (writes {stack.prefix}.inbound.demo.v1 only): {stack.demo_system_credentials_file}
    more systems: eval "$(uv run thidua-stack env)"   (the stack's settings, as the Kafka super user)
                  uv run thidua-systems add <name> --contact <email> --tenant daknong --all-units --kind submission
  Logs:                       {stack.log_dir}/

  Token (board officer, tenant daknong):
    {token}
  Other tokens:  uv run thidua-token --tenant daknong --role unit_reporter --unit huyen-cu-jut
  Stop:          uv run thidua-stack down        Status: uv run thidua-stack status
"""
    )
    if stack.with_keycloak:
        print_keycloak(stack)


def print_keycloak(stack: Stack) -> None:
    from .keycloak import DEV_CLIENT, SYSTEM_CLIENT

    kc = stack.keycloak
    creds = kc.credentials()
    print(
        f"""Bảng điều khiển / console:  {stack.url(CONSOLE)}/   (đăng nhập bằng một người dùng mẫu dưới đây /
                             sign in as one of the demo users below)

Keycloak (realm thidua; intake and reporting accept its tokens beside thidua-token's):
  Issuer:        {stack.keycloak_issuer}
  JWKS:          {kc.jwks_uri}
  Admin console: {stack.keycloak_url}/admin/   user {creds.admin_user}, password {creds.admin_password}
  System client: {SYSTEM_CLIENT}, secret {stack.keycloak_system_secret}
  Demo users (tenant daknong; passwords generated for this stack, kept in {kc.credentials_file}):"""
    )
    for user in stack.keycloak_users:
        print(f"    {user['username']:<30} {user['password']:<18} {','.join(user['roles']):<15} {user['unit'] or ''}")
    print(
        f"""  A token (password grant on the dev-only client {DEV_CLIENT}):
    curl -s {kc.token_endpoint} -d grant_type=password -d client_id={DEV_CLIENT} \\
      -d username=unit-reporter.huyen-cu-jut -d password='{creds.passwords["unit-reporter.huyen-cu-jut"]}'
"""
    )


if __name__ == "__main__":
    sys.exit(main())
