"""``meedenken``: the admin command line. It talks to the stack that ``make run`` started (same
environment variables and defaults as the gateway)."""
import argparse
import csv
import json
import sys

from marshmallow import ValidationError

from . import accounts, deadletters, erasure, residency, twofactor
from .app import Gateway
from .importer import Importer, InvalidFile, load_file
from .rpc import RpcError, RemoteError
from .schemas import RegisterIn
from .settings import Settings


def create_org(gateway, args):
    org = gateway.rpc.call("topics", "create_org", {"slug": args.slug, "name": args.name, "kind": args.kind,
                                                    "support_threshold": args.support_threshold})
    print(f"organisation {org['slug']} ({org['name']}) created; support threshold {org['support_threshold']}")


def create_user(gateway, args):
    args.display_name = args.display_name or accounts.default_display_name(args.email)
    try:
        RegisterIn().load({"email": args.email, "password": args.password, "display_name": args.display_name})
    except ValidationError as exc:
        raise SystemExit(f"meedenken: {exc.messages}") from None
    gateway.rpc.call("topics", "get_org", args.org)
    existed = accounts.find_by_email(gateway.db, args.email) is not None
    account = Importer(gateway, say=lambda _: None).account(
        args.email, args.password, args.display_name, {args.org: args.role})
    verb = "updated" if existed else "created"
    print(f"account {account['email']} {verb}: {args.role} of {args.org} (id {account['_id']})")


def require_two_factor(gateway, args):
    gateway.rpc.call("topics", "get_org", args.slug)
    twofactor.set_required(gateway.db, args.slug, not args.off)
    state = "no longer requires" if args.off else "requires"
    print(f"{args.slug} {state} two-factor login of its officials (in effect within 30 s)")


def import_file(gateway, args):
    """Nothing is written unless the whole file is valid; each error names its line."""
    try:
        counts = load_file(gateway, args.org, args.file)
    except InvalidFile as exc:
        print("\n".join(exc.lines()), file=sys.stderr)
        raise SystemExit(f"meedenken: {len(exc.errors)} error(s); nothing was loaded") from None
    except OSError as exc:
        raise SystemExit(f"meedenken: cannot read {args.file}: {exc.strerror}") from None
    print("loaded: " + (", ".join(f"{n} {what}" for what, n in counts.items()) or "nothing new"))


def issue_codes(gateway, args):
    """One code per address letter, written to a CSV for the mail merge; only their hashes are kept."""
    if not 1 <= args.count <= 1_000_000 or not 1 <= args.valid_days <= 3650:
        raise SystemExit("meedenken: --count 1..1000000 and --valid-days 1..3650")
    org = gateway.rpc.call("topics", "get_org", args.org)
    codes, expires_at = residency.issue(gateway.db, gateway.settings, org["slug"], args.count, args.valid_days)
    with open(args.out, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["code", "org", "expires_at"])
        writer.writerows([code, org["slug"], expires_at.date().isoformat()] for code in codes)
    print(f"{len(codes)} code(s) for {org['slug']} written to {args.out}; valid until {expires_at.date().isoformat()}")


def dead_letters(gateway, args):
    amqp_uri = gateway.settings.amqp_uri
    ids = None if args.all else set(args.id or [])
    if args.action == "list":
        letters = deadletters.list_letters(amqp_uri, args.limit)
        for letter in letters:
            print(json.dumps(letter, ensure_ascii=False, default=str))
        print(f"{len(letters)} dead letter(s) shown", file=sys.stderr)
        return
    if ids is not None and not ids:
        raise SystemExit("meedenken: name the letters with --id (see `meedenken dlq list`) or use --all")
    done = (deadletters.replay if args.action == "replay" else deadletters.drop)(amqp_uri, ids)
    print(f"{args.action}: {len(done)} dead letter(s) {' '.join(done)}".rstrip())


def erase_inactive(gateway, args):
    """For cron: erase (contributions kept, anonymised) accounts without a role or verified
    residency that nobody used for INACTIVE_ACCOUNT_RETENTION_DAYS (or --days)."""
    days = args.days or gateway.settings.inactive_account_days
    found = erasure.inactive_unverified(gateway.db, days)
    for account in [] if args.dry_run else found:
        erasure.request(gateway.mongo, gateway.db, account, "anonymise", gateway.settings.erasure_services)
    verb = "would be erased" if args.dry_run else "erasure requested"
    print(f"{len(found)} account(s) unused for {days} days without role or verified residency: {verb}")


def parser():
    p = argparse.ArgumentParser(prog="meedenken", description="Meedenken administration")
    sub = p.add_subparsers(dest="command", required=True)
    org = sub.add_parser("create-org", help="create an organisation (municipality, province, water board)")
    org.add_argument("slug")
    org.add_argument("name")
    org.add_argument("--support-threshold", type=int, default=50,
                     help="supports an agenda proposal needs (default 50)")
    org.add_argument("--kind", default="municipality", choices=["municipality", "province", "water_board"])
    org.set_defaults(run=create_org)
    user = sub.add_parser("create-user", help="create an account, or give an existing one a role")
    user.add_argument("--org", required=True)
    user.add_argument("--email", required=True)
    user.add_argument("--password", required=True)
    user.add_argument("--role", required=True, choices=accounts.ROLES)
    user.add_argument("--display-name")
    user.set_defaults(run=create_user)
    two = sub.add_parser("require-two-factor", help="an organisation's officials must log in with two factors "
                         "(without, they act as citizens there until they enrol)")
    two.add_argument("slug")
    two.add_argument("--off", action="store_true", help="no longer require it")
    two.set_defaults(run=require_two_factor)
    dlq = sub.add_parser("dlq", help="the dead-letter queue: list, replay to the original queue, or drop")
    dlq.add_argument("action", choices=["list", "replay", "drop"])
    dlq.add_argument("--id", action="append", help="a letter's id from `dlq list` (repeatable)")
    dlq.add_argument("--all", action="store_true", help="every letter in the queue")
    dlq.add_argument("--limit", type=int, default=50, help="list at most this many (default 50)")
    dlq.set_defaults(run=dead_letters)
    codes = sub.add_parser("issue-codes", help="residency codes to mail, one per address (verified residents)")
    codes.add_argument("--org", required=True)
    codes.add_argument("--count", required=True, type=int)
    codes.add_argument("--out", required=True, help="CSV file to write (code, org, expires_at)")
    codes.add_argument("--valid-days", type=int, default=60, help="days a code can be redeemed (default 60)")
    codes.set_defaults(run=issue_codes)
    inactive = sub.add_parser("erase-inactive", help="erase accounts without role or verified residency that "
                              "nobody used for INACTIVE_ACCOUNT_RETENTION_DAYS (run it daily from cron)")
    inactive.add_argument("--days", type=int, help="override INACTIVE_ACCOUNT_RETENTION_DAYS")
    inactive.add_argument("--dry-run", action="store_true", help="only count them")
    inactive.set_defaults(run=erase_inactive)
    load = sub.add_parser("import", help="load an organisation's starting content (people, ambassadors, topics, "
                          "agenda proposals) from a YAML file (docs/import-format.md; demo/*.yaml)")
    load.add_argument("--org", required=True, help="the organisation's slug (created when the file has an "
                      "organisation block)")
    load.add_argument("file")
    load.set_defaults(run=import_file)
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    gateway = Gateway(Settings.from_env())
    try:
        args.run(gateway, args)
    except RemoteError as exc:
        print(f"meedenken: {exc.detail} {exc.errors or ''}".rstrip(), file=sys.stderr)
        return 1
    except RpcError as exc:
        print(f"meedenken: {exc} — is the platform running (make run)?", file=sys.stderr)
        return 2
    finally:
        gateway.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
