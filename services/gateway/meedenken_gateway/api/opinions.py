"""Opinion groups of a topic: computed and stored by the votes service, statement texts from topics."""
from ..routing import Route, require_id
from ..rpc import RpcError
from ..schemas import OpinionGroups


def with_texts(result, statements):
    """Add each statement's text (None for one no longer shown) to the votes service's result."""
    texts = {s["id"]: s["text"] for s in statements}
    for item in [r for g in result["groups"] for r in g["representative"]] + result["consensus"]:
        item["text"] = texts.get(item["statement_id"])
    return result


def opinion_groups(call, topic_id):
    """Asks topics (may the caller see the topic; the statements' texts) and votes at once."""
    require_id(topic_id, "Topic")
    topic_call = call.rpc.call_async("topics", "get_topic", call.actor, topic_id)
    groups_call = call.rpc.call_async("votes", "opinion_groups", topic_id)
    statements = call.rpc.result("topics", topic_call)["statements"]
    return with_texts(call.rpc.result("votes", groups_call), statements)


def for_topic_page(call, page):
    """The groups for a topic page already loaded; None when the votes service does not answer."""
    try:
        return with_texts(call.rpc.call("votes", "opinion_groups", page["id"]), page["statements"])
    except RpcError:
        return None


ROUTES = [
    Route("GET", "/api/v1/topics/{topic_id}/opinion-groups", opinion_groups,
          "Groups of citizens who answer the topic's statements alike (sizes only, never who), the statements "
          "that set each group apart and the consensus statements; recomputed shortly after answers arrive",
          answer=OpinionGroups, errors=(404,), tags=("topics",)),
]
