"""`ip5pub fetch`: the week's notices from the feeds and news pages a workspace names.

The only stage that uses the network. Light to import (the CLI's --help
imports nothing of it); httpx loads only when a fetch runs.

    config.py   [fetch] in ip5pub.toml, checked like every other setting
    guard.py    which addresses may be connected to (checked on the address used)
    client.py   one polite HTTP client: robots.txt, one request per host at a time,
                conditional GET, bounded bodies, redirects and retries
    body.py     response bodies decoded (gzip, deflate, br) within a byte budget
    robots.py   robots.txt per host
    feeds.py    a feed's items and a news page's links
    state.py    what was fetched before (the state file, written atomically)
    sources.py  where a notice is saved in sources/, and never over a person's edit
    run.py      the command: sources -> items -> saved notices, one line each
"""
