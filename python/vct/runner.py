# SPDX-License-Identifier: MIT
"""vct.run: a scenario (a path or a dict) run in this process by the C++ engine."""

import json
import os
import tempfile
import warnings

from . import _core
from .result import load


def run(scenario, calibration=None, threads=0, output=None, published=False, resume=False, force=False):
    """Run a scenario and return its Result.

    scenario     a path to a scenario YAML file, or a dict with the same keys (docs/scenario-reference.md)
    calibration  a calibration file (as written by `vct calibrate`) whose values replace the
                 scenario's own; default: the calibrated values built into the engine, which fill
                 only what the scenario does not give (qspio_nsclc, qspio_nsclc_rt)
    published    True: the model's published values, no calibration
    threads      worker threads (0: the scenario's run.threads, or all cores)
    output       the HDF5 result file; default: the scenario's output.file for a path, a new
                 temporary file for a dict (kept; Result.path names it)
    resume/force as `vct run --resume/--force` for trials; a resume that finds OUTPUT.partial
                 unreadable sets it aside (docs/cluster.md) and warns (RuntimeWarning)

    Raises ScenarioError (a ValueError) with every file:line:column: key.path problem, VctError
    (a RuntimeError) for numerical, I/O and internal errors. Ctrl-C stops a trial after the
    current batch (KeyboardInterrupt; the file keeps what was finished).
    """
    if calibration is not None and published:
        raise ValueError("calibration= and published=True ask for different parameter values; give one of them")
    if isinstance(scenario, dict):
        # JSON is YAML: the engine reads the dict's text with its own loader and messages.
        text = json.dumps(scenario, indent=1)
        name = "<dict>"
        if output is None:
            handle, output = tempfile.mkstemp(prefix="vct_", suffix=".h5")
            os.close(handle)
            os.remove(output)  # the engine writes through OUTPUT.partial and renames
        report = _core.run_scenario(text, True, name, os.fspath(output), _path(calibration), published,
                                    int(threads), resume, force)
    else:
        path = os.fspath(scenario)
        report = _core.run_scenario(path, False, path, "" if output is None else os.fspath(output),
                                    _path(calibration), published, int(threads), resume, force)
    for moved in report.get("set_aside", []):
        warnings.warn(f"'{moved['from']}' could not be read ({moved['problem']}), probably because a process was "
                      f"killed while writing it; it is kept as '{moved['to']}' and its candidates were simulated "
                      "again", RuntimeWarning, stacklevel=2)
    result = load(report["file"])
    result.parameters_used = report["parameters"]
    return result


def _path(calibration):
    return "" if calibration is None else os.fspath(calibration)


def models():
    """The registered model ids."""
    return list(_core.models())


def builtin_calibration():
    """The calibrated values compiled into the engine (YAML text of scenarios/validation/calibrated.yaml)."""
    return _core.builtin_calibration()
