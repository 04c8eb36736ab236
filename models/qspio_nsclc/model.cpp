// SPDX-License-Identifier: MIT
// The QSP-IO NSCLC model class: its metadata tables (parameters, states, outputs, drugs, events),
// initial assignments, outputs and the multi-lesion completion of the grown state. The maths is in
// equations.cpp, the synapses in synapses.hpp, radiotherapy in radiotherapy.*.
#include "models/qspio_nsclc/model.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <vector>

#include "core/biomarkers.hpp"
#include "core/error.hpp"

#include "core/geometry.hpp"
#include "core/progression.hpp"
#include "core/tabulated_model.hpp"
#include "models/qspio_nsclc/drugs.inc"
#include "models/qspio_nsclc/epitope_spreading.hpp"
#include "models/qspio_nsclc/equations.hpp"
#include "models/qspio_nsclc/il7_recovery.hpp"
#include "models/qspio_nsclc/layout.hpp"
#include "models/qspio_nsclc/lymphodepletion.hpp"
#include "models/qspio_nsclc/radiotherapy.hpp"
#include "models/qspio_nsclc/synapses.hpp"

namespace vct::models {
namespace {

using namespace nsclc;

enum Out : int {
  kTumourVolume,
  kTumourDiameter,
  kCancerCells,
  kCd8Tumour,
  kTregTumour,
  kThTumour,
  kHPD1C1,
  kHCD28APC,
  kHP1,
  kHP0,
  kNaT,
  kPD1Plasma,
  kPDL1Plasma,
  kCTLA4Plasma,
  kPD1Tumour,
  kPDL1Tumour,
  kCTLA4Tumour,
  kM1M2,
  kTregCd8,
  kCd8Cd4,
  kPdl1PerCell,
  kMdsc,
  kOutCount
};

/// PK parameters of one drug, by table name, for its slot.
std::vector<std::pair<std::string, double>> pk_parameters(const std::string& slot, double qP_L_per_s, double kcl,
                                                          double gC, double gP, double kcln, double Kc) {
  return {{"q_P_" + slot + "_L_per_day", qP_L_per_s * kSecondsPerDay},
          {"k_cl_" + slot + "_L_per_day", kcl},
          {"gamma_C_" + slot, gC},
          {"gamma_P_" + slot, gP},
          {"k_cln_" + slot + "_nmol_per_day", kcln},
          {"Kc_" + slot + "_nM", Kc}};
}

class NsclcModel final : public TabulatedModel {
 public:
  NsclcModel(std::string id, int n_lesions, bool rt, ModuleSet modules = {})
      : TabulatedModel(std::move(id), title(n_lesions, rt, modules)), layout_(make_layout(n_lesions, rt, modules)) {
    add_parameters(n_lesions, rt);
    add_states(n_lesions, rt);
    add_outputs_drugs_and_events();
    if (rt) add_lesion_outputs_and_events(n_lesions);
  }

  int n_lesions() const override { return layout_.n_lesions; }
  bool supports_radiotherapy() const override { return layout_.rt; }
  std::vector<LineScaling> first_line_scaling() const override {
    return {{"Q_nT1_thym_cell_per_day", "first_line_naive_CD8_supply_factor"},
            {"k_nT1_pro_cell_per_day", "first_line_naive_CD8_supply_factor"}};
  }

  /// One RT fraction: the radiotherapy module's jump (radiotherapy.hpp).
  using ModelDefinition::apply_radiation_fraction;
  void apply_radiation_fraction(const RadiationFraction& fraction, const double* p, double* y) const override {
    if (!layout_.rt) ModelDefinition::apply_radiation_fraction(fraction, p, y);
    rt::apply_fraction(layout_, fraction, p, y);
  }

  /// Secondary lesions start as copies of the grown primary scaled to their own volume: the same
  /// composition (cell densities, cytokines, synapses) at the same stage of immune editing.
  /// The IL-7 module's set point is the naive pool reached here (il7_recovery.hpp).
  void complete_initial_state(const double* p, double* y) const override {
    if (layout_.modules.il7_recovery) il7::set_reference(layout_, p, y);
    if (layout_.n_lesions == 1) return;
    const auto& first = layout_.index[0];
    double x0[lc::kMaxCount] = {};
    for (int k : layout_.locals) x0[k] = y[first[static_cast<std::size_t>(k)]];
    const double d0 = sphere_diameter_cm(lesion_volume(x0, p, layout_.rt, layout_.modules.epitope_spreading));
    for (int l = 1; l < layout_.n_lesions; ++l) {
      const double d = p[lesion_diameter_parameter(l, layout_.rt)];
      const double scale = (d / d0) * (d / d0) * (d / d0);
      const auto& idx = layout_.index[static_cast<std::size_t>(l)];
      for (int k : layout_.locals) {
        const StateInfo& info = states_[static_cast<std::size_t>(first[static_cast<std::size_t>(k)])];
        y[idx[static_cast<std::size_t>(k)]] = x0[k] * (info.unit == "cell" ? scale : 1.0);
      }
    }
  }

  void initial_state(const double* p, double* y) const override {
    namespace P = par;
    namespace S = st;
    for (int i = 0; i < layout_.n_states; ++i) y[i] = 0.0;
    // Naive pools per clone: blood density x V_C / diversity; periphery 50x, LN 0.05x (CD8) and 0.042x (CD4).
    const double nT1 = p[P::rho_nT1_cell_per_L] * p[P::V_C_L] / p[P::div_T1];
    const double nT0 = p[P::rho_nT0_cell_per_L] * p[P::V_C_L] / p[P::div_T0];
    y[S::C_nT1] = nT1;
    y[S::P_nT1] = 50.0 * nT1;
    y[S::LN_nT1] = 0.05 * nT1;
    y[S::C_nT0] = nT0;
    y[S::P_nT0] = 50.0 * nT0;
    y[S::LN_nT0] = 0.042 * nT0;
    y[S::C1] = 1.0;
    const double trace_nM = 1e-18 * kNmPerM;  // 1e-18 M seeds
    y[S::T_P0] = y[S::T_P1] = trace_nM;
    y[S::e_P0] = y[S::e_p0] = y[S::e_P1] = y[S::e_p1] = trace_nM;
    y[S::IL2] = p[P::IL2_0_nM];
    y[S::e_M1] = p[P::n_MHC_T_molecule] / (p[P::A_e_um2] + p[P::A_s_um2]);
    y[S::e_M1p0] = y[S::e_M1p1] = 1e-6;
    y[S::s_M1] = y[S::s_M1p0] = y[S::s_M1p1] = 1e-6;
    // Initial assignments of the synapse densities.
    auto t_synapse_init = [&](int base, double pdl1_base, double r_pdl2, double cd80, double cd86, double area) {
      y[base + ts::PD1] = p[P::T_PD1_total_molecule] / p[P::A_Tcell_um2];
      y[base + ts::CD28] = p[P::T_CD28_total_molecule] / p[P::A_Tcell_um2];
      y[base + ts::CTLA4] = p[P::T_CTLA4_syn_molecule] / p[P::A_Tcell_um2];
      y[base + ts::TPDL1] = p[P::T_PDL1_total_molecule] / p[P::A_Tcell_um2];
      y[base + ts::PDL1] = pdl1_base / area;
      y[base + ts::PDL2] = pdl1_base * r_pdl2 / area;
      y[base + ts::CD80] = cd80 / area;
      y[base + ts::CD86] = cd86 / area;
    };
    t_synapse_init(S::kSynTC1, p[P::C1_PDL1_base_molecule], p[P::r_PDL2C1], p[P::C1_CD80_total_molecule],
                   p[P::C1_CD86_total_molecule], p[P::A_cell_um2]);
    t_synapse_init(S::kSynTAPC, p[P::APC_PDL1_base_molecule], p[P::r_PDL2APC], p[P::APC_CD80_total_molecule],
                   p[P::APC_CD86_total_molecule], p[P::A_APC_um2]);
    y[S::kSynMC + ms::CD47] = p[P::C_CD47_per_um2];
    y[S::kSynMC + ms::SIRPa] = p[P::M_SIRPa_per_um2];
    y[S::kSynMC + ms::PD1] = p[P::M_PD1_total_molecule] / p[P::A_Mcell_um2];
    y[S::kSynMC + ms::PDL1] = p[P::C1_PDL1_base_molecule] / p[P::A_cell_um2];
    y[S::kSynMC + ms::PDL2] = p[P::C1_PDL1_base_molecule] * p[P::r_PDL2C1] / p[P::A_cell_um2];
    y[S::kSynMC + ms::CD80] = p[P::C1_CD80_total_molecule] / p[P::A_cell_um2];
    if (layout_.modules.licensing) y[layout_.index[0][lc::g_TREX1]] = 1.0;  // no fraction yet: full IFN-I arm
    if (layout_.modules.epitope_spreading) spreading::initial_state(layout_, p, y);
    if (layout_.modules.il7_recovery) y[layout_.sys[sy::IL7]] = 1.0;  // at its set point; N0 is 0 until treatment
    if (layout_.modules.treg_adcc) {  // every Treg's CTLA-4 free (secondary lesions copy lesion 1)
      y[layout_.index[0][lc::TR_CTLA4]] = p[mp::Treg_CTLA4_total_molecule];
      y[layout_.sys[sy::P_TR_CTLA4]] = p[mp::Treg_CTLA4_total_molecule];
    }
  }

  void rhs(double, const double* y, const double* p, double* dydt) const override { eval_rhs(layout_, y, p, dydt); }
  void rhs(double, const Dual* y, const double* p, Dual* dydt) const override { eval_rhs(layout_, y, p, dydt); }
  /// The primary lesion, whose diameter the initial-condition procedure grows to.
  double tumour_volume_L(const double* y, const double* p) const override { return lesion_volume_of(0, y, p); }

  void compute_outputs(double, const double* y, const double* p, double* out) const override {
    namespace S = st;
    namespace P = par;
    const double V_T = lesion_volume_of(0, y, p);
    out[kTumourVolume] = V_T;
    out[kTumourDiameter] = sphere_diameter_cm(V_T);
    out[kCancerCells] = y[S::C1];
    out[kCd8Tumour] = y[S::T_T1];
    out[kTregTumour] = y[S::T_T0];
    out[kThTumour] = y[S::T_Th];
    const double* c1 = y + S::kSynTC1;
    const double* apc = y + S::kSynTAPC;
    out[kHPD1C1] = hill(c1[ts::PD1_PDL1] + c1[ts::PD1_PDL2], p[P::PD1_50_per_um2], p[P::n_PD1]);
    out[kHCD28APC] =
        hill(apc[ts::CD28_CD80] + apc[ts::CD28_CD86] + 2.0 * apc[ts::CD28_CD80_CD28] + apc[ts::PDL1_CD80_CD28],
             p[P::CD28_CD8X_50_per_um2], p[P::n_CD28_CD8X]);
    out[kHP1] = antigen_signal(y[S::s_M1p1], p[P::n_T1_clones], p, p[P::p1_50_per_um2]);
    out[kHP0] = antigen_signal(y[S::s_M1p0], p[P::n_T0_clones], p, p[P::p0_50_per_um2]);
    out[kNaT] = p[P::N0] + p[P::N_costim] * out[kHCD28APC] + p[P::N_IL2_CD8] * michaelis(y[S::IL2], p[P::IL2_50_nM]);
    out[kPD1Plasma] = y[S::C_aPD1];
    out[kPDL1Plasma] = y[S::C_aPDL1];
    out[kCTLA4Plasma] = y[S::C_aCTLA4];
    out[kPD1Tumour] = y[S::T_aPD1];
    out[kPDL1Tumour] = y[S::T_aPDL1];
    out[kCTLA4Tumour] = y[S::T_aCTLA4];
    out[kM1M2] = y[S::Mac_M1] / y[S::Mac_M2];
    out[kTregCd8] = y[S::T_T0] / (y[S::T_T1] + y[S::T1_exh]);
    out[kCd8Cd4] = (y[S::T_T1] + y[S::T1_exh]) / (y[S::T_T0] + y[S::T_Th] + y[S::Th_exh]);
    out[kPdl1PerCell] = (c1[ts::PDL1] + c1[ts::PD1_PDL1] + c1[ts::PDL1_aPDL1] + 2.0 * c1[ts::PDL1_aPDL1_PDL1] +
                         c1[ts::PDL1_CD80] + c1[ts::PDL1_CD80_CD28] + c1[ts::PDL1_CD80_CTLA4]) *
                        p[P::A_cell_um2];
    out[kMdsc] = y[S::MDSC];
    if (!layout_.rt) return;
    double total_volume = 0.0, sum_diameters = 0.0;
    for (int l = 0; l < layout_.n_lesions; ++l) {
      const auto& idx = layout_.index[static_cast<std::size_t>(l)];
      auto at = [&](int local) { return y[idx[static_cast<std::size_t>(local)]]; };
      const double v = lesion_volume_of(l, y, p);
      double* o = out + kOutCount + 7 * l;
      o[0] = sphere_diameter_cm(v);
      o[1] = v;
      o[2] = at(lc::C1);
      o[3] = at(lc::D_icd) + at(lc::D_non);
      o[4] = at(lc::T_T1);
      o[5] = at(lc::DAMP);
      const int s = idx[lc::kSynTC1];
      o[6] = (y[s + ts::PDL1] + y[s + ts::PD1_PDL1] + y[s + ts::PDL1_aPDL1] + 2.0 * y[s + ts::PDL1_aPDL1_PDL1] +
              y[s + ts::PDL1_CD80] + y[s + ts::PDL1_CD80_CD28] + y[s + ts::PDL1_CD80_CTLA4]) *
             p[P::A_cell_um2];
      total_volume += v;
      sum_diameters += o[0];
    }
    out[kTumourVolume] = total_volume;
    out[kTumourDiameter] = sum_diameters;
    if (layout_.modules.any()) module_outputs(y, p, out + kOutCount + 7 * layout_.n_lesions);
  }

 private:
  /// The parameter table: QSP-IO's, then (RT models) the RT and immune modules' and the lesion
  /// baselines, then the read-out modules' (unused by the ODEs), with open lower bounds.
  void add_parameters(int n_lesions, bool rt) {
#define X_PARAM(name, unit, value, lo, hi, desc, src) parameters_.push_back({#name, unit, value, lo, hi, desc, src});
    NSCLC_PARAMETERS(X_PARAM)
    if (rt) {
      NSCLC_RT_PARAMETERS(X_PARAM)
      // The immune modules' tables are in every RT model (fixed indices); a module switched off
      // leaves its parameters unused.
      NSCLC_LICENSING_PARAMETERS(X_PARAM)
      NSCLC_SPREADING_PARAMETERS(X_PARAM)
      NSCLC_LYMPHODEPLETION_PARAMETERS(X_PARAM)
      NSCLC_CTLA4_PARAMETERS(X_PARAM)
      NSCLC_IL7_PARAMETERS(X_PARAM)
      for (int l = 1; l < n_lesions; ++l)
        parameters_.push_back({"lesion" + std::to_string(l + 1) + "_initial_diameter_cm", "cm", 2.0, 0.1, 30.0,
                               "baseline diameter of lesion " + std::to_string(l + 1),
                               "scenario input (RECIST baseline)"});
    }
#undef X_PARAM
    // The progression read-out modules' parameters (core/progression.hpp), unused by the ODEs.
    for (const auto& info : progression_parameter_table()) parameters_.push_back(info);
    // The TPS read-out's mapping (core/biomarkers.hpp), unused by the ODEs.
    for (const auto& info : biomarker_parameter_table()) parameters_.push_back(info);
    // The line-of-therapy description (first_line_scaling()), unused by the ODEs.
    parameters_.push_back(
        {"first_line_naive_CD8_supply_factor", "1", 2.03, 0.25, 8.0,
         "first-line (chemotherapy-naive) population: factor on the naive CD8 supply (thymic output "
         "Q_nT1_thym and maximal homeostatic proliferation k_nT1_pro) relative to the pretreated population "
         "the table describes (population.line_of_therapy: first_line)",
         "fitted by vct calibrate to KEYNOTE-042 first-line pembrolizumab ORR at TPS >= 1 % (Mok 2019); "
         "mechanism: fewer naive CD8 T cells in advanced NSCLC and after chemotherapy (Zhang 2022 "
         "Front Immunol 13:996348; BMC Pulm Med 2022 doi:10.1186/s12890-022-01951-x)"});
    if (rt) add_abm_share_parameters(n_lesions);
    open_lower_bounds();
  }

  /// The states: compartments, the three synapses, then (RT models) the per-lesion states of
  /// lesion 1, of the other lesions, and the systemic module states.
  void add_states(int n_lesions, bool rt) {
#define X_STATE(name, display, unit, comp, desc) states_.push_back({display, unit, comp, desc});
    NSCLC_COMPARTMENT_STATES(X_STATE)
#undef X_STATE
#define X_TSYN(name) states_.push_back({std::string(prefix) + #name, "molecule/um^2", compartment, #name});
    {
      const char* prefix = "syn_T_C1.";
      const char* compartment = "syn_T_C1";
      NSCLC_TSYN_SPECIES(X_TSYN)
    }
    {
      const char* prefix = "syn_T_APC.";
      const char* compartment = "syn_T_APC";
      NSCLC_TSYN_SPECIES(X_TSYN)
    }
#undef X_TSYN
#define X_MSYN(name) states_.push_back({std::string("syn_M_C.") + #name, "molecule/um^2", "syn_M_C", #name});
    NSCLC_MSYN_SPECIES(X_MSYN)
#undef X_MSYN
    if (rt)
      for (const auto& row : rt::lesion_state_info()) states_.push_back(row);
    for (int k : layout_.locals)
      if (k >= lc::kRtCount) states_.push_back(rt::module_state_info(k));
    for (int l = 1; l < n_lesions; ++l) {
      for (int k : layout_.locals) {
        StateInfo info = states_[static_cast<std::size_t>(local_state_of_lesion0(k))];
        info.name = lesion_label(info.name, l);
        info.compartment = lesion_label(info.compartment, l);
        info.description += " (lesion " + std::to_string(l + 1) + ")";
        states_.push_back(info);
      }
    }
    for (const auto& row : rt::systemic_state_info(layout_.modules)) states_.push_back(row);
  }

  /// The outputs of the one-tumour model, the drugs and the eradication event of lesion 1.
  void add_outputs_drugs_and_events() {
    outputs_ = {
        {"tumour_volume_L", "L", "V_T = cell volumes / Ve_T (cancer, dead, T cells, macrophages)"},
        {"tumour_diameter_cm", "cm", "diameter of the equivalent sphere, 2(3V_T/4pi)^(1/3)"},
        {"cancer_cells", "cell", "C1"},
        {"cd8_tumour_cells", "cell", "V_T.T1"},
        {"treg_tumour_cells", "cell", "V_T.T0"},
        {"th_tumour_cells", "cell", "V_T.Th"},
        {"H_PD1_C1", "1", "PD-1 inhibition in the T-C1 synapse"},
        {"H_CD28_APC", "1", "CD28 co-stimulation in the T-APC synapse"},
        {"H_P1", "1", "neo-antigen TCR signal"},
        {"H_P0", "1", "self-antigen TCR signal"},
        {"N_aT", "1", "CD8 generations per activation"},
        {"aPD1_plasma_nM", "nM", "anti-PD-1 in blood"},
        {"aPDL1_plasma_nM", "nM", "anti-PD-L1 in blood"},
        {"aCTLA4_plasma_nM", "nM", "anti-CTLA-4 in blood"},
        {"aPD1_tumour_nM", "nM", "anti-PD-1 in tumour"},
        {"aPDL1_tumour_nM", "nM", "anti-PD-L1 in tumour"},
        {"aCTLA4_tumour_nM", "nM", "anti-CTLA-4 in tumour"},
        {"M1_M2_ratio", "1", "Mac_M1 / Mac_M2"},
        {"Treg_CD8_ratio", "1", "T0 / (T1 + T1_exh), tumour"},
        {"CD8_CD4_ratio", "1", "(T1 + T1_exh) / (T0 + Th + Th_exh), tumour"},
        {"PDL1_per_cancer_cell", "molecule", "PD-L1 total in the T-C1 synapse x A_cell"},
        {"mdsc_tumour_cells", "cell", "V_T.MDSC"},
    };
    drug_slots_ = {{"aPD1", "PD-1", "V_C.aPD1", "V_C_L"},
                   {"aPDL1", "PD-L1", "V_C.aPDL1", "V_C_L"},
                   {"aCTLA4", "CTLA-4", "V_C.aCTLA4", "V_C_L"}};
    drugs_ = {
#define X_DRUG(name, slot, mw, qP, kcl, gC, gP, kcln, Kc, src) \
  {#name, #slot, mw, pk_parameters(#slot, qP, kcl, gC, gP, kcln, Kc), src},
        NSCLC_DRUGS(X_DRUG)
#undef X_DRUG
    };
    events_ = {{"tumour_eradication", "V_T.C1", 0.5, 0.01}};
  }

  /// RT models: total burden as the RECIST sum, per-lesion read-outs, the other lesions'
  /// eradication events and the modules' outputs.
  void add_lesion_outputs_and_events(int n_lesions) {
    // Total tumour burden is the RECIST sum of diameters; per-lesion read-outs follow.
    outputs_[kTumourVolume].description =
        "total tumour volume, all lesions (cancer, doomed, dead, T cells, macrophages)";
    outputs_[kTumourDiameter].description = "RECIST sum of lesion diameters (equivalent spheres)";
    for (int l = 0; l < n_lesions; ++l) {
      const std::string k = "lesion" + std::to_string(l + 1) + "_";
      outputs_.push_back({k + "diameter_cm", "cm", "diameter of lesion " + std::to_string(l + 1)});
      outputs_.push_back({k + "volume_L", "L", "volume of lesion " + std::to_string(l + 1)});
      outputs_.push_back({k + "cancer_cells", "cell", "viable cancer cells"});
      outputs_.push_back({k + "doomed_cells", "cell", "lethally irradiated cells not yet dead"});
      outputs_.push_back({k + "cd8_cells", "cell", "effector CD8 in the lesion"});
      outputs_.push_back({k + "DAMP_cell_per_L", "cell/L", "DAMP signal"});
      outputs_.push_back({k + "PDL1_per_cancer_cell", "molecule", "PD-L1 total in the lesion's T-C1 synapse x A_cell"});
      if (l > 0)
        events_.push_back({"lesion" + std::to_string(l + 1) + "_eradication", lesion_label("V_T.C1", l), 0.5, 0.01});
    }
    if (layout_.modules.any()) add_module_outputs();
  }

  static std::string title(int n_lesions, bool rt, const ModuleSet& modules) {
    if (!rt) return "QSP-IO NSCLC reference model (Wang et al. 2023)";
    std::string names;
    const auto on = modules.flags();
    for (std::size_t k = 0; k < on.size(); ++k)
      if (on[k]) names += (names.empty() ? "" : ", ") + module_names()[k];
    return "QSP-IO NSCLC model with radiotherapy and " + std::to_string(n_lesions) + " lesion(s)" +
           (names.empty() ? "" : "; modules: " + names) + " (Wang et al. 2023 + docs/models/radiotherapy.md)";
  }

  /// The hybrid share of each lesion (spQSP-IO's 1 - weight_qsp): the part of the lesion its
  /// agent-based windows stand for (models/abm_coupling). The lesion's compartment then holds the
  /// other part; 0 (the default) is the plain compartmental lesion, bit for bit. Last in the table so
  /// that no other index moves.
  void add_abm_share_parameters(int n_lesions) {
    layout_.abm_share_parameter = static_cast<int>(parameters_.size());
    for (int l = 0; l < n_lesions; ++l)
      parameters_.push_back(
          {"lesion" + std::to_string(l + 1) + "_abm_share", "1", 0.0, 0.0, 0.9,
           "share of lesion " + std::to_string(l + 1) +
               " represented by agent-based windows; its compartment holds the rest (0: no windows; set by "
               "the scenario's abm block, docs/models/abm.md)",
           "hybrid weighting of spQSP-IO (weight_qsp = 0.8, i.e. a share of 0.2; Gong 2017 J R Soc Interface "
           "14:20170320; Mi 2022)"});
  }

  /// Parameters the rate laws divide by (volumes, areas, clone numbers, half-saturation constants,
  /// expression maxima) or that a zero makes singular: their lower bound 0 is excluded, so a zero
  /// is an input error rather than a solver failure at t = 0 (issue #19 F9; each one was run at 0).
  void open_lower_bounds() {
    static const char* const kPositive[] = {"V_LN_L",
                                            "vol_cell_L",
                                            "A_cell_um2",
                                            "A_Tcell_um2",
                                            "A_APC_um2",
                                            "A_Mcell_um2",
                                            "A_syn_um2",
                                            "n_T1_clones",
                                            "n_T0_clones",
                                            "IL2_50_nM",
                                            "V_e_L",
                                            "A_e_um2",
                                            "A_s_um2",
                                            "k_TCR_on_um2_per_day",
                                            "C1_PDL1_base_molecule",
                                            "APC_PDL1_base_molecule",
                                            "r_PDL2C1",
                                            "r_PDL2APC",
                                            "r_PDL1_IFNg",
                                            "IFNg_50_ind_nM",
                                            "PD1_50_per_um2",
                                            "CD28_CD8X_50_per_um2",
                                            "TGFb_50_nM",
                                            "TGFb_50_Teff_nM",
                                            "CCL2_50_nM",
                                            "NO_50_Teff_nM",
                                            "ArgI_50_Teff_mU",
                                            "ArgI_50_Treg_mU",
                                            "IL10_50_nM",
                                            "IL12_50_nM",
                                            "IFNg_50_nM",
                                            "IL10_50_phago_nM",
                                            "SIRPa_50_per_um2"};
    for (const char* name : kPositive)
      for (auto& info : parameters_)
        if (info.name == name && info.lower == 0.0) info.lower_open = true;
  }

  /// Outputs of the immune modules, after the per-lesion outputs.
  void add_module_outputs() {
    const ModuleSet& m = layout_.modules;
    if (m.licensing) {
      outputs_.push_back({"licensing_systemic", "1", "licensing of the APCs reaching the lymph node (mAPC-weighted)"});
      for (int l = 0; l < layout_.n_lesions; ++l)
        outputs_.push_back({"lesion" + std::to_string(l + 1) + "_licensing", "1", "licensing signal of the lesion"});
    }
    if (m.epitope_spreading) {
      outputs_.push_back({"T2_blood_cells", "cell", "effector CD8 of the subdominant family in blood"});
      outputs_.push_back({"T2_tumour_cells", "cell", "effector CD8 of the subdominant family in all lesions"});
    }
    if (m.priming_checkpoint) outputs_.push_back({"H_PD1_APC", "1", "PD-1 engagement in the priming (T-APC) synapse"});
    if (m.treg_adcc) {
      outputs_.push_back({"treg_periphery_cells", "cell", "regulatory T cells in the periphery (V_P.T0)"});
      outputs_.push_back(
          {"treg_ctla4_occupancy_tumour", "1", "antibody-bound share of the CTLA-4 of lesion 1's Tregs (Treg ADCC)"});
    }
    if (m.ctla4_priming)
      outputs_.push_back({"CTLA4_occupancy_LN", "1", "antibody-held share of CTLA-4 in the T-APC synapse of the LN"});
    if (m.il7_recovery) {
      outputs_.push_back({"IL7_relative", "1", "IL-7 relative to its level at the treatment start (IL-7 recovery)"});
      outputs_.push_back({"naive_T_cells", "cell", "naive CD8 and CD4 T cells in blood, periphery and lymph node"});
    }
    outputs_.push_back({"blood_lymphocytes_per_L", "cell/L", "blood T cells: naive CD8, CD4 and effectors"});
  }

  void module_outputs(const double* y, const double* p, double* o) const {
    const ModuleSet& m = layout_.modules;
    const ModuleSignals signals = module_signals(layout_, y, p);
    if (m.licensing) {
      *o++ = signals.licensing;
      for (double l : signals.lesion_licensing) *o++ = l;
    }
    if (m.epitope_spreading) {
      *o++ = y[layout_.sys[sy::C_T2]];
      double tumour = 0.0;
      for (const auto& idx : layout_.index) tumour += y[idx[lc::T_T2]];
      *o++ = tumour;
    }
    if (m.priming_checkpoint) *o++ = signals.H_PD1_APC;
    if (m.treg_adcc) {
      *o++ = y[st::P_T0];
      const auto& idx = layout_.index[0];
      *o++ = (y[idx[lc::TR_CTLA4_aCTLA4]] + 2.0 * y[idx[lc::TR_CTLA4_aCTLA4_CTLA4]]) / p[mp::Treg_CTLA4_total_molecule];
    }
    if (m.ctla4_priming) *o++ = signals.ctla4_occupancy_LN;
    if (m.il7_recovery) {
      *o++ = y[layout_.sys[sy::IL7]];
      *o++ = il7::naive_cells(y, p);
    }
    *o++ = lymphodepletion::blood_lymphocytes_per_L(layout_, y, p);
  }

  double lesion_volume_of(int lesion, const double* y, const double* p) const {
    return nsclc::lesion_volume_of(layout_, lesion, y, p);
  }
  /// State index of lesion 1's local state k (for naming the other lesions' states).
  int local_state_of_lesion0(int k) const { return layout_.index[0][static_cast<std::size_t>(k)]; }
  Layout layout_;
  friend const Layout* nsclc::layout_of(const ModelDefinition& model);
};

}  // namespace

namespace nsclc {
const Layout* layout_of(const ModelDefinition& model) {
  const auto* m = dynamic_cast<const NsclcModel*>(&model);
  return m ? &m->layout_ : nullptr;
}
}  // namespace nsclc

std::unique_ptr<ModelDefinition> make_qspio_nsclc() { return std::make_unique<NsclcModel>("qspio_nsclc", 1, false); }

const std::vector<std::string>& rt_module_names() { return nsclc::module_names(); }
const std::vector<std::string>& rt_default_module_names() { return nsclc::default_module_names(); }

namespace {
ModuleSet module_set(const std::vector<std::string>& modules) {
  ModuleSet set;
  bool* flags[8] = {&set.licensing, &set.epitope_spreading, &set.priming_checkpoint, &set.lymphodepletion,
                    &set.treg_adcc, &set.ctla4_priming,     &set.il7_recovery,       &set.priming_threshold};
  for (const auto& name : modules) {
    const auto& names = module_names();
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      std::string known;
      for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
      throw Error(ErrorKind::kInput, "unknown RT module '" + name + "' (expected one of: " + known + ")");
    }
    *flags[it - names.begin()] = true;
  }
  if (set.epitope_spreading && !set.licensing)
    throw Error(ErrorKind::kInput,
                "module epitope_spreading needs module licensing (licensed APCs prime the T2 family)");
  if (set.priming_checkpoint && !set.epitope_spreading)
    throw Error(ErrorKind::kInput,
                "module priming_checkpoint needs module epitope_spreading (it acts on new T2 cells)");
  if (set.priming_threshold && !set.epitope_spreading)
    throw Error(ErrorKind::kInput, "module priming_threshold needs module epitope_spreading (it acts on T2 priming)");
  if (set.ctla4_priming && !set.epitope_spreading)
    throw Error(ErrorKind::kInput,
                "module ctla4_priming needs module epitope_spreading (CTLA-4 blockade acts on T2 priming)");
  return set;
}
}  // namespace

std::string rt_model_id(int n_lesions, const std::vector<std::string>& modules) {
  const ModuleSet set = module_set(modules);
  std::string id = n_lesions == 1 ? "qspio_nsclc_rt" : "qspio_nsclc_rt@" + std::to_string(n_lesions);
  if (set.flags() == module_set(default_module_names()).flags()) return id;
  const auto on = set.flags();
  std::string list;
  for (std::size_t k = 0; k < on.size(); ++k)
    if (on[k]) list += (list.empty() ? "" : ",") + module_names()[k];
  return id + "{" + list + "}";
}

bool parse_rt_model_id(const std::string& id, int& n_lesions, std::vector<std::string>& modules) {
  const std::string base = "qspio_nsclc_rt";
  if (id.rfind(base, 0) != 0) return false;
  std::string rest = id.substr(base.size());
  n_lesions = 1;
  if (!rest.empty() && rest[0] == '@') {
    std::size_t end = 1;
    while (end < rest.size() && std::isdigit(static_cast<unsigned char>(rest[end]))) ++end;
    if (end == 1 || end > 3) return false;
    n_lesions = std::stoi(rest.substr(1, end - 1));
    rest = rest.substr(end);
  }
  modules.clear();
  if (rest.empty()) {
    modules = default_module_names();
    return true;
  }
  if (rest.front() != '{' || rest.back() != '}') return false;
  const std::string list = rest.substr(1, rest.size() - 2);
  for (std::size_t start = 0; start < list.size();) {
    const std::size_t comma = list.find(',', start);
    modules.push_back(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return true;
}

std::unique_ptr<ModelDefinition> make_qspio_nsclc_rt(int n_lesions, const std::vector<std::string>& modules) {
  return std::make_unique<NsclcModel>(rt_model_id(n_lesions, modules), n_lesions, true, module_set(modules));
}

}  // namespace vct::models
