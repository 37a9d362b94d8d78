"""The route-permission matrix, from the OpenAPI document: every operation says who may call it
(``x-auth``), and for every operation the platform proves it: no token on a non-anonymous route is
401, a citizen on an official route is 403, and an official of another organisation acting on this
organisation's resources is 403 (while this organisation's own official passes those checks)."""
import pytest

from world import build_world

LEVELS = {"anonymous", "citizen", "official"}
# a valid body per operation that takes one, so the permission check, not validation, answers
BODIES = {
    "post /api/v1/auth/register": {"email": "matrix@example.nl", "password": "een lang wachtwoord", "display_name": "M"},
    "post /api/v1/auth/login": {"email": "matrix@example.nl", "password": "een lang wachtwoord"},
    "post /api/v1/me/password": {"current_password": "een lang wachtwoord", "password": "nog een lang wachtwoord"},
    "post /api/v1/me/two-factor/confirm": {"code": "123456"},
    "post /api/v1/me/email": {"email": "matrix-nieuw@example.nl", "current_password": "een lang wachtwoord"},
    "post /api/v1/topics": {"org": "{slug}", "title": "Matrix", "summary": "Wie mag dit?"},
    "patch /api/v1/topics/{topic_id}": {"summary": "Gewijzigd"},
    "post /api/v1/topics/{topic_id}/phase": {"phase": "co_create"},
    "post /api/v1/topics/{topic_id}/statements": {"text": "Een stelling."},
    "put /api/v1/statements/{statement_id}/response": {"choice": "agree"},
    "post /api/v1/statements/{statement_id}/moderation": {"decision": "approve"},
    "post /api/v1/topics/{topic_id}/reactions": {"body": "Een reactie."},
    "post /api/v1/reactions/{reaction_id}/moderation": {"decision": "hide", "reason": "Test"},
    "post /api/v1/agenda-proposals": {"org": "{slug}", "title": "Een punt", "motivation": "Omdat het moet."},
    "post /api/v1/agenda-proposals/{proposal_id}/answer": {"answer": "Wij nemen het op."},
    "post /api/v1/topics/{topic_id}/solutions": {"title": "Een idee", "body": "Zo doen we het."},
    "post /api/v1/solutions/{solution_id}/taken": {"taken": True},
    "post /api/v1/topics/{topic_id}/decision": {"summary": "Besloten", "input": []},
    "post /api/v1/me/residency": {"org": "{slug}", "code": "ABCD-EFGH-JKLM"},
    "post /api/v1/topics/{topic_id}/polls": {
        "question": "Waar?", "kind": "single", "options": [{"label": "Hier"}, {"label": "Daar"}],
        "opens_at": "2031-01-01T10:00:00+01:00", "closes_at": "2031-01-02T10:00:00+01:00", "binding": False,
        "secret": False, "electorate": "accounts"},
    "patch /api/v1/polls/{poll_id}": {"question": "Waar precies?"},
    "put /api/v1/polls/{poll_id}/ballot": {"choices": ["o1"]},
    "post /api/v1/election-matches": {"org": "{slug}", "title": "Stemhulp", "statements": ["Een.", "Twee."]},
    "post /api/v1/election-matches/{match_id}/parties": {
        "name": "Partij", "positions": [{"statement_id": "0" * 24, "position": "agree", "explanation": "Daarom."}]},
    "post /api/v1/election-matches/{match_id}/result": {"answers": [{"statement_id": "0" * 24, "answer": "agree"}]},
    "post /api/v1/orgs/{slug}/webhooks": {"url": "http://127.0.0.1:9/haak", "types": ["topic.published.v1"]},
    "post /api/v1/reports": {"kind": "reaction", "id": "{item_id}", "reason": "spam"},
    "post /api/v1/moderation/{kind}/{item_id}/hide": {"reason": "Reclame"},
    "post /api/v1/moderation/{kind}/{item_id}/reinstate": {"reason": "Toch geen reclame"},
    "post /api/v1/moderation/{kind}/{item_id}/dismiss": {"reason": "Geen reclame"},
    "post /api/v1/moderation/{kind}/{item_id}/objection": {"text": "Het is geen reclame."},
    "post /api/v1/moderation/{kind}/{item_id}/objection/decision": {"decision": "uphold", "reason": "Wel reclame"},
    "put /api/v1/me/mail-preferences": {"frequency": "weekly", "language": "nl", "topics": []},
    "post /api/v1/auth/email-confirm": {"token": "geen-geldige-link"},
    "post /api/v1/mail/unsubscribe": {"token": "geen.geldige-link"},
    "post /api/v1/orgs/{slug}/ambassadors": {"email": "matrix-ambassadeur@example.nl", "name": "Matrix"},
    "post /api/v1/ambassadors/accept": {"token": "geen-geldige-link"},
}


@pytest.fixture(scope="module")
def world(api, cli):
    return build_world(api, cli)


@pytest.fixture(scope="module")
def operations(api):
    document = api.get("/api/v1/openapi.json").json()
    found = [(method, path, operation) for path, item in document["paths"].items()
             for method, operation in item.items() if method != "parameters"]
    assert len(found) > 30
    return found


def _request(api, world_org, method, path, operation, token):
    ids = {**world_org.ids, "notification_id": "0" * 24}
    key = f"{method} {path}"
    body = None
    if "requestBody" in operation:
        assert key in BODIES, f"add a valid body for {key} to BODIES"
        body = {k: v.format(**ids) if isinstance(v, str) else v for k, v in BODIES[key].items()}
    query = {"org": world_org.slug} if any(p.get("in") == "query" and p.get("name") == "org"
                                           for p in operation.get("parameters", [])) else None
    return api.request(method.upper(), path.format(**ids), json=body, token=token, params=query)


def test_every_operation_declares_who_may_call_it(operations):
    for method, path, operation in operations:
        assert operation.get("x-auth") in LEVELS, (method, path)
        assert ("security" in operation) == (operation["x-auth"] != "anonymous"), (method, path)
        if operation["x-auth"] != "anonymous":
            assert "401" in operation["responses"], (method, path)
        if operation["x-auth"] == "official":
            assert "403" in operation["responses"], (method, path)


def test_without_a_token_only_anonymous_routes_answer(api, world, operations):
    for method, path, operation in operations:
        if operation["x-auth"] != "anonymous":
            answer = _request(api, world.orgs["noord"], method, path, operation, token=None)
            assert answer.status_code == 401, (method, path, answer.status_code, answer.text)


def test_a_citizen_cannot_call_an_official_route(api, world, operations):
    for method, path, operation in operations:
        if operation["x-auth"] == "official":
            answer = _request(api, world.orgs["noord"], method, path, operation, token=world.citizen)
            assert answer.status_code == 403, (method, path, answer.status_code, answer.text)


def test_an_official_cannot_act_on_another_organisation(api, world, operations):
    noord, zuid = world.orgs["noord"], world.orgs["zuid"]
    official_routes = [o for o in operations if o[2]["x-auth"] == "official"]
    for method, path, operation in official_routes:
        answer = _request(api, noord, method, path, operation, token=zuid.official)
        assert answer.status_code == 403, (method, path, answer.status_code, answer.text)
    # the control: noord's own official gets past the permission check on each of them
    for method, path, operation in official_routes:
        answer = _request(api, noord, method, path, operation, token=noord.official)
        assert answer.status_code not in (401, 403), (method, path, answer.status_code, answer.text)
