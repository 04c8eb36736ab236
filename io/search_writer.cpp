// SPDX-License-Identifier: MIT
#include "io/search_writer.hpp"

#include <cmath>

#include "io/hdf5_util.hpp"

namespace vct::io {

using namespace h5;

namespace {

/// The read-out columns after the variables (name, unit), in table order.
const std::vector<std::pair<const char*, const char*>>& readout_columns() {
  static const std::vector<std::pair<const char*, const char*>> columns = {
      {"bed_Gy", "Gy"},
      {"eqd2_Gy", "Gy"},
      {"edic_Gy", "Gy"},
      {"fractions", "1"},
      {"window_day", "day"},
      {"objective", "weighted sum"},
      {"objective_difference", "weighted sum"},
      {"n", "patients"},
      {"orr", "1"},
      {"orr_lower", "1"},
      {"orr_upper", "1"},
      {"out_of_field_orr", "1"},
      {"out_of_field_orr_lower", "1"},
      {"out_of_field_orr_upper", "1"},
      {"median_pfs_day", "day"},
      {"orr_difference", "1"},
      {"orr_difference_lower", "1"},
      {"orr_difference_upper", "1"},
      {"out_of_field_orr_difference", "1"},
      {"out_of_field_orr_difference_lower", "1"},
      {"out_of_field_orr_difference_upper", "1"},
      {"mcnemar_p", "1"},
      {"pfs_hazard_ratio", "1"},
      {"pfs_hazard_ratio_lower", "1"},
      {"pfs_hazard_ratio_upper", "1"},
      {"pfs_log_rank_p", "1"},
  };
  return columns;
}

std::vector<double> readouts(const EvaluatedSchedule& e) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const bool oof = e.out_of_field_orr.n > 0;
  return {e.dose.bed_Gy,
          e.dose.eqd2_Gy,
          e.dose.edic_Gy,
          static_cast<double>(e.dose.fractions),
          e.dose.window_day,
          e.objective,
          e.objective_difference,
          static_cast<double>(e.n),
          e.orr.estimate,
          e.orr.lower,
          e.orr.upper,
          oof ? e.out_of_field_orr.estimate : nan,
          oof ? e.out_of_field_orr.lower : nan,
          oof ? e.out_of_field_orr.upper : nan,
          e.median_pfs_day,
          e.orr_difference.estimate,
          e.orr_difference.lower,
          e.orr_difference.upper,
          e.out_of_field_orr_difference.estimate,
          e.out_of_field_orr_difference.lower,
          e.out_of_field_orr_difference.upper,
          e.mcnemar_p,
          e.pfs_hazard_ratio.estimate,
          e.pfs_hazard_ratio.lower,
          e.pfs_hazard_ratio.upper,
          e.pfs_log_rank_p};
}

}  // namespace

struct SearchWriter::Impl {
  std::string path;
  const Scenario& scenario;
  Handle file;
  Handle group;
  std::vector<std::string> variable_names, metric_names;
  std::unique_ptr<AppendableTable> evaluated, skipped;

  Impl(const std::string& p, const Scenario& s)
      : path(p),
        scenario(s),
        file(H5Fcreate(p.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose, "create '" + p + "'"),
        group(create_group(file.get(), "search"), H5Gclose, "create /search") {
    for (const auto& v : s.search.settings.variables) variable_names.push_back(to_string(v.kind));
    for (const auto& t : s.search.settings.objective.terms)
      metric_names.push_back(std::string("metric_") + to_string(t.metric));
  }

  /// The layout of a schedule table: label (text), index, variables, read-outs, objective metrics.
  std::vector<std::pair<std::string, bool>> layout() const {
    std::vector<std::pair<std::string, bool>> out = {{"label", true}, {"index", false}};
    for (const auto& n : variable_names) out.push_back({n, false});
    for (const auto& [n, unit] : readout_columns()) out.push_back({n, false});
    for (const auto& n : metric_names) out.push_back({n, false});
    return out;
  }

  std::vector<Column> row(const std::string& label, const EvaluatedSchedule& e) const {
    std::vector<Column> out = {text_column("label", {label}), number_column("index", {static_cast<double>(e.index)})};
    for (std::size_t k = 0; k < variable_names.size(); ++k)
      out.push_back(number_column(variable_names[k], {k < e.x.size() ? e.x[k] : std::nan("")}));
    const std::vector<double> r = readouts(e);
    for (std::size_t k = 0; k < r.size(); ++k) out.push_back(number_column(readout_columns()[k].first, {r[k]}));
    for (std::size_t k = 0; k < metric_names.size(); ++k)
      out.push_back(number_column(metric_names[k], {k < e.metrics.size() ? e.metrics[k] : std::nan("")}));
    return out;
  }

  void flush() { check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "flush '" + path + "'"); }
};

SearchWriter::SearchWriter(const std::string& path, const ModelDefinition& model, const Scenario& scenario,
                           const RunInfo& info) {
  silence_errors();
  impl_ = std::make_unique<Impl>(path, scenario);
  const hid_t root = impl_->file.get();
  write_provenance(root, model, scenario, info);
  attr_string(root, "kind", "schedule_search");
  attr_int(root, "population_seed", static_cast<long long>(scenario.population.seed));
  attr_int(root, "population_size", scenario.population.size);
  const SearchBlock& b = scenario.search;
  const hid_t g = impl_->group.get();
  attr_string(g, "method", b.settings.method == SearchMethod::kNlopt ? "nlopt " + b.settings.algorithm : "grid");
  attr_string(g, "searched_arm", b.arm);
  attr_string(g, "reference_arm", b.reference);
  attr_string(g, "units",
              "rates as fractions in [0, 1]; times in days; doses in Gy; differences are the schedule "
              "minus the reference arm on the same patients (95 % Wald CI for paired proportions, "
              "Peto hazard ratio of PFS)");
  std::vector<std::string> names, units, values;
  for (const auto& v : b.settings.variables) {
    names.push_back(to_string(v.kind));
    units.push_back(unit_of(v.kind));
    std::string text;
    if (v.continuous) {
      text = "[" + std::to_string(v.lower) + ", " + std::to_string(v.upper) + "]";
    } else {
      for (double x : v.values) text += (text.empty() ? "" : " ") + std::to_string(x);
    }
    values.push_back(text);
  }
  compound_table(g, "variables",
                 {text_column("name", names), text_column("unit", units), text_column("values", values)}, names.size());
  impl_->evaluated = std::make_unique<AppendableTable>(g, "evaluated", impl_->layout());
  std::vector<std::pair<std::string, bool>> skipped_layout;
  for (const auto& n : impl_->variable_names) skipped_layout.push_back({n, false});
  skipped_layout.push_back({"reason", true});
  impl_->skipped = std::make_unique<AppendableTable>(g, "skipped", skipped_layout);
  impl_->flush();
}

SearchWriter::~SearchWriter() = default;

void SearchWriter::write_reference(const EvaluatedSchedule& reference) {
  compound_table(impl_->group.get(), "reference", impl_->row(impl_->scenario.search.reference, reference), 1);
  impl_->flush();
}

void SearchWriter::write_evaluated(const EvaluatedSchedule& schedule) {
  impl_->evaluated->append(impl_->row("schedule " + std::to_string(schedule.index), schedule), 1);
  impl_->flush();
}

void SearchWriter::write_skipped(const std::vector<double>& x, const std::string& reason) {
  std::vector<Column> columns;
  for (std::size_t k = 0; k < impl_->variable_names.size(); ++k)
    columns.push_back(number_column(impl_->variable_names[k], {x.at(k)}));
  columns.push_back(text_column("reason", {reason}));
  impl_->skipped->append(columns, 1);
  impl_->flush();
}

void SearchWriter::write_confirmation(const EvaluatedSchedule& reference,
                                      const std::vector<EvaluatedSchedule>& schedules, std::size_t n_patients,
                                      std::uint64_t seed) {
  AppendableTable table(impl_->group.get(), "confirmation", impl_->layout());
  table.append(impl_->row(impl_->scenario.search.reference, reference), 1);
  for (const auto& s : schedules) table.append(impl_->row("schedule " + std::to_string(s.index), s), 1);
  attr_int(table.dataset(), "seed", static_cast<long long>(seed));
  attr_int(table.dataset(), "n_patients", static_cast<long long>(n_patients));
  impl_->flush();
}

void SearchWriter::finish(const SearchTotals& t) {
  const hid_t g = impl_->group.get();
  attr_string(g, "result", t.result);
  attr_int(g, "n_considered", t.n_considered);
  attr_int(g, "n_skipped", t.n_skipped);
  attr_int(g, "n_evaluated", t.n_evaluated);
  attr_int(g, "n_candidates", static_cast<long long>(t.n_candidates));
  attr_int(g, "n_patients", static_cast<long long>(t.n_patients));
  attr_double(g, "growth_wall_seconds", t.growth_wall_seconds);
  attr_double(g, "treat_wall_seconds", t.treat_wall_seconds);
  std::vector<double> ranking(t.ranking.begin(), t.ranking.end());
  dataset_vector(g, "ranking", ranking, "evaluation index, best objective first");
  if (t.completed) attr_int(impl_->file.get(), "is_complete", 1);
  impl_->flush();
}

}  // namespace vct::io
