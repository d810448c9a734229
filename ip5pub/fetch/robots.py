"""robots.txt, once per site and run, read as RFC 9309 says.

200: its rules apply (to the user agent's product token, else to `*`);
a 4xx: there are none; a 5xx: the site is not fetched this run (it may be
down, and its rules cannot be known). A site that does not answer at all
is not fetched either: the getter's error (DNS, TLS, an address refused)
is raised again for each of its URLs, as it is the reason. Parsed by
urllib.robotparser; its Crawl-delay lengthens the pause between requests.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

MAX_ROBOTS = 512 * 1024  # RFC 9309: parse at least 500 KiB
MAX_CRAWL_DELAY = 30.0  # seconds; a site asking for more gets this much


class RobotsUnreachable(Exception):
    pass


# (status, body) of GET /robots.txt; raises an exception with a one-line reason
# when the site does not answer at all.
RobotsGetter = Callable[[str], tuple[int, bytes]]


class Robots:
    def __init__(self, get: RobotsGetter, user_agent: str):
        self.get = get
        self.user_agent = user_agent
        self.sites: dict[str, RobotFileParser | Exception | None] = {}

    @staticmethod
    def site(url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme.lower()}://{parts.netloc.lower()}"

    def _rules(self, url: str) -> RobotFileParser | None:
        site = self.site(url)
        if site not in self.sites:
            self.sites[site] = self._load(site)
        rules = self.sites[site]
        if isinstance(rules, Exception):
            raise rules
        return rules

    def _load(self, site: str) -> RobotFileParser | Exception | None:
        try:
            status, body = self.get(site + "/robots.txt")
        except Exception as exc:  # the getter's one-line reason: the site is skipped, the run goes on
            return exc
        if status >= 500:
            return RobotsUnreachable(f"its robots.txt answered HTTP {status}: nothing fetched from {site} this run")
        if status >= 400 or status != 200:
            return None  # no robots.txt: no rules
        parser = RobotFileParser()
        parser.parse(body[:MAX_ROBOTS].decode("utf-8", "replace").splitlines())
        return parser

    def allowed(self, url: str) -> bool:
        """May `url` be fetched? RobotsUnreachable when its site's rules cannot be known."""
        rules = self._rules(url)
        return rules is None or rules.can_fetch(self.user_agent, url)

    def delay(self, url: str) -> float:
        """The Crawl-delay the site asks of us (0 when none, or not yet known)."""
        rules = self.sites.get(self.site(url))
        if not isinstance(rules, RobotFileParser):
            return 0.0
        try:
            asked = float(rules.crawl_delay(self.user_agent) or 0)
        except ValueError:
            return 0.0
        return min(max(asked, 0.0), MAX_CRAWL_DELAY)
