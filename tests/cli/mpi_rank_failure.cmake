# A rank that fails alone in the middle of a trial ends the whole job, with its error and exit code,
# and loses nothing finished: the run resumes to the single-process result (docs/cluster.md, "When
# one rank fails"). The failure is real, not simulated in the code: rank 1 runs under a file size
# limit (`ulimit -f`, as a full disk would) below what its part needs for its first batch, so the
# writer's check before each batch throws on rank 1 only, while rank 0 goes on fetching batches
# from the shared counter. Before the fix of f489373 rank 0 could wait forever in a collective; a
# hang is stopped by MPI_WATCH (100 s) and fails this test through the exit code.
include(${CMAKE_CURRENT_LIST_DIR}/mpi_env.cmake)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
function(run)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY ${WORK} RESULT_VARIABLE code OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  set(last_code ${code} PARENT_SCOPE)
  set(last_output "${out}${err}" PARENT_SCOPE)
endfunction()
run(${VCT} run ${SCENARIO} --threads 1 --quiet --output single.h5)
if(NOT last_code EQUAL 0)
  message(FATAL_ERROR "single-process run failed:\n${last_output}")
endif()
# small_trial.yaml: a part file is 138 KiB when created and the writer reserves up to 308 KiB for
# its first batch (whole table chunks) and 64 KiB or more for the summary, so 300 blocks of 512 bytes
# (150 KiB) let rank 1 create its part (an agreed step) and stop it at its first batch, or at its
# summary should rank 0 have taken every batch. SIGXFSZ is ignored so that a write past the limit
# fails instead of killing.
# (Lines, not ';': the script passes through a CMake list.) The limit also applies to Open MPI's
# shared-memory segments, so the ranks talk over TCP here (no 'ftruncate: File too large' warning).
set(limited [=[trap '' XFSZ
if [ "${OMPI_COMM_WORLD_RANK:-${PMIX_RANK:-$PMI_RANK}}" = 1 ]
then ulimit -f 300
fi
exec "$0" "$@"]=])
set(ENV{OMPI_MCA_btl} "self,tcp")
run(${MPIEXEC} ${MPI_WATCH} -np 2 sh -c "${limited}" ${VCT} run ${SCENARIO} --threads 1 --quiet --output mpi.h5)
if(NOT last_code EQUAL 4)
  message(FATAL_ERROR "a rank failing alone must end the job with its I/O exit code 4, got ${last_code}:\n${last_output}")
endif()
foreach(expected "vct: error on MPI rank 1: cannot write the (next batch|summary) to 'mpi\\.h5\\.parts/part-0-1\\.h5': file size limit"
                 "the finished batches are kept in mpi\\.h5\\.parts: rerun with --resume")
  if(NOT last_output MATCHES "${expected}")
    message(FATAL_ERROR "the failing rank's report must match \"${expected}\":\n${last_output}")
  endif()
endforeach()
if(NOT EXISTS ${WORK}/mpi.h5.parts/part-0-0.h5 OR NOT EXISTS ${WORK}/mpi.h5.parts/part-0-1.h5)
  message(FATAL_ERROR "both ranks' parts must be kept after one rank failed")
endif()
if(EXISTS ${WORK}/mpi.h5)
  message(FATAL_ERROR "a failed run must not leave a merged result")
endif()
run(${MPIEXEC} ${MPI_WATCH} -np 2 ${VCT} run ${SCENARIO} --threads 1 --quiet --output mpi.h5 --resume)
if(NOT last_code EQUAL 0)
  message(FATAL_ERROR "resuming after one rank failed must finish the run:\n${last_output}")
endif()
run(${COMPARE} single.h5 mpi.h5)
if(NOT last_code EQUAL 0)
  message(FATAL_ERROR "the resumed result differs from the single-process result:\n${last_output}")
endif()
