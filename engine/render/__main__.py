"""`python -m engine.render COMPOSITION -o OUTPUT [options]`; see `--help`."""

import sys

from .cli import main

sys.exit(main())
