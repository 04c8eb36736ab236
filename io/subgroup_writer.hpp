// SPDX-License-Identifier: MIT
// HDF5 tables of a trial's subgroup analyses (docs/biomarkers.md, docs/output-format.md): the data
// behind a forest plot.
#pragma once

#include <hdf5.h>

#include "core/trial.hpp"

namespace vct::io {

/// Writes under `summary_group`:
/// - subgroups: per analysis, level and arm: n, responders, ORR, DCR (Clopper-Pearson CIs),
///   median PFS and OS (Kaplan-Meier, CIs; NaN when not reached or without OS);
/// - subgroup_effects: per analysis, level and compared pair: paired ORR difference (Wald CI),
///   PFS and OS hazard ratios second against first (Peto, CIs);
/// - subgroup_interactions: per analysis and pair: Cochran's Q, df and p of the level effects.
/// Nothing when the trial has no subgroup analyses.
void write_subgroup_tables(hid_t summary_group, const TrialSummary& s);

}  // namespace vct::io
