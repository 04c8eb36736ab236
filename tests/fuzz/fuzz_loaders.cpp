// SPDX-License-Identifier: MIT
// libFuzzer target for the two loaders that read user files (issue #19): the scenario loader
// (YAML text to a checked Scenario) and the calibration file loader. The first input byte picks
// the loader ('C': calibration, anything else: scenario). Bad input must end in vct::Error (a file:line:col message), never in another
// exception, a crash, a sanitizer report, a hang or unbounded memory (tests/fuzz/README.md).
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "io/scenario/loader.hpp"
#include "io/suite.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    if (data[0] == 'C')
      vct::validation::parse_calibration(text, "fuzz.yaml");
    else
      vct::io::load_scenario_text(text, "fuzz.yaml");
  } catch (const vct::Error&) {
    // the expected outcome for bad input
  }
  return 0;
}
