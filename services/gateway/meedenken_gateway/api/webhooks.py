"""An organisation's webhooks: administrators register and delete them, officials read them and
their deliveries; the notifications service keeps them, checks the URLs and sends (docs/events)."""
from ..routing import Route, require_id
from ..schemas import CursorQuery, WebhookCreated, WebhookDeliveryList, WebhookIn, WebhookList


def register(call, slug):
    return call.rpc.call("notifications", "register_webhook", call.actor, {**call.body, "org": slug})


def list_webhooks(call, slug):
    return call.rpc.call("notifications", "list_webhooks", call.actor, slug)


def delete(call, slug, webhook_id):
    call.rpc.call("notifications", "delete_webhook", call.actor,
                  {"org": slug, "webhook_id": require_id(webhook_id, "Webhook")})
    return 204, None


def deliveries(call, slug, webhook_id):
    return call.rpc.call("notifications", "webhook_deliveries", call.actor,
                         {**call.query, "org": slug, "webhook_id": require_id(webhook_id, "Webhook")})


W = ("webhooks",)
BASE = "/api/v1/orgs/{slug}/webhooks"
ROUTES = [
    Route("POST", BASE, register, "Register a webhook (administrators of the organisation); the answer holds the "
          "signing secret, shown only this once", auth="official", body=WebhookIn, status=201, answer=WebhookCreated,
          errors=(400, 401, 403, 422), tags=W),
    Route("GET", BASE, list_webhooks, "The organisation's webhooks, without secrets (officials)", auth="official",
          answer=WebhookList, errors=(401, 403), tags=W),
    Route("DELETE", BASE + "/{webhook_id}", delete, "Delete a webhook; what is still pending is not sent",
          auth="official", status=204, errors=(401, 403, 404), tags=W),
    Route("GET", BASE + "/{webhook_id}/deliveries", deliveries, "A webhook's deliveries, newest first: attempts, "
          "last status, next attempt, delivered or failed", auth="official", query=CursorQuery,
          answer=WebhookDeliveryList, errors=(401, 403, 404, 422), tags=W),
]
