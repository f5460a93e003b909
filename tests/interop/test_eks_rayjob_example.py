"""The KubeRay example (examples/kubernetes/floe-ingest-rayjob.yaml) run as its job would run:
the RayJob's entrypoint with the environment of its runtime env (the old job's variables, with
the test's buckets, warehouse and region) plus what EKS injects into every pod — the Pod
Identity variables, here a loopback credentials endpoint — and the local AWS server (moto: S3,
Glue). The job starts a Ray cluster of its own on loopback, as `ray job submit` would find one;
its worker processes, like the worker pods, have the same environment and no keys. PyIceberg's
Glue catalog then reads exactly the expected rows, from one snapshot, after two runs."""
import json
import shlex
import subprocess
import sys

import pytest
import yaml

from conftest import ROOT
from eks_example import POD_TOKEN, SESSION_TOKEN, assert_glue_table_exact, stage_pod

pytest.importorskip("ray", reason="Ray is installed by requirements-dev.txt")

MANIFEST = ROOT / "examples" / "kubernetes" / "floe-ingest-rayjob.yaml"


def ray_job_of(manifest_path):
    docs = [d for d in yaml.safe_load_all(manifest_path.read_text()) if d]
    job = next(d for d in docs if d["kind"] == "RayJob")
    accounts = [d["metadata"]["name"] for d in docs if d["kind"] == "ServiceAccount"]
    cluster = job["spec"]["rayClusterSpec"]
    pods = [cluster["headGroupSpec"]["template"]["spec"]] + [
        group["template"]["spec"] for group in cluster["workerGroupSpecs"]]
    # Head and workers alike read S3 and write the warehouse with the role's credentials.
    assert all(pod["serviceAccountName"] in accounts for pod in pods)
    return job["spec"]


def test_the_rayjob_example_ingests_with_pod_identity(s3_server, pod_identity_agent,
                                                      tmp_path):
    spec = ray_job_of(MANIFEST)
    env_of_manifest = yaml.safe_load(spec["runtimeEnvYAML"])["env_vars"]
    agent = pod_identity_agent
    corpus, env, lake_bucket = stage_pod(s3_server, agent, tmp_path, env_of_manifest)
    env.update({
        "RAY_ADDRESS": "local",  # a cluster of the job's own, as a submitted job has one
        # Ray's switch for a single-machine cluster: every process on loopback.
        "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
        "RAY_USAGE_STATS_ENABLED": "0",
    })
    command = shlex.split(spec["entrypoint"])
    assert command[:3] == ["python", "-m", "floe.ray"]
    command[0] = sys.executable
    for run in range(2):
        proc = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path,
                              timeout=600)
        assert proc.returncode == 0, proc.stderr[-4000:]
        report = json.loads(proc.stdout)
        assert [f["status"] for f in report["folders"]] == (["SUCCESS"] * 3 if run == 0 else [])
        assert report["commits"] == (3 if run == 0 else 0)
        for secret in (s3_server.secret_key, SESSION_TOKEN, POD_TOKEN):
            assert secret not in proc.stdout + proc.stderr
    assert agent.served > 0 and agent.refused == 0, (agent.served, agent.refused)
    assert_glue_table_exact(s3_server, corpus, env_of_manifest, lake_bucket)
