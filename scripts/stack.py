"""Start and stop the whole platform as native processes: the three nameko services and the
gunicorn gateway, plus SecantusDB and RabbitMQ when none is given. Used by ``make run``
(scripts/run.py), the end-to-end tests and the benchmarks, so all three run the same commands
the containers run."""
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SERVICES = ("topics", "votes", "notifications")
DEV_MONGO_OPTIONS = "directConnection=true&retryWrites=false"


def port_open(host, port, timeout=0.5):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise TimeoutError(f"{what} did not come up within {timeout:.0f}s")


def amqp_address(amqp_uri):
    parsed = urllib.parse.urlparse(amqp_uri)
    return parsed.hostname or "127.0.0.1", parsed.port or 5672


class Processes:
    """Child processes started in their own process groups, stopped in reverse order."""

    def __init__(self, log_dir):
        self.log_dir = Path(log_dir)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.children = {}
        self.cleanups = {}  # name -> what else to stop with it (processes that left its group)

    def start(self, name, argv, env=None, cwd=ROOT):
        log = open(self.log_dir / f"{name}.log", "ab")
        process = subprocess.Popen(argv, cwd=cwd, env={**os.environ, **(env or {})}, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.children[name] = process
        return process

    def stop(self, name, timeout=10):
        process = self.children.pop(name, None)
        cleanup = self.cleanups.pop(name, None)
        try:
            self._stop(process, timeout)
        finally:
            if cleanup:
                cleanup()

    @staticmethod
    def _stop(process, timeout):
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:
            pass

    def kill(self, name):
        process = self.children.pop(name, None)
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop_all(self):
        for name in reversed(list(self.children)):
            self.stop(name)

    def exited(self):
        return {name: p.returncode for name, p in self.children.items() if p.poll() is not None}


def start_secantus(processes, storage, port=None):
    """An embedded Mongo-wire server for development and tests; returns its URI."""
    port = port or free_port()
    if storage != ":memory:":
        Path(storage).mkdir(parents=True, exist_ok=True)
    processes.start("secantusdb", [str(BIN / "secantusd-py"), "--host", "127.0.0.1", "--port", str(port),
                                   "--storage-path", str(storage), "--log-level", "WARNING"])
    wait_for(lambda: port_open("127.0.0.1", port), 30, "SecantusDB")
    return f"mongodb://127.0.0.1:{port}/?{DEV_MONGO_OPTIONS}"


def start_smtp_sink(processes, directory, port=None):
    """scripts/smtp_sink.py: a local SMTP server writing every mail it accepts to ``directory`` as an
    .eml file; returns its port."""
    port = port or free_port()
    processes.start("smtp-sink", [sys.executable, str(ROOT / "scripts" / "smtp_sink.py"), "--port", str(port),
                                  "--dir", str(directory)])
    wait_for(lambda: port_open("127.0.0.1", port), 30, "the SMTP sink")
    return port


def start_rabbitmq(processes, base, port=5672, name="rabbitmq"):
    """Start the installed rabbitmq-server with its data under ``base``; returns when it listens.
    Another ``port`` makes a private node beside the machine's broker (own node name, no plugins),
    e.g. for a test that restarts its broker."""
    server = shutil.which("rabbitmq-server") or ("/usr/sbin/rabbitmq-server"
                                                 if os.path.exists("/usr/sbin/rabbitmq-server") else None)
    if server is None:
        return False
    base = Path(base)
    (base / "mnesia").mkdir(parents=True, exist_ok=True)
    (base / "log").mkdir(parents=True, exist_ok=True)
    env = {"RABBITMQ_MNESIA_BASE": str(base / "mnesia"), "RABBITMQ_LOG_BASE": str(base / "log"),
           "RABBITMQ_FEATURE_FLAGS_FILE": str(base / "feature_flags"), "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1"}
    if port != 5672:
        plugins = base / "enabled_plugins"
        plugins.write_text("[].\n")
        (base / "rabbitmq.conf").write_text(f"listeners.tcp.local = 127.0.0.1:{port}\n")
        env["RABBITMQ_CONFIG_FILE"] = str(base / "rabbitmq.conf")
        env.update({"RABBITMQ_NODE_PORT": str(port), "RABBITMQ_DIST_PORT": str(free_port()),
                    "RABBITMQ_NODENAME": f"meedenken-{port}@localhost", "RABBITMQ_ENABLED_PLUGINS_FILE": str(plugins)})
    if os.geteuid() == 0:  # Debian's rabbitmq-server drops to the rabbitmq user: give it the data
        for path in [base, *base.rglob("*")]:
            try:
                shutil.chown(path, "rabbitmq", "rabbitmq")
            except (LookupError, OSError):
                break
    processes.start(name, [server], env=env, cwd=base)  # an Erlang crash dump lands there
    processes.cleanups[name] = lambda: stop_node_of(base)
    wait_for(lambda: port_open("127.0.0.1", port), 240, "RabbitMQ")  # a busy shared box boots a node slowly
    return True


def stop_node_of(base, timeout=15):
    """Stop the RabbitMQ node whose data is under ``base``. Debian's rabbitmq-server starts it with
    su, in a session of its own: stopping the process group we started leaves it running."""
    marker = f"RABBITMQ_MNESIA_BASE={Path(base) / 'mnesia'}".encode()
    groups = set()
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker in environ.read_bytes().split(b"\0"):
                groups.add(os.getpgid(int(environ.parent.name)))
        except OSError:
            continue
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for group in groups:
            try:
                os.killpg(group, sig)
            except OSError:
                pass
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and any(_group_alive(g) for g in groups):
            time.sleep(0.2)


def _group_alive(group):
    try:
        os.killpg(group, 0)
        return True
    except OSError:
        return False


class Platform:
    """The services and the gateway against one broker (vhost) and one database server. Each
    nameko service serves its Prometheus metrics on a free port of its own (``metrics_ports``,
    ``metrics_url(service)``); the gateway on ``url + "/metrics"``."""

    def __init__(self, processes, amqp_uri, mongo_uri, port, db_prefix="meedenken_", extra_env=None, smtp_port=None):
        self.processes = processes
        self.smtp_port = smtp_port
        self.amqp_uri = amqp_uri
        self.mongo_uri = mongo_uri
        self.port = port
        self.db_prefix = db_prefix
        self.extra_env = extra_env or {}
        self.url = f"http://127.0.0.1:{port}"
        self.metrics_ports = {service: free_port() for service in SERVICES}

    def env(self, service):
        env = {"AMQP_URI": self.amqp_uri, "MONGO_URI": self.mongo_uri, "MONGO_DB": f"{self.db_prefix}{service}",
               "PORT": str(self.port), "MEEDENKEN_ENV": "development", "PUBLIC_URL": self.url}
        if self.smtp_port:
            env.update({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(self.smtp_port)})
        if service in self.metrics_ports:
            env["METRICS_PORT"] = str(self.metrics_ports[service])
        return {**env, **self.extra_env}

    def metrics_url(self, service):
        if service == "gateway":
            return self.url + "/metrics"
        return f"http://127.0.0.1:{self.metrics_ports[service]}/metrics"

    def service_command(self, service):
        return [sys.executable, "-m", "meedenken_kit.nameko_cli", "run", "--config",
                str(ROOT / "services" / service / "config.yaml"), f"meedenken_{service}.service"]

    def start_service(self, service):
        self.processes.start(service, self.service_command(service), env=self.env(service))

    def start_gateway(self):
        self.processes.start("gateway", [str(BIN / "gunicorn"), "-c",
                                         str(ROOT / "services/gateway/meedenken_gateway/gunicorn_conf.py"),
                                         "meedenken_gateway.wsgi:app"], env=self.env("gateway"))

    def start(self, timeout=60):
        for service in SERVICES:
            self.start_service(service)
        self.start_gateway()
        self.wait_ready(timeout)

    def wait_ready(self, timeout=60):
        def ready():
            exited = self.processes.exited()
            if exited:
                raise RuntimeError(f"exited early: {exited} (logs in {self.processes.log_dir})")
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=2) as answer:
                    return answer.status == 200 and self.services_answer()
            except OSError:
                return False
        wait_for(ready, timeout, "the platform")

    def services_answer(self):
        """Each service answers an RPC (its queues exist: events published from now on arrive)."""
        sys.path.insert(0, str(ROOT / "services" / "gateway"))
        from meedenken_gateway.rpc import RpcClient, RpcError
        client = RpcClient(self.amqp_uri, timeout=3)
        try:
            client.call("topics", "list_orgs")
            client.call("votes", "topic_votes", {"topic_id": "0" * 24})
            client.call("notifications", "follow_info", {"topic_id": "0" * 24})
            return True
        except RpcError:
            return False
        finally:
            client.close()


def rabbitmqctl(*args):
    ctl = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    return subprocess.run([ctl, *args], capture_output=True, text=True, timeout=60)


def isolated_vhost(amqp_uri):
    """A fresh vhost on the broker (via rabbitmqctl, as root) so tests never share queues with a
    running dev stack; returns (uri, cleanup)."""
    name = f"meedenken-test-{uuid.uuid4().hex[:8]}"
    if rabbitmqctl("add_vhost", name).returncode != 0:
        raise RuntimeError("cannot create a test vhost with rabbitmqctl (run as root, or set TEST_AMQP_URI)")
    rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
    parsed = urllib.parse.urlparse(amqp_uri)
    uri = urllib.parse.urlunparse(parsed._replace(path="/" + urllib.parse.quote(name, safe="")))
    return uri, lambda: rabbitmqctl("delete_vhost", name)


@contextlib.contextmanager
def own_broker_and_processes(log_dir, amqp_uri=None):
    """For benchmarks: a fresh vhost and a process group, both cleaned up however the run ends."""
    processes = Processes(log_dir)
    cleanup = None
    try:
        uri, cleanup = isolated_vhost(amqp_uri or os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/"))
        yield processes, uri
    finally:
        processes.stop_all()
        if cleanup:
            cleanup()
