"""Ambassadors of an organisation: officials invite them by e-mail and see the invitations; the
invited person accepts with the mailed link (decision 0013). Accounts are the gateway's own data,
so the gateway itself checks that the caller is an official of the organisation."""
from .. import ambassadors
from ..problems import Problem
from ..routing import Route
from ..schemas import AmbassadorAccepted, AmbassadorAcceptIn, AmbassadorInvitation, AmbassadorInvitationList, \
    AmbassadorInviteIn


def _require_official(call, slug):
    if call.gateway.roles_of(call.account).get(slug) not in ambassadors.OFFICIAL_ROLES:
        raise Problem(403, "Only officials of this organisation may invite ambassadors.")
    return call.rpc.call("topics", "get_org", slug)


def invite(call, slug):
    org = _require_official(call, slug)
    try:
        invitation = ambassadors.invite(call.gateway, org, call.body["email"], call.body["name"], call.account_id)
    except ambassadors.AlreadyInRole as exc:
        raise Problem(409, f"This address already has the role '{exc.role}' in this organisation.") from None
    return ambassadors.public(invitation)


def list_invitations(call, slug):
    _require_official(call, slug)
    return {"items": ambassadors.list_invitations(call.gateway.db, slug)}


def accept(call):
    found = ambassadors.pending(call.gateway, call.body["token"])
    if found is None:
        raise Problem(400, "This link is invalid, has expired or has been used already.")
    account, invitation = found
    password = call.body.get("password")
    if account.get("needs_password") and not password:
        raise Problem(422, "Choose a password for your new account.", {"password": ["Required for a new account."]})
    if not ambassadors.accept(call.gateway, account, invitation, password if account.get("needs_password") else None):
        raise Problem(400, "This link is invalid, has expired or has been used already.")
    return {"org": invitation["org"], "display_name": account["display_name"]}


A = ("ambassadors",)
BASE = "/api/v1/orgs/{slug}/ambassadors"
ROUTES = [
    Route("POST", BASE, invite, "Invite an ambassador (officials): a local person who agreed to be active from "
          "the start; they get a mail with a link to accept (valid two weeks, once); inviting again replaces "
          "the link. What they write in the organisation is marked as written by an ambassador",
          auth="official", body=AmbassadorInviteIn, status=201, answer=AmbassadorInvitation,
          errors=(401, 403, 404, 409, 422), tags=A),
    Route("GET", BASE, list_invitations, "The organisation's ambassador invitations, newest first (officials)",
          auth="official", answer=AmbassadorInvitationList, errors=(401, 403, 404), tags=A),
    Route("POST", "/api/v1/ambassadors/accept", accept, "Accept an ambassador invitation with the token of the "
          "mailed link; an account the invitation made needs its password now", body=AmbassadorAcceptIn,
          answer=AmbassadorAccepted, errors=(400, 422), tags=A),
]
