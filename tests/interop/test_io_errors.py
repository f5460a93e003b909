"""A full disk and a read-only file system under a table: `floe table create`, `floe append` and
`floe ingest` exit 1 with one message that names the file or folder, the table and the OS
reason, and leave nothing half-written — PyIceberg still reads the table as it was.

The table folders live on a small tmpfs mounted at <warehouse>/ns.db (the catalog file stays on
the real disk), filled to the last page or remounted read-only. Mounting needs root."""
import os
import pathlib
import re
import subprocess

import pytest

NO_SPACE = "No space left on device"
READ_ONLY = "Read-only file system"
SCHEMA = "id long, name string"


def files_below(folder: pathlib.Path) -> set:
    return {os.path.join(root, name) for root, _, names in os.walk(folder) for name in names}


class Mount:
    """A tmpfs at a folder, unmounted when the test ends."""

    def __init__(self, path: pathlib.Path, size: str):
        if os.geteuid() != 0:
            pytest.skip(f"mounting a tmpfs to fill or write-protect a warehouse needs root "
                        f"(running as uid {os.geteuid()})")
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._run("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path))
        self.mounted = True

    @staticmethod
    def _run(*cmd):
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            pytest.fail(f"{' '.join(cmd)} failed as root: {proc.stderr.strip()}")

    def fill(self):
        """Takes every free page: the next new file cannot get one."""
        chunk = 1 << 16
        with open(self.path / "filler", "wb", buffering=0) as f:
            while chunk >= 1:
                try:
                    f.write(b"\0" * chunk)
                except OSError as e:
                    assert e.errno == 28, e
                    chunk //= 2
        probe = self.path / "probe"
        with pytest.raises(OSError):
            with open(probe, "wb", buffering=0) as f:
                f.write(b"x")
        probe.unlink(missing_ok=True)

    def make_read_only(self):
        self._run("mount", "-o", "remount,ro", str(self.path))

    def unmount(self):
        if self.mounted:
            self._run("umount", str(self.path))
            self.mounted = False


@pytest.fixture
def table_disk(warehouse):
    """The namespace's folder, where ns.t and its siblings live."""
    mount = Mount(warehouse / "ns.db", "16m")
    yield mount
    mount.unmount()


@pytest.fixture
def data_table_disk(warehouse):
    """The folder of ns.t alone: the ingest's rejects and processing-metadata tables beside it
    stay writable, so the run can record its failed folders."""
    mount = Mount(warehouse / "ns.db" / "t", "16m")
    yield mount
    mount.unmount()


def break_disk(mount, kind):
    if kind == "full":
        mount.fill()
        return NO_SPACE
    mount.make_read_only()
    return READ_ONLY


def assert_clear_failure(proc, reason, table_location):
    """Exit 1 and a last stderr line naming table ns.t, a path in its folder, and the reason."""
    assert proc.returncode == 1, proc.stdout + proc.stderr
    message = proc.stderr.strip().splitlines()[-1]
    assert message.startswith("floe: "), proc.stderr
    assert re.search(r"\bns\.t\b", message), message
    assert reason in message, message
    assert str(table_location) + "/" in message, message


def write_rows(path, first, n):
    path.write_text("".join(f'{{"id": {i}, "name": "n{i}"}}\n' for i in range(first, first + n)))
    return path


def app_folders(corpus: pathlib.Path):
    return [f for f in corpus.glob("spark-*") if f.is_dir()]


KINDS = ["full", "read-only"]


@pytest.mark.parametrize("kind", KINDS)
def test_table_create(floe, pyiceberg_catalog, table_disk, kind):
    floe.run("namespace", "create", "ns")
    reason = break_disk(table_disk, kind)
    before = files_below(table_disk.path)

    proc = floe.run("table", "create", "ns.t", "--schema", SCHEMA, check=False)

    assert_clear_failure(proc, reason, table_disk.path / "t")
    assert pyiceberg_catalog.list_tables("ns") == []
    assert files_below(table_disk.path) == before


@pytest.mark.parametrize("kind", KINDS)
def test_append(floe, pyiceberg_catalog, table_disk, tmp_path, kind):
    floe.run("namespace", "create", "ns")
    floe.run("table", "create", "ns.t", "--schema", SCHEMA)
    floe.run("append", "ns.t", write_rows(tmp_path / "first.jsonl", 0, 100))
    table_location = table_disk.path / "t"
    before = files_below(table_location)
    reason = break_disk(table_disk, kind)

    proc = floe.run("append", "ns.t", write_rows(tmp_path / "second.jsonl", 100, 100),
                    check=False)

    assert_clear_failure(proc, reason, table_location)
    assert files_below(table_location) == before
    rows = pyiceberg_catalog.load_table("ns.t").scan().to_arrow()
    assert sorted(rows["id"].to_pylist()) == list(range(100))


@pytest.mark.parametrize("kind", KINDS)
def test_ingest(floe, pyiceberg_catalog, data_table_disk, tmp_path, kind):
    source = tmp_path / "logs"
    floe.run("gen", source, "--seed", "3", "--apps", "2", "--records", "400")
    floe.run("ingest", source, "--table", "ns.t")
    counts = {t: pyiceberg_catalog.load_table(t).scan().to_arrow().num_rows
              for t in ["ns.t", "ns.t_rejects"]}
    before = files_below(data_table_disk.path)
    # New app folders arrive; the disk breaks before they are ingested.
    floe.run("gen", tmp_path / "later", "--seed", "4", "--apps", "2", "--records", "400")
    for folder in app_folders(tmp_path / "later"):
        folder.rename(source / folder.name)
    reason = break_disk(data_table_disk, kind)
    before |= files_below(data_table_disk.path)  # the filler

    proc = floe.run("ingest", source, "--table", "ns.t", check=False)

    assert_clear_failure(proc, reason, data_table_disk.path)
    assert files_below(data_table_disk.path) == before
    for t, n in counts.items():
        assert pyiceberg_catalog.load_table(t).scan().to_arrow().num_rows == n, t


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", ["append", "ingest"])
def test_commit_that_cannot_be_written(floe, pyiceberg_catalog, warehouse, tmp_path, command,
                                       kind):
    # Only the data table's metadata folder breaks: data files are written, then the commit's
    # first file (a manifest, or the ingest's batch record) cannot be.
    metadata_disk = Mount(warehouse / "ns.db" / "t" / "metadata", "4m")
    try:
        source = tmp_path / "logs"
        if command == "append":
            floe.run("namespace", "create", "ns")
            floe.run("table", "create", "ns.t", "--schema", SCHEMA)
            floe.run("append", "ns.t", write_rows(tmp_path / "first.jsonl", 0, 10))
        else:
            floe.run("gen", source, "--seed", "3", "--apps", "1", "--records", "300")
            floe.run("ingest", source, "--table", "ns.t")
            floe.run("gen", tmp_path / "later", "--seed", "4", "--apps", "1", "--records", "300")
            for folder in app_folders(tmp_path / "later"):
                folder.rename(source / folder.name)
        rows_before = pyiceberg_catalog.load_table("ns.t").scan().to_arrow().num_rows
        table_location = warehouse / "ns.db" / "t"
        reason = break_disk(metadata_disk, kind)
        before = files_below(warehouse / "ns.db")

        if command == "append":
            proc = floe.run("append", "ns.t", write_rows(tmp_path / "second.jsonl", 10, 10),
                            check=False)
        else:
            proc = floe.run("ingest", source, "--table", "ns.t", check=False)

        assert_clear_failure(proc, reason, metadata_disk.path)
        # The new data files are deleted again: nothing of the failed run is left.
        assert files_below(warehouse / "ns.db") == before
        assert pyiceberg_catalog.load_table("ns.t").scan().to_arrow().num_rows == rows_before
    finally:
        metadata_disk.unmount()
