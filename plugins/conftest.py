"""Plugin tests import each plugin by the top-level name Pelican gives it
(PLUGIN_PATHS = ["plugins"]), so there is one module object, not two."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
