"""A local SMTP server that delivers nowhere: every mail it accepts is written to a directory as one
``.eml`` file (``make run`` reads them from .run/mail/, the tests from their own directory).

    python scripts/smtp_sink.py --port 8025 --dir .run/mail

To try retries: a mail to an address that starts with ``fail-once`` is refused with a temporary error
(451) the first time it arrives (by its Message-ID), and accepted when it is sent again."""
import argparse
import email
import email.policy
import os
import signal
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller

FAIL_ONCE = "fail-once"


class Sink:
    def __init__(self, directory):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.refused = set()
        self.lock = threading.Lock()
        self.count = len(list(self.directory.glob("*.eml")))

    async def handle_DATA(self, server, session, envelope):
        if any(rcpt.lower().startswith(FAIL_ONCE) for rcpt in envelope.rcpt_tos):
            message_id = email.message_from_bytes(envelope.original_content, policy=email.policy.default)["Message-ID"]
            if message_id not in self.refused:
                self.refused.add(message_id)
                return "451 4.3.0 Temporary failure, try again later"
        with self.lock:
            self.count += 1
            name = f"{self.count:06d}-{time.time_ns()}.eml"
        partial = self.directory / f".{name}"
        recipients = "".join(f"X-Sink-To: {rcpt}\r\n" for rcpt in envelope.rcpt_tos).encode()
        partial.write_bytes(recipients + envelope.original_content)
        os.replace(partial, self.directory / name)  # readers never see half a file
        return "250 OK"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--dir", required=True)
    args = parser.parse_args()
    controller = Controller(Sink(args.dir), hostname=args.host, port=args.port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
