"""What the layout workers' fork server imports before it forks them:
WeasyPrint, loaded without the slow library lookups (ip5pub.system), and
the hyphenation patterns of the languages the build is likely to lay out
(ip5pub.layoutserver passes them in an environment variable): pyphen
reads a language's patterns once per process, and every worker paid them
again before its first line in that language.

Then everything it holds is frozen out of the garbage collector: a
worker's collections would otherwise write to every imported object's
header, copying the server's pages into each worker (a 10-notice build's
layout worker held about 10 MB less with them frozen, and its full
collections skip those objects)."""

import gc
import os

import pyphen

from ip5pub.layoutserver import DEFAULT_LANGUAGES, LANGUAGES_VARIABLE, MAX_LANGUAGES
from ip5pub.system import import_weasyprint

import_weasyprint()
for _tag in os.environ.get(LANGUAGES_VARIABLE, ",".join(DEFAULT_LANGUAGES)).split(",")[:MAX_LANGUAGES]:
    _found = pyphen.language_fallback(_tag) if _tag else None  # as WeasyPrint looks a language up
    if _found:
        pyphen.Pyphen(lang=_found)  # kept in pyphen.hdcache, which WeasyPrint's dictionaries read
gc.freeze()
