// SPDX-License-Identifier: MIT
#include "app/mpi_trial.hpp"

#include <mpi.h>

#include <cstdlib>
#include <filesystem>
#include <regex>

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

namespace {

/// Dynamic batches: every rank fetches-and-adds a shared counter per phase held on rank 0.
class MpiDistribution : public TrialDistribution {
 public:
  MpiDistribution() {
    MPI_Win_allocate(rank() == 0 ? 2 * sizeof(long) : 0, sizeof(long), MPI_INFO_NULL, MPI_COMM_WORLD, &base_, &win_);
    if (rank() == 0) base_[0] = base_[1] = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Win_lock_all(0, win_);
  }
  ~MpiDistribution() override {
    MPI_Win_unlock_all(win_);
    MPI_Win_free(&win_);
  }
  bool next_batch(int phase, std::size_t total, std::size_t batch, std::size_t& begin, std::size_t& end) override {
    const long one = 1;
    long ticket = 0;
    MPI_Fetch_and_op(&one, &ticket, MPI_LONG, 0, phase, MPI_SUM, win_);
    MPI_Win_flush(0, win_);
    begin = static_cast<std::size_t>(ticket) * batch;
    if (begin >= total) return false;
    end = std::min(total, begin + batch);
    return true;
  }
  void sum_over_processes(std::vector<double>& values) override {
    MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  }

 private:
  long* base_ = nullptr;
  MPI_Win win_;
};

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

}  // namespace

TrialSummary run_trial_mpi(const io::LoadedScenario& loaded, const ModelDefinition& model, const MpiRunOptions& o,
                           const io::RunInfo& info, const ProgressCallback& progress) {
  const double t0 = MPI_Wtime();
  const Scenario& s = loaded.scenario;
  const TrialSpec spec = build_trial_spec(model, s, o.threads);
  const std::string dir = o.output + ".parts";

  // Rank 0 inspects earlier files and decides; everyone learns the outcome (0 go, 1 parts of an
  // earlier run without --resume, 2 the reason in `mismatch`: a part of a different run, or an
  // unfinished single-process run of the same output).
  int attempt = 0, refuse = 0;
  std::string mismatch;
  if (rank() == 0) {
    // A single-process run of the same output keeps its candidates in OUTPUT.partial, which the
    // merge would overwrite.
    const std::string partial = io::partial_path(o.output);
    std::error_code ec;
    if (o.force) {
      fs::remove_all(dir);
      fs::remove(partial, ec);
    } else if (fs::exists(partial, ec)) {
      const io::RunIdentity single = io::read_run_identity(partial);
      if (single.locked || (single.readable && single.is_trial && !single.complete && single.n_written > 0)) {
        refuse = 2;
        mismatch = single.locked ? "'" + partial + "' is being written by another process (a run with the same output?)"
                                 : "'" + partial + "' holds " + std::to_string(single.n_written) + " of " +
                                       std::to_string(single.n_candidates) +
                                       " candidates of an unfinished single-process run: finish it without mpirun "
                                       "(vct run --resume), or add --force to discard it";
      }
    }
    const auto existing = io::list_parts(o.output);
    if (!existing.empty() && !o.resume && refuse == 0) refuse = 1;
    if (o.resume && refuse == 0) {
      const io::RunIdentity now = io::current_identity(info, spec.population);
      for (const auto& part : existing) {
        const io::RunIdentity earlier = io::read_run_identity(part);
        const std::string why = earlier.readable ? io::describe_mismatch(earlier, now) : earlier.problem;
        if (!why.empty()) {
          refuse = 2;
          mismatch = "cannot resume from '" + part + "': " + (earlier.readable ? "it holds a different run (" : "(") +
                     why + "); run without --resume, with --force to discard the parts";
          break;
        }
      }
    }
    attempt = next_attempt(existing);
    fs::create_directories(dir);
  }
  MPI_Bcast(&refuse, 1, MPI_INT, 0, MPI_COMM_WORLD);
  MPI_Bcast(&attempt, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (refuse == 1)
    throw Error(ErrorKind::kInput, "'" + dir +
                                       "' holds parts of an earlier run: add --resume to complete it, "
                                       "or 'vct merge " +
                                       o.output + "' to merge what is there, or --force to discard them");
  if (refuse == 2) throw Error(ErrorKind::kInput, rank() == 0 ? mismatch : "an earlier run's files are in the way");

  std::vector<bool> done(spec.population.size(), false);
  if (o.resume)
    for (const auto& part : io::list_parts(o.output))
      for (std::size_t id : io::read_candidate_ids(part))
        if (id < done.size()) done[id] = true;

  const std::string part = dir + "/part-" + std::to_string(attempt) + "-" + std::to_string(rank()) + ".h5";
  TrialSummary local;
  {
    io::TrialWriter writer(part, spec, s, info);
    MpiDistribution distribution;
    int batches = 0;
    const ProgressCallback limited = [&](const TrialProgress& p) {
      if (p.phase == "simulating" && p.simulated > 0) ++batches;  // batches done earlier do not count
      const bool go_on = !progress || progress(p);
      return go_on && (o.stop_after_batches <= 0 || batches < o.stop_after_batches);
    };
    local = run_trial(spec, writer, limited, &distribution, &done);
  }
  int stopped = local.completed ? 0 : 1, any_stopped = 0;
  MPI_Allreduce(&stopped, &any_stopped, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Barrier(MPI_COMM_WORLD);

  TrialSummary merged = local;
  if (rank() == 0) {
    merged = io::merge_trial_parts(io::list_parts(o.output), spec, s, info, o.output);
    merged.wall_seconds = MPI_Wtime() - t0;
    if (merged.completed && !any_stopped) fs::remove_all(dir);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  return merged;
}

}  // namespace vct::mpi
