"""Bad input gets a clear RFC 9457 problem+json answer, never a 500 or a trace, and operator-shaped
input never reaches a query."""
import pytest

from journey import PASSWORD, register_and_login

PROBLEM = "application/problem+json"


def assert_problem(answer, status):
    assert answer.status_code == status, (answer.status_code, answer.text)
    assert answer.headers["Content-Type"].startswith(PROBLEM), answer.headers
    body = answer.json()
    assert body["status"] == status
    assert body["type"].startswith("https://") and body["title"] and body["detail"]
    assert "Traceback" not in answer.text and "File \"" not in answer.text
    return body


@pytest.fixture(scope="module")
def citizen(api):
    import uuid
    return register_and_login(api, "Dirk", f"dirk-{uuid.uuid4().hex[:6]}@example.nl")[1]


def test_malformed_json_is_400(api):
    answer = api.post("/api/v1/auth/login", data=b'{"email": "a@b.nl", ', headers={"Content-Type": "application/json"})
    assert_problem(answer, 400)


def test_a_body_that_is_not_an_object_is_400(api):
    assert_problem(api.post("/api/v1/auth/login", json=["a", "b"]), 400)


def test_wrong_content_type_is_415(api):
    answer = api.post("/api/v1/auth/login", data="email=a", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_problem(answer, 415)


def test_unknown_fields_are_rejected(api):
    body = assert_problem(api.post("/api/v1/auth/register", {"email": "x@example.nl", "password": PASSWORD,
                                                              "display_name": "X", "is_admin": True}), 422)
    assert "is_admin" in body["errors"]


@pytest.mark.parametrize("payload", [
    {"email": {"$gt": ""}, "password": {"$ne": None}},
    {"email": "a@b.nl", "password": "x", "$where": "1"},
    {"email": "a@b.nl", "password": "x", "a.b": 1},
])
def test_operator_shaped_input_is_rejected(api, payload):
    assert_problem(api.post("/api/v1/auth/login", payload), 422)


def test_operator_shaped_query_and_path_never_reach_a_query(api, citizen):
    assert_problem(api.get("/api/v1/topics?phase[$ne]=draft"), 422)
    assert_problem(api.get("/api/v1/topics?org[$gt]="), 422)
    assert_problem(api.get("/api/v1/topics/%7B%22$gt%22:%22%22%7D"), 404)
    assert_problem(api.put("/api/v1/statements/$where/response", {"choice": "agree"}, token=citizen), 404)
    assert_problem(api.post("/api/v1/me/notifications/$where/read", token=citizen), 404)


def test_duplicate_email_is_409(api):
    import uuid
    email = f"twice-{uuid.uuid4().hex[:6]}@example.nl"
    assert api.post("/api/v1/auth/register", {"email": email, "password": PASSWORD, "display_name": "Een"}).status_code == 201
    body = assert_problem(api.post("/api/v1/auth/register", {"email": email.upper(), "password": PASSWORD,
                                                              "display_name": "Twee"}), 409)
    assert "password" not in str(body)


def test_wrong_password_is_401_without_saying_which_part(api):
    body = assert_problem(api.post("/api/v1/auth/login", {"email": "niemand@example.nl", "password": "x"}), 401)
    assert body["detail"] == "E-mail address or password is incorrect."


def test_missing_and_bad_tokens_are_401(api):
    assert_problem(api.get("/api/v1/me"), 401)
    assert_problem(api.get("/api/v1/me", token="not-a-token"), 401)
    assert_problem(api.get("/api/v1/me", headers={"Authorization": "Basic dXNlcjpwYXNz"}), 401)


def test_validation_errors_name_the_fields(api, citizen):
    body = assert_problem(api.post("/api/v1/agenda-proposals", {"org": "Geen Slug!", "title": "", "motivation": 5},
                                   token=citizen), 422)
    assert set(body["errors"]) == {"org", "title", "motivation"}


def test_citizen_may_not_create_topics_403(api, citizen, journey):
    assert_problem(api.post("/api/v1/topics", {"org": journey.org, "title": "t", "summary": "s"}, token=citizen), 403)


def test_unknown_things_are_404(api, citizen):
    assert_problem(api.get("/api/v1/topics/" + "0" * 24), 404)
    assert_problem(api.get("/api/v1/orgs/bestaat-niet"), 404)
    assert_problem(api.post("/api/v1/agenda-proposals/" + "1" * 24 + "/support", token=citizen), 404)
    assert_problem(api.get("/api/v1/bestaat-niet"), 404)


def test_wrong_choice_and_wrong_method(api, citizen, journey):
    assert_problem(api.put(f"/api/v1/statements/{journey.ids['statement']}/response", {"choice": "misschien"},
                           token=citizen), 422)
    assert_problem(api.delete("/api/v1/topics"), 405)


def test_phase_rules_are_409_with_a_reason(api, journey):
    body = assert_problem(api.post(f"/api/v1/topics/{journey.ids['topic']}/phase", {"phase": "draft"},
                                   token=journey.tokens["official"]), 422)
    assert "phase" in body["errors"]


def test_every_error_in_the_openapi_document_is_a_problem(api):
    doc = api.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert response == {"$ref": f"#/components/responses/Problem{status}"}, (path, method, status)
