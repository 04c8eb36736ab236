#!/usr/bin/env python3
"""Which TPS mapping each validation target reads (docs/biomarkers.md, "Trial screening mapping"):
the EXPRESS prevalence targets read a scenario with the default mapping (no TPS parameters of its
own), and every KEYNOTE target (ORR by TPS, screened prevalence) reads a scenario with the KEYNOTE
screening mapping, the same pair of values in every such scenario. Fails when a scenario's pair is
edited alone or a target is moved to a scenario with the other mapping.
Usage: test_tps_mappings_of_the_suite.py REPOSITORY_ROOT"""
import os
import sys

import yaml

TPS_KEYS = ("tps_pdl1_threshold_molecule", "tps_cell_log_sd")
root = os.path.join(sys.argv[1], "scenarios", "validation")
with open(os.path.join(root, "suite.yaml")) as f:
    suite = yaml.safe_load(f)


def mapping_of(scenario):
    with open(os.path.join(root, scenario)) as f:
        parameters = (yaml.safe_load(f).get("patient") or {}).get("parameters") or {}
    return tuple(float(parameters[k]) if k in parameters else None for k in TPS_KEYS)


failed = []
keynote_mappings = set()
for target in suite["targets"]:
    name, scenario = target["id"], target["scenario"]
    if name.startswith("express_"):
        if mapping_of(scenario) != (None, None):
            failed.append("%s reads %s, which sets its own TPS mapping" % (name, scenario))
    elif name.startswith("keynote") and "tps_range_pct" in target:
        mapping = mapping_of(scenario)
        if None in mapping:
            failed.append("%s reads %s, which lacks the KEYNOTE screening mapping" % (name, scenario))
        keynote_mappings.add(mapping)
if len(keynote_mappings) != 1:
    failed.append("the KEYNOTE scenarios disagree on the screening mapping: %s" % sorted(keynote_mappings))
if failed:
    print("FAILED:\n  " + "\n  ".join(failed))
    sys.exit(1)
print("TPS mappings: EXPRESS targets on the default mapping, KEYNOTE targets on one screening mapping %s"
      % (keynote_mappings.pop(),))
