// SPDX-License-Identifier: MIT
// Scenario loader: radiotherapy courses (dose, calendar, lesions) and the rules that make a plan
// deliverable.
#include <algorithm>
#include <cmath>

#include "io/scenario/parts.hpp"
#include "io/scenario/schema.hpp"

namespace vct::io::detail {

namespace {

/// `start_relative_to_ici_day`: the first fraction counted from the first checkpoint-inhibitor dose
/// (negative: before it), resolved to start_day on the treatment clock.
void read_relative_start(Validator& v, const YAML::Node& item, const std::string& path,
                         const std::vector<DoseRegimen>& regimens, RadiotherapyCourse& c) {
  const YAML::Node relative = item["start_relative_to_ici_day"];
  if (!relative) return;
  const std::string where = path + ".start_relative_to_ici_day";
  double offset = 0.0;
  const std::size_t before = v.count();
  schema::read_value(v, item, path, schema::course().field("start_relative_to_ici_day").key, offset);
  if (item["start_day"]) {
    v.problem(relative, where, "give either start_day or start_relative_to_ici_day, not both");
  } else if (regimens.empty()) {
    v.problem(relative, where, "start_relative_to_ici_day needs a checkpoint-inhibitor regimen in the same treatment");
  } else if (v.count() == before) {
    double ici_start = regimens.front().start_day;
    for (const auto& r : regimens) ici_start = std::min(ici_start, r.start_day);
    c.start_day = ici_start + offset;
    if (c.start_day < 0.0)
      v.problem(relative, where,
                "the course would start on day " + format_number(c.start_day) +
                    ", before treatment start (day 0); start the first ICI dose on day " + format_number(-offset) +
                    " or later (its start_day is " + format_number(ici_start) + ")");
  }
}

/// `days` (explicit calendar). Returns the number of fractions it lists, or `n` without a list.
long read_days(Validator& v, const YAML::Node& item, const std::string& path, int schedule, long n,
               RadiotherapyCourse& c) {
  const YAML::Node days = item["days"];
  if (!days) {
    if (c.schedule == FractionSchedule::kExplicit)
      v.problem(item, path + ".days", "schedule: explicit needs a days list");
    return n;
  }
  if (schedule >= 0 && c.schedule != FractionSchedule::kExplicit)
    v.problem(item["schedule"], path + ".schedule",
              "an explicit days list needs schedule: explicit (or no schedule), found " + item["schedule"].Scalar());
  c.schedule = FractionSchedule::kExplicit;
  if (!days.IsSequence() || days.size() == 0) {
    v.problem(days, path + ".days", "expected a non-empty list of days, found " + describe(days));
  } else {
    for (std::size_t k = 0; k < days.size(); ++k) {
      const std::string where = path + ".days[" + std::to_string(k) + "]";
      double t = 0.0;
      if (!Validator::parse_number(days[k], t) || t < 0.0) {
        v.problem(days[k], where, "expected a day >= 0 (relative to start_day), found " + describe(days[k]));
        continue;
      }
      if (!c.days.empty() && t <= c.days.back())
        v.problem(
            days[k], where,
            "expected days in increasing order, found " + format_number(t) + " after " + format_number(c.days.back()));
      c.days.push_back(t);
    }
  }
  if (item["fractions"] && n != static_cast<long>(days.size()))
    v.problem(item["fractions"], path + ".fractions",
              "expected " + std::to_string(days.size()) + " (the number of days listed), found " + std::to_string(n));
  return static_cast<long>(days.size());
}

/// Two of dose_per_fraction_Gy, fractions (or days) and total_dose_Gy define the dose; all three
/// must agree. `d` and `n` are updated from the total when it is one of the two.
void resolve_dose(Validator& v, const YAML::Node& item, const std::string& path, double total, double& d, long& n) {
  const bool has_d = static_cast<bool>(item["dose_per_fraction_Gy"]);
  const bool has_total = static_cast<bool>(item["total_dose_Gy"]);
  const bool has_n = static_cast<bool>(item["fractions"]) || static_cast<bool>(item["days"]);
  if (static_cast<int>(has_d) + static_cast<int>(has_total) + static_cast<int>(has_n) < 2) {
    v.problem(item, path, "give two of dose_per_fraction_Gy, fractions (or days) and total_dose_Gy");
  } else if (!has_d) {
    d = total / static_cast<double>(n);
    const double most = schema::course().field("dose_per_fraction_Gy").key.upper;
    if (d > most)
      v.problem(item["total_dose_Gy"], path + ".total_dose_Gy",
                "expected at most " + format_number(most) + " Gy per fraction, found " + format_number(total) +
                    " Gy in " + std::to_string(n) + " fraction(s)");
  } else if (!has_n) {
    const double k = d > 0.0 ? total / d : 0.0;
    if (d <= 0.0 || std::abs(k - std::round(k)) > 1e-9 || std::round(k) < 1.0)
      v.problem(
          item["total_dose_Gy"], path + ".total_dose_Gy",
          "expected a whole number of fractions of " + format_number(d) + " Gy, found " + format_number(total) + " Gy");
    else
      n = static_cast<long>(std::round(k));
  } else if (has_total && std::abs(static_cast<double>(n) * d - total) > 1e-6) {
    v.problem(item["total_dose_Gy"], path + ".total_dose_Gy",
              "expected " + std::to_string(n) + " x " + format_number(d) +
                  " Gy = " + format_number(static_cast<double>(n) * d) + " Gy, found " + format_number(total));
  }
}

/// `lesions`: names or 1-based numbers; default the primary.
void read_lesions(Validator& v, const YAML::Node& item, const std::string& path, const Scenario& s,
                  RadiotherapyCourse& c) {
  const YAML::Node lesions = item["lesions"];
  if (!lesions) {
    c.lesions = {0};
    return;
  }
  if (!lesions.IsSequence() || lesions.size() == 0) {
    v.problem(lesions, path + ".lesions", "expected a non-empty list of lesion names, found " + describe(lesions));
    return;
  }
  for (std::size_t k = 0; k < lesions.size(); ++k) {
    const std::string where = path + ".lesions[" + std::to_string(k) + "]";
    int index = -1;
    if (lesions[k].IsScalar()) {
      for (std::size_t j = 0; j < s.lesion_names.size(); ++j)
        if (s.lesion_names[j] == lesions[k].Scalar()) index = static_cast<int>(j);
      double number = 0.0;
      if (index < 0 && Validator::parse_number(lesions[k], number) && number == std::floor(number) && number >= 1 &&
          number <= static_cast<double>(s.lesion_names.size()))
        index = static_cast<int>(number) - 1;
    }
    if (index < 0) {
      std::string known;
      for (const auto& nm : s.lesion_names) known += (known.empty() ? "" : ", ") + nm;
      std::string message = "unknown lesion " + describe(lesions[k]) + "; expected one of: " + known + " (or 1.." +
                            std::to_string(s.lesion_names.size()) + ")";
      if (lesions[k].IsScalar()) {
        const std::string hint = closest_name(lesions[k].Scalar(), s.lesion_names);
        if (!hint.empty()) message += " (did you mean '" + hint + "'?)";
      }
      v.problem(lesions[k], where, message);
      continue;
    }
    if (std::find(c.lesions.begin(), c.lesions.end(), index) != c.lesions.end())
      v.problem(lesions[k], where, "lesion '" + s.lesion_names[static_cast<std::size_t>(index)] + "' is listed twice");
    else
      c.lesions.push_back(index);
  }
}

RadiotherapyCourse read_course(Validator& v, const YAML::Node& item, const std::string& path, std::size_t i,
                               const Scenario& s, const std::vector<DoseRegimen>& regimens) {
  const auto& section = schema::course();
  v.check_keys(item, path, section.names());
  RadiotherapyCourse c;
  c.name = "RT" + std::to_string(i + 1);
  const std::size_t before = v.count();
  double d = 0.0, total = 0.0, fractions = 0.0;
  schema::read_field(v, item, path, section.field("name"), c);
  schema::read_value(v, item, path, section.field("dose_per_fraction_Gy").key, d);
  schema::read_value(v, item, path, section.field("total_dose_Gy").key, total);
  schema::read_value(v, item, path, section.field("fractions").key, fractions);
  long n = static_cast<long>(fractions);
  schema::read_field(v, item, path, section.field("start_day"), c);
  read_relative_start(v, item, path, regimens, c);
  const int schedule = v.choice(item, "schedule", path, section.field("schedule").key.choices);
  if (schedule >= 0) c.schedule = static_cast<FractionSchedule>(schedule);
  n = read_days(v, item, path, schedule, n, c);
  if (v.count() == before) resolve_dose(v, item, path, total, d, n);
  c.dose_per_fraction_Gy = d;
  c.fractions = static_cast<int>(std::max(1L, n));
  read_lesions(v, item, path, s, c);
  schema::read_field(v, item, path, section.field("site"), c);
  schema::read_field(v, item, path, section.field("lymph_node_in_field"), c);
  c.edic_given = schema::read_field(v, item, path, section.field("edic_Gy"), c);
  if (item["dose_map"]) c.dose_map = load_dose_map(v, item["dose_map"], path + ".dose_map");
  if (!c.edic_given) c.edic_Gy = default_edic_Gy(c);
  if (v.count() == before) {
    const std::vector<double> days = c.fraction_days();
    if (!days.empty() && days.back() > s.horizon_day)
      v.problem(item, path,
                "the last fraction falls on day " + format_number(days.back()) + ", after the horizon (" +
                    format_number(s.horizon_day) + " day)");
  }
  return c;
}

/// Two fractions to one lesion less than 6 hours apart cannot be delivered (also across courses).
void check_fraction_spacing(Validator& v, const YAML::Node& list, const std::string& prefix, const Scenario& s,
                            const std::vector<RadiotherapyCourse>& courses) {
  struct Given {
    double day;
    int lesion;
    std::size_t course;
  };
  std::vector<Given> given;
  for (std::size_t i = 0; i < courses.size(); ++i)
    for (double t : courses[i].fraction_days())
      for (int lesion : courses[i].lesions) {
        for (const auto& g : given)
          if (g.lesion == lesion && std::abs(t - g.day) < 0.25) {
            v.problem(list[i], prefix + "[" + std::to_string(i) + "]",
                      "impossible schedule: course '" + courses[i].name + "' gives lesion '" +
                          s.lesion_names[static_cast<std::size_t>(lesion)] + "' a fraction on day " + format_number(t) +
                          ", less than 0.25 day after the fraction of course '" + courses[g.course].name + "' on day " +
                          format_number(g.day));
            return;
          }
        given.push_back({t, lesion, i});
      }
}

}  // namespace

std::vector<RadiotherapyCourse> load_radiotherapy(Validator& v, const YAML::Node& list, const std::string& prefix,
                                                  const ModelDefinition* model, const Scenario& s,
                                                  const std::vector<DoseRegimen>& regimens) {
  std::vector<RadiotherapyCourse> courses;
  if (!list.IsSequence()) {
    v.problem(list, prefix, "expected a list of radiotherapy courses, found " + describe(list));
    return courses;
  }
  if (model && !model->supports_radiotherapy()) {
    v.problem(list, prefix, "model " + model->id() + " has no radiotherapy module; expected model qspio_nsclc_rt");
    return courses;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string path = prefix + "[" + std::to_string(i) + "]";
    if (!v.is_map(item, path)) continue;
    courses.push_back(read_course(v, item, path, i, s, regimens));
  }
  check_fraction_spacing(v, list, prefix, s, courses);
  return courses;
}

}  // namespace vct::io::detail
