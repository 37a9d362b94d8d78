"""Reading back what the votes service stored, for the bench's and the tests' recounts (they
compare the tallies with the stored answers; the service itself is never asked)."""


def stored_tallies(votes_db, statements):
    """statement id -> its stored tally (the votes service keeps one document per topic)."""
    wanted = set(statements)
    return {statement_id: tally for doc in votes_db.topic_tallies.find()
            for statement_id, tally in doc.get("statements", {}).items() if statement_id in wanted}
