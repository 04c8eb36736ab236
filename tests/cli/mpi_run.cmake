# Runs EXE [ARG] under `mpirun -np 2` with the MPI tests' settings (mpi_env.cmake: a hang is stopped
# after 100 s with every rank's stacks) and fails unless it exits with EXIT (default 0) and prints
# a line matching EXPECT.
include(${CMAKE_CURRENT_LIST_DIR}/mpi_env.cmake)
if(NOT DEFINED EXIT)
  set(EXIT 0)
endif()
execute_process(COMMAND ${MPIEXEC} ${MPI_WATCH} -np 2 ${EXE} ${ARG} RESULT_VARIABLE code OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
if(NOT code EQUAL EXIT OR NOT out MATCHES "${EXPECT}")
  message(FATAL_ERROR "mpirun -np 2 ${EXE} ${ARG} exited ${code} (expected ${EXIT} and '${EXPECT}'):\n${out}${err}")
endif()
message(STATUS "${out}")
