"""Real PostgreSQL servers for the `sql` tests (test_postgres.py): Debian's (or the runner's) own
binaries, a cluster in a temporary folder, loopback only, password authentication, stopped by its
process id.

PostgreSQL refuses to run as root: under root (a container, this CI) the server runs as the
`postgres` user that Debian's package creates. Without the binaries the tests are skipped, saying
how to install them, except on CI (`CI` set), where they fail.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

INSTALL = "sudo apt-get install postgresql"
USER = "ada"
PASSWORD = "correct-horse-battery"  # noqa: S105 - a throwaway cluster's
DATABASE = "postgres"


def binary(name: str) -> str | None:
    """A PostgreSQL program: on PATH, or in Debian's versioned folder (newest first)."""
    found = shutil.which(name)
    if found:
        return found
    folders = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    return next((str(folder / name) for folder in folders if (folder / name).is_file()), None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """A running cluster: its URL (with the password), its folder and its postmaster's pid."""

    folder: Path
    port: int
    as_user: list[str]
    pid: int = 0

    def url(self, password: str = PASSWORD) -> str:
        return f"postgresql+psycopg://{USER}:{password}@127.0.0.1:{self.port}/{DATABASE}"

    def start(self) -> None:
        pg_ctl = binary("pg_ctl")
        assert pg_ctl is not None
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        command = [pg_ctl, "start", "-w", "-D", str(self.folder / "data"), "-o", options]
        log = str(self.folder / "server.log")
        subprocess.run([*self.as_user, *command, "-l", log], check=True, capture_output=True)
        pid_file = (self.folder / "data" / "postmaster.pid").read_text().split()
        self.pid = int(pid_file[0])

    def kill(self) -> None:
        """SIGKILL: the server dies as a crashed machine's would."""
        os.kill(self.pid, signal.SIGKILL)
        self.wait_gone()

    def stop(self) -> None:
        """SIGINT: PostgreSQL's fast shutdown (sessions are ended, then it exits)."""
        os.kill(self.pid, signal.SIGINT)
        self.wait_gone()

    def wait_gone(self) -> None:
        deadline = time.monotonic() + 30
        while Path(f"/proc/{self.pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        # A killed postmaster leaves its children for a moment; a new start waits for them.
        time.sleep(0.2)


def started_server() -> Server:
    """A new cluster (initdb with a password) on a free loopback port, started."""
    initdb = binary("initdb")
    if initdb is None or binary("pg_ctl") is None:
        why = f"no PostgreSQL server binaries (initdb, pg_ctl) on this machine: {INSTALL}"
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)
    as_user: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="postgres-"))  # not under pytest's root-only folder
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        try:
            shutil.chown(folder, "postgres", "postgres")
        except LookupError:
            runuser = None
        if runuser is None:
            pytest.skip("PostgreSQL refuses to run as root, and there is no postgres user")
        as_user = [runuser, "-u", "postgres", "--"]
    password_file = folder / "password"
    password_file.write_text(PASSWORD, encoding="utf-8")
    if as_user:
        shutil.chown(password_file, "postgres", "postgres")
    subprocess.run(
        [*as_user, initdb, "-D", str(folder / "data"), "-U", USER, "--auth=scram-sha-256",
         f"--pwfile={password_file}", "-E", "UTF8", "--no-sync"],
        check=True, capture_output=True,
    )  # fmt: skip
    server = Server(folder, free_port(), as_user)
    server.start()
    return server


@pytest.fixture(scope="session")
def postgres() -> Iterator[Server]:
    """One server for the session's `sql` tests."""
    server = started_server()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.folder, ignore_errors=True)


@pytest.fixture
def own_postgres() -> Iterator[Server]:
    """A server of the test's own, for a test that kills it."""
    server = started_server()
    try:
        yield server
    finally:
        if Path(f"/proc/{server.pid}").exists():
            server.stop()
        shutil.rmtree(server.folder, ignore_errors=True)
