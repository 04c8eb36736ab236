// SPDX-License-Identifier: MIT
// The scenario schema: every simple key's declaration (range, choices) is what the loader checks
// and what the resolved scenario writes back; every declared key is documented in
// docs/scenario-reference.md.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "io/scenario/loader.hpp"
#include "io/scenario/schema.hpp"

namespace vct::io {
namespace {

/// A value just outside the declared range (or an undeclared choice), as YAML text.
std::string outside(const schema::Key& k) {
  switch (k.kind) {
    case schema::Kind::kNumber:
    case schema::Kind::kInteger: {
      std::ostringstream text;
      if (std::isfinite(k.upper))
        text << k.upper * 2 + 1;
      else
        text << (k.lower_open ? k.lower : k.lower - 1);
      return text.str();
    }
    case schema::Kind::kBoolean:
      return "maybe";
    case schema::Kind::kChoice:
      return "no_such_choice";
    default:
      return "";
  }
}

/// A scenario with `path: {key: value}` for the trial sections (recist, run need a trial).
std::string scenario_with(const std::string& path, const std::string& key, const std::string& value) {
  return "schema_version: 1\nmodel: qspio_nsclc\npopulation: {size: 2}\n" + path + ": {" + key + ": " + value + "}\n";
}

template <class S>
void check_section_ranges(const schema::Section<S>& section) {
  for (const auto& f : section.fields) {
    const schema::Key& k = f.key;
    if (k.kind == schema::Kind::kOther || k.kind == schema::Kind::kText) continue;
    const std::string bad = outside(k);
    if (bad.empty()) continue;
    try {
      load_scenario_text(scenario_with(section.path, k.name, bad), "s.yaml");
      ADD_FAILURE() << section.path << "." << k.name << " accepted " << bad;
    } catch (const ScenarioError& e) {
      ASSERT_EQ(e.problems().size(), 1u) << e.what();
      EXPECT_EQ(e.problems()[0].key_path, section.path + "." + k.name) << e.what();
      // The message states the declared range or choices.
      if (k.kind == schema::Kind::kChoice) {
        EXPECT_NE(std::string(e.what()).find(k.choices.front()), std::string::npos) << e.what();
      } else if (k.kind == schema::Kind::kNumber && std::isfinite(k.upper)) {
        EXPECT_NE(std::string(e.what()).find(Validator::range_text(k.lower, k.upper, k.lower_open)), std::string::npos)
            << e.what();
      }
    }
  }
}

TEST(Schema, DeclaredRangesAreWhatTheLoaderChecks) {
  check_section_ranges(schema::simulation());
  check_section_ranges(schema::solver());
  check_section_ranges(schema::recist());
  check_section_ranges(schema::progression());
  check_section_ranges(schema::run());
  check_section_ranges(schema::output());
}

TEST(Schema, EmittedKeysAppearInTheResolvedScenarioWithTheirValue) {
  // horizon 300 (declared in (0, 1e5]) and rtol 1e-5 are written back as given; the RECIST PR
  // threshold is stored as a fraction (-0.25) and written back in percent (-25).
  const LoadedScenario a = load_scenario_text(
      "schema_version: 1\nmodel: qspio_nsclc\npopulation: {size: 2}\nsimulation: {horizon_day: 300}\n"
      "solver: {rtol: 1.0e-5}\nrecist: {pr_change_pct: -25}\n",
      "s.yaml");
  EXPECT_DOUBLE_EQ(a.scenario.horizon_day, 300.0);
  EXPECT_DOUBLE_EQ(a.scenario.recist.pr_change_fraction, -0.25);
  EXPECT_NE(a.resolved_yaml.find("horizon_day: 300"), std::string::npos) << a.resolved_yaml;
  EXPECT_NE(a.resolved_yaml.find("rtol: 1.0000000000000001e-05"), std::string::npos) << a.resolved_yaml;
  EXPECT_NE(a.resolved_yaml.find("pr_change_pct: -25"), std::string::npos) << a.resolved_yaml;
  // Every key the generic emitter writes for the simple sections is declared and emitted.
  for (const auto& f : schema::solver().fields)
    EXPECT_NE(a.resolved_yaml.find("  " + f.key.name + ": "), std::string::npos) << f.key.name;
  for (const auto& f : schema::recist().fields)
    EXPECT_NE(a.resolved_yaml.find("  " + f.key.name + ": "), std::string::npos) << f.key.name;
  // No progression block unless a module is on (earlier resolved scenarios, and their hashes, stay
  // as they were); with one on, every key is written and the OS follow-up defaults to the horizon.
  EXPECT_EQ(a.resolved_yaml.find("progression"), std::string::npos) << a.resolved_yaml;
  const LoadedScenario b = load_scenario_text(
      "schema_version: 1\nmodel: qspio_nsclc\npopulation: {size: 2}\nsimulation: {horizon_day: 300}\n"
      "progression: {overall_survival: true}\n",
      "s.yaml");
  EXPECT_DOUBLE_EQ(b.scenario.progression.follow_up_day, 300.0);
  EXPECT_TRUE(b.scenario.progression.parameters.available());
  for (const auto& f : schema::progression().fields)
    EXPECT_NE(b.resolved_yaml.find("  " + f.key.name + ": "), std::string::npos) << f.key.name;
  EXPECT_NE(b.resolved_yaml.find("follow_up_day: 300"), std::string::npos) << b.resolved_yaml;
  EXPECT_EQ(load_scenario_text(b.resolved_yaml, "resolved.yaml").resolved_yaml, b.resolved_yaml);  // round trip
  // Non-target disease alone is a module on: the block is written and the parameters resolved.
  const LoadedScenario c = load_scenario_text(
      "schema_version: 1\nmodel: qspio_nsclc\npopulation: {size: 2}\nprogression: {non_target: true}\n", "s.yaml");
  EXPECT_TRUE(c.scenario.progression.parameters.available());
  EXPECT_NE(c.resolved_yaml.find("non_target: true"), std::string::npos) << c.resolved_yaml;
}

TEST(Schema, EveryDeclaredKeyIsDocumented) {
  const std::string doc = schema::scenario_reference_markdown();
  auto documented = [&](const auto& section) {
    for (const auto& f : section.fields) {
      const std::string key = section.path.empty() ? f.key.name : section.path + "." + f.key.name;
      EXPECT_NE(doc.find("| `" + key + "` |"), std::string::npos) << key;
      EXPECT_FALSE(f.key.help.empty() && f.key.kind != schema::Kind::kChoice) << key << " has no help text";
    }
  };
  documented(schema::top_level());
  documented(schema::patient());
  documented(schema::lesion());
  documented(schema::regimen());
  documented(schema::course());
  documented(schema::simulation());
  documented(schema::solver());
  documented(schema::output());
  documented(schema::arm());
  documented(schema::population());
  documented(schema::distribution());
  documented(schema::recist());
  documented(schema::progression());
  documented(schema::run());
}

}  // namespace
}  // namespace vct::io
