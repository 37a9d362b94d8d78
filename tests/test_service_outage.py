"""When one service is down the topic page still answers with what it has and says what is
missing; acts that need the missing service get a 503 problem, and nothing is lost meanwhile."""
from conftest import eventually


def test_topic_page_degrades_when_notifications_is_down(platform, api, journey):
    topic_id, alice = journey.ids["topic"], journey.tokens["alice"]
    platform.processes.stop("notifications")
    try:
        page = api.get(f"/api/v1/topics/{topic_id}", token=alice)
        assert page.status_code == 200, page.text
        page = page.json()
        assert page["missing"] == ["follower_count", "following"]
        assert page["follower_count"] is None and page["following"] is False
        assert all(s["tally"] is not None for s in page["statements"])
        follow = api.post(f"/api/v1/topics/{topic_id}/follow", token=journey.tokens["carol"])
        assert follow.status_code == 503 and follow.headers["Content-Type"].startswith("application/problem+json")
        # an act while notifications is down: its event waits in the durable queue
        assert api.post(f"/api/v1/topics/{topic_id}/statements", {"text": "Tijdens de storing toegevoegd."},
                        token=journey.tokens["official"]).status_code == 201
    finally:
        platform.start_service("notifications")
        platform.wait_ready(60)
    eventually(lambda: any("Tijdens de storing" in n["title"] for n in
                           api.get("/api/v1/me/notifications", token=alice).json()["items"]), timeout=30)
    page = api.get(f"/api/v1/topics/{topic_id}", token=alice).json()
    assert page["missing"] == [] and page["following"] is True
