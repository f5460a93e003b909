"""``floe.ingest``: Spark-log folders into Iceberg tables, exactly once, as ``floe ingest``."""

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple, Union

from floe import _floe
from floe._identifiers import Identifier, table_name
from floe.catalog import Catalog, load_catalog


@dataclass(frozen=True)
class FolderOutcome:
    """One app folder with new files: SUCCESS, FAILED (with the error) or PENDING (dry run)."""

    name: str
    status: str
    files: int
    records: int
    rejects: int
    error: str


@dataclass(frozen=True)
class IngestReport:
    """What a run did: the summary ``floe ingest`` prints."""

    job_id: str
    dry_run: bool
    folders: List[FolderOutcome]
    records: int
    rejects: int
    rejects_by_reason: Dict[str, int]
    files: int
    bytes: int
    commits: int
    recovered_batches: int
    skipped: List[Tuple[str, str]]
    changed_files: int
    unchanged_files: int
    swept_files: int
    warnings: List[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def all_succeeded(self) -> bool:
        return all(f.status != "FAILED" for f in self.folders)

    @property
    def failed_folders(self) -> List[FolderOutcome]:
        return [f for f in self.folders if f.status == "FAILED"]


def _report(d: dict) -> IngestReport:
    d = dict(d)
    d["folders"] = [FolderOutcome(**f) for f in d["folders"]]
    d["skipped"] = [tuple(s) for s in d["skipped"]]
    return IngestReport(**d)


def _args(source, table, *, max_line_bytes=None, **options) -> "_floe.IngestArgs":
    args = _floe.IngestArgs()
    args.source = str(source)
    args.table_ns, args.table_name = table_name(table)
    for name, value in options.items():
        setattr(args, name, value)
    if max_line_bytes is not None:
        args.max_line_bytes = max_line_bytes
    return args


def ingest(
    source: str,
    table: Identifier,
    catalog: Union[Catalog, str, None] = None,
    *,
    partition_by: str = "",
    threads: int = 0,
    commit_every: int = 0,
    commit_every_bytes: int = 0,
    rejects: bool = True,
    dry_run: bool = False,
    job_id: str = "",
    reingest_changed: bool = False,
    max_line_bytes: Optional[int] = None,
) -> IngestReport:
    """Ingests every new file of every ``spark-*`` app folder below ``source`` (a folder or an
    ``s3://`` URI) into ``table``, its rejected lines into ``<table>_rejects`` and a status row
    per folder into ``<table>_processing``, exactly once: a run killed at any point and run
    again adds every line once. The options are those of ``floe ingest``. ``catalog`` is a
    loaded catalog or a catalog name (see ``load_catalog``); the source is read with the
    catalog's storage properties (``s3.*``). Ctrl-C abandons the batch in progress whole
    (nothing of it is committed) and raises KeyboardInterrupt."""
    if not isinstance(catalog, Catalog):
        catalog = load_catalog(catalog)
    args = _args(source, table, partition_by=partition_by, threads=threads,
                 commit_every=commit_every, commit_every_bytes=commit_every_bytes,
                 rejects=rejects, dry_run=dry_run, job_id=job_id,
                 reingest_changed=reingest_changed, max_line_bytes=max_line_bytes)
    return _report(_floe.ingest(catalog._native, args))
