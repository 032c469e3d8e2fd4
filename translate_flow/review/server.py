"""Serving the review application: a socket on a local address, uvicorn, and its URL."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

import uvicorn

from .app import create_app, origins_for
from .workspace import Workspace

__all__ = ["Served", "is_loopback", "serve_on"]


@dataclass
class Served:
    """A review server bound to its socket, not yet running: :meth:`run` serves until
    Ctrl+C (or :attr:`server`.should_exit), then closes the socket."""

    url: str
    server: uvicorn.Server
    sock: socket.socket

    def run(self) -> None:
        try:
            self.server.run(sockets=[self.sock])
        except KeyboardInterrupt:
            pass  # uvicorn has shut down cleanly and passes the Ctrl+C on: it is how one stops
        finally:
            self.sock.close()


def is_loopback(host: str) -> bool:
    """True when *host* is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve_on(workspace: Workspace, host: str = "127.0.0.1", port: int = 0, *, token: str | None = None) -> Served:
    """Bind *host*:*port* (0: a free port) and make the server for *workspace* there."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Answers go out in two writes (head, body); without this the second waits for the
    # client's delayed acknowledgement of the first, 40 ms on Linux. Connections inherit it.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    bound = sock.getsockname()[1]
    hosts = origins_for(host, bound)
    if host in ("0.0.0.0", "::"):  # every interface: the names this machine goes by
        names = {"127.0.0.1", "localhost", socket.gethostname(), socket.getfqdn()}
        hosts = tuple(sorted(set(hosts) | {f"{name}:{bound}" for name in names}))
    app = create_app(workspace, hosts=hosts, token=token)
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    shown = f"[{host}]" if ":" in host else host
    return Served(f"http://{shown}:{bound}/", uvicorn.Server(config), sock)
