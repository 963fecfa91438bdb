"""``python -m viz "(x + y) * z" x=-2 y=5 z=-4 -o f.svg``: see ``viz.cli``."""

import sys

from viz.cli.main import main

sys.exit(main())
