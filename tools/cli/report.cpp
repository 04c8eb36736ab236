// SPDX-License-Identifier: MIT
// vct command line: `vct report` runs the Python package's report writer (python/vct/report.py,
// matplotlib figures) with the interpreter and package folder of this build, so that figures
// are drawn by one implementation for the CLI and for notebooks. VCT_PYTHON (an interpreter) and
// PYTHONPATH (prepended to) can point elsewhere.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "tools/cli/commands.hpp"

namespace vct::cli {

int cmd_report(const std::string& result, const std::string& output) {
#ifndef VCT_PYTHON_DIR
  (void)result;
  (void)output;
  std::fprintf(stderr,
               "vct report: this build has no Python package (configure with -DVCT_PYTHON=ON; it needs Debian's "
               "pybind11-dev, python3-dev, python3-pandas and python3-matplotlib: tools/install_deps.sh)\n");
  return kUsage;
#else
  const char* chosen = std::getenv("VCT_PYTHON");
  const std::string python = chosen && *chosen ? chosen : VCT_PYTHON_EXECUTABLE;
  const char* existing = std::getenv("PYTHONPATH");
  const std::string path = std::string(VCT_PYTHON_DIR) + (existing && *existing ? ":" + std::string(existing) : "");
  std::vector<std::string> args = {python, "-m", "vct.report", result};
  if (!output.empty()) args.insert(args.end(), {"--output", output});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(nullptr);
  const pid_t child = fork();
  if (child < 0) {
    std::perror("vct report: fork");
    return kInternalError;
  }
  if (child == 0) {
    setenv("PYTHONPATH", path.c_str(), 1);
    setenv("MPLBACKEND", "Agg", 1);
    execvp(argv[0], argv.data());
    std::fprintf(stderr, "vct report: cannot start '%s' (set VCT_PYTHON to a Python 3 with pandas and matplotlib)\n",
                 python.c_str());
    _exit(kInternalError);
  }
  int status = 0;
  if (waitpid(child, &status, 0) < 0) return kInternalError;
  return WIFEXITED(status) ? WEXITSTATUS(status) : kInternalError;
#endif
}

}  // namespace vct::cli
