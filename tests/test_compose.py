"""Offline checks of the container setup: docker-compose.yml, services/*/Dockerfile, .dockerignore.

No Docker engine is needed. The compose file is validated against the Compose Specification's JSON
schema, vendored as tests/data/compose-spec.json (schema/compose-spec.json of the public
compose-spec/compose-spec repository, commit a08f8d51631b7127ddac3d2c65537db429d0f1d0). When
``docker-compose`` (Debian's package, v1) or the ``docker compose`` plugin is installed, its own
``config -q`` runs too; otherwise only that check is skipped. The Dockerfiles go through a small
hadolint-style linter written here, and their health checks are run against local stand-ins.
"""
import http.server
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
SCHEMA_FILE = ROOT / "tests" / "data" / "compose-spec.json"
DOCKERIGNORE = ROOT / ".dockerignore"

BASE_IMAGE = "python:3.11.11-slim-bookworm"
APP_UID = "10001"
NAMEKO_SERVICES = ("topics", "votes", "notifications")
APP_SERVICES = NAMEKO_SERVICES + ("gateway",)
AMQP_URI = "amqp://guest:guest@rabbitmq:5672/"
MONGO_URI = "mongodb://mongo:27017/?replicaSet=rs0"


# --------------------------------------------------------------------------------------------
# A small Dockerfile parser and linter (hadolint-style rules)
# --------------------------------------------------------------------------------------------

@dataclass
class Instruction:
    keyword: str  # upper-cased, e.g. "COPY"
    value: str    # everything after the keyword, continuation lines joined
    line: int     # 1-based line where the instruction starts


@dataclass
class Stage:
    image: str
    alias: str | None
    instructions: list = field(default_factory=list)

    def all(self, keyword):
        return [i for i in self.instructions if i.keyword == keyword]


def parse_dockerfile(text):
    """Instructions of a Dockerfile: comments dropped, backslash continuations joined."""
    instructions, buffer, start = [], "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not buffer and (not stripped or stripped.startswith("#")):
            continue
        if buffer and stripped.startswith("#"):
            continue  # comment lines inside a continued instruction are ignored by Docker too
        if not buffer:
            start = number
        if stripped.endswith("\\"):
            buffer += stripped[:-1] + " "
            continue
        buffer += stripped
        keyword, _, value = buffer.partition(" ")
        instructions.append(Instruction(keyword.upper(), value.strip(), start))
        buffer = ""
    if buffer:
        keyword, _, value = buffer.partition(" ")
        instructions.append(Instruction(keyword.upper(), value.strip(), start))
    return instructions


def split_flags(value):
    """``--from=builder --chown=x a b`` -> ({'from': 'builder', 'chown': 'x'}, 'a b')."""
    flags, rest = {}, value
    while rest.startswith("--"):
        flag, _, rest = rest.partition(" ")
        name, _, flag_value = flag[2:].partition("=")
        flags[name] = flag_value
        rest = rest.lstrip()
    return flags, rest


def stages(instructions):
    result = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            _, rest = split_flags(instruction.value)
            words = rest.split()
            alias = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            result.append(Stage(words[0], alias))
        elif result:
            result[-1].instructions.append(instruction)
    return result


def exec_form(value):
    """The JSON array of an exec-form instruction, or None for shell form."""
    try:
        parsed = json.loads(value)
    except ValueError:
        return None
    if isinstance(parsed, list) and parsed and all(isinstance(part, str) for part in parsed):
        return parsed
    return None


def copy_sources(instruction):
    """(flags, sources, destination) of a COPY/ADD instruction, shell or JSON form."""
    flags, rest = split_flags(instruction.value)
    parts = exec_form(rest) or shlex.split(rest)
    return flags, parts[:-1], parts[-1]


def env_pairs(value):
    """ENV a=1 b=2 (or the legacy ``ENV a 1``) as a dict; $VARS are left as written."""
    words = shlex.split(value, posix=True)
    if words and "=" not in words[0]:
        return {words[0]: " ".join(words[1:])}
    return dict(word.split("=", 1) for word in words)


def healthcheck_command(value):
    """The exec-form command of ``HEALTHCHECK [options] CMD [...]``, or None."""
    flags, rest = split_flags(value)
    keyword, _, command = rest.partition(" ")
    if keyword.upper() != "CMD":
        return None
    return exec_form(command.strip())


def lint_dockerfile(text):
    """Problems found, as strings ('' list when clean). Rules (hadolint numbers where one exists):
    FROM pinned to a tag other than latest (DL3006/DL3007), final stage runs as a non-root USER
    (DL3002), CMD/ENTRYPOINT in exec form (DL3025), no ADD of local files (DL3020),
    apt-get install with --no-install-recommends (DL3015), no sudo (DL3004)."""
    instructions = parse_dockerfile(text)
    all_stages = stages(instructions)
    problems = []
    if not all_stages:
        return ["no FROM instruction"]
    aliases = set()
    for stage in all_stages:
        image = stage.image
        if image in aliases or image == "scratch":
            pass
        elif "@sha256:" in image:
            pass
        else:
            name, _, tag = image.rpartition(":")
            if not name or "/" in tag:  # no tag at all (a ':' in a registry port does not count)
                problems.append(f"FROM {image}: image is not pinned to a tag")
            elif tag == "latest":
                problems.append(f"FROM {image}: 'latest' is not a pin")
            elif "$" in image:
                problems.append(f"FROM {image}: tag comes from a build argument")
        if stage.alias:
            aliases.add(stage.alias)
    final = all_stages[-1]
    users = final.all("USER")
    if not users:
        problems.append("final stage has no USER: it would run as root")
    else:
        user = users[-1].value.split(":")[0]
        if user in ("root", "0"):
            problems.append(f"final stage runs as {users[-1].value}")
    for instruction in instructions:
        if instruction.keyword in ("CMD", "ENTRYPOINT") and exec_form(instruction.value) is None:
            problems.append(f"line {instruction.line}: {instruction.keyword} is not in exec (JSON) form")
        if instruction.keyword == "ADD":
            _, sources, _ = copy_sources(instruction)
            local = [s for s in sources if not re.match(r"^(https?|git)://|^git@", s)]
            if local:
                problems.append(f"line {instruction.line}: ADD of local files {local}; use COPY")
        if instruction.keyword == "RUN":
            for command in re.split(r"&&|\|\||;|\|", instruction.value):
                words = command.split()
                if "sudo" in words:
                    problems.append(f"line {instruction.line}: sudo in RUN")
                if "apt-get" in words and "install" in words and "--no-install-recommends" not in words:
                    problems.append(f"line {instruction.line}: apt-get install without --no-install-recommends")
    if not final.all("CMD") and not final.all("ENTRYPOINT"):
        problems.append("final stage has neither CMD nor ENTRYPOINT")
    return problems


def read_dockerfile(service):
    path = ROOT / "services" / service / "Dockerfile"
    assert path.is_file(), f"{path} is missing"
    return path.read_text(encoding="utf-8")


def final_stage(service):
    return stages(parse_dockerfile(read_dockerfile(service)))[-1]


def final_env(stage):
    env = {}
    for instruction in stage.all("ENV"):
        env.update(env_pairs(instruction.value))
    return env


def copied_to(stage, source):
    """The absolute path in the image where ``COPY <source> <dest>`` put a single file."""
    workdir = "/"
    for instruction in stage.instructions:
        if instruction.keyword == "WORKDIR":
            workdir = str(Path(workdir, instruction.value))
        if instruction.keyword == "COPY":
            flags, sources, destination = copy_sources(instruction)
            if "from" not in flags and sources == [source]:
                target = Path(workdir, destination)
                if destination.endswith("/"):
                    target = target / Path(source).name
                return str(target)
    return None


# --------------------------------------------------------------------------------------------
# Compose helpers
# --------------------------------------------------------------------------------------------

def load_compose():
    assert COMPOSE_FILE.is_file(), "docker-compose.yml is missing at the repository root"
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def schema_errors(document):
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    return sorted(validator.iter_errors(document), key=lambda error: list(error.absolute_path))


def dockerfile_healthcheck(service_config):
    """The HEALTHCHECK of the image a compose service builds, as an exec-form list, or None."""
    build = service_config.get("build")
    if build is None:
        return None
    if isinstance(build, str):
        build = {"context": build}
    path = ROOT / build.get("context", ".") / build.get("dockerfile", "Dockerfile")
    if not path.is_file():
        return None
    checks = stages(parse_dockerfile(path.read_text(encoding="utf-8")))[-1].all("HEALTHCHECK")
    if not checks or checks[-1].value.strip().upper() == "NONE":
        return None
    return healthcheck_command(checks[-1].value)


def compose_healthcheck_disabled(healthcheck):
    return bool(healthcheck.get("disable")) or healthcheck.get("test") in (["NONE"], "NONE")


def dependency_problems(document):
    """Problems with depends_on: unknown services, conditions other than service_healthy, and
    depended-on services without a health check (in compose or in the image they build)."""
    services = document.get("services", {})
    problems = []
    for name, config in services.items():
        depends_on = config.get("depends_on")
        if depends_on is None:
            continue
        if isinstance(depends_on, list):
            problems.append(f"{name}: depends_on is a list, which only waits for the start")
            continue
        for dependency, options in depends_on.items():
            if dependency not in services:
                problems.append(f"{name}: depends on undefined service {dependency!r}")
                continue
            if (options or {}).get("condition") != "service_healthy":
                problems.append(f"{name}: {dependency} is not awaited with condition: service_healthy")
            healthcheck = services[dependency].get("healthcheck")
            if healthcheck is not None and compose_healthcheck_disabled(healthcheck):
                problems.append(f"{dependency}: health check disabled, yet {name} waits for it")
            elif not (healthcheck or {}).get("test") and dockerfile_healthcheck(services[dependency]) is None:
                problems.append(f"{dependency}: no health check, yet {name} waits for it")
    return problems


# --------------------------------------------------------------------------------------------
# (a) The Compose Specification schema
# --------------------------------------------------------------------------------------------

def test_vendored_schema_is_the_compose_specification():
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["title"] == "Compose Specification"
    assert "depends_on" in schema["definitions"]["service"]["properties"]


def test_compose_file_validates_against_the_compose_specification():
    errors = schema_errors(load_compose())
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_schema_validation_catches_mistakes():
    document = load_compose()
    document["services"]["gateway"]["depends_on"]["mongo"]["condition"] = "service_happy"
    document["services"]["votes"]["restart"] = ["always"]
    document["servces"] = {}
    paths = {tuple(error.absolute_path) for error in schema_errors(document)}
    # depends_on is a oneOf (list or mapping), so the error is reported on depends_on itself
    assert any(path[:3] == ("services", "gateway", "depends_on") for path in paths)
    assert ("services", "votes", "restart") in paths
    assert () in paths  # the misspelled top-level key


def test_compose_file_has_no_obsolete_version_key():
    assert "version" not in load_compose()


# --------------------------------------------------------------------------------------------
# (b) Dependencies wait for health, and what they wait for has a health check
# --------------------------------------------------------------------------------------------

def test_every_dependency_is_defined_healthy_and_health_checked():
    assert dependency_problems(load_compose()) == []


def test_dependency_checker_reports_problems():
    document = {"services": {
        "app": {"image": "x:1", "depends_on": {"db": {"condition": "service_started"}, "ghost": {}}},
        "db": {"image": "y:1"},
        "web": {"image": "z:1", "depends_on": ["app"]},
        "worker": {"image": "z:1", "depends_on": {"off": {"condition": "service_healthy"}}},
        "off": {"image": "w:1", "healthcheck": {"disable": True}},
    }}
    problems = "\n".join(dependency_problems(document))
    assert "undefined service 'ghost'" in problems
    assert "db is not awaited with condition: service_healthy" in problems
    assert "db: no health check" in problems
    assert "web: depends_on is a list" in problems
    assert "off: health check disabled" in problems


def test_infrastructure_services():
    services = load_compose()["services"]
    rabbitmq, mongo = services["rabbitmq"], services["mongo"]
    assert rabbitmq["image"] == "rabbitmq:3.13-management"
    assert rabbitmq["healthcheck"]["test"] == ["CMD", "rabbitmq-diagnostics", "-q", "ping"]
    assert mongo["image"] == "mongo:7.0"
    assert mongo["command"] == ["--replSet", "rs0", "--bind_ip_all"]
    test = mongo["healthcheck"]["test"]
    assert test[:2] == ["CMD", "mongosh"]
    script = test[-1]
    assert "rs.initiate(" in script and "_id: 'rs0'" in script and "host: 'mongo:27017'" in script
    assert "isWritablePrimary" in script and "quit(1)" in script
    volume = next(v for v in mongo["volumes"] if v.endswith(":/data/db"))
    assert volume.split(":")[0] in load_compose()["volumes"]


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_service_wiring(service):
    document = load_compose()
    config = document["services"][service]
    assert config["build"] == {"context": ".", "dockerfile": f"services/{service}/Dockerfile"}
    assert (ROOT / config["build"]["dockerfile"]).is_file()
    assert config["restart"] == "unless-stopped"
    env = config["environment"]
    assert env["AMQP_URI"] == AMQP_URI
    assert env["MONGO_URI"] == MONGO_URI
    assert env["MONGO_DB"] == f"meedenken_{service}"
    expected = {"rabbitmq", "mongo"} | (set(NAMEKO_SERVICES) if service == "gateway" else set())
    assert set(config["depends_on"]) == expected
    # A health check in the image, and nothing in compose that disables or contradicts it.
    image_check = dockerfile_healthcheck(config)
    assert image_check is not None, f"services/{service}/Dockerfile has no exec-form HEALTHCHECK"
    if "healthcheck" in config:
        assert not compose_healthcheck_disabled(config["healthcheck"])
        if "test" in config["healthcheck"]:
            assert config["healthcheck"]["test"] == ["CMD"] + image_check


def test_gateway_publishes_port_and_takes_secrets_from_the_environment():
    gateway = load_compose()["services"]["gateway"]
    assert gateway["ports"] == ["8000:8000"]
    assert gateway["environment"]["SECRET_KEY"] == "${SECRET_KEY:-dev-only-secret-change-me}"
    assert gateway["environment"]["MEEDENKEN_ENV"] == "${MEEDENKEN_ENV:-development}"
    for name in NAMEKO_SERVICES:
        assert "ports" not in load_compose()["services"][name], f"{name} has no HTTP port to publish"


# --------------------------------------------------------------------------------------------
# (c) The Compose implementation itself, where one is installed
# --------------------------------------------------------------------------------------------

def _compose_commands():
    commands = [pytest.param(["docker-compose"], id="docker-compose-v1")]
    commands.append(pytest.param(["docker", "compose"], id="docker-compose-plugin"))
    return commands


@pytest.mark.parametrize("command", _compose_commands())
def test_compose_implementation_accepts_the_file(command):
    if shutil.which(command[0]) is None:
        pytest.skip(f"{command[0]} is not installed")
    if command == ["docker", "compose"]:
        probe = subprocess.run(command + ["version"], capture_output=True, text=True, timeout=60)
        if probe.returncode != 0:
            pytest.skip("the docker compose plugin is not installed")
    env = {k: v for k, v in os.environ.items() if k not in ("COMPOSE_FILE", "COMPOSE_PROJECT_NAME")}
    result = subprocess.run(command + ["-f", str(COMPOSE_FILE), "config", "-q"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


# --------------------------------------------------------------------------------------------
# (d) Dockerfiles
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("service", APP_SERVICES)
def test_dockerfile_passes_lint(service):
    assert lint_dockerfile(read_dockerfile(service)) == []


@pytest.mark.parametrize("text, expected", [
    ("FROM python\nUSER 1\nCMD [\"x\"]\n", "not pinned to a tag"),
    ("FROM python:latest\nUSER 1\nCMD [\"x\"]\n", "'latest' is not a pin"),
    ("FROM registry:5000/python\nUSER 1\nCMD [\"x\"]\n", "not pinned to a tag"),
    ("FROM python:3.11-slim\nCMD [\"x\"]\n", "no USER"),
    ("FROM python:3.11-slim\nUSER root\nCMD [\"x\"]\n", "runs as root"),
    ("FROM python:3.11-slim AS b\nUSER 1\nFROM python:3.11-slim\nUSER 0:0\nCMD [\"x\"]\n", "runs as 0:0"),
    ("FROM python:3.11-slim\nUSER 1\nCMD python -m app\n", "CMD is not in exec (JSON) form"),
    ("FROM python:3.11-slim\nUSER 1\nENTRYPOINT python\nCMD [\"x\"]\n", "ENTRYPOINT is not in exec"),
    ("FROM python:3.11-slim\nADD app.tar.gz /app/\nUSER 1\nCMD [\"x\"]\n", "ADD of local files"),
    ("FROM python:3.11-slim\nRUN apt-get update && \\\n  apt-get install -y curl\nUSER 1\nCMD [\"x\"]\n",
     "without --no-install-recommends"),
    ("FROM python:3.11-slim\nRUN sudo pip install x\nUSER 1\nCMD [\"x\"]\n", "sudo in RUN"),
    ("FROM python:3.11-slim\nUSER 1\n", "neither CMD nor ENTRYPOINT"),
])
def test_linter_catches_bad_dockerfiles(text, expected):
    problems = lint_dockerfile(text)
    assert any(expected in problem for problem in problems), problems


def test_linter_accepts_good_patterns():
    text = ("FROM python:3.11.11-slim-bookworm AS builder\n"
            "RUN apt-get update && apt-get install -y --no-install-recommends gcc \\\n"
            "  && rm -rf /var/lib/apt/lists/*\n"
            "FROM builder\nADD https://example.invalid/x.tgz /x.tgz\nUSER 10001:10001\nCMD [\"x\"]\n")
    assert lint_dockerfile(text) == []


@pytest.mark.parametrize("service", APP_SERVICES)
def test_dockerfile_stages_and_runtime(service):
    all_stages = stages(parse_dockerfile(read_dockerfile(service)))
    if service == "gateway":  # first a pinned Node stage builds the NL Design System CSS from the lock file
        assets, *all_stages = all_stages
        assert assets.alias == "assets" and re.fullmatch(r"node:\d+\.\d+\.\d+-bookworm-slim", assets.image)
        assert "npm ci" in " ".join(i.value for i in assets.all("RUN"))
    assert [stage.image for stage in all_stages] == [BASE_IMAGE, BASE_IMAGE]
    builder, final = all_stages
    assert builder.alias == "builder"
    runs = " && ".join(instruction.value for instruction in builder.all("RUN"))
    assert "python -m venv /opt/venv" in runs
    assert (f"pip install --no-cache-dir -c constraints.txt ./libs/meedenken-kit ./services/{service}"
            in runs)
    copies_from_builder = [copy_sources(i) for i in final.all("COPY") if "--from=" in i.value]
    assert copies_from_builder == [({"from": "builder"}, ["/opt/venv"], "/opt/venv")]
    env = final_env(final)
    assert env["PYTHONDONTWRITEBYTECODE"] == "1"
    assert env["PYTHONUNBUFFERED"] == "1"
    assert env["PATH"].split(":")[0] == "/opt/venv/bin"
    assert final.all("WORKDIR"), "final stage sets no WORKDIR"
    assert final.all("USER")[-1].value.split(":")[0] == APP_UID
    assert re.search(rf"useradd\b.*--uid {APP_UID}\b", " ".join(i.value for i in final.all("RUN")))
    if service == "gateway":
        assert env["HOST"] == "0.0.0.0" and env["PORT"] == "8000"
        assert [i.value for i in final.all("EXPOSE")] == ["8000"]
    else:
        assert not final.all("EXPOSE"), f"{service} has no HTTP port"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_dockerfile_copies_only_existing_paths_of_its_own(service):
    allowed = ("constraints.txt", "libs/meedenken-kit", f"services/{service}")
    ignored = {line.strip().rstrip("/") for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")}
    for stage in stages(parse_dockerfile(read_dockerfile(service))):
        for instruction in stage.all("COPY"):
            flags, sources, _ = copy_sources(instruction)
            if "from" in flags:
                continue
            for source in sources:
                assert not Path(source).is_absolute() and ".." not in Path(source).parts, source
                matches = list(ROOT.glob(source)) if any(c in source for c in "*?[") else [ROOT / source]
                assert matches and all(m.exists() for m in matches), f"COPY {source}: no such path"
                assert any(source == a or source.startswith(a + "/") for a in allowed), (
                    f"services/{service}/Dockerfile copies {source}, which is not its own")
                assert Path(source).parts[0] not in ignored, f"{source} is excluded by .dockerignore"


@pytest.mark.parametrize("service", NAMEKO_SERVICES)
def test_nameko_command_runs_this_service(service):
    final = final_stage(service)
    assert not final.all("ENTRYPOINT")
    command = exec_form(final.all("CMD")[-1].value)
    config = copied_to(final, f"services/{service}/config.yaml")
    assert config is not None, "config.yaml is not copied into the image"
    assert command == ["python", "-m", "meedenken_kit.nameko_cli", "run", "--config", config,
                       f"meedenken_{service}.service"]
    assert (ROOT / "libs/meedenken-kit/meedenken_kit/nameko_cli.py").is_file()
    module = ROOT / "services" / service / f"meedenken_{service}" / "service.py"
    assert re.search(rf"^\s+name = \"{service}\"", module.read_text(encoding="utf-8"), re.M)


def test_gateway_command_runs_the_wsgi_app():
    final = final_stage("gateway")
    assert not final.all("ENTRYPOINT")
    command = exec_form(final.all("CMD")[-1].value)
    conf = copied_to(final, "services/gateway/meedenken_gateway/gunicorn_conf.py")
    assert conf is not None, "gunicorn_conf.py is not copied into the image"
    assert command == ["gunicorn", "-c", conf, "meedenken_gateway.wsgi:app"]
    wsgi = (ROOT / "services/gateway/meedenken_gateway/wsgi.py").read_text(encoding="utf-8")
    assert re.search(r"^app = ", wsgi, re.M)


def test_dockerignore_keeps_local_state_out_of_the_context():
    entries = {line.strip() for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")}
    for required in (".venv", ".run", ".git", "tests", "bench"):
        assert required in entries, f".dockerignore lacks {required}"
    assert "**/__pycache__" in entries and "**/node_modules" in entries
    for needed in ("constraints.txt", "libs", "services"):
        assert needed not in entries and f"{needed}/" not in entries


# --------------------------------------------------------------------------------------------
# The health checks themselves, run here against local stand-ins
# --------------------------------------------------------------------------------------------

def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run_healthcheck(service, env):
    command = healthcheck_command(final_stage(service).all("HEALTHCHECK")[-1].value)
    assert command[:2] == ["python", "-c"]
    return subprocess.run([sys.executable, "-c", command[2]], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("service", NAMEKO_SERVICES)
def test_nameko_healthcheck_asks_mongo_and_the_broker(service):
    code = healthcheck_command(final_stage(service).all("HEALTHCHECK")[-1].value)[2]
    compile(code, "HEALTHCHECK", "exec")
    for needle in ("pymongo", "'ping'", "MONGO_URI", "kombu", "AMQP_URI", "ensure_connection(max_retries=1)"):
        assert needle in code


_FAKE_PYMONGO = """
class _Admin:
    def command(self, name):
        assert name == "ping"
        return {"ok": 1.0}


class MongoClient:
    def __init__(self, uri, **options):
        self.admin = _Admin()
"""

_FAKE_KOMBU = """
class Connection:
    def __init__(self, uri, **options):
        pass

    def ensure_connection(self, max_retries=None, **options):
        assert max_retries == 1
        return self
"""


@pytest.mark.parametrize("fake, healthy", [
    ((), False),                        # nothing answers: Mongo's ping fails first
    (("pymongo",), False),              # Mongo answers, the broker does not
    (("pymongo", "kombu"), True),       # both answer
])
def test_nameko_healthcheck_exit_status(tmp_path, fake, healthy):
    pytest.importorskip("kombu")
    pytest.importorskip("pymongo")
    sources = {"pymongo": _FAKE_PYMONGO, "kombu": _FAKE_KOMBU}
    for module in fake:
        (tmp_path / f"{module}.py").write_text(sources[module], encoding="utf-8")
    port = _closed_port()
    env = {"PYTHONPATH": str(tmp_path),
           "MONGO_URI": f"mongodb://127.0.0.1:{port}/?directConnection=true",
           "AMQP_URI": f"amqp://guest:guest@127.0.0.1:{port}/"}
    result = _run_healthcheck("topics", env)
    assert (result.returncode == 0) is healthy, result.stderr
    if not healthy:
        expected = "OperationalError" if "pymongo" in fake else "ServerSelectionTimeoutError"
        assert expected in result.stderr


class _Readyz(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self):  # noqa: N802
        code = self.status if self.path == "/readyz" else 404
        self.send_response(code)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("status, healthy", [(200, True), (503, False)])
def test_gateway_healthcheck_follows_readyz(status, healthy):
    handler = type("Handler", (_Readyz,), {"status": status})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        result = _run_healthcheck("gateway", {"PORT": str(server.server_address[1])})
    finally:
        server.shutdown()
        server.server_close()
    assert (result.returncode == 0) is healthy, result.stderr
