"""`brandstation console add-user | passwd | enable | disable | list-users`: console accounts from the shell."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from bot.console.passwords import DEFAULT_KDF
from bot.console.store import DISTRIBUTOR_REP, ROLES, ConsoleError, ConsoleStore

KDF = DEFAULT_KDF  # the scrypt cost of new hashes (tests lower it)


def register_cli(subparsers: Any) -> argparse.ArgumentParser:
    """Add `console ...` to a `brandstation` argparse subparsers object; dispatch goes to run_cli."""
    parser: argparse.ArgumentParser = subparsers.add_parser("console", help="sales console accounts")
    _add_commands(parser)
    parser.set_defaults(handler=run_cli)
    return parser


def main(argv: list[str] | None = None) -> int:
    """`python -m bot.console.cli ...` (the same as `brandstation console ...`)."""
    parser = argparse.ArgumentParser(prog="brandstation console", description="sales console accounts")
    _add_commands(parser)
    args = parser.parse_args(argv)
    try:
        return run_cli(args)
    except ConsoleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def run_cli(args: argparse.Namespace) -> int:
    """Run a parsed `console` command."""
    from bot.settings import get_settings

    settings = get_settings()
    store = ConsoleStore(args.db or settings.db(), kdf=KDF)
    command = args.console_command
    if command == "list-users":
        users = store.users()
        if args.json:
            for user in users:
                print(json.dumps(user.__dict__, ensure_ascii=False))
            return 0
        for user in users:
            state = "active" if user.active else "disabled"
            print(f"{user.id:>4}  {user.username:<24} {user.role:<16} {user.target or '-':<24} {state}")
        return 0
    if command == "add-user":
        if args.role == DISTRIBUTOR_REP:
            _check_target(args.target, args.routing or settings.routing_file)
        password = _password(args.password_stdin)
        user = store.create_user(args.username, password, args.role, target=args.target, display_name=args.name or "")
        print(f"console user {user.username} ({user.role}{', ' + user.target if user.target else ''}) created")
        return 0
    if command == "passwd":
        store.set_password(args.username, _password(args.password_stdin))
        print(f"password of {args.username} changed; its sessions were ended")
        return 0
    account = store.user_named(args.username)
    if account is None:
        raise ConsoleError(f"no console user {args.username!r}")
    store.set_active(account.id, command == "enable")
    print(f"{account.username} {'enabled' if command == 'enable' else 'disabled (sessions ended)'}")
    return 0


def _add_commands(parser: argparse.ArgumentParser) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="database path or URL (default: BRANDSTATION_DATABASE_URL, else _DATABASE)")
    sub = parser.add_subparsers(dest="console_command", required=True)
    p = sub.add_parser("add-user", parents=[common], help="create a console account (asks for the password)")
    p.add_argument("username")
    p.add_argument("--role", choices=ROLES, required=True, help="brand_admin: everything; distributor_rep: one target")
    p.add_argument("--target", help="routing target id of the rep's distributor (config/routing.yml)")
    p.add_argument("--name", help="display name")
    p.add_argument("--routing", type=Path, help="routing file to check --target against (default: settings)")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin (one line)")
    p = sub.add_parser("passwd", parents=[common], help="set a new password (ends the user's sessions)")
    p.add_argument("username")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin (one line)")
    for name, text in (("enable", "allow a disabled account to log in again"), ("disable", "block an account")):
        p = sub.add_parser(name, parents=[common], help=text)
        p.add_argument("username")
    p = sub.add_parser("list-users", parents=[common], help="the accounts with role, target and state")
    p.add_argument("--json", action="store_true")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise ConsoleError("the passwords differ")
    return first


def _check_target(target: str | None, routing_file: Path) -> None:
    from bot.routing import load_routing

    known = [t.id for t in load_routing(routing_file).targets]
    if target not in known:
        raise ConsoleError(f"unknown routing target {target!r}: one of {', '.join(known)} ({routing_file})")


if __name__ == "__main__":
    sys.exit(main())
