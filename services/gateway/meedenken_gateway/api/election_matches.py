"""Election matches (Stemwijzer-style): officials enter statements and parties' positions; a
citizen's answers are scored against them without being stored (docs/election-match.md)."""
from ..routing import Route, require_id
from ..schemas import ElectionMatch, ElectionMatchIn, ElectionMatchList, MatchAnswersIn, MatchListQuery, \
    MatchResult, PartyIn


def create(call):
    return call.rpc.call("topics", "create_election_match", call.actor, {"intro": "", **call.body})


def list_matches(call):
    return call.rpc.call("topics", "list_election_matches", call.actor, call.query)


def get(call, match_id):
    return call.rpc.call("topics", "get_election_match", call.actor, require_id(match_id, "Election match"))


def add_party(call, match_id):
    return call.rpc.call("topics", "add_election_party", call.actor, require_id(match_id, "Election match"),
                         call.body)


def publish(call, match_id):
    return call.rpc.call("topics", "publish_election_match", call.actor, require_id(match_id, "Election match"))


def result(call, match_id):
    return call.rpc.call("topics", "election_match_result", call.actor, require_id(match_id, "Election match"),
                         call.body)


E = ("election matches",)
ROUTES = [
    Route("POST", "/api/v1/election-matches", create, "Create an election match with its statements (in draft)",
          auth="official", body=ElectionMatchIn, status=201, answer=ElectionMatch,
          errors=(400, 401, 403, 404, 422), tags=E),
    Route("GET", "/api/v1/election-matches", list_matches, "An organisation's published election matches, newest "
          "first (with drafts=true, its officials also see drafts)", query=MatchListQuery, answer=ElectionMatchList,
          errors=(422,), tags=E),
    Route("GET", "/api/v1/election-matches/{match_id}", get,
          "An election match: its statements and the parties' positions (parties in alphabetical order)",
          answer=ElectionMatch, errors=(404,), tags=E),
    Route("POST", "/api/v1/election-matches/{match_id}/parties", add_party,
          "Enter a party with its position (agree, neutral, disagree) and explanation on every statement "
          "(while the match is a draft)", auth="official", body=PartyIn, status=201, answer=ElectionMatch,
          errors=(400, 401, 403, 404, 409, 422), tags=E),
    Route("POST", "/api/v1/election-matches/{match_id}/publish", publish,
          "Publish the match (at least two parties); it can no longer change", auth="official",
          answer=ElectionMatch, errors=(401, 403, 404, 409), tags=E),
    Route("POST", "/api/v1/election-matches/{match_id}/result", result,
          "Rank the parties by agreement with your answers (skip allowed, important counts double) and show "
          "per statement where each party stands and why. Nothing of the answers is stored",
          body=MatchAnswersIn, answer=MatchResult, errors=(400, 404, 409, 422), tags=E),
]
