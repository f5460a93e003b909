"""MinIO as the S3 server of the S3 suites (`make test-minio`): the real object store many
teams run, for multipart and listing behaviour checked against a second implementation
besides moto. Started once per session on 127.0.0.1 and a free port, like the moto server;
only S3 is served (the Glue and STS suites need moto).

The binary is built by scripts/install-minio.sh (`go install`, cached under ~/.cache/floe)."""
import os
import pathlib
import shutil

from .net import free_port
from .s3 import ACCESS_KEY, REGION, SECRET_KEY, S3Server, launch_s3_server

MINIO_BIN = pathlib.Path(os.environ.get(
    "FLOE_MINIO_BIN", pathlib.Path.home() / ".cache" / "floe" / "bin" / "minio"))


def start_minio_server(workdir) -> S3Server:
    if not MINIO_BIN.exists():
        raise RuntimeError(f"MinIO not found at {MINIO_BIN}: run scripts/install-minio.sh "
                           "(or make test-minio, which does)")
    data = pathlib.Path(workdir) / "data"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    port, console = free_port(), free_port()
    env = dict(os.environ, MINIO_ROOT_USER=ACCESS_KEY, MINIO_ROOT_PASSWORD=SECRET_KEY,
               MINIO_REGION=REGION, MINIO_BROWSER="off", MINIO_UPDATE="off",
               HOME=str(workdir))
    return launch_s3_server(
        "minio", [str(MINIO_BIN), "server", str(data), "--address", f"127.0.0.1:{port}",
                  "--console-address", f"127.0.0.1:{console}", "--quiet"],
        port, workdir, env)
