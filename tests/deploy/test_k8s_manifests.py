"""Kubernetes manifests and Dockerfile of ``deploy/``: rendered, schema-valid, safe.

Every overlay (and the base) is rendered with ``kubectl kustomize`` and each
object is validated offline with ``kubernetes-validate`` against the schemas of
Kubernetes :data:`K8S_VERSION`. Then the invariants an operator relies on are
checked on the rendered objects: Rasa runs at least two replicas, the rendered
endpoints use the SQL tracker store and the Redis lock store, no secret value
is written in a manifest, every long-running container has readiness and
liveness probes and runs as a non-root user, the action server is fenced by a
NetworkPolicy, and ``/socket.io/`` is sticky by cookie.

Each check is a function returning a list of problems; the ``*_can_fail``
tests break a copy of the rendered objects and show that the check reports it.

Without ``kubectl`` the rendering tests are skipped with a reason, except under
CI (``CI`` set), where a missing ``kubectl`` is a failure.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple
from urllib.parse import unquote

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
BASE = K8S / "base"
OVERLAYS = sorted(path.parent for path in (K8S / "overlays").glob("*/kustomization.yaml"))
TARGETS = [BASE, *OVERLAYS]
#: Schemas bundled with the pinned kubernetes-validate 1.28.3 (the last release
#: compatible with rasa 3.6's jsonschema<4.18) go up to Kubernetes 1.28.
K8S_VERSION = "1.28.0"
SECRET_NAME = re.compile(r"PASSWORD|TOKEN|SECRET", re.IGNORECASE)
#: user:password@ in a URL, e.g. postgresql://rasa:hunter2@db/rasa
URL_CREDENTIALS = re.compile(r"://[^/\s:@]+:[^/\s@]+@")
#: The only Rasa paths the Ingress may expose: the channels, never the HTTP API.
RASA_PUBLIC_PATHS = {"/socket.io/", "/webhooks/rest/webhook"}

Doc = Dict[str, Any]


# ------------------------------------------------------------------ rendering

def _kubectl() -> str:
    found = shutil.which("kubectl")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("kubectl is required under CI to render deploy/k8s (kubectl kustomize)")
    pytest.skip("kubectl not installed: cannot render deploy/k8s with `kubectl kustomize`")
    raise AssertionError("unreachable")


_RENDERED: Dict[Path, List[Doc]] = {}


def render(target: Path) -> List[Doc]:
    """``kubectl kustomize target``, parsed (cached per test session)."""
    if target not in _RENDERED:
        result = subprocess.run([_kubectl(), "kustomize", str(target)], capture_output=True,
                                text=True, timeout=60)
        assert result.returncode == 0, f"kubectl kustomize {target} failed:\n{result.stderr}"
        _RENDERED[target] = [doc for doc in yaml.safe_load_all(result.stdout) if doc]
    return copy.deepcopy(_RENDERED[target])


@pytest.fixture(params=TARGETS, ids=lambda path: path.name)
def docs(request: pytest.FixtureRequest) -> List[Doc]:
    return render(request.param)


@pytest.fixture
def production() -> List[Doc]:
    return render(K8S / "overlays" / "production")


class _PointerResolver(jsonschema.RefResolver):
    """jsonschema 4.17's resolver, minus a full scan of the schema per ``$ref``.

    For every fragment, jsonschema 4.17 first searches the whole referenced
    document for ``$anchor``/``$id`` keys (none exist in the Kubernetes
    schemas), which made validation take about 0.3 s per object. JSON-pointer
    fragments (``#/definitions/...``, all the Kubernetes schemas use) are
    walked directly, and each schema file is read once per test session.
    """

    _documents: Dict[str, Any] = {}

    def resolve_fragment(self, document: Any, fragment: str) -> Any:
        if not fragment.startswith("/"):
            return super().resolve_fragment(document, fragment)
        for part in unquote(fragment[1:]).split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            document = document[int(part)] if isinstance(document, list) else document[part]
        return document

    def resolve_remote(self, uri: str) -> Any:
        if uri not in self._documents:
            self._documents[uri] = super().resolve_remote(uri)
        return self._documents[uri]


@pytest.fixture
def k8s_validate(monkeypatch: pytest.MonkeyPatch) -> Callable[[Doc], str]:
    """``kubernetes_validate.validate(doc, K8S_VERSION, strict=True)``, with the faster resolver."""
    import kubernetes_validate
    import kubernetes_validate.utils

    monkeypatch.setattr(kubernetes_validate.utils.jsonschema, "RefResolver", _PointerResolver)
    return lambda doc: kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


# ------------------------------------------------------------------ helpers

def of_kind(docs: List[Doc], kind: str) -> List[Doc]:
    return [doc for doc in docs if doc.get("kind") == kind]


def named(docs: List[Doc], kind: str, name: str) -> Optional[Doc]:
    return next((doc for doc in of_kind(docs, kind) if doc["metadata"]["name"] == name), None)


def workloads(docs: List[Doc]) -> Iterator[Doc]:
    for kind in ("Deployment", "StatefulSet", "DaemonSet", "CronJob"):
        yield from of_kind(docs, kind)


def pod_template(workload: Doc) -> Doc:
    """The pod template of a workload (a CronJob's is inside its job template)."""
    if workload.get("kind") == "CronJob":
        return workload["spec"]["jobTemplate"]["spec"]["template"]
    return workload["spec"]["template"]


def containers(workload: Doc) -> List[Doc]:
    return pod_template(workload)["spec"].get("containers") or []


def all_containers(workload: Doc) -> List[Doc]:
    spec = pod_template(workload)["spec"]
    return (spec.get("initContainers") or []) + (spec.get("containers") or [])


def component_labels(docs: List[Doc], component: str) -> Dict[str, str]:
    workload = next((w for w in workloads(docs) if w["metadata"]["name"] == component), None)
    assert workload is not None, f"no workload {component}"
    return pod_template(workload)["metadata"]["labels"]


def selector_matches(selector: Optional[Doc], labels: Dict[str, str]) -> bool:
    """A LabelSelector (matchLabels / matchExpressions) against ``labels``."""
    if selector is None:
        return False
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression["key"], expression["operator"], expression.get("values") or []
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and labels.get(key) in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def rendered_rasa_files(docs: List[Doc]) -> Dict[str, str]:
    """The files of the ConfigMap mounted by the Rasa Deployment (endpoints.yml, credentials.yml)."""
    rasa = named(docs, "Deployment", "rasa")
    assert rasa is not None, "no Deployment rasa"
    names = [volume["configMap"]["name"] for volume in rasa["spec"]["template"]["spec"].get("volumes") or []
             if "configMap" in volume]
    files: Dict[str, str] = {}
    for config_map in of_kind(docs, "ConfigMap"):
        if config_map["metadata"]["name"] in names:
            files.update(config_map.get("data") or {})
    return files


# ------------------------------------------------------------------ checks

def check_rasa_replicas(docs: List[Doc]) -> List[str]:
    """Rasa: >= 2 replicas, an HPA that keeps >= 2, a PDB, rolling updates that never go below."""
    problems = []
    rasa = named(docs, "Deployment", "rasa")
    if rasa is None:
        return ["no Deployment rasa"]
    if int(rasa["spec"].get("replicas", 1)) < 2:
        problems.append(f"Deployment rasa has {rasa['spec'].get('replicas', 1)} replica(s), needs >= 2")
    strategy = rasa["spec"].get("strategy") or {}
    if strategy.get("type", "RollingUpdate") != "RollingUpdate" or str(
            (strategy.get("rollingUpdate") or {}).get("maxUnavailable")) != "0":
        problems.append("Deployment rasa must roll out with maxUnavailable: 0")
    hpas = [hpa for hpa in of_kind(docs, "HorizontalPodAutoscaler")
            if hpa["spec"]["scaleTargetRef"].get("kind") == "Deployment"
            and hpa["spec"]["scaleTargetRef"].get("name") == "rasa"]
    if not hpas:
        problems.append("no HorizontalPodAutoscaler for Deployment rasa")
    problems += [f"HPA {hpa['metadata']['name']} allows {hpa['spec'].get('minReplicas', 1)} Rasa pod(s)"
                 for hpa in hpas if int(hpa["spec"].get("minReplicas", 1)) < 2]
    labels = rasa["spec"]["template"]["metadata"]["labels"]
    if not any(selector_matches(pdb["spec"].get("selector"), labels)
               for pdb in of_kind(docs, "PodDisruptionBudget")):
        problems.append("no PodDisruptionBudget covers the Rasa pods")
    return problems


def check_stores(docs: List[Doc]) -> List[str]:
    """The endpoints Rasa gets: SQL tracker store on PostgreSQL, Redis lock store with a valid prefix."""
    files = rendered_rasa_files(docs)
    if "endpoints.yml" not in files:
        return ["the Rasa Deployment mounts no ConfigMap with endpoints.yml"]
    rasa = named(docs, "Deployment", "rasa")
    command = " ".join(str(part) for part in containers(rasa)[0].get("command") or [])
    problems = []
    if "--endpoints /config/rasa/endpoints.yml" not in command:
        problems.append("rasa is not started with --endpoints from the mounted ConfigMap")
    endpoints = yaml.safe_load(files["endpoints.yml"]) or {}
    tracker = endpoints.get("tracker_store") or {}
    if str(tracker.get("type", "")).lower() != "sql" or tracker.get("dialect") != "postgresql":
        problems.append(f"tracker_store is not SQL on PostgreSQL: {tracker}")
    lock = endpoints.get("lock_store") or {}
    if lock.get("type") != "stores.redis_lock.AtomicRedisLockStore":
        problems.append(f"lock_store is not the atomic Redis lock store: {lock}")
    elif not str(lock.get("key_prefix", "")).isalnum():
        problems.append("lock_store.key_prefix must be alphanumeric (Rasa ignores any other)")
    for section, key in (("tracker_store", "password"), ("lock_store", "password"),
                         ("action_endpoint", "token")):
        value = str((endpoints.get(section) or {}).get(key, ""))
        if not re.fullmatch(r"\$\{[A-Z0-9_]+\}", value):
            problems.append(f"{section}.{key} must be an ${{ENV_VAR}} reference, not a value")
    return problems


def _scalars(node: Any) -> Iterator[Any]:
    """Every scalar value of a parsed YAML document (comments are gone)."""
    if isinstance(node, dict):
        for value in node.values():
            yield from _scalars(value)
    elif isinstance(node, list):
        for value in node:
            yield from _scalars(value)
    else:
        yield node


def check_endpoint_variables(docs: List[Doc]) -> List[str]:
    """Every ${VAR} of the rendered endpoints and credentials reaches the Rasa container.

    Rasa refuses to start on an unset variable: each one must be an ``env``
    entry or a key of an ``envFrom`` ConfigMap of the Rasa Deployment.
    """
    rasa = named(docs, "Deployment", "rasa")
    if rasa is None:
        return ["no Deployment rasa"]
    container = containers(rasa)[0]
    provided = {env["name"] for env in container.get("env") or []}
    for source in container.get("envFrom") or []:
        config_map = named(docs, "ConfigMap", (source.get("configMapRef") or {}).get("name", ""))
        provided |= set((config_map or {}).get("data") or {})
    wanted = {name for text in rendered_rasa_files(docs).values()
              for value in _scalars(yaml.safe_load(text))
              for name in re.findall(r"\$\{(\w+)\}", str(value))}
    return [f"{name} is used in the Rasa files but not set in the Rasa container"
            for name in sorted(wanted - provided)]


def check_no_secret_values(docs: List[Doc]) -> List[str]:
    """No password, token or secret is written in the manifests: all come from a Secret."""
    problems = []
    problems += [f"manifests must not ship a Secret ({doc['metadata']['name']})"
                 for doc in of_kind(docs, "Secret")]
    for workload in workloads(docs):
        for container in all_containers(workload):
            where = f"{workload['metadata']['name']}/{container['name']}"
            for env in container.get("env") or []:
                value_from = env.get("valueFrom") or {}
                if SECRET_NAME.search(env["name"]) and "secretKeyRef" not in value_from:
                    problems.append(f"{where}: {env['name']} must come from a secretKeyRef")
                if URL_CREDENTIALS.search(str(env.get("value", ""))):
                    problems.append(f"{where}: {env['name']} has a URL with credentials")
            for source in container.get("envFrom") or []:
                if "configMapRef" not in source and "secretRef" not in source:
                    problems.append(f"{where}: unexpected envFrom {source}")
    for config_map in of_kind(docs, "ConfigMap"):
        for key, value in (config_map.get("data") or {}).items():
            if SECRET_NAME.search(key):
                problems.append(f"ConfigMap {config_map['metadata']['name']}: {key} is a secret")
            if URL_CREDENTIALS.search(str(value)):
                problems.append(
                    f"ConfigMap {config_map['metadata']['name']}: {key} has a URL with credentials")
    return problems


def check_probes(docs: List[Doc]) -> List[str]:
    """Every long-running container has a readiness and a liveness probe, on a port it opens."""
    problems = []
    for workload in workloads(docs):
        if workload["kind"] == "CronJob":
            continue
        for container in containers(workload):
            where = f"{workload['metadata']['name']}/{container['name']}"
            ports = {port.get("name") for port in container.get("ports") or []} | {
                port["containerPort"] for port in container.get("ports") or []}
            for kind in ("readinessProbe", "livenessProbe"):
                probe = container.get(kind)
                if not probe:
                    problems.append(f"{where}: no {kind}")
                elif "httpGet" in probe and probe["httpGet"].get("port") not in ports:
                    problems.append(f"{where}: {kind} on port {probe['httpGet'].get('port')}, not opened")
    return problems


def check_non_root(docs: List[Doc]) -> List[str]:
    """Containers run as a non-root user, without privilege escalation or capabilities."""
    problems = []
    for workload in workloads(docs):
        pod = pod_template(workload)["spec"].get("securityContext") or {}
        for container in all_containers(workload):
            where = f"{workload['metadata']['name']}/{container['name']}"
            own = container.get("securityContext") or {}
            effective = {**pod, **own}
            if effective.get("runAsNonRoot") is not True:
                problems.append(f"{where}: runAsNonRoot is not true")
            if effective.get("runAsUser") in (None, 0):
                problems.append(f"{where}: runAsUser must be set and not 0")
            if own.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{where}: allowPrivilegeEscalation must be false")
            if "ALL" not in ((own.get("capabilities") or {}).get("drop") or []):
                problems.append(f"{where}: capabilities must drop ALL")
            if own.get("privileged"):
                problems.append(f"{where}: privileged")
            if "resources" not in container or not container["resources"].get("limits"):
                problems.append(f"{where}: no resource limits")
    return problems


def check_action_server_policy(docs: List[Doc]) -> List[str]:
    """A NetworkPolicy admits only Rasa pods to the action server."""
    labels = component_labels(docs, "action-server")
    rasa_labels = component_labels(docs, "rasa")
    policies = [policy for policy in of_kind(docs, "NetworkPolicy")
                if selector_matches(policy["spec"].get("podSelector"), labels)
                and "Ingress" in (policy["spec"].get("policyTypes") or ["Ingress"])]
    problems = []
    if not any(policy["spec"]["podSelector"] for policy in policies):
        problems.append("no NetworkPolicy of its own selects the action server pods")
    for policy in policies:
        for rule in policy["spec"].get("ingress") or []:
            peers = rule.get("from") or []
            if not peers:
                problems.append(f"NetworkPolicy {policy['metadata']['name']} admits every source")
            for peer in peers:
                if set(peer) != {"podSelector"} or not selector_matches(peer["podSelector"], rasa_labels):
                    problems.append(f"NetworkPolicy {policy['metadata']['name']} admits {peer}")
    return problems


#: Ports each component may reach, beyond the cluster DNS (53): nothing else leaves its pods.
EGRESS_PORTS = {"action-server": {5432}, "webapp": set(), "rasa": {5432, 6379, 5055},
                "console": {5432, 5005}, "worker": {5432, 587, 465, 25, 443}, "purge": {5432}}


def check_egress(docs: List[Doc]) -> List[str]:
    """Egress is denied by default; each component reaches only its own ports."""
    policies = [policy for policy in of_kind(docs, "NetworkPolicy")
                if "Egress" in (policy["spec"].get("policyTypes") or [])]
    problems = []
    if not any(policy["spec"].get("podSelector") == {} and not policy["spec"].get("egress")
               for policy in policies):
        problems.append("no default-deny egress policy")
    for component, allowed in EGRESS_PORTS.items():
        labels = component_labels(docs, component)
        for policy in policies:
            if not selector_matches(policy["spec"].get("podSelector"), labels):
                continue
            for rule in policy["spec"].get("egress") or []:
                ports = {entry.get("port") for entry in rule.get("ports") or []}
                if not ports:
                    problems.append(f"{policy['metadata']['name']} lets {component} reach any port")
                elif ports - allowed - {53}:
                    extra = sorted(ports - allowed - {53})
                    problems.append(f"{policy['metadata']['name']} lets {component} reach {extra}")
    return problems


def check_ingress(docs: List[Doc]) -> List[str]:
    """/socket.io/ is routed to Rasa with cookie affinity; no other Rasa path is public."""
    problems = []
    socketio = False
    for ingress in of_kind(docs, "Ingress"):
        annotations = ingress["metadata"].get("annotations") or {}
        for rule in ingress["spec"].get("rules") or []:
            for path in (rule.get("http") or {}).get("paths") or []:
                service = path["backend"].get("service", {}).get("name")
                if service != "rasa":
                    continue
                if path["path"] not in RASA_PUBLIC_PATHS:
                    problems.append(f"Ingress {ingress['metadata']['name']} exposes Rasa's {path['path']}")
                if path["path"].rstrip("/") == "/socket.io":
                    socketio = True
                    if annotations.get("nginx.ingress.kubernetes.io/affinity") != "cookie":
                        problems.append(f"Ingress {ingress['metadata']['name']}: /socket.io/ without "
                                        "cookie affinity")
    if not socketio:
        problems.append("no Ingress routes /socket.io/ to Rasa")
    return problems


def check_images(docs: List[Doc]) -> List[str]:
    """Every image has an explicit tag (or digest) other than latest."""
    problems = []
    for workload in workloads(docs):
        for container in all_containers(workload):
            image = container["image"]
            tag = image.rsplit("/", 1)[-1].partition(":")[2]
            if "@sha256:" not in image and (not tag or tag == "latest"):
                problems.append(f"{workload['metadata']['name']}: image {image} has no pinned tag")
    return problems


CHECKS: List[Callable[[List[Doc]], List[str]]] = [
    check_rasa_replicas, check_stores, check_endpoint_variables, check_no_secret_values, check_probes,
    check_non_root, check_action_server_policy, check_egress, check_ingress, check_images,
]


# ------------------------------------------------------------------ tests on every overlay

def test_overlays_exist() -> None:
    assert {path.name for path in OVERLAYS} >= {"staging", "production"}


@pytest.mark.parametrize("overlay", TARGETS, ids=lambda path: path.name)
def test_objects_valid_against_kubernetes_schemas(overlay: Path, k8s_validate: Callable[[Doc], str]) -> None:
    """Each rendered object of the base and of each overlay is schema-valid."""
    import kubernetes_validate

    docs = render(overlay)
    assert len(docs) > 10
    for doc in docs:
        try:
            k8s_validate(doc)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{doc['kind']} {doc['metadata']['name']}: {error.message} at {list(error.path)}")


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_invariant(docs: List[Doc], check: Callable[[List[Doc]], List[str]]) -> None:
    assert check(docs) == []


def test_every_process_is_deployed(docs: List[Doc]) -> None:
    assert {doc["metadata"]["name"] for doc in of_kind(docs, "Deployment")} == {
        "rasa", "action-server", "webapp", "console", "worker"}
    purge = named(docs, "CronJob", "purge")
    assert purge is not None, "the retention purge must run on a schedule"
    assert containers(purge)[0]["command"] == ["python", "-m", "escalation.purge"]
    secrets = {env["valueFrom"]["secretKeyRef"]["key"] for env in containers(purge)[0]["env"]}
    assert {"TICKETS_DB_URL", "ANALYTICS_DB_URL"} <= secrets, "purge needs tickets and analytics"
    rasa = " ".join(containers(named(docs, "Deployment", "rasa"))[0]["command"])
    assert "-m supervisor.rasa_run" in rasa, "Rasa must start via supervisor.rasa_run (runtime patches)"
    assert "--enable-api" in rasa, "the console needs Rasa's HTTP API"
    assert "--auth-token" not in rasa, "the API token comes from RASA_AUTH_TOKEN, never the command line"
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    for workload in workloads(docs):
        command = containers(workload)[0]["command"]
        assert command[:2] == ["python", "-m"], f"{workload['metadata']['name']}: python -m MODULE expected"
        module = ROOT.joinpath(*command[2].split("."))
        assert module.with_suffix(".py").exists() or (module / "__main__.py").exists(), (
            f"{workload['metadata']['name']} runs {command[2]}, which does not exist")
        assert f"COPY {command[2].split('.')[0]} " in dockerfile, f"the image lacks {command[2]}"
    services = {doc["metadata"]["name"] for doc in of_kind(docs, "Service")}
    assert {"rasa", "action-server", "webapp", "console", "postgresql", "redis"} <= services
    assert all(named(docs, "Service", name)["spec"]["type"] == "ExternalName"
               for name in ("postgresql", "redis"))


# ------------------------------------------------------------------ each check can fail

def _rasa(docs: List[Doc]) -> Doc:
    return named(docs, "Deployment", "rasa")


def _endpoints_set(docs: List[Doc], change: Callable[[Doc], None]) -> None:
    for config_map in of_kind(docs, "ConfigMap"):
        data = config_map.get("data") or {}
        if "endpoints.yml" in data:
            endpoints = yaml.safe_load(data["endpoints.yml"])
            change(endpoints)
            data["endpoints.yml"] = yaml.safe_dump(endpoints)


def _env(docs: List[Doc], deployment: str) -> List[Doc]:
    return containers(named(docs, "Deployment", deployment))[0].setdefault("env", [])


def _socketio_ingress(docs: List[Doc]) -> Doc:
    return next(ingress for ingress in of_kind(docs, "Ingress")
                if "nginx.ingress.kubernetes.io/affinity" in (ingress["metadata"].get("annotations") or {}))


BREAKAGES: List[Tuple[str, Callable[[List[Doc]], List[str]], Callable[[List[Doc]], Any]]] = [
    ("one rasa replica", check_rasa_replicas, lambda d: _rasa(d)["spec"].update(replicas=1)),
    ("hpa min 1", check_rasa_replicas,
     lambda d: named(d, "HorizontalPodAutoscaler", "rasa")["spec"].update(minReplicas=1)),
    ("no pdb", check_rasa_replicas, lambda d: d.remove(named(d, "PodDisruptionBudget", "rasa"))),
    ("rollout drops a pod", check_rasa_replicas,
     lambda d: _rasa(d)["spec"]["strategy"]["rollingUpdate"].update(maxUnavailable=1)),
    ("in-memory tracker store", check_stores, lambda d: _endpoints_set(d, lambda e: e.pop("tracker_store"))),
    ("sqlite tracker store", check_stores,
     lambda d: _endpoints_set(d, lambda e: e["tracker_store"].update(dialect="sqlite"))),
    ("in-memory lock store", check_stores,
     lambda d: _endpoints_set(d, lambda e: e["lock_store"].update(type="in_memory"))),
    ("bad lock prefix", check_stores,
     lambda d: _endpoints_set(d, lambda e: e["lock_store"].update(key_prefix="ip-telecom"))),
    ("literal db password", check_stores,
     lambda d: _endpoints_set(d, lambda e: e["tracker_store"].update(password="hunter2"))),
    ("unset endpoint variable", check_endpoint_variables,
     lambda d: next(c for c in of_kind(d, "ConfigMap") if "endpoints.yml" not in c["data"])["data"].clear()),
    ("literal token in env", check_no_secret_values,
     lambda d: _env(d, "rasa").append({"name": "RASA_AUTH_TOKEN", "value": "s3cr3t"})),
    ("password in a URL", check_no_secret_values,
     lambda d: _env(d, "worker").append({"name": "TICKETS_DB_URL", "value": "postgresql://u:pw@db/t"})),
    ("secret in a ConfigMap", check_no_secret_values,
     lambda d: of_kind(d, "ConfigMap")[0]["data"].update(REDIS_PASSWORD="x")),
    ("shipped Secret", check_no_secret_values,
     lambda d: d.append({"kind": "Secret", "metadata": {"name": "assistant-secrets"}})),
    ("no readiness probe", check_probes, lambda d: containers(_rasa(d))[0].pop("readinessProbe")),
    ("probe on a closed port", check_probes,
     lambda d: containers(_rasa(d))[0]["livenessProbe"]["httpGet"].update(port=5006)),
    ("no liveness probe", check_probes,
     lambda d: containers(named(d, "Deployment", "worker"))[0].pop("livenessProbe")),
    ("root user", check_non_root, lambda d: containers(_rasa(d))[0]["securityContext"].update(runAsUser=0)),
    ("runAsNonRoot off", check_non_root,
     lambda d: containers(named(d, "Deployment", "webapp"))[0]["securityContext"].update(runAsNonRoot=False)),
    ("pod runs as root", check_non_root,
     lambda d: [named(d, "Deployment", "console")["spec"]["template"]["spec"]["securityContext"].update(
         runAsUser=0), containers(named(d, "Deployment", "console"))[0]["securityContext"].pop("runAsUser")]),
    ("capabilities kept", check_non_root,
     lambda d: containers(_rasa(d))[0]["securityContext"].pop("capabilities")),
    ("no action server policy", check_action_server_policy,
     lambda d: d.remove(named(d, "NetworkPolicy", "action-server"))),
    ("action server open to all", check_action_server_policy,
     lambda d: named(d, "NetworkPolicy", "action-server")["spec"]["ingress"][0].pop("from")),
    ("action server open to a namespace", check_action_server_policy,
     lambda d: named(d, "NetworkPolicy", "action-server")["spec"]["ingress"][0]["from"].append(
         {"namespaceSelector": {}})),
    ("egress open by default", check_egress,
     lambda d: d.remove(named(d, "NetworkPolicy", "default-deny-egress"))),
    ("database rule open to every port", check_egress,
     lambda d: named(d, "NetworkPolicy", "egress-postgresql")["spec"]["egress"][0].pop("ports")),
    ("action server may send mail", check_egress,
     lambda d: named(d, "NetworkPolicy", "worker-egress")["spec"]["podSelector"]["matchLabels"].update(
         {"app.kubernetes.io/component": "action-server"})),
    ("no cookie affinity", check_ingress,
     lambda d: _socketio_ingress(d)["metadata"]["annotations"].pop("nginx.ingress.kubernetes.io/affinity")),
    ("HTTP API public", check_ingress,
     lambda d: _socketio_ingress(d)["spec"]["rules"][0]["http"]["paths"][0].update(path="/")),
    ("latest image", check_images, lambda d: containers(_rasa(d))[0].update(image="assistant:latest")),
]


@pytest.mark.parametrize("name,check,breakage", BREAKAGES, ids=[entry[0] for entry in BREAKAGES])
def test_check_can_fail(production: List[Doc], name: str, check: Callable[[List[Doc]], List[str]],
                        breakage: Callable[[List[Doc]], Any]) -> None:
    assert check(production) == [], "the intact manifests must pass"
    breakage(production)
    assert check(production), f"{check.__name__} did not notice: {name}"


def test_schema_validation_can_fail(production: List[Doc], k8s_validate: Callable[[Doc], str]) -> None:
    import kubernetes_validate

    rasa = _rasa(production)
    assert k8s_validate(rasa) == K8S_VERSION.rsplit(".", 1)[0]
    rasa["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        k8s_validate(rasa)
    rasa["spec"]["replicas"] = 2
    containers(rasa)[0]["readinesProbe"] = {}  # misspelt field: only strict validation sees it
    with pytest.raises(kubernetes_validate.ValidationError):
        k8s_validate(rasa)
    del containers(rasa)[0]["readinesProbe"]
    containers(rasa)[0]["livenessProbe"]["httpGet"]["port"] = ["http"]  # deep inside the definitions
    with pytest.raises(kubernetes_validate.ValidationError):
        k8s_validate(rasa)
    containers(rasa)[0]["livenessProbe"]["httpGet"]["port"] = "http"
    assert k8s_validate(rasa)


def test_fast_resolver_agrees_with_the_library(production: List[Doc]) -> None:
    """The faster resolver accepts and refuses what kubernetes-validate's own resolver does."""
    import kubernetes_validate
    import kubernetes_validate.utils

    good = _rasa(production)
    bad = copy.deepcopy(good)
    containers(bad)[0]["livenessProbe"]["httpGet"]["port"] = ["http"]

    def outcome(doc: Doc) -> str:
        try:
            return kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            return f"invalid: {error.message} at {list(error.path)}"

    library = [outcome(good), outcome(bad)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kubernetes_validate.utils.jsonschema, "RefResolver", _PointerResolver)
        fast = [outcome(good), outcome(bad)]
    assert fast == library
    assert library[1].startswith("invalid") and not library[0].startswith("invalid")


# ------------------------------------------------------------------ copies of the Rasa files

def _same_as_cluster(name: str) -> Path:
    """The file the local cluster uses (cluster/NAME when it exists, else the repository's)."""
    cluster = ROOT / "cluster" / name
    return cluster if cluster.exists() else ROOT / name


def test_credentials_copy_matches_the_cluster_file() -> None:
    source = _same_as_cluster("credentials.yml")
    assert yaml.safe_load((BASE / "credentials.yml").read_text()) == yaml.safe_load(source.read_text()), (
        f"deploy/k8s/base/credentials.yml differs from {source.relative_to(ROOT)}: copy it again")


def test_endpoints_copy_matches_the_cluster_file() -> None:
    cluster = ROOT / "cluster" / "endpoints.yml"
    if not cluster.exists():
        pytest.skip("cluster/endpoints.yml does not exist (yet): nothing to compare with")
    assert yaml.safe_load((BASE / "endpoints.yml").read_text()) == yaml.safe_load(cluster.read_text()), (
        "deploy/k8s/base/endpoints.yml and cluster/endpoints.yml must agree (same stores, same variables)")


def test_secret_example_is_outside_every_kustomization_and_holds_placeholders() -> None:
    example = yaml.safe_load((K8S / "secret.example.yaml").read_text())
    assert example["kind"] == "Secret"
    assert all(str(value).startswith(("<", "redis://:<", "postgresql+psycopg2://tickets:<",
                                      "postgresql+psycopg2://rasa:<"))
               for value in example["stringData"].values())
    for kustomization in K8S.rglob("kustomization.yaml"):
        assert "secret.example" not in kustomization.read_text()
    keys = set(example["stringData"])
    for target in TARGETS:
        if not shutil.which("kubectl"):
            break
        for workload in workloads(render(target)):
            for container in all_containers(workload):
                for env in container.get("env") or []:
                    ref = (env.get("valueFrom") or {}).get("secretKeyRef")
                    if ref:
                        assert ref["key"] in keys, f"secret.example.yaml lacks {ref['key']}"


# ------------------------------------------------------------------ settings of each environment

def _config_map_file(docs: List[Doc], name: str, key: str) -> str:
    config_map = next((doc for doc in of_kind(docs, "ConfigMap")
                       if doc["metadata"]["name"].startswith(name + "-") and key in (doc.get("data") or {})),
                      None)
    assert config_map is not None, f"no ConfigMap {name} with {key}"
    return config_map["data"][key]


def test_settings_match_the_environment(docs: List[Doc], tmp_path: Path) -> None:
    """The mounted provider and escalation settings load, and name the hosts the Ingress serves."""
    from escalation.config import parse_config
    from settings import load_settings

    env = {}
    for config_map in of_kind(docs, "ConfigMap"):
        if config_map["metadata"]["name"].startswith("assistant-env-"):
            env = config_map["data"]
    assert env["PROVIDER_SETTINGS"] == "/config/settings/provider.yml"
    assert env["ESCALATION_SETTINGS"] == "/config/settings/escalation.yml"
    for workload in workloads(docs):
        mounts = {mount["mountPath"] for mount in containers(workload)[0].get("volumeMounts") or []}
        assert "/config/settings" in mounts, f"{workload['metadata']['name']} does not mount the settings"

    provider_file = tmp_path / "provider.yml"
    provider_file.write_text(_config_map_file(docs, "assistant-settings", "provider.yml"))
    provider = load_settings(provider_file)
    escalation_text = _config_map_file(docs, "assistant-settings", "escalation.yml")
    assert "dev_default_password" not in escalation_text, "no development password in a cluster"
    escalation = parse_config(yaml.safe_load(escalation_text), {"RASA_URL": env["RASA_URL"]})

    web = named(docs, "Ingress", "assistant-web")["spec"]["rules"][0]["host"]
    socketio = named(docs, "Ingress", "assistant-socketio")["spec"]["rules"][0]["host"]
    console = named(docs, "Ingress", "assistant-console")["spec"]["rules"][0]["host"]
    assert web == socketio, "the widget page and its socket.io share one host (cookie affinity, origin)"
    assert provider.public_url == f"https://{web}"
    assert f"https://{web}" in provider.allowed_origins
    assert not any("127.0.0.1" in origin or "localhost" in origin for origin in provider.allowed_origins)
    assert provider.trusted_proxy_header, "behind the ingress the client address is in a header"
    assert env["WIDGET_SOCKET_URL"] == f"https://{socketio}"
    assert escalation.console.public_url == f"https://{console}"
    assert escalation.console.secure_cookies
    assert escalation.rasa.url == "http://rasa:5005"


# ------------------------------------------------------------------ Dockerfile

def dockerfile_problems(text: str) -> List[str]:
    """Static checks of deploy/Dockerfile."""
    problems = []
    lines = [line.strip() for line in text.replace("\\\n", " ").splitlines()]
    args = dict(re.findall(r"^ARG (\w+)=(\S+)", text, re.MULTILINE))
    stages = [line.split()[1] for line in lines if line.upper().startswith("FROM ")]
    for image in stages:
        image = re.sub(r"\$\{(\w+)\}", lambda match: args.get(match.group(1), match.group(0)), image)
        tag = image.rsplit("/", 1)[-1].partition(":")[2]
        if not re.search(r"\d", tag) or tag == "latest":
            problems.append(f"base image {image} is not pinned to a version tag")
    if not any(image.startswith("python:3.10") for image in args.values()):
        problems.append("the runtime image must be Python 3.10 (Rasa 3.6)")
    final = text[text.upper().rfind("\nFROM "):]
    users = re.findall(r"^USER\s+(\S+)", final, re.MULTILINE)
    if not users:
        problems.append("the final stage sets no USER")
    elif not re.fullmatch(r"[1-9]\d*(:[1-9]\d*)?", users[-1]):
        problems.append(f"USER {users[-1]} must be a numeric non-root uid (runAsNonRoot checks it)")
    for line in lines:
        if re.match(r"^(ENV|ARG)\b", line) and SECRET_NAME.search(line):
            problems.append(f"secret-like variable baked into the image: {line}")
        if URL_CREDENTIALS.search(line):
            problems.append(f"URL with credentials: {line}")
    if "-c constraints.txt" not in text:
        problems.append("requirements must be installed with -c constraints.txt")
    if "scripts/install_spacy_model.py" not in text:
        problems.append("the spaCy model must be installed by scripts/install_spacy_model.py")
    if "tzdata" not in final:
        problems.append("the runtime stage needs tzdata (zoneinfo: office hours in Europe/Rome)")
    if "COPY models/assistant.tar.gz" not in text:
        problems.append("the trained model is not baked in")
    if "supervisor.rasa_run" not in text or re.search(r"\"rasa\",\s*\"run\"", text):
        problems.append("Rasa must start through supervisor.rasa_run")
    return problems


def test_dockerfile() -> None:
    assert dockerfile_problems((DEPLOY / "Dockerfile").read_text()) == []


@pytest.mark.parametrize("old,new", [
    ("USER 10001:10001", "USER root"),
    ("USER 10001:10001", ""),
    ("python:3.10.16-slim-bookworm", "python:latest"),
    ("-c constraints.txt", ""),
    ("ENV PATH=", "ENV DB_PASSWORD=hunter2 PATH="),
    ("COPY models/assistant.tar.gz", "# no model"),
    ("install -y --no-install-recommends tzdata", "install -y"),
])
def test_dockerfile_check_can_fail(old: str, new: str) -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    assert old in text
    assert dockerfile_problems(text.replace(old, new))


def test_dockerignore_keeps_the_context_small_but_has_the_model() -> None:
    lines = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines[0] == "*", "allow-list: exclude everything first (.venv alone is gigabytes)"
    assert "!models/assistant.tar.gz" in lines
    copied = re.findall(r"^COPY (?!--from)(.+) \S+$", (DEPLOY / "Dockerfile").read_text(), re.MULTILINE)
    for sources in copied:
        for source in sources.split():
            assert any(line.lstrip("!").rstrip("/") == source.rstrip("/")
                       or source.startswith(line.lstrip("!").rstrip("/") + "/")
                       for line in lines if line.startswith("!")), f"{source} is excluded by .dockerignore"
