"""The EKS deployment example (examples/kubernetes/floe-ingest-cronjob.yaml) run as the pod would
run it: the container's args and environment from the manifest, with only the bucket names, the
warehouse and the region swapped for the test's, plus what EKS itself injects — the Pod Identity
variables, here pointing at a loopback credentials endpoint that checks the pod's token as the
EKS agent does — and the endpoint of the local AWS server (moto: S3, Glue). No keys anywhere in
the environment: Glue (floe's credential chain) and S3 (the AWS SDK's) must both get theirs from
the Pod Identity endpoint. PyIceberg's Glue catalog then reads exactly the expected rows."""
import http.server
import json
import os
import pathlib
import subprocess
import threading

import pytest
import yaml

from conftest import ROOT, floe_bin_path, require_built
from spark_tables import assert_exact

MANIFEST = ROOT / "examples" / "kubernetes" / "floe-ingest-cronjob.yaml"
POD_TOKEN = "eks-pod-identity-token-for-the-test"
SESSION_TOKEN = "pod-identity-session-token-0123456789"


class PodIdentityAgent:
    """A loopback stand-in for the EKS Pod Identity agent's credentials endpoint: answers
    GET /v1/credentials with temporary credentials when the Authorization header carries the
    pod's token, 401 otherwise, and counts both."""

    def __init__(self, access_key, secret_key):
        agent = self
        self.served = 0
        self.refused = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path != "/v1/credentials" or self.headers.get("Authorization") != POD_TOKEN:
                    agent.refused += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                agent.served += 1
                body = json.dumps({"AccessKeyId": access_key, "SecretAccessKey": secret_key,
                                   "Token": SESSION_TOKEN,
                                   "AccountId": "123456789012",
                                   "Expiration": "2099-01-01T00:00:00Z"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1/credentials"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def agent(s3_server):
    a = PodIdentityAgent(s3_server.access_key, s3_server.secret_key)
    yield a
    a.close()


def container_of(manifest_path: pathlib.Path) -> dict:
    docs = list(yaml.safe_load_all(manifest_path.read_text()))
    cron = next(d for d in docs if d and d.get("kind") == "CronJob")
    pod = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] in [d["metadata"]["name"] for d in docs
                                         if d and d.get("kind") == "ServiceAccount"]
    (container,) = pod["containers"]
    return container


def test_the_cronjob_example_ingests_with_pod_identity(s3_server, agent, tmp_path):
    container = container_of(MANIFEST)
    env_of_manifest = {e["name"]: e["value"] for e in container["env"]}
    # Nothing secret is in the manifest.
    assert not any(k.startswith("AWS_ACCESS") or "SECRET" in k for k in env_of_manifest)

    logs_bucket, lake_bucket = s3_server.make_bucket("logs"), s3_server.make_bucket("lake")
    corpus = tmp_path / "corpus"
    floe = require_built(floe_bin_path(), "the floe binary")
    gen = subprocess.run([floe, "gen", str(corpus), "--seed", "9", "--apps", "3", "--records",
                          "600", "--bad-rate", "0.05", "--gzip-share", "0.3"],
                         capture_output=True, text=True)
    assert gen.returncode == 0, gen.stderr
    s3 = s3_server.boto3_client("s3")
    prefix = env_of_manifest["S3_PREFIX"]
    for path in sorted(corpus.rglob("*")):
        if path.is_file():
            s3.upload_file(str(path), logs_bucket, prefix + str(path.relative_to(corpus)))

    token_file = tmp_path / "eks-pod-identity-token"
    token_file.write_text(POD_TOKEN)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "PYICEBERG_", "ICEBERG_", "S3_", "FLOE_"))}
    env["HOME"] = str(tmp_path)  # no ~/.aws, no ~/.pyiceberg.yaml
    env.update(env_of_manifest)
    env.update({
        "S3_BUCKET": logs_bucket,
        "ICEBERG_WAREHOUSE": f"s3://{lake_bucket}/warehouse",
        "AWS_REGION": s3_server.region,
        # What EKS injects into the pod.
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": agent.url,
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": str(token_file),
        # Where AWS is, on this machine.
        "AWS_ENDPOINT_URL": s3_server.endpoint,
        "AWS_EC2_METADATA_DISABLED": "true",
    })
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

    from pyiceberg.catalog.glue import GlueCatalog
    glue = GlueCatalog("prod", **{"glue.endpoint": s3_server.endpoint,
                                  "glue.region": s3_server.region,
                                  "glue.access-key-id": s3_server.access_key,
                                  "glue.secret-access-key": s3_server.secret_key,
                                  **s3_server.properties()})
    table = f"{env_of_manifest['ICEBERG_DATABASE']}.{env_of_manifest['ICEBERG_TABLE']}"
    assert glue.load_table(table).metadata_location.startswith(f"s3://{lake_bucket}/warehouse/")
    assert_exact(glue, corpus, table)
    assert len(glue.load_table(table).snapshots()) == 1
    s3_server.boto3_client("glue").delete_database(Name=env_of_manifest["ICEBERG_DATABASE"])
