"""Real `flask facet worker` processes for the job tests: the command production runs, pointed at the test
database, Redis db and storage folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def worker_command(
    database_url: str, redis_url: str, storage_dir: Path, *args: str
) -> tuple[list[str], dict[str, str]]:
    """`flask facet worker *args` and the environment it runs in."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "FACET_ENV": "test",
        "FACET_STORAGE_DIR": str(storage_dir),
        "FACET_LOG_FORMAT": "text",
        "PYTHONPATH": str(REPO),
    }
    return [str(Path(sys.executable).parent / "flask"), "--app", "plugin_api", "facet", "worker", *args], env


def run_worker(
    database_url: str, redis_url: str, storage_dir: Path, *queues: str
) -> tuple[subprocess.CompletedProcess, int]:
    """Run the worker until the queues (all unless named) are empty; the finished process and its pid."""
    args = ["--burst", *(["--queues", ",".join(queues)] if queues else [])]
    cmd, env = worker_command(database_url, redis_url, storage_dir, *args)
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stdout, stderr = proc.communicate(timeout=240)
    assert proc.returncode == 0, stderr[-3000:]
    return subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr), proc.pid
