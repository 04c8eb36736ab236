# Open MPI settings of the MPI tests (included by mpi_*.cmake): run as root in CI containers, allow
# more ranks than cores, and let ranks waiting in MPI yield the core: on a 2-core machine
# busy-polling ranks competing with other processes made the MPI tests time out now and then.
set(ENV{OMPI_ALLOW_RUN_AS_ROOT} 1)
set(ENV{OMPI_ALLOW_RUN_AS_ROOT_CONFIRM} 1)
set(ENV{OMPI_MCA_rmaps_base_oversubscribe} 1)
set(ENV{OMPI_MCA_mpi_yield_when_idle} 1)
# A hung job is stopped after MPI_WATCH's timeout (a run takes a few seconds; ctest's TIMEOUT is
# 300 s) with every rank's state and thread stacks in the test's output, so that an intermittent
# hang in CI shows where it hangs: `mpirun --get-stack-traces` runs `gstack` on each rank, and
# Debian's gdb has none, so stack_traces/gstack (gdb -batch) goes first on PATH.
set(MPI_WATCH --timeout 100 --report-state-on-timeout --get-stack-traces)
set(ENV{PATH} "${CMAKE_CURRENT_LIST_DIR}/stack_traces:$ENV{PATH}")
