"""``python -m translate_flow``: the command line."""

import sys

from .cli import main

sys.exit(main())
