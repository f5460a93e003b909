"""PyIceberg's row-level operations for bench/row_level.py, served by op_server: `delete` is
`Table.delete(filter)`, `merge` is `Table.upsert(source, join_cols=[key])`, and `update`, which
PyIceberg lacks, is overwrite-by-filter: the matching rows are read, changed with
pyarrow.compute and written back by `Table.overwrite(rows, overwrite_filter=filter)` in one
commit. PyIceberg 0.12 writes copy-on-write only, so the driver asks it for nothing else.
Usage: pyiceberg_row_level.py WAREHOUSE (requests on stdin)."""
import time

START = time.perf_counter()

import os  # noqa: E402
import sys  # noqa: E402

import pyarrow.compute as pc  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from pyiceberg.expressions import EqualTo  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import log_rules  # noqa: E402
import op_server  # noqa: E402


def _filter(request):
    column, value = request["where"]  # an equality: the driver's predicates are all of this form
    return EqualTo(column, value)


def delete(request, catalog):
    table = catalog.load_table(request["table"])
    table.delete(_filter(request))
    return {"snapshot_id": table.current_snapshot().snapshot_id}


def update(request, catalog):
    table = catalog.load_table(request["table"])
    rows = table.scan(row_filter=_filter(request)).to_arrow()
    column, factor = request["scale"]  # SET column = column * factor
    i = rows.schema.get_field_index(column)
    rows = rows.set_column(i, rows.schema.field(i), pc.multiply(rows.column(i), factor))
    table.overwrite(rows, overwrite_filter=_filter(request))
    return {"rows_updated": rows.num_rows, "snapshot_id": table.current_snapshot().snapshot_id}


def merge(request, catalog):
    table = catalog.load_table(request["table"])
    source = pq.read_table(request["source"])
    result = table.upsert(source, join_cols=[request["on"]])
    return {"rows_updated": result.rows_updated, "rows_inserted": result.rows_inserted,
            "snapshot_id": table.current_snapshot().snapshot_id}


if __name__ == "__main__":
    warehouse = sys.argv[1]
    sys.exit(op_server.serve({"delete": delete, "update": update, "merge": merge}, START,
                             lambda: log_rules.sql_catalog(warehouse)))
