"""The web app's server: Voilà serving the scenario workbook, made safe for an office network.

- **Host check**: every HTTP request (pages, static files, kernel websockets) whose `Host`
  header is not one of the allowed names is refused with 403 before any handler sees it, so a
  page on another site cannot reach the app through DNS rebinding. Allowed: `localhost`,
  `127.0.0.1`, `[::1]`, and the `--host` given (for `0.0.0.0` also this machine's names).
- **One kernel per browser session** (Voilà's way), a cap on how many run at once, and idle
  kernels culled.
- **Stops cleanly**: SIGTERM or Ctrl+C stops the server and shuts every kernel down; the
  sessions' folders live under one root that is removed when the server stops.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import re
import shutil
import socket
import tempfile
from collections.abc import Iterable
from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import httputil, web
from tornado.httpserver import HTTPServer
from traitlets import Int, List, Unicode
from voila.app import Voila

from planner.resources import SESSION_ROOT_ENV

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
REFUSED = (
    "403: this address is not served here. Open the app at the address the planner app printed.\n"
    "403：本服务不接受这个地址的访问，请使用启动时显示的地址。\n"
).encode()
FULL = (
    "Too many open sessions of the planner app; close a tab or try again in a few minutes.\n"
    "打开的会话过多，请关闭一个页面或稍后再试。"
)


def host_name(header: str) -> str:
    """The host of a `Host` header, without port or IPv6 brackets, lower case."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    match = re.match(r"^([^:]*)(:\d+)?$", header)
    return match.group(1) if match else header


def allowed_hosts(host: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """The names a browser may use to reach a server listening on `host`."""
    names = {*LOOPBACK_NAMES, host.lower(), *(e.lower() for e in extra)}
    if host in ("0.0.0.0", "::", ""):
        hostname = socket.gethostname()
        names |= {hostname.lower(), socket.getfqdn().lower()}
        with contextlib.suppress(OSError):
            names |= set(socket.gethostbyname_ex(hostname)[2])
    return frozenset(n for n in names if n)


def host_allowed(header: str | None, allowed: frozenset[str]) -> bool:
    if not header:
        return False
    name = host_name(header)
    if name in allowed:
        return True
    try:  # any loopback address (127.x.y.z) is this machine
        return ipaddress.ip_address(name).is_loopback and "127.0.0.1" in allowed
    except ValueError:
        return False


class _GuardedRequest(httputil.HTTPMessageDelegate):
    """Passes a request on to the app only when its Host header is allowed."""

    def __init__(
        self,
        inner: httputil.HTTPMessageDelegate,
        connection: httputil.HTTPConnection,
        allowed: frozenset[str],
    ) -> None:
        self.inner, self.connection, self.allowed = inner, connection, allowed
        self.refused = False

    def headers_received(
        self,
        start_line: httputil.RequestStartLine | httputil.ResponseStartLine,
        headers: httputil.HTTPHeaders,
    ) -> Any:
        if host_allowed(headers.get("Host"), self.allowed):
            return self.inner.headers_received(start_line, headers)
        self.refused = True
        reply = httputil.HTTPHeaders(
            {
                "Content-Type": "text/plain; charset=utf-8",
                "Content-Length": str(len(REFUSED)),
                "Connection": "close",
            }
        )
        self.connection.write_headers(
            httputil.ResponseStartLine("HTTP/1.1", 403, "Forbidden"), reply, REFUSED
        )
        self.connection.finish()
        return None

    def data_received(self, chunk: bytes) -> Any:
        return None if self.refused else self.inner.data_received(chunk)

    def finish(self) -> None:
        if not self.refused:
            self.inner.finish()

    def on_connection_close(self) -> None:
        if not self.refused:
            self.inner.on_connection_close()


class HostGuard(httputil.HTTPServerConnectionDelegate):
    """A tornado application behind a Host-header check (the app's own attributes pass through)."""

    def __init__(self, app: web.Application, allowed: frozenset[str]) -> None:
        self.app, self.allowed = app, allowed

    def start_request(
        self, server_conn: object, request_conn: httputil.HTTPConnection
    ) -> httputil.HTTPMessageDelegate:
        return _GuardedRequest(self.app.start_request(server_conn, request_conn), request_conn, self.allowed)

    def on_close(self, server_conn: object) -> None:
        self.app.on_close(server_conn)

    def listen(self, port: int, address: str = "", **kwargs: Any) -> HTTPServer:
        server = HTTPServer(self, **kwargs)
        server.listen(port, address)
        return server

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)


class SessionKernelManager(AsyncMappingKernelManager):
    """Voilà's kernel manager with a cap on how many kernels (browser sessions) run at once."""

    max_kernels = Int(8, config=True, help="Most kernels running at once; 0 = no cap.")

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:  # type: ignore[override]
        if self.max_kernels and len(self.list_kernel_ids()) >= self.max_kernels:
            # cull what is idle before refusing
            await self.cull_kernels()
            if len(self.list_kernel_ids()) >= self.max_kernels:
                raise web.HTTPError(503, FULL, reason="Too many sessions")
        kernel_id: str = await super().start_kernel(*args, **kwargs)
        return kernel_id


class DudaoVoila(Voila):  # type: ignore[misc]
    """Voilà with the Host check in front of every request."""

    name = "planner-app"
    allowed_host_names = List(Unicode(), config=True, help="Host names browsers may use.")

    def listen(self) -> None:
        names = frozenset(self.allowed_host_names) or allowed_hosts(self.ip)
        self.app: Any = HostGuard(self.app, names)
        super().listen()


def voila_argv(
    notebook: str,
    *,
    host: str,
    port: int,
    extra_hosts: Iterable[str] = (),
    max_sessions: int = 8,
    idle_minutes: float = 30,
) -> list[str]:
    """The command line for DudaoVoila (kept apart so tests can read the settings)."""
    names = sorted(allowed_hosts(host, extra_hosts))
    return [
        notebook,
        f"--port={port}",
        "--port_retries=0",
        "--no-browser",
        f"--Voila.ip={host}",
        f"--DudaoVoila.allowed_host_names={names!r}",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.multi_kernel_manager_class=planner.appserver.SessionKernelManager",
        # one kernel waits with the page already computed: the next visitor sees it at once
        "--VoilaConfiguration.preheat_kernel=True",
        "--VoilaConfiguration.default_pool_size=1",
        f"--SessionKernelManager.max_kernels={max_sessions}",
        f"--MappingKernelManager.cull_idle_timeout={int(idle_minutes * 60)}",
        "--MappingKernelManager.cull_interval=60",
        f"--Voila.root_dir={os.path.dirname(notebook)}",
    ]


def serve(argv: list[str]) -> None:
    """Run the app until SIGTERM/Ctrl+C; every session folder is removed afterwards."""
    root = tempfile.mkdtemp(prefix="dudao-app-")
    os.environ[SESSION_ROOT_ENV] = root
    try:
        DudaoVoila.launch_instance(argv)
    finally:
        DudaoVoila.clear_instance()
        shutil.rmtree(root, ignore_errors=True)
