"""`floe update`: "UPDATE employees SET salary = salary * 1.1 WHERE department = 'IT'" and
friends, copy-on-write and merge-on-read, read back identically by floe, PyIceberg and DuckDB
against an expectation computed here in Python."""
import datetime as dt
import decimal
import json
import random

import pytest

from row_level_readers import assert_readers_agree

SCHEMA = ("id long not null, name string, department string, salary double, "
          "bonus decimal(10, 2), hired date, level int")
DEPARTMENTS = ["IT", "HR", "Sales", None]


def make_rows(start, count, seed):
    rnd = random.Random(seed)
    rows = []
    for i in range(start, start + count):
        rows.append({
            "id": i,
            "name": None if i % 13 == 0 else f" Emp{i} ",
            "department": rnd.choice(DEPARTMENTS),
            "salary": None if i % 17 == 0 else float(rnd.randint(30_000, 90_000)),
            "bonus": decimal.Decimal(rnd.randint(0, 500_000)) / 100,
            "hired": dt.date(2020, 1, 1) + dt.timedelta(days=rnd.randint(0, 1500)),
            "level": None if i % 19 == 0 else rnd.randint(1, 5),
        })
    return rows


def write_jsonl(path, rows):
    with open(path, "w") as out:
        for r in rows:
            out.write(json.dumps({**r, "bonus": str(r["bonus"]), "hired": r["hired"].isoformat()})
                      + "\n")
    return path


def half_up(value, places="0.01"):
    return value.quantize(decimal.Decimal(places), rounding=decimal.ROUND_HALF_UP)


@pytest.fixture(params=["copy-on-write", "merge-on-read"])
def employees(request, floe, tmp_path):
    mode = request.param
    floe.run("namespace", "create", "hr")
    floe.run("table", "create", "hr.employees", "--schema", SCHEMA, "--partition-by",
             "department", "--property", f"write.update.mode={mode}")
    rows = make_rows(0, 400, 1) + make_rows(400, 300, 2)
    floe.run("append", "hr.employees", write_jsonl(tmp_path / "a.jsonl", rows[:400]))
    floe.run("append", "hr.employees", write_jsonl(tmp_path / "b.jsonl", rows[400:]))
    return mode, rows


def test_raise_it_salaries_reads_identically(floe, employees, pyiceberg_catalog, duck):
    mode, rows = employees
    out = floe.json("update", "hr.employees", "--set", "salary = salary * 1.1",
                    "--where", "department = 'IT'")
    expected = [dict(r, salary=r["salary"] * 1.1 if r["department"] == "IT" and
                     r["salary"] is not None else r["salary"]) for r in rows]
    it_rows = sum(1 for r in rows if r["department"] == "IT")
    assert out["rows_updated"] == it_rows
    assert out["mode"] == mode
    assert out["snapshot_id"] is not None
    assert_readers_agree(floe, pyiceberg_catalog, duck, "hr.employees", expected)

    table = pyiceberg_catalog.load_table("hr.employees")
    summary = table.current_snapshot().summary
    assert summary.operation.value == "overwrite"
    if mode == "merge-on-read":
        # Old rows are deleted by position; only new files are added.
        assert int(summary["added-position-deletes"]) == it_rows
        assert int(summary["added-delete-files"]) == out["delete_files_added"] >= 1
        assert int(summary.get("deleted-data-files") or 0) == 0
    else:
        assert int(summary["deleted-data-files"]) == out["data_files_removed"] >= 1
        assert int(summary.get("added-delete-files") or 0) == 0
    # Partitions without IT rows were not touched: their files are still the appended ones.
    files = table.inspect.files().to_pylist()
    assert {f["partition"]["department"] for f in files if f["content"] == 0} == set(DEPARTMENTS)


def test_expressions_see_the_old_row_and_follow_sql_nulls(floe, employees, pyiceberg_catalog, duck):
    _, rows = employees
    floe.run("update", "hr.employees", "--set",
             "name = upper(trim(coalesce(name, 'unknown'))), "
             "level = CASE WHEN level >= 4 THEN level + 1 WHEN level IS NULL THEN 0 ELSE level END, "
             "bonus = bonus * 1.075, salary = nullif(salary, 50000), hired = '2024-01-01'",
             "--where", "department IN ('HR', 'Sales') AND id < 500")
    expected = []
    for r in rows:
        if r["department"] in ("HR", "Sales") and r["id"] < 500:
            level = r["level"]
            r = dict(r,
                     name=(r["name"] or "unknown").strip().upper(),
                     level=0 if level is None else level + 1 if level >= 4 else level,
                     bonus=half_up(r["bonus"] * decimal.Decimal("1.075")),
                     salary=None if r["salary"] == 50000 else r["salary"],
                     hired=dt.date(2024, 1, 1))
        expected.append(r)
    assert_readers_agree(floe, pyiceberg_catalog, duck, "hr.employees", expected)

    # A second update on top of the first (for merge-on-read: deletes on deletes).
    out = floe.json("update", "hr.employees", "--set", "level = level * 10", "--where",
                    "level > 4")
    matching = [r["id"] for r in expected if r["level"] is not None and r["level"] > 4]
    assert matching and out["rows_updated"] == len(matching)
    expected = [dict(r, level=r["level"] * 10) if r["id"] in matching else r for r in expected]
    assert_readers_agree(floe, pyiceberg_catalog, duck, "hr.employees", expected)


def test_update_without_matches_commits_nothing(floe, employees, pyiceberg_catalog):
    before = len(pyiceberg_catalog.load_table("hr.employees").snapshots())
    out = floe.json("update", "hr.employees", "--set", "salary = 0", "--where", "id > 100000")
    assert out["rows_updated"] == 0 and out["snapshot_id"] is None
    assert len(pyiceberg_catalog.load_table("hr.employees").snapshots()) == before


def test_bad_assignments_fail_clearly_and_change_nothing(floe, employees, pyiceberg_catalog):
    _, rows = employees
    before = pyiceberg_catalog.load_table("hr.employees").current_snapshot().snapshot_id
    cases = [
        ("level = salary / 3", "cannot store the value in column 'level' of type int"),
        ("id = NULL", "column 'id' is required"),
        ("hired = 'someday'", "'someday' is not a date value"),
        ("nope = 1", "no column 'nope'"),
        ("salary = salary *", "at position 18"),
        ("salary = frob(salary)", "unknown function 'frob'"),
    ]
    for assignment, message in cases:
        proc = floe.run("update", "hr.employees", "--set", assignment, check=False)
        assert proc.returncode != 0, assignment
        assert message in proc.stderr, (assignment, proc.stderr)
    assert pyiceberg_catalog.load_table("hr.employees").current_snapshot().snapshot_id == before


def test_spark_reads_floe_updates(floe, employees, warehouse, spark, pyiceberg_catalog):
    from servers.spark import as_multiset, spark_catalog, spark_multiset

    mode, rows = employees
    floe.run("update", "hr.employees", "--set", "salary = salary * 1.1, level = coalesce(level, 0)",
             "--where", "department = 'IT'")
    expected = [dict(r, salary=r["salary"] * 1.1 if r["salary"] is not None else None,
                     level=r["level"] if r["level"] is not None else 0)
                if r["department"] == "IT" else r for r in rows]
    cat = spark_catalog(spark, warehouse)
    columns = list(rows[0])
    assert spark_multiset(spark, f"{cat}.hr.employees", columns) == as_multiset(expected, columns)
