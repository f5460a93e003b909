"""The wheel `make wheel` builds: what it holds, and that it imports and works on its own
(installed into a folder of its own, beside the pinned pyarrow)."""
import os
import re
import subprocess
import sys
import zipfile

from conftest import ROOT


def test_the_wheel_holds_the_package_and_works_installed(tmp_path):
    dist = ROOT / "dist"
    build = subprocess.run(["make", "-s", "wheel"], cwd=ROOT, capture_output=True, text=True,
                           timeout=1800)
    assert build.returncode == 0, build.stderr[-4000:]
    (wheel,) = [p for p in dist.glob("floe-0.1.0-*.whl")]
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        metadata = z.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert any(n.startswith("floe/_floe.") and n.endswith(".so") for n in names)
    for expected in ("floe/__init__.py", "floe/_floe.pyi", "floe/py.typed", "floe/_build_info.py",
                     "floe/ray/__init__.py", "floe/ray/__main__.py"):
        assert expected in names, expected
    assert "Requires-Dist: pyarrow==26.0.1" in metadata

    target = tmp_path / "site"
    install = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                              "--target", str(target), str(wheel)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr
    code = ("import floe, pyarrow as pa\n"
            "assert floe.__file__.startswith(%r), floe.__file__\n"
            "c = floe.load_catalog('default', warehouse=%r)\n"
            "c.create_namespace('w')\n"
            "t = c.create_table('w.t', pa.schema([('x', pa.int64())]))\n"
            "t.append(pa.table({'x': [1, 2, 3]}))\n"
            "print(t.scan().to_arrow().column('x').to_pylist())\n") % (
                str(target), str(tmp_path / "warehouse"))
    env = {**os.environ, "PYTHONPATH": str(target)}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[1, 2, 3]"

    # What the extension links beyond pyarrow's libraries and the C/C++ runtime: the Debian
    # packages the RayJob example's image installs (keep the two lists in step).
    (extension,) = list((target / "floe").glob("_floe.*.so"))
    dynamic = subprocess.run(["readelf", "-d", str(extension)], capture_output=True, text=True,
                             check=True).stdout
    needed = set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic))
    pyarrow = {n for n in needed if re.fullmatch(r"lib(arrow\w*|parquet)\.so\.\d+", n)}
    runtime = {"libstdc++.so.6", "libgcc_s.so.1", "libc.so.6", "libm.so.6",
               "ld-linux-x86-64.so.2"}
    assert pyarrow >= {"libarrow.so.2600", "libparquet.so.2600"}
    packaged = {"librdkafka.so.1": "librdkafka1", "librdkafka++.so.1": "librdkafka++1",
                "libsqlite3.so.0": "libsqlite3-0", "libyaml-cpp.so.0.7": "libyaml-cpp0.7",
                "libcurl.so.4": "libcurl4", "libisal.so.2": "libisal2",
                "libzstd.so.1": "libzstd1", "libcrypto.so.3": "libssl3", "libz.so.1": "zlib1g"}
    assert needed - pyarrow - runtime <= packaged.keys(), needed - pyarrow - runtime
    manifest = (ROOT / "examples" / "kubernetes" / "floe-ingest-rayjob.yaml").read_text()
    for soname in needed - pyarrow - runtime:
        assert f" {packaged[soname]} " in manifest.replace("\\", " "), packaged[soname]
