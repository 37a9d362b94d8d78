"""E-mail notifications: my mail preferences, and unsubscribing by the signed link in every mail
(no login needed: the link is the proof). The notifications service keeps the preferences."""
from .. import accounts
from ..routing import Route
from ..schemas import MailPreferences, MailPreferencesIn, UnsubscribeIn


def _with_address(call, preferences):
    """The address as the gateway has it now (the cached account may be up to 30 s old)."""
    account = accounts.get(call.gateway.db, call.account_id) or call.account
    return {**preferences, "email": account["email"], "email_confirmed": bool(account.get("email_confirmed_at"))}


def preferences(call):
    return _with_address(call, call.rpc.call("notifications", "mail_preferences", call.account_id))


def set_preferences(call):
    return _with_address(call, call.rpc.call("notifications", "set_mail_preferences",
                                             {**call.body, "account_id": call.account_id}))


def check_unsubscribe(call, token):
    """Whether an unsubscribe link is genuine (raises a 422 problem when not)."""
    call.rpc.call("notifications", "check_unsubscribe", {"token": token})


def unsubscribe(call):
    call.rpc.call("notifications", "unsubscribe", call.body)
    return 204, None


M = ("mail",)
ROUTES = [
    Route("GET", "/api/v1/me/mail-preferences", preferences,
          "My e-mail settings: how often notifications are mailed, in general and per followed topic", auth="citizen",
          answer=MailPreferences, errors=(401,), tags=M),
    Route("PUT", "/api/v1/me/mail-preferences", set_preferences,
          "Change my e-mail settings (replaces them; a topic's setting of null follows the general one)",
          auth="citizen", body=MailPreferencesIn, answer=MailPreferences, errors=(401, 422), tags=M),
    Route("POST", "/api/v1/mail/unsubscribe", unsubscribe,
          "Stop all notification mail with the token of the link in a mail (no login needed)", body=UnsubscribeIn,
          status=204, errors=(422,), tags=M),
]
