// SPDX-License-Identifier: MIT
// Run identity (issue #19 F6): the hash is FNV-1a 64, and a mismatch names what differs.
#include <gtest/gtest.h>

#include "io/run_identity.hpp"

namespace vct::io {
namespace {

TEST(RunIdentity, TextHashIsFnv1a64) {
  // FNV-1a 64: offset basis 0xcbf29ce484222325; "a": (basis ^ 0x61) * 0x100000001b3 = 0xaf63dc4c8601ec8c
  // (the published test vectors of the FNV reference).
  EXPECT_EQ(text_hash(""), "cbf29ce484222325");
  EXPECT_EQ(text_hash("a"), "af63dc4c8601ec8c");
  EXPECT_EQ(text_hash("foobar"), "85944171f73967e8");
}

TEST(RunIdentity, PopulationHashChangesWithAnyValueBit) {
  Population p;
  p.n = 2;
  p.parameters = {"k"};
  p.units = {"1/day"};
  p.drug = {""};
  p.values = {1.0, 2.0};
  const std::string before = population_hash(p);
  p.values[1] = std::nextafter(2.0, 3.0);  // one bit
  EXPECT_NE(population_hash(p), before);
}

RunIdentity identity(const std::string& yaml, const std::string& version = "1.0") {
  RunIdentity id;
  id.readable = true;
  id.software_version = version;
  id.identity_yaml = yaml;
  id.scenario_hash = text_hash(yaml);
  id.population_hash = "p";
  return id;
}

TEST(RunIdentity, SameRunHasNoMismatch) {
  EXPECT_EQ(describe_mismatch(identity("a: 1\nb: 2\n"), identity("a: 1\nb: 2\n")), "");
}

TEST(RunIdentity, MismatchNamesTheFirstDifferingScenarioLine) {
  const std::string why = describe_mismatch(identity("a: 1\n  dose: 3\n"), identity("a: 1\n  dose: 10\n"));
  EXPECT_NE(why.find("first difference at line 2: earlier 'dose: 3', now 'dose: 10'"), std::string::npos) << why;
}

TEST(RunIdentity, MismatchNamesTheSoftwareVersionAndCalibration) {
  RunIdentity now = identity("a: 1\n", "2.0");
  now.calibration_path = "cal.yaml";
  now.calibration_hash = "abc";
  RunIdentity earlier = identity("a: 1\n", "1.0");
  earlier.calibration_hash = "none";
  const std::string why = describe_mismatch(earlier, now);
  EXPECT_NE(why.find("software version: earlier 1.0, now 2.0"), std::string::npos) << why;
  EXPECT_NE(why.find("calibration: earlier none, now 'cal.yaml' (hash abc)"), std::string::npos) << why;
  EXPECT_EQ(why.find("resolved scenario"), std::string::npos) << why;
}

TEST(RunIdentity, FileWithoutIdentityIsRefused) {
  RunIdentity old;
  old.readable = true;
  EXPECT_NE(describe_mismatch(old, identity("a: 1\n")).find("records no run identity"), std::string::npos);
}

}  // namespace
}  // namespace vct::io
