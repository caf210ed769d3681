"""Jobs run eagerly here (tests_settings): status, progress, failure, retry, dead workers, pages, API."""

from __future__ import annotations

import socket
import subprocess
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from jointly.jobs import registry, runner
from jointly.jobs.models import Job
from jointly.needs import jobs as needs_jobs
from jointly.needs.models import ImportLog, IndicatorValue

HEAD = "indicator,area_code,period,sex,age,count,denominator\n"


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_a_job_runs_and_its_row_holds_progress_and_outcome(db, kind):
    seen = []

    def behave(job, progress):
        progress(3, 4, "Counting")
        seen.append(Job.objects.values_list("done", "total", "message").get(pk=job.pk))
        return "All counted"

    kind.behave = behave
    job = runner.enqueue("tests.kind", {"n": 4})
    assert seen == [(3, 4, "Counting")]
    assert (job.status, job.message, job.done, job.total, job.percent, job.attempts) == (
        "succeeded", "All counted", 4, 4, 100, 1,
    )  # fmt: skip
    assert job.started_on and job.finished_on and job.worker.startswith(socket.gethostname() + ":")
    assert kind.cleaned == [job.pk]


def test_a_new_stage_is_written_at_once_while_progress_within_a_stage_is_throttled(db, kind):
    """The needs import enters "Saving values" right after its last "Checking" step and then holds
    SQLite's write lock: a stage change dropped by the throttle was never seen (the killed-worker
    test in test_workers.py waited for it)."""
    seen = []

    def behave(job, progress):
        for done, message in ((10, "Checking"), (11, "Checking"), (12, "Saving values")):
            progress(done, 100, message)
            seen.append(Job.objects.values_list("done", "message").get(pk=job.pk))
        return "Done"

    kind.behave = behave
    runner.enqueue("tests.kind", {"n": 1})
    assert seen == [(10, "Checking"), (10, "Checking"), (12, "Saving values")]


def test_an_unknown_kind_is_refused(db):
    with pytest.raises(LookupError):
        runner.enqueue("tests.nothing", {})
    assert not Job.objects.exists()


def test_bad_input_fails_for_good(db, kind):
    def behave(job, progress):
        raise registry.JobFailed("3 problems found")

    kind.behave = behave
    job = runner.enqueue("tests.kind", {})
    assert (job.status, job.error, job.retryable, job.can_retry) == (
        "failed",
        "3 problems found",
        False,
        False,
    )
    assert not runner.retry(job) and job.attempts == 1
    with pytest.raises(CommandError, match="only a failed job that may succeed"):
        call_command("jobs", "retry", str(job.pk))


def test_an_unexpected_error_is_retryable_and_retry_runs_it_again(db, kind, capsys):
    calls = []

    def behave(job, progress):
        calls.append(job.attempts)
        if len(calls) == 1:
            raise RuntimeError("boom with secret data")
        return "second time lucky"

    kind.behave = behave
    job = runner.enqueue("tests.kind", {})
    assert job.status == "failed" and job.can_retry
    assert "RuntimeError" in job.error and "secret" not in job.error
    assert kind.cleaned == []  # kept for the retry (e.g. the uploaded file)
    call_command("jobs", "retry", str(job.pk))
    job.refresh_from_db()
    assert (job.status, job.message, job.attempts, job.error, calls) == (
        "succeeded", "second time lucky", 2, "", [1, 2],
    )  # fmt: skip
    assert "queued again" in capsys.readouterr().out


def test_a_running_job_whose_worker_died_is_marked_failed_and_retryable(db, kind):
    here = socket.gethostname()
    now = timezone.now()
    dead = Job.objects.create(kind="tests.kind", status="running", attempts=1, worker=f"{here}:{dead_pid()}")
    alive = Job.objects.create(kind="tests.kind", status="running", attempts=1, worker=runner.worker_id())
    old = now - timedelta(seconds=301)
    far_silent = Job.objects.create(
        kind="tests.kind", status="running", attempts=1, worker="elsewhere:1", heartbeat_on=old
    )
    far_beating = Job.objects.create(
        kind="tests.kind", status="running", attempts=1, worker="elsewhere:2", heartbeat_on=now
    )
    assert runner.recover() == 2
    statuses = dict(Job.objects.values_list("pk", "status"))
    assert statuses == {
        dead.pk: "failed",
        alive.pk: "running",
        far_silent.pk: "failed",
        far_beating.pk: "running",
    }
    dead.refresh_from_db()
    assert dead.can_retry and "Nothing was half-written" in dead.error
    assert sorted(kind.interrupted) == sorted([dead.pk, far_silent.pk])
    assert runner.recover() == 0  # already marked


def test_jobs_command_lists_and_shows(db, kind, capsys):
    job = runner.enqueue("tests.kind", {})
    call_command("jobs", "list")
    call_command("jobs", "show", str(job.pk))
    out = capsys.readouterr().out
    assert out.count(f"{job.pk}\ttests.kind\tsucceeded\t100%\tdone") == 2
    with pytest.raises(CommandError, match="no job 999"):
        call_command("jobs", "show", "999")


def test_the_shared_cache_is_the_database_when_no_redis_is_configured(db, settings):
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    cache.set("jobs-test", 42)
    assert cache.get("jobs-test") == 42


# --- The needs import on the job queue ----------------------------------------------------------------


def upload(rows: str, name: str = "values.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (HEAD + rows).encode(), content_type="text/csv")


@pytest.fixture
def big(settings, tmp_path):
    """Every upload counts as large (background job); uploads are stored under ``tmp_path``."""
    settings.VAR_DIR = tmp_path
    settings.JOINTLY_NEEDS_IMPORT_SYNC_BELOW = 0
    return tmp_path


def test_a_large_page_upload_is_loaded_by_a_job(needs, client_for, big):
    client = client_for(needs.w.users["analyst"])
    response = client.post(
        reverse("needs:import", args=["alpha"]),
        {"layout": "template", "file": upload("bf,E10000012,2031,,,1,10\n", "Smith family.csv")},
        follow=True,
    )
    log = ImportLog.objects.get()
    job = Job.objects.get()
    assert response.redirect_chain == [(f"/p/alpha/needs/import/{log.pk}/", 302)]
    assert (log.status, job.status, job.kind, job.partnership, job.created_by) == (
        "checked", "succeeded", "needs.import", needs.w.p, needs.w.users["analyst"],
    )  # fmt: skip
    assert job.arguments["import_log"] == log.pk and "Smith" not in str(job.arguments)
    assert job.arguments["check_only"] and "Checked 1 row(s)" in response.content.decode()
    assert len(list((big / "needs-imports").iterdir())) == 1  # kept for the load
    response = client.post(response.redirect_chain[0][0], {"action": "load"}, follow=True)
    log.refresh_from_db()
    load = Job.objects.latest("pk")
    assert (log.status, load.status, load.pk != job.pk) == ("done", "succeeded", True)
    assert "check_only" not in load.arguments
    assert "Loaded 1 row(s)" in response.content.decode()
    assert list((big / "needs-imports").iterdir()) == []  # the stored file is deleted


def test_a_job_with_problems_shows_them_and_offers_no_retry(needs, client_for, big):
    client = client_for(needs.w.users["analyst"])
    response = client.post(
        reverse("needs:import", args=["alpha"]),
        {"layout": "template", "file": upload("nope,E10000012,2031,,,1,10\n")},
        follow=True,
    )
    html = response.content.decode()
    assert (
        "Nothing was saved: 1 problem" in html
        and "unknown indicator code or Fingertips ID &#x27;nope&#x27;" in html
    )
    assert "Run this import again" not in html
    job = Job.objects.get()
    assert (job.status, job.retryable) == ("failed", False)
    assert list((big / "needs-imports").iterdir()) == []


def interrupted_import(needs, big) -> tuple[ImportLog, Job]:
    """An import whose worker died mid-way: log running, job running on a dead process, file kept."""
    log = ImportLog.objects.create(
        partnership=needs.w.p, file_name="v.csv", layout="template", status="running", progress=30
    )
    stored = needs_jobs.upload_dir() / f"{log.pk}-abc.csv"
    stored.write_text(HEAD + "bf,E10000012,2031,,,1,10\n")
    job = Job.objects.create(
        kind="needs.import", status="running", attempts=1, partnership=needs.w.p,
        arguments={"import_log": log.pk, "file": stored.name, "create_areas": False},
        worker=f"{socket.gethostname()}:{dead_pid()}",
    )  # fmt: skip
    return log, job


def test_a_killed_import_shows_as_stopped_and_the_retry_button_completes_it(needs, client_for, big):
    log, job = interrupted_import(needs, big)
    url = reverse("needs:import_status", args=["alpha", log.pk])
    html = client_for(needs.w.users["viewer"]).get(url).content.decode()
    log.refresh_from_db()
    job.refresh_from_db()
    assert (log.status, job.status, job.retryable) == ("failed", "failed", True)
    assert "The load stopped before it finished and nothing was saved" in html
    assert "Run this import again" not in html  # a viewer may not import
    assert client_for(needs.w.users["viewer"]).post(url).status_code == 403
    client = client_for(needs.w.users["analyst"])
    assert "Run this import again" in client.get(url).content.decode()
    response = client.post(url)
    assert (response.status_code, response["Location"]) == (302, url)
    job.refresh_from_db()
    log.refresh_from_db()
    assert (job.status, job.attempts, log.status, log.created, log.problem_count) == (
        "succeeded",
        2,
        "done",
        1,
        0,
    )
    assert IndicatorValue.objects.filter(period="2031").count() == 1
    assert client.post(url).status_code == 409  # nothing left to retry


def test_a_retry_whose_file_has_gone_fails_for_good(needs, client_for, big):
    log, job = interrupted_import(needs, big)
    runner.check(job)
    needs_jobs._stored(job).unlink()
    assert runner.retry(job)
    job.refresh_from_db()
    assert (job.status, job.retryable, job.error) == (
        "failed", False, "The uploaded file is no longer available: load it again.",
    )  # fmt: skip


def test_the_progress_panel_alone_answers_htmx(needs, client_for):
    log = ImportLog.objects.create(
        partnership=needs.w.p,
        file_name="v.csv",
        layout="template",
        status="running",
        progress=40,
        stage="Saving",
    )
    url = reverse("needs:import_status", args=["alpha", log.pk])
    client = client_for(needs.w.users["viewer"])
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<div id="import-panel"') and "<html" not in partial
    assert 'hx-trigger="every 2s"' in partial and "Saving: 40% done." in partial
    full = client.get(url).content.decode()
    assert "vendor/htmx.min.js" in full and '"includeIndicatorStyles": false' in full
    log.status = "done"
    log.save()
    assert (
        "hx-trigger" not in client.get(url, headers={"HX-Request": "true"}).content.decode()
    )  # polling stops


# --- API ------------------------------------------------------------------------------------------------


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_a_large_api_import_answers_202_with_its_job(needs, big):
    response = api(needs.w.users["analyst"]).post(
        "/api/v1/indicator-values/import/",
        {"partnership": "alpha", "layout": "template", "file": upload("bf,E10000012,2031,,,1,10\n")},
        format="multipart",
    )
    assert response.status_code == 202
    job = Job.objects.get()
    assert response["Location"] == f"/api/v1/jobs/{job.pk}/"
    assert response.json()["job"] == job.pk  # (run eagerly here, so already loaded)
    got = api(needs.w.users["analyst"]).get(f"/api/v1/jobs/{job.pk}/").json()
    assert (got["status"], got["percent"], got["partnership"], got["kind"]) == (
        "succeeded", 100, "alpha", "needs.import",
    )  # fmt: skip
    assert ImportLog.objects.get().status == "done"


def test_jobs_api_shows_a_job_to_its_starter_and_its_partnership_only(needs, kind):
    job = runner.enqueue("tests.kind", {}, by=needs.w.users["finance"], partnership=needs.w.p)
    imp = Job.objects.create(kind="needs.import", partnership=needs.w.p, status="failed", retryable=False)
    url = f"/api/v1/jobs/{job.pk}/"
    assert api().get(url).status_code == 401
    assert api(needs.w.users["finance"]).get(url).status_code == 200  # its starter
    assert api(needs.w.users["viewer"]).get(url).status_code == 404  # tests.kind has no view permission
    assert api(needs.w.users["viewer"]).get(f"/api/v1/jobs/{imp.pk}/").status_code == 200  # VIEW_NEEDS
    assert api(needs.w.outsider).get(f"/api/v1/jobs/{imp.pk}/").status_code == 404
    listed = api(needs.w.users["viewer"]).get("/api/v1/jobs/").json()
    assert [j["id"] for j in listed["results"]] == [imp.pk]


def test_jobs_api_retry(needs, client_for, big):
    log, job = interrupted_import(needs, big)
    url = f"/api/v1/jobs/{job.pk}/retry/"
    assert api(needs.w.users["viewer"]).post(url).status_code == 403
    response = api(needs.w.users["analyst"]).post(url)
    assert response.status_code == 202 and response.json()["status"] == "succeeded"
    assert api(needs.w.users["analyst"]).post(url).status_code == 409
    assert api(needs.w.outsider).post(url).status_code == 404


def test_jobs_are_read_only_in_the_admin(world, client_for, kind):
    job = runner.enqueue("tests.kind", {})
    client = client_for(world.admin)
    assert client.get("/admin/jobs/job/").status_code == 200
    assert client.get(f"/admin/jobs/job/{job.pk}/change/").status_code == 200
    assert client.get("/admin/jobs/job/add/").status_code == 403
    assert client.post(f"/admin/jobs/job/{job.pk}/delete/").status_code == 403
