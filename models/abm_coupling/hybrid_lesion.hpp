// SPDX-License-Identifier: MIT
// Agent-based windows coupled to the lesions of the QSP-IO NSCLC RT model (issue #24;
// docs/models/abm.md, "Coupling"; spQSP-IO's operator splitting, spatial-abm.md §1.5 and §6.4).
//
// A lesion with windows is a hybrid: its compartment holds the share w = 1 - s of it (the model
// parameter lesion<k>_abm_share = s, models/qspio_nsclc/layout.hpp lesion_weight) and its windows
// stand for the share s, each window j for s f_j of the lesion (f_j: its region's share, e.g. 0.95
// core and 0.05 invasive margin, summing to 1 over the lesion's windows). Window j stands for the
// compartment tissue holding as many cancer cells as it held when seeded, V_eq (the lattice packs
// cancer cells about four times more loosely than the compartment), and scales by
// S_j = s f_j V_lesion / V_eq, V_lesion being the whole lesion's volume.
//
// Each slice (SliceCoupling::exchange), per window, from the model state at the slice's end:
// - in: expected recruits = homing per blood cell per litre (the lesion's own law, RT boost
//   included) x blood cells x V_eq x slice, for effector CD8 (T1) and Tregs; the PD-1 bond scale
//   that gives a cancer cell at the window's mean PD-L1 the lesion's H_PD1 (anti-PD-(L)1 included);
//   the lesion's non-contact kill factor, times its Treg factor Teff / (Teff + K_T_Treg Treg + 1)
//   on the window's own counts;
// - the window advances one slice;
// - out (a pure jump of the state): the recruits x S_j leave the blood pools (cells are conserved:
//   what the blood cannot supply is recorded as a deficit, and the balance is checked every slice);
//   the cells the window saw die by T-cell kill, senescence and immunogenic radiation death, x S_j,
//   release tumour antigen (T_P0, T_P1) into the whole lesion's volume with the lesion's per-cell
//   antigen laws, and the immunogenic ones raise its DAMP signal, as the compartment's own deaths do.
// A fraction (on_fraction) irradiates the lesion's windows with the course's dose map at the
// lesion's current radius; the immunogenic share of the window's doomed cells is the compartment's
// (rt::immunogenic_share). The windows take the patient's growth rate, kill rate and radiosensitivity
// from the model parameters. RECIST keeps reading the lesion's volume (the compartment's over w).
//
// One HybridLesions serves one patient run (not thread-safe); its windows' streams come from
// (seed, patient, lesion, window), so results do not depend on threads or ranks.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/coupling.hpp"
#include "core/model.hpp"
#include "models/abm/window.hpp"

namespace vct::models::nsclc {
struct LesionSignals;
}

namespace vct::models::hybrid {

using abm::Grid;
using abm::Parameters;
using abm::SliceInputs;
using abm::Window;
using abm::WindowCounts;

enum class WindowRegion : std::uint8_t { kCore = 0, kMargin = 1 };

/// One window of a lesion.
struct WindowSpec {
  int lesion = 0;                             ///< 0-based
  WindowRegion region = WindowRegion::kCore;  ///< core: centred in the lesion; margin: on its boundary
  double region_share = 1.0;                  ///< f_j in (0, 1]; the lesion's windows sum to 1
  Grid grid;                                  ///< size and voxel edge
  /// Window parameters set by the scenario (index into abm::parameter_table(), value); they win
  /// over the values the window takes from the model.
  std::vector<std::pair<std::size_t, double>> parameter_overrides;
  /// Days (>= 0, whole slices) the window advances before day 0 on the initial state, nothing fed
  /// back, so that its T cells, IFN-gamma and PD-L1 settle from the seeding (docs/models/abm.md,
  /// "Settling").
  double settle_days = 0.0;
};

/// Settled windows kept between the arms of one candidate and its re-simulations (stopping
/// rules). Every arm of a candidate starts from the same initial state and parameters, so settling
/// gives the same windows: the first run settles and stores them, the others restore them
/// (docs/models/abm.md, "Settling"). An entry is found by candidate and used only when the initial
/// state and parameters are equal bit for bit, so a different start settles anew. One cache serves
/// the runs of one HybridConfig (its window specs are not compared). Holds the `capacity` most
/// recently stored candidates. Thread-safe.
class SettledWindowCache {
 public:
  struct Entry {
    std::vector<double> y, p;                 ///< the initial state and parameters it was settled from
    std::vector<abm::WindowState> windows;    ///< after settling
    std::vector<double> equivalent_volume_L;  ///< re-anchored after settling
  };
  explicit SettledWindowCache(std::size_t capacity) : capacity_(capacity) {}
  /// The entry of `patient` settled from exactly y and p, or null.
  std::shared_ptr<const Entry> find(std::uint64_t patient, const std::vector<double>& y,
                                    const std::vector<double>& p) const;
  void store(std::uint64_t patient, std::shared_ptr<const Entry> entry);
  std::size_t hits() const;    ///< entries found so far
  std::size_t stores() const;  ///< entries stored so far

 private:
  mutable std::mutex mutex_;
  std::size_t capacity_;
  std::deque<std::pair<std::uint64_t, std::shared_ptr<const Entry>>> entries_;
  mutable std::size_t hits_ = 0;
  std::size_t stores_ = 0;
};

struct HybridConfig {
  Parameters parameters;  ///< the window rules (growth, kill and LQ values are taken from the model)
  std::vector<WindowSpec> windows;
  std::uint64_t seed = 0, patient = 0;
  /// Days at which the windows' spatial statistics are recorded (ascending; 0: when seeded), e.g.
  /// baseline and the RECIST scans; at the end of the slice that reaches each.
  std::vector<double> assessment_days;
  bool sections = false;  ///< also record each window's middle z plane at the assessments
  /// Settled windows shared with the other runs of this patient (null: every run settles its own).
  std::shared_ptr<SettledWindowCache> settled;
};

/// What one window exchanged in one slice.
struct SliceRecord {
  double t_day = 0.0;
  int window = 0;
  WindowCounts counts;
  double scale = 0.0;                  ///< S_j
  double cd8_from_blood = 0.0;         ///< cells removed from blood T1
  double treg_from_blood = 0.0;        ///< cells removed from blood T0
  double deficit = 0.0;                ///< recruits x S_j the blood could not supply
  double antigen_cells = 0.0;          ///< dead cells x S_j releasing antigen
  double immunogenic_rt_deaths = 0.0;  ///< of which radiation deaths (DAMP), x S_j
  /// The compartment at the slice's end, for comparison with the window: CD8 killing per cancer
  /// cell (1/day) and PD-1 engagement H_PD1.
  double compartment_kill_per_cell_per_day = 0.0, compartment_H_PD1 = 0.0;
};

class HybridLesions final : public SliceCoupling {
 public:
  /// `model` must be a QSP-IO NSCLC RT model whose lesion<k>_abm_share parameters are in `params`
  /// (checked at the first exchange). Throws Error(kInput) for a window of a lesion the model lacks
  /// or a region share outside (0, 1].
  HybridLesions(const ModelDefinition& model, HybridConfig config);
  ~HybridLesions() override;

  double slice_days() const override;
  void begin(const double* y, const double* params) override;
  bool exchange(double t_day, double* y, const double* params) override;
  void on_fraction(const RadiationFraction& fraction, const double* y, const double* params) override;

  const std::vector<SliceRecord>& records() const { return records_; }
  /// The records as tables, in table_layouts() order: per slice and window (abm_slices); per
  /// assessment and window, the spatial statistics (abm_spatial), the depth profile (abm_profiles,
  /// one row per bin) and, with config.sections, the occupied voxels of the middle z plane
  /// (abm_sections: cancer code 0 none, 1 stem, 2 progenitor, 3 senescent, 4 doomed; T code 0 none,
  /// 1 effector, 2 cytotoxic, 3 suppressed CD8, 4 Treg, the first present in that order 2, 1, 3, 4).
  std::vector<std::vector<double>> tables() const override;
  /// The tables' names and columns, each column ending with its unit.
  static const std::vector<CouplingTableLayout>& table_layouts();
  /// Column names of the abm_slices table.
  static const std::vector<std::string>& columns() { return table_layouts()[0].columns; }
  const std::vector<Window>& windows() const { return windows_; }
  const HybridConfig& config() const { return config_; }
  /// Window j's equivalent volume V_eq (L): the compartment tissue that holds as many cancer cells as
  /// the window did at day 0 (when seeded, and again after settling). Recruitment, seeding and the
  /// scale S_j use it. Set at begin() (or the first slice or fraction).
  double equivalent_volume_L(std::size_t j) const { return equivalent_volume_.at(j); }
  /// Window j's recruitment factor r_j: its recruits per equivalent volume relative to a lesion of
  /// uniform perfusion. A margin window has the fold m = margin_recruitment_fold, a core window 1;
  /// r_j = m_j / sum_k(f_k m_k) over the lesion's windows (f: region shares summing to 1), so the
  /// lesion's windows recruit as many cells in total as with m = 1 (exactly 1 then). Set at begin().
  double recruitment_factor(std::size_t j) const { return recruitment_factor_.at(j); }

 private:
  void start(const double* y, const double* p);
  void settle(const double* y, const double* p);
  void settle_or_restore(const double* y, const double* p);
  /// V_eq of window j from its cancer cells now and the compartment's in y.
  double anchored_volume_L(std::size_t j, const double* y, const double* p) const;
  void record_assessment(double t_day);
  void record_section(std::size_t j, double t_day);
  SliceInputs inputs_for(std::size_t j, const nsclc::LesionSignals& lesion, const double* y) const;
  void push_back_to_model(std::size_t j, double t_day, double* y, const double* p, double V_lesion);
  double lesion_volume_L(int lesion, const double* y, const double* p) const;

  const ModelDefinition& model_;
  HybridConfig config_;
  std::vector<Window> windows_;
  std::vector<double> icd_pool_, non_pool_;  ///< per window: doomed cells by fate
  std::vector<SliceRecord> records_;
  std::vector<double> equivalent_volume_;   ///< per window: V_eq, L
  std::vector<double> recruitment_factor_;  ///< per window: r_j (recruitment_factor())
  std::size_t next_assessment_ = 0;
  std::vector<double> spatial_rows_, profile_rows_, section_rows_;
  double k_treg_ = 0.0;  ///< the model's K_T_Treg
};

}  // namespace vct::models::hybrid
