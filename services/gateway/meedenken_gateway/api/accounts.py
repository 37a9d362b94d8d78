"""Register and log in."""
from .. import abuse, accounts
from ..problems import Problem
from ..routing import Route
from ..schemas import Account, LoginIn, RegisterIn, Token


def register(call):
    try:
        account = accounts.register(call.gateway.mongo, call.gateway.db, **call.body)
    except accounts.EmailTaken:
        raise Problem(409, "An account with this e-mail address already exists.") from None
    call.gateway.relay.wake()
    return accounts.public(account)


def login(call):
    account = abuse.login(call.gateway.db, call.body["email"], call.body["password"])
    if account is None:
        raise Problem(401, "E-mail address or password is incorrect.")
    settings = call.gateway.settings
    return {"token": accounts.issue_token(settings, account["_id"]), "token_type": "Bearer",
            "expires_in": settings.token_ttl_seconds}


ROUTES = [
    Route("POST", "/api/v1/auth/register", register, "Register a citizen account", body=RegisterIn,
          status=201, answer=Account, errors=(400, 409, 422), tags=("accounts",)),
    Route("POST", "/api/v1/auth/login", login, "Log in: get a bearer token", body=LoginIn, answer=Token,
          errors=(400, 401, 422), tags=("accounts",)),
]
