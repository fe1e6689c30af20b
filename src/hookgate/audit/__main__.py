"""``python -m hookgate.audit schema PATH [--check]``: regenerate or check the committed schema."""

from __future__ import annotations

import sys

from hookgate.audit.schema import main

if __name__ == "__main__":  # pragma: no cover
    if sys.argv[1:2] != ["schema"]:
        print("usage: python -m hookgate.audit schema PATH [--check]", file=sys.stderr)
        raise SystemExit(2)
    raise SystemExit(main(sys.argv[2:]))
