"""`flask worker`: one Huey consumer for this application's queue."""

from __future__ import annotations

import logging

import click
from flask import Flask


def register_worker(app: Flask) -> None:
    @app.cli.command("worker")
    @click.option("--threads", type=click.IntRange(min=1), default=2, show_default=True,
                  help="Tasks run at the same time in this worker.")
    @click.option("--periodic/--no-periodic", default=True, show_default=True,
                  help="Also schedule the periodic jobs (reminders, mail sweep, snapshots); "
                       "one worker per installation is enough.")
    def worker(threads: int, periodic: bool) -> None:
        """Run the background jobs until stopped (Ctrl-C or SIGTERM)."""
        from app.jobs import huey
        from app.jobs import tasks as _tasks  # noqa: F401  # registers the tasks

        if huey.immediate:
            raise click.UsageError("JOBS_IMMEDIATE is on: tasks run in the caller, there is "
                                   "no queue to work.")
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        click.echo(f"Talka worker: {type(huey.storage).__name__}, {threads} threads, "
                   f"periodic jobs {'on' if periodic else 'off'}.")
        consumer = huey.create_consumer(workers=threads, worker_type="thread",
                                        periodic=periodic, check_worker_health=True,
                                        # A worker killed while holding a job's lock
                                        # would otherwise keep that job from ever running.
                                        flush_locks=True)
        consumer.run()
