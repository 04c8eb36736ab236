// SPDX-License-Identifier: MIT
#include "models/qspio_nsclc/layout.hpp"

namespace vct::models::nsclc {

const std::vector<std::string>& module_names() {
  static const std::vector<std::string> names = {"licensing",       "epitope_spreading", "priming_checkpoint",
                                                 "lymphodepletion", "treg_adcc",         "ctla4_priming",
                                                 "il7_recovery",    "priming_threshold"};
  return names;
}

const std::vector<std::string>& default_module_names() {
  // il7_recovery joined the defaults with the joint recalibration of issue #16, priming_threshold
  // with the recalibration of the T2 parameters that followed it (docs/validation.md).
  return module_names();
}

Layout make_layout(int n_lesions, bool rt, ModuleSet modules) {
  Layout lay;
  lay.n_lesions = n_lesions;
  lay.rt = rt;
  lay.modules = rt ? modules : ModuleSet{};
  lay.local_count = rt ? lc::kRtCount : lc::kBaseCount;
  for (int k = 0; k < lay.local_count; ++k) lay.locals.push_back(k);
  if (lay.modules.licensing) lay.locals.insert(lay.locals.end(), {lc::IFN_I, lc::g_TREX1});
  if (lay.modules.epitope_spreading) lay.locals.push_back(lc::T_T2);
  if (lay.modules.treg_adcc)
    lay.locals.insert(lay.locals.end(), {lc::TR_CTLA4, lc::TR_CTLA4_aCTLA4, lc::TR_CTLA4_aCTLA4_CTLA4});
  std::array<int, lc::kMaxCount> first;
  first.fill(-1);
#define X_MAP(name) first[lc::name] = st::name;
  NSCLC_LESION_STATES(X_MAP)
#undef X_MAP
  for (int k = 0; k < ts::kCount; ++k) first[lc::kSynTC1 + k] = st::kSynTC1 + k;
  for (int k = 0; k < ms::kCount; ++k) first[lc::kSynMC + k] = st::kSynMC + k;
  int next = st::kCount;
  for (int k : lay.locals)
    if (k >= lc::kBaseCount) first[static_cast<std::size_t>(k)] = next++;
  lay.index.push_back(first);
  for (int l = 1; l < n_lesions; ++l) {
    std::array<int, lc::kMaxCount> idx;
    idx.fill(-1);
    for (int k : lay.locals) idx[static_cast<std::size_t>(k)] = next++;
    lay.index.push_back(idx);
  }
  lay.sys.fill(-1);
  if (lay.modules.epitope_spreading)
    for (int k = sy::C_nT2; k <= sy::P_T2; ++k) lay.sys[static_cast<std::size_t>(k)] = next++;
  if (lay.modules.treg_adcc)
    for (int k = sy::P_TR_CTLA4; k <= sy::P_TR_CTLA4_aCTLA4_CTLA4; ++k) lay.sys[static_cast<std::size_t>(k)] = next++;
  if (lay.modules.il7_recovery)
    for (int k : {sy::N0_IL7, sy::IL7}) lay.sys[static_cast<std::size_t>(k)] = next++;
  lay.n_states = next;
  return lay;
}

std::string lesion_label(const std::string& name, int lesion) {
  if (lesion == 0) return name;
  // "V_T.C1" -> "V_T2.C1", "syn_T_C1.PD1" -> "syn_T_C1_2.PD1"
  const std::size_t dot = name.find('.');
  const std::string head = dot == std::string::npos ? name : name.substr(0, dot);
  const std::string tail = dot == std::string::npos ? "" : name.substr(dot);
  const bool synapse = head.rfind("syn_", 0) == 0;
  return head + (synapse ? "_" : "") + std::to_string(lesion + 1) + tail;
}

}  // namespace vct::models::nsclc
