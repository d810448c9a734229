"""The weekly workflow, run step by step as GitHub would, on fresh clones.

A bare repository stands in for GitHub (the workflow pushes its editions
there), each run starts from a fresh shallow clone of it with nothing from
the run before, and the clock is SOURCE_DATE_EPOCH. Weeks, in order:

1. the repository as shipped, whose sample notices are all years old: an
   empty week, published, and the first edition kept;
2. a good notice and a broken file committed: the good one is published
   (marked new), the broken one is an annotation, the run succeeds; a
   strict manual run fails but still publishes, and neither it nor a manual
   run with another window moves the kept edition;
3. the good notice revised (with its new date) and a new one: marked
   revised and new against week 2, and the same again when re-run a day
   later (compared with week 2, not with itself).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from workflow import JobResult, clean_environ, run_job

pytestmark = pytest.mark.slow

WORKFLOW = yaml.safe_load((ROOT / ".github/workflows/digest.yml").read_text(encoding="utf-8"))
UPLOADED = [line.strip() for line in next(
    s for s in WORKFLOW["jobs"]["digest"]["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact")
)["with"]["path"].splitlines() if line.strip()]
BRANCH = "ip5pub-editions"
GOOD = "sources/epo-2026-12-02-search-service.md"
NEW = "sources/jpo-2026-12-10-fee-reductions.md"
UNSIGNED = "sources/newsletter-2026-12-11-design-fees.md"  # names no publisher: a doubt the review shows
BROKEN = "sources/broken-date.txt"


def _epoch(when: str) -> str:
    return str(int(dt.datetime.fromisoformat(when).replace(tzinfo=dt.UTC).timestamp()))


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


class GitHub:
    """A bare repository for origin, a desk clone for the user's commits, a fresh clone per run."""

    def __init__(self, root: Path):
        self.root = root
        self.runs = 0
        src = root / "src"
        for name in _git("ls-files", "-co", "--exclude-standard", cwd=ROOT).splitlines():
            if (ROOT / name).is_file():
                (src / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, src / name)
        self.env = clean_environ(root / "home", root / "bin")
        self.env.update(GIT_AUTHOR_NAME="Analyst", GIT_AUTHOR_EMAIL="analyst@example.org",
                        GIT_COMMITTER_NAME="Analyst", GIT_COMMITTER_EMAIL="analyst@example.org")
        (root / "home").mkdir()
        (root / "bin").mkdir()
        sudo = root / "bin/sudo"  # the runner's sudo; here we are already who we need to be
        sudo.write_text('#!/bin/sh\nexec "$@"\n')
        sudo.chmod(0o755)
        subprocess.run(["git", "init", "-q", "-b", "main"], cwd=src, check=True, env=self.env)
        subprocess.run(["git", "add", "-A"], cwd=src, check=True, env=self.env)
        subprocess.run(["git", "commit", "-q", "-m", "ip5pub as cloned"], cwd=src, check=True, env=self.env)
        self.origin = root / "origin.git"
        subprocess.run(["git", "clone", "-q", "--bare", str(src), str(self.origin)], check=True, env=self.env)
        self.desk = root / "desk"
        subprocess.run(["git", "clone", "-q", str(self.origin), str(self.desk)], check=True, env=self.env)

    def commit(self, message: str, files: dict[str, str | None]) -> None:
        """The user's change to sources/, pushed (None removes a file)."""
        for name, text in files.items():
            path = self.desk / name
            if text is None:
                path.unlink()
            else:
                path.write_text(text, encoding="utf-8")
        subprocess.run(["git", "add", "-A"], cwd=self.desk, check=True, env=self.env)
        subprocess.run(["git", "commit", "-q", "-m", message], cwd=self.desk, check=True, env=self.env)
        subprocess.run(["git", "push", "-q", "origin", "main"], cwd=self.desk, check=True, env=self.env)

    def run(self, when: str, event: str = "schedule", inputs: dict | None = None) -> tuple[Path, JobResult]:
        """One run of the workflow at `when` (UTC), as the runner does it."""
        self.runs += 1
        clone = self.root / f"run-{self.runs}"
        # actions/checkout: a shallow clone of the default branch, with origin to push to.
        subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{self.origin}", str(clone)], check=True,
                       env=self.env)
        # actions/setup-python and the virtualenv `make install` would fill: this
        # interpreter, running the clone's own ip5pub.
        bin_ = clone / ".venv/bin"
        bin_.mkdir(parents=True)
        (bin_ / "python").symlink_to(sys.executable)
        (bin_ / "ip5pub").write_text(f'#!/bin/sh\nPYTHONPATH="{clone}" exec "{sys.executable}" -m ip5pub "$@"\n')
        (bin_ / "ip5pub").chmod(0o755)
        (clone / ".venv/.runtime").touch()
        result = run_job(WORKFLOW, "digest", clone, event=event, inputs=inputs,
                         environ={**self.env, "SOURCE_DATE_EPOCH": _epoch(when)}, temp=self.root / f"temp-{self.runs}")
        return clone, result

    def editions(self) -> list[str]:
        """The editions kept on the branch, and how many commits it has."""
        try:
            listed = _git("ls-tree", "-r", "--name-only", BRANCH, cwd=self.origin)
        except subprocess.CalledProcessError:
            return []
        return sorted(listed.split())

    def branch_commits(self) -> int:
        return int(_git("rev-list", "--count", BRANCH, cwd=self.origin).strip())


def notice(title: str, date: str, office: str, body: str) -> str:
    return f"---\ntitle: {title}\ndate: {date}\noffice: {office}\n---\n\n{body}\n"


GOOD_TEXT = notice("EPO opens a search service for small applicants", "2026-12-02", "EPO",
                   "The European Patent Office opened a search service for small applicants on 2 December 2026.")
REVISED_TEXT = notice("EPO opens a search service for small applicants", "2026-12-09", "EPO",
                      "The European Patent Office opened a search service for small applicants on 2 December 2026. "
                      "Since 9 December it also answers in Spanish.")
NEW_TEXT = notice("JPO halves fees for first-time applicants", "2026-12-10", "JPO",
                  "The Japan Patent Office halved its fees for first-time applicants from 10 December 2026.")
UNSIGNED_TEXT = ("---\ntitle: Design fees fall across the region\ndate: 2026-12-11\n---\n\n"
                 "Design filing fees fell at several offices of the region this month, a newsletter reports.\n")


def _published(clone: Path, result: JobResult) -> None:
    """Every path the workflow uploads is there, and the EPUB passed EPUBCheck."""
    missing = [p for p in UPLOADED if not (clone / p).is_file()]
    assert not missing, f"missing {missing}\n{result.log}"
    for path in UPLOADED:
        if path != "build/problems.txt":
            assert (clone / path).stat().st_size > 0, path
    check = result.step("Check the EPUB")
    assert check.ran and check.returncode == 0, result.log
    assert "EPUBCheck" in check.stdout and "0 error(s), 0 warning(s)" in check.stdout
    with zipfile.ZipFile(clone / "build/brief.epub") as book:
        assert book.namelist()[0] == "mimetype"
    assert (clone / "build/brief.pdf").read_bytes().startswith(b"%PDF-")


@pytest.fixture(scope="module")
def github(tmp_path_factory) -> GitHub:
    return GitHub(tmp_path_factory.mktemp("weekly"))


@pytest.fixture(scope="module")
def week1(github):
    return github.run("2026-12-01T09:00:00")  # a Tuesday: the edition is Monday's


@pytest.fixture(scope="module")
def week2(github, week1):
    github.commit("Notices of the week", {GOOD: GOOD_TEXT, BROKEN: "A broken notice\nUpdated: 13 45,2026\n\nText.\n"})
    return github.run("2026-12-07T06:17:00")


@pytest.fixture(scope="module")
def manual_runs(github, week2):
    kept = github.branch_commits()
    strict = github.run("2026-12-08T10:00:00", "workflow_dispatch", {"since": "7d", "until": "1d", "today": "",
                                                                    "strict": True, "save_edition": False})
    wide = github.run("2026-12-08T11:00:00", "workflow_dispatch", {"since": "30d", "until": "0d", "today": "",
                                                                  "strict": False, "save_edition": False})
    return kept, strict, wide


@pytest.fixture(scope="module")
def week3(github, manual_runs):
    github.commit("Revised and new", {GOOD: REVISED_TEXT, NEW: NEW_TEXT, UNSIGNED: UNSIGNED_TEXT})
    first = github.run("2026-12-14T06:17:00")
    again = github.run("2026-12-15T08:00:00")  # the same scheduled run, re-run the next day
    return first, again


def test_an_empty_week_publishes_everything_and_keeps_the_first_edition(github, week1):
    clone, result = week1
    assert not result.failed, result.log
    _published(clone, result)
    assert result.step("Edition date").outputs == {"edition": "2026-11-30"}
    digest = (clone / "build/digest.txt").read_text(encoding="utf-8")
    # CLDR's span, its thin spaces as plain ones in the plain-text digest
    assert "There were no notices in the period 23 – 29 November 2026." in digest
    assert "No earlier edition to compare with: nothing is marked new or revised." in digest
    assert "There were no notices in the period 23 – 29 November 2026." in result.summary
    assert github.editions() == ["editions/2026-11-30/digest.md.json", "editions/2026-11-30/digest.txt.json"]


def test_a_broken_file_costs_only_itself_and_is_an_annotation(github, week2):
    clone, result = week2
    assert not result.failed, result.log
    _published(clone, result)
    errors = [a for a in result.annotations if a.startswith("::error")]
    assert len(errors) == 1 and errors[0].startswith(f"::error file={BROKEN},title=ip5pub::"), result.annotations
    assert f"Fix: fix the file, or set the value in a sidecar {BROKEN}.meta.yaml" in errors[0]
    assert "::warning title=ip5pub::Some sources could not be read" in "\n".join(result.annotations)
    digest = (clone / "build/digest.txt").read_text(encoding="utf-8")
    assert "Since the edition of 30 November 2026: 1 new, 0 revised, 0 no longer in the sources" in \
        " ".join(digest.split())
    assert "1. [new] EPO opens a search service for small applicants" in digest
    assert "What needs attention" in result.summary and BROKEN in result.summary
    manifest = json.loads((clone / "build/digest.txt.json").read_text())
    assert manifest["edition"] == "2026-12-07" and manifest["window"] == {"since": "2026-11-30", "until": "2026-12-06"}
    assert "editions/2026-12-07/digest.txt.json" in github.editions()


def test_strict_fails_but_publishes_and_manual_runs_keep_mondays_edition(github, manual_runs):
    kept, (strict_clone, strict), (wide_clone, wide) = manual_runs
    assert strict.failed and strict.step("Verdict").returncode == 1, strict.log
    assert "Some sources could not be read (strict)" in strict.step("Verdict").stdout
    _published(strict_clone, strict)  # everything is still there to upload
    assert not wide.failed, wide.log
    _published(wide_clone, wide)
    assert "Notices from 8 November 2026 to 8 December 2026" in (wide_clone / "build/digest.txt").read_text()
    assert not strict.step("Keep this edition for next week").ran
    assert github.branch_commits() == kept  # neither moved the baseline
    assert not any(e.startswith("editions/2026-12-08") for e in github.editions())


def test_a_second_week_marks_revised_and_new_against_the_first_even_when_run_again(github, week3):
    for clone, result in week3:
        assert not result.failed, result.log
        _published(clone, result)
        assert result.step("Edition date").outputs == {"edition": "2026-12-14"}
        digest = (clone / "build/digest.txt").read_text(encoding="utf-8")
        assert "Since the edition of 7 December 2026: 2 new, 1 revised, 0 no longer in the sources" in \
            " ".join(digest.split()), digest
        assert "[new] JPO halves fees for first-time applicants" in digest
        assert "[revised] EPO opens a search service for small applicants" in digest
        markdown = (clone / "build/digest.md").read_text(encoding="utf-8")
        assert "**new** JPO halves fees" in markdown and "**revised** EPO opens a search service" in markdown
        # Before sending: the week's doubtful notice on the summary page, with the line that fixes it.
        doubts = result.summary.split("### Before sending: notices with doubts", 1)[1]
        assert "3 notices in 3 stories; 1 with doubts." in doubts
        assert "Design fees fall across the region" in doubts and "publisher-unknown" in doubts
        assert f"fix, in {UNSIGNED}.meta.yaml:" in doubts and 'publisher: "<who published it>"' in doubts
        assert "JPO halves fees" not in doubts  # a notice without doubts is in the artifact's page only
        assert "JPO halves fees for first-time applicants" in (clone / "build/review.html").read_text()
    assert github.editions() == sorted(f"editions/{d}/digest.{k}.json" for d in ("2026-11-30", "2026-12-07", "2026-12-14")
                                       for k in ("md", "txt"))
    assert "This edition is kept already." in week3[1][1].step("Keep this edition for next week").stdout


# Fetching: a workspace whose ip5pub.toml names an office's feed and a news
# list page (served by the test on 127.0.0.1, hence allow_private). The job
# fetches the week's notices, commits them with fetch's state, and digests
# them; the next week it asks only what changed, marks the revision revised,
# and a page that fails is an annotation that costs only itself.

FETCH_TOML = """[fetch]
user_agent = "ip5pub-weekly-test (+https://www.example.org/contact)"
allow_private = true  # the test's own server on 127.0.0.1
delay = 0
timeout = 2

[[fetch.feeds]]
url = "{url}/news/rss.xml"
name = "Example Office news"
pages = true

[[fetch.pages]]
url = "{url}/press/"
links = "ul.news-list a"
"""
HELP_DESK = ("EPO opens a help desk for small applicants", "2 December 2026",
             ["The European Patent Office opened a help desk for small applicants on 2 December 2026.",
              "It answers by telephone and e-mail in the three official languages."])
HELP_DESK_REVISED = (HELP_DESK[0], "10 December 2026",
                     [*HELP_DESK[2], "Since 10 December 2026 it also answers on Saturdays."])
FEE_FORM = ("JPO puts its fee reduction form online", "3 December 2026",
            ["The Japan Patent Office put its fee reduction request form online on 3 December 2026.",
             "Applicants no longer need to send it on paper."])
PPH_PILOT = ("KIPO and CNIPA extend their PPH pilot", "4 December 2026",
             ["The Korean Intellectual Property Office and CNIPA extended their Patent Prosecution Highway pilot "
              "by two years on 4 December 2026.", "Requests are accepted at either office."])
TRAINING = ("USPTO announces examiner training on AI inventions", "9 December 2026",
            ["The USPTO announced on 9 December 2026 a training programme for its examiners on inventions made "
             "with artificial intelligence.", "The first sessions start in January."])


def _feed(site, *items: tuple[tuple[str, str, list[str]], str, str]):
    from website import Response, rss

    return Response(rss([{"title": n[0], "link": site.url + path, "guid": path, "pubDate": pub, "description": n[2][0]}
                         for n, path, pub in items]).encode(), content_type="application/rss+xml", etag=f'"{len(items)}"')


@pytest.fixture(scope="module")
def office_site():
    from website import Response, Site, page

    with Site() as site:
        site["/news/rss.xml"] = _feed(site, (HELP_DESK, "/news/help-desk.html", "Wed, 02 Dec 2026 09:00:00 GMT"),
                                      (FEE_FORM, "/news/fee-form.html", "Thu, 03 Dec 2026 09:00:00 GMT"))
        site["/news/help-desk.html"] = Response(page(*HELP_DESK).encode(), etag='"help-desk-1"')
        site["/news/fee-form.html"] = Response(page(*FEE_FORM).encode())
        site["/press/"] = Response(b"<ul class='news-list'><li><a href='/press/pph.html'>PPH</a></li></ul>",
                                   last_modified="Fri, 04 Dec 2026 10:00:00 GMT")
        site["/press/pph.html"] = Response(page(*PPH_PILOT).encode())
        yield site


@pytest.fixture(scope="module")
def fetch_weeks(tmp_path_factory, office_site):
    from website import Response, page

    github = GitHub(tmp_path_factory.mktemp("weekly-fetch"))
    github.commit("Fetch the offices' news", {"ip5pub.toml": FETCH_TOML.format(url=office_site.url)})
    first = github.run("2026-12-07T06:17:00")
    # The next week: the help desk notice is revised, a notice is new, and its neighbour's page is down.
    office_site["/news/rss.xml"] = _feed(
        office_site, (TRAINING, "/news/training.html", "Wed, 09 Dec 2026 09:00:00 GMT"),
        (HELP_DESK_REVISED, "/news/help-desk.html", "Thu, 10 Dec 2026 09:00:00 GMT"),
        (("Office closes for the holidays", "11 December 2026", ["Closed."]), "/news/closed.html",
         "Fri, 11 Dec 2026 09:00:00 GMT"),
        (FEE_FORM, "/news/fee-form.html", "Thu, 03 Dec 2026 09:00:00 GMT"))
    office_site["/news/help-desk.html"] = Response(page(*HELP_DESK_REVISED).encode(), etag='"help-desk-2"')
    office_site["/news/training.html"] = Response(page(*TRAINING).encode())
    office_site["/news/closed.html"] = Response(b"down for maintenance", 500, "text/plain")
    asked = len(office_site.requests)
    second = github.run("2026-12-14T06:17:00")
    return github, first, second, office_site.requests[asked:]


FETCHED = "sources/fetched/127.0.0.1"


def test_the_job_fetches_the_week_s_notices_commits_them_and_digests_them(fetch_weeks, office_site):
    github, (clone, result), _, _ = fetch_weeks
    assert not result.failed, result.log
    _published(clone, result)
    fetched = result.step("Fetch the week's notices")
    assert fetched.outputs == {"status": "0"}
    assert fetched.stdout.splitlines() == [
        f"new      {FETCHED}/2026-12-02-epo-opens-a-help-desk-for-small-applicants.html",
        f"new      {FETCHED}/2026-12-03-jpo-puts-its-fee-reduction-form-online.html",
        f"new      {FETCHED}/2026-12-04-kipo-and-cnipa-extend-their-pph-pilot.html"]
    # Committed to main with fetch's state: next week's fresh clone has them.
    commit, = _git("log", "--format=%H", "--grep=Notices fetched for the edition of 2026-12-07", "main",
                   cwd=github.origin).split()
    on_main = _git("ls-tree", "-r", "--name-only", commit, "sources/fetched", cwd=github.origin).split()
    assert on_main == ["sources/fetched/.ip5pub-fetch.json", *(line.split()[1] for line in fetched.stdout.splitlines())]
    digest = (clone / "build/digest.txt").read_text(encoding="utf-8")
    for title in (HELP_DESK[0], FEE_FORM[0], PPH_PILOT[0]):
        assert title in digest
    assert "3 notices" in digest


def test_the_next_week_asks_only_what_changed_and_marks_the_revision(fetch_weeks, office_site):
    github, _, (clone, result), requests = fetch_weeks
    assert not result.failed, result.log  # a page that failed costs only itself
    _published(clone, result)
    fetched = result.step("Fetch the week's notices")
    assert fetched.outputs == {"status": "1"}
    assert fetched.stdout.splitlines()[:2] == [
        f"new      {FETCHED}/2026-12-09-uspto-announces-examiner-training-on-ai-inventions.html",
        f"revised  {FETCHED}/2026-12-02-epo-opens-a-help-desk-for-small-applicants.html"]  # its name kept
    warnings = [a for a in result.annotations if a.startswith("::warning")]
    assert f"::warning title=ip5pub::{office_site.url}/news/closed.html: HTTP 500 Internal Server Error (3 tries)" \
        in warnings
    assert "::warning title=ip5pub::Some feeds or pages could not be fetched; they are asked again next run." in warnings
    # What the first week saved came back with the repository: only changes are asked for.
    by_path = {r.path: r for r in requests}
    assert by_path["/press/"].headers["if-modified-since"] == "Fri, 04 Dec 2026 10:00:00 GMT"
    assert by_path["/news/rss.xml"].headers["if-none-match"] == '"2"'
    assert by_path["/news/help-desk.html"].headers["if-none-match"] == '"help-desk-1"'
    assert "/news/fee-form.html" not in by_path and "/press/pph.html" not in by_path
    digest = " ".join((clone / "build/digest.txt").read_text(encoding="utf-8").split())
    assert "Since the edition of 7 December 2026: 1 new, 1 revised, 0 no longer in the sources" in digest, digest
    assert f"[new] {TRAINING[0]}" in digest and f"[revised] {HELP_DESK[0]}" in digest
    assert "What needs attention" in result.summary and "closed.html: HTTP 500" in result.summary
    assert "Notices fetched for the edition of 2026-12-14" in _git("log", "-1", "--format=%s", "main",
                                                                   cwd=github.origin)
