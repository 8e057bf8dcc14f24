"""The real OCA anchor: OCA ``account_financial_report`` from its published wheels.

Standard library only (runs with the system ``python3``).  :func:`install`
pip-installs ``odoo-addon-account_financial_report`` 18.0 and the OCA addons it
depends on (read from each wheel's ``Requires-Dist: odoo-addon-*``) with the
interpreter that runs the ``odoo`` command, ``--no-deps`` and ``--target`` a
folder under the system temporary directory (``ODOO_BENCH_OCA_DIR`` to choose
another), never inside the repository: pip never installs Odoo itself.  The
install is reused while the newest matching wheels are the ones it holds.

:func:`run` copies the benchmark database, installs the module into the copy
(the benchmark's database stays clean), times OCA's Aged Partner Balance (the
report's own ``_get_report_values``) and its XLSX beside our snapshot and our
XLSX, each in a fresh ``odoo shell`` so that its peak RSS is its own, checks
the totals against each other and drops the copy.  When the wheels cannot be
had it returns a one-line reason instead.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import odoo_shell  # noqa: E402

REQUIREMENT = "odoo-addon-account_financial_report>=18.0,<18.1"
MODULE = "account_financial_report"
PIP_TIMEOUT = 600
INSIDE = Path(__file__).resolve().with_name("oca_anchor_inside.py")


class Unavailable(Exception):
    """The OCA module cannot be had here; the message is the one-line reason."""


def odoo_python():
    """The Python interpreter that runs the ``odoo`` command (a list), or None.

    ``odoo_shell.find_odoo`` gives ``[python, odoo-bin]`` for an ``ODOO_BIN``
    script, else one executable: a Python script (its shebang names the
    interpreter) or a shell wrapper (``exec /venv/bin/python /path/odoo-bin``).
    """
    odoo = odoo_shell.find_odoo()
    if not odoo:
        return None
    if len(odoo) > 1:
        return [odoo[0]]
    try:
        with open(odoo[0], "rb") as file:
            head = file.read(4096).decode("utf-8", "replace")
    except OSError:
        return None
    lines = head.splitlines()
    if lines and lines[0].startswith("#!") and "python" in lines[0]:
        words = lines[0][2:].split()
        return words[1:2] if Path(words[0]).name == "env" else words[:1]
    match = re.search(r"^\s*(?:exec\s+)?(\S*python[\d.]*)\s", head, re.MULTILINE)
    return [match.group(1)] if match else None


def _run(command, what):
    try:
        process = subprocess.run(
            command, capture_output=True, text=True, timeout=PIP_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise Unavailable(f"{what}: {error}") from error
    if process.returncode:
        lines = [line for line in (process.stderr or process.stdout).splitlines() if line.strip()]
        last = next(
            (line for line in reversed(lines) if "ERROR" in line or "rror" in line),
            lines[-1] if lines else f"exit status {process.returncode}",
        )
        last = last.strip().removeprefix("ERROR: ")
        if "No matching distribution" in last or "Could not find a version" in last:
            last = "no matching wheel found (no network, or none published)"
        raise Unavailable(f"{what} failed: {last[:160]}")
    return process.stdout


def _requires(wheel):
    """``Requires-Dist`` entries of a wheel, as (name, specifier) pairs."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = archive.read(name).decode("utf-8", "replace")
    result = []
    for line in metadata.splitlines():
        if line.lower().startswith("requires-dist:"):
            requirement = line.split(":", 1)[1].split(";")[0].strip()
            match = re.match(r"([A-Za-z0-9_.-]+)\s*(.*)", requirement)
            result.append((match.group(1), match.group(2).strip("() ")))
    return result


def _canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def cache_dir():
    path = Path(
        os.environ.get("ODOO_BENCH_OCA_DIR")
        or Path(tempfile.gettempdir()) / "odoo-bench-oca-afr-18.0"
    ).resolve()
    if path == odoo_shell.ROOT or odoo_shell.ROOT in path.parents:
        raise Unavailable(f"{path} is inside the repository; choose a folder outside it")
    return path


def install():
    """Install the OCA wheels; returns {"addons": folder, "version": ..., "wheels": [...]}.

    Raises :class:`Unavailable` with a one-line reason when they cannot be had.
    """
    python = odoo_python()
    if not python:
        raise Unavailable("cannot tell which Python runs the `odoo` command")
    base = cache_dir()
    wheels_dir = base / "wheels"
    wheels_dir.mkdir(parents=True, exist_ok=True)
    pip = [*python, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    _run([*pip, "--version"], "pip of Odoo's Python")
    # Resolve the OCA addons by hand: each wheel also requires `odoo`, which pip must
    # never try to install, so every download is --no-deps.
    wanted, done, wheels, other = [REQUIREMENT], set(), [], set()
    try:
        while wanted:
            requirement = wanted.pop()
            before = set(wheels_dir.glob("*.whl"))
            output = _run(
                [
                    *pip,
                    "download",
                    "--no-deps",
                    "--only-binary=:all:",
                    "-d",
                    wheels_dir,
                    requirement,
                ],
                f"pip download {requirement.split('>')[0].split('=')[0]}",
            )
            saved = re.findall(r"(?:Saved|File was already downloaded) (\S+\.whl)", output)
            found = [Path(p) for p in saved] or sorted(set(wheels_dir.glob("*.whl")) - before)
            if not found:
                raise Unavailable(f"pip download {requirement} saved no wheel")
            wheel = found[-1]
            wheels.append(wheel)
            for name, spec in _requires(wheel):
                key = _canonical(name)
                if key == "odoo":
                    continue
                if key.startswith("odoo-addon-"):
                    if key not in done:
                        done.add(key)
                        wanted.append(f"{name}{spec}")
                else:
                    other.add(name)
    except Unavailable:
        previous = base / "installed.json"
        if previous.exists():  # offline: the last install still works
            info = json.loads(previous.read_text())
            if Path(info["addons"]).is_dir():
                return {**info, "note": "offline, the wheels installed before"}
        raise
    missing = [name for name in sorted(other) if not _has_distribution(python, name)]
    if missing:
        raise Unavailable(f"needs Python package(s) not in Odoo's environment: {missing}")
    key = "-".join(sorted(w.stem.split("-")[0] + "-" + w.stem.split("-")[1] for w in wheels))
    marker = base / "installed.json"
    if marker.exists():
        info = json.loads(marker.read_text())
        if info.get("key") == key and Path(info["addons"], MODULE).is_dir():
            return {**info, "note": f"reused from {base}"}
    target = base / "target"
    marker.unlink(missing_ok=True)
    shutil.rmtree(target, ignore_errors=True)
    _run(
        [*pip, "install", "--no-deps", "--no-compile", "--target", target, *wheels],
        "pip install --target",
    )
    addons = target / "odoo" / "addons"
    if not (addons / MODULE / "__manifest__.py").exists():
        raise Unavailable(f"no {MODULE} under {addons} after pip install")
    version = re.search(r"-(18\.0\.[\d.]+)-", wheels[0].name)
    info = {
        "key": key,
        "addons": str(addons),
        "version": version.group(1) if version else wheels[0].name,
        "wheels": sorted(w.name for w in wheels),
    }
    marker.write_text(json.dumps(info, indent=1))
    return {**info, "note": f"installed into {target}"}


def _has_distribution(python, name):
    code = f"import importlib.metadata as m; m.version({name!r})"
    return subprocess.run([*python, "-c", code], capture_output=True, check=False).returncode == 0


def run(db, cutoff, repeat=1):
    """Install into a copy of ``db`` and time OCA's report and ours, each in its own process.

    Each operation runs ``repeat`` times in its process (the median time is kept).

    Returns a dict with ``skipped`` (one line) when the module cannot be had;
    otherwise the figures of each operation and the comparison.
    """
    try:
        info = install()
    except Unavailable as reason:
        return {"skipped": str(reason)}
    copy = f"{db}_oca"[:63]
    addons = [info["addons"]]
    result = {"oca": info, "copy": copy}
    step = f"copying {db} to {copy}"
    try:
        odoo_shell.duplicate_database(db, copy)
        step = f"installing {MODULE} into {copy}"
        odoo_shell.install_modules(copy, [MODULE], addons)
        for operation in ("ours_snapshot", "ours_xlsx", "oca_aged", "oca_xlsx"):
            step = f"the {operation} run"
            result[operation] = odoo_shell.run_script(
                copy, INSIDE, {"operation": operation, "cutoff": cutoff, "repeat": repeat}, addons
            )
    except odoo_shell.OdooError as error:
        lines = [line for line in str(error).splitlines() if line.strip()]
        return {"skipped": f"{step} failed: {lines[-1][:200] if lines else error}"}
    finally:
        odoo_shell.drop_database(copy)
    ours, oca = result["ours_snapshot"], result["oca_aged"]
    result["customers_differing"] = differing(ours["partners"], oca["partners"])
    result["ties_out"] = (
        abs(ours["total"] - oca["total"]) < 0.005 and not result["customers_differing"]
    )
    for key in ("ours_snapshot", "oca_aged"):
        result[key].pop("partners")
    return result


def differing(ours, theirs):
    """Customers whose buckets differ by a cent or more (JSON keys are partner ids)."""
    count = 0
    for partner in set(ours) | set(theirs):
        a = ours.get(partner, [0.0] * 6)
        b = theirs.get(partner, [0.0] * 6)
        if any(abs(x - y) >= 0.005 for x, y in zip(a, b)):
            count += 1
    return count


def megabytes(kilobytes):
    return f"{kilobytes / 1024:,.0f} MB"
