// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace vct {

/// Counter-free stream derivation: SplitMix64 finaliser, so that (seed, stream, index) map to
/// statistically independent, platform-independent 64-bit states.
inline std::uint64_t mix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

/// Well-known stream identifiers, so different uses of one patient's randomness never overlap.
enum class Stream : std::uint64_t {
  kSampling = 1,
  kLatinHypercube = 2,
  kLatentPk = 3,
  kSelection = 4,
  kProgression = 5,    ///< new lesions and survival (core/progression.hpp)
  kTwinPosterior = 6,  ///< a fitted patient's posterior draws (core/twin.hpp)
  kTwinNoise = 7,      ///< measurement error added to a prediction
  kTwinSynthetic = 8,  ///< a synthetic patient of `vct twin-check`: true parameters and scan noise
  kAbmWindow = 9       ///< one agent-based window of one lesion (models/abm/window.hpp)
};

/// A small, fast generator (xoshiro256**) whose output is identical on every platform; the
/// distributions below are written out too, because std:: distributions differ between
/// standard libraries.
class Rng {
 public:
  /// The stream of (seed, purpose, index): one per patient, or per LHS dimension.
  Rng(std::uint64_t seed, Stream purpose, std::uint64_t index) {
    std::uint64_t x = mix64(seed ^ mix64(static_cast<std::uint64_t>(purpose) * 0x100000001B3ull ^ mix64(index)));
    for (auto& word : s_) word = x = mix64(x);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform in (0, 1), never 0 or 1 (safe for inverse CDFs).
  double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }

  /// The generator's state, to checkpoint and resume a stream bit for bit.
  std::array<std::uint64_t, 4> state() const { return {s_[0], s_[1], s_[2], s_[3]}; }
  void set_state(const std::array<std::uint64_t, 4>& state) {
    for (std::size_t i = 0; i < 4; ++i) s_[i] = state[i];
  }

  /// Uniform integer in [0, n).
  std::uint64_t below(std::uint64_t n) { return static_cast<std::uint64_t>(uniform() * static_cast<double>(n)); }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

/// Inverse of the standard normal CDF (Acklam's rational approximation refined by one Halley
/// step; absolute error below 1e-15 on (0, 1)).
double normal_quantile(double p);
/// Standard normal CDF.
double normal_cdf(double x);

}  // namespace vct
