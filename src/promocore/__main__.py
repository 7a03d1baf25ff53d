"""``python -m promocore``: the same as the ``promocore`` command."""

import sys

from promocore.cli import main

sys.exit(main())
