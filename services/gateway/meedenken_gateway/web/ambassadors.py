"""The workspace's ambassadors page (officials invite local people by e-mail and see who accepted)
and the page the invitation's link opens (decision 0013). Both call the API's handlers."""
from ..api import ambassadors as ambassadors_api
from ..problems import Problem
from ..schemas import AmbassadorAcceptIn, AmbassadorInviteIn
from .. import ambassadors
from .citizen import org
from .framework import FormErrors, Page, Redirect
from .official import require_official


def _page(web, slug, status=200, **context):
    require_official(web, slug)
    web.render("ambassadors.html", status=status, org=org(web.gateway, slug),
               invitations=ambassadors_api.list_invitations(web.call(), slug)["items"], **context)


def manage(web, slug):
    _page(web, slug)


def invite(web, slug):
    require_official(web, slug)
    context = {"org": org(web.gateway, slug), "invitations": ambassadors_api.list_invitations(web.call(), slug)["items"]}
    body = web.validate(AmbassadorInviteIn, {"email": web.form.get("email", "").strip(),
                                             "name": web.form.get("naam", "").strip()}, "ambassadors.html", context)
    try:
        ambassadors_api.invite(web.call(body=body), slug)
    except Problem as problem:
        if problem.status != 409:
            raise
        raise FormErrors("ambassadors.html", {**context, "values": web.form}, {"email": ["already_in_role"]}) from None
    raise Redirect(f"/beheer/{slug}/ambassadeurs", "ambassador_invited")


def accept(web):
    token = web.form.get("token") or web.req.get_param("token") or ""
    found = ambassadors.pending(web.gateway, token) if token else None
    context = {"token": token, "found": found is not None,
               "needs_password": bool(found and found[0].get("needs_password")),
               "org": org(web.gateway, found[1]["org"]) if found else None}
    if web.req.method == "POST":
        data = {"token": token, **({"password": web.form.get("wachtwoord", "")} if context["needs_password"] else {})}
        body = web.validate(AmbassadorAcceptIn, data, "ambassador_accept.html", context)
        try:
            ambassadors_api.accept(web.call(body))
        except Problem as problem:
            if problem.status not in (400, 422):
                raise
            raise FormErrors("ambassador_accept.html", context, {"_form": ["link_invalid"]}) from None
        raise Redirect("/inloggen", "ambassador_accepted")
    web.render("ambassador_accept.html", **context)


PAGES = [
    Page("GET", "/beheer/{slug}/ambassadeurs", manage, auth="citizen"),
    Page("POST", "/beheer/{slug}/ambassadeurs", invite, auth="citizen"),
    Page("GET", "/ambassadeur-worden", accept),
    Page("POST", "/ambassadeur-worden", accept),
]
