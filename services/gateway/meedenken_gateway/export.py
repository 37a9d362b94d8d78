"""``GET /api/v1/me/export``: one zip with what every service holds about the caller, gathered over
RPC (``export_account_data`` of each service in ``ERASURE_SERVICES``, all at once), plus the
gateway's own part and a readable Dutch summary. One service that does not answer makes the
whole export fail (503): a zip that leaves a service out would look complete."""
import io
import json
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import jinja2
from meedenken_kit.personal_data import plain

from . import accounts, residency
from .problems import Problem
from .rpc import RemoteError, ServiceUnavailable

# Dutch only: the summary goes with the archive, whatever the language of the page it came from
SUMMARY = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "data"),
                             autoescape=True).get_template("export_summary.html")


SERVICES_NL = {"gateway": "Account en inloggen", "topics": "Onderwerpen en bijdragen",
               "votes": "Antwoorden, steun en stemmingen", "notifications": "Volgen en meldingen"}
PARTS_NL = {
    "account": "Uw account", "roles": "Rollen bij organisaties", "residencies": "Bevestigde woonplaatsen",
    "two_factor": "Inloggen in twee stappen", "tokens": "Inlogsessies (ingetrokken)",
    "residency_codes_used": "Gebruikte woonplaatscodes", "mail_queued": "E-mails aan u",
    "statements": "Stellingen die u schreef", "reactions": "Reacties", "solutions": "Oplossingen",
    "agenda_proposals": "Agendavoorstellen", "solution_supports": "Oplossingen die u steunt",
    "official_acts": "Handelingen als ambtenaar", "statement_answers": "Uw antwoorden op stellingen",
    "agenda_proposal_supports": "Agendavoorstellen die u steunt", "poll_ballots": "Uw stemmen (open stemmingen)",
    "secret_polls_voted_in": "Geheime stemmingen waarin u stemde", "follows": "Onderwerpen die u volgt",
    "notifications": "Meldingen", "webhooks_registered": "Webhooks die u registreerde",
    "organisation_roles": "Rollen (voor meldingen)",
}


def gateway_part(db, account):
    """The account as the gateway keeps it: never the password hash or the two-factor key."""
    return plain({"service": "gateway", "account_id": account["_id"], "parts": {
        "account": {"id": account["_id"], "email": account["email"], "display_name": account["display_name"],
                    "created_at": account["created_at"], "last_login_at": account.get("last_login_at")},
        "roles": account.get("roles", {}),
        "residencies": residency.residencies(account),
        "two_factor": {"enabled": bool(account.get("totp_secret"))},
        "tokens": {"generation": accounts.generation(account),
                   "revoked": [{"id": t.get("jti"), "expires_at": t.get("exp")}
                               for t in account.get("revoked_tokens", ())]},
        "residency_codes_used": list(db.residency_codes.find({"used_by": account["_id"]},
                                                             {"_id": 0, "org": 1, "used_at": 1})),
        "mail_queued": list(db.mail_outbox.find({"to": account["email"]}, {"_id": 0, "subject": 1, "created_at": 1})),
        "ambassador_invitations": list(db.ambassador_invitations.find({"account_id": account["_id"]},
                                                                      {"_id": 0, "nonce": 0})),
    }})


def gather(rpc, services, account_id):
    """service -> its export; ``Problem(503)`` naming the services that did not answer."""
    pending = {service: rpc.call_async(service, "export_account_data", {"account_id": account_id})
               for service in services}
    found, missing = {}, []
    for service, future in pending.items():
        try:
            found[service] = rpc.result(service, future)
        except (ServiceUnavailable, RemoteError):
            missing.append(service)
    if missing:
        raise Problem(503, f"Not every service answered ({', '.join(missing)}); the export would be incomplete. "
                           "Try again shortly.", headers={"Retry-After": "30"})
    return found


def archive(db, rpc, services, account):
    """(file name, zip bytes)."""
    now = datetime.now(timezone.utc)
    parts = {"gateway": gateway_part(db, account), **gather(rpc, services, account["_id"])}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for service, data in parts.items():
            zipped.writestr(f"{service}.json", json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))
        zipped.writestr("samenvatting.html", SUMMARY.render(account=parts["gateway"]["parts"]["account"],
                                                           parts=parts, made_at=now,
                                                           services_nl=SERVICES_NL, parts_nl=PARTS_NL))
    return f"meedenken-gegevens-{now:%Y%m%d}.zip", buffer.getvalue()
