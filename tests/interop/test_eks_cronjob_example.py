"""The EKS deployment example (examples/kubernetes/floe-ingest-cronjob.yaml) run as the pod would
run it: the container's args and environment from the manifest, with only the bucket names, the
warehouse and the region swapped for the test's, plus what EKS itself injects — the Pod Identity
variables, here pointing at a loopback credentials endpoint that checks the pod's token as the
EKS agent does — and the endpoint of the local AWS server (moto: S3, Glue). No keys anywhere in
the environment: Glue (floe's credential chain) and S3 (the AWS SDK's) must both get theirs from
the Pod Identity endpoint. PyIceberg's Glue catalog then reads exactly the expected rows."""
import json
import pathlib
import subprocess

import yaml

from conftest import ROOT, floe_bin_path, require_built
from eks_example import POD_TOKEN, SESSION_TOKEN, assert_glue_table_exact, stage_pod

MANIFEST = ROOT / "examples" / "kubernetes" / "floe-ingest-cronjob.yaml"


def container_of(manifest_path: pathlib.Path) -> dict:
    docs = list(yaml.safe_load_all(manifest_path.read_text()))
    cron = next(d for d in docs if d and d.get("kind") == "CronJob")
    pod = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] in [d["metadata"]["name"] for d in docs
                                         if d and d.get("kind") == "ServiceAccount"]
    (container,) = pod["containers"]
    return container


def test_the_cronjob_example_ingests_with_pod_identity(s3_server, pod_identity_agent,
                                                       tmp_path):
    container = container_of(MANIFEST)
    env_of_manifest = {e["name"]: e["value"] for e in container["env"]}
    agent = pod_identity_agent
    corpus, env, lake_bucket = stage_pod(s3_server, agent, tmp_path, env_of_manifest)
    floe = require_built(floe_bin_path(), "the floe binary")
    cwd = tmp_path / "pod"
    cwd.mkdir()
    for run in range(2):
        proc = subprocess.run([floe, *container["args"]], capture_output=True, text=True,
                              env=env, cwd=cwd, timeout=300)
        assert proc.returncode == 0, proc.stderr
        summary = json.loads(proc.stdout)
        assert summary["failed_folders"] == []
        assert len(summary["successful_folders"]) == (3 if run == 0 else 0)
        for secret in (s3_server.secret_key, SESSION_TOKEN, POD_TOKEN):
            assert secret not in proc.stdout + proc.stderr
    # One fetch by floe's chain (Glue), one by the AWS SDK's (S3), per run.
    assert agent.served >= 4 and agent.refused == 0, (agent.served, agent.refused)
    assert list(cwd.iterdir()) == []  # everything went to S3 and Glue, nothing local

    assert_glue_table_exact(s3_server, corpus, env_of_manifest, lake_bucket)
