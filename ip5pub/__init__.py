"""ip5pub: patent-office news notices -> PDF briefing, EPUB bundle, text digest."""

__version__ = "0.1.0"
