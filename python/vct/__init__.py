# SPDX-License-Identifier: MIT
"""vct: virtual clinical trials of radiotherapy and immune checkpoint inhibitors.

    import vct
    result = vct.run("scenarios/nsclc_pembro_rt.yaml", threads=2)   # or a dict
    result.summary                 # one row per arm: ORR, DCR, PFS ... with CIs
    result.outcomes()              # one row per patient and arm
    result.plot.waterfall()        # matplotlib figures
    result = vct.load("out.h5")    # the same object from a result file

Results are the HDF5 files `vct run` writes (docs/output-format.md); `run` writes one and loads
it. See docs/python.md.
"""

import sys as _sys

try:
    import h5py as _h5py  # noqa: F401
    import numpy as _numpy  # noqa: F401
    import pandas as _pandas  # noqa: F401
except ImportError as _missing:  # a Python without Debian's packages, e.g. a pyenv or bare venv
    raise ImportError(f"vct needs numpy, pandas, h5py (and matplotlib for figures): {_missing}. This is "
                      f"{_sys.executable}; use Debian's /usr/bin/python3 with python3-pandas, python3-h5py and "
                      "python3-matplotlib, or a venv made with --system-site-packages (docs/python.md)") from _missing

from ._core import ScenarioError, VctError
from ._core import version as _engine_version
from .result import Result, load
from .runner import builtin_calibration, models, run

__version__ = _engine_version()

__all__ = ["Result", "ScenarioError", "VctError", "builtin_calibration", "load", "models", "run", "__version__"]
