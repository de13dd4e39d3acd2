"""Benchmarks (`make bench`): each figure measured in the same run as its baseline; see bench.__main__.

The handlers import `alerting` from the layer and each other's packages from functions/, as Lambda puts them
on the path; so does every benchmark module, which is why the package puts them there first.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

for _entry in (ROOT / "functions", ROOT / "layers" / "shared", ROOT):
    if str(_entry) not in sys.path:
        sys.path.insert(0, str(_entry))
