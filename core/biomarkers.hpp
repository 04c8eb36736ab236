// SPDX-License-Identifier: MIT
// Baseline biomarkers of a virtual patient as clinicians measure them (docs/biomarkers.md):
// the PD-L1 tumour proportion score (TPS) mapped from the model's PD-L1 expression, and the
// biomarker names subgroup definitions and selection use.
//
// TPS mapping. The model gives one number per patient: PD-L1 molecules per cancer cell, m. A
// biopsy scores the percentage of cancer cells whose membrane staining passes the assay's
// threshold. Cells of one tumour vary around the patient's level; with a log-normal spread of
// SD s (natural log) around m and a detection threshold T (molecules per cell),
//   TPS = 100 Phi((ln m - ln T) / s)   (percent; Phi the standard normal CDF),
// the mapping the project's clinical dossier proposes (clinical.md section 5.3; the QSP-IO NSCLC
// paper's own conversion was not retrievable). TPS is 50 % at m = T and rises monotonically in m;
// s -> 0 gives a step (every cell or none). T and s are model parameters
// (biomarker_parameter_table()), fitted by matching a population's TPS prevalence in closed form
// (fit_tps_mapping; `vct tps-fit`).
// Thread safety: every function is re-entrant.
#pragma once

#include <array>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "core/model.hpp"

namespace vct {

/// Detection threshold and per-cell spread of the TPS mapping; the defaults are the model parameters'
/// (fitted by tools/tps_fit_seeds.sh, docs/biomarkers.md).
struct TpsMapping {
  double threshold_molecule = 5.74e5;  ///< T, PD-L1 molecules per cell at which a cell stains positive, > 0
  double cell_log_sd = 0.177;          ///< s, SD of ln(PD-L1 per cell) between cells of one tumour, >= 0
};

/// The mapping's parameters as model parameters (name with unit, default, bounds, source), in
/// TpsMapping order. Models with a `PDL1_per_cancer_cell` output append them to their table; they
/// do not enter the ODEs.
const std::vector<ParameterInfo>& biomarker_parameter_table();

/// TPS in percent, [0, 100], for a patient whose cancer cells carry m PD-L1 molecules on
/// average (geometric mean); NaN for NaN m, 0 for m <= 0. Non-decreasing in m.
double tps_pct(double pdl1_per_cell, const TpsMapping& mapping);

/// Target prevalence of two TPS cut points in a population: the share of patients with TPS at or
/// above `high_cut_pct` and the share below `low_cut_pct` (e.g. EXPRESS: 22 % >= 50, 48 % < 1).
struct TpsPrevalence {
  double high_cut_pct = 50.0, share_at_or_above_high = 0.22;
  double low_cut_pct = 1.0, share_below_low = 0.48;
};

/// The mapping under which a population with these PD-L1 values (molecules per cell) has the
/// target prevalence: TPS is monotone in m, so the patients at or above the high cut are the top
/// share_at_or_above_high of m and those below the low cut the bottom share_below_low. With
/// m_h, m_l those quantiles of m (type 7), z_h = Phi^-1(high/100), z_l = Phi^-1(low/100):
///   s = (ln m_h - ln m_l) / (z_h - z_l),   ln T = ln m_h - s z_h.
/// Two equations, two unknowns: exact, no optimiser. Throws kInput when the shares leave no
/// middle stratum or the quantiles coincide (no spread to map).
TpsMapping fit_tps_mapping(std::vector<double> pdl1_per_cell, const TpsPrevalence& target);

/// Baseline biomarkers subgroups and selection can use, resolved from names at the loader.
enum class Biomarker : int {
  kTpsPct,             ///< "tps_pct": PD-L1 tumour proportion score, %
  kPdl1PerCell,        ///< "pdl1_per_cancer_cell": molecules per cancer cell
  kCd8DensityPerMm3,   ///< "cd8_density_per_mm3": CD8 T cells per mm^3 of tumour
  kCloneNumber,        ///< "clone_number": tumour-specific CD8 clones (a TMB proxy)
  kTregCd8Ratio,       ///< "treg_cd8_ratio": Treg / CD8 in the tumour
  kM1M2Ratio,          ///< "m1_m2_ratio": M1 / M2 macrophages in the tumour
  kBaselineDiameterCm  ///< "baseline_diameter_cm": RECIST sum of diameters at baseline, cm
};
inline constexpr std::size_t kBiomarkerCount = 7;
using BiomarkerValues = std::array<double, kBiomarkerCount>;  ///< indexed by Biomarker

const char* to_string(Biomarker b);
const char* unit_of(Biomarker b);
/// The biomarker with this name; false when there is none.
bool biomarker_from_string(const std::string& name, Biomarker& out);

/// A subgroup analysis: patients split by a biomarker at increasing cut points into
/// cuts.size() + 1 levels, [-inf, c1), [c1, c2), ..., [ck, +inf).
struct SubgroupDefinition {
  std::string name;  ///< e.g. "PD-L1 TPS"
  Biomarker biomarker = Biomarker::kTpsPct;
  std::vector<double> cuts;  ///< strictly increasing
};

/// The level of a value: the number of cuts at or below it; -1 for NaN (not classified).
int subgroup_level(const SubgroupDefinition& s, double value);
/// A level's label, e.g. "< 1", "1 to < 50", ">= 50".
std::string subgroup_level_label(const SubgroupDefinition& s, int level);
/// The default analysis: TPS < 1 / 1-49 / >= 50 % (the strata of KEYNOTE-010 and KEYNOTE-042).
SubgroupDefinition default_tps_subgroups();

}  // namespace vct
