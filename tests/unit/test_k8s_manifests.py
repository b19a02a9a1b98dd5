"""deploy/k8s checked without a cluster: built-in kinds against the Kubernetes schemas that
kubernetes-validate ships, the operators' resources for the fields they require, and the
manifests against the code (every service deployed, every topic declared)."""

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from deploy.local.services import SERVICES
from shared.events.topics import Topics, dead_letter_topic

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
KUBERNETES = "1.33.0"
BUILT_IN = {"Namespace", "ConfigMap", "Deployment", "Service"}
# What each operator refuses a resource without (Strimzi 0.45, MongoDB Community 0.12).
REQUIRED = {
    "Kafka": [("spec", "kafka", "listeners")],
    "KafkaNodePool": [("spec", "replicas"), ("spec", "roles"), ("spec", "storage", "type")],
    "KafkaTopic": [("spec", "partitions"), ("spec", "replicas")],
    "MongoDBCommunity": [("spec", "members"), ("spec", "type"), ("spec", "version")],
}


def documents():
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    for name in kustomization["resources"]:
        yield from (doc for doc in yaml.safe_load_all((K8S / name).read_text()) if doc)


DOCS = list(documents())


def by_kind(kind):
    return [doc for doc in DOCS if doc["kind"] == kind]


def test_the_schema_check_refuses_what_kubernetes_would():
    deployment = by_kind("Deployment")[0]
    broken = {**deployment, "spec": {**deployment["spec"], "replica": 2}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES, strict=True)


def test_every_file_is_listed_in_the_kustomization():
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    assert listed == {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}


@pytest.mark.parametrize(
    "doc",
    [d for d in DOCS if d["kind"] in BUILT_IN],
    ids=lambda d: f"{d['kind']}/{d['metadata']['name']}",
)
def test_built_in_resources_match_the_kubernetes_schema(doc):
    kubernetes_validate.validate(doc, KUBERNETES, strict=True)


@pytest.mark.parametrize(
    "doc",
    [d for d in DOCS if d["kind"] not in BUILT_IN],
    ids=lambda d: f"{d['kind']}/{d['metadata']['name']}",
)
def test_operator_resources_have_what_their_operator_requires(doc):
    assert doc["kind"] in REQUIRED, f"unknown kind {doc['kind']}"
    assert doc["apiVersion"]
    assert doc["metadata"]["namespace"] == "ticketflow"
    for path in REQUIRED[doc["kind"]]:
        node = doc
        for key in path:
            assert key in node, f"{doc['kind']}/{doc['metadata']['name']} lacks {'.'.join(path)}"
            node = node[key]


def test_every_service_is_deployed_with_health_probes_and_a_unique_replica_id():
    deployments = {d["metadata"]["name"]: d for d in by_kind("Deployment")}
    assert set(deployments) == set(SERVICES)
    for deployment in deployments.values():
        [container] = deployment["spec"]["template"]["spec"]["containers"]
        assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
        assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
        env = {e["name"]: e for e in container["env"]}
        assert env["TICKETFLOW_REPLICA_ID"]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.name"


def test_every_topic_and_its_dead_letter_topic_is_declared_replicated():
    topics = Topics("ticketflow")
    names = [getattr(topics, n) for n in dir(Topics) if isinstance(getattr(Topics, n), property)]
    wanted = {
        t for n in names if n != topics.dead_letter_actions for t in (n, dead_letter_topic(n))
    }
    declared = {d["spec"]["topicName"]: d["spec"] for d in by_kind("KafkaTopic")}
    assert wanted | {topics.dead_letter_actions} == set(declared)
    assert {(s["replicas"], s["config"]["min.insync.replicas"]) for s in declared.values()} == {
        (3, 2)
    }
    config = by_kind("ConfigMap")[0]["data"]
    assert (
        config["TICKETFLOW_TOPIC_REPLICATION_FACTOR"],
        config["TICKETFLOW_TOPIC_MIN_INSYNC_REPLICAS"],
    ) == ("3", "2")
