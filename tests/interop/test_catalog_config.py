"""Catalogs configured the PyIceberg way: one `.pyiceberg.yaml` (or PYICEBERG_CATALOG__* variables)
serves floe and PyIceberg alike, and `floe catalog list|show` never prints a secret."""
import json
import os
import subprocess

import pytest

from conftest import floe_bin_path


def run_floe(*args, env, check=True):
    proc = subprocess.run([floe_bin_path(), *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=120)
    if check and proc.returncode != 0:
        raise AssertionError(f"floe {' '.join(map(str, args))} exited {proc.returncode}\n"
                             f"stdout:{proc.stdout}\nstderr:{proc.stderr}")
    return proc


@pytest.fixture
def config_home(tmp_path):
    """A home folder of its own, so no developer's ~/.pyiceberg.yaml leaks in."""
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("PYICEBERG_")}
    env["HOME"] = str(home)
    env.pop("FLOE_WAREHOUSE", None)
    return home, env


def test_floe_and_pyiceberg_share_one_yaml_file(tmp_path, config_home, monkeypatch):
    home, env = config_home
    wh = tmp_path / "lake"
    wh.mkdir()
    (home / ".pyiceberg.yaml").write_text(
        "default-catalog: lake\n"
        "catalog:\n"
        "  lake:\n"
        "    type: sql\n"
        f"    uri: sqlite:///{wh}/catalog.db\n"
        f"    warehouse: file://{wh}\n")
    # No --catalog, no --warehouse: default-catalog picks the configured SQL catalog.
    run_floe("namespace", "create", "logs", env=env)
    run_floe("table", "create", "logs.events", "--schema", "id long, msg string", env=env)
    rows = tmp_path / "rows.jsonl"
    rows.write_text("".join(json.dumps({"id": i, "msg": f"m{i}"}) + "\n" for i in range(5)))
    run_floe("append", "logs.events", rows, env=env)
    assert not (tmp_path / "warehouse").exists() and not (home / "warehouse").exists()
    assert (wh / "catalog.db").exists()

    monkeypatch.setenv("HOME", str(home))
    for key in list(os.environ):
        if key.upper().startswith("PYICEBERG_"):
            monkeypatch.delenv(key)
    from pyiceberg.catalog import load_catalog
    from pyiceberg.utils import config as pyiceberg_config
    # PyIceberg reads its configuration once at import: read it again under this home.
    monkeypatch.setattr("pyiceberg.catalog._ENV_CONFIG", pyiceberg_config.Config())
    table = load_catalog("lake").load_table("logs.events")
    got = sorted(table.scan().to_arrow().to_pylist(), key=lambda r: r["id"])
    assert got == [{"id": i, "msg": f"m{i}"} for i in range(5)]


def test_environment_variables_configure_a_catalog(tmp_path, config_home):
    _, env = config_home
    wh = tmp_path / "envlake"
    env["PYICEBERG_CATALOG__ENV_LAKE__URI"] = f"sqlite:///{wh}/catalog.db"
    env["PYICEBERG_CATALOG__ENV_LAKE__WAREHOUSE"] = str(wh)
    run_floe("--catalog", "env-lake", "namespace", "create", "n", env=env)
    assert (wh / "catalog.db").exists()
    listed = json.loads(run_floe("catalog", "list", "--json", env=env).stdout)
    assert [c["name"] for c in listed["catalogs"]] == ["env-lake"]
    assert listed["catalogs"][0]["type"] == "sql"
    assert json.loads(run_floe("--catalog", "env-lake", "namespace", "list", "--json",
                               env=env).stdout) == ["n"]


def test_unconfigured_names_are_the_embedded_catalog(tmp_path, config_home):
    _, env = config_home
    wh = tmp_path / "embedded"
    run_floe("--warehouse", wh, "namespace", "create", "e", env=env)
    assert (wh / "catalog.db").exists()
    out = run_floe("catalog", "list", env=env).stdout
    assert "no .pyiceberg.yaml found" in out and "embedded SQLite catalog" in out


def test_catalog_show_masks_secrets(config_home):
    home, env = config_home
    (home / ".pyiceberg.yaml").write_text(
        "catalog:\n"
        "  prod:\n"
        "    uri: https://catalog.example.com/api\n"
        "    credential: client-id:Very-Secret-Value\n"
        "    s3.secret-access-key: Another-Secret\n"
        "    s3.access-key-id: AKIDVISIBLE\n")
    env["PYICEBERG_CATALOG__PROD__TOKEN"] = "Token-Secret"
    for args in (["catalog", "show", "prod"], ["catalog", "show", "prod", "--json"],
                 ["catalog", "list"], ["catalog", "list", "--json"]):
        proc = run_floe(*args, env=env)
        for secret in ("Very-Secret-Value", "Another-Secret", "Token-Secret"):
            assert secret not in proc.stdout + proc.stderr, (args, proc.stdout)
    shown = json.loads(run_floe("catalog", "show", "prod", "--json", env=env).stdout)
    assert shown["type"] == "rest"
    assert shown["properties"]["credential"] == "********"
    assert shown["properties"]["token"] == "********"
    assert shown["properties"]["s3.access-key-id"] == "AKIDVISIBLE"


def test_configuration_errors_are_named(config_home):
    home, env = config_home
    (home / ".pyiceberg.yaml").write_text("catalog:\n  bad: [1, 2]\n")
    proc = run_floe("namespace", "list", env=env, check=False)
    assert proc.returncode == 1
    assert ".pyiceberg.yaml" in proc.stderr
    (home / ".pyiceberg.yaml").write_text("catalog:\n  good: {uri: 'sqlite:////tmp/x.db'}\n")
    missing = run_floe("catalog", "show", "nope", env=env, check=False)
    assert missing.returncode == 1 and "no catalog 'nope'" in missing.stderr


def test_the_old_jobs_environment_picks_table_warehouse_and_catalog(tmp_path, config_home):
    """The variables of the job floe replaces: ICEBERG_DATABASE + ICEBERG_TABLE, ICEBERG_WAREHOUSE,
    ICEBERG_CATALOG_TYPE (sql here; glue is tested with the Glue catalog)."""
    _, env = config_home
    corpus = tmp_path / "corpus"
    run_floe("gen", corpus, "--apps", "2", "--executors", "1", "--records", "20", env=env)
    wh = tmp_path / "old-job-wh"
    env.update({"ICEBERG_DATABASE": "spark", "ICEBERG_TABLE": "logs",
                "ICEBERG_WAREHOUSE": str(wh), "ICEBERG_CATALOG_TYPE": "sql"})
    run_floe("ingest", corpus, env=env)
    assert (wh / "catalog.db").exists()
    tables = json.loads(run_floe("--warehouse", wh, "table", "list", "spark", "--json",
                                 env=env).stdout)
    assert "spark.logs" in tables
    env["ICEBERG_CATALOG_TYPE"] = "hive"
    wrong = run_floe("ingest", corpus, env=env, check=False)
    assert wrong.returncode == 2 and "ICEBERG_CATALOG_TYPE=hive" in wrong.stderr
