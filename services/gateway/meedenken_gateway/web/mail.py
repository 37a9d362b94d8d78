"""Pages for e-mail: my mail settings (general and per followed topic), confirming my address, and
unsubscribing by the link in a mail without logging in (a mail program may POST to that link
itself, RFC 8058 one-click: that POST carries no form of ours, so the signed token in the address
is the only proof)."""
from ..api import accounts as accounts_api, mail as mail_api
from ..problems import Problem
from ..rpc import RemoteError, ServiceUnavailable
from ..schemas import LinkTokenIn, MailPreferencesIn
from .account import _redeem
from .framework import Page, Redirect

TOPIC_FIELD = "onderwerp-"


def _titles(web, topic_ids):
    """Each followed topic's title (its id when the topics service does not answer)."""
    rpc, actor = web.gateway.rpc, web.call().actor
    futures = {topic_id: rpc.call_async("topics", "get_topic", actor, topic_id) for topic_id in topic_ids}
    titles = {}
    for topic_id, future in futures.items():
        try:
            titles[topic_id] = rpc.result("topics", future)["title"]
        except (RemoteError, ServiceUnavailable):
            titles[topic_id] = topic_id
    return titles


def settings(web):
    preferences = mail_api.preferences(web.call())
    context = {"preferences": preferences, "titles": _titles(web, [t["topic_id"] for t in preferences["topics"]])}
    if web.req.method == "POST":
        topics = [{"topic_id": key[len(TOPIC_FIELD):], "frequency": value or None}
                  for key, value in web.form.items() if key.startswith(TOPIC_FIELD)]
        body = web.validate(MailPreferencesIn, {"frequency": web.form.get("frequentie", ""),
                                                "language": web.form.get("taal", "nl"), "topics": topics},
                            "mail_settings.html", context)
        mail_api.set_preferences(web.call(body))
        raise Redirect("/profiel/e-mail", "saved")
    web.render("mail_settings.html", **context)


def send_confirmation(web):
    try:
        accounts_api.request_confirmation(web.call())
    except Problem as problem:
        if problem.status != 409:
            raise
        raise Redirect("/profiel/e-mail", "email_confirmed") from None
    raise Redirect("/profiel/e-mail", "confirmation_sent")


def confirm(web):
    token = web.form.get("token") or web.req.get_param("token") or ""
    if web.req.method == "POST":
        _redeem(web, accounts_api.confirm_email, LinkTokenIn, {"token": token}, "email_address_confirm.html",
                end_session=False)
        raise Redirect("/profiel/e-mail" if web.account else "/inloggen", "email_confirmed")
    web.render("email_address_confirm.html", token=token)


def unsubscribe(web):
    token = web.req.get_param("token") or ""
    if web.req.method == "POST":
        mail_api.unsubscribe(web.call({"token": token}))
        web.render("unsubscribe.html", token=token, done=True)
        return
    mail_api.check_unsubscribe(web.call(), token)
    web.render("unsubscribe.html", token=token, done=False)


PAGES = [
    Page("GET", "/profiel/e-mail", settings, auth="citizen"),
    Page("POST", "/profiel/e-mail", settings, auth="citizen"),
    Page("POST", "/profiel/e-mail/bevestigen", send_confirmation, auth="citizen"),
    Page("GET", "/e-mailadres-controleren", confirm),
    Page("POST", "/e-mailadres-controleren", confirm),
    Page("GET", "/afmelden", unsubscribe),
    Page("POST", "/afmelden", unsubscribe, form=False),
]
