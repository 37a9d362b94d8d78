"""Register and log in; a forgotten password; the logged-in account's password, e-mail address
and sessions."""
import logging

from .. import abuse, accounts, twofactor
from ..problems import Problem
from ..routing import Route
from ..schemas import (Account, CodeIn, EmailChangeIn, LinkTokenIn, LoginIn, PasswordChangeIn, PasswordResetConfirmIn,
                       PasswordResetIn, RegisterIn, Token, TwoFactorEnrolment)

log = logging.getLogger(__name__)
LINK_SECONDS = 3600
CONFIRM_SECONDS = 3 * 24 * 3600
RESET, EMAIL, CONFIRM = "password-reset", "email-change", "email-confirm"


def register(call):
    """The address gets a link to confirm it: nothing else is mailed to it before."""
    try:
        account = accounts.register(call.gateway.mongo, call.gateway.db, **call.body)
    except accounts.EmailTaken:
        raise Problem(409, "An account with this e-mail address already exists.") from None
    call.gateway.relay.wake()
    _mail_confirmation(call, account)
    return accounts.public(account)


def _mail_confirmation(call, account):
    link = _link(call, account, CONFIRM, "/e-mailadres-controleren", seconds=CONFIRM_SECONDS, email=account["email"])
    accounts.queue_mail(call.gateway.db, account["email"], "Bevestig uw e-mailadres voor Meedenken",
                        "Bevestig uw e-mailadres via deze link (drie dagen geldig). Pas daarna sturen wij u "
                        f"berichten per e-mail, als u dat wilt:\n{link}\n")


def request_confirmation(call):
    """A new link to confirm my address (the earlier ones keep working until they expire)."""
    if call.account.get("email_confirmed_at"):
        raise Problem(409, "This e-mail address has been confirmed already.")
    _mail_confirmation(call, call.account)
    return 202, None


def _tell_notifications(call, account_id, email):
    """The notifications service mails only to the address the gateway confirmed to it."""
    call.rpc.call("notifications", "set_mail_address", {"account_id": account_id, "email": email})


def confirm_email(call):
    account, claims = _redeem(call, CONFIRM)
    if claims.get("email") != account["email"]:
        raise Problem(400, "This link is invalid, has expired or has been used already.")
    _tell_notifications(call, account["_id"], account["email"])
    accounts.confirm_email(call.gateway.db, account["_id"], account["email"])
    call.gateway.accounts.forget(account["_id"])
    return 204, None


def _token(call, account):
    settings = call.gateway.settings
    return {"token": accounts.issue_token(settings, account["_id"], accounts.generation(account)),
            "token_type": "Bearer", "expires_in": settings.token_ttl_seconds}


def login(call):
    account = abuse.login(call.gateway.db, call.body["email"], call.body["password"])
    if account is None:
        raise Problem(401, "E-mail address or password is incorrect.")
    if twofactor.enabled(account) and not call.body.get("code"):
        raise Problem(401, "Enter the code of your authenticator app.", kind="two-factor-required")
    if not twofactor.check_login_code(call.gateway.db, call.gateway.totp_cipher, account, call.body.get("code")):
        abuse.after_login(call.gateway.db, call.body["email"], False)  # a wrong code is a failed login too
        raise Problem(401, "The code is incorrect or has been used already.", kind="two-factor-failed")
    return _token(call, account)


def enrol_two_factor(call):
    if not twofactor.may_enrol(call.account):
        raise Problem(403, "Two-factor login is for officials and admins.")
    return twofactor.start_enrolment(call.gateway.db, call.gateway.totp_cipher, call.account)


def confirm_two_factor(call):
    """On from now: every earlier token stops working; the answer is a new one."""
    account = accounts.get(call.gateway.db, call.account_id)
    if not twofactor.confirm_enrolment(call.gateway.db, call.gateway.totp_cipher, account, call.body["code"]):
        raise Problem(422, "The code does not fit; start again if the key was lost.", {"code": ["Incorrect code."]})
    call.gateway.accounts.forget(call.account_id)
    return _token(call, accounts.get(call.gateway.db, call.account_id))


def _link(call, account, purpose, path, seconds=LINK_SECONDS, **extra):
    return accounts.signed_link(call.gateway.settings, account, purpose, path, seconds, **extra)


def request_password_reset(call):
    """The same answer whether or not the address has an account (no account enumeration)."""
    account = accounts.find_by_email(call.gateway.db, call.body["email"])
    if account is not None:
        link = _link(call, account, RESET, "/wachtwoord-herstellen")
        accounts.queue_mail(call.gateway.db, account["email"], "Nieuw wachtwoord voor Meedenken",
                            f"Kies een nieuw wachtwoord via deze link (één uur geldig, één keer te gebruiken):\n{link}\n")
    return 202, None


def _redeem(call, purpose):
    redeemed = accounts.redeem_link_token(call.gateway.settings, call.gateway.db, call.body["token"], purpose)
    if redeemed is None:
        raise Problem(400, "This link is invalid, has expired or has been used already.")
    return redeemed


def reset_password(call):
    account, _ = _redeem(call, RESET)
    accounts.set_password(call.gateway.db, account["_id"], call.body["password"])
    call.gateway.accounts.forget(account["_id"])
    return 204, None


def _require_password(call, password):
    if accounts.authenticate(call.gateway.db, call.account["email"], password) is None:
        raise Problem(403, "The current password is incorrect.")


def change_password(call):
    """Every token issued before stops working; the answer is a new one."""
    _require_password(call, call.body["current_password"])
    accounts.set_password(call.gateway.db, call.account_id, call.body["password"])
    call.gateway.accounts.forget(call.account_id)
    return _token(call, accounts.get(call.gateway.db, call.account_id))


def request_email_change(call):
    """The new address gets a link; the change happens when it is followed."""
    _require_password(call, call.body["current_password"])
    email = accounts.normalise_email(call.body["email"])
    link = _link(call, call.account, EMAIL, "/e-mailadres-bevestigen", email=email)
    accounts.queue_mail(call.gateway.db, email, "Bevestig uw nieuwe e-mailadres voor Meedenken",
                        f"Bevestig uw nieuwe e-mailadres via deze link (één uur geldig):\n{link}\n")
    return 202, None


def confirm_email_change(call):
    account, claims = _redeem(call, EMAIL)
    if accounts.find_by_email(call.gateway.db, claims["email"]) is not None:
        raise Problem(409, "An account with this e-mail address already exists.")
    _tell_notifications(call, account["_id"], claims["email"])
    try:
        accounts.change_email(call.gateway.db, account["_id"], claims["email"])
    except accounts.EmailTaken:
        raise Problem(409, "An account with this e-mail address already exists.") from None
    call.gateway.accounts.forget(account["_id"])
    return 204, None


def logout(call):
    """This token stops working (at once in this worker, within the 30 s account cache in others)."""
    _, _, token = call.req.get_header("Authorization").partition(" ")
    accounts.revoke_token(call.gateway.settings, call.gateway.db, token.strip())
    call.gateway.accounts.forget(call.account_id)
    return 204, None


def logout_everywhere(call):
    accounts.revoke_tokens(call.gateway.db, call.account_id)
    call.gateway.accounts.forget(call.account_id)
    return 204, None


A = ("accounts",)
ROUTES = [
    Route("POST", "/api/v1/auth/register", register, "Register a citizen account", body=RegisterIn,
          status=201, answer=Account, errors=(400, 409, 422), tags=A),
    Route("POST", "/api/v1/auth/login", login, "Log in: get a bearer token", body=LoginIn, answer=Token,
          errors=(400, 401, 422), tags=A),
    Route("POST", "/api/v1/auth/logout", logout, "Log out: this token stops working", auth="citizen", status=204,
          errors=(401,), tags=A),
    Route("POST", "/api/v1/auth/password-reset", request_password_reset,
          "Forgot the password: a link to choose a new one is mailed when the address has an account "
          "(the answer is the same either way)", body=PasswordResetIn, status=202, tags=A),
    Route("POST", "/api/v1/auth/password-reset/confirm", reset_password,
          "Choose a new password with the token of the mailed link (valid for an hour, once); every "
          "session ends", body=PasswordResetConfirmIn, status=204, errors=(400, 422), tags=A),
    Route("POST", "/api/v1/auth/email-change/confirm", confirm_email_change,
          "Confirm a new e-mail address with the token of the link mailed to it; every session ends",
          body=LinkTokenIn, status=204, errors=(400, 409, 422), tags=A),
    Route("POST", "/api/v1/auth/email-confirm", confirm_email,
          "Confirm my e-mail address with the token of the link mailed to it at registration (valid for three "
          "days); only then is other mail sent to it", body=LinkTokenIn, status=204, errors=(400, 422), tags=A),
    Route("POST", "/api/v1/me/email/confirmation", request_confirmation,
          "Mail me a new link to confirm my e-mail address", auth="citizen", status=202, errors=(401, 409), tags=A),
    Route("POST", "/api/v1/me/password", change_password,
          "Change my password: every earlier token and session stops working, the answer is a new token",
          auth="citizen", body=PasswordChangeIn, answer=Token, errors=(401, 403, 422), tags=A),
    Route("POST", "/api/v1/me/email", request_email_change,
          "Change my e-mail address: a confirmation link is mailed to the new address", auth="citizen",
          body=EmailChangeIn, status=202, errors=(401, 403, 422), tags=A),
    Route("POST", "/api/v1/me/two-factor", enrol_two_factor,
          "Officials and admins: start two-factor login (TOTP); confirm with a code to switch it on",
          auth="citizen", answer=TwoFactorEnrolment, errors=(401, 403), tags=A),
    Route("POST", "/api/v1/me/two-factor/confirm", confirm_two_factor,
          "Switch two-factor login on with a code of the new key; every earlier token stops working, the "
          "answer is a new token", auth="citizen", body=CodeIn, answer=Token, errors=(401, 422), tags=A),
    Route("POST", "/api/v1/me/logout-everywhere", logout_everywhere,
          "Log out everywhere: every token and session of my account stops working", auth="citizen",
          status=204, errors=(401,), tags=A),
]
