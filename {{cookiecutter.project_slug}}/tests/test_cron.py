"""The cron and systemd files in deploy/cron: valid, and their commands really train a model.

Run by `nox -s dag`. The commands run as written, with /opt/<project> replaced by a temporary
install: this environment's console script as `.venv/bin/<project>`, and a .env file.
"""

from __future__ import annotations

import fcntl
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }} import artifacts
from {{ cookiecutter.package_name }}.config import ENV_PREFIX

pytestmark = pytest.mark.dag

CRON = Path(__file__).resolve().parents[1] / "deploy" / "cron"
INSTALL_DIR = "/opt/{{ cookiecutter.project_slug }}"
SERVICE = CRON / "{{ cookiecutter.project_slug }}-training.service"
TIMER = CRON / "{{ cookiecutter.project_slug }}-training.timer"
TIMEOUT = 600


def crontab_entries() -> list[str]:
    lines = (CRON / "crontab").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.lstrip().startswith("#")]


def unit_setting(path: Path, key: str) -> str:
    values = [
        line.split("=", 1)[1]
        for line in path.read_text().splitlines()
        if line.startswith(f"{key}=")
    ]
    assert len(values) == 1, f"{path.name} sets {key} {len(values)} times"
    return values[0]


@pytest.fixture
def install(tmp_path: Path) -> Path:
    """A stand-in for /opt/<project>: the folders, the console script, and settings in .env."""
    root = tmp_path / "install"
    for folder in ("data", "models", "reports", ".venv/bin"):
        (root / folder).mkdir(parents=True)
    script = Path(sys.executable).parent / "{{ cookiecutter.project_slug }}"
    (root / ".venv/bin/{{ cookiecutter.project_slug }}").symlink_to(script)
    (root / ".env").write_text(f"{ENV_PREFIX}SAMPLE_ROWS=2000\n", encoding="utf-8")
    return root


def run(command: str, install: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = command.replace(INSTALL_DIR, str(install))
    return subprocess.run(
        ["/bin/sh", "-c", command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


@pytest.fixture
def lock_held(install: Path) -> Iterator[None]:
    """Another run in progress: it holds the lock the crontab line and the service take."""
    with (install / "models" / ".training.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield


def test_the_crontab_has_one_valid_entry() -> None:
    [entry] = crontab_entries()
    schedule, command = entry.split(maxsplit=5)[:5], entry.split(maxsplit=5)[5]
    assert schedule == ["0", "3", "*", "*", "*"]
    assert "flock --nonblock" in command
    assert "logger --tag {{ cookiecutter.project_slug }}-training" in command


@pytest.mark.skipif(shutil.which("flock") is None, reason="flock (util-linux) is not installed")
def test_the_crontab_command_trains_and_promotes_a_model(install: Path, tmp_path: Path) -> None:
    [entry] = crontab_entries()
    result = run(entry.split(maxsplit=5)[5], install, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    current = artifacts.current_version(install / "models")
    assert artifacts.read_metadata(install / "models", current)["training_rows"] == 1_600


@pytest.mark.skipif(shutil.which("flock") is None, reason="flock (util-linux) is not installed")
@pytest.mark.usefixtures("lock_held")
def test_a_run_is_skipped_while_another_holds_the_lock(install: Path) -> None:
    [entry] = crontab_entries()
    crontab_command = entry.split(maxsplit=5)[5].split(" 2>&1 | logger")[0]  # its own status
    service_command = unit_setting(SERVICE, "ExecStart")
    for command in (crontab_command, service_command):
        result = run(command, install, cwd=install)
        assert result.returncode == 1, result.stderr  # flock --nonblock: the lock is taken
        assert "model" not in result.stdout
    assert artifacts.list_versions(install / "models") == []


@pytest.mark.skipif(not Path("/usr/bin/flock").exists(), reason="/usr/bin/flock is not installed")
def test_the_service_command_trains_in_its_working_directory(install: Path) -> None:
    working_directory = Path(
        unit_setting(SERVICE, "WorkingDirectory").replace(INSTALL_DIR, str(install))
    )
    result = run(unit_setting(SERVICE, "ExecStart"), install, cwd=working_directory)
    assert result.returncode == 0, result.stderr
    assert "promoted" in result.stdout
    assert artifacts.current_version(install / "models")


def test_the_service_writes_only_where_the_project_keeps_its_files() -> None:
    writable = shlex.split(unit_setting(SERVICE, "ReadWritePaths"))
    assert writable == [f"{INSTALL_DIR}/{folder}" for folder in ("data", "models", "reports")]
    assert unit_setting(SERVICE, "ProtectSystem") == "strict"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is absent")
def test_systemd_accepts_the_units() -> None:
    result = subprocess.run(
        [shutil.which("systemd-analyze") or "", "verify", str(SERVICE), str(TIMER)],
        capture_output=True,
        text=True,
        check=False,
    )
    # verify exits 0 on unknown keys or bad values it ignores; any message is a defect here.
    assert result.returncode == 0, result.stderr
    assert result.stdout + result.stderr == ""


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is absent")
def test_the_timer_fires_when_the_crontab_does() -> None:
    calendar = unit_setting(TIMER, "OnCalendar")
    result = subprocess.run(
        [shutil.which("systemd-analyze") or "", "calendar", calendar],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "03:00:00" in result.stdout
    [entry] = crontab_entries()
    assert entry.split()[:2] == ["0", "3"]
