// SPDX-License-Identifier: MIT
#pragma once
// The number columns of a trial file's two per-candidate tables (docs/output-format.md), in file
// order: /patients after its first four (candidate_id, status, status_text, message) and
// /arms/<arm>/outcomes after its first five (candidate_id, status, message, best_response,
// best_response_text). The writer (io/trial_writer.cpp) and the reader (io/trial_merge.cpp) both
// take them from these tables, so a new column is added here alone and is read back as written.

#include <limits>
#include <vector>

#include "core/trial.hpp"

namespace vct::io {

/// A number column of /patients. Gated columns hold a value for candidates with a baseline (a
/// patient, or one screened and not selected) and NaN for the others; the reader restores them
/// only for candidates with a baseline (restore the status first), leaving CandidateResult's
/// defaults otherwise.
struct PatientColumn {
  const char* name;
  bool needs_baseline;
  /// Added after the first file format (TGR, baseline biomarkers): read as NaN from files that lack it.
  bool may_be_absent;
  double (*get)(const CandidateResult& c);
  void (*set)(CandidateResult& c, double x);
};

/// The columns, in file order. Thread-safe (a constant table).
const std::vector<PatientColumn>& patient_columns();

/// Whether candidate `c` has a baseline (kPatient or kNotSelected): the gate of needs_baseline.
inline bool has_baseline(const CandidateResult& c) {
  return c.status == CandidateStatus::kPatient || c.status == CandidateStatus::kNotSelected;
}

/// The value written for candidate `c`.
inline double patient_value(const PatientColumn& col, const CandidateResult& c) {
  return !col.needs_baseline || has_baseline(c) ? col.get(c) : std::numeric_limits<double>::quiet_NaN();
}

/// Restores the value `x` read from the file into `c` (whose status is restored).
inline void restore_patient(const PatientColumn& col, double x, CandidateResult& c) {
  if (!col.needs_baseline || has_baseline(c)) col.set(c, x);
}

/// Which patients' results a column holds a value for.
enum class OutcomeGate {
  kAlways,     ///< every patient
  kAssessed,   ///< patients assessed by RECIST (ArmResult::assessed)
  kInField,    ///< assessed patients with lesions in field (ArmResult::in_field)
  kOutOfField  ///< assessed patients with lesions out of field (ArmResult::out_of_field)
};

struct OutcomeColumn {
  const char* name;
  OutcomeGate gate;
  /// Written when the gate is closed, and for a candidate who is not a patient.
  double closed;
  /// Added after the first file format (progression modules, waterfall scan changes, stopping
  /// rules): files of earlier versions lack it, and it is read as NaN.
  bool may_be_absent;
  double (*get)(const ArmResult& r);
  /// Inverse of get for the values get gives; runs only when the gate is open.
  void (*set)(ArmResult& r, double x);
};

/// The columns, in file order. Thread-safe (a constant table).
const std::vector<OutcomeColumn>& outcome_columns();

/// Whether column `c` holds a value for patient result `r`. kInField and kOutOfField read the
/// in_field / out_of_field flags, which the reader restores from best_response_in_field /
/// best_response_out_of_field, earlier in the table.
bool gate_open(const OutcomeColumn& c, const ArmResult& r);

/// The value written for patient result `r`: get, or `closed` when the gate is closed.
inline double outcome_value(const OutcomeColumn& c, const ArmResult& r) {
  return gate_open(c, r) ? c.get(r) : c.closed;
}

/// Restores the value `x` read from the file into `r` (whose status, message, assessed flag and
/// RECIST best response are restored); `r` is unchanged where the gate is closed. Restore the
/// columns in table order.
inline void restore_outcome(const OutcomeColumn& c, double x, ArmResult& r) {
  if (gate_open(c, r)) c.set(r, x);
}

}  // namespace vct::io
