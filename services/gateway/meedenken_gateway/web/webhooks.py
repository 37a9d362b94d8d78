"""The workspace's webhooks page: administrators register (the secret is shown once, on the page
that answers the form) and delete webhooks; officials see them and their deliveries. The services
check every act again."""
from ..api import webhooks as webhooks_api
from ..problems import Problem
from ..routing import require_id
from ..rpc import RemoteError
from .citizen import org
from .framework import Page, Redirect
from .official import require_official


def _page(web, slug, status=200, **context):
    require_official(web, slug)
    web.render("webhooks.html", status=status, org=org(web.gateway, slug),
               webhooks=webhooks_api.list_webhooks(web.call(), slug)["items"],
               types=web.gateway.rpc.call("notifications", "webhook_types"),
               is_admin=(web.account.get("roles") or {}).get(slug) == "admin", **context)


def webhooks(web, slug):
    _page(web, slug)


def register(web, slug):
    form = web.form
    body = {"url": form.get("url", "").strip(), "description": form.get("omschrijving", "").strip(),
            "types": [key.removeprefix("type-") for key in form if key.startswith("type-")]}
    try:
        created = webhooks_api.register(web.call(body=body), slug)
    except RemoteError as exc:
        if exc.exc_type != "InvalidInput":
            raise
        return _page(web, slug, status=422, errors=exc.errors or {"url": [exc.detail]}, values=form)
    _page(web, slug, status=201, created=created)


def delete(web, slug, webhook_id):
    webhooks_api.delete(web.call(), slug, webhook_id)
    raise Redirect(f"/beheer/{slug}/webhooks", "webhook_deleted")


def deliveries(web, slug, webhook_id):
    require_official(web, slug)
    hook = next((h for h in webhooks_api.list_webhooks(web.call(), slug)["items"] if h["id"] == webhook_id), None)
    if hook is None:
        raise Problem(404, "Webhook not found.")
    after = web.req.get_param("na")
    page = webhooks_api.deliveries(web.call(query={"limit": 50, **({"after": after} if after else {})}),
                                   slug, webhook_id)
    web.render("webhook_deliveries.html", org=org(web.gateway, slug), webhook=hook, deliveries=page)


def find(web, webhook_id):
    """A notification names the webhook, not its organisation: look among the caller's."""
    require_id(webhook_id, "Webhook")
    for slug, role in (web.account.get("roles") or {}).items():
        if role in ("official", "admin") and any(
                h["id"] == webhook_id for h in webhooks_api.list_webhooks(web.call(), slug)["items"]):
            raise Redirect(f"/beheer/{slug}/webhooks/{webhook_id}")
    raise Problem(404, "Webhook not found.")


PAGES = [
    Page("GET", "/beheer/{slug}/webhooks", webhooks, auth="citizen"),
    Page("POST", "/beheer/{slug}/webhooks", register, auth="citizen"),
    Page("GET", "/beheer/{slug}/webhooks/{webhook_id}", deliveries, auth="citizen"),
    Page("POST", "/beheer/{slug}/webhooks/{webhook_id}/verwijderen", delete, auth="citizen"),
    Page("GET", "/beheer/webhooks/{webhook_id}", find, auth="citizen"),
]
