// SPDX-License-Identifier: MIT
// The agent-based lesion window (issue #24; docs/models/abm.md) against hand arithmetic and exact
// properties: the diffusion solver (conservation, decay, variance 2Dt, the point-source Green's
// function), the hierarchy's probabilities and stationary composition, per-cell LQ kill from the
// dose maps (uniform within the binomial interval, nothing outside a partial map's target, a zero
// map changing nothing), and determinism (threads, checkpoints).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <numeric>
#include <sstream>

#include "core/parallel.hpp"
#include "models/abm/diffusion.hpp"
#include "models/abm/spatial_stats.hpp"
#include "models/abm/window.hpp"

namespace vct::models::abm {
namespace {

constexpr double kPi = 3.14159265358979323846;

double total(const std::vector<double>& c) { return std::accumulate(c.begin(), c.end(), 0.0); }

TEST(AbmDiffusion, ConservesTheAmountWithoutDecayOrSources) {
  const Grid g{10, 8, 6, 20.0};
  // r = D dt / h^2 = 10 x 600 / 400 = 15: far beyond an explicit scheme's limit of 1/6
  const DiffusionSolver solver(g, 10.0, 0.0, 600.0);
  std::vector<double> c(g.size()), work;
  Rng rng(1, Stream::kAbmWindow, 0);
  for (double& v : c) v = rng.uniform();
  const double before = total(c);
  for (int i = 0; i < 10; ++i) solver.step(c, {}, {}, work);
  EXPECT_NEAR(total(c), before, 1e-12 * before);
  for (double v : c) EXPECT_GE(v, 0.0);
  // and it mixes: the spread falls from that of uniform noise (sd 0.29) towards 0
  double mean = total(c) / static_cast<double>(c.size()), var = 0.0;
  for (double v : c) var += (v - mean) * (v - mean);
  EXPECT_LT(std::sqrt(var / static_cast<double>(c.size())), 0.01);
}

TEST(AbmDiffusion, TotalFollowsReleaseAndTheSplitDecayExactly) {
  const Grid g{9, 9, 9, 20.0};
  const double k = 6.5e-5, dt = 600.0, s = 2e-10;  // IFN-gamma decay; one source of 2e-10 ng/s
  const DiffusionSolver solver(g, 10.0, k, dt);
  std::vector<double> c(g.size(), 0.0), release(g.size(), 0.0), work;
  release[g.index(4, 4, 4)] = s;
  // amount M = V sum c: M' = (M + s dt) / (1 + k dt / 3)^3, k dt / 3 = 0.013
  double amount = 0.0;
  for (int i = 0; i < 36; ++i) {
    solver.step(c, release, {}, work);
    amount = (amount + s * dt) / std::pow(1.013, 3);
  }
  EXPECT_NEAR(total(c) * g.voxel_mL(), amount, 1e-12 * amount);
  // the split factor (1.013)^-3 = 0.962101 is e^(-k dt) = e^(-0.039) = 0.961751 to O(dt^2)
  EXPECT_NEAR(std::pow(1.013, -3), std::exp(-k * dt), 4e-4);
}

double variance_um2(const std::vector<double>& c, const Grid& g, int axis, int centre) {
  double m = 0.0, v = 0.0;
  for (std::uint32_t i = 0; i < g.size(); ++i) {
    const Voxel p = g.voxel(i);
    const double d = ((axis == 0 ? p.x : axis == 1 ? p.y : p.z) - centre) * g.voxel_um;
    m += c[i];
    v += c[i] * d * d;
  }
  return v / m;
}

TEST(AbmDiffusion, SpreadsAPointWithVariance2DtPerAxis) {
  // backward Euler's kernel has variance exactly 2 r voxels^2 per step on an unbounded line
  const Grid line{101, 1, 1, 20.0};
  const DiffusionSolver solver(line, 10.0, 0.0, 60.0);
  std::vector<double> c(line.size(), 0.0), work;
  c[50] = 1.0;
  for (int i = 0; i < 10; ++i) solver.step(c, {}, {}, work);
  EXPECT_NEAR(variance_um2(c, line, 0, 50), 12000.0, 1e-6 * 12000.0);  // 2 x 10 um^2/s x 600 s
  // in 3-D the sweeps factorise, so each axis spreads exactly as a line of the same length does
  // (on 41 voxels the boundary already trims the implicit scheme's exponential tails)
  const Grid line41{41, 1, 1, 20.0}, cube{41, 41, 41, 20.0};
  const DiffusionSolver solver1(line41, 10.0, 0.0, 60.0), solver3(cube, 10.0, 0.0, 60.0);
  std::vector<double> c1(line41.size(), 0.0), c3(cube.size(), 0.0);
  c1[20] = 1.0;
  c3[cube.index(20, 20, 20)] = 1.0;
  for (int i = 0; i < 5; ++i) {
    solver1.step(c1, {}, {}, work);
    solver3.step(c3, {}, {}, work);
  }
  const double v1 = variance_um2(c1, line41, 0, 20);
  EXPECT_NEAR(v1, 6000.0, 5.0);  // 2 x 10 x 300 um^2, less what the faces reflect
  for (int axis = 0; axis < 3; ++axis) EXPECT_NEAR(variance_um2(c3, cube, axis, 20), v1, 1e-9 * v1) << axis;
}

TEST(AbmDiffusion, ApproachesThePointSourceGreensFunction) {
  // c(r) = s / (4 pi D r) e^(-r / lambda), lambda = sqrt(D / k) = sqrt(10 / 1e-3) = 100 um = 5 voxels,
  // D = 10 um^2/s = 1e-7 cm^2/s, r in cm, c in ng/mL. Sub-steps of 6 s (r = D dt / h^2 = 0.15)
  // keep the splitting error small; at the default 600-s sub-steps the error next to a source is
  // large (docs/models/abm.md; build/tools/vct_abm_diffusion_accuracy).
  const Grid g{33, 33, 33, 20.0};
  const double D = 10.0, k = 1e-3, s = 1e-9;
  const DiffusionSolver solver(g, D, k, 6.0);
  std::vector<double> c(g.size(), 0.0), release(g.size(), 0.0), work;
  release[g.index(16, 16, 16)] = s;
  for (int i = 0; i < 1000; ++i) solver.step(c, release, {}, work);  // 6000 s = 6 / k
  for (int d = 4; d <= 7; ++d) {
    const double r_cm = d * 20e-4, D_cm2 = D * 1e-8;
    const double exact = s / (4.0 * kPi * D_cm2 * r_cm) * std::exp(-d * 20.0 / 100.0);
    EXPECT_NEAR(c[g.index(16 + d, 16, 16)] / exact, 1.0, 0.1) << "r = " << d << " voxels";
  }
}

TEST(AbmHierarchy, SliceProbabilitiesFromTheRates) {
  const HierarchyRates r = hierarchy_rates(Parameters{});
  // dt = 6 h = 0.25 day; lambda = e^(0.007 x 0.25) = 1.0017515
  EXPECT_NEAR(r.growth_factor, 1.0017515, 1e-7);
  EXPECT_NEAR(r.p_stem_division, 0.0017515 / 0.05, 1e-6);               // (lambda - 1) / (1 - 0.95)
  EXPECT_NEAR(r.p_progenitor_division, 1.0 - std::exp(-0.125), 1e-12);  // 0.5 /day x 0.25 day
  EXPECT_NEAR(r.p_senescent_death, 1.0 - std::exp(-0.25), 1e-12);
  EXPECT_NEAR(r.p_doomed_clearance, 1.0 - std::exp(-0.0875), 1e-12);  // 0.35 /day x 0.25 day
  EXPECT_EQ(r.generations, 9);
}

TEST(AbmHierarchy, StationaryCompositionIsAnEigenvectorOfTheMeanDynamics) {
  const HierarchyRates r = hierarchy_rates(Parameters{});
  const std::vector<double> f = stationary_composition(r);
  ASSERT_EQ(f.size(), 11u);
  EXPECT_NEAR(total(f), 1.0, 1e-12);
  // one slice of the mean dynamics multiplies every class by lambda
  std::vector<double> next(f.size());
  next[0] = f[0] * (1.0 + r.p_stem_division * (1.0 - r.asymmetric));
  next[1] = f[1] * (1.0 - r.p_progenitor_division) + r.asymmetric * r.p_stem_division * f[0];
  for (std::size_t g = 2; g <= 9; ++g)
    next[g] = f[g] * (1.0 - r.p_progenitor_division) + 2.0 * r.p_progenitor_division * f[g - 1];
  next[10] = f[10] * (1.0 - r.p_senescent_death) + 2.0 * r.p_progenitor_division * f[9];
  for (std::size_t i = 0; i < f.size(); ++i) EXPECT_NEAR(next[i], r.growth_factor * f[i], 1e-12) << i;
  // stems are rare: P_1 / S = 0.95 x 0.03503 / (0.0017515 + 0.117503) = 0.279
  EXPECT_NEAR(f[1] / f[0], 0.95 * r.p_stem_division / (r.growth_factor - 1.0 + r.p_progenitor_division), 1e-12);
  EXPECT_LT(f[0], 0.01);
}

std::vector<double> grouped_fractions(const Window& w) {
  // stem, progenitors of generations 1-4, 5-9, senescent
  std::vector<double> n(4, 0.0);
  for (const CancerCell& c : w.cells())
    n[c.state == CellState::kStem ? 0 : c.state == CellState::kSenescent ? 3 : c.generation <= 4 ? 1 : 2] += 1.0;
  const double all = total(n);
  for (double& v : n) v /= all;
  return n;
}

TEST(AbmWindow, SparseCellsKeepTheStationaryComposition) {
  Parameters p;
  p[P::initial_density] = 0.03;
  const Grid g{64, 64, 64, 20.0};
  Window w(p, g, {}, window_stream(11, 0, 0, 0));
  w.populate();
  const std::vector<double> start = grouped_fractions(w);
  for (int i = 0; i < 120; ++i) w.advance_slice();  // 30 days
  const std::vector<double> end = grouped_fractions(w);
  const std::vector<double> f = stationary_composition(hierarchy_rates(p));
  const std::vector<double> expected = {f[0], f[1] + f[2] + f[3] + f[4], f[5] + f[6] + f[7] + f[8] + f[9], f[10]};
  // tolerances from 12 seeds: stems (about 50 cells) and early progenitors (about 160, born in
  // bursts) vary by up to 16 % and 37 %; late progenitors and senescent cells by 2 % and 4 %
  const double start_tolerance[4] = {0.25, 0.2, 0.05, 0.05}, end_tolerance[4] = {0.35, 0.5, 0.06, 0.08};
  for (std::size_t k = 0; k < 4; ++k) {
    EXPECT_NEAR(start[k] / expected[k], 1.0, start_tolerance[k]) << "start, group " << k;
    EXPECT_NEAR(end[k] / expected[k], 1.0, end_tolerance[k]) << "day 30, group " << k;
  }
}

TEST(AbmWindow, StemPoolGrowsAtTheQspGrowthRate) {
  // 1000 sparse stems, k_C 0.05/day, 40 slices = 10 days: E[S] = 1000 e^(0.5) = 1648.7;
  // one progenitor generation and fast senescent death keep the lattice sparse
  Parameters p;
  p[P::k_C_growth_per_day] = 0.05;
  p[P::progenitor_divisions] = 1.0;
  p[P::k_senescent_death_per_day] = 10.0;
  const Grid g{64, 64, 64, 20.0};
  Window w(p, g, {}, window_stream(12, 0, 0, 0));
  Rng place(3, Stream::kAbmWindow, 99);
  for (int placed = 0; placed < 1000;) {
    const auto v = static_cast<std::uint32_t>(place.below(g.size()));
    if (std::any_of(w.cells().begin(), w.cells().end(), [v](const CancerCell& c) { return c.voxel == v; })) continue;
    w.add_cell({v, CellState::kStem, 0, false});
    ++placed;
  }
  for (int i = 0; i < 40; ++i) w.advance_slice();
  // sd of S(10 d) for a binary branching process: sqrt(1000 (e^0.5 - 1) (1 + 2 x 0.0125 ...)) ~ 26
  EXPECT_NEAR(static_cast<double>(w.counts().stem), 1648.7, 4.0 * 26.0);
}

// recruitment, a PD-1 bond scale of 3 (H = 0.2 at the base PD-L1 of 1/6): T cells and fields in play
const SliceInputs kImmuneInputs{20.0, 4.0, 3.0, 1.0};

Window dense_window(std::uint64_t seed, const DosePoint& centre = {}, int edge = 32) {
  Parameters p;
  Window w(p, Grid{edge, edge, edge, 20.0}, centre, window_stream(seed, 7, 1, 0));
  w.populate();
  return w;
}

TEST(AbmRadiotherapy, UniformDoseSurvivalIsLinearQuadraticWithinItsBinomialInterval) {
  Window w = dense_window(21);
  const double n = static_cast<double>(w.cells().size());
  const double doomed = static_cast<double>(w.irradiate(DoseMap{}, 8.0, 20.0));
  // S(8 Gy) = exp(-0.146 x 8 - 0.0146 x 64) = exp(-2.1024) = 0.12215
  const double s = std::exp(-2.1024);
  const double sd = std::sqrt(n * s * (1.0 - s));
  EXPECT_NEAR(n - doomed, n * s, 4.0 * sd) << "n " << n;
  EXPECT_EQ(w.counts().doomed, static_cast<std::int64_t>(doomed));
  // doomed cells are cleared at 0.35/day: after 8 slices (2 days) a fraction e^(-0.7) = 0.497 remain
  for (int i = 0; i < 8; ++i) w.advance_slice();
  EXPECT_NEAR(static_cast<double>(w.counts().doomed) / doomed, std::exp(-0.7), 4.0 * std::sqrt(0.25 / doomed));
}

TEST(AbmRadiotherapy, PartialDoseKillsNothingOutsideItsTarget) {
  // lesion radius 10 mm, target 30 % of the volume: radius 10 x 0.3^(1/3) = 6.694 mm; the
  // 0.64 mm window is centred on the target's edge, so about half of it is inside
  const double edge = 10.0 * std::cbrt(0.3);
  Window w = dense_window(22, {edge, 0.0, 0.0});
  DoseMap map;
  map.kind = DoseMapKind::kPartial;
  map.target_volume_fraction = 0.3;
  w.irradiate(map, 12.0, 10.0);
  double inside = 0.0, inside_doomed = 0.0;
  for (const CancerCell& c : w.cells()) {
    const DosePoint x = w.voxel_centre_mm(c.voxel);
    if (std::hypot(x.x, x.y, x.z) > edge) {
      EXPECT_FALSE(c.doomed);
    } else {
      inside += 1.0;
      inside_doomed += c.doomed ? 1.0 : 0.0;
    }
  }
  ASSERT_GT(inside, 2000.0);
  const double s = std::exp(-0.146 * 12.0 - 0.0146 * 144.0);  // exp(-3.8544) = 0.0212
  EXPECT_NEAR(inside - inside_doomed, inside * s, 4.0 * std::sqrt(inside * s * (1.0 - s)) + 1.0);
}

TEST(AbmRadiotherapy, ZeroDoseMapLeavesTheRunUnchanged) {
  Window a = dense_window(23), b = dense_window(23);
  DoseMap lattice;
  lattice.kind = DoseMapKind::kLattice;
  for (int i = 0; i < 12; ++i) {
    if (i % 4 == 0) {
      EXPECT_EQ(b.irradiate(lattice, 0.0, 15.0), 0);     // a zero prescription
      EXPECT_EQ(b.irradiate(DoseMap{}, 8.0, 0.001), 0);  // every voxel lies outside a 1-um lesion
    }
    a.advance_slice();
    b.advance_slice();
  }
  EXPECT_EQ(a.digest(), b.digest());
}

TEST(AbmWindow, ResultsDoNotDependOnTheThreadCount) {
  const auto run = [](int threads) {
    std::vector<std::uint64_t> digests(4);
    parallel_for(0, 4, threads, [&](std::size_t i) {
      Window w = dense_window(31 + (i % 2), {}, 16);
      for (int s = 0; s < 6; ++s) w.advance_slice(kImmuneInputs);
      digests[i] = w.digest();
    });
    return digests;
  };
  const auto one = run(1), two = run(2);
  EXPECT_EQ(one, two);
  EXPECT_EQ(one[0], one[2]);  // same seed, same window
  EXPECT_NE(one[0], one[1]);  // another seed
  // another lesion or window index is another stream
  Rng a = window_stream(5, 1, 0, 0), b = window_stream(5, 1, 1, 0), c = window_stream(5, 1, 0, 1),
      d = window_stream(5, 2, 0, 0);
  const std::uint64_t x = a.next();
  EXPECT_NE(x, b.next());
  EXPECT_NE(x, c.next());
  EXPECT_NE(x, d.next());
}

TEST(AbmWindow, RestartFromACheckpointIsBitIdentical) {
  Window w = dense_window(41, {}, 20);
  for (int s = 0; s < 4; ++s) w.advance_slice(kImmuneInputs);
  w.irradiate(DoseMap{}, 8.0, 20.0);
  const WindowState saved = w.checkpoint();
  for (int s = 0; s < 6; ++s) w.advance_slice(kImmuneInputs);
  ASSERT_GT(w.counts().cd8(), 0);  // T cells, and with them the cytokine fields, are in the checkpoint
  ASSERT_GT(w.counts().mean_ifng_ng_per_mL, 0.0);
  Window resumed(Parameters{}, w.grid(), {}, window_stream(0, 0, 0, 0));
  resumed.restore(saved);
  for (int s = 0; s < 6; ++s) resumed.advance_slice(kImmuneInputs);
  EXPECT_EQ(resumed.digest(), w.digest());
  EXPECT_EQ(resumed.slice(), 10);
}

// Parameters with nothing moving, so a configuration set by hand stays as it is for a slice.
Parameters still() {
  Parameters p;
  p[P::move_stem] = p[P::move_progenitor] = p[P::move_T] = 0.0;
  p[P::CD8_divisions] = 0.0;
  return p;
}

TCell cytotoxic(std::uint32_t v) {
  TCell t;
  t.voxel = v;
  t.state = TState::kCytotoxic;
  t.life = 1000;
  return t;
}

// 1000 isolated pairs (a progenitor and a cytotoxic CD8 cell beside it; pairs 4 voxels apart, out
// of each other's reach): q = 1 / (1 + 0) = 1, p = 1 - exp(-0.9 x 0.25 x (1 - H) f).
double kills_of_pairs(const SliceInputs& in, bool triplets, std::uint64_t seed) {
  const Grid g{40, 40, 40, 20.0};
  Window w(still(), g, {}, window_stream(seed, 0, 0, 0));
  for (int z = 0; z < 40; z += 4)
    for (int y = 0; y < 40; y += 4)
      for (int x = 0; x < 40; x += 4) {
        w.add_cell({g.index(x, y, z), CellState::kProgenitor, 9, false});
        if (triplets) w.add_cell({g.index(x, y + 1, z), CellState::kProgenitor, 9, false});
        w.add_t_cell(cytotoxic(g.index(x + 1, y, z)));
      }
  return static_cast<double>(w.advance_slice(in).kills);
}

TEST(AbmImmune, KillRuleMatchesItsMeanFieldOnIsolatedPairs) {
  // no suppression: p = 1 - e^(-0.225) = 0.20148; 1000 pairs: 201.5, sd 12.7
  EXPECT_NEAR(kills_of_pairs({}, false, 1), 201.48, 4.0 * 12.7);
  // PD-1: bond scale 6 at PD-L1 1/6 gives H = 1 / (1 + 1) = 0.5: p = 1 - e^(-0.1125) = 0.10640, sd 9.8
  EXPECT_NEAR(kills_of_pairs({0.0, 0.0, 6.0, 1.0}, false, 2), 106.4, 4.0 * 9.8);
  // the same through the non-spatial factor
  EXPECT_NEAR(kills_of_pairs({0.0, 0.0, 0.0, 0.5}, false, 3), 106.4, 4.0 * 9.8);
  // two cancer cells beside one T cell see each other: q = 1 / (1 + 1) = 0.5; 2000 cells, sd 13.8
  EXPECT_NEAR(kills_of_pairs({}, true, 4), 212.8, 4.0 * 13.8);
}

TEST(AbmImmune, PortsRecruitTheExpectedNumberOfCells) {
  // 1000 ports in an empty 32^3 window, 300 CD8 and 100 Tregs expected: each port recruits with
  // 0.3 and 0.1, so 300 (sd 14.5) and 100 (sd 9.5)
  const Grid g{32, 32, 32, 20.0};
  Window w(Parameters{}, g, {}, window_stream(5, 0, 0, 0));
  Rng place(6, Stream::kAbmWindow, 0);
  for (int k = 0; k < 1000; ++k) w.add_port(static_cast<std::uint32_t>(place.below(g.size())));
  const WindowCounts& n = w.advance_slice({300.0, 100.0, 0.0, 1.0});
  EXPECT_NEAR(static_cast<double>(n.cd8_recruited), 300.0, 4.0 * 14.5);
  EXPECT_NEAR(static_cast<double>(n.treg_recruited), 100.0, 4.0 * 9.5);
  EXPECT_EQ(n.cd8_effector, n.cd8_recruited);  // no cancer cell: nobody is activated
  // a Treg lives an exponential time rounded to slices, at least one, and recruits age in their
  // first slice: those drawn below 0.375 day (3.7 %) are gone at its end; CD8 cells live ~40 slices
  EXPECT_EQ(n.treg + n.t_deaths, n.treg_recruited);
  EXPECT_LT(n.t_deaths, 15);
}

TEST(AbmImmune, CD8LifespanFollowsTheTable) {
  // life = round(N(10 d, 1.5 d) / 0.25 d) slices; alive after 34 slices iff N >= 8.625 d:
  // P = Phi(0.9167) = 0.820, sd over 2000 cells 0.0086
  const Grid g{32, 32, 32, 20.0};
  Window w(Parameters{}, g, {}, window_stream(7, 0, 0, 0));
  for (std::uint32_t k = 0; k < 2000; ++k) w.add_t_cell(w.recruit(TKind::kCD8, k * 16));
  for (int s = 0; s < 34; ++s) w.advance_slice();
  EXPECT_NEAR(static_cast<double>(w.counts().cd8()) / 2000.0, normal_cdf(0.9167), 4.0 * 0.0086);
}

TEST(AbmImmune, EffectorsActivateOnlyBesideViableStemOrProgenitorCells) {
  const Grid g{16, 16, 16, 20.0};
  Window w(still(), g, {}, window_stream(8, 0, 0, 0));
  const CellState states[3] = {CellState::kProgenitor, CellState::kSenescent, CellState::kStem};
  for (int k = 0; k < 4; ++k) {
    CancerCell c{g.index(2 + 4 * k, 8, 8), k < 3 ? states[k] : CellState::kProgenitor,
                 static_cast<std::uint8_t>(k == 0 || k == 3 ? 9 : 0), k == 3};
    w.add_cell(c);
    TCell t;
    t.voxel = g.index(3 + 4 * k, 8, 8);
    t.life = 100;
    w.add_t_cell(t);
  }
  w.advance_slice();
  // progenitor and stem: cytotoxic; senescent and doomed: still effector
  ASSERT_EQ(w.t_cells().size(), 4u);
  EXPECT_EQ(w.t_cells()[0].state, TState::kCytotoxic);
  EXPECT_EQ(w.t_cells()[1].state, TState::kEffector);
  EXPECT_EQ(w.t_cells()[2].state, TState::kCytotoxic);
  EXPECT_EQ(w.t_cells()[3].state, TState::kEffector);
}

TEST(AbmImmune, CytotoxicCellsDivideOnActivationThenOnlyWithIl2) {
  // CD8_divisions 2, interval 2 slices: activation (slice 1), first division (slice 2: 2 cells
  // with one division left), cool-down (slice 3), second division only when the IL-2 exposure is
  // above threshold (slice 4: 4 cells); the default threshold (63460 ng s/mL) is far above what
  // one cell's IL-2 gives, so there it stays at 2
  const auto cells_after = [](double threshold) {
    Parameters p = still();
    p[P::CD8_divisions] = 2.0;
    p[P::IL2_proliferation_ng_s_per_mL] = threshold;
    const Grid g{12, 12, 12, 20.0};
    Window w(p, g, {}, window_stream(12, 0, 0, 0));
    w.add_cell({g.index(5, 6, 6), CellState::kProgenitor, 9, false});
    TCell t;
    t.voxel = g.index(6, 6, 6);
    t.life = 100;
    w.add_t_cell(t);
    for (int s = 0; s < 6; ++s) w.advance_slice();
    return w.counts().cd8_cytotoxic;
  };
  EXPECT_EQ(cells_after(63460.0), 2);
  EXPECT_EQ(cells_after(0.0), 4);
}

TEST(AbmImmune, PdL1IsInducedWhereCytotoxicCellsSecreteAndFadesSlowly) {
  Parameters p = still();
  EXPECT_NEAR(induced_pdl1(0.0, p), 1.0 / 6.0, 1e-15);
  EXPECT_NEAR(induced_pdl1(0.05, p), 1.0 / 6.0 + 5.0 / 6.0 * 0.5, 1e-12);  // at K: half the way up
  EXPECT_NEAR(pd1_suppression(0.5, 2.0, 2.0), 0.5, 1e-15);                 // (2 x 0.5)^2 / (1 + 1)
  EXPECT_EQ(pd1_suppression(0.9, 0.0, 2.0), 0.0);                          // no bond scale, no suppression
  // a full 31^3 block of progenitors with one secreting CD8 cell at its centre (no killing), at
  // spQSP-IO's secretion and uptake (7.64e-10 ng/s, 1e-3 /s; the calibrated defaults are lower)
  p[P::IFNg_release_ng_per_s] = 7.64e-10;
  p[P::IFNg_uptake_per_s] = 1e-3;
  p[P::initial_density] = 1.0;
  p[P::port_fraction] = 0.0;
  p[P::k_kill_per_day] = 0.0;
  p[P::k_progenitor_division_per_day] = 0.01;
  const Grid g{31, 31, 31, 20.0};
  Window w(p, g, {}, window_stream(9, 0, 0, 0));
  w.populate();
  TCell t = cytotoxic(g.index(15, 15, 15));
  t.ifng_left_s = 36000.0f;  // 10 h
  w.add_t_cell(t);
  w.advance_slice();  // the field builds during the slice...
  w.advance_slice();  // ...and PD-L1 reads it at the next
  const auto pdl1_at = [&](int dx) {
    for (const CancerCell& c : w.cells())
      if (c.voxel == g.index(15 + dx, 15, 15)) return static_cast<double>(c.pdl1);
    return -1.0;
  };
  const double near = pdl1_at(1), mid = pdl1_at(4), far = pdl1_at(12);
  EXPECT_GT(near, mid);
  EXPECT_GT(mid, far);
  EXPECT_GT(near, 0.6);  // measured 0.67 beside the cell, 0.53 at 80 um, 0.27 at 240 um
  EXPECT_LT(far, 0.3);
  // the secretion ended after 10 h; once IFN-gamma is gone the near cell loses PD-L1 at 0.1/day:
  // e^(-0.1 x 0.25) = 0.97531 per slice, while what remains is above the induced level
  for (int s = 0; s < 12; ++s) w.advance_slice();
  const double before = pdl1_at(1);
  w.advance_slice();
  EXPECT_NEAR(pdl1_at(1) / before, std::exp(-0.025), 1e-6);
}

// A half-space tumour: cancer in every voxel with x < 16 of a 32 x 8 x 8 window.
Window half_space() {
  Parameters p = still();
  const Grid g{32, 8, 8, 20.0};
  Window w(p, g, {}, window_stream(13, 0, 0, 0));
  for (int z = 0; z < 8; ++z)
    for (int y = 0; y < 8; ++y)
      for (int x = 0; x < 16; ++x) w.add_cell({g.index(x, y, z), CellState::kProgenitor, 9, false});
  return w;
}

TEST(AbmSpatial, DepthIsTheDistanceFromTheSmoothedTumourBoundary) {
  const Window w = half_space();
  const Grid& g = w.grid();
  const std::vector<int> depth = depth_map(w);
  // a 5-voxel box is >= 25 % cancer up to x = 16 (2 of its 5 columns filled: 40 %), not at 17
  // (1 of 5: 20 %), so the region is x <= 16: depth 1 at x = 16, 7 at x = 10, 0 at 17, -3 at 20
  EXPECT_EQ(depth[g.index(16, 4, 4)], 1);
  EXPECT_EQ(depth[g.index(10, 4, 4)], 7);
  EXPECT_EQ(depth[g.index(17, 4, 4)], 0);
  EXPECT_EQ(depth[g.index(20, 0, 7)], -3);
}

TEST(AbmSpatial, ProfilesContactsAndLabelsByHand) {
  Window w = half_space();
  const Grid& g = w.grid();
  // three CD8 cells in the stroma at x = 20 (centre 3.5 voxels = 70 um outside: bin [-100, -50) um),
  // two of them in one voxel; one cytotoxic cell at the front beside the tumour (x = 16, inside the
  // region: centre 10 um deep, bin [0, 50) um)
  TCell t;
  t.life = 100;
  for (int k = 0; k < 2; ++k) {
    t.voxel = g.index(20, 4, 4);
    w.add_t_cell(t);
  }
  t.voxel = g.index(20, 5, 4);
  w.add_t_cell(t);
  w.add_t_cell(cytotoxic(g.index(16, 4, 4)));
  const SpatialStats s = spatial_statistics(w);
  const auto bin_at = [&](double um) {
    for (const ProfileBin& b : s.profile)
      if (b.lower_um <= um && um < b.upper_um) return b;
    return ProfileBin{};
  };
  const ProfileBin stroma = bin_at(-70.0), front = bin_at(10.0);
  EXPECT_EQ(stroma.cd8, 3.0);
  EXPECT_EQ(front.cd8, 1.0);
  EXPECT_EQ(front.cytotoxic, 1.0);
  // the bin [0, 50) um holds depths 1 and 2 (centres 10 and 30 um): x = 16 and 15, 2 x 64 voxels
  EXPECT_NEAR(front.volume_mm3, 128 * 8000e-9, 1e-15);
  EXPECT_NEAR(front.cd8_per_mm3(), 1.0 / (128 * 8000e-9), 1e-6);
  EXPECT_EQ(front.cancer, 64.0);  // x = 15 only
  // the front cell has 9 cancer neighbours (x = 15, y and z from 3 to 5): the share of cancer
  // cells near a CD8 is 9 / 1024
  EXPECT_NEAR(s.cancer_near_cd8, 9.0 / 1024.0, 1e-15);
  // immune-cancer contacts 9 (front cell); immune-immune: the pair in one voxel, and each of them
  // with the neighbour at (20, 5, 4): 3 pairs; mixing score 9 / 3
  EXPECT_NEAR(s.mixing_score, 3.0, 1e-12);
  // distances to the nearest cancer cell: 20 - 15 = 5 voxels for the three stroma cells, 1 for the
  // front cell: median of {20, 100, 100, 100} um = 100 um
  EXPECT_NEAR(s.median_cd8_to_cancer_um, 100.0, 1e-12);
  // 4 immune cells per 1024 cancer cells is below 0.01: cold
  EXPECT_EQ(s.label, ImmuneLabel::kCold);
  SpatialOptions o;
  o.cold_immune_per_cancer = 0.001;
  EXPECT_EQ(spatial_statistics(w, o).label, ImmuneLabel::kMixed);  // mixing 3 >= 0.1
  o.compartmentalised_mixing = 5.0;
  EXPECT_EQ(spatial_statistics(w, o).label, ImmuneLabel::kCompartmentalised);
}

TEST(AbmImmune, GatedPortsRecruitMostAtTheSparseInvasiveEdge) {
  // the half-space tumour (x < 16) and three ports: A at x = 25 with no cancer in its 5^3 box
  // (weight 0.001), B at x = 17 whose box holds the x = 15 column (25 / 125 = 0.2 >= 0.02: dense,
  // 0.05), C at x = 20 beside a lone cancer cell (1 / 125 = 0.008: 0.001 + 0.999 x 0.4 = 0.4006).
  // One CD8 expected per slice: p = weight / 0.4516 = 0.0022, 0.1107, 0.8871; 100 slices, no
  // movement, no deaths, no divisions (the cancer cells are senescent and immortal here)
  Window w = half_space();
  Parameters p = w.parameters();
  p[P::port_gating] = 1.0;
  p[P::CD8_life_mean_day] = 1000.0;
  p[P::CD8_life_sd_day] = 0.0;
  p[P::k_senescent_death_per_day] = 0.0;
  Window gated(p, w.grid(), {}, window_stream(14, 0, 0, 0));
  const Grid& g = w.grid();
  for (CancerCell c : w.cells()) {
    c.state = CellState::kSenescent;
    gated.add_cell(c);
  }
  gated.add_cell({g.index(21, 4, 4), CellState::kSenescent, 0, false});
  gated.add_port(g.index(25, 4, 4));
  gated.add_port(g.index(17, 4, 4));
  gated.add_port(g.index(20, 4, 4));
  for (int s = 0; s < 100; ++s) gated.advance_slice({1.0, 0.0, 0.0, 0.0});
  double near[3] = {0.0, 0.0, 0.0};
  for (const TCell& t : gated.t_cells()) {
    const int x = g.voxel(t.voxel).x;
    near[x >= 24 ? 0 : x <= 18 ? 1 : 2] += 1.0;
  }
  EXPECT_LE(near[0], 3.0);                                      // 0.22 expected
  EXPECT_NEAR(near[1], 11.07, 4.0 * std::sqrt(11.07 * 0.889));  // sd 3.1
  EXPECT_NEAR(near[2], 88.71, 4.0 * std::sqrt(88.71 * 0.113));  // sd 3.2
}

TEST(AbmWindow, MarginWindowFollowingItsFrontShiftsItsContentTowardTheTumour) {
  // The half-space tumour fills the planes x < 16 (senescent and immortal; nothing moves), and the
  // window keeps its front at plane 12. After one slice (a check every slice) the front, the first
  // plane holding fewer than 0.5 x 0.6 x 8 x 8 = 19.2 cancer cells, is 16, so the content shifts by
  // k = 16 - 12 = 4: the 4 x 64 = 256 cancer cells of planes 0-3 leave, the effector at x = 2 leaves
  // and the secreting cytotoxic cell at x = 20 moves to 16; the fields are those of the same window
  // without following, moved by 4 planes, the last 4 planes repeating its plane 31. A window
  // restored from a checkpoint taken before the slice does the same.
  const Window base = half_space();
  const Grid& g = base.grid();
  Parameters p = base.parameters();
  p[P::k_senescent_death_per_day] = 0.0;
  p[P::front_follow_interval_slices] = 1.0;
  Parameters q = p;
  q[P::front_follow] = 1.0;
  Window fixed(p, g, {}, window_stream(15, 0, 0, 0)), following(q, g, {}, window_stream(15, 0, 0, 0));
  for (Window* w : {&fixed, &following}) {
    for (CancerCell c : base.cells()) {
      c.state = CellState::kSenescent;
      w->add_cell(c);
    }
    TCell effector = cytotoxic(g.index(2, 4, 4));
    effector.state = TState::kEffector;
    w->add_t_cell(effector);
    TCell secreting = cytotoxic(g.index(20, 4, 4));
    secreting.ifng_left_s = 36000.0f;
    w->add_t_cell(secreting);
    w->follow_front_at(12);
  }
  // A checkpoint carries the front to keep: a window restored from one shifts in the same slice.
  Window resumed(q, g, {}, window_stream(0, 0, 0, 0));
  resumed.restore(following.checkpoint());
  fixed.advance_slice();
  following.advance_slice();
  resumed.advance_slice();
  EXPECT_EQ(resumed.digest(), following.digest());
  EXPECT_EQ(fixed.counts().cells(), 1024);  // front_follow 0: never shifts
  EXPECT_EQ(fixed.counts().cancer_left, 0);
  EXPECT_EQ(following.counts().cells(), 768);
  EXPECT_EQ(following.counts().cancer_left, 256);
  EXPECT_EQ(following.counts().t_left, 1);
  int max_x = 0;
  for (const CancerCell& c : following.cells()) max_x = std::max(max_x, g.voxel(c.voxel).x);
  EXPECT_EQ(max_x, 11);
  ASSERT_EQ(following.t_cells().size(), 1u);
  EXPECT_EQ(following.t_cells()[0].voxel, g.index(16, 4, 4));
  ASSERT_GT(fixed.ifng()[g.index(20, 4, 4)], 0.0);
  for (int z = 0; z < 8; ++z)
    for (int y = 0; y < 8; ++y)
      for (int x = 0; x < 32; ++x) {
        EXPECT_EQ(following.ifng()[g.index(x, y, z)], fixed.ifng()[g.index(std::min(x + 4, 31), y, z)]);
      }
}

TEST(AbmRadiotherapy, TCellsDieWithTheirOwnSensitivity) {
  // 2 Gy: T cells survive e^(-0.347 x 2) = 0.4997 (LD50 2 Gy), cancer cells e^(-0.3504) = 0.7044
  const Grid g{32, 32, 32, 20.0};
  Window w(Parameters{}, g, {}, window_stream(10, 0, 0, 0));
  for (std::uint32_t k = 0; k < 2000; ++k) w.add_t_cell(w.recruit(TKind::kCD8, k * 16));
  w.irradiate(DoseMap{}, 2.0, 20.0);
  EXPECT_NEAR(static_cast<double>(w.counts().cd8()), 2000.0 * std::exp(-0.694), 4.0 * std::sqrt(2000.0 * 0.25));
  const std::int64_t killed = w.counts().t_deaths;
  EXPECT_EQ(killed, 2000 - w.counts().cd8());
  // the next slice reports them with its lifespan deaths (about 1,000 x 0.25 d / 100 d = 2.5), also
  // from a window restored between the fraction and the slice; the slice after does not
  Window restored(Parameters{}, g, {}, window_stream(10, 0, 0, 0));
  restored.restore(w.checkpoint());
  const std::int64_t reported = w.advance_slice().t_deaths;
  EXPECT_GE(reported, killed);
  EXPECT_LT(reported - killed, 20);
  EXPECT_EQ(restored.advance_slice().t_deaths, reported);
  EXPECT_LT(w.advance_slice().t_deaths, 20);
}

TEST(AbmRadiotherapy, PlanningMarginKillsTCellsInTheStromaBesideTheLesionAndNoneBeyond) {
  // a 0.64-mm window centred on the surface of a 20-mm lesion: x from 19.68 to 20.32 mm. With a
  // 0.16-mm margin the dose reaches r = 20.16 mm. 2 Gy: T cells survive e^(-0.347 x 2) = 0.4997
  const Grid g{32, 32, 32, 20.0};
  const auto run = [&](double margin_mm) {
    Window w(Parameters{}, g, {20.0, 0.0, 0.0}, window_stream(11, 0, 0, 0));
    std::vector<std::uint32_t> placed;
    for (std::uint32_t k = 0; k < 4000; ++k) {
      const TCell t = w.recruit(TKind::kCD8, (k * 7919u) % static_cast<std::uint32_t>(g.size()));
      w.add_t_cell(t);
      placed.push_back(t.voxel);
    }
    DoseMap map;
    map.margin_mm = margin_mm;
    w.irradiate(map, 2.0, 20.0);
    // survivors by band: inside the lesion, in the margin, beyond it
    double n[3] = {0, 0, 0}, alive[3] = {0, 0, 0};
    const auto band = [&](std::uint32_t v) {
      const DosePoint x = w.voxel_centre_mm(v);
      const double r = std::hypot(x.x, x.y, x.z);
      return r <= 20.0 ? 0 : (r <= 20.16 ? 1 : 2);
    };
    for (std::uint32_t v : placed) n[band(v)] += 1.0;
    for (const TCell& t : w.t_cells()) alive[band(t.voxel)] += 1.0;
    return std::array<double, 6>{n[0], alive[0], n[1], alive[1], n[2], alive[2]};
  };
  const auto none = run(0.0), margin = run(0.16);
  ASSERT_GT(margin[2], 500.0);
  ASSERT_GT(margin[4], 500.0);
  const double s = std::exp(-0.694);
  const auto sd = [s](double count) { return 4.0 * std::sqrt(count * s * (1.0 - s)); };
  EXPECT_NEAR(none[1], none[0] * s, sd(none[0]));        // inside: LQ either way
  EXPECT_EQ(none[3], none[2]);                           // no margin: the stroma is untouched
  EXPECT_NEAR(margin[3], margin[2] * s, sd(margin[2]));  // the margin's stroma: LQ
  EXPECT_EQ(margin[5], margin[4]);                       // beyond the margin: untouched
}

TEST(AbmParameters, TableHasUnitsSourcesAndDefaultsWithinBoundsAndIsDocumented) {
  std::ifstream in(std::string(VCT_SOURCE_DIR) + "/docs/models/abm.md");
  ASSERT_TRUE(in) << "docs/models/abm.md";
  std::stringstream doc;
  doc << in.rdbuf();
  for (const ParameterInfo& q : parameter_table()) {
    EXPECT_FALSE(q.unit.empty()) << q.name;
    EXPECT_FALSE(q.source.empty()) << q.name;
    EXPECT_GE(q.value, q.lower) << q.name;
    EXPECT_LE(q.value, q.upper) << q.name;
    // the documented row carries the current unit, default and bounds
    char row[512];
    std::snprintf(row, sizeof row, "| `%s` | %s | %g | [%g, %g] |", q.name.c_str(), q.unit.c_str(), q.value, q.lower,
                  q.upper);
    EXPECT_NE(doc.str().find(row), std::string::npos) << row << " is not in docs/models/abm.md";
  }
}

}  // namespace
}  // namespace vct::models::abm
