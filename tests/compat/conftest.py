"""Run every compat scenario against both backends: hookgate's kernel and the real amplifier-core 2.0.2."""

from __future__ import annotations

import importlib.util

import pytest

if importlib.util.find_spec("amplifier_core") is None:  # the compat target is a test extra (amplifier-core==2.0.2)
    collect_ignore_glob = ["test_*.py"]
else:
    from compat_support import AMPLIFIER, HOOKGATE, Backend

    @pytest.fixture(params=[HOOKGATE, AMPLIFIER], ids=lambda backend: backend.name)
    def backend(request: pytest.FixtureRequest) -> Backend:
        return request.param  # type: ignore[no-any-return]
