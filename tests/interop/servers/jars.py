"""Pinned jars from Maven Central, downloaded once into ~/.cache/floe/jars/<folder> and checked
by SHA-1 (the sum Maven Central publishes beside each jar, pinned here so a changed jar fails
loudly). Shared by the Java servers and clients the interop tests run (servers/rest.py,
servers/spark.py)."""
import hashlib
import pathlib
import shutil
import urllib.request

MAVEN = "https://repo1.maven.org/maven2"
JARS_HOME = pathlib.Path.home() / ".cache" / "floe" / "jars"


def jar_name(artifact: str, version: str, classifier: str = "") -> str:
    return f"{artifact}-{version}{'-' + classifier if classifier else ''}.jar"


def sha1_of(path: pathlib.Path) -> str:
    h = hashlib.sha1()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch_jars(folder: str, jars) -> list:
    """The paths of `jars` — (group, artifact, version, classifier, sha1) tuples — in
    ~/.cache/floe/jars/<folder>, downloading what the cache lacks or holds with another sum."""
    cache = JARS_HOME / folder
    cache.mkdir(parents=True, exist_ok=True)
    paths = []
    for group, artifact, version, classifier, sha1 in jars:
        name = jar_name(artifact, version, classifier)
        path = cache / name
        if not path.exists() or sha1_of(path) != sha1:
            url = f"{MAVEN}/{group.replace('.', '/')}/{artifact}/{version}/{name}"
            tmp = path.with_suffix(".part")
            with urllib.request.urlopen(url, timeout=300) as response, open(tmp, "wb") as out:
                shutil.copyfileobj(response, out)
            got = sha1_of(tmp)
            if got != sha1:
                tmp.unlink()
                raise RuntimeError(f"{url}: SHA-1 {got}, expected {sha1}")
            tmp.rename(path)
        paths.append(path)
    return paths
