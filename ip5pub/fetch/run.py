"""The fetch command: each configured source, its new items, each saved or said why not.

For each feed and news list page in [fetch]: a conditional GET (nothing
more when it has not changed); then each item not seen before, or changed
since (its feed entry or its link text differs), and not older than the
window: its page fetched (a feed with `pages = true`, a list page's link)
or the item itself saved as a one-item feed. A page is named by its own
date and title as the readers read them, so its file sorts and reads like
its notice. The state is saved after every notice, and a source's
validators only once all its items are in, so a run stopped anywhere
resumes where it stopped. One failed source or item costs only itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from dataclasses import dataclass, field
from pathlib import Path

from ip5pub.fetch import state as states
from ip5pub.fetch.client import FEED, PAGE, Client, FetchError
from ip5pub.fetch.config import Feed, FetchSettings, ListPage
from ip5pub.fetch.feeds import Item, NotAFeed, feed_items, page_links
from ip5pub.fetch.sources import SaveError, Saver, prepare, saved_page, sha256
from ip5pub.readers.context import ReadContext
from ip5pub.workspace import Workspace

MAX_NEW = 100  # items fetched from one source in one run; the rest wait for the next run


class NothingToFetch(Exception):
    pass


@dataclass(frozen=True)
class FetchRequest:
    since: dt.date  # items dated before this are not fetched
    dry_run: bool = False


@dataclass(frozen=True)
class Line:
    """One thing that happened: new, revised, failed, kept (a person's edit), refused (by
    robots.txt), later (too many new items at once), would fetch, unchanged or skipped
    (the last two shown with -v only)."""

    status: str
    subject: str  # the file saved, or the URL
    detail: str = ""  # the URL of a file saved; the reason of anything else
    note: str = ""  # said with a file saved: how it was saved


@dataclass
class FetchOutcome:
    lines: list[Line] = field(default_factory=list)
    requests: int = 0

    def count(self, status: str) -> int:
        return sum(1 for line in self.lines if line.status == status)


Report = Callable[[Line], None]
Progress = Callable[[str, int, int], None]


def page_facts(data: bytes, url: str, context: ReadContext) -> tuple[dt.date | None, str]:
    """The date and title the readers find in a fetched page (None, "" when they find none):
    the page's file is named as its notice will be."""
    from ip5pub.model import SourceRef
    from ip5pub.normalize import build_notice
    from ip5pub.readers import MAX_PAGE_TEXT, page_text
    from ip5pub.readers.html import READER

    if page_text(data) > MAX_PAGE_TEXT:
        return None, ""  # refused by the reader anyway, and slow to try
    try:
        read = READER.read(Path("fetched.html"), data, SourceRef(path=url, sha256=sha256(data), format="html"),
                           context)
        notice = build_notice(read.drafts[0])
    except Exception:  # naming only: whatever the reader says of the page, it says again at render time
        return None, ""
    return notice.date, notice.title


class _Run:
    def __init__(self, workspace: Workspace, request: FetchRequest, today: dt.date, state: states.State,
                 client: Client, report: Report, outcome: FetchOutcome):
        self.workspace, self.request, self.today, self.state = workspace, request, today, state
        self.client, self.report, self.outcome = client, report, outcome
        self.settings: FetchSettings = workspace.config.fetch
        self.state_path = states.path_in(workspace.root)
        self.saver = Saver(workspace.root, state, today)

    def say(self, status: str, subject: str, detail: str = "", note: str = "") -> None:
        line = Line(status, subject, detail, note)
        self.outcome.lines.append(line)
        self.report(line)

    def save_state(self) -> None:
        if not self.request.dry_run:
            states.save(self.state, self.state_path)

    @staticmethod
    def key(source: Feed | ListPage, item: Item) -> str:
        """A page is known by its address, wherever it was linked from; a feed item saved alone by its feed and guid."""
        if item.link and (isinstance(source, ListPage) or source.pages):
            return item.link
        return f"{source.url} {item.key}"

    def wanted(self, source: Feed | ListPage, item: Item) -> bool:
        seen = self.state.items.get(self.key(source, item))
        if seen is not None and seen.signature == item.signature:
            return False
        if item.date is not None and item.date < self.request.since and seen is None:
            self.say("skipped", item.link or item.title, f"dated {item.date}, before {self.request.since}")
            return False
        return True

    def source(self, source: Feed | ListPage, progress: Progress) -> bool:
        """Fetch one source and its new items; False when something of it failed."""
        known = self.state.sources.get(source.url, {})
        try:
            got = self.client.get(source.url, FEED if isinstance(source, Feed) else PAGE,
                                  known.get("etag"), known.get("last_modified"))
        except FetchError as exc:
            self.say("failed", source.url, str(exc))
            return False
        if got.status == 304:
            self.say("unchanged", source.url, "not modified since the last run")
            return True
        try:
            if isinstance(source, Feed):
                items = feed_items(got.body, got.charset, got.url)
            else:
                items = page_links(got.body, got.charset, got.url, source.links)
        except NotAFeed as exc:
            self.say("failed", source.url, str(exc))
            return False
        todo = [item for item in items if self.wanted(source, item)]
        complete = True
        total = min(len(todo), MAX_NEW)
        for n, item in enumerate(todo[:MAX_NEW]):
            progress(source.label, n, total)
            complete = self.guarded(item.link or source.url, partial(self.item, source, item)) and complete
            progress(source.label, n + 1, total)
        if len(todo) > MAX_NEW:
            self.say("later", source.url, f"{len(todo) - MAX_NEW} more new items are left for the next run "
                                          f"(at most {MAX_NEW} from one source in one run)")
            complete = False
        if not items and isinstance(source, ListPage):
            self.say("failed", source.url, f"its links selector {source.links!r} picks no link: has the page changed?")
            complete = False
        if complete:  # only now: a source whose items are not all in is asked again in full next run
            self.state.sources[source.url] = {k: v for k, v in (("etag", got.etag), ("last_modified", got.last_modified))
                                              if v}
            self.save_state()
        return complete

    def guarded(self, what: str, step: Callable[[], bool]) -> bool:
        """`step`, whose unexpected error is one line for `what` (a bug must not cost the other sources)."""
        try:
            return step()
        except (FetchError, NotAFeed, SaveError, OSError) as exc:
            self.say("failed", what, str(exc))
        except Exception as exc:
            self.say("failed", what, f"internal error: {type(exc).__name__}: {exc}")
        return False

    def item(self, source: Feed | ListPage, item: Item) -> bool:
        """Fetch and save one item; False when it failed (it is tried again next run)."""
        key = self.key(source, item)
        if self.request.dry_run:
            self.say("would fetch", item.link or f"{item.title} ({source.url})")
            return True
        if key != item.link:  # a feed item saved alone
            assert item.feed is not None
            return self.keep(key, item, item.link or source.url, item.feed, item.suffix, item.date)
        seen = self.state.items.get(key)
        etag, last_modified = (seen.etag, seen.last_modified) if seen is not None and seen.path else (None, None)
        try:
            got = self.client.get(key, PAGE, etag, last_modified)
        except FetchError as exc:
            if exc.robots and item.feed is not None:
                return self.keep(key, item, key, item.feed, item.suffix, item.date,
                                 note="its page is disallowed by robots.txt: the feed item is saved instead")
            if exc.robots:  # the site's answer, not a failure: said once, not asked again
                self.state.items[key] = states.Seen(url=key, signature=item.signature, note="disallowed by robots.txt")
                self.save_state()
                self.say("refused", key, "disallowed by its site's robots.txt: not fetched")
                return True
            self.say("failed", key, str(exc))
            return False
        if got.status == 304 and seen is not None:
            seen.signature = item.signature
            self.save_state()
            self.say("unchanged", seen.path or key, "not modified since the last run")
            return True
        data = saved_page(got.body, got.url, got.charset)
        date, title = page_facts(data, got.url, self.workspace.config.read_context)
        if seen is None and isinstance(source, ListPage) and date is not None and date < self.request.since:
            self.state.items[key] = states.Seen(url=key, signature=item.signature, note=f"dated {date}")
            self.save_state()
            self.say("skipped", key, f"dated {date}, before {self.request.since}")
            return True
        return self.keep(key, item, key, data, ".html", date or item.date, title or item.title,
                         (got.etag, got.last_modified))

    def keep(self, key: str, item: Item, url: str, data: bytes, suffix: str, date: dt.date | None,
             title: str | None = None, validators: tuple[str | None, str | None] = (None, None), note: str = "") -> bool:
        prior = self.state.items.get(key)
        try:
            saved = self.saver.save(key, url, data, suffix, date, title if title is not None else item.title)
        except (SaveError, OSError) as exc:
            self.say("failed", url, f"cannot save it: {exc}")
            return False
        written = saved.status in ("new", "revised")
        self.state.items[key] = states.Seen(
            url=url, path=saved.path, sha256=sha256(data) if written or prior is None else prior.sha256,
            signature=item.signature, etag=validators[0], last_modified=validators[1],
            saved=self.today.isoformat() if written or prior is None else prior.saved, note=note)
        self.save_state()
        if saved.status == "edited":
            self.say("kept", saved.path, f"edited by hand, so the new version of {url} is not saved over it")
        elif saved.status == "removed":
            self.say("skipped", url, f"{saved.path} was removed by hand; not fetched again")
        else:
            self.say(saved.status, saved.path, url, note)
        return True


def fetch(workspace: Workspace, request: FetchRequest, today: dt.date, report: Report,
          progress: Progress | None = None, client: Client | None = None) -> FetchOutcome:
    """Fetch every configured source into workspace/sources/fetched/; one Line per thing that happened."""
    settings = workspace.config.fetch
    if not settings.configured:
        raise NothingToFetch("ip5pub.toml names no [[fetch.feeds]] and no [[fetch.pages]]: nothing to fetch")
    if not request.dry_run:
        prepare(workspace.root)
    state = states.load(states.path_in(workspace.root))
    outcome = FetchOutcome()
    run = _Run(workspace, request, today, state, client or Client(settings), report, outcome)
    try:
        sources: list[Feed | ListPage] = [*settings.feeds, *settings.pages]
        for source in sources:
            run.guarded(source.url, partial(run.source, source, progress or _quiet))
    finally:
        outcome.requests = run.client.requests
        if client is None:
            run.client.close()
    return outcome


def _quiet(label: str, done: int, total: int) -> None:
    pass
