// SPDX-License-Identifier: MIT
// The hybrid lesion (models/abm_coupling, docs/models/abm.md "Coupling"): a lesion whose
// compartment holds the share w = 1 - s keeps the whole lesion's size and its per-volume rates;
// the windows' slice exchange moves the recruits out of the blood (conserved), puts their dead
// cells' antigen into the lesion with the compartment's law, sees every fraction, and is
// deterministic.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "core/dosing.hpp"
#include "core/error.hpp"
#include "core/radiotherapy.hpp"
#include "core/simulation.hpp"
#include "models/abm_coupling/hybrid_lesion.hpp"
#include "models/registry.hpp"
#include "tests/support/model_access.hpp"
#include "tests/support/same_values.hpp"

namespace vct {
namespace {

using models::hybrid::HybridConfig;
using models::hybrid::HybridLesions;
using models::hybrid::SettledWindowCache;
using models::hybrid::SliceRecord;
using models::hybrid::WindowRegion;
using models::hybrid::WindowSpec;
using test_support::idx;
using test_support::param;

const ModelDefinition& rt_model() { return models::get_model("qspio_nsclc_rt{}"); }

/// Lesion-local states that count cells (scale with the compartment's share); the others are
/// concentrations, per-cell amounts or synapse densities.
const char* const kExtensive[] = {"V_T.C1",     "V_T.C_x",    "V_T.T1_exh",       "V_T.Th_exh",  "V_T.T1",
                                  "V_T.T0",     "V_T.Th",     "V_T.APC",          "V_T.mAPC",    "V_T.MDSC",
                                  "V_T.Mac_M1", "V_T.Mac_M2", "V_T.C_doomed_icd", "V_T.C_doomed"};

HybridConfig one_core_window(int n = 16) {
  HybridConfig c;
  WindowSpec w;
  w.lesion = 0;
  w.region = WindowRegion::kCore;
  w.region_share = 1.0;
  w.grid.nx = w.grid.ny = w.grid.nz = n;
  c.windows = {w};
  c.seed = 7;
  c.patient = 3;
  return c;
}

TEST(HybridShare, CompartmentHoldingShareWKeepsTheWholeLesionsSizeAndPerCellRates) {
  // A grown 3 cm lesion (s = 0) against the same lesion held at w = 0.8 (s = 0.2): every cell count
  // x 0.8, concentrations unchanged. Then: the lesion's volume (RECIST) is the same; cell-count
  // derivatives are 0.8 x the original (the rate laws are per cell and per volume; the "+ 1 cell"
  // regularisers of the saturations are the only departure, < 1e-6 here); concentrations move as
  // before; the mature APCs reaching the lymph node are the whole lesion's.
  const ModelDefinition& m = rt_model();
  std::vector<double> p = m.default_parameters();
  const std::vector<double> y = test_support::grown(m, p);
  std::vector<double> q = p;
  param(m, q, "lesion1_abm_share") = 0.2;
  std::vector<double> yw = y;
  for (const char* name : kExtensive) yw[idx(m, name)] *= 0.8;
  const std::size_t d = static_cast<std::size_t>(m.output_index("lesion1_diameter_cm")), no = m.outputs().size();
  std::vector<double> o(no), ow(no);
  m.compute_outputs(0.0, y.data(), p.data(), o.data());
  m.compute_outputs(0.0, yw.data(), q.data(), ow.data());
  EXPECT_NEAR(ow[d], o[d], 1e-12 * o[d]);  // (0.8 V / 0.8) = V
  EXPECT_NEAR(o[d], 3.0, 1e-3);
  std::vector<double> f(y.size()), fw(y.size());
  m.rhs(0.0, y.data(), p.data(), f.data());
  m.rhs(0.0, yw.data(), q.data(), fw.data());
  for (const char* name : {"V_T.C1", "V_T.T1", "V_T.T0", "V_T.mAPC", "V_T.Mac_M1"})
    EXPECT_NEAR(fw[idx(m, name)], 0.8 * f[idx(m, name)], 1e-6 * std::abs(f[idx(m, name)]) + 1e-9) << name;
  for (const char* name : {"V_T.IFNg", "V_T.TGFb", "V_T.IL12", "V_T.aPD1"})
    EXPECT_NEAR(fw[idx(m, name)], f[idx(m, name)], 1e-6 * std::abs(f[idx(m, name)]) + 1e-15) << name;
  const std::size_t mapc = idx(m, "V_LN.mAPC");
  EXPECT_NEAR(fw[mapc], f[mapc], 1e-9 * std::abs(f[mapc]) + 1e-12);
  // Released antigen and DAMP go into the whole lesion's volume V_T / w: with no free antigen and no
  // DAMP yet (so neither decays nor is taken up), the compartment's own sources are w = 0.8 times
  // the whole lesion's; the windows add theirs by jumps.
  std::vector<double> y0 = y, y0w = yw;
  for (const char* name : {"V_T.P0", "V_T.P1", "V_T.DAMP"}) y0[idx(m, name)] = y0w[idx(m, name)] = 0.0;
  y0[idx(m, "V_T.C_doomed_icd")] = 1e8;  // immunogenic deaths feed DAMP
  y0w[idx(m, "V_T.C_doomed_icd")] = 0.8e8;
  m.rhs(0.0, y0.data(), p.data(), f.data());
  m.rhs(0.0, y0w.data(), q.data(), fw.data());
  for (const char* name : {"V_T.P0", "V_T.P1", "V_T.DAMP"}) {
    ASSERT_GT(f[idx(m, name)], 0.0) << name;
    EXPECT_NEAR(fw[idx(m, name)], 0.8 * f[idx(m, name)], 1e-6 * f[idx(m, name)]) << name;
  }
}

TEST(HybridLesions, RecruitsLeaveTheBloodAndDeadCellsReleaseAntigenByTheLesionsLaw) {
  // One exchange by hand: blood T1 falls by recruits x S, antigen T_P1 rises by
  // n_T1 P1_C1 (kills + senescent deaths + immunogenic RT deaths) S / V_lesion.
  const ModelDefinition& m = rt_model();
  std::vector<double> p = m.default_parameters();
  param(m, p, "lesion1_abm_share") = 0.2;
  std::vector<double> y = test_support::grown(m, p);
  HybridConfig config = one_core_window();
  // a scenario's window parameter wins over the value taken from the model (k_C_T1 = 0.9 /day)
  config.windows[0].parameter_overrides = {{static_cast<std::size_t>(models::abm::P::k_kill_per_day), 0.5}};
  HybridLesions h(m, config);
  const std::vector<double> before = y;
  ASSERT_TRUE(h.exchange(0.25, y.data(), p.data()));
  EXPECT_EQ(h.windows()[0].parameters()[models::abm::P::k_kill_per_day], 0.5);
  EXPECT_EQ(h.windows()[0].parameters()[models::abm::P::K_kill_cancer_weight], 1.2);  // the model's K_T_C
  // lifespans from the model: 1 / k_T1_death = 1 / k_T0_death = 1 / (0.01 /day) = 100 days; the CD8
  // SD keeps SPQ's proportion, 1.5 / 10 x 100 = 15 days
  EXPECT_NEAR(h.windows()[0].parameters()[models::abm::P::CD8_life_mean_day], 100.0, 1e-9);
  EXPECT_NEAR(h.windows()[0].parameters()[models::abm::P::CD8_life_sd_day], 15.0, 1e-9);
  EXPECT_NEAR(h.windows()[0].parameters()[models::abm::P::Treg_life_mean_day], 100.0, 1e-9);
  ASSERT_EQ(h.records().size(), 1u);
  const SliceRecord& r = h.records()[0];
  // The window stands for the compartment tissue with as many cancer cells: V_eq = C_win w V / C1,
  // with C_win about 0.6 x 16^3 = 2458 (binomial SD 31) and w V = 0.8 x (pi/6) 27 cm^3 = 0.01131 L.
  const double V_cpt = 0.8 * (M_PI / 6.0 * 27e-3);
  const double V_eq = h.equivalent_volume_L(0);
  EXPECT_NEAR(V_eq, 2458.0 * V_cpt / before[idx(m, "V_T.C1")], 0.05 * V_eq);
  // S = s f V_lesion / V_eq
  EXPECT_NEAR(r.scale, 0.2 * (M_PI / 6.0 * 27e-3) / V_eq, 1e-3 * r.scale);
  const std::size_t C_T1 = idx(m, "V_C.T1"), C_T0 = idx(m, "V_C.T0"), P1 = idx(m, "V_T.P1");
  EXPECT_NEAR(before[C_T1] - y[C_T1], static_cast<double>(r.counts.cd8_recruited) * r.scale, 1e-9 * before[C_T1]);
  EXPECT_NEAR(before[C_T0] - y[C_T0], static_cast<double>(r.counts.treg_recruited) * r.scale, 1e-9 * before[C_T0]);
  EXPECT_EQ(r.deficit, 0.0);
  // the window starts at the compartment's CD8 per cancer cell, T1 x V_eq / (w V), and after one
  // slice holds that minus a few deaths plus the slice's recruits
  const double seeded = before[idx(m, "V_T.T1")] * V_eq / V_cpt;
  EXPECT_GT(seeded, 100.0);
  EXPECT_NEAR(static_cast<double>(r.counts.cd8()), seeded + static_cast<double>(r.counts.cd8_recruited), 0.05 * seeded);
  std::vector<double> o(m.outputs().size());
  m.compute_outputs(0.0, before.data(), p.data(), o.data());
  const double V = o[static_cast<std::size_t>(m.output_index("lesion1_volume_L"))];
  const double released = static_cast<double>(r.counts.kills + r.counts.senescent_deaths) * r.scale;
  EXPECT_NEAR(r.antigen_cells, released, 1e-9 * released + 1e-12);  // no radiation yet
  EXPECT_NEAR(y[P1] - before[P1], param(m, p, "n_T1_clones") * param(m, p, "P1_C1_nmol_per_cell") * r.antigen_cells / V,
              1e-9 * std::abs(y[P1] - before[P1]) + 1e-30);
}

/// The default patient with lesion 1 a hybrid at share 0.2: parameters, then the state grown without
/// drug.
std::pair<std::vector<double>, std::vector<double>> hybrid_patient(const ModelDefinition& m) {
  std::vector<double> p = m.default_parameters();
  param(m, p, "lesion1_abm_share") = 0.2;
  std::vector<double> y = test_support::grown(m, p);
  return {p, y};
}

TEST(HybridLesions, SettlingRunsTheWindowsBeforeDayZeroAndReanchorsTheirVolume) {
  // settle_days = 2: begin() advances the window 2 / 0.25 = 8 slices on the initial state before
  // day 0, leaves the model state alone and records nothing; the baseline assessment is taken after
  // it. Seeded CD8 cells meet cancer cells at once and secrete IFN-gamma (7.64e-10 ng/s each, about
  // 0.3 ng/mL at 20 um from one cell against a half-induction of 0.05 ng/mL), so the settled
  // window's cancer cells are PD-L1+; unsettled, every cell is at the base level 1/6 < 0.5, none is.
  const ModelDefinition& m = rt_model();
  const auto [p, y] = hybrid_patient(m);
  HybridConfig config = one_core_window();
  config.assessment_days = {0.0};
  HybridLesions fresh(m, config);
  fresh.begin(y.data(), p.data());
  config.windows[0].settle_days = 2.0;
  HybridLesions settled(m, config);
  std::vector<double> z = y;
  settled.begin(z.data(), p.data());
  EXPECT_EQ(z, y);
  EXPECT_EQ(fresh.windows()[0].slice(), 0);
  EXPECT_EQ(settled.windows()[0].slice(), 8);
  EXPECT_TRUE(settled.records().empty());
  // abm_spatial at day 0: columns 7-9 are viable cells, PD-L1+ cells and their share
  const std::vector<double> a = fresh.tables()[1], b = settled.tables()[1];
  ASSERT_EQ(a.size(), 10u);
  ASSERT_EQ(b.size(), 10u);
  EXPECT_EQ(a[8], 0.0);
  EXPECT_GT(b[9], 0.5);
  // V_eq again stands for as many cancer cells as the window holds: C_win x w V / C1
  const double V_cpt = 0.8 * (M_PI / 6.0 * 27e-3);
  const double C_win = static_cast<double>(settled.windows()[0].counts().cells());
  EXPECT_NEAR(settled.equivalent_volume_L(0), C_win * V_cpt / y[idx(m, "V_T.C1")],
              1e-3 * settled.equivalent_volume_L(0));
  EXPECT_NE(settled.equivalent_volume_L(0), fresh.equivalent_volume_L(0));
}

TEST(HybridLesions, RunsSharingSettledWindowsMatchRunsThatSettleTheirOwn) {
  // Three runs of one patient share a cache: the first settles (8 slices) and stores, the second
  // restores; they and a run without the cache then exchange 6 slices with identical tables and
  // window digests. A run from another initial state settles anew (no hit), as does another patient.
  const ModelDefinition& m = rt_model();
  const auto patient = hybrid_patient(m);
  // Named references, not a structured binding: the lambda below captures them, which clang 14
  // (the sanitizer build) refuses for bindings.
  const std::vector<double>& p = patient.first;
  const std::vector<double>& y = patient.second;
  HybridConfig config = one_core_window();
  config.windows[0].settle_days = 2.0;
  config.assessment_days = {0.0, 1.0};
  const auto run = [&](const HybridConfig& c, std::vector<double> state) {
    auto h = std::make_unique<HybridLesions>(m, c);
    h->begin(state.data(), p.data());
    for (int k = 1; k <= 6; ++k) h->exchange(0.25 * k, state.data(), p.data());
    return h;
  };
  const auto own = run(config, y);
  HybridConfig shared = config;
  shared.settled = std::make_shared<SettledWindowCache>(4);
  const auto first = run(shared, y);
  EXPECT_EQ(shared.settled->stores(), 1u);
  EXPECT_EQ(shared.settled->hits(), 0u);
  const auto second = run(shared, y);
  EXPECT_EQ(shared.settled->hits(), 1u);
  EXPECT_EQ(shared.settled->stores(), 1u);
  for (const auto* h : {first.get(), second.get()}) {
    EXPECT_EQ(h->windows()[0].digest(), own->windows()[0].digest());
    EXPECT_EQ(h->equivalent_volume_L(0), own->equivalent_volume_L(0));
    const auto a = own->tables(), b = h->tables();
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t t = 0; t < a.size(); ++t) EXPECT_TRUE(test_support::same_values(a[t], b[t])) << "table " << t;
  }
  // another start (one more cancer cell) or another patient: no entry to restore
  std::vector<double> other = y;
  other[static_cast<std::size_t>(idx(m, "V_T.C1"))] += 1.0;
  run(shared, other);
  HybridConfig next = shared;
  next.patient = 4;
  run(next, y);
  EXPECT_EQ(shared.settled->hits(), 1u);
  EXPECT_EQ(shared.settled->stores(), 3u);
}

TEST(HybridLesions, FastGrowingPatientsWindowsGrowAtTheOneDivisionPerSliceCap) {
  // A stem cell divides at most once per 6-h slice, so with asymmetric share a = 0.95 the stem pool
  // grows at most by 2 - a = 1.05 per slice: k <= ln(1.05) / 0.25 = 0.19516 /day. A patient growing
  // at 0.5 /day gets windows at that cap (spQSP-IO's hierarchy would ask for a division probability
  // of (e^0.125 - 1) / 0.05 = 2.66); a patient at 0.05 /day keeps their own rate.
  const ModelDefinition& m = rt_model();
  for (const double k : {0.5, 0.05}) {
    std::vector<double> p = m.default_parameters();
    param(m, p, "lesion1_abm_share") = 0.2;
    param(m, p, "k_C1_growth_per_day") = k;
    std::vector<double> y = test_support::grown(m, p);
    HybridLesions h(m, one_core_window(8));
    ASSERT_NO_THROW(h.exchange(0.25, y.data(), p.data()));
    EXPECT_NEAR(h.windows()[0].parameters()[models::abm::P::k_C_growth_per_day], std::min(k, std::log(1.05) / 0.25),
                1e-12);
  }
}

TEST(HybridLesions, MarginRecruitmentFoldMovesRecruitsToTheMarginAndKeepsTheLesionsTotal) {
  // Core (f = 0.95) and margin (f = 0.05) windows of one lesion, margin_recruitment_fold m = 4:
  // r_core = 1 / (0.95 + 0.05 x 4) = 1 / 1.15 = 0.869565, r_margin = 4 / 1.15 = 3.478261, and
  // 0.95 r_core + 0.05 r_margin = 1 (the lesion's windows recruit as many cells as at m = 1). Per
  // equivalent volume the margin window then recruits r_margin / r_core = 4 times the core's. With
  // m = 1 set explicitly, both factors are exactly 1 and the run is bit for bit the default one.
  const ModelDefinition& m = rt_model();
  std::vector<double> p = m.default_parameters();
  param(m, p, "lesion1_abm_share") = 0.2;
  const std::vector<double> y0 = test_support::grown(m, p);
  auto two_windows = [](double fold, bool set) {
    HybridConfig c = one_core_window(16);
    c.windows[0].region_share = 0.95;
    WindowSpec margin = c.windows[0];
    margin.region = WindowRegion::kMargin;
    margin.region_share = 0.05;
    c.windows.push_back(margin);
    if (set)
      for (WindowSpec& w : c.windows)
        w.parameter_overrides = {{static_cast<std::size_t>(models::abm::P::margin_recruitment_fold), fold}};
    return c;
  };
  // 80 slices, each from the same state (no ODE in between, so the blood is not drained).
  auto run = [&](const HybridConfig& c, std::vector<double>& y) {
    auto h = std::make_unique<HybridLesions>(m, c);
    h->begin(y.data(), p.data());
    for (int k = 1; k <= 80; ++k) {
      y = y0;
      h->exchange(0.25 * k, y.data(), p.data());
    }
    return h;
  };
  std::vector<double> ya = y0, yb = y0, yc = y0;
  const auto plain = run(two_windows(1.0, false), ya);
  const auto one = run(two_windows(1.0, true), yb);
  const auto four = run(two_windows(4.0, true), yc);
  EXPECT_EQ(one->recruitment_factor(0), 1.0);
  EXPECT_EQ(one->recruitment_factor(1), 1.0);
  EXPECT_EQ(ya, yb);
  for (std::size_t j = 0; j < 2; ++j) EXPECT_EQ(plain->windows()[j].digest(), one->windows()[j].digest());
  EXPECT_NEAR(four->recruitment_factor(0), 0.869565, 1e-6);
  EXPECT_NEAR(four->recruitment_factor(1), 3.478261, 1e-6);
  EXPECT_NEAR(0.95 * four->recruitment_factor(0) + 0.05 * four->recruitment_factor(1), 1.0, 1e-12);
  double recruits[2] = {0.0, 0.0};
  for (const SliceRecord& r : four->records())
    recruits[r.window] += static_cast<double>(r.counts.cd8_recruited) / four->equivalent_volume_L(r.window);
  ASSERT_GT(recruits[0], 0.0);
  EXPECT_GT(recruits[1] / recruits[0], 3.0);  // 4 in expectation; 3.62 here
  EXPECT_LT(recruits[1] / recruits[0], 5.0);
}

TreatmentPlan sbrt_with_nivolumab(const ModelDefinition& m, std::vector<double>& p) {
  const std::vector<DoseRegimen> niv = {{"nivolumab", 240.0, 0.0, 0.0, 14.0, 1}};
  apply_drug_parameters(m, niv, p);
  return make_treatment_plan(m, niv, {test_support::three_by_eight_course()}, 80.0, 8.0, 1.0, p);
}

TEST(HybridLesions, CoupledRunConservesCellsSeesEveryFractionAndRepeatsBitForBit) {
  const ModelDefinition& m = rt_model();
  std::vector<double> p = m.default_parameters();
  param(m, p, "lesion1_abm_share") = 0.2;
  const std::vector<double> y0 = test_support::grown(m, p);
  const TreatmentPlan plan = sbrt_with_nivolumab(m, p);
  HybridLesions a(m, one_core_window()), b(m, one_core_window());
  const PatientRun ra = simulate_treatment(m, p, y0, plan, SolverOptions{}, &a);
  const PatientRun rb = simulate_treatment(m, p, y0, plan, SolverOptions{}, &b);
  ASSERT_EQ(ra.status, PatientStatus::kOk) << ra.message;
  // 8 days / 6 h = 32 slices of one window
  ASSERT_EQ(a.records().size(), 32u);
  double wanted = 0.0, taken = 0.0, rt_deaths = 0.0;
  std::int64_t doomed_max = 0;
  for (const SliceRecord& r : a.records()) {
    wanted += static_cast<double>(r.counts.cd8_recruited + r.counts.treg_recruited) * r.scale;
    taken += r.cd8_from_blood + r.treg_from_blood + r.deficit;
    rt_deaths += r.immunogenic_rt_deaths;
    doomed_max = std::max(doomed_max, r.counts.doomed);
  }
  EXPECT_NEAR(taken, wanted, 1e-9 * wanted);
  EXPECT_GT(wanted, 0.0);
  // 8 Gy at the default alpha 0.146 /Gy, alpha/beta 10 Gy: survival exp(-1.168 - 0.934) = 0.122, so
  // most of the window's cells are doomed after day 1 and some die immunogenically within the run
  EXPECT_GT(doomed_max, a.records()[0].counts.cells() / 2);
  EXPECT_GT(rt_deaths, 0.0);
  // the same (seed, patient): the same windows and the same trajectory, bit for bit
  EXPECT_EQ(a.windows()[0].digest(), b.windows()[0].digest());
  EXPECT_EQ(ra.trajectory.states, rb.trajectory.states);
  // two windows advance on two threads: still the same, run after run
  HybridConfig two = one_core_window();
  two.windows.push_back(two.windows[0]);
  two.windows[0].region_share = 0.95;
  two.windows[1].region = WindowRegion::kMargin;
  two.windows[1].region_share = 0.05;
  HybridLesions d(m, two), e(m, two);
  const PatientRun rd = simulate_treatment(m, p, y0, plan, SolverOptions{}, &d);
  const PatientRun re = simulate_treatment(m, p, y0, plan, SolverOptions{}, &e);
  ASSERT_EQ(rd.status, PatientStatus::kOk) << rd.message;
  EXPECT_EQ(d.windows()[1].digest(), e.windows()[1].digest());
  EXPECT_EQ(rd.trajectory.states, re.trajectory.states);
  // another patient index: another stream
  HybridConfig other = one_core_window();
  other.patient = 4;
  HybridLesions c(m, other);
  ASSERT_EQ(simulate_treatment(m, p, y0, plan, SolverOptions{}, &c).status, PatientStatus::kOk);
  EXPECT_NE(c.windows()[0].digest(), a.windows()[0].digest());
}

TEST(HybridLesions, WellMixedWindowKillsAndHoldsCd8LikeItsCompartment) {
  // The well-mixed limit (spatial-abm.md §4.1 T5) on one patient under nivolumab, no RT: over days
  // 2-6 the window's kills per viable cancer cell per day and its effector CD8 per cancer cell match
  // the compartment's within 30 % (0.0121 against 0.0095 per day, pooled below). Before the window was scaled by cancer cells (V_eq) and took
  // the lesion's K_T_C it killed 2-3 times faster; with SPQ's 10-day CD8 lifespan its CD8 count
  // stayed flat while the compartment's rose under nivolumab. Unsettled, the window's PD-L1 is
  // uniform too: the seeded cells' first IFN-gamma burst induces every cancer cell to its maximum
  // for these days (the same result at spQSP-IO's IFN-gamma values as at the calibrated ones).
  // Pooled over four windows the kill ratio is 1.25 and the CD8 ratio 1.03 (one window gave 1.14
  // and 1.06 before the windows were seeded at day 0 rather than at the first slice).
  const ModelDefinition& m = rt_model();
  std::vector<double> p = m.default_parameters();
  param(m, p, "lesion1_abm_share") = 0.2;
  const std::vector<double> y0 = test_support::grown(m, p);
  const std::vector<DoseRegimen> niv = {{"nivolumab", 240.0, 0.0, 0.0, 14.0, 1}};
  apply_drug_parameters(m, niv, p);
  const TreatmentPlan plan = make_treatment_plan(m, niv, {}, 80.0, 6.0, 1.0, p);
  // Four windows (patient streams 3-6) pooled: about 500 kills, a Poisson SD of about 4 %.
  double win_kills = 0.0, win_cell_days = 0.0, cpt_rate = 0.0, win_ratio = 0.0, cpt_ratio = 0.0;
  int n = 0, rows = 0;
  for (std::uint64_t patient = 3; patient <= 6; ++patient) {
    HybridConfig config = one_core_window();
    config.patient = patient;
    HybridLesions h(m, config);
    const PatientRun run = simulate_treatment(m, p, y0, plan, SolverOptions{}, &h);
    ASSERT_EQ(run.status, PatientStatus::kOk) << run.message;
    for (const SliceRecord& r : h.records()) {
      if (r.t_day <= 1.0) continue;
      win_kills += static_cast<double>(r.counts.kills);
      win_cell_days += static_cast<double>(r.counts.cells() - r.counts.doomed) * 0.25;
      cpt_rate += r.compartment_kill_per_cell_per_day;
      win_ratio += static_cast<double>(r.counts.cd8_effector + r.counts.cd8_cytotoxic) /
                   static_cast<double>(r.counts.cells() - r.counts.doomed);
      ++n;
    }
    const std::size_t ns = static_cast<std::size_t>(m.n_states());
    for (std::size_t t = 2; t <= 6; ++t, ++rows)
      cpt_ratio += run.trajectory.states[t * ns + idx(m, "V_T.T1")] / run.trajectory.states[t * ns + idx(m, "V_T.C1")];
  }
  ASSERT_EQ(n, 4 * 20);  // slices ending at 1.25 .. 6, four windows
  cpt_rate /= n;
  win_ratio /= n;
  cpt_ratio /= rows;
  const double win_rate = win_kills / win_cell_days;
  EXPECT_GT(cpt_rate, 0.005);
  EXPECT_NEAR(win_rate / cpt_rate, 1.0, 0.3) << win_rate << " vs " << cpt_rate;
  EXPECT_NEAR(win_ratio / cpt_ratio, 1.0, 0.3) << win_ratio << " vs " << cpt_ratio;
}

TEST(HybridLesions, RejectsWindowsTheModelCannotHold) {
  const ModelDefinition& m = rt_model();
  std::vector<double> p = m.default_parameters();
  std::vector<double> y = test_support::grown(m, p);
  HybridLesions no_share(m, one_core_window());  // lesion1_abm_share left at 0
  EXPECT_THROW(no_share.exchange(0.25, y.data(), p.data()), Error);
  HybridConfig third = one_core_window();
  third.windows[0].lesion = 2;
  EXPECT_THROW(HybridLesions(m, third), Error);
  HybridConfig zero = one_core_window();
  zero.windows[0].region_share = 0.0;
  EXPECT_THROW(HybridLesions(m, zero), Error);
  EXPECT_THROW(HybridLesions(models::get_model("qspio_nsclc"), one_core_window()), Error);
}

}  // namespace
}  // namespace vct
