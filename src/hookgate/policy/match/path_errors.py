"""The one error of path normalisation, apart so the resolver and the normaliser can both raise it."""

from __future__ import annotations

__all__ = ["UnknownPath"]


class UnknownPath(ValueError):
    """The path cannot be known without a shell; ``relative`` is set when only the cwd is missing."""

    def __init__(self, detail: str, *, relative: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.relative = relative
