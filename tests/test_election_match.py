"""The election match end to end (tests/journey.py creates and publishes it): a citizen's result
over the API, the rules for officials, and proof that a citizen's answers leave no trace in any
database."""
import hashlib

from bson import BSON
from pymongo import MongoClient

from journey import MATCH_PARTIES


def answers_like(j, party, important=()):
    return {"answers": [{"statement_id": sid, "answer": position, "important": index in important}
                        for index, (sid, position) in enumerate(zip(j.ids["match_statements"], MATCH_PARTIES[party]))]}


def test_answering_exactly_like_a_party_puts_it_first_at_100_percent(api, journey):
    result = api.post(f"/api/v1/election-matches/{journey.ids['election_match']}/result",
                      answers_like(journey, "Groen Proefdorp"))
    assert result.status_code == 200, result.text
    ranking = result.json()["ranking"]
    assert ranking[0]["name"] == "Groen Proefdorp" and ranking[0]["percentage"] == 100.0 and ranking[0]["rank"] == 1
    assert not ranking[0]["tied"]
    assert {(p["name"], p["percentage"], p["rank"], p["tied"]) for p in ranking[1:]} == {
        ("Dorpsbelang", 50.0, 2, True), ("Actief Proefdorp", 50.0, 2, True)}
    first = result.json()["statements"][0]
    assert [(p["name"], p["position"]) for p in first["parties"]] == [
        ("Actief Proefdorp", "disagree"), ("Dorpsbelang", "agree"), ("Groen Proefdorp", "disagree")]
    assert first["parties"][1]["explanation"] == "Dorpsbelang vindt dit agree."


def test_important_statements_weigh_more(api, journey):
    match_id, ids = journey.ids["election_match"], journey.ids["match_statements"]
    plain = {"answers": [{"statement_id": ids[0], "answer": "agree"}, {"statement_id": ids[1], "answer": "disagree"},
                         {"statement_id": ids[2], "answer": "skip"}]}
    scores = {p["name"]: p["percentage"] for p in api.post(f"/api/v1/election-matches/{match_id}/result", plain)
              .json()["ranking"]}
    assert scores == {"Dorpsbelang": 50.0, "Actief Proefdorp": 50.0, "Groen Proefdorp": 25.0}
    plain["answers"][0]["important"] = True
    weighted = api.post(f"/api/v1/election-matches/{match_id}/result", plain).json()
    assert weighted["total_weight"] == 3
    assert [(p["name"], p["percentage"]) for p in weighted["ranking"]][0] == ("Dorpsbelang", 66.7)


def test_refusals(api, journey):
    match_id, official = journey.ids["election_match"], journey.tokens["official"]
    skipped = {"answers": [{"statement_id": sid, "answer": "skip"} for sid in journey.ids["match_statements"]]}
    assert api.post(f"/api/v1/election-matches/{match_id}/result", skipped).status_code == 422
    party = {"name": "Te laat", "positions": [{"statement_id": sid, "position": "agree", "explanation": "Ja."}
                                              for sid in journey.ids["match_statements"]]}
    assert api.post(f"/api/v1/election-matches/{match_id}/parties", party, token=official).status_code == 409
    assert api.post(f"/api/v1/election-matches/{'0' * 24}/result", skipped).status_code == 404
    listed = api.get(f"/api/v1/election-matches?org={journey.org}").json()["items"]
    assert [m["id"] for m in listed] == [match_id]


def fingerprint(platform):
    """Every collection of every service's database: its documents, hashed."""
    client = MongoClient(platform.mongo_uri)
    try:
        found = {}
        for name in client.list_database_names():
            if name.startswith(platform.db_prefix):
                for collection in client[name].list_collection_names():
                    digest = hashlib.sha256()
                    for doc in client[name][collection].find().sort("_id", 1).batch_size(500):
                        digest.update(BSON.encode(doc))
                    found[(name, collection)] = digest.hexdigest()
        return found
    finally:
        client.close()


def test_a_citizens_answers_are_not_stored(api, journey, platform):
    """No database changes with the call (other work of the platform may write meanwhile, so a
    round with a change is tried again: a call that writes would change every round)."""
    token = journey.tokens["carol"]
    for _ in range(5):
        before = fingerprint(platform)
        answered = api.post(f"/api/v1/election-matches/{journey.ids['election_match']}/result",
                            answers_like(journey, "Dorpsbelang", important=(1,)), token=token)
        assert answered.status_code == 200
        if fingerprint(platform) == before:
            return
    raise AssertionError("a database changed with every result call")


def test_the_routes_are_in_the_openapi_document(api):
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/election-matches"])
    assert "get" in paths["/api/v1/election-matches/{match_id}"]
    parties, publish, result = (paths[f"/api/v1/election-matches/{{match_id}}/{action}"]["post"]
                                for action in ("parties", "publish", "result"))
    assert "requestBody" in parties and "security" in parties and "security" in publish
    assert "requestBody" in result and "security" not in result  # no login needed for a result
    assert "get" in paths["/api/v1/topics/{topic_id}/opinion-groups"]
