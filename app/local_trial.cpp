// SPDX-License-Identifier: MIT
#include "app/local_trial.hpp"

#include <filesystem>

#include "app/run_scenario.hpp"
#include "core/error.hpp"
#include "io/run_identity.hpp"
#include "io/trial_merge.hpp"
#include "io/trial_writer.hpp"

namespace vct {
namespace fs = std::filesystem;

namespace {

/// Creates the output's folder (results/ in a fresh checkout) like `mkdir -p`; a folder that
/// cannot be made shows as the open error of the result file that follows.
void create_output_folder(const std::string& output) {
  const std::filesystem::path folder = std::filesystem::path(output).parent_path();
  std::error_code ignored;
  if (!folder.empty()) std::filesystem::create_directories(folder, ignored);
}

/// A file found where the run will write, and what it holds.
struct Found {
  bool exists = false;
  io::RunIdentity id;
  /// A trial result that stopped before it finished, with candidates worth keeping.
  bool unfinished() const { return exists && id.readable && id.is_trial && !id.complete && id.n_written > 0; }
  bool complete() const { return exists && id.readable && id.complete; }
};

Found look(const std::string& path) {
  Found f;
  std::error_code ec;
  f.exists = fs::exists(path, ec);
  if (f.exists) f.id = io::read_run_identity(path);
  return f;
}

std::string holding(const Found& f) {
  return "'" + f.id.path + "' holds " + std::to_string(f.id.n_written) + " of " + std::to_string(f.id.n_candidates) +
         " candidates of an earlier run that did not finish";
}

/// Another run writing the same output holds its partial file locked.
void refuse_if_busy(const Found& partial) {
  if (partial.exists && partial.id.locked)
    throw Error(ErrorKind::kIo, "'" + partial.id.path +
                                    "' is being written by another process (a run with the same output?): wait for "
                                    "it to finish, or choose another --output");
}

/// Refuses to start over where an earlier run left something that would be lost.
void refuse_to_discard(const Found& partial, const Found& output) {
  if (partial.exists && !partial.id.readable)
    throw Error(ErrorKind::kInput, "'" + partial.id.path +
                                       "' was left by an earlier run killed while it was writing and cannot be read "
                                       "(" +
                                       partial.id.problem +
                                       "): add --resume to set it aside and continue from what can be read, or "
                                       "--force to discard it");
  for (const Found* f : {&partial, &output})
    if (f->unfinished())
      throw Error(ErrorKind::kInput, holding(*f) + ": add --resume to continue it, or --force to discard it");
}

/// The file a resumed run continues from (OUTPUT.partial before OUTPUT), checked to be this run;
/// null when neither file exists (the run starts from the beginning, so that one command serves
/// every job of a time-sliced series).
const Found* resume_source(const Found& partial, const Found& output, const io::RunIdentity& now) {
  const Found* source = partial.unfinished() ? &partial : output.unfinished() ? &output : nullptr;
  // Nothing finished anywhere: start from the beginning.
  auto empty = [](const Found& f) { return !f.exists || (f.id.readable && f.id.is_trial && f.id.n_written == 0); };
  if (!source && empty(partial) && (empty(output) || output.id.complete)) return nullptr;
  if (!source)
    throw Error(ErrorKind::kInput, "nothing to resume: '" + (output.exists ? output.id.path : partial.id.path) +
                                       "' holds no unfinished trial; run without --resume");
  const std::string mismatch = io::describe_mismatch(source->id, now);
  if (!mismatch.empty())
    throw Error(ErrorKind::kInput, "cannot resume from '" + source->id.path + "': it holds a different run (" +
                                       mismatch + "); run without --resume, with --force to discard it");
  return source;
}

/// Renames an OUTPUT.partial that cannot be read out of the way (kept, and reported).
void set_partial_aside(Found& partial, const std::string& problem, LocalRunResult& result) {
  const std::string path = partial.id.path;
  result.set_aside.push_back(io::set_aside(path, problem));
  partial = Found{};
  partial.id.path = path;
}

/// --resume: reads what the earlier attempt left into `earlier`. An OUTPUT.partial that cannot be
/// read (a run killed while HDF5 wrote it) is set aside, and the run goes on from OUTPUT's
/// candidates or from the beginning. Returns false when OUTPUT already holds this run complete
/// (`result` then says so and nothing is to be simulated).
bool take_over_earlier(Found& partial, const Found& output, const io::RunIdentity& now, const TrialSpec& spec,
                       std::vector<CandidateResult>& earlier, LocalRunResult& result) {
  if (partial.exists && !partial.id.readable) set_partial_aside(partial, partial.id.problem, result);
  if (!partial.exists && output.complete()) {
    const std::string mismatch = io::describe_mismatch(output.id, now);
    if (!mismatch.empty())
      throw Error(ErrorKind::kInput,
                  "cannot resume: '" + output.id.path + "' holds a different, complete run (" + mismatch + ")");
    result.summary = summarise_results(spec, io::read_trial_results(output.id.path, spec));
    result.file = output.id.path;
    result.already_complete = true;
    return false;
  }
  const Found* source = resume_source(partial, output, now);
  if (!source) return true;
  try {
    earlier = io::read_trial_results(source->id.path, spec);
    return true;
  } catch (const Error& e) {
    if (source != &partial) throw;
    set_partial_aside(partial, e.what(), result);  // its identity could be read, its candidates not
  }
  return take_over_earlier(partial, output, now, spec, earlier, result);
}

/// Writes through to the file and keeps every candidate's outcome (without trajectories), so the
/// summary of a resumed run covers the earlier attempt's candidates too.
class KeepingSink : public TrialSink {
 public:
  KeepingSink(io::TrialWriter& writer, std::vector<CandidateResult>& kept) : writer_(writer), kept_(kept) {}
  void write_selection(const std::vector<CandidateResult>& screened, const SelectionResult& s) override {
    writer_.write_selection(screened, s);
  }
  void write_batch(const std::vector<CandidateResult>& batch) override {
    writer_.write_batch(batch);
    keep(batch, kept_);
  }
  void write_summary(const TrialSummary&) override {}  // run_local_trial writes the whole trial's

  static void keep(const std::vector<CandidateResult>& batch, std::vector<CandidateResult>& kept) {
    for (const auto& c : batch) {
      kept.push_back(c);
      for (auto& a : kept.back().arms) {
        std::vector<double>().swap(a.trajectories);
        std::vector<std::vector<double>>().swap(a.coupling_rows);
      }
    }
  }

 private:
  io::TrialWriter& writer_;
  std::vector<CandidateResult>& kept_;
};

ProgressCallback limit_batches(const ProgressCallback& progress, int stop_after, int& batches) {
  return [&progress, stop_after, &batches](const TrialProgress& p) {
    if (p.phase == "simulating" && p.simulated > 0) ++batches;  // batches done earlier do not count
    const bool go_on = !progress || progress(p);
    return go_on && (stop_after <= 0 || batches < stop_after);
  };
}

/// Completes or interrupts: the partial file becomes the output unless an interrupted run would
/// replace a complete result. Returns where the results are.
std::string put_in_place(const std::string& partial, const std::string& output, bool completed) {
  if (!completed && look(output).complete()) return partial;
  std::error_code ec;
  fs::rename(partial, output, ec);
  if (ec)
    throw Error(ErrorKind::kIo, "cannot rename '" + partial + "' to '" + output + "': " + ec.message() +
                                    " (the results are in '" + partial + "')");
  return output;
}

/// A resumed run: copies the earlier attempt's whole batches into the new file (at `next`), lets it
/// replace `partial`, simulates the rest and writes the summary of every candidate.
TrialSummary continue_run(const TrialSpec& spec, io::TrialWriter& writer, std::vector<CandidateResult>& earlier,
                          const std::vector<bool>& done, const ProgressCallback& limited, const std::string& next,
                          const std::string& partial) {
  const std::size_t batch = effective_batch_size(spec);
  for (std::size_t b = 0; b < earlier.size(); b += batch) {
    const std::vector<CandidateResult> chunk(earlier.begin() + static_cast<long>(b),
                                             earlier.begin() + static_cast<long>(b + batch));
    writer.write_batch(chunk);
  }
  std::vector<CandidateResult> kept;
  KeepingSink::keep(earlier, kept);
  std::vector<CandidateResult>().swap(earlier);
  fs::rename(next, partial);  // only now, with the earlier candidates safe in the copy
  writer.set_path(partial);
  KeepingSink sink(writer, kept);
  const TrialSummary run = run_trial(spec, sink, limited, nullptr, &done);
  TrialSummary summary = summarise_results(spec, kept);  // candidate order: earlier ones, then this run's
  summary.selection = run.selection;
  summary.completed = run.completed && summary.n_finished == spec.population.size();
  summary.wall_seconds = run.wall_seconds;
  writer.write_summary(summary);
  return summary;
}

}  // namespace

LocalRunResult run_local_trial(const io::LoadedScenario& loaded, const ModelDefinition& model, const LocalRunOptions& o,
                               const io::RunInfo& info, const ProgressCallback& progress) {
  const Scenario& s = loaded.scenario;
  const TrialSpec spec = build_trial_spec(model, s, o.threads);
  const io::RunIdentity now = io::current_identity(info, spec.population);
  const std::string partial = io::partial_path(o.output), next = partial + ".next";
  std::error_code ec;
  create_output_folder(o.output);
  fs::remove(next, ec);  // a copy that a killed resume never finished; its source is still there
  Found found_partial = look(partial), found_output = look(o.output);
  found_partial.id.path = partial;
  found_output.id.path = o.output;

  refuse_if_busy(found_partial);
  LocalRunResult result;
  std::vector<CandidateResult> earlier;
  if (o.resume) {
    if (!take_over_earlier(found_partial, found_output, now, spec, earlier, result)) return result;
  } else if (!o.force) {
    refuse_to_discard(found_partial, found_output);
  }
  // Only whole batches are taken over: this run's batches then append whole chunks and never
  // rewrite one holding the copied rows (the rest of the batch is recomputed; results are the same).
  const std::size_t batch = effective_batch_size(spec);
  earlier.resize(earlier.size() / batch * batch);
  std::vector<bool> done(spec.population.size(), false);
  for (const auto& c : earlier)
    if (c.candidate < done.size()) done[c.candidate] = true;
  result.n_resumed = earlier.size();

  TrialSummary summary;
  bool created = false;
  try {
    io::TrialWriter writer(o.resume ? next : partial, spec, s, info);
    created = true;
    int batches = 0;
    const ProgressCallback limited = limit_batches(progress, o.stop_after_batches, batches);
    summary =
        o.resume ? continue_run(spec, writer, earlier, done, limited, next, partial) : run_trial(spec, writer, limited);
  } catch (const Error& e) {
    if (!created) fs::remove(o.resume ? next : partial, ec);  // holds nothing yet, and may be unreadable
    if (e.kind() != ErrorKind::kIo || !created) throw;
    throw Error(ErrorKind::kIo, std::string(e.what()) + "; candidates finished before it are kept in '" + partial +
                                    "' (vct run --resume continues once the cause is fixed)");
  }
  result.summary = summary;
  result.file = put_in_place(partial, o.output, summary.completed);
  return result;
}

void write_patient_file(const std::string& output, const ModelDefinition& model, const Scenario& scenario,
                        const std::vector<double>& params, const PatientRun& run, const io::RunInfo& info) {
  const std::string partial = io::partial_path(output);
  create_output_folder(output);
  try {
    io::write_patient_result(partial, model, scenario, params, run, info);
  } catch (...) {
    std::error_code ec;
    fs::remove(partial, ec);  // one patient is cheap to recompute; leave nothing half-written
    throw;
  }
  put_in_place(partial, output, true);
}

}  // namespace vct
