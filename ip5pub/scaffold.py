"""`ip5pub init`: a new workspace, with settings, a sample notice and a styles folder."""

from __future__ import annotations

from pathlib import Path

from ip5pub.workspace import CONFIG_NAME, packaged_samples


class WorkspaceExists(FileExistsError):
    pass


def create(directory: Path) -> Path:
    """Make the workspace in `directory`; returns its sources folder.

    Raises WorkspaceExists when the folder has an ip5pub.toml already.
    """
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / CONFIG_NAME
    if config.exists():
        raise WorkspaceExists(f"{config} exists already; not overwriting a workspace")
    config.write_text(
        '# ip5pub workspace settings; command-line options win over these.\n'
        'title = "IP5 Briefing"\n'
        'subtitle = "News from the world\'s patent offices"\n'
        'organisation = ""\n'
        'language = "en"       # the brief\'s words and dates: en, zh, ja, ko, fr or de\n'
        'paper = "A4"          # or "Letter"\n'
        'digest_width = 72\n'
        'glance_limit = 60     # the at-a-glance table only for briefs of at most this many stories\n'
        '\n'
        '# A site whose pages are read wrong can be fixed once with CSS selectors,\n'
        '# applied before the generic rules (the host of the page\'s canonical URL):\n'
        '# [sites."www.example.org"]\n'
        '# title = "td.subject"\n'
        '# date = "span.date"\n'
        '# body = "div.view-content"\n'
        '# drop = ["div.share", "table.prev-next"]\n'
        '\n'
        '# `ip5pub fetch` collects new notices from feeds and news pages into\n'
        '# sources/fetched/ (see the README: respect each site\'s terms of use):\n'
        '# [fetch]\n'
        '# user_agent = "ip5pub (+https://www.example.org/contact)"  # who you are: a web or e-mail address\n'
        '# [[fetch.feeds]]\n'
        '# url = "https://www.example.org/news/rss.xml"\n'
        '# pages = true                 # save each item\'s page, not only the item\n'
        '# [[fetch.pages]]\n'
        '# url = "https://www.example.org/news/"\n'
        '# links = "ul.news-list a"     # CSS selector of the links to the notices\n',
        encoding="utf-8",
    )
    sources = directory / "sources"
    sources.mkdir(exist_ok=True)
    for sample in sorted(packaged_samples().glob("cnipa-*.txt")):
        target = sources / sample.name
        if not target.exists():
            target.write_bytes(sample.read_bytes())
    styles = directory / "styles"
    styles.mkdir(exist_ok=True)
    (styles / "README.md").write_text(
        "Put a file here with the name of a packaged template or stylesheet\n"
        "(brief.html, brief.css, epub.css, epub/*, digest.txt, partials/*.txt)\n"
        "to replace it. `{% extends \"packaged/brief.html\" %}` extends the original.\n",
        encoding="utf-8",
    )
    return sources
