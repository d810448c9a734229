"""Which addresses `ip5pub fetch` may connect to, checked on the address it connects to.

A configured URL, a link in a feed and every redirect can name a host that
resolves to the machine itself, the office network or the cloud's metadata
service. The check cannot be made on the name ahead of the request: a
second lookup can answer differently (DNS rebinding). So the connection
itself goes through `GuardedBackend`: it resolves the name once, refuses
the addresses the policy refuses, and connects to an address it checked;
TLS is still verified against the name.

Never: link-local (169.254.0.0/16, fe80::/10: the metadata services),
multicast, unspecified, reserved. Only with allow_private = true:
loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), shared
(100.64/10) and the other non-global ranges (intranets and tests).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import Any

import httpcore

Resolver = Callable[[str, int], list[tuple[Any, ...]]]


class AddressRefused(Exception):
    """The host resolves only to addresses the policy refuses."""

    def __init__(self, host: str, address: str, why: str, fixable: bool):
        self.host, self.address, self.why, self.fixable = host, address, why, fixable
        super().__init__(f"{address} is {why}" if host.strip("[]") == address else f"{host} is {address}, {why}")


class NameNotResolved(Exception):
    def __init__(self, host: str, reason: str):
        self.host, self.reason = host, reason
        super().__init__(f"{host}: {reason}")


def refusal(address: str, allow_private: bool) -> tuple[str, bool] | None:
    """Why `address` may not be connected to, and whether allow_private would allow it; None if it may."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):  # an IPv4 address inside an IPv6 one is that IPv4 address
        embedded = ip.ipv4_mapped or ip.sixtofour
        ip = embedded if embedded is not None else ip
    if ip.is_link_local:
        return "a link-local address (where cloud metadata services answer): never fetched", False
    if ip.is_multicast or ip.is_unspecified:
        return "not the address of a web server: never fetched", False
    if ip.is_global:
        return None
    if ip.is_loopback or ip.is_private and not ip.is_reserved or ip in _SHARED:
        if allow_private:
            return None
        kind = "a loopback" if ip.is_loopback else "a private"
        return f"{kind} address: refused unless [fetch] allow_private = true (for intranets and tests)", True
    return "a reserved address: never fetched", False


_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT: an operator's internal network


def _resolve(host: str, port: int) -> list[tuple[Any, ...]]:
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's own socket backend, connecting only to addresses the policy allows."""

    def __init__(self, allow_private: bool, resolve: Resolver = _resolve):
        self.allow_private = allow_private
        self.resolve = resolve

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        try:
            infos = self.resolve(host, port)
        except socket.gaierror as exc:
            raise NameNotResolved(host, exc.strerror or str(exc)) from None
        except UnicodeError:
            raise NameNotResolved(host, "not a valid host name") from None
        allowed: list[str] = []
        refused: AddressRefused | None = None
        for family, _, _, _, sockaddr in infos:
            if family not in (socket.AF_INET, socket.AF_INET6):
                continue
            address = str(sockaddr[0])
            why = refusal(address, self.allow_private)
            if why is None:
                allowed.append(address)
            elif refused is None:
                refused = AddressRefused(host, address, *why)
        if not allowed:
            raise refused or NameNotResolved(host, "no address")
        error: Exception | None = None
        for address in dict.fromkeys(allowed):
            try:
                return super().connect_tcp(address, port, timeout=timeout, local_address=local_address,
                                           socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error
