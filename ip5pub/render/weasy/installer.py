"""How each change to WeasyPrint is installed: once per process."""

from __future__ import annotations

import functools
from collections.abc import Callable


class Installer:
    """A change to WeasyPrint, made by the first call only.

    The function it wraps checks that WeasyPrint's internals are the ones
    it was written for, changes them and returns True; or finds them
    otherwise, leaves them as they are and returns False. Either way it is
    not run again, nor after an exception (a change is not half made
    twice). `installed` says which: None before the first call.
    """

    def __init__(self, install: Callable[[], bool]) -> None:
        self._install = install
        self.installed: bool | None = None
        functools.update_wrapper(self, install)

    def __call__(self) -> None:
        if self.installed is None:
            self.installed = False
            self.installed = self._install()
