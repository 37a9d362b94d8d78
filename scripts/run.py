"""``make run``: the whole platform on this machine, with demo data, until Ctrl-C.

Uses AMQP_URI (default the local RabbitMQ; when none answers and ``rabbitmq-server`` is installed,
starts one with its data under .run/) and MONGO_URI (default: starts SecantusDB with its data under
.run/). PORT sets the gateway's port (default 8000)."""
import os
import signal
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import (DEV_MONGO_OPTIONS, ROOT, Platform, Processes, amqp_address, port_open,  # noqa: E402
                   start_rabbitmq, start_secantus, start_smtp_sink)

RUN_DIR = ROOT / ".run"
DEMO = ROOT / "demo"  # one file per organisation, named by its slug
MAIL_DIR = RUN_DIR / "mail"


def main():
    amqp_uri = os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
    port = int(os.environ.get("PORT", "8000"))
    processes = Processes(RUN_DIR / "logs")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        host, amqp_port = amqp_address(amqp_uri)
        if not port_open(host, amqp_port):
            if "AMQP_URI" in os.environ or not start_rabbitmq(processes, RUN_DIR / "rabbitmq"):
                print(f"No RabbitMQ answers at {host}:{amqp_port}. Start one (Debian/Ubuntu: "
                      "sudo apt-get install rabbitmq-server) or set AMQP_URI to a reachable broker.")
                return 1
            print("started a local RabbitMQ (data in .run/rabbitmq)")
        mongo_uri = os.environ.get("MONGO_URI")
        if not mongo_uri:
            if port_open("127.0.0.1", 27017):
                mongo_uri = f"mongodb://127.0.0.1:27017/?{DEV_MONGO_OPTIONS}"
                if not answers_as_mongo(mongo_uri):
                    print("Port 27017 is taken by something that does not answer as MongoDB (a stack still "
                          "stopping?). Try again in a moment, or set MONGO_URI.")
                    return 1
                print("using the Mongo-wire server already listening on 127.0.0.1:27017")
            else:
                mongo_uri = start_secantus(processes, RUN_DIR / "secantusdb", port=27017)
                print("started SecantusDB on 127.0.0.1:27017 (data in .run/secantusdb)")
        if port_open("127.0.0.1", port):
            print(f"Port {port} is taken; set PORT to a free one.")
            return 1
        smtp_port = None
        if "SMTP_HOST" not in os.environ:
            smtp_port = start_smtp_sink(processes, MAIL_DIR, port=None if port_open("127.0.0.1", 8025) else 8025)
            print(f"started an SMTP sink on 127.0.0.1:{smtp_port} (mails in .run/mail/ as .eml files)")
        platform = Platform(processes, amqp_uri, mongo_uri, port, smtp_port=smtp_port)
        platform.start()
        os.environ.update({"AMQP_URI": amqp_uri, "MONGO_URI": mongo_uri})
        load_demo()
        print_welcome(platform.url, smtp_port,
                      {s: platform.metrics_url(s) for s in ("gateway", *platform.metrics_ports)})
        while not stop.wait(1):
            exited = processes.exited()
            if exited:
                print(f"stopping: a process exited unexpectedly {exited}; see .run/logs/")
                return 1
    except KeyboardInterrupt:
        pass
    except (TimeoutError, RuntimeError) as exc:
        print(f"could not start: {exc}; see .run/logs/")
        return 1
    finally:
        print("stopping Meedenken …")
        processes.stop_all()
    return 0


def answers_as_mongo(uri):
    from pymongo import MongoClient
    from pymongo.errors import PyMongoError
    client = MongoClient(uri, serverSelectionTimeoutMS=2000)
    try:
        client.admin.command("ping")
        return True
    except PyMongoError:
        return False
    finally:
        client.close()


def load_demo():
    sys.path.insert(0, str(ROOT / "services" / "gateway"))
    from meedenken_gateway.app import Gateway
    from meedenken_gateway.importer import load_file
    from meedenken_gateway.settings import Settings
    gateway = Gateway(Settings.from_env())
    try:
        for path in sorted(DEMO.glob("*.yaml")):
            load_file(gateway, path.stem, path, say=lambda line: print("  demo:", line))
    finally:
        gateway.close()


def demo_accounts():
    """E-mail -> (password, {org: role}) of the demo files' people."""
    import yaml
    people = {}
    for path in sorted(DEMO.glob("*.yaml")):
        for person in yaml.safe_load(path.read_text(encoding="utf-8")).get("people", []):
            password, roles = people.setdefault(person["email"], (person.get("password", "-"), {}))
            if person.get("role"):
                roles[path.stem] = person["role"]
    return people


def print_welcome(url, smtp_port, metrics=None):
    print()
    print(f"Meedenken is running: {url}")
    print(f"  API:       {url}/api/v1/topics   (OpenAPI: {url}/api/v1/openapi.json)")
    print("  Demo accounts (e-mail / password / role):")
    for email, (password, roles) in demo_accounts().items():
        described = ", ".join(f"{role} of {org}" for org, role in roles.items()) or "citizen"
        print(f"    {email:<32} {password:<20} {described}")
    if metrics:
        print("  Metrics:   " + "  ".join(f"{name} {address}" for name, address in metrics.items()))
    if smtp_port:
        print(f"  Mail:      nothing leaves this machine: every mail is caught in {MAIL_DIR}/ (one .eml file each)")
    print("  Admin CLI: .venv/bin/meedenken --help      Logs: .run/logs/      Stop: Ctrl-C")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
