"""Pages for a forgotten password, confirming a new e-mail address, logging out everywhere and
two-factor login; they call the API's handlers, like every page."""
from ..api import accounts as accounts_api
from ..problems import Problem
from ..schemas import CodeIn, EmailChangeIn, LinkTokenIn, PasswordChangeIn, PasswordResetConfirmIn, PasswordResetIn
from .framework import FormErrors, Page, Redirect
from .session import SESSION, clear_cookie, set_cookie


def forgotten(web):
    if web.req.method == "POST":
        body = web.validate(PasswordResetIn, {"email": web.form.get("email", "").strip()},
                            "password_forgotten.html", {})
        accounts_api.request_password_reset(web.call(body))
        raise Redirect("/inloggen", "reset_sent")
    web.render("password_forgotten.html")


def _redeem(web, handler, schema, data, template, end_session=True):
    """Run the API handler with the link's token; an invalid or used link shows the form's error."""
    context = {"token": data["token"]}
    body = web.validate(schema, data, template, context)
    try:
        handler(web.call(body))
    except Problem as problem:
        if problem.status not in (400, 409):
            raise
        raise FormErrors(template, context, {"_form": ["link_invalid" if problem.status == 400 else "email_taken"]}) from None
    if end_session:
        clear_cookie(web.resp, web.gateway.settings, SESSION)


def reset(web):
    token = web.form.get("token") or web.req.get_param("token") or ""
    if web.req.method == "POST":
        _redeem(web, accounts_api.reset_password, PasswordResetConfirmIn,
                {"token": token, "password": web.form.get("wachtwoord", "")}, "password_reset.html")
        raise Redirect("/inloggen", "password_reset")
    web.render("password_reset.html", token=token)


def confirm_email(web):
    token = web.form.get("token") or web.req.get_param("token") or ""
    if web.req.method == "POST":
        _redeem(web, accounts_api.confirm_email_change, LinkTokenIn, {"token": token}, "email_confirm.html")
        raise Redirect("/inloggen", "email_changed")
    web.render("email_confirm.html", token=token)


def _with_current_password(web, form, handler, schema, data):
    """Run an API handler that needs the current password; errors show at that form on the profile."""
    body = web.validate(schema, data, "profile.html", {"failed": form})
    try:
        return handler(web.call(body))
    except Problem as problem:
        if problem.status != 403:
            raise
        raise FormErrors("profile.html", {"values": web.form, "failed": form},
                         {"current_password": ["password_wrong"]}) from None


def change_password(web):
    """The session goes on with a new token; every other one ends."""
    token = _with_current_password(web, "password", accounts_api.change_password, PasswordChangeIn, {
        "current_password": web.form.get("huidig_wachtwoord", ""), "password": web.form.get("wachtwoord", "")})
    set_cookie(web.resp, web.gateway.settings, SESSION, token["token"], max_age=token["expires_in"])
    raise Redirect("/profiel", "password_changed")


def change_email(web):
    _with_current_password(web, "email", accounts_api.request_email_change, EmailChangeIn, {
        "email": web.form.get("email", "").strip(), "current_password": web.form.get("huidig_wachtwoord", "")})
    raise Redirect("/profiel", "email_link_sent")


def logout_everywhere(web):
    accounts_api.logout_everywhere(web.call())
    clear_cookie(web.resp, web.gateway.settings, SESSION)
    raise Redirect("/", "logged_out_everywhere")


def two_factor(web):
    """Start (a new key is shown) or, with a code, switch on two-factor login; the session goes on
    with a new token (the old ones stop working)."""
    if "code" not in web.form:
        web.render("two_factor.html", enrolment=accounts_api.enrol_two_factor(web.call()))
        return
    body = web.validate(CodeIn, {"code": web.form["code"].strip()}, "two_factor.html",
                        {"enrolment": {"secret": web.form.get("secret", "")}})
    try:
        token = accounts_api.confirm_two_factor(web.call(body))
    except Problem as problem:
        if problem.status != 422:
            raise
        raise FormErrors("two_factor.html", {"enrolment": {"secret": web.form.get("secret", "")}},
                         {"code": ["code_failed"]}) from None
    set_cookie(web.resp, web.gateway.settings, SESSION, token["token"], max_age=token["expires_in"])
    raise Redirect("/profiel", "two_factor_on")


PAGES = [
    Page("GET", "/wachtwoord-vergeten", forgotten),
    Page("POST", "/wachtwoord-vergeten", forgotten),
    Page("GET", "/wachtwoord-herstellen", reset),
    Page("POST", "/wachtwoord-herstellen", reset),
    Page("GET", "/e-mailadres-bevestigen", confirm_email),
    Page("POST", "/e-mailadres-bevestigen", confirm_email),
    Page("POST", "/overal-uitloggen", logout_everywhere, auth="citizen"),
    Page("POST", "/profiel/wachtwoord", change_password, auth="citizen"),
    Page("POST", "/profiel/e-mailadres", change_email, auth="citizen"),
    Page("POST", "/tweestapsverificatie", two_factor, auth="citizen"),
]
