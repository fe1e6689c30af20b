"""``python -m hookgate`` runs the same CLI as the ``hookgate`` console script."""

from hookgate.cli.main import main

raise SystemExit(main())
