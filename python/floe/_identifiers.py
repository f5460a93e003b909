"""Table and namespace names as PyIceberg takes them: ``"a.b"`` or ``("a", "b")``."""

from typing import Tuple, Union

Identifier = Union[str, Tuple[str, ...]]


def namespace_levels(namespace: Identifier) -> list:
    if isinstance(namespace, str):
        return [level for level in namespace.split(".") if level] if namespace else []
    return list(namespace)


def table_name(identifier: Identifier) -> tuple:
    """(namespace levels, name) of a table identifier; a string splits at its last dot."""
    parts = identifier.split(".") if isinstance(identifier, str) else list(identifier)
    if len(parts) < 2 or not parts[-1]:
        raise ValueError(f"table identifier {identifier!r} needs a namespace and a name")
    return parts[:-1], parts[-1]
