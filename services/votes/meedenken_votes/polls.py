"""Rules of polls and how their ballots are counted. Plain functions: no broker, no database.

Counting rules (also shown to citizens with the result):

- ``single`` / ``multiple``: ``counts`` is how many ballots name each option; the winner is the
  option named most. A tie for the most: no winner (``winner`` null), the counts show the tie.
- ``ranked`` (instant-runoff): each round counts every ballot for its highest-ranked option still
  in the race; ballots with none left are exhausted and no longer count. An option with more than
  half of the ballots counted in a round wins. Otherwise the option with the fewest votes drops
  out. A tie for the fewest is broken by the earlier rounds (the one with fewer votes in the latest
  round where they differ drops out), and if they were tied in every round, the option listed last
  in the poll drops out. Every round is in ``rounds``; ``counts`` are the first preferences.
- ``budget``: ``counts`` is how many ballots include each option (its support). Options are funded
  in order of support (ties: the cheaper first, then the one listed first) while the budget lasts:
  an option that costs more than what is left is skipped, and cheaper options further down the list
  may still be funded. Options nobody supports are not funded. There is no single ``winner``.
"""
KINDS = ("single", "multiple", "ranked", "budget")
ELECTORATES = ("accounts", "residents")
SCHEDULED, OPEN, CLOSED, CANCELLED = "scheduled", "open", "closed", "cancelled"
# what may change while a poll is scheduled (PATCH); everything else is fixed at creation
EDITABLE = ("question", "options", "max_choices", "budget", "opens_at", "closes_at", "quorum", "binding",
            "secret", "electorate")


def status(poll, now):
    """scheduled, open or closed by the clock (cancelled when cancelled), whether or not the
    service has announced it yet."""
    if poll["state"] == CANCELLED:
        return CANCELLED
    if now < poll["opens_at"]:
        return SCHEDULED
    return OPEN if now < poll["closes_at"] else CLOSED


def rules_problems(poll, now=None):
    """Field -> message for a poll whose rules do not fit together (empty when they do)."""
    problems = {}
    ids = [option["id"] for option in poll["options"]]
    if len(ids) < 2:
        problems["options"] = ["A poll needs at least two options."]
    if len({option["label"].strip().lower() for option in poll["options"]}) != len(ids):
        problems.setdefault("options", []).append("Options must have different labels.")
    if poll["closes_at"] <= poll["opens_at"]:
        problems["closes_at"] = ["A poll closes after it opens."]
    if now is not None and poll["closes_at"] <= now:
        problems.setdefault("closes_at", []).append("A poll closes in the future.")
    kind = poll["kind"]
    if kind == "multiple":
        if not poll.get("max_choices") or not 1 <= poll["max_choices"] <= len(ids):
            problems["max_choices"] = ["A multiple-choice poll needs max_choices between 1 and the number of options."]
    elif poll.get("max_choices") is not None:
        problems["max_choices"] = ["Only a multiple-choice poll has max_choices."]
    if kind == "budget":
        if not poll.get("budget"):
            problems["budget"] = ["A budget poll needs a budget."]
        if any(option.get("cost") is None for option in poll["options"]):
            problems.setdefault("options", []).append("Every option of a budget poll has a cost.")
        elif poll.get("budget") and any(option["cost"] > poll["budget"] for option in poll["options"]):
            problems.setdefault("options", []).append("An option cannot cost more than the whole budget.")
    else:
        if poll.get("budget") is not None:
            problems["budget"] = ["Only a budget poll has a budget."]
        if any(option.get("cost") is not None for option in poll["options"]):
            problems.setdefault("options", []).append("Only the options of a budget poll have a cost.")
    return problems


FIELD_OF_KIND = {"single": "choices", "multiple": "choices", "ranked": "ranking", "budget": "allocation"}


def ballot_problems(poll, ballot):
    """Field -> message for a ballot this poll does not accept (empty when it is valid)."""
    field = FIELD_OF_KIND[poll["kind"]]
    others = [name for name in FIELD_OF_KIND.values() if name != field and ballot.get(name) is not None]
    if others:
        return {name: [f"A {poll['kind']} poll takes '{field}'."] for name in others}
    picked = ballot.get(field)
    if not picked:
        return {field: ["Choose at least one option."]}
    known = {option["id"]: option for option in poll["options"]}
    if any(option_id not in known for option_id in picked):
        return {field: ["Not an option of this poll."]}
    if len(set(picked)) != len(picked):
        return {field: ["Each option at most once."]}
    if poll["kind"] == "single" and len(picked) != 1:
        return {field: ["Choose exactly one option."]}
    if poll["kind"] == "multiple" and len(picked) > poll["max_choices"]:
        return {field: [f"Choose at most {poll['max_choices']} options."]}
    if poll["kind"] == "budget" and sum(known[o]["cost"] for o in picked) > poll["budget"]:
        return {field: [f"The chosen options cost more than the budget of {poll['budget']}."]}
    return {}


def ballot_options(poll, ballot):
    """The option ids a valid ballot names, in its order."""
    return list(ballot[FIELD_OF_KIND[poll["kind"]]])


def count_named(option_ids, ballots):
    counts = {option_id: 0 for option_id in option_ids}
    for ballot in ballots:
        for option_id in ballot:
            counts[option_id] += 1
    return counts


def plurality_winner(counts):
    if not counts:
        return None
    top = max(counts.values())
    leaders = [option_id for option_id, n in counts.items() if n == top]
    return leaders[0] if top > 0 and len(leaders) == 1 else None


def instant_runoff(option_ids, rankings):
    """(rounds, winner): ``rounds`` is ``[{counts, exhausted, eliminated}]``."""
    continuing = list(option_ids)
    rounds = []
    while continuing and rankings:
        counts = {option_id: 0 for option_id in continuing}
        exhausted = 0
        for ranking in rankings:
            top = next((option_id for option_id in ranking if option_id in counts), None)
            if top is None:
                exhausted += 1
            else:
                counts[top] += 1
        rounds.append({"counts": counts, "exhausted": exhausted, "eliminated": None})
        counted = sum(counts.values())
        leader = max(continuing, key=lambda option_id: counts[option_id])
        if counted and (counts[leader] * 2 > counted or len(continuing) == 1):
            return rounds, leader
        if not counted:
            return rounds, None
        loser = _to_eliminate(continuing, rounds)
        rounds[-1]["eliminated"] = loser
        continuing.remove(loser)
    return rounds, None


def _to_eliminate(continuing, rounds):
    tied = continuing
    for past in reversed(rounds):
        fewest = min(past["counts"][option_id] for option_id in tied)
        tied = [option_id for option_id in tied if past["counts"][option_id] == fewest]
        if len(tied) == 1:
            return tied[0]
    return tied[-1]  # tied in every round: the one listed last in the poll


def fund(options, budget, counts):
    """The ids of the options funded, in the order they were funded."""
    order = [(index, option) for index, option in enumerate(options) if counts[option["id"]] > 0]
    order.sort(key=lambda item: (-counts[item[1]["id"]], item[1]["cost"], item[0]))
    funded, left = [], budget
    for _, option in order:
        if option["cost"] <= left:
            funded.append(option["id"])
            left -= option["cost"]
    return funded


def result(poll, ballots):
    """The result of a closed poll from its ballots (each a list of option ids, as cast)."""
    option_ids = [option["id"] for option in poll["options"]]
    turnout = len(ballots)
    quorum = poll.get("quorum")
    out = {"turnout": turnout, "quorum": quorum, "quorum_met": quorum is None or turnout >= quorum,
           "rounds": [], "winner": None, "funded": []}
    if poll["kind"] == "ranked":
        out["counts"] = count_named(option_ids, [ballot[:1] for ballot in ballots])
        out["rounds"], out["winner"] = instant_runoff(option_ids, ballots)
    else:
        out["counts"] = count_named(option_ids, ballots)
        if poll["kind"] == "budget":
            out["funded"] = fund(poll["options"], poll["budget"], out["counts"])
        else:
            out["winner"] = plurality_winner(out["counts"])
    return out
