"""Running floe against an S3 warehouse or source on the test S3 server."""
import json
import subprocess

from conftest import floe_bin_path


class S3Floe:
    """floe with a warehouse (local or `s3://…`), a local SQLite catalog file, and the S3
    server's properties as global `--catalog-property` options."""

    def __init__(self, s3_server, warehouse, catalog_db, endpoint=None, extra_properties=()):
        self.bin = floe_bin_path()
        self.s3 = s3_server
        self.warehouse = str(warehouse)
        self.catalog_db = str(catalog_db)
        self.endpoint = endpoint or s3_server.endpoint
        self.extra = list(extra_properties)

    def args(self, *args):
        return [self.bin, "--warehouse", self.warehouse, "--catalog-uri", self.catalog_db,
                *self.s3.floe_property_args(self.endpoint), *self.extra, *map(str, args)]

    def run(self, *args, check=True, env=None, timeout=300):
        cmd = self.args(*args)
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
        if check and proc.returncode != 0:
            raise AssertionError(f"{' '.join(cmd)} exited {proc.returncode}\n"
                                 f"stdout:{proc.stdout}\nstderr:{proc.stderr}")
        return proc

    def scan_rows(self, table, *args):
        out = self.run("scan", table, "--format", "jsonl", *args).stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]


def pyiceberg_catalog(s3_server, warehouse, catalog_db, endpoint=None):
    """PyIceberg's SqlCatalog on the same SQLite file, reading S3 through its pyarrow FileIO."""
    from pyiceberg.catalog.sql import SqlCatalog

    props = s3_server.properties(endpoint)
    props["py-io-impl"] = "pyiceberg.io.pyarrow.PyArrowFileIO"
    return SqlCatalog("default", uri=f"sqlite:///{catalog_db}", warehouse=str(warehouse), **props)
