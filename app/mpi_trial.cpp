// SPDX-License-Identifier: MIT
#include "app/mpi_trial.hpp"

#include <mpi.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <regex>

#include "app/mpi_distribution.hpp"
#include "app/run_scenario.hpp"
#include "core/error.hpp"
#include "io/run_identity.hpp"
#include "io/trial_merge.hpp"
#include "io/trial_writer.hpp"

namespace vct::mpi {
namespace fs = std::filesystem;

bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"})
    if (std::getenv(v)) return true;
  return false;
}

int rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}
int size() {
  int s = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &s);
  return s;
}

void throw_if_any_rank_failed(const std::string& problem, ErrorKind kind) {
  const int none = size();
  int mine = problem.empty() ? none : rank(), first = none;
  MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (first == none) return;
  int header[2] = {static_cast<int>(problem.size()), static_cast<int>(kind)};
  MPI_Bcast(header, 2, MPI_INT, first, MPI_COMM_WORLD);
  std::string text = rank() == first ? problem : std::string(static_cast<std::size_t>(header[0]), ' ');
  MPI_Bcast(text.data(), header[0], MPI_CHAR, first, MPI_COMM_WORLD);
  throw CollectiveError(static_cast<ErrorKind>(header[1]), text);
}

void abort_job(int exit_code) {
  MPI_Abort(MPI_COMM_WORLD, exit_code);
  std::abort();  // MPI_Abort does not return; this only satisfies [[noreturn]]
}

MpiDistribution::MpiDistribution() {
  MPI_Win_allocate(rank() == 0 ? 2 * sizeof(long) : 0, sizeof(long), MPI_INFO_NULL, MPI_COMM_WORLD, &base_, &win_);
  if (rank() == 0) base_[0] = base_[1] = 0;
  MPI_Barrier(MPI_COMM_WORLD);
  MPI_Win_lock_all(0, win_);
}

MpiDistribution::~MpiDistribution() {
  MPI_Win_unlock_all(win_);
  if (!abandoned_) MPI_Win_free(&win_);  // collective
}

bool MpiDistribution::next_batch(int phase, std::size_t total, std::size_t batch, std::size_t& begin,
                                 std::size_t& end) {
  const long one = 1;
  long ticket = 0;
  MPI_Fetch_and_op(&one, &ticket, MPI_LONG, 0, phase, MPI_SUM, win_);
  MPI_Win_flush(0, win_);
  begin = static_cast<std::size_t>(ticket) * batch;
  if (begin >= total) return false;
  end = std::min(total, begin + batch);
  return true;
}

void MpiDistribution::sum_over_processes(std::vector<double>& values) {
  MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}

namespace {

/// Next attempt number: one more than any part file already present.
int next_attempt(const std::vector<std::string>& parts) {
  int attempt = 0;
  const std::regex pattern(R"(part-(\d+)-\d+\.h5$)");
  for (const auto& p : parts) {
    std::smatch m;
    if (std::regex_search(p, m, pattern)) attempt = std::max(attempt, std::stoi(m[1]) + 1);
  }
  return attempt;
}

/// An exception's message (never empty: an empty one would read as no problem) and kind.
std::string message_of(const std::exception& e, ErrorKind& kind) {
  if (const auto* known = dynamic_cast<const Error*>(&e))
    kind = known->kind();
  else
    kind = dynamic_cast<const fs::filesystem_error*>(&e) ? ErrorKind::kIo : ErrorKind::kInternal;
  const std::string text = e.what();
  return text.empty() ? "unexplained failure" : text;
}

/// What rank 0 finds before a run: the attempt number, the candidates earlier parts hold (resume),
/// or why the run must not start.
struct EarlierRuns {
  int attempt = 0;
  std::vector<char> done;  ///< per candidate, 1 when an earlier part of this run holds it
  std::string refusal;
  ErrorKind kind = ErrorKind::kInput;
  std::vector<io::SetAsideFile> set_aside;  ///< unreadable earlier parts, renamed and kept (rank 0)
};

/// Rank 0 only: refuses an unfinished single-process run of the same output and parts of an
/// earlier run (without --resume) or of a different run, and reads the candidates already done.
/// Creates the parts folder. Nothing here may throw: a failure becomes the refusal.
EarlierRuns inspect_earlier_runs(const MpiRunOptions& o, const io::RunInfo& info, const TrialSpec& spec) {
  EarlierRuns r;
  r.done.assign(spec.population.size(), 0);
  const std::string dir = o.output + ".parts";
  try {
    // A single-process run of the same output keeps its candidates in OUTPUT.partial, which the
    // merge would overwrite.
    const std::string partial = io::partial_path(o.output);
    std::error_code ec;
    if (o.force) {
      fs::remove_all(dir);
      fs::remove(partial, ec);
    } else if (fs::exists(partial, ec)) {
      const io::RunIdentity single = io::read_run_identity(partial);
      if (single.locked) {
        r.refusal = "'" + partial + "' is being written by another process (a run with the same output?)";
        return r;
      }
      if (single.readable && single.is_trial && !single.complete && single.n_written > 0) {
        r.refusal = "'" + partial + "' holds " + std::to_string(single.n_written) + " of " +
                    std::to_string(single.n_candidates) +
                    " candidates of an unfinished single-process run: finish it without mpirun (vct run --resume), "
                    "or add --force to discard it";
        return r;
      }
    }
    const auto existing = io::list_parts(o.output);
    if (!existing.empty() && !o.resume) {
      r.refusal = "'" + dir + "' holds parts of an earlier run: add --resume to complete it, or 'vct merge " +
                  o.output + "' to merge what is there, or --force to discard them";
      return r;
    }
    const io::RunIdentity now = existing.empty() ? io::RunIdentity{} : io::current_identity(info, spec.population);
    for (const auto& part : existing) {
      const io::RunIdentity earlier = io::read_run_identity(part);
      if (earlier.locked) {
        r.refusal = "'" + part + "' is being written by another process (a run with the same output?)";
        return r;
      }
      const std::string why = earlier.readable ? io::describe_mismatch(earlier, now) : "";
      if (!why.empty()) {
        r.refusal = "cannot resume from '" + part + "': it holds a different run (" + why +
                    "); run without --resume, with --force to discard the parts";
        return r;
      }
      // A part its rank was killed while writing cannot be opened, or its candidates cannot be read
      // (all of them, as the merge will read them: a torn arm table is found here, not there): it is
      // set aside (kept) and its candidates are simulated again.
      std::string unreadable = earlier.problem;
      std::vector<std::size_t> ids;
      if (earlier.readable) try {
          for (const CandidateResult& c : io::read_trial_results(part, spec)) ids.push_back(c.candidate);
        } catch (const Error& e) {
          unreadable = e.what();
        }
      if (!unreadable.empty()) {
        r.set_aside.push_back(io::set_aside(part, unreadable));
        continue;
      }
      for (std::size_t id : ids)
        if (id < r.done.size()) r.done[id] = 1;
    }
    r.attempt = next_attempt(existing);
    fs::create_directories(dir);
  } catch (const std::exception& e) {
    r.refusal = message_of(e, r.kind);
  }
  return r;
}

/// Rank 0's findings on every rank (collective); a refusal is a CollectiveError everywhere.
EarlierRuns share_earlier_runs(const MpiRunOptions& o, const io::RunInfo& info, const TrialSpec& spec) {
  EarlierRuns r;
  if (rank() == 0) r = inspect_earlier_runs(o, info, spec);
  throw_if_any_rank_failed(r.refusal, r.kind);
  r.done.resize(spec.population.size(), 0);
  MPI_Bcast(&r.attempt, 1, MPI_INT, 0, MPI_COMM_WORLD);
  MPI_Bcast(r.done.data(), static_cast<int>(r.done.size()), MPI_CHAR, 0, MPI_COMM_WORLD);
  return r;
}

}  // namespace

MpiRunResult run_trial_mpi(const io::LoadedScenario& loaded, const ModelDefinition& model, const MpiRunOptions& o,
                           const io::RunInfo& info, const ProgressCallback& progress) {
  const double t0 = MPI_Wtime();
  const Scenario& s = loaded.scenario;
  const TrialSpec spec = build_trial_spec(model, s, o.threads);
  // Only rank 0 reads earlier files: a rank listing the parts folder while rank 0 already creates
  // its new part could fail alone and leave rank 0 waiting in MPI_Win_allocate.
  const EarlierRuns earlier = share_earlier_runs(o, info, spec);
  std::vector<bool> done(earlier.done.begin(), earlier.done.end());

  const std::string part =
      o.output + ".parts/part-" + std::to_string(earlier.attempt) + "-" + std::to_string(rank()) + ".h5";
  std::optional<io::TrialWriter> writer;
  std::string problem;
  ErrorKind kind = ErrorKind::kIo;
  try {
    writer.emplace(part, spec, s, info);
  } catch (const std::exception& e) {
    problem = "rank " + std::to_string(rank()) + " cannot write its part: " + message_of(e, kind);
  }
  throw_if_any_rank_failed(problem, kind);

  TrialSummary local;
  {
    MpiDistribution distribution;
    int batches = 0;
    const ProgressCallback limited = [&](const TrialProgress& p) {
      if (p.phase == "simulating" && p.simulated > 0) ++batches;  // batches done earlier do not count
      const bool go_on = !progress || progress(p);
      return go_on && (o.stop_after_batches <= 0 || batches < o.stop_after_batches);
    };
    try {
      local = run_trial(spec, *writer, limited, &distribution, &done);
    } catch (...) {
      distribution.abandon();  // the other ranks may be in a collective this rank will never join
      throw;
    }
  }
  writer.reset();
  int stopped = local.completed ? 0 : 1, any_stopped = 0;
  MPI_Allreduce(&stopped, &any_stopped, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Barrier(MPI_COMM_WORLD);

  TrialSummary merged = local;
  if (rank() == 0) {
    try {
      merged = io::merge_trial_parts(io::list_parts(o.output), spec, s, info, o.output);
      merged.wall_seconds = MPI_Wtime() - t0;
      if (merged.completed && !any_stopped) io::remove_merged_parts(o.output);
    } catch (const std::exception& e) {
      problem = message_of(e, kind);
    }
  }
  throw_if_any_rank_failed(problem, kind);
  return {merged, earlier.set_aside};
}

}  // namespace vct::mpi
