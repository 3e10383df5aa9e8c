"""The cron and systemd files in deploy/cron: valid, and their commands really do their job.

Run by `nox -s dag`. The commands run as written, with /opt/<project> replaced by a temporary
install: this environment's console script as `.venv/bin/<project>`, and a .env file.
"""

from __future__ import annotations

import fcntl
{%- if cookiecutter.batch_engine == "spark" %}
import os
{%- endif %}
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

{% if cookiecutter.batch_engine == "spark" -%}
import pandas as pd
{% endif -%}
import pytest

from {{ cookiecutter.package_name }}.columns.sample import make_dataset
from {{ cookiecutter.package_name }}.config import ENV_PREFIX
from {{ cookiecutter.package_name }}.store import Event
from {{ cookiecutter.package_name }}.store.files import FileModelStore

pytestmark = pytest.mark.dag

CRON = Path(__file__).resolve().parents[2] / "deploy" / "cron"
SLUG = "{{ cookiecutter.project_slug }}"
INSTALL_DIR = f"/opt/{SLUG}"
{%- if cookiecutter.batch_engine == "spark" %}
JOBS = ("training", "monitoring", "scoring")
{%- else %}
JOBS = ("training", "monitoring")
{%- endif %}
SCHEDULES = {
    "training": ["0", "3", "*", "*", "*"],
    "monitoring": ["30", "*", "*", "*", "*"],
    "scoring": ["0", "4", "*", "*", "*"],
}
TIMEOUT = 600
needs_flock = pytest.mark.skipif(
    not Path("/usr/bin/flock").exists(), reason="/usr/bin/flock (util-linux) is not installed"
)
needs_systemd_analyze = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed"
)


def unit(job: str, kind: str) -> Path:
    return CRON / f"{SLUG}-{job}.{kind}"


def crontab_entry(job: str) -> tuple[list[str], str]:
    """The schedule fields and the command of the crontab line that runs `job`."""
    lines = (CRON / "crontab").read_text(encoding="utf-8").splitlines()
    entries = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
    [entry] = [line for line in entries if f" deploy/cron/run-scheduled {job} " in line]
    fields = entry.split(maxsplit=5)
    return fields[:5], fields[5]


def scheduled_log(install: Path, name: str = "runs") -> str:
    """What run-scheduled recorded: one line per run (`runs`), or a job's output."""
    path = install / "reports" / "scheduled" / f"{name}.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def unit_setting(path: Path, key: str) -> str:
    values = [
        line.split("=", 1)[1]
        for line in path.read_text().splitlines()
        if line.startswith(f"{key}=")
    ]
    assert len(values) == 1, f"{path.name} sets {key} {len(values)} times"
    return values[0]


def service_command(job: str) -> str:
    """ExecStart as systemd runs it: `$$` is how a unit file writes a literal `$`."""
    return unit_setting(unit(job, "service"), "ExecStart").replace("$$", "$")


@pytest.fixture
def install(tmp_path: Path) -> Path:
    """A stand-in for /opt/<project>: the folders, the console script, and settings in .env."""
    root = tmp_path / "install"
    for folder in ("data", "models", "reports", ".venv/bin"):
        (root / folder).mkdir(parents=True)
    script = Path(sys.executable).parent / SLUG
    (root / ".venv" / "bin" / SLUG).symlink_to(script)
    (root / "deploy" / "cron").mkdir(parents=True)
    shutil.copy2(CRON / "run-scheduled", root / "deploy" / "cron" / "run-scheduled")
    (root / ".env").write_text(f"{ENV_PREFIX}DATA_SAMPLE_ROWS=2000\n", encoding="utf-8")
    return root


def run(command: str, install: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # the project's own command lines, from its deploy files
        ["/bin/sh", "-c", command.replace(INSTALL_DIR, str(install))],
        cwd=install,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


@pytest.fixture
def lock_held(install: Path) -> Iterator[None]:
    """Another run in progress: it holds the lock that every scheduled command takes."""
    with (install / "models" / ".training.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield


@pytest.fixture
def trained_install(install: Path) -> Path:
    """An install with a current model, and a drifted labelled table to retrain on."""
    assert run(service_command("training"), install).returncode == 0
    make_dataset(2_000, seed=21, drift=0.5).to_parquet(install / "data" / "drifted.parquet")
    make_dataset(1_000, seed=22).to_parquet(install / "data" / "stable.parquet")
    return install


def models(install: Path) -> FileModelStore:
    return FileModelStore(install / "models")


def retraining(install: Path) -> list[Event]:
    return [event for event in models(install).events() if event.action == "retrain"]


def configure(install: Path, **settings: str) -> None:
    lines = [f"{ENV_PREFIX}{name.upper()}={value}" for name, value in settings.items()]
    with (install / ".env").open("a", encoding="utf-8") as env:
        env.write("\n".join(lines) + "\n")


def test_the_crontab_schedules_each_job_under_the_lock() -> None:
    runner = (CRON / "run-scheduled").read_text(encoding="utf-8")
    assert "exec 9>>models/.training.lock" in runner
    assert "flock --nonblock 9" in runner
    for job in JOBS:
        schedule, command = crontab_entry(job)
        assert schedule == SCHEDULES[job]
        assert command.startswith(f"cd {INSTALL_DIR} && deploy/cron/run-scheduled {job} ")


@needs_flock
def test_the_training_crontab_line_trains_and_promotes_a_model(install: Path) -> None:
    """Recorded where a person looks, with no syslog at all, as cron runs it (`env -i`)."""
    _, command = crontab_entry("training")
    as_cron = ["/usr/bin/env", "-i", "PATH=/usr/bin:/bin", "/bin/sh", "-c"]  # no syslog either
    result = subprocess.run(  # the project's own command line, as cron runs it
        [*as_cron, command.replace(INSTALL_DIR, str(install))],
        cwd=install,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, scheduled_log(install, "training") + result.stderr
    assert models(install).metadata()["training_rows"] == 1_600
    started, finished = scheduled_log(install).splitlines()
    assert started.endswith(f"training: started: .venv/bin/{SLUG} train")
    assert finished.endswith("training: finished (exit 0)")
    assert "promoted" in scheduled_log(install, "training")


@needs_flock
def test_the_training_service_trains_in_its_working_directory(install: Path) -> None:
    assert unit_setting(unit("training", "service"), "WorkingDirectory") == INSTALL_DIR
    result = run(service_command("training"), install)
    assert result.returncode == 0, result.stderr
    assert "promoted" in result.stdout
    assert models(install).current()


@needs_flock
@pytest.mark.parametrize("command", ["crontab", "service"])
def test_monitoring_retrains_only_on_drift(trained_install: Path, command: str) -> None:
    install = trained_install
    scheduled = crontab_entry("monitoring")[1] if command == "crontab" else None
    monitoring = scheduled or service_command("monitoring")
    configure(install, monitoring_data="data/stable.parquet", data_source="data/drifted.parquet")
    result = run(monitoring, install)
    output = result.stdout + scheduled_log(install, "monitoring")
    assert result.returncode == 0, output + result.stderr
    assert "no drift" in output
    assert retraining(install) == []

    configure(install, monitoring_data="data/drifted.parquet")  # the later line wins
    result = run(monitoring, install)
    output = result.stdout + scheduled_log(install, "monitoring")
    assert result.returncode in {0, 1}, output + result.stderr  # promoted, or champion kept
    assert "DRIFT" in output
    [decision] = retraining(install)
    assert decision.current == models(install).current()


@needs_flock
def test_monitoring_without_a_batch_fails_with_the_setting_to_set(trained_install: Path) -> None:
    result = run(service_command("monitoring"), trained_install)
    assert result.returncode == 2
    assert f"set {ENV_PREFIX}MONITORING_DATA" in result.stderr


{%- if cookiecutter.batch_engine == "spark" %}


@needs_flock
@pytest.mark.parametrize("command", ["crontab", "service"])
def test_scoring_runs_the_spark_job_on_the_current_model(
    trained_install: Path, command: str
) -> None:
    if shutil.which("java") is None and not os.environ.get("CI"):
        pytest.skip("scoring starts Spark, which needs Java 17 or 21")
    install = trained_install
    scheduled = crontab_entry("scoring")[1] if command == "crontab" else None
    scoring = scheduled or service_command("scoring")
    configure(
        install,
        spark_master="local[1]",
        spark_source="data/stable.parquet",
        spark_destination="data/scored",
    )
    result = run(scoring, install)
    output = result.stdout + scheduled_log(install, "scoring")
    assert result.returncode == 0, output + result.stderr
    assert "scored 1,000 rows" in output
    assert len(pd.read_parquet(install / "data" / "scored")) == 1_000


@needs_flock
def test_scoring_without_a_source_fails_with_the_setting_to_set(trained_install: Path) -> None:
    result = run(service_command("scoring"), trained_install)
    assert result.returncode == 1
    assert f"set {ENV_PREFIX}SPARK_SOURCE" in result.stderr
{%- endif %}


@needs_flock
@pytest.mark.usefixtures("lock_held")
def test_every_run_is_skipped_while_another_holds_the_lock_and_cron_says_so(
    install: Path,
) -> None:
    for job in JOBS:
        result = run(crontab_entry(job)[1], install)
        assert result.returncode == 75, result.stderr  # run-scheduled: try again later
        last = scheduled_log(install).splitlines()[-1]
        assert last.endswith(f"{job}: skipped: another scheduled run holds models/.training.lock")
        result = run(service_command(job), install)
        assert result.returncode == 1, result.stderr  # flock: `systemctl --failed` lists it
        assert "model" not in result.stdout
    assert models(install).versions() == []


def test_the_services_write_only_where_the_project_keeps_its_files() -> None:
    for job in JOBS:
        service = unit(job, "service")
        writable = shlex.split(unit_setting(service, "ReadWritePaths"))
        assert writable == [f"{INSTALL_DIR}/{folder}" for folder in ("data", "models", "reports")]
        assert unit_setting(service, "ProtectSystem") == "strict"


@needs_systemd_analyze
def test_systemd_accepts_the_units() -> None:
    units = [str(unit(job, kind)) for job in JOBS for kind in ("service", "timer")]
    result = subprocess.run(
        [shutil.which("systemd-analyze") or "", "verify", *units],
        capture_output=True,
        text=True,
        check=False,
    )
    # verify exits 0 on unknown keys or bad values it ignores; any message is a defect here.
    assert result.returncode == 0, result.stderr
    assert result.stdout + result.stderr == ""


@needs_systemd_analyze
@pytest.mark.parametrize("job", JOBS)
def test_each_timer_fires_when_its_crontab_line_does(job: str) -> None:
    calendar = unit_setting(unit(job, "timer"), "OnCalendar")
    result = subprocess.run(
        [shutil.which("systemd-analyze") or "", "calendar", "--iterations=3", calendar],
        capture_output=True,
        text=True,
        check=True,
    )
    minute, hour = SCHEDULES[job][:2]
    elapses = "\n".join(line for line in result.stdout.splitlines() if "Normalized" not in line)
    times = re.findall(r"(\d{2}):(\d{2}):\d{2} UTC", elapses)
    assert len(times) == 3, result.stdout
    for at_hour, at_minute in times:
        assert int(at_minute) == int(minute)
        assert hour == "*" or int(at_hour) == int(hour)
