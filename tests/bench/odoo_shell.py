"""Drive a real Odoo from a benchmark: create a database, run code inside it, drop it.

Standard library only: benchmarks run with the system ``python3``, not Odoo's
virtualenv.  The ``odoo`` command comes from ``ODOO_BIN`` or ``PATH``.

A script run by :func:`run_script` sees ``env`` (as in ``odoo shell``) and
``BENCH_ARGS`` (the ``args`` dict).  To hand a result back it prints a single
line ``BENCH_RESULT {json}``, most simply through ``bench_result(value)``,
which the helper defines.  ``odoo shell`` rolls back at the end, so a script
that must persist calls ``env.cr.commit()`` itself.

Environment: ``ODOO_BIN``, ``ODOO_ADDONS_PATH`` (extra addons paths, comma
separated), ``ODOO_DB_HOST``/``ODOO_DB_PORT``/``ODOO_DB_USER``/``ODOO_DB_PASSWORD``.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = Path(__file__).resolve().parent
RESULT_PREFIX = "BENCH_RESULT "
ARGS_VARIABLE = "BENCH_ARGS"

# Prepended to every script: the arguments, the result printer, and this folder
# on sys.path so that scripts can ``import scale_ledger`` as a plain module.
PRELUDE = f"""\
import json as _bench_json, os as _bench_os, sys as _bench_sys
_bench_sys.path.insert(0, {str(BENCH_DIR)!r})
BENCH_ARGS = _bench_json.loads(_bench_os.environ.get({ARGS_VARIABLE!r}) or "{{}}")
def bench_result(value):
    print({RESULT_PREFIX!r} + _bench_json.dumps(value, default=str), flush=True)
"""


class OdooError(RuntimeError):
    """An Odoo command failed; the message carries the end of its output."""


def find_odoo():
    """The command that starts Odoo, as a list, or None."""
    explicit = os.environ.get("ODOO_BIN")
    if explicit:
        path = shutil.which(explicit) or explicit
        if path.endswith((".py", "odoo-bin")):
            return [sys.executable, path]
        return [path]
    found = shutil.which("odoo")
    return [found] if found else None


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def addons_path(extra=()):
    """This checkout's ``addons``, after ``ODOO_ADDONS_PATH`` and then ``extra`` folders."""
    paths = [p for p in os.environ.get("ODOO_ADDONS_PATH", "").split(",") if p]
    return ",".join(paths + [str(p) for p in extra] + [str(ROOT / "addons")])


def db_options():
    options = []
    for variable, option in (
        ("ODOO_DB_HOST", "db_host"),
        ("ODOO_DB_PORT", "db_port"),
        ("ODOO_DB_USER", "db_user"),
        ("ODOO_DB_PASSWORD", "db_password"),
    ):
        if os.environ.get(variable):
            options.append(f"--{option}={os.environ[variable]}")
    return options


def _odoo(args, stdin=None, env=None):
    odoo = find_odoo()
    if not odoo:
        raise OdooError("no `odoo` command on PATH and ODOO_BIN is not set")
    # An empty config file keeps a stray ~/.odoorc from changing what we test.
    with tempfile.TemporaryDirectory(prefix="odoo-bench-") as tmp:
        config = Path(tmp) / "odoo.conf"
        config.write_text("[options]\n")
        options = [f"--config={config}", *db_options()]
        # a subcommand (shell, db) takes the options right after its name
        if args and not args[0].startswith("-"):
            command = odoo + args[:1] + options + args[1:]
        else:
            command = odoo + options + args
        process = subprocess.run(
            command,
            input=stdin,
            capture_output=True,
            text=True,
            errors="replace",
            env={**os.environ, **(env or {})},
            check=False,
        )
    if process.returncode:
        tail = (process.stdout + process.stderr)[-4000:]
        raise OdooError(f"{' '.join(args[:3])} exited with {process.returncode}:\n{tail}")
    return process


def create_database(db, modules=("customer_tiering",), drop_first=True):
    """Create ``db`` with ``modules`` (and their dependencies) installed, no demo data.

    Also installs ``modules`` into an existing ``db`` when ``drop_first`` is false.
    """
    if drop_first:
        drop_database(db)
    install_modules(db, modules)


def install_modules(db, modules, extra_addons=()):
    """Install ``modules`` (and their dependencies) into the existing ``db``, no demo data."""
    _odoo(
        [
            "-d",
            db,
            "-i",
            ",".join(modules),
            "--without-demo=all",
            "--stop-after-init",
            f"--addons-path={addons_path(extra_addons)}",
            "--log-level=warn",
            f"--http-port={free_port()}",
            "--max-cron-threads=0",
        ]
    )


def update_modules(db, modules=("customer_tiering",)):
    """Update ``modules`` in ``db`` so that it runs the code of this checkout."""
    _odoo(
        [
            "-d",
            db,
            "-u",
            ",".join(modules),
            "--stop-after-init",
            f"--addons-path={addons_path()}",
            "--log-level=warn",
            f"--http-port={free_port()}",
            "--max-cron-threads=0",
        ]
    )


def run_script(db, path_or_code, args=None, extra_addons=()):
    """Run Python code (a file path or source text) inside Odoo on ``db``.

    ``path_or_code`` is a ``Path``, a ``.py`` file name, or the code itself;
    ``extra_addons`` are more addons folders (before this checkout's).
    Returns the value of the last ``BENCH_RESULT`` line it printed (None without
    one); raises OdooError if the script raised (odoo shell then exits non-zero).
    """
    if isinstance(path_or_code, os.PathLike) or (
        path_or_code.endswith(".py") and "\n" not in path_or_code
    ):
        code = Path(path_or_code).read_text()
    else:
        code = path_or_code
    process = _odoo(
        [
            "shell",
            "-d",
            db,
            f"--addons-path={addons_path(extra_addons)}",
            "--no-http",
            "--log-level=warn",
        ],
        stdin=PRELUDE + code,
        env={ARGS_VARIABLE: json.dumps(args or {})},
    )
    result = None
    for line in process.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            result = json.loads(line[len(RESULT_PREFIX) :])
    return result


def psql(db, sql):
    """Run SQL with psql on ``db`` (e.g. VACUUM, which Odoo's transaction cannot run)."""
    args = ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql]
    flags = {"ODOO_DB_HOST": "-h", "ODOO_DB_PORT": "-p", "ODOO_DB_USER": "-U"}
    for variable, flag in flags.items():
        if os.environ.get(variable):
            args += [flag, os.environ[variable]]
    env = dict(os.environ)
    if os.environ.get("ODOO_DB_PASSWORD"):
        env["PGPASSWORD"] = os.environ["ODOO_DB_PASSWORD"]
    process = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if process.returncode:
        raise OdooError(f"psql failed: {process.stderr.strip()}")
    return process.stdout


def database_exists(db):
    literal = "'" + db.replace("'", "''") + "'"
    return psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = {literal}").strip() == "1"


def duplicate_database(source, target):
    """Copy ``source`` to ``target`` (dropped first if it exists), filestore included."""
    _odoo(["db", "duplicate", "--force", source, target])


def drop_database(db):
    """Drop ``db`` and its filestore if it exists (``odoo db drop`` closes its connections)."""
    if database_exists(db):
        _odoo(["db", "drop", db])
