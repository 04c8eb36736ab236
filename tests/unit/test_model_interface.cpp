// SPDX-License-Identifier: MIT
// The model interface's resolved indices (names resolved once, on first use) and the one
// treatment-plan builder.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/simulation.hpp"
#include "core/tabulated_model.hpp"
#include "models/registry.hpp"

namespace vct {
namespace {

TEST(ResolvedModel, IndicesAreTheTablesEntriesOfTheConventionalNames) {
  const ModelDefinition& m = models::get_model("qspio_nsclc_rt@2");
  const ResolvedModel& r = m.resolved();
  EXPECT_EQ(r.initial_diameter_parameter, m.parameter_index("initial_tumour_diameter_cm"));
  EXPECT_EQ(r.diameter_output, m.output_index("tumour_diameter_cm"));
  EXPECT_EQ(r.cancer_cells_output, m.output_index("cancer_cells"));
  ASSERT_EQ(r.lesion_diameter_outputs.size(), 2u);
  EXPECT_EQ(r.lesion_diameter_outputs[1], m.output_index("lesion2_diameter_cm"));
  EXPECT_EQ(r.immune_ratio_outputs[1], m.output_index("Treg_CD8_ratio"));
  EXPECT_EQ(r.alpha_beta_parameter, m.parameter_index("alpha_beta_C_Gy"));
  ASSERT_EQ(r.event_states.size(), m.events().size());
  EXPECT_EQ(r.event_states[1], m.state_index("V_T2.C1"));  // lesion 2's eradication event
  const DrugInfo* niv = m.find_drug("nivolumab");
  const ResolvedModel::Drug& d = r.drugs[static_cast<std::size_t>(niv - m.drugs().data())];
  EXPECT_EQ(d.central_state, m.state_index("V_C.aPD1"));
  EXPECT_EQ(d.central_volume, m.parameter_index("V_C_L"));
  ASSERT_EQ(d.pk_parameters.size(), niv->pk_parameters.size());
  EXPECT_EQ(d.pk_parameters[0], m.parameter_index(niv->pk_parameters[0].first));
  // The reference model has neither per-lesion outputs nor an RT alpha/beta.
  EXPECT_TRUE(models::get_model("qspio_nsclc").resolved().lesion_diameter_outputs.empty());
  EXPECT_EQ(models::get_model("qspio_nsclc").resolved().alpha_beta_parameter, -1);
}

class BadEventModel final : public TabulatedModel {
 public:
  BadEventModel() : TabulatedModel("bad_event", "event on a state that does not exist") {
    states_ = {{"A", "cell", "V", "a"}};
    events_ = {{"vanish", "B", 0.5, 0.0}};
  }
  void initial_state(const double*, double* y) const override { y[0] = 1.0; }
  void rhs(double, const double*, const double*, double* dydt) const override { dydt[0] = 0.0; }
  void rhs(double, const Dual*, const double*, Dual* dydt) const override { dydt[0] = Dual(0.0); }
  void compute_outputs(double, const double*, const double*, double*) const override {}
  double tumour_volume_L(const double*, const double*) const override { return 0.0; }
};

TEST(ResolvedModel, ATableNamingAnUnknownStateIsAnInternalError) {
  const BadEventModel m;
  try {
    m.resolved();
    FAIL() << "resolved";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInternal);
    EXPECT_STREQ(e.what(), "model bad_event: event vanish names unknown state B");
  }
}

TEST(TreatmentPlan, HoldsTheRegimensDosesAndTheCoursesFractionsInTimeOrder) {
  const ModelDefinition& m = models::get_model("qspio_nsclc_rt");
  const std::vector<double> p = m.default_parameters();
  DoseRegimen niv;
  niv.drug = "nivolumab";
  niv.dose_mg = 240.0;
  niv.start_day = 1.0;
  niv.interval_day = 14.0;
  niv.end_day = 29.0;  // days 1, 15, 29
  RadiotherapyCourse sbrt;
  sbrt.dose_per_fraction_Gy = 8.0;
  sbrt.fractions = 3;
  sbrt.schedule = FractionSchedule::kAlternate;  // days 0, 2, 4
  sbrt.lesions = {0};
  const TreatmentPlan plan = make_treatment_plan(m, {niv}, {sbrt}, 80.0, 20.0, 1.0, p);
  EXPECT_DOUBLE_EQ(plan.horizon_day, 20.0);
  ASSERT_EQ(plan.doses.size(), 2u);  // day 29 is past the 20-day horizon
  EXPECT_DOUBLE_EQ(plan.doses[1].time_day, 15.0);
  EXPECT_EQ(plan.doses[0].state_index, m.state_index("V_C.aPD1"));
  ASSERT_EQ(plan.fractions.size(), 3u);
  EXPECT_DOUBLE_EQ(plan.fractions[2].time_day, 4.0);
  EXPECT_DOUBLE_EQ(plan.fractions[2].dose_Gy, 8.0);
}

}  // namespace
}  // namespace vct
