"""Catalogs: ``load_catalog`` and the namespaces and tables of a catalog."""

from typing import TYPE_CHECKING, Dict, List, Optional, Tuple, Union

import pyarrow as pa

from floe import _floe
from floe._identifiers import Identifier, namespace_levels, table_name

if TYPE_CHECKING:
    from floe.table import Table


def load_catalog(name: Optional[str] = None, **properties: str) -> "Catalog":
    """Opens a catalog as PyIceberg's ``load_catalog`` does.

    ``name`` is looked up in ``.pyiceberg.yaml`` (``$PYICEBERG_HOME``, the home folder, the
    current folder) and the ``PYICEBERG_CATALOG__<NAME>__<KEY>`` variables; ``properties``
    (``uri``, ``warehouse``, ``type``, ``s3.endpoint``, …; keys as PyIceberg spells them)
    override the configured ones. A name that is not configured is opened from
    ``properties`` when they give ``type`` or ``uri`` (``sql``, ``rest`` and ``glue``), else
    it is floe's embedded catalog: SQLite in the ``warehouse`` folder (``./warehouse``).
    ``None`` is the configured ``default-catalog``, else ``"default"``.
    """
    props = {key: str(value) for key, value in properties.items()}
    return Catalog(_floe.load_catalog(name or "", props))


class Catalog:
    """A catalog of namespaces and tables (PyIceberg's ``Catalog``)."""

    def __init__(self, native: "_floe.Catalog"):
        self._native = native

    @property
    def name(self) -> str:
        return self._native.name

    @property
    def properties(self) -> Dict[str, str]:
        """The properties the catalog was opened with (configured ones under the overrides)."""
        return self._native.properties

    def __repr__(self) -> str:
        return f"floe.Catalog({self.name!r})"

    # Namespaces

    def create_namespace(self, namespace: Identifier, properties: Optional[Dict[str, str]] = None):
        self._native.create_namespace(namespace_levels(namespace), dict(properties or {}))

    def create_namespace_if_not_exists(
        self, namespace: Identifier, properties: Optional[Dict[str, str]] = None
    ):
        if not self.namespace_exists(namespace):
            try:
                self.create_namespace(namespace, properties)
            except _floe.AlreadyExistsError:
                pass  # created meanwhile by someone else: what was asked for holds

    def namespace_exists(self, namespace: Identifier) -> bool:
        return self._native.namespace_exists(namespace_levels(namespace))

    def list_namespaces(self, namespace: Identifier = ()) -> List[Tuple[str, ...]]:
        """The namespaces directly below ``namespace`` (top-level ones by default)."""
        return [tuple(ns) for ns in self._native.list_namespaces(namespace_levels(namespace))]

    def drop_namespace(self, namespace: Identifier):
        self._native.drop_namespace(namespace_levels(namespace))

    def load_namespace_properties(self, namespace: Identifier) -> Dict[str, str]:
        return self._native.load_namespace_properties(namespace_levels(namespace))

    def update_namespace_properties(
        self,
        namespace: Identifier,
        removals: Optional[set] = None,
        updates: Optional[Dict[str, str]] = None,
    ):
        self._native.update_namespace_properties(
            namespace_levels(namespace), sorted(removals or ()), dict(updates or {})
        )

    # Tables

    def list_tables(self, namespace: Identifier) -> List[Tuple[str, ...]]:
        """The tables of a namespace, each as (namespace levels…, name)."""
        tables = self._native.list_tables(namespace_levels(namespace))
        return [tuple(ns) + (name,) for ns, name in tables]

    def create_table(
        self,
        identifier: Identifier,
        schema: Union[pa.Schema, str],
        location: Optional[str] = None,
        partition_by: Optional[str] = None,
        sort_by: Optional[str] = None,
        properties: Optional[Dict[str, str]] = None,
    ) -> "Table":
        """Creates a table.

        ``schema`` is a ``pyarrow.Schema`` (field ids are assigned afresh unless every field
        carries ``PARQUET:field_id``) or floe's schema text (``"id long not null, name
        string"``). ``partition_by`` and ``sort_by`` are floe's partition and sort text, as
        ``floe table create --partition-by`` takes them (``"day(ts), bucket(16, id)"``,
        ``"ts desc"``). ``properties`` are table properties (``format-version``, …).
        """
        from floe.table import Table

        ns, name = table_name(identifier)
        if isinstance(schema, str):
            arrow_schema, schema_text = None, schema
        else:
            arrow_schema, schema_text = pa.schema(schema).__arrow_c_schema__(), None
        native = self._native.create_table(
            ns,
            name,
            arrow_schema,
            schema_text,
            partition_by or "",
            sort_by or "",
            location or "",
            dict(properties or {}),
        )
        return Table(self, native)

    def create_table_if_not_exists(self, identifier: Identifier, schema, **kwargs) -> "Table":
        try:
            return self.create_table(identifier, schema, **kwargs)
        except _floe.AlreadyExistsError:
            return self.load_table(identifier)

    def load_table(self, identifier: Identifier) -> "Table":
        from floe.table import Table

        ns, name = table_name(identifier)
        return Table(self, self._native.load_table(ns, name))

    def register_table(self, identifier: Identifier, metadata_location: str) -> "Table":
        from floe.table import Table

        ns, name = table_name(identifier)
        return Table(self, self._native.register_table(ns, name, metadata_location))

    def table_exists(self, identifier: Identifier) -> bool:
        ns, name = table_name(identifier)
        return self._native.table_exists(ns, name)

    def drop_table(self, identifier: Identifier):
        """Removes the table from the catalog; its files stay."""
        ns, name = table_name(identifier)
        self._native.drop_table(ns, name, False)

    def purge_table(self, identifier: Identifier):
        """Removes the table and deletes the files its metadata references."""
        ns, name = table_name(identifier)
        self._native.drop_table(ns, name, True)

    def rename_table(self, from_identifier: Identifier, to_identifier: Identifier) -> "Table":
        a_ns, a = table_name(from_identifier)
        b_ns, b = table_name(to_identifier)
        self._native.rename_table(a_ns, a, b_ns, b)
        return self.load_table(to_identifier)

