"""Offline checks of deploy/ (Kustomize bases and the example overlay), docker-compose.yml and
publiccode.yml. No cluster and no Docker engine are needed.

The checks of scripts/deploy_check.py (`make deploy-check`) run here once; the tests below then
assert concrete properties of the rendered objects themselves, and that the checker rejects
manifests that break its rules.
"""
import base64
import copy
import re
import shutil
import sys
from datetime import date
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import deploy_check  # noqa: E402

DEPLOY = ROOT / "deploy"
BASE = "deploy/base"
OVERLAY = "deploy/overlays/example-province"
OVERLAY_NAMESPACE = "provincie-voorbeeld"
NAMEKO_SERVICES = ("topics", "votes", "notifications")
SERVICES = NAMEKO_SERVICES + ("gateway",)
RELEASE = "0.1.0"
SECRET_SETTINGS = {"AMQP_URI", "MONGO_URI", "SECRET_KEY"}

pytest.importorskip("kubernetes_validate", reason="pip install kubernetes-validate (requirements-dev.txt)")


# ------------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def report():
    return deploy_check.run_checks()


@pytest.fixture(scope="module")
def base(report):
    return report.rendered[BASE]


@pytest.fixture(scope="module")
def overlay(report):
    return report.rendered[OVERLAY]


def of_kind(objects, kind):
    return [o for o in objects if o["kind"] == kind]


def named(objects, kind, name):
    found = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind} {name}: {len(found)} found"
    return found[0]


def deployment(objects, service):
    return named(objects, "Deployment", f"meedenken-{service}")


def container(objects, service):
    containers = deployment(objects, service)["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def ops_table():
    """{service: {VAR}} from the configuration table in docs/ops.md: column "used by" names
    'all', 'services' (the three nameko services), 'gateway' or a service; CLI and `make run` are
    not deployed."""
    text = (ROOT / "docs" / "ops.md").read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    wanted = {service: set() for service in SERVICES}
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert rows, "docs/ops.md has no configuration table"
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        names = re.findall(r"`([A-Z][A-Z0-9_]*)`", cells[0])
        users = {part.strip(" `") for part in cells[1].split(",")}
        for service in SERVICES:
            if "all" in users or service in users or ("services" in users and service in NAMEKO_SERVICES):
                wanted[service].update(names)
    return wanted


def env_of(objects, service):
    """{VAR: value} the container gets: envFrom ConfigMaps/Secrets present in objects, then env."""
    c = container(objects, service)
    namespace = deployment(objects, service)["metadata"].get("namespace")
    env = {}
    for source in c.get("envFrom", []):
        for key, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
            if key in source:
                target = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == source[key]["name"]
                          and o["metadata"].get("namespace") == namespace]
                for k, v in (target[0].get("data", {}) if target else {}).items():
                    env[k] = v if kind == "ConfigMap" else base64.b64decode(v).decode()
    for item in c.get("env", []):
        env[item["name"]] = item.get("value", item.get("valueFrom"))
    return env


def decoded(secret):
    return {k: base64.b64decode(v).decode("utf-8") for k, v in secret.get("data", {}).items()}


# ------------------------------------------------------------------------------------------------
# the checker as a whole
# ------------------------------------------------------------------------------------------------

def test_deploy_check_passes(report):
    assert report.ok, "\n".join(report.problems)
    rendered = set(report.rendered)
    assert {BASE, OVERLAY} | {f"{BASE}/{s}" for s in SERVICES} <= rendered
    summary = "\n".join(report.summary)
    assert "kubernetes-validate" in summary and "strict" in summary
    assert "Compose Specification schema" in summary


def test_deploy_check_cli_exit_status_and_summary(capsys):
    assert deploy_check.main([]) == 0
    out = capsys.readouterr().out
    assert out.strip().endswith("deploy-check: OK")
    assert "rendered deploy/overlays/example-province" in out


def test_layout_one_kustomization_per_service():
    for service in SERVICES:
        directory = DEPLOY / "base" / service
        k = yaml.safe_load((directory / "kustomization.yaml").read_text())
        expected = {"deployment.yaml", "hpa.yaml", "pdb.yaml"} | ({"service.yaml"} if service == "gateway" else set())
        assert set(k["resources"]) == expected
        assert [g["name"] for g in k["configMapGenerator"]] == [f"meedenken-{service}-config"]
        assert "secretGenerator" not in k, "the base holds no secrets"
    aggregate = yaml.safe_load((DEPLOY / "base" / "kustomization.yaml").read_text())
    assert aggregate["namespace"] == "meedenken"
    assert sorted(aggregate["resources"]) == sorted(SERVICES)


def test_no_manifests_for_rabbitmq_or_mongodb(base, overlay):
    for obj in base + overlay:
        text = yaml.safe_dump(obj).lower()
        if obj["kind"] in ("Deployment", "StatefulSet"):
            assert "rabbitmq:" not in text and "image: mongo" not in text


# ------------------------------------------------------------------------------------------------
# Deployments
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("which", [BASE, OVERLAY])
@pytest.mark.parametrize("service", SERVICES)
def test_deployment_probes_resources_and_security(report, which, service):
    objects = report.rendered[which]
    d = deployment(objects, service)
    pod = d["spec"]["template"]["spec"]
    c = container(objects, service)
    labels = d["spec"]["template"]["metadata"]["labels"]
    assert labels == {"app.kubernetes.io/name": f"meedenken-{service}", "app.kubernetes.io/component": service,
                      "app.kubernetes.io/part-of": "meedenken"}
    assert d["metadata"]["labels"] == labels
    assert d["spec"]["replicas"] >= 2
    assert c["readinessProbe"] and c["livenessProbe"]
    for bound in ("requests", "limits"):
        assert set(c["resources"][bound]) == {"cpu", "memory"}
    assert c["securityContext"] == {
        "runAsNonRoot": True, "runAsUser": 10001, "runAsGroup": 10001, "readOnlyRootFilesystem": True,
        "allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"}}
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] == 10001
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    tmp = [m for m in c["volumeMounts"] if m["mountPath"] == "/tmp"]
    assert len(tmp) == 1
    volume = [v for v in pod["volumes"] if v["name"] == tmp[0]["name"]]
    assert "emptyDir" in volume[0]
    env = {item["name"]: item for item in c["env"]}
    assert env["MEEDENKEN_ENV"]["value"] == "production"
    if which == BASE:
        assert c["image"] == f"ghcr.io/meedenken/{service}:{RELEASE}"


def test_nameko_probes_run_the_image_healthcheck(base):
    for service in NAMEKO_SERVICES:
        c = container(base, service)
        dockerfile = (ROOT / "services" / service / "Dockerfile").read_text(encoding="utf-8")
        code = c["readinessProbe"]["exec"]["command"][2]
        assert c["readinessProbe"]["exec"]["command"][:2] == ["python", "-c"]
        assert code in dockerfile.replace('\\"', '"'), "probe differs from the Dockerfile HEALTHCHECK"
        assert c["livenessProbe"]["exec"]["command"] == c["readinessProbe"]["exec"]["command"]
        for needle in ("pymongo", "'ping'", "kombu", "ensure_connection(max_retries=1)"):
            assert needle in code
        compile(code, "probe", "exec")
        # the Python one-liner needs time: its own timeouts are 5 s (Mongo) and 3 s (broker)
        assert c["readinessProbe"]["timeoutSeconds"] >= 10
        assert c["livenessProbe"]["failureThreshold"] * c["livenessProbe"]["periodSeconds"] >= 120


def test_every_pod_exposes_prometheus_metrics(base):
    """The services serve metrics on METRICS_PORT (their only port), the gateway on /metrics of its
    HTTP port; the pods say so to annotation-based scrapers (docs/ops.md)."""
    for service in NAMEKO_SERVICES + ("gateway",):
        c = container(base, service)
        ports = {p["name"]: p["containerPort"] for p in c["ports"]}
        annotations = deployment(base, service)["spec"]["template"]["metadata"]["annotations"]
        assert annotations["prometheus.io/scrape"] == "true" and annotations["prometheus.io/path"] == "/metrics"
        if service == "gateway":
            assert annotations["prometheus.io/port"] == "8000"
            assert env_of(base, "gateway")["PROMETHEUS_MULTIPROC_DIR"].startswith("/tmp/")  # the emptyDir
        else:
            assert ports == {"metrics": 9100}
            assert env_of(base, service)["METRICS_PORT"] == "9100" == annotations["prometheus.io/port"]


def test_gateway_http_probes_port_and_service(base):
    c = container(base, "gateway")
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    assert ports == {"http": 8000}
    for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
        assert c[probe]["httpGet"]["path"] == path
        assert ports.get(c[probe]["httpGet"]["port"], c[probe]["httpGet"]["port"]) == 8000
    env = env_of(base, "gateway")
    assert env["HOST"] == "0.0.0.0" and env["PORT"] == "8000"
    service = named(base, "Service", "meedenken-gateway")
    [port] = service["spec"]["ports"]
    assert port["port"] == 80 and ports.get(port["targetPort"], port["targetPort"]) == 8000
    pod_labels = deployment(base, "gateway")["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= pod_labels.items()
    for service_name in NAMEKO_SERVICES:
        assert not [s for s in of_kind(base, "Service") if service_name in s["metadata"]["name"]]


def test_hpa_and_pdb_per_deployment(base):
    deployments = {d["metadata"]["name"]: d for d in of_kind(base, "Deployment")}
    hpas = of_kind(base, "HorizontalPodAutoscaler")
    assert sorted(h["spec"]["scaleTargetRef"]["name"] for h in hpas) == sorted(deployments)
    for hpa in hpas:
        assert hpa["apiVersion"] == "autoscaling/v2"
        target = hpa["spec"]["scaleTargetRef"]
        assert target["kind"] == "Deployment" and target["apiVersion"] == "apps/v1"
        assert target["name"] in deployments
        assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 10)
        [metric] = hpa["spec"]["metrics"]
        assert metric["resource"]["name"] == "cpu"
        assert metric["resource"]["target"] == {"type": "Utilization", "averageUtilization": 70}
    pdbs = of_kind(base, "PodDisruptionBudget")
    assert len(pdbs) == len(deployments)
    for pdb in pdbs:
        assert pdb["apiVersion"] == "policy/v1" and pdb["spec"]["minAvailable"] == 1
        selected = [d for d in deployments.values()
                    if pdb["spec"]["selector"]["matchLabels"].items() <= d["spec"]["template"]["metadata"]["labels"].items()]
        assert len(selected) == 1


def test_every_namespaced_object_is_in_the_namespace(base, overlay):
    for objects, namespace in ((base, "meedenken"), (overlay, OVERLAY_NAMESPACE)):
        for obj in objects:
            if obj["kind"] == "Namespace":
                assert obj["metadata"]["name"] == namespace
            else:
                assert obj["metadata"]["namespace"] == namespace, deploy_check.describe(obj)


# ------------------------------------------------------------------------------------------------
# Configuration and secrets
# ------------------------------------------------------------------------------------------------

def test_every_setting_a_service_reads_is_set(base, overlay):
    wanted = ops_table()
    assert {"AMQP_URI", "MONGO_URI", "MONGO_DB", "MAX_WORKERS", "LOG_LEVEL"} <= wanted["topics"]
    assert {"SECRET_KEY", "HOST", "PORT", "MEEDENKEN_ENV", "PUBLIC_URL", "GATEWAY_CONNECTIONS"} <= wanted["gateway"]
    code = deploy_check.code_settings()  # what config.yaml / settings.py read beyond the table
    for service in SERVICES:
        needed = wanted[service] | code[service]
        for objects in (base, overlay):  # the base names the Secret keys; the overlay also has them
            missing = needed - set(env_of(objects, service))
            assert not missing, f"{service} lacks {sorted(missing)}"
        assert env_of(overlay, service)["MONGO_DB"] == f"meedenken_{service}", "each service has its own database"


def test_credentials_only_from_secrets(base, overlay):
    for objects in (base, overlay):
        for cm in of_kind(objects, "ConfigMap"):
            assert not SECRET_SETTINGS & set(cm["data"]), deploy_check.describe(cm)
        for service in SERVICES:
            env = {item["name"]: item for item in container(objects, service)["env"]}
            wanted = {"AMQP_URI", "MONGO_URI"} | ({"SECRET_KEY"} if service == "gateway" else set())
            assert wanted <= set(env)
            for name in wanted:
                ref = env[name]["valueFrom"]["secretKeyRef"]
                assert ref["key"] == name and ref["name"].startswith(f"meedenken-{service}-secrets")
                assert not ref.get("optional"), "a missing secret must stop the pod, not fall back to defaults"
            env_from = container(objects, service)["envFrom"]
            assert [list(source) for source in env_from] == [["configMapRef"]]


def test_overlay_references_resolve(overlay):
    configmaps = {o["metadata"]["name"]: o for o in of_kind(overlay, "ConfigMap")}
    secrets = {o["metadata"]["name"]: o for o in of_kind(overlay, "Secret")}
    checked = 0
    for service in SERVICES:
        c = container(overlay, service)
        for source in c["envFrom"]:
            assert source["configMapRef"]["name"] in configmaps
            assert re.fullmatch(rf"meedenken-{service}-config-[a-z0-9]{{10}}", source["configMapRef"]["name"])
            checked += 1
        for item in c["env"]:
            ref = (item.get("valueFrom") or {}).get("secretKeyRef")
            if ref and not ref.get("optional"):  # optional: the SMTP login, for relays that need one
                assert ref["name"] in secrets, f"{service}: Secret {ref['name']} missing"
                assert ref["key"] in secrets[ref["name"]]["data"], f"{service}: key {ref['key']} missing"
                checked += 1
    assert checked == 4 + 4 * 2 + 2  # envFrom, AMQP and Mongo URIs, SECRET_KEY, MAIL_LINK_SECRET
    assert deploy_check.missing_references(overlay) == []


def test_overlay_secrets_are_marked_placeholders_the_gateway_refuses(overlay):
    from meedenken_gateway.settings import Settings
    for secret in of_kind(overlay, "Secret"):
        for key, value in decoded(secret).items():
            assert "EXAMPLE" in value, f"{secret['metadata']['name']} {key} is not a marked placeholder"
            if "://" in value:
                hosts = re.findall(r"@([^/?]+)", value)[0].split(",")
                assert all(h.split(":")[0].endswith(".example") for h in hosts), value
    gateway = decoded([s for s in of_kind(overlay, "Secret") if s["metadata"]["name"].startswith("meedenken-gateway-secrets")][0])
    assert gateway["MONGO_URI"].count(".example:27017") == 3 and "replicaSet=" in gateway["MONGO_URI"]
    assert gateway["AMQP_URI"].startswith("amqps://")
    environment = {**{k: v for k, v in env_of(overlay, "gateway").items() if isinstance(v, str)}, **gateway}
    assert environment["MEEDENKEN_ENV"] == "production"
    with pytest.raises(SystemExit, match="SECRET_KEY"):
        Settings.from_env(environment)
    assert Settings.from_env({**environment, "SECRET_KEY": "k" * 48}).public_url.startswith("https://")


def test_vote_partitions_agree(overlay):
    assert env_of(overlay, "gateway")["VOTE_PARTITIONS"] == env_of(overlay, "votes")["VOTE_PARTITIONS"]


# ------------------------------------------------------------------------------------------------
# The example overlay
# ------------------------------------------------------------------------------------------------

def test_overlay_overrides_every_image_tag(base, overlay):
    k = yaml.safe_load((ROOT / OVERLAY / "kustomization.yaml").read_text())
    tags = {entry["name"]: entry["newTag"] for entry in k["images"]}
    assert set(tags) == {f"ghcr.io/meedenken/{s}" for s in SERVICES}
    for service in SERVICES:
        name, tag, _ = deploy_check._split_image(container(overlay, service)["image"])
        assert name == f"ghcr.io/meedenken/{service}"
        assert tag == tags[name] and tag != RELEASE, f"{service} runs the base tag"


def test_overlay_runs_more_gateways(base, overlay):
    assert deployment(overlay, "gateway")["spec"]["replicas"] > deployment(base, "gateway")["spec"]["replicas"]
    hpa = named(overlay, "HorizontalPodAutoscaler", "meedenken-gateway")
    assert hpa["spec"]["minReplicas"] == deployment(overlay, "gateway")["spec"]["replicas"]
    assert named(overlay, "PodDisruptionBudget", "meedenken-gateway")["spec"]["minAvailable"] < hpa["spec"]["minReplicas"]
    for service in NAMEKO_SERVICES:
        assert deployment(overlay, service)["spec"]["replicas"] == 2


def test_overlay_ingress_with_tls(overlay):
    [ingress] = of_kind(overlay, "Ingress")
    hosts = [rule["host"] for rule in ingress["spec"]["rules"]]
    assert hosts and all(host.endswith(".example") for host in hosts)
    assert sorted(h for tls in ingress["spec"]["tls"] for h in tls["hosts"]) == sorted(hosts)
    assert all(tls["secretName"] for tls in ingress["spec"]["tls"])
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    service = named(overlay, "Service", backend["name"])
    assert backend["port"]["name"] in [p["name"] for p in service["spec"]["ports"]]
    assert env_of(overlay, "gateway")["PUBLIC_URL"] == f"https://{hosts[0]}"
    namespace = named(overlay, "Namespace", OVERLAY_NAMESPACE)
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


# ------------------------------------------------------------------------------------------------
# The renderer without a kustomize tool
# ------------------------------------------------------------------------------------------------

def test_builtin_renderer_matches_kustomize():
    tool = deploy_check.kustomize_tool()
    if tool is None:
        pytest.skip("no kubectl/kustomize here: only the built-in renderer runs")
    for directory in deploy_check.kustomization_dirs():
        assert deploy_check.render_python(directory) == deploy_check.render_with_tool(tool[0], directory), directory


def test_builtin_renderer_hashes_like_kustomize(tmp_path):
    # reference values printed by kustomize 5.5 and 5.8 for the same input
    configmap = {"kind": "ConfigMap", "data": {"K": "v"}}
    assert deploy_check._hash_suffix(configmap) == "276ch85d82"
    assert deploy_check._kustomize_base64("x" * 10) == "eHh4eHh4eHh4eA=="
    long_value = deploy_check._kustomize_base64("y" * 60)
    assert [len(line) for line in long_value.split("\n")] == [70, 10, 0]
    (tmp_path / "kustomization.yaml").write_text(
        "resources: [d.yaml]\nnamespace: n\nconfigMapGenerator:\n- name: c\n  literals: [K=v]\n")
    (tmp_path / "d.yaml").write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "x", "image": "i:1", "envFrom": [{"configMapRef": {"name": "c"}}]}]}}))
    objects = deploy_check.render_python(tmp_path)
    assert [o["kind"] for o in objects] == ["ConfigMap", "Pod"]
    assert objects[0]["metadata"] == {"name": "c-276ch85d82", "namespace": "n"}
    assert objects[1]["spec"]["containers"][0]["envFrom"][0]["configMapRef"]["name"] == "c-276ch85d82"


def test_builtin_renderer_refuses_what_it_does_not_know(tmp_path):
    (tmp_path / "kustomization.yaml").write_text("resources: []\nnamePrefix: x-\n")
    with pytest.raises(deploy_check.CheckError, match="namePrefix not supported"):
        deploy_check.render_python(tmp_path)


# ------------------------------------------------------------------------------------------------
# The checker rejects broken manifests
# ------------------------------------------------------------------------------------------------

def test_checker_rejects_a_deployment_without_run_as_non_root(tmp_path):
    deploy_dir = tmp_path / "deploy"
    shutil.copytree(DEPLOY, deploy_dir)
    path = deploy_dir / "base" / "topics" / "deployment.yaml"
    text = path.read_text(encoding="utf-8")
    broken = text.replace("            runAsNonRoot: true\n", "", 1)  # the container's, not the pod's
    assert broken != text
    path.write_text(broken, encoding="utf-8")
    result = deploy_check.run_checks(deploy_dir=deploy_dir, versions=("1.37.0",))
    assert not result.ok
    messages = [p for p in result.problems if "meedenken-topics" in p and "runAsNonRoot" in p]
    # reported for the service's own base, the aggregate base and the overlay
    assert len(messages) == 3, result.problems
    assert len(result.problems) == 3, result.problems


def _mutated(objects, service, change):
    objects = copy.deepcopy(objects)
    change(deployment(objects, service), container(objects, service), objects)
    return objects


POLICY_CASES = [
    (lambda d, c, o: c.pop("livenessProbe"), "no livenessProbe"),
    (lambda d, c, o: c.pop("readinessProbe"), "no readinessProbe"),
    (lambda d, c, o: c["resources"].pop("limits"), "no resources.limits.cpu"),
    (lambda d, c, o: c["securityContext"].update(readOnlyRootFilesystem=False), "readOnlyRootFilesystem"),
    (lambda d, c, o: c["securityContext"].update(runAsUser=0), "runAsUser is not 10001"),
    (lambda d, c, o: c["securityContext"].update(allowPrivilegeEscalation=True), "allowPrivilegeEscalation"),
    (lambda d, c, o: c["securityContext"]["capabilities"].update(drop=[]), "capabilities.drop lacks ALL"),
    (lambda d, c, o: d["spec"]["template"]["spec"]["securityContext"].pop("runAsNonRoot"), "pod securityContext.runAsNonRoot"),
    (lambda d, c, o: c.update(volumeMounts=[]), "no emptyDir mounted at /tmp"),
    (lambda d, c, o: c.update(image="ghcr.io/meedenken/gateway:latest"), "not pinned"),
    (lambda d, c, o: c["env"].append({"name": "AMQP_URI", "value": "amqp://u:p@h/"}), "AMQP_URI does not come from a Secret"),
    (lambda d, c, o: c.update(env=[e for e in c["env"] if e["name"] != "HOST"]), "HOST is not 0.0.0.0"),
    (lambda d, c, o: c["readinessProbe"]["httpGet"].update(path="/healthz"), "readinessProbe is not GET /readyz"),
    (lambda d, c, o: c["env"].append({"name": "SECRET_KEY", "valueFrom": {"secretKeyRef": {
        "name": c["env"][-1]["valueFrom"]["secretKeyRef"]["name"], "key": "NOPE"}}}), "key NOPE does not exist"),
    (lambda d, c, o: [cm["data"].pop("PUBLIC_URL") for cm in of_kind(o, "ConfigMap") if "gateway" in cm["metadata"]["name"]],
     "PUBLIC_URL (read by gateway, docs/ops.md) is not set"),
    (lambda d, c, o: [cm["data"].update(VOTE_PARTITIONS="8") for cm in of_kind(o, "ConfigMap") if "votes" in cm["metadata"]["name"]],
     "VOTE_PARTITIONS differs"),
    (lambda d, c, o: [h["spec"]["scaleTargetRef"].update(name="meedenken-gatewy") for h in of_kind(o, "HorizontalPodAutoscaler")
                      if h["metadata"]["name"] == "meedenken-gateway"], "scaleTargetRef Deployment/meedenken-gatewy does not exist"),
    (lambda d, c, o: [p["spec"].update(minAvailable=3) for p in of_kind(o, "PodDisruptionBudget")
                      if p["metadata"]["name"] == "meedenken-gateway"], "drains would block"),
    (lambda d, c, o: [i["spec"].pop("tls") for i in of_kind(o, "Ingress")], "no TLS"),
]


@pytest.mark.parametrize("change, expected", POLICY_CASES, ids=[case[1] for case in POLICY_CASES])
def test_policy_rejects(overlay, change, expected):
    assert deploy_check.policy_problems(overlay, complete=True) == []
    problems = deploy_check.policy_problems(_mutated(overlay, "gateway", change), complete=True)
    assert any(expected in p for p in problems), problems


def test_nameko_probe_must_match_the_dockerfile(base):
    def change(d, c, o):
        c["livenessProbe"]["exec"]["command"] = ["python", "-c", "pass"]
    problems = deploy_check.policy_problems(_mutated(base, "votes", change), complete=False)
    assert problems == ["Deployment meedenken/meedenken-votes container votes: livenessProbe is not the exec of "
                        "services/votes/Dockerfile's HEALTHCHECK"]


def test_schema_validation_is_strict(base):
    d = copy.deepcopy(deployment(base, "topics"))
    assert deploy_check.schema_problems(d, "x") == []
    typo = copy.deepcopy(d)
    typo["spec"]["template"]["spec"]["containers"][0]["readinessProbes"] = {}  # strict: unknown fields fail
    [problem] = deploy_check.schema_problems(typo, "x", versions=("1.37.0",))
    assert "readinessProbes" in problem and "spec.template.spec.containers.0" in problem
    wrong_type = copy.deepcopy(d)
    wrong_type["spec"]["replicas"] = "two"
    problems = deploy_check.schema_problems(wrong_type, "x")
    assert len(problems) == 1 and "spec.replicas: 'two'" in problems[0] and "(Kubernetes 1.30, 1.37)" in problems[0]
    assert deploy_check.schema_problems({"kind": "Deployment"}, "x") == [
        "x: not a Kubernetes object (apiVersion and kind are required)"]


def test_secrets_in_git_are_refused(tmp_path):
    deploy_dir = tmp_path / "deploy"
    shutil.copytree(DEPLOY, deploy_dir)
    path = deploy_dir / "overlays" / "example-province" / "kustomization.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("SECRET_KEY=EXAMPLE-CHANGE-ME-not-a-key", "SECRET_KEY=s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t-42"))
    problems = deploy_check.kustomization_problems(deploy_dir)
    assert problems == ["deploy/overlays/example-province/kustomization.yaml: secretGenerator meedenken-gateway-secrets "
                        "SECRET_KEY is not a marked placeholder (EXAMPLE): real secrets do not belong in git"
                        .replace("deploy/", str(deploy_dir) + "/", 1)]


def test_compose_check_reports_errors(tmp_path):
    broken = tmp_path / "docker-compose.yml"
    broken.write_text("services:\n  web:\n    image: x:1\n    restart: [always]\n")
    problems, how = deploy_check.compose_problems(broken)
    assert "Compose Specification schema" in how
    assert any("restart" in p for p in problems), problems


# ------------------------------------------------------------------------------------------------
# publiccode.yml
# ------------------------------------------------------------------------------------------------
# The rules of the Standard for Public Code, version 0.4 (repository publiccodeyml/publiccode.yml,
# tag v0.4.0, commit 96c52eb95381ae1fccb317005a5461f5ca5ed209: docs/standard/schema.core.rst,
# categories-list.rst, scope-list.rst), with the value checks of the reference parser
# (italia/publiccode-parser-go, v0.go: PublicCodeV0). The standard publishes no JSON schema of its
# own, so its rules are written down here as one.

CATEGORIES_V0_4 = [
    "accounting", "agile-project-management", "applicant-tracking", "application-development",
    "appointment-scheduling", "backup", "billing-and-invoicing", "blog", "budgeting", "business-intelligence",
    "business-process-management", "cad", "call-center-management", "cloud-management", "collaboration",
    "communications", "compliance-management", "contact-management", "content-management", "crm",
    "customer-service-and-support", "data-analytics", "data-collection", "data-visualization", "design",
    "design-system", "digital-asset-management", "digital-citizenship", "document-management", "donor-management",
    "e-commerce", "e-signature", "educational-content", "email-management", "email-marketing",
    "employee-management", "enterprise-project-management", "enterprise-social-networking", "erp",
    "event-management", "facility-management", "feedback-and-reviews-management", "financial-reporting",
    "fleet-management", "fundraising", "gamification", "geographic-information-systems", "grant-management",
    "graphic-design", "help-desk", "hr", "ide", "identity-management", "instant-messaging",
    "integrated-library-system", "inventory-management", "it-asset-management", "it-development",
    "it-management", "it-security", "it-service-management", "knowledge-management",
    "learning-management-system", "marketing", "mind-mapping", "mobile-marketing", "mobile-payment",
    "network-management", "office", "online-booking", "online-community", "payment-gateway", "payroll",
    "predictive-analysis", "procurement", "productivity-suite", "project-collaboration", "project-management",
    "property-management", "real-estate-management", "regulations-and-directives", "remote-support",
    "resource-management", "sales-management", "seo", "service-desk", "social-media-management", "survey",
    "talent-management", "task-management", "taxes-management", "test-management", "time-management",
    "time-tracking", "translation", "video-conferencing", "video-editing", "visitor-management", "voip",
    "warehouse-management", "web-collaboration", "web-conferencing", "website-builder", "whistleblowing",
    "workflow-management",
]
SCOPES_V0_4 = [
    "agriculture", "culture", "defence", "education", "emergency-services", "employment", "energy",
    "environment", "finance-and-economic-development", "foreign-affairs", "government", "healthcare",
    "infrastructures", "justice", "local-authorities", "manufacturing", "research", "science-and-technology",
    "security", "society", "sport", "tourism", "transportation", "welfare",
]
_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_URL = {"type": "string", "pattern": r"^https?://[^\s/]+\.[^\s]+$"}
_BCP47 = {"type": "string", "pattern": r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"}
_DEPENDENCY = {"type": "object", "additionalProperties": False, "required": ["name"], "properties": {
    "name": {"type": "string", "minLength": 1}, "versionMin": {"type": "string"}, "versionMax": {"type": "string"},
    "version": {"type": "string"}, "optional": {"type": "boolean"}}}
PUBLICCODE_V0_4_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["publiccodeYmlVersion", "name", "url", "platforms", "categories", "developmentStatus",
                 "softwareType", "description", "legal", "maintenance", "localisation"],
    "properties": {
        "publiccodeYmlVersion": {"enum": ["0.4", "0.4.0"]},
        "name": {"type": "string", "minLength": 1},
        "applicationSuite": {"type": "string"},
        "url": _URL,
        "landingURL": _URL,
        "isBasedOn": {"anyOf": [_URL, {"type": "array", "items": _URL}]},
        "softwareVersion": {"type": "string"},
        "releaseDate": _DATE,
        "logo": {"type": "string"},
        "platforms": {"anyOf": [{"type": "string"}, {"type": "array", "minItems": 1, "items": {"type": "string"}}]},
        "categories": {"type": "array", "minItems": 1, "items": {"enum": CATEGORIES_V0_4}},
        "usedBy": {"type": "array", "items": {"type": "string"}},
        "roadmap": _URL,
        "developmentStatus": {"enum": ["concept", "development", "beta", "stable", "obsolete"]},
        "softwareType": {"enum": ["standalone/mobile", "standalone/iot", "standalone/desktop", "standalone/web",
                                  "standalone/backend", "standalone/other", "addon", "library",
                                  "configurationFiles"]},
        "intendedAudience": {"type": "object", "additionalProperties": False, "properties": {
            "countries": {"type": "array", "items": {"type": "string", "pattern": "^[a-z]{2}$"}},
            "unsupportedCountries": {"type": "array", "items": {"type": "string", "pattern": "^[a-z]{2}$"}},
            "scope": {"type": "array", "items": {"enum": SCOPES_V0_4}}}},
        "description": {
            "type": "object", "minProperties": 1,
            "propertyNames": {"pattern": r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"},
            "additionalProperties": {
                "type": "object", "additionalProperties": False,
                "required": ["shortDescription", "longDescription", "features"],
                "properties": {
                    "localisedName": {"type": "string"},
                    "genericName": {"type": "string", "maxLength": 35},
                    "shortDescription": {"type": "string", "minLength": 1, "maxLength": 150},
                    "longDescription": {"type": "string", "minLength": 150, "maxLength": 10000},
                    "documentation": _URL,
                    "apiDocumentation": _URL,
                    "features": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
                    "screenshots": {"type": "array", "items": {"type": "string"}},
                    "videos": {"type": "array", "items": _URL},
                    "awards": {"type": "array", "items": {"type": "string"}}}}},
        "legal": {"type": "object", "additionalProperties": False, "required": ["license"], "properties": {
            "license": {"type": "string", "pattern": r"^[A-Za-z0-9.+-]+( (AND|OR|WITH) [A-Za-z0-9.+-]+)*$"},
            "mainCopyrightOwner": {"type": "string"}, "repoOwner": {"type": "string"},
            "authorsFile": {"type": "string"}}},
        "maintenance": {
            "type": "object", "additionalProperties": False, "required": ["type"],
            "properties": {
                "type": {"enum": ["internal", "contract", "community", "none"]},
                "contractors": {"type": "array", "items": {
                    "type": "object", "additionalProperties": False, "required": ["name", "until"],
                    "properties": {"name": {"type": "string"}, "until": _DATE, "email": {"type": "string"},
                                   "website": _URL}}},
                "contacts": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "additionalProperties": False, "required": ["name"],
                    "properties": {"name": {"type": "string", "minLength": 1},
                                   "email": {"type": "string", "pattern": r"^[^@\s]+@[^@\s]+\.[^@\s]+$"},
                                   "phone": {"type": "string"}, "affiliation": {"type": "string"}}}}},
            "allOf": [
                {"if": {"properties": {"type": {"const": "contract"}}}, "then": {"required": ["contractors"]}},
                {"if": {"properties": {"type": {"enum": ["internal", "community"]}}},
                 "then": {"required": ["contacts"]}},
            ]},
        "localisation": {"type": "object", "additionalProperties": False,
                         "required": ["localisationReady", "availableLanguages"], "properties": {
                             "localisationReady": {"type": "boolean"},
                             "availableLanguages": {"type": "array", "minItems": 1, "items": _BCP47}}},
        "dependsOn": {"type": "object", "additionalProperties": False, "properties": {
            "open": {"type": "array", "items": _DEPENDENCY},
            "proprietary": {"type": "array", "items": _DEPENDENCY},
            "hardware": {"type": "array", "items": _DEPENDENCY}}},
    },
    "additionalProperties": False,
}


def load_publiccode():
    path = ROOT / "publiccode.yml"
    assert path.is_file(), "publiccode.yml is missing at the repository root"
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text)


def publiccode_errors(document):
    validator = jsonschema.Draft202012Validator(PUBLICCODE_V0_4_SCHEMA)
    return sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))


def test_publiccode_follows_the_standard():
    jsonschema.Draft202012Validator.check_schema(PUBLICCODE_V0_4_SCHEMA)
    errors = publiccode_errors(load_publiccode())
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_publiccode_content():
    doc = load_publiccode()
    assert doc["publiccodeYmlVersion"] == "0.4" and doc["name"] == "Meedenken"
    assert doc["url"] == "https://github.com/meedenken/meedenken"
    assert doc["softwareVersion"] == RELEASE and isinstance(doc["releaseDate"], str)
    date.fromisoformat(doc["releaseDate"])  # a real date, written as a string (YAML would make it a date)
    assert doc["releaseDate"] == "2026-11-25"
    assert doc["platforms"] == ["web"] and doc["softwareType"] == "standalone/web"
    assert doc["developmentStatus"] == "beta"
    assert doc["legal"]["license"] == "EUPL-1.2"
    assert doc["maintenance"]["type"] == "community" and doc["maintenance"]["contacts"]
    assert doc["localisation"] == {"localisationReady": True, "availableLanguages": ["nl", "en"]}
    assert set(doc["description"]) == {"nl", "en"}
    for lang, description in doc["description"].items():
        assert "\n" not in description["shortDescription"], f"{lang}: one line"
        assert len(description["longDescription"]) >= 150 and len(description["features"]) >= 5
        assert all(len(feature) <= 100 for feature in description["features"])
    assert [d["name"] for d in doc["dependsOn"]["open"]] == ["RabbitMQ", "MongoDB", "Python", "Node.js"]
    # the release in publiccode.yml is the one the packages and the base images carry
    for service in SERVICES:
        pyproject = (ROOT / "services" / service / "pyproject.toml").read_text(encoding="utf-8")
        assert re.search(rf'^version = "{re.escape(RELEASE)}"', pyproject, re.M)
        manifest = (DEPLOY / "base" / service / "deployment.yaml").read_text(encoding="utf-8")
        assert f"image: ghcr.io/meedenken/{service}:{RELEASE}" in manifest


PUBLICCODE_CASES = [
    (lambda d: d.pop("name"), []),
    (lambda d: d.update(publiccodeYmlVersion="0.9"), ["publiccodeYmlVersion"]),
    (lambda d: d.update(categories=["e-participation"]), ["categories", 0]),
    (lambda d: d.update(developmentStatus="alpha"), ["developmentStatus"]),
    (lambda d: d.update(softwareType="web"), ["softwareType"]),
    (lambda d: d.update(releaseDate="25-11-2026"), ["releaseDate"]),
    (lambda d: d["description"]["nl"].update(shortDescription="x" * 151), ["description", "nl", "shortDescription"]),
    (lambda d: d["description"]["en"].update(longDescription="too short"), ["description", "en", "longDescription"]),
    (lambda d: d["description"]["en"].pop("features"), ["description", "en"]),
    (lambda d: d["maintenance"].pop("contacts"), ["maintenance"]),
    (lambda d: d["maintenance"].update(type="volunteers"), ["maintenance", "type"]),
    (lambda d: d["localisation"].pop("localisationReady"), ["localisation"]),
    (lambda d: d["intendedAudience"].update(scope=["citizens"]), ["intendedAudience", "scope", 0]),
    (lambda d: d["dependsOn"]["open"].append({"version": "1"}), ["dependsOn", "open", 4]),
    (lambda d: d.update(Name="x"), []),
]


@pytest.mark.parametrize("change, path", PUBLICCODE_CASES,
                         ids=[f"{n}-{'/'.join(map(str, c[1])) or 'top'}" for n, c in enumerate(PUBLICCODE_CASES)])
def test_publiccode_rules_catch_mistakes(change, path):
    document = copy.deepcopy(load_publiccode())
    change(document)
    assert path in [list(e.absolute_path) for e in publiccode_errors(document)]
