// SPDX-License-Identifier: MIT
#include "models/qspio_nsclc/layout.hpp"

namespace vct::models::nsclc {

Layout make_layout(int n_lesions, bool rt) {
  Layout lay;
  lay.n_lesions = n_lesions;
  lay.rt = rt;
  lay.local_count = rt ? lc::kRtCount : lc::kBaseCount;
  std::array<int, lc::kRtCount> first{};
#define X_MAP(name) first[lc::name] = st::name;
  NSCLC_LESION_STATES(X_MAP)
#undef X_MAP
  for (int k = 0; k < ts::kCount; ++k) first[lc::kSynTC1 + k] = st::kSynTC1 + k;
  for (int k = 0; k < ms::kCount; ++k) first[lc::kSynMC + k] = st::kSynMC + k;
  int next = st::kCount;
  if (rt)
    for (int k = lc::kBaseCount; k < lc::kRtCount; ++k) first[k] = next++;
  lay.index.push_back(first);
  for (int l = 1; l < n_lesions; ++l) {
    std::array<int, lc::kRtCount> idx{};
    for (int k = 0; k < lay.local_count; ++k) idx[k] = next++;
    lay.index.push_back(idx);
  }
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
