#!/usr/bin/env python3
"""Run the addons' Odoo tests in a real Odoo with a real PostgreSQL.

Finds an ``odoo`` command (or ``ODOO_BIN``); without one it prints one line and
exits 0 so that the rest of the test command still runs, unless
``ODOO_SUITE_REQUIRED=1`` (set by ``.ci/run``): then it fails, saying why.  With
one it:

* uses the PostgreSQL server reachable as the current user, or starts a
  throwaway cluster of its own (as the ``postgres`` user when run as root);
* creates fresh databases (without and with demo data), installs both addons
  and the test addons of ``tests/addons`` and runs their tests
  (``--test-tags /customer_tiering,/logistics_crm,/logistics_crm_connector_example``);
* fails on a failed or erroring test, on no test at all, on an ERROR or
  CRITICAL log line, on Odoo's warnings about missing access rules or invalid
  views, and on any WARNING logged by our addons.

Only the standard library is used: this runs before any virtualenv exists.
Environment: ``ODOO_BIN``, ``ODOO_ADDONS_PATH`` (extra addons paths, e.g. an
Odoo checkout's ``addons``), ``ODOO_DB_HOST``/``ODOO_DB_PORT``/``ODOO_DB_USER``/
``ODOO_DB_PASSWORD`` (an existing server), ``ODOO_SUITE_MODES`` (``nodemo,demo``),
``ODOO_SUITE_KEEP_DB=1`` (keep the databases for a look afterwards).
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("customer_tiering", "logistics_crm")
# test-only addons under tests/addons, installed and tested with the product addons
TEST_ADDONS = ("logistics_crm_connector_example",)
LOG_DIR = Path(os.environ.get("ODOO_SUITE_LOG_DIR") or ROOT / ".odoo-test-logs")

RESULT_RE = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests")
LEVEL_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (\w+) (\S+) (\S+): (.*)$")
# Odoo's own words for a model nobody can read and a view that does not validate.
BAD_WARNINGS = (
    re.compile(r"ha(s|ve) no access rules"),
    re.compile(r"[Ii]nvalid view"),
    re.compile(r"View error context"),
    re.compile(r"Error while validating view"),
    re.compile(r"Some modules have inconsistent states"),
    re.compile(r"Some modules are not loaded"),
    re.compile(r"module \S+: not installable"),
)
OUR_LOGGERS = tuple(f"odoo.addons.{name}" for name in ADDONS + TEST_ADDONS)
VIEW_LOGGER = "odoo.addons.base.models.ir_ui_view"


@dataclass
class Verdict:
    """What one Odoo run's log says."""

    results: list = field(default_factory=list)  # (failed, errors, tests)
    problems: list = field(default_factory=list)

    @property
    def tests(self):
        return sum(r[2] for r in self.results)

    @property
    def failed(self):
        return sum(r[0] + r[1] for r in self.results)


def judge_log(lines):
    """Read an Odoo log and collect the result lines and every problem in it."""
    verdict = Verdict()
    for raw in lines:
        line = raw.rstrip("\n")
        match = RESULT_RE.search(line)
        if match:
            verdict.results.append(tuple(int(g) for g in match.groups()))
        level = LEVEL_RE.match(line)
        if not level:
            continue
        severity, _db, logger, message = level.groups()
        if severity in ("ERROR", "CRITICAL"):
            verdict.problems.append(line)
        elif severity == "WARNING":
            if logger == VIEW_LOGGER or any(p.search(message) for p in BAD_WARNINGS):
                verdict.problems.append(line)
            elif logger.startswith(OUR_LOGGERS) and "tests" not in logger.split("."):
                verdict.problems.append(line)
    return verdict


def find_odoo():
    explicit = os.environ.get("ODOO_BIN")
    if explicit:
        path = shutil.which(explicit) or explicit
        return (
            [sys.executable, path] if path.endswith(".py") or path.endswith("odoo-bin") else [path]
        )
    found = shutil.which("odoo")
    return [found] if found else None


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Postgres:
    """Connection options for Odoo: an existing server, or a throwaway one."""

    def __init__(self):
        self.options = []
        self.env = dict(os.environ)
        self.throwaway = None

    def __enter__(self):
        host = os.environ.get("ODOO_DB_HOST")
        if host:
            self.options = [f"--db_host={host}"]
            for key, opt in (
                ("ODOO_DB_PORT", "db_port"),
                ("ODOO_DB_USER", "db_user"),
                ("ODOO_DB_PASSWORD", "db_password"),
            ):
                if os.environ.get(key):
                    self.options.append(f"--{opt}={os.environ[key]}")
            return self
        if self._local_server_answers():
            return self
        self._start_throwaway()
        return self

    def __exit__(self, *exc):
        if self.throwaway:
            data, run_as = self.throwaway
            subprocess.run(
                run_as + [self._bin("pg_ctl"), "-D", data, "-m", "fast", "-w", "stop"],
                capture_output=True,
                check=False,
            )
            shutil.rmtree(Path(data).parent, ignore_errors=True)

    def psql(self, sql):
        args = ["psql", "-X", "-q", "-d", "postgres", "-c", sql]
        for opt in self.options:
            name, value = opt[2:].split("=", 1)
            flag = {"db_host": "-h", "db_port": "-p", "db_user": "-U"}.get(name)
            if flag:
                args += [flag, value]
            elif name == "db_password":
                self.env["PGPASSWORD"] = value
        return subprocess.run(args, env=self.env, capture_output=True, text=True, check=False)

    def _local_server_answers(self):
        if not shutil.which("psql"):
            return False
        return self.psql("select 1").returncode == 0

    @staticmethod
    def _bin(name):
        found = shutil.which(name)
        if found:
            return found
        candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
        if not candidates:
            raise SystemExit(
                f"Odoo suite: no PostgreSQL server reachable and no {name} to start one."
            )
        return str(candidates[0])

    def _start_throwaway(self):
        base = Path(tempfile.mkdtemp(prefix="odoo-suite-pg-"))
        data, sockets = base / "data", base / "run"
        sockets.mkdir()
        run_as = []
        if os.geteuid() == 0:  # initdb refuses root
            shutil.chown(base, "postgres")
            shutil.chown(sockets, "postgres")
            base.chmod(0o755)
            run_as = ["runuser", "-u", "postgres", "--"]
        port = free_port()
        subprocess.run(
            run_as
            + [
                self._bin("initdb"),
                "-D",
                str(data),
                "-U",
                "odoo",
                "-A",
                "trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            check=True,
            capture_output=True,
        )
        settings = (
            f"-k {sockets} -p {port} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
        )
        subprocess.run(
            run_as
            + [
                self._bin("pg_ctl"),
                "-D",
                str(data),
                "-o",
                settings,
                "-w",
                "-l",
                str(base / "server.log"),
                "start",
            ],
            check=True,
            capture_output=True,
        )
        self.throwaway = (str(data), run_as)
        self.options = [f"--db_host={sockets}", f"--db_port={port}", "--db_user=odoo"]
        print(f"Odoo suite: started a throwaway PostgreSQL on port {port}.", flush=True)


def run_mode(odoo, pg, mode, workdir):
    database = f"ltest_{mode}_{os.getpid()}"
    addons_path = [str(ROOT / "addons"), str(ROOT / "tests" / "addons")]
    if os.environ.get("ODOO_ADDONS_PATH"):
        addons_path = os.environ["ODOO_ADDONS_PATH"].split(",") + addons_path
    LOG_DIR.mkdir(exist_ok=True)
    log_file = LOG_DIR / f"{mode}.log"
    config = workdir / "odoo.conf"
    config.write_text("[options]\n")
    command = odoo + [
        f"--config={config}",
        f"--addons-path={','.join(addons_path)}",
        f"--data-dir={workdir / 'data'}",
        "-d",
        database,
        "-i",
        ",".join(ADDONS + TEST_ADDONS),
        "--test-tags",
        ",".join(f"/{name}" for name in ADDONS + TEST_ADDONS),
        "--stop-after-init",
        "--log-level=info",
        f"--http-port={free_port()}",
        "--max-cron-threads=0",
        *pg.options,
    ]
    if mode == "nodemo":
        command.append("--without-demo=all")
    print(
        f"Odoo suite [{mode}]: installing {', '.join(ADDONS + TEST_ADDONS)} in {database} and running their tests "
        f"(full log: {log_file})",
        flush=True,
    )
    started = time.monotonic()
    with open(log_file, "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            env=pg.env,
        )
        lines = []
        for line in process.stdout:
            log.write(line)
            lines.append(line)
            if (
                RESULT_RE.search(line)
                or " ERROR " in line
                or " FAIL:" in line
                or " CRITICAL " in line
            ):
                print("  " + line.rstrip(), flush=True)
        code = process.wait()
    verdict = judge_log(lines)
    if os.environ.get("ODOO_SUITE_KEEP_DB") != "1":
        pg.psql(f'DROP DATABASE IF EXISTS "{database}"')
    elapsed = time.monotonic() - started
    ok = (
        code == 0
        and not verdict.problems
        and verdict.results
        and verdict.failed == 0
        and verdict.tests
    )
    for problem in verdict.problems:
        print(f"  problem: {problem}", flush=True)
    if not verdict.results or not verdict.tests:
        print("  problem: Odoo ran no test of the addons", flush=True)
    if code:
        print(f"  problem: odoo exited with {code}", flush=True)
    failed = sum(r[0] for r in verdict.results)
    errors = sum(r[1] for r in verdict.results)
    print(
        f"Odoo suite [{mode}]: {failed} failed, {errors} error(s) of {verdict.tests} tests, "
        f"{len(verdict.problems)} log problem(s), {elapsed:.0f}s -> {'OK' if ok else 'FAILED'}",
        flush=True,
    )
    return ok


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--modes",
        default=os.environ.get("ODOO_SUITE_MODES", "nodemo,demo"),
        help="comma-separated: nodemo, demo",
    )
    args = parser.parse_args(argv)
    odoo = find_odoo()
    if not odoo:
        if os.environ.get("ODOO_SUITE_REQUIRED") == "1":
            print(
                "Odoo suite FAILED: it is required here (ODOO_SUITE_REQUIRED=1) but there is "
                "no `odoo` command on PATH and ODOO_BIN is not set."
            )
            return 1
        print("Odoo suite skipped: no `odoo` command on PATH and ODOO_BIN is not set.")
        return 0
    modes = [m for m in args.modes.split(",") if m]
    unknown = set(modes) - {"nodemo", "demo"}
    if unknown:
        parser.error(f"unknown mode(s): {', '.join(sorted(unknown))}")
    with Postgres() as pg, tempfile.TemporaryDirectory(prefix="odoo-suite-") as tmp:
        results = [run_mode(odoo, pg, mode, Path(tmp)) for mode in modes]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
