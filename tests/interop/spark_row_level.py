"""Row-level tables written by Spark in merge-on-read mode, for floe to read: DELETE, UPDATE and
MERGE INTO leave position delete files (format v2) or deletion vectors (format v3) beside the
data files they change. Each change is mirrored on a plain Python model of the rows, the
independent expectation every reader is held to."""
import collections
import random

from servers.spark import spark_catalog

CATEGORIES = ["books", "games", "music", "tools"]
MOR = {"write.delete.mode": "merge-on-read", "write.update.mode": "merge-on-read",
       "write.merge.mode": "merge-on-read"}


class RowModel:
    """The table's rows by id: what Spark's SQL statements below do to them, in Python."""

    def __init__(self):
        self.rows = {}

    def insert(self, rows):
        for r in rows:
            assert r["id"] not in self.rows
            self.rows[r["id"]] = dict(r)

    def delete(self, pred):
        self.rows = {i: r for i, r in self.rows.items() if not pred(r)}

    def update(self, pred, change):
        for r in self.rows.values():
            if pred(r):
                r.update(change(r))

    def multiset(self, columns):
        return collections.Counter(tuple(r[c] for c in columns) for r in self.rows.values())


COLUMNS = ["id", "category", "amount", "note"]


def make_rows(start, count, seed):
    rnd = random.Random(seed)
    return [{"id": i, "category": rnd.choice(CATEGORIES), "amount": rnd.randint(0, 4000) / 4,
             "note": None if i % 6 == 0 else f"n{i}"} for i in range(start, start + count)]


class SparkRowLevelTable:
    """ns.t in the floe warehouse `warehouse`, created and changed by Spark; `model` follows."""

    def __init__(self, spark, warehouse, name, format_version=2, partitioned=True):
        self.spark = spark
        self.catalog = spark_catalog(spark, warehouse)
        self.name = name
        self.ident = f"{self.catalog}.{name}"
        self.model = RowModel()
        ns = name.split(".")[0]
        spark.sql(f"CREATE NAMESPACE IF NOT EXISTS {self.catalog}.{ns}")
        props = {**MOR, "format-version": str(format_version)}
        tblprops = ", ".join(f"'{k}' = '{v}'" for k, v in props.items())
        spark.sql(f"CREATE TABLE {self.ident} (id bigint NOT NULL, category string, "
                  f"amount double, note string) USING iceberg "
                  f"{'PARTITIONED BY (category)' if partitioned else ''} "
                  f"TBLPROPERTIES ({tblprops})")

    def append(self, rows):
        df = self.spark.createDataFrame(
            [(r["id"], r["category"], r["amount"], r["note"]) for r in rows],
            "id bigint, category string, amount double, note string")
        df.writeTo(self.ident).append()
        self.model.insert(rows)

    def delete_where_id_mod(self, mod, rem):
        self.spark.sql(f"DELETE FROM {self.ident} WHERE id % {mod} = {rem}")
        self.model.delete(lambda r: r["id"] % mod == rem)

    def update_where_id_mod(self, mod, rem):
        self.spark.sql(f"UPDATE {self.ident} SET amount = amount * 2, note = 'updated' "
                       f"WHERE id % {mod} = {rem}")
        self.model.update(lambda r: r["id"] % mod == rem,
                          lambda r: {"amount": r["amount"] * 2, "note": "updated"})

    def merge(self, source):
        """MERGE INTO from `source` rows (id, category, amount, op): op 'delete' deletes a
        matched row, any other op updates it; unmatched rows are inserted."""
        df = self.spark.createDataFrame(
            [(s["id"], s["category"], s["amount"], s["op"]) for s in source],
            "id bigint, category string, amount double, op string")
        df.createOrReplaceTempView("merge_source")
        self.spark.sql(f"""
            MERGE INTO {self.ident} t USING merge_source s ON t.id = s.id
            WHEN MATCHED AND s.op = 'delete' THEN DELETE
            WHEN MATCHED THEN UPDATE SET t.amount = s.amount, t.note = 'merged'
            WHEN NOT MATCHED THEN INSERT (id, category, amount, note)
                VALUES (s.id, s.category, s.amount, 'inserted')""")
        for s in source:
            if s["id"] in self.model.rows:
                if s["op"] == "delete":
                    del self.model.rows[s["id"]]
                else:
                    self.model.rows[s["id"]].update(amount=s["amount"], note="merged")
            else:
                self.model.insert([{"id": s["id"], "category": s["category"],
                                    "amount": s["amount"], "note": "inserted"}])

    def spark_multiset(self, where=None):
        self.spark.sql(f"REFRESH TABLE {self.ident}")
        df = self.spark.table(self.ident)
        if where:
            df = df.where(where)
        return collections.Counter(tuple(r[c] for c in COLUMNS) for r in df.collect())

    def delete_files(self):
        """(content, file_format, referenced data file or None) of each live delete file."""
        self.spark.sql(f"REFRESH TABLE {self.ident}")
        rows = self.spark.sql(f"SELECT content, file_format, referenced_data_file "
                              f"FROM {self.ident}.delete_files").collect()
        return [(r["content"], r["file_format"], r["referenced_data_file"]) for r in rows]


def merge_source(ids_present, new_ids, seed):
    rnd = random.Random(seed)
    out = [{"id": i, "category": rnd.choice(CATEGORIES), "amount": rnd.randint(0, 400) / 2,
            "op": "delete" if i % 2 == 0 else "upsert"} for i in ids_present]
    out += [{"id": i, "category": rnd.choice(CATEGORIES), "amount": rnd.randint(0, 400) / 2,
             "op": "upsert"} for i in new_ids]
    return out
