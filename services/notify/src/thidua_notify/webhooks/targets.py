"""Where a webhook may go. In production a target must be https and every address its host resolves
to must be public: private (10/8, 172.16/12, 192.168/16, fc00::/7), loopback, link-local (169.254/16,
the cloud metadata address among them, fe80::/10), multicast, reserved and unspecified addresses are
refused, as are IPv4 addresses mapped into IPv6. Development allows them (a receiver on the laptop)."""

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

Resolver = Callable[[str, int], Awaitable[list[str]]]


class TargetRefused(Exception):
    def __init__(self, reason: str, address: str = ""):
        super().__init__(f"{reason} {address}".strip())
        self.reason, self.address = reason, address


async def resolve(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def refused_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


async def check_target(url: str, environment: str, resolver: Resolver = resolve) -> list[str]:
    """The addresses the URL's host resolves to; raises TargetRefused (reason: scheme, host,
    unresolvable, private_address) when a production notify may not send there."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or (environment == "production" and parts.scheme != "https"):
        raise TargetRefused("scheme")
    if not parts.hostname:
        raise TargetRefused("host")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = await resolver(parts.hostname, port)
    except OSError:
        raise TargetRefused("unresolvable") from None
    if not addresses:
        raise TargetRefused("unresolvable")
    if environment != "development":
        for address in addresses:  # every address: a name that resolves to one public and one private is refused
            if refused_address(address):
                raise TargetRefused("private_address", address)
    return addresses
