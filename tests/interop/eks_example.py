"""What the tests of the EKS examples share: a loopback stand-in for the EKS Pod Identity
agent, a pod's environment as EKS would give it (the manifest's variables with the test's
buckets, the Pod Identity variables, the local AWS endpoint; no keys), and the check of the
Glue table the example's job wrote."""
import http.server
import json
import os
import subprocess
import threading

from conftest import floe_bin_path, require_built
from spark_tables import assert_exact

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



def stage_pod(s3_server, agent, tmp_path, env_of_manifest):
    """Uploads a generated corpus to a fresh log bucket below the manifest's S3_PREFIX and
    returns (corpus, the pod's environment, the lake bucket)."""
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
           if not k.startswith(("AWS_", "PYICEBERG_", "ICEBERG_", "S3_", "FLOE_", "RAY_"))}
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
    return corpus, env, lake_bucket


def assert_glue_table_exact(s3_server, corpus, env_of_manifest, lake_bucket):
    """PyIceberg's Glue catalog reads exactly the corpus's rows from the example's table, one
    snapshot in S3 below the lake bucket's warehouse; the database is dropped afterwards."""
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
