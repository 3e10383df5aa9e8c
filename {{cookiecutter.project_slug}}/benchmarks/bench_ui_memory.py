"""The web app's memory around large uploads, in one process as the app's server holds it.

    uv run python benchmarks/bench_ui_memory.py [--rows 1300000] [--uploads 3]

Writes an upload of the embedded sample's columns (1,300,000 rows is about 90 MB of CSV, near
the app's 100 MB upload limit), loads the model as the app does, then scores the upload
`--uploads` times through the page's scorer, each result held as a visitor's session holds it,
and lets them go as sessions end. Prints the resident memory (RSS) at each step against the
process before the first upload (with the upload's bytes in memory, as Streamlit holds them).
For comparison, the held results' bytes are then read into memory, as the app kept them before.
Target: what a held result costs is a preview, not the file (its predictions wait on disk), and
after the results are let go the process is back within 100 MB of where it started. Linux only
(RSS from /proc).
"""

from __future__ import annotations

import argparse
import gc
import io
import tempfile
from pathlib import Path

from {{ cookiecutter.package_name }}.columns.sample import make_dataset
from {{ cookiecutter.package_name }}.config import load_settings
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.store import open_store
from {{ cookiecutter.package_name }}.store.current import CurrentModel
from {{ cookiecutter.package_name }}.ui.scoring import (
    LocalScorer,
    ScoredFile,
    give_back_memory,
)
from {{ cookiecutter.package_name }}.workflows.train import train

MIB = 1024 * 1024


def rss() -> int:
    """This process's resident memory, in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def show(label: str, start: int) -> None:
    now = rss()
    print(f"{label:48} {now / MIB:7.0f} MiB  ({(now - start) / MIB:+5.0f} MiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_300_000)
    parser.add_argument("--uploads", type=int, default=3)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        settings = load_settings(**{"models.dir": folder / "models", "reports.dir": folder})
        train(settings)
        store = open_store(settings)
        scorer = LocalScorer(settings, CurrentModel(store, store.load, 60).get())
        upload = io.BytesIO()
        make_dataset(options.rows, seed=3)[list(SCHEMA.names)].to_csv(upload, index=False)
        print(f"upload: {options.rows:,} rows, {upload.getbuffer().nbytes / MIB:,.0f} MiB of CSV")
        gc.collect()
        give_back_memory()
        start = rss()
        show("before the first upload", start)
        held: list[ScoredFile] = []
        for number in range(1, options.uploads + 1):
            held.append(scorer.score_file("upload.csv", upload))
            show(f"{number} result(s) held", start)
        # Baseline: the same results with their bytes in memory, as the app held them before.
        data = [result.data() for result in held]
        show("the same, with each download's bytes in memory", start)
        del data
        held.clear()
        gc.collect()
        show("every result let go", start)


if __name__ == "__main__":
    main()
