"""End to end over HTTP against the real processes: the journey's outcome (tests/journey.py)."""


def test_the_journey_runs(journey):
    assert journey.ids["topic"] and journey.ids["proposal"]


def test_notifications_match_the_acts(journey, api):
    alice = journey.answers["alice_inbox"]
    assert all(n["read"] is False for n in alice)
    kinds = {n["type"]: n for n in alice}
    assert kinds["reaction.official_answer"]["subject_id"] == journey.ids["official_answer"]
    assert kinds["reaction.official_answer"]["topic_id"] == journey.ids["topic"]
    assert kinds["agenda_proposal.threshold_reached"]["subject_id"] == journey.ids["proposal"]
    assert kinds["agenda_proposal.threshold_reached"]["topic_id"] is None
    assert "Meer bomen in de Dorpsstraat" in kinds["agenda_proposal.threshold_reached"]["title"]
    assert "raadplegen" in kinds["topic.phase_changed"]["title"]  # Dutch by default
    created = [n["created_at"] for n in alice]
    assert created == sorted(created, reverse=True)  # newest first


def test_nobody_is_notified_of_their_own_act(journey):
    # the official follows the topic and did every act that notified the followers
    assert journey.answers["official_inbox"] == []
    # bob replied to alice: not an official answer, so no notification for alice from it
    assert [n["type"] for n in journey.answers["alice_inbox"]].count("reaction.official_answer") == 1


def test_mark_read_is_per_citizen(journey, api):
    alice, bob = journey.tokens["alice"], journey.tokens["bob"]
    notification = journey.answers["alice_inbox"][0]
    assert api.post(f"/api/v1/me/notifications/{notification['id']}/read", token=bob).status_code == 404
    assert api.post(f"/api/v1/me/notifications/{notification['id']}/read", token=alice).status_code == 204
    assert api.post(f"/api/v1/me/notifications/{notification['id']}/read", token=alice).status_code == 204
    items = api.get("/api/v1/me/notifications?lang=en", token=alice).json()
    read = {n["id"]: n["read"] for n in items["items"]}
    assert read[notification["id"]] is True and list(read.values()).count(True) == 1
    assert items["unread"] == len(items["items"]) - 1


def test_topic_lists_filter_by_org_phase_and_tag(journey, api):
    topic_id, org = journey.ids["topic"], journey.org
    assert [t["id"] for t in api.get(f"/api/v1/topics?org={org}&phase=consult").json()["items"]] == [topic_id]
    assert api.get(f"/api/v1/topics?org={org}&phase=inform").json()["items"] == []
    assert [t["id"] for t in api.get(f"/api/v1/topics?org={org}&tag=park").json()["items"]] == [topic_id]
    assert api.get(f"/api/v1/topics?org={org}&tag=verkeer").json()["items"] == []


def test_topics_paginate_with_a_cursor(journey, api):
    official = journey.tokens["official"]
    ids = []
    for n in range(3):
        topic = api.post("/api/v1/topics", {"org": journey.org, "title": f"Onderwerp {n}", "summary": "s"},
                         token=official).json()
        assert api.post(f"/api/v1/topics/{topic['id']}/phase", {"phase": "inform"}, token=official).status_code == 200
        ids.append(topic["id"])
    seen, cursor = [], None
    while True:
        page = api.get(f"/api/v1/topics?org={journey.org}&limit=2" + (f"&after={cursor}" if cursor else "")).json()
        seen += [t["id"] for t in page["items"]]
        cursor = page["next"]
        if not cursor:
            break
    assert seen == list(reversed(ids)) + [journey.ids["decided_topic"], journey.ids["topic"]]


def test_reactions_paginate_with_a_cursor(journey, api):
    alice, topic_id = journey.tokens["alice"], journey.ids["topic"]
    for n in range(4):
        assert api.post(f"/api/v1/topics/{topic_id}/reactions", {"body": f"Reactie {n}"}, token=alice).status_code == 201
    first = api.get(f"/api/v1/topics/{topic_id}/reactions?limit=3").json()
    second = api.get(f"/api/v1/topics/{topic_id}/reactions?limit=3&after={first['next']}").json()
    bodies = [t["body"] for t in first["items"] + second["items"]]
    assert bodies == ["Komen er ook bankjes?", "Reactie 0", "Reactie 1", "Reactie 2", "Reactie 3"]
    assert second["next"] is None


def test_closing_ends_participation(journey, api):
    official, bob = journey.tokens["official"], journey.tokens["bob"]
    topic = api.post("/api/v1/topics", {"org": journey.org, "title": "Te sluiten", "summary": "s"}, token=official).json()
    assert api.post(f"/api/v1/topics/{topic['id']}/phase", {"phase": "closed"}, token=official).status_code == 409
    for phase in ("co_decide", "closed"):  # skipping rungs is allowed
        assert api.post(f"/api/v1/topics/{topic['id']}/phase", {"phase": phase}, token=official).status_code == 200
    assert api.post(f"/api/v1/topics/{topic['id']}/phase", {"phase": "decided"}, token=official).status_code == 409
    assert api.post(f"/api/v1/topics/{topic['id']}/reactions", {"body": "Nog iets"}, token=bob).status_code == 409


def test_cli_reports_clear_errors(cli, journey):
    out = cli("create-org", journey.org, "Dubbel")
    assert out.returncode == 1 and "already exists" in out.stderr
    out = cli("create-user", "--org", "bestaat-niet", "--email", "x@example.nl", "--password", "p" * 12,
              "--role", "official")
    assert out.returncode == 1 and "not found" in out.stderr.lower()
