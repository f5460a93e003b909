"""Two processes appending to one table at once: every commit lands."""
import json
import subprocess


def test_two_processes_fifty_appends_each_all_land(floe, tmp_path, pyiceberg_catalog):
    floe.run("namespace", "create", "c")
    floe.run("table", "create", "c.t", "--schema", "id long not null, writer string",
             "--partition-by", "identity(writer)")
    scripts = []
    for writer in ("a", "b"):
        for i in range(50):
            (tmp_path / f"{writer}{i}.jsonl").write_text(
                json.dumps({"id": i, "writer": writer}) + "\n")
        lines = [f'"{floe.bin}" append c.t "{tmp_path}/{writer}{i}.jsonl" '
                 f'--warehouse "{floe.warehouse}" >/dev/null || exit 1' for i in range(50)]
        script = tmp_path / f"{writer}.sh"
        script.write_text("set -e\n" + "\n".join(lines) + "\n")
        scripts.append(script)
    procs = [subprocess.Popen(["bash", str(s)], stderr=subprocess.PIPE, text=True) for s in scripts]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
    table = pyiceberg_catalog.load_table("c.t")
    assert len(table.snapshots()) == 100
    rows = table.scan().to_arrow().to_pylist()
    assert sorted((r["writer"], r["id"]) for r in rows) == sorted(
        (w, i) for w in "ab" for i in range(50))
    # The snapshot chain is linear: each parent is the previous snapshot.
    snaps = table.snapshots()
    for parent, child in zip(snaps, snaps[1:]):
        assert child.parent_snapshot_id == parent.snapshot_id
        assert child.sequence_number == parent.sequence_number + 1
