// SPDX-License-Identifier: MIT
#include "core/biomarkers.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/error.hpp"
#include "core/random.hpp"
#include "core/statistics.hpp"

namespace vct {

const std::vector<ParameterInfo>& biomarker_parameter_table() {
  static const std::vector<ParameterInfo> table = {
      {"tps_pdl1_threshold_molecule", "molecule", TpsMapping{}.threshold_molecule, 1.0, 1e9,
       "TPS read-out: PD-L1 molecules per cancer cell at which a cell stains positive (TPS 50 % when the "
       "patient's mean equals it)",
       "fitted by tools/tps_fit_seeds.sh (vct tps-fit, 4 x 1000 candidates) to the EXPRESS prevalence (Dietel 2019 "
       "Lung Cancer 134:174: 22 % TPS >= 50, 48 % < 1) on the calibrated wang2023 population (docs/biomarkers.md); "
       "mapping form clinical.md section 5.3"},
      {"tps_cell_log_sd", "1", TpsMapping{}.cell_log_sd, 0.0, 5.0,
       "TPS read-out: SD of ln(PD-L1 per cell) between the cancer cells of one tumour",
       "fitted with tps_pdl1_threshold_molecule (docs/biomarkers.md)"},
  };
  return table;
}

double tps_pct(double m, const TpsMapping& mapping) {
  if (std::isnan(m)) return std::numeric_limits<double>::quiet_NaN();
  if (m <= 0.0) return 0.0;
  const double log_ratio = std::log(m / mapping.threshold_molecule);
  if (!(mapping.cell_log_sd > 0.0)) return log_ratio >= 0.0 ? 100.0 : 0.0;
  // Phi(x) = erfc(-x / sqrt 2) / 2, accurate in both tails.
  return 50.0 * std::erfc(-log_ratio / (mapping.cell_log_sd * std::sqrt(2.0)));
}

TpsMapping fit_tps_mapping(std::vector<double> m, const TpsPrevalence& t) {
  m.erase(std::remove_if(m.begin(), m.end(), [](double x) { return !(x > 0.0); }), m.end());
  if (m.size() < 2) throw Error(ErrorKind::kInput, "TPS fit: fewer than two patients with a PD-L1 value");
  const double hi = t.share_at_or_above_high, lo = t.share_below_low;
  if (!(hi > 0.0 && lo > 0.0 && hi + lo < 1.0))
    throw Error(ErrorKind::kInput,
                "TPS fit: the shares at or above the high cut and below the low cut must be "
                "positive and leave a middle stratum (their sum below 100 %)");
  if (!(t.low_cut_pct > 0.0 && t.low_cut_pct < t.high_cut_pct && t.high_cut_pct < 100.0))
    throw Error(ErrorKind::kInput, "TPS fit: the cut points must satisfy 0 < low < high < 100 %");
  std::sort(m.begin(), m.end());
  const double m_high = stats::quantile(m, 1.0 - hi), m_low = stats::quantile(m, lo);
  const double z_high = normal_quantile(t.high_cut_pct / 100.0), z_low = normal_quantile(t.low_cut_pct / 100.0);
  if (!(m_high > m_low))
    throw Error(ErrorKind::kInput, "TPS fit: the population's PD-L1 quantiles coincide (no spread to map)");
  TpsMapping out;
  out.cell_log_sd = std::log(m_high / m_low) / (z_high - z_low);
  out.threshold_molecule = std::exp(std::log(m_high) - out.cell_log_sd * z_high);
  return out;
}

namespace {
struct BiomarkerName {
  Biomarker id;
  const char* name;
  const char* unit;
};
constexpr BiomarkerName kBiomarkerNames[kBiomarkerCount] = {
    {Biomarker::kTpsPct, "tps_pct", "%"},
    {Biomarker::kPdl1PerCell, "pdl1_per_cancer_cell", "molecule"},
    {Biomarker::kCd8DensityPerMm3, "cd8_density_per_mm3", "cell/mm^3"},
    {Biomarker::kCloneNumber, "clone_number", "1"},
    {Biomarker::kTregCd8Ratio, "treg_cd8_ratio", "1"},
    {Biomarker::kM1M2Ratio, "m1_m2_ratio", "1"},
    {Biomarker::kBaselineDiameterCm, "baseline_diameter_cm", "cm"},
};
}  // namespace

const char* to_string(Biomarker b) { return kBiomarkerNames[static_cast<std::size_t>(b)].name; }
const char* unit_of(Biomarker b) { return kBiomarkerNames[static_cast<std::size_t>(b)].unit; }

bool biomarker_from_string(const std::string& name, Biomarker& out) {
  for (const auto& b : kBiomarkerNames)
    if (name == b.name) {
      out = b.id;
      return true;
    }
  return false;
}

int subgroup_level(const SubgroupDefinition& s, double value) {
  if (std::isnan(value)) return -1;
  return static_cast<int>(std::upper_bound(s.cuts.begin(), s.cuts.end(), value) - s.cuts.begin());
}

std::string subgroup_level_label(const SubgroupDefinition& s, int level) {
  std::ostringstream o;
  o << std::defaultfloat;
  const auto k = static_cast<std::size_t>(level);
  if (s.cuts.empty()) return "all";
  if (level == 0)
    o << "< " << s.cuts.front();
  else if (k == s.cuts.size())
    o << ">= " << s.cuts.back();
  else
    o << s.cuts[k - 1] << " to < " << s.cuts[k];
  return o.str();
}

SubgroupDefinition default_tps_subgroups() { return {"PD-L1 TPS", Biomarker::kTpsPct, {1.0, 50.0}}; }

}  // namespace vct
