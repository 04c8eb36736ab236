// SPDX-License-Identifier: MIT
// vct_bench_kinetics [FITS]: time of one bi-exponential tumour-kinetics fit (core/tumour_kinetics)
// on the CheckMate 017 scan calendar (week 9, then every 6 weeks, 9 scans to day 400), over FITS
// noisy series spanning shrinkage 0-0.02 /day and regrowth 0-0.004 /day (docs/recist.md).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "core/tumour_kinetics.hpp"

int main(int argc, char** argv) {
  const int fits = argc > 1 ? std::atoi(argv[1]) : 2000;
  if (fits <= 0) {
    std::fprintf(stderr, "usage: vct_bench_kinetics [FITS > 0]\n");
    return 1;
  }
  std::vector<double> days;
  for (int k = 0; k < 9; ++k) days.push_back(63.0 + 42.0 * k);
  double checksum = 0.0;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < fits; ++i) {
    const double d = 0.02 * (i % 7) / 7.0, g = 0.004 * (i % 11) / 11.0;
    std::vector<double> y;
    for (double t : days) y.push_back(std::exp(-d * t) + std::exp(g * t) - 1.0 + 0.01 * std::sin(i + t));
    checksum += vct::fit_biexponential(days, y).g_per_day;
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("fits       %d (9 scans each, single thread)\n", fits);
  std::printf("per fit    %.3f ms\n", 1e3 * s / fits);
  std::printf("checksum   %.9g\n", checksum);
  return 0;
}
