"""The API keeps its documented contract under property-based fuzzing (schemathesis against
/api/v1/openapi.json of the running platform), as a citizen and as an official: no 5xx, no status
code the document does not list, every answer matches its schema and content type.

Bounded for `make test` (a fixed count of examples per operation, deterministic generation);
`make fuzz` sets FUZZ_EXAMPLES higher."""
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from journey import register_and_login
from world import build_world

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
# these end the caller's sessions (DELETE /api/v1/me erases the account): fuzzed on their own, with
# an account of their own
REVOKING = "^/api/v1/(me|me/(logout-everywhere|password|email)|auth/logout)$"


@pytest.fixture(scope="module")
def world(api, cli):
    return build_world(api, cli)


@pytest.mark.parametrize("role", ["citizen", "official", "revoking"])
def test_the_api_keeps_its_contract_under_fuzzing(platform, api, world, role, tmp_path):
    org = world.orgs["noord"]
    if role == "revoking":
        token = register_and_login(api, "Wegwerp", f"wegwerp-{uuid.uuid4().hex[:8]}@example.nl")[1]
        select = ["--include-path-regex", REVOKING]
    else:
        token = world.citizen if role == "citizen" else org.official
        # /metrics is the scraper's plain text, not the API (test_observability counts its calls)
        select = ["--exclude-path-regex", REVOKING, "--exclude-path", "/metrics"]
    # real ids of one organisation in every path, so requests get past "not found" into the services
    config = tmp_path / "schemathesis.toml"
    config.write_text("[parameters]\n" + "".join(
        f'"path.{name}" = "{value}"\n' for name, value in org.ids.items()) + f'"query.org" = "{org.slug}"\n')
    command = [str(Path(sys.executable).parent / "schemathesis"), "--config-file", str(config), "run",
               f"{platform.url}/api/v1/openapi.json", "--header", f"Authorization: Bearer {token}",
               "--checks", CHECKS, "--max-examples", str(EXAMPLES), "--generation-deterministic",
               "--workers", "1", "--no-color", "--request-timeout", "30", *select]
    run = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-20_000:] + run.stderr[-5_000:]
