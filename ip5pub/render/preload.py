"""What the layout workers' fork server imports before it forks them:
WeasyPrint, loaded without the slow library lookups (ip5pub.system), and
English hyphenation patterns (most notices are in English): pyphen reads a
language's patterns once per process, 0.09 s for English, which every
worker paid again before its first English line.

Then everything it holds is frozen out of the garbage collector: a
worker's collections would otherwise write to every imported object's
header, copying the server's pages into each worker (a 10-notice build's
layout worker held about 10 MB less with them frozen, and its full
collections skip those objects)."""

import gc

import pyphen

from ip5pub.system import import_weasyprint

import_weasyprint()
pyphen.Pyphen(lang="en")  # kept in pyphen.hdcache, which WeasyPrint's dictionaries read
gc.freeze()
