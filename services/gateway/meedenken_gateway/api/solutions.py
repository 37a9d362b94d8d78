"""Solutions citizens propose on a topic, their supports, and the decision officials publish with
what was done with the input."""
from ..routing import Route, require_id
from ..schemas import CursorQuery, DecisionIn, Solution, SolutionIn, SolutionList, SolutionSupport, TakenIn, Topic


def propose(call, topic_id):
    return call.rpc.call("topics", "propose_solution", call.actor, require_id(topic_id, "Topic"), call.body)


def list_solutions(call, topic_id):
    return call.rpc.call("topics", "list_solutions", call.actor, require_id(topic_id, "Topic"), call.query)


def _set_support(call, solution_id, supported):
    return call.rpc.call("topics", "support_solution", call.actor, require_id(solution_id, "Solution"),
                         {"supported": supported})


def support(call, solution_id):
    return _set_support(call, solution_id, True)


def withdraw_support(call, solution_id):
    return _set_support(call, solution_id, False)


def take_into_vote(call, solution_id):
    return call.rpc.call("topics", "take_into_vote", call.actor, require_id(solution_id, "Solution"), call.body)


def decide(call, topic_id):
    return call.rpc.call("topics", "decide", call.actor, require_id(topic_id, "Topic"),
                         {"body": "", "input": [], **call.body})


S = ("solutions",)
ROUTES = [
    Route("POST", "/api/v1/topics/{topic_id}/solutions", propose,
          "Propose a solution (while the topic is in advise or co_create)", auth="citizen", body=SolutionIn,
          status=201, answer=Solution, errors=(400, 401, 403, 404, 409, 422), tags=S),
    Route("GET", "/api/v1/topics/{topic_id}/solutions", list_solutions,
          "A topic's solutions with their supports, oldest first", query=CursorQuery, answer=SolutionList,
          errors=(404, 422), tags=S),
    Route("POST", "/api/v1/solutions/{solution_id}/support", support,
          "Support a solution (once per citizen; supporting again changes nothing)", auth="citizen",
          answer=SolutionSupport, errors=(401, 404, 409), tags=S),
    Route("DELETE", "/api/v1/solutions/{solution_id}/support", withdraw_support,
          "Withdraw your support for a solution", auth="citizen", answer=SolutionSupport,
          errors=(401, 404, 409), tags=S),
    Route("POST", "/api/v1/solutions/{solution_id}/taken", take_into_vote,
          "Mark a solution as taken into the vote, or unmark it", auth="official", body=TakenIn,
          answer=Solution, errors=(400, 401, 403, 404, 409, 422), tags=S),
    Route("POST", "/api/v1/topics/{topic_id}/decision", decide,
          "Publish the decision and what was done with each statement, solution and agenda proposal it "
          "names; the topic moves to decided", auth="official", body=DecisionIn, answer=Topic,
          errors=(400, 401, 403, 404, 409, 422), tags=("topics",)),
]
