"""The current request's actor and source IP, so services deep down can audit without a request argument."""

from contextvars import ContextVar

current_source_ip: ContextVar[str | None] = ContextVar("current_source_ip", default=None)
