"""Plain pymongo helpers shared by every service: one client per process, transactions, indexes."""
from pymongo import MongoClient
from pymongo.errors import ConnectionFailure, OperationFailure, PyMongoError


def connect(uri, app_name="meedenken"):
    return MongoClient(uri, tz_aware=True, appname=app_name, serverSelectionTimeoutMS=5000)


def in_transaction(client, work):
    """Run ``work(session)`` in one multi-document transaction; transient write conflicts are
    retried by pymongo's ``with_transaction``. Returns what ``work`` returns."""
    with client.start_session() as session:
        return session.with_transaction(work)


def ping(client):
    """True when the database answers; used by readiness probes."""
    try:
        client.admin.command("ping")
        return True
    except PyMongoError:
        return False


def is_transient(exc):
    """A database outage or a write conflict that outlived the transaction's retries (e.g. with an
    orphaned transaction of a crashed process, until the server reaps it): worth trying again
    later, never a reason to dead-letter."""
    return isinstance(exc, ConnectionFailure) or (
        isinstance(exc, PyMongoError) and exc.has_error_label("TransientTransactionError"))


__all__ = ["connect", "in_transaction", "ping", "is_transient", "OperationFailure"]
