"""Properties over generated notices: normalizing is idempotent and keeps every body sentence."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ip5pub import markdown, normalize
from ip5pub.readers import read_source

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=9)
CJK = st.text(alphabet="会议通过联合声明专利审查高速路知识产权局五局合作新兴技术", min_size=4, max_size=20)
LATIN_SENTENCE = st.builds(lambda ws, end: " ".join(ws).capitalize() + end,
                           st.lists(WORD, min_size=3, max_size=14), st.sampled_from([".", "!", "?"]))
CJK_SENTENCE = st.builds(lambda s: s + "。", CJK)
PARAGRAPH = st.one_of(st.lists(LATIN_SENTENCE, min_size=1, max_size=4).map(" ".join),
                      st.lists(CJK_SENTENCE, min_size=1, max_size=4).map("".join))
DATE = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2035, 12, 31))


def _normalize_file(name: str, data: bytes) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        return [normalize.to_markdown(normalize.build_notice(d)) for d in read_source(path, name)]


def _source(kind: str, title: str, date: dt.date, paras: list[str]) -> tuple[str, bytes]:
    if kind == "txt":
        text = f"{title}\nDate: {date.isoformat()}\n\n" + "\n\n".join(paras) + "\n"
        return "n.txt", text.encode("utf-8")
    if kind == "html":
        body = "".join(f"<p>{markdown.escape(p)}</p>" for p in paras)
        page = (f"<html><head><title>{title} | Example</title></head><body><div class='nav'>Home | News</div>"
                f"<article><h1>{title}</h1><p>{date.isoformat()}</p>{body}</article></body></html>")
        return "n.html", page.encode("utf-8")
    items = "".join(f"<p>{p}</p>" for p in paras).replace("&", "&amp;").replace("<", "&lt;")
    feed = (f"<rss version='2.0'><channel><title>Example</title><item><title>{title}</title>"
            f"<pubDate>{date.strftime('%a, %d %b %Y')} 08:00:00 +0000</pubDate><description>{items}</description></item></channel></rss>")
    return "n.rss", feed.encode("utf-8")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(["txt", "html", "rss"]), title=LATIN_SENTENCE.map(lambda s: s.rstrip(".!?")),
       date=DATE, paras=st.lists(PARAGRAPH, min_size=1, max_size=5))
def test_normalizing_is_idempotent_and_keeps_every_sentence(kind, title, date, paras):
    # A paragraph that only repeats the headline is the headline, not article text.
    assume(all(p.rstrip(".!?") != title for p in paras))
    name, data = _source(kind, title, date, paras)
    [first] = _normalize_file(name, data)
    [second] = _normalize_file("n.md", first.encode("utf-8"))
    assert second == first
    plain = " ".join(markdown.to_plain(first.split("\n---\n", 1)[1]).split())
    for para in paras:
        assert " ".join(para.split()) in plain
