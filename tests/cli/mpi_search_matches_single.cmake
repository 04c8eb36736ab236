# Runs the schedule search of SCENARIO in one process and with `mpirun -np 2` (each rank growing
# and treating half the candidates); the two result files must hold the same schedules, read-outs,
# ranking and confirmation (COMPARE: tests/cli/compare_search.py).
include(${CMAKE_CURRENT_LIST_DIR}/mpi_env.cmake)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
foreach(step "single;${VCT}" "mpi;${MPIEXEC};${MPI_WATCH};-np;2;${VCT}")
  list(POP_FRONT step name)
  execute_process(COMMAND ${step} search ${SCENARIO} --threads 1 --quiet --output ${WORK}/${name}.h5
                  RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "${name} search failed (${code}):\n${out}${err}")
  endif()
endforeach()
execute_process(COMMAND ${PYTHON} ${COMPARE} ${WORK}/single.h5 ${WORK}/mpi.h5 RESULT_VARIABLE code
                OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "the MPI search differs from the single-process one:\n${out}${err}")
endif()
