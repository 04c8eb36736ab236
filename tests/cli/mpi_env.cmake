# Open MPI settings of the MPI tests (included by mpi_*.cmake): run as root in CI containers, allow
# more ranks than cores, and let ranks waiting in MPI yield the core: on a 2-core machine
# busy-polling ranks competing with other processes made the MPI tests time out now and then.
set(ENV{OMPI_ALLOW_RUN_AS_ROOT} 1)
set(ENV{OMPI_ALLOW_RUN_AS_ROOT_CONFIRM} 1)
set(ENV{OMPI_MCA_rmaps_base_oversubscribe} 1)
set(ENV{OMPI_MCA_mpi_yield_when_idle} 1)
