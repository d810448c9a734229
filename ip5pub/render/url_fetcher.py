"""WeasyPrint's URL fetcher for ip5pub (not a downloader: a render loads nothing
from the network). The only resources a PDF render may load are data: URIs
and files under the styles folders.

WeasyPrint routes every load (stylesheets, @import, url(), images,
attachments) through this fetcher; anything a notice names — http(s), file
paths outside the styles folders, ftp — is refused and recorded.
"""

from __future__ import annotations

import base64
import urllib.parse
import urllib.request
from pathlib import Path

from weasyprint.urls import URLFetcher, URLFetcherResponse

from ip5pub.workspace import Workspace, style_roots

MAX_RESOURCE = 16 * 1024 * 1024


class StylesOnlyFetcher(URLFetcher):
    """Serves files under `roots` (default: the packaged and the workspace's styles)."""

    def __init__(self, workspace: Workspace | None = None, roots: list[Path] | None = None, **kwargs):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, **kwargs)
        self.roots = style_roots(workspace) if roots is None else roots
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return self._data(url)
        if scheme == "file":
            path = Path(urllib.request.url2pathname(urllib.parse.urlsplit(url).path)).resolve()
            if any(path.is_relative_to(root) for root in self.roots) and path.is_file():
                if path.stat().st_size > MAX_RESOURCE:
                    return self._refuse(url, "too large")
                return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": _mime(path)})
        return self._refuse(url, "not a packaged or workspace style")

    def _data(self, url: str) -> URLFetcherResponse:
        header, _, payload = url[5:].partition(",")
        if len(payload) > MAX_RESOURCE * 4 // 3:
            return self._refuse(url, "too large")
        mime = header.split(";")[0] or "text/plain"
        body = base64.b64decode(payload) if header.endswith(";base64") else urllib.parse.unquote_to_bytes(payload)
        return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})

    def _refuse(self, url: str, why: str):
        self.refused.append(url)
        raise ValueError(f"ip5pub refused to load {url[:80]}: {why}")


def _mime(path: Path) -> str:
    return {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
            ".jpeg": "image/jpeg", ".woff2": "font/woff2", ".woff": "font/woff", ".otf": "font/otf",
            ".ttf": "font/ttf"}.get(path.suffix.lower(), "application/octet-stream")
