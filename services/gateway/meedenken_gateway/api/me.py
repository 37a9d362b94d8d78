"""The logged-in citizen's own things."""
from meedenken_kit.envelope import rfc3339

from .. import accounts, erasure, export, residency
from ..routing import Raw, Route, require_id
from ..schemas import (Account, Contributions, Erasure, ErasureQuery, NotificationList, NotificationQuery, Residency,
                       ResidencyIn)


def me(call):
    """Read fresh: a residency just verified shows at once, whatever worker cached the account."""
    return accounts.public(accounts.get(call.gateway.db, call.account_id) or call.account)


def verify_residency(call):
    verified = residency.redeem(call.gateway.mongo, call.gateway.db, call.gateway.settings, call.account_id,
                                call.body["org"], call.body["code"])
    call.gateway.relay.wake()
    return verified


def contributions(call):
    return call.rpc.call("topics", "contributions", call.actor)


def notifications(call):
    return call.rpc.call("notifications", "inbox", {"account_id": call.account_id, **call.query})


def mark_read(call, notification_id):
    call.rpc.call("notifications", "mark_read", {"account_id": call.account_id,
                                                 "notification_id": require_id(notification_id, "Notification")})
    return 204, None


def export_my_data(call):
    name, data = export.archive(call.gateway.db, call.rpc, call.gateway.settings.erasure_services,
                                accounts.get(call.gateway.db, call.account_id))
    return Raw(data, "application/zip", filename=name)


def erase_me(call):
    """Tokens and login stop at once (in other gateway processes once their 30 s account cache
    expires: docs/privacy.md); the services erase what they hold and confirm."""
    account = accounts.get(call.gateway.db, call.account_id)
    record = erasure.request(call.gateway.mongo, call.gateway.db, account, call.query["contributions"],
                             call.gateway.settings.erasure_services)
    call.gateway.accounts.forget(call.account_id)
    call.gateway.relay.wake()
    return 202, {"status": "erasure_requested", "contributions": record["contributions"],
                 "requested_at": rfc3339(record["requested_at"]), "services": record["services"]}


M = ("me",)
ROUTES = [
    Route("GET", "/api/v1/me", me, "My account", auth="citizen", answer=Account, errors=(401,), tags=M),
    Route("DELETE", "/api/v1/me", erase_me,
          "Erase my account: every token and login stops at once; each service erases or anonymises what it "
          "holds about me and confirms (account.erasure_completed.v1 when all did). My public contributions "
          "stay under 'verwijderde deelnemer', or are removed with contributions=remove", auth="citizen",
          query=ErasureQuery, status=202, answer=Erasure, errors=(401,), tags=M),
    Route("GET", "/api/v1/me/export", export_my_data,
          "Download my data: a zip with what every service holds about me (JSON per service) and a summary "
          "in Dutch (samenvatting.html); 503 when a service does not answer (never a partial archive)",
          auth="citizen", errors=(401, 429), tags=M, media_type="application/zip"),
    Route("GET", "/api/v1/me/contributions", contributions, "What I wrote: statements, reactions, agenda proposals",
          auth="citizen", answer=Contributions, errors=(401,), tags=M),
    Route("GET", "/api/v1/me/notifications", notifications, "My notifications, newest first", auth="citizen",
          query=NotificationQuery, answer=NotificationList, errors=(401, 422), tags=M),
    Route("POST", "/api/v1/me/notifications/{notification_id}/read", mark_read, "Mark a notification read",
          auth="citizen", status=204, errors=(401, 404), tags=M),
    Route("POST", "/api/v1/me/residency", verify_residency,
          "Verify that I live in an organisation's area with the code it mailed to my address (each code once; "
          "a few attempts per quarter of an hour)", auth="citizen", body=ResidencyIn, answer=Residency,
          errors=(401, 422, 429), tags=M),
]
