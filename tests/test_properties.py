"""Properties over generated notices: normalizing is idempotent and keeps every body sentence."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest

from hypothesis import HealthCheck, assume, event, given, settings
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
@pytest.mark.slow
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


# Arbitrary and hostile input: every reader either succeeds idempotently or
# rejects with SourceError (one line); any other exception is a bug.

from ip5pub.model import SourceError  # noqa: E402

# How many examples: the hypothesis profile's (conftest.py): 60 while
# iterating, 300 in CI (.ci/run passes --hypothesis-profile=ci).
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow],
                derandomize=True)  # the same examples on every run: CI failures are reproducible


def _succeeds_idempotently_or_is_refused(name: str, data: bytes) -> str:
    try:
        outputs = _normalize_file(name, data)
    except SourceError as exc:
        assert "\n" not in str(exc) and str(exc).startswith(name + ":"), str(exc)
        event(f"refused: {exc.reason.split('(')[0].split(':')[0][:40]}")
        return "refused"
    for first in outputs:
        [second] = _normalize_file("n.md", first.encode("utf-8"))
        assert second == first
    event("read")
    return "read"


TEXTY = st.text(st.characters(blacklist_categories=["Cs"]), max_size=300)
LINE = st.one_of(TEXTY.map(lambda s: s.replace("\n", " ")), LATIN_SENTENCE, CJK_SENTENCE,
                 DATE.map(lambda d: f"Date: {d.isoformat()}"), st.sampled_from(
                     ["Updated: 13 45,2021", "Updated: 6 29,2021", "2021年6月24日", "Source: CNIPA", "# Heading",
                      "---", "title: x", "\u00a0\u3000", "Keywords: IP5", "* * *", "> quote", "1. item", "| a | b |"]))


@FUZZ
@given(lines=st.lists(LINE, max_size=12), ext=st.sampled_from(["txt", "md"]))
def test_arbitrary_text(lines, ext):
    _succeeds_idempotently_or_is_refused(f"n.{ext}", "\n".join(lines).encode("utf-8"))


@FUZZ
@given(data=st.binary(max_size=400), ext=st.sampled_from(["txt", "md", "html", "rss", "docx"]))
def test_arbitrary_bytes(data, ext):
    _succeeds_idempotently_or_is_refused(f"n.{ext}", data)


HOSTILE_ATTR = st.sampled_from(['', ' onclick="alert(1)"', ' href="javascript:alert(1)"', ' src="file:///etc/passwd"',
                                ' style="background:url(http://127.0.0.1:9/x)"', ' class="nav"', ' id="footer"'])
TAG = st.sampled_from(["p", "div", "span", "a", "b", "script", "style", "iframe", "object", "h1", "h2", "li", "ul",
                       "table", "tr", "td", "article", "nav", "img", "br", "time", "pre", "blockquote"])
HTML_TEXT = st.one_of(LATIN_SENTENCE, CJK_SENTENCE, TEXTY, st.sampled_from(["&amp;", "&lt;", "&nbsp;", "<", "&#0;", "]]>"]))
FRAGMENT = st.recursive(HTML_TEXT, lambda inner: st.builds(
    lambda tag, attr, kids: f"<{tag}{attr}>{''.join(kids)}</{tag}>", TAG, HOSTILE_ATTR, st.lists(inner, max_size=4)),
    max_leaves=25)


@FUZZ
@given(title=st.one_of(LATIN_SENTENCE, TEXTY), date=st.one_of(DATE.map(str), TEXTY), parts=st.lists(FRAGMENT, max_size=6),
       whole=st.booleans())
@pytest.mark.slow
def test_html_fragments(title, date, parts, whole):
    body = "".join(parts)
    page = f"<html><head><title>{title}</title></head><body><h1>{title}</h1><p>{date}</p>{body}</body></html>" if whole else body
    _succeeds_idempotently_or_is_refused("n.html", page.encode("utf-8"))


XML_CHARS = st.text(st.characters(blacklist_categories=["Cs", "Cc"]), max_size=200)
XML_TEXT = st.one_of(LATIN_SENTENCE, CJK_SENTENCE, XML_CHARS.map(lambda s: s.replace("&", "&amp;").replace("<", "&lt;")),
                     st.sampled_from(["&xxe;", "&amp;", "<![CDATA[<p>Para.</p><script>x</script>]]>", "&#1;", "<b>x</b>"]))
RFC822 = DATE.map(lambda d: d.strftime("%a, %d %b %Y 08:00:00 +0000"))
ITEM = st.builds(lambda t, d, body: f"<item><title>{t}</title><pubDate>{d}</pubDate><description>{body}</description></item>",
                 XML_TEXT, st.one_of(RFC822, RFC822, XML_TEXT), st.lists(XML_TEXT, max_size=4).map(" ".join))
DOCTYPE = st.sampled_from(["", '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
                           '<!DOCTYPE rss [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'])


@FUZZ
@given(doctype=DOCTYPE, title=XML_TEXT, items=st.lists(ITEM, max_size=4), atom=st.booleans())
def test_feed_xml(doctype, title, items, atom):
    if atom:
        entries = "".join(i.replace("<item>", "<entry>").replace("</item>", "</entry>").replace("pubDate", "updated")
                          .replace("description", "summary") for i in items)
        xml = f'{doctype}<feed xmlns="http://www.w3.org/2005/Atom"><title>{title}</title>{entries}</feed>'
    else:
        xml = f'{doctype}<rss version="2.0"><channel><title>{title}</title>{"".join(items)}</channel></rss>'
    _succeeds_idempotently_or_is_refused("n.rss", f'<?xml version="1.0"?>{xml}'.encode())


YAML_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXTY, DATE,
                        st.sampled_from(["CNIPA", "EPO", "XYZPO", "yesterday", "2021-02-30", "../../etc", "CON"]))
YAML_VALUE = st.recursive(YAML_SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                               st.dictionaries(TEXTY, inner, max_size=3)), max_leaves=8)
KEYS = st.sampled_from(["id", "title", "date", "office", "publisher", "language", "summary", "source", "event",
                        "offices", "acronyms", "words", "duplicates", "translated_from", "attribution", "extra"])
RAW_YAML = st.sampled_from(["title: !!python/object/apply:os.system ['touch /tmp/ip5pub-pwned']", "a: &x [1]\nb: *x",
                            "title: [unclosed", "- a list", "title: 'x'\ndate: !!timestamp 2021-06-29", ": :", "\t"])


@FUZZ
@given(meta=st.fixed_dictionaries({"title": st.one_of(LATIN_SENTENCE, YAML_VALUE), "date": st.one_of(DATE, YAML_VALUE)},
                                  optional={k: YAML_VALUE for k in KEYS.elements if k not in ("title", "date")}),
       raw=st.one_of(st.none(), st.none(), RAW_YAML),
       body=st.lists(st.one_of(LATIN_SENTENCE, LATIN_SENTENCE, TEXTY), max_size=4).map("\n\n".join))
@pytest.mark.slow
def test_front_matter(meta, raw, body):
    import yaml

    head = raw if raw is not None else yaml.safe_dump(meta, allow_unicode=True)
    _succeeds_idempotently_or_is_refused("n.md", f"---\n{head}\n---\n\n{body}\n".encode())
    assert not Path("/tmp/ip5pub-pwned").exists()
