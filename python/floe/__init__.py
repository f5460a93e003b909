"""floe: logs and event streams into Apache Iceberg tables, exactly once.

The Python face of floe's C++ library. Catalogs are configured as for PyIceberg
(``.pyiceberg.yaml``, ``PYICEBERG_CATALOG__*``), tables are read and written as Arrow data
without copies, and the Spark-log ingest runs in one call::

    import floe
    catalog = floe.load_catalog("default", warehouse="warehouse")
    table = catalog.load_table("logs.spark")
    arrow_table = table.scan(row_filter="level = 'ERROR'").to_arrow()
    report = floe.ingest("s3://bucket/spark-logs", table="logs.spark", catalog=catalog)
"""

import pyarrow as _pa

from floe._build_info import PYARROW_VERSION as _BUILT_WITH

if _pa.__version__ != _BUILT_WITH:
    raise ImportError(
        f"floe was built against pyarrow {_BUILT_WITH} and shares its Arrow C++ libraries, "
        f"but pyarrow {_pa.__version__} is installed: install pyarrow=={_BUILT_WITH} "
        "(or rebuild floe against this pyarrow)"
    )



def _load_arrow_libraries():
    """Loads the Arrow C++ libraries _floe links from pyarrow's folder: the extension finds
    them by soname then, wherever floe is installed relative to pyarrow (--target, zipapps)."""
    import ctypes
    import os

    folder = _pa.get_library_dirs()[0]
    for name in ("arrow", "arrow_compute", "parquet", "arrow_s3"):
        path = os.path.join(folder, f"lib{name}.so.{_pa.cpp_build_info.so_version}")
        if os.path.exists(path):
            ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)


_load_arrow_libraries()

from floe import _floe  # noqa: E402  (needs pyarrow's libraries loaded first)
from floe._floe import (  # noqa: E402
    AlreadyExistsError,
    CommitFailedError,
    CommitStateUnknownError,
    FloeError,
    FloeIOError,
    InvalidError,
    NamespaceNotEmptyError,
    NoSuchNamespaceError,
    NoSuchTableError,
    NotFoundError,
    NotSupportedError,
    ValidationError,
)
from floe.catalog import Catalog, load_catalog  # noqa: E402
from floe.ingest import FolderOutcome, IngestReport, ingest  # noqa: E402
from floe.stream import StreamReport, stream  # noqa: E402
from floe.table import DataScan, InspectTable, Table, UpdateSchema, UpdateSpec  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "AlreadyExistsError",
    "Catalog",
    "CommitFailedError",
    "CommitStateUnknownError",
    "DataScan",
    "FloeError",
    "FloeIOError",
    "FolderOutcome",
    "IngestReport",
    "InspectTable",
    "InvalidError",
    "NamespaceNotEmptyError",
    "NoSuchNamespaceError",
    "NoSuchTableError",
    "NotFoundError",
    "NotSupportedError",
    "StreamReport",
    "Table",
    "UpdateSchema",
    "UpdateSpec",
    "ValidationError",
    "ingest",
    "load_catalog",
    "stream",
]
