"""The jobs: which run on a schedule, that each does its feature's work once, the worker
command, and /healthz when the queue is gone."""

from __future__ import annotations

from app.jobs import huey, queue_health, redis_storage, tasks


def test_the_scheduled_jobs_are_the_ones_cron_used_to_run():
    periodic = {t.name.rpartition(".")[2] for t in huey._registry.periodic_tasks}
    assert {"deliver_due_mail", "idea_reminders", "judge_reminders", "pilot_reminders",
            "follower_digest", "open_data_snapshot", "retention"} <= periodic
    assert "rerender_markdown" not in periodic  # on demand, after a sanitiser upgrade


def test_open_data_snapshot_writes_the_files_once_per_state_of_the_data(app, tmp_path,
                                                                       monkeypatch):
    monkeypatch.setitem(app.config, "OPENDATA_DIR", str(tmp_path))
    tasks.open_data_snapshot()
    [folder] = [p for p in tmp_path.iterdir() if p.is_dir()]
    written = {p.name for p in folder.iterdir()}
    assert "talka.sqlite" in written
    assert "idea.csv" in written or any(n.endswith(".csv") for n in written)
    stamps = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    tasks.open_data_snapshot()
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == stamps


def test_rerender_markdown_runs_as_a_job(app):
    result = app.test_cli_runner().invoke(args=["rerender-markdown"])
    assert result.exit_code == 0, result.output
    assert "Rendered" in result.output


def test_the_worker_refuses_to_start_when_tasks_run_at_once(app):
    result = app.test_cli_runner().invoke(args=["worker"])
    assert result.exit_code != 0
    assert "JOBS_IMMEDIATE" in result.output


def test_healthz_says_when_the_queue_is_gone_and_keeps_serving(client, monkeypatch):
    huey.immediate = False
    try:
        huey.storage = redis_storage("redis://127.0.0.1:1/0", "talka-test")
        assert queue_health() == "unavailable"
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.get_json() == {"status": "degraded",
                                       "detail": {"queue": "unavailable", "mail_waiting": 0}}
        assert client.get("/").status_code == 200
    finally:
        huey.immediate = True
