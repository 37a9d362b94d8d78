"""The logged-in citizen's own things."""
from .. import accounts
from ..routing import Route, require_id
from ..schemas import Account, Contributions, NotificationList, NotificationQuery


def me(call):
    return accounts.public(call.account)


def contributions(call):
    return call.rpc.call("topics", "contributions", call.actor)


def notifications(call):
    return call.rpc.call("notifications", "inbox", {"account_id": call.account_id, **call.query})


def mark_read(call, notification_id):
    call.rpc.call("notifications", "mark_read", {"account_id": call.account_id,
                                                 "notification_id": require_id(notification_id, "Notification")})
    return 204, None


M = ("me",)
ROUTES = [
    Route("GET", "/api/v1/me", me, "My account", auth="citizen", answer=Account, errors=(401,), tags=M),
    Route("GET", "/api/v1/me/contributions", contributions, "What I wrote: statements, reactions, agenda proposals",
          auth="citizen", answer=Contributions, errors=(401,), tags=M),
    Route("GET", "/api/v1/me/notifications", notifications, "My notifications, newest first", auth="citizen",
          query=NotificationQuery, answer=NotificationList, errors=(401, 422), tags=M),
    Route("POST", "/api/v1/me/notifications/{notification_id}/read", mark_read, "Mark a notification read",
          auth="citizen", status=204, errors=(401, 404), tags=M),
]
