# Runs SCENARIO single-process and with `mpirun -np 2`, then with a run stopped after one batch per
# rank and resumed; every MPI result must equal the single-process one candidate by candidate (the
# agent-based windows' tables too, for a scenario with lesions[].abm).
include(${CMAKE_CURRENT_LIST_DIR}/mpi_env.cmake)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(last_code ${code} PARENT_SCOPE)
  set(last_output "${out}${err}" PARENT_SCOPE)
endfunction()
# Fails unless FILE equals the single-process result candidate by candidate.
function(expect_single_result file what)
  run(${COMPARE} ${WORK}/single.h5 ${file})
  if(NOT last_code EQUAL 0)
    message(FATAL_ERROR "${what} differs from the single-process result:\n${last_output}")
  endif()
endfunction()
# For OUTPUT (WORK/NAME.h5) whose part PART cannot be read: vct merge must refuse it by name with
# the way on (exit 4), and --resume must set it aside, say so and finish (WHAT names the case).
function(expect_merge_refuses_and_resume_sets_aside name part what)
  run(${VCT} merge ${WORK}/${name}.h5)
  if(NOT last_code EQUAL 4 OR NOT last_output MATCHES "cannot merge '[^']*${part}\\.h5': .*vct run --resume sets it aside")
    message(FATAL_ERROR "vct merge must refuse ${what} by name and say how to go on (exit ${last_code}):\n${last_output}")
  endif()
  run(${MPIEXEC} ${MPI_WATCH} -np 2 ${VCT} run ${SCENARIO} --threads 1 --quiet --output ${WORK}/${name}.h5 --resume)
  if(NOT last_code EQUAL 0 OR NOT last_output MATCHES "${name}\\.h5\\.parts/${part}\\.h5' could not be read"
     OR NOT last_output MATCHES "kept as '[^']*${name}\\.h5\\.parts/${part}\\.h5\\.unreadable'")
    message(FATAL_ERROR "resuming past ${what} must set it aside and say so (exit ${last_code}):\n${last_output}")
  endif()
endfunction()
run(${VCT} run ${SCENARIO} --threads 1 --quiet --output ${WORK}/single.h5)
if(NOT last_code EQUAL 0)
  message(FATAL_ERROR "single-process run failed:\n${last_output}")
endif()
run(${MPIEXEC} ${MPI_WATCH} -np 2 ${VCT} run ${SCENARIO} --threads 1 --quiet --output ${WORK}/mpi.h5)
if(NOT last_code EQUAL 0)
  message(FATAL_ERROR "mpirun -np 2 failed:\n${last_output}")
endif()
if(EXISTS ${WORK}/mpi.h5.parts)
  message(FATAL_ERROR "parts were not removed after a complete merge")
endif()
expect_single_result(${WORK}/mpi.h5 "MPI result")
# Killed part-way (each rank stops after one batch), then resumed.
run(${MPIEXEC} ${MPI_WATCH} -np 2 ${VCT} run ${SCENARIO} --threads 1 --quiet --output ${WORK}/resumed.h5 --stop-after 1)
if(last_code EQUAL 0)
  message(FATAL_ERROR "a stopped run must not report success")
endif()
if(NOT EXISTS ${WORK}/resumed.h5.parts)
  message(FATAL_ERROR "a stopped run must keep its parts")
endif()
run(${MPIEXEC} ${MPI_WATCH} -np 2 ${VCT} run ${SCENARIO} --threads 1 --quiet --output ${WORK}/resumed.h5)
if(last_code EQUAL 0 OR NOT last_output MATCHES "add --resume")
  message(FATAL_ERROR "restarting without --resume must refuse and say how to resume:\n${last_output}")
endif()
# Resuming with another scenario must refuse and name the difference (issue #19 F6). OTHER_FROM and
# OTHER_TO (optional) name a dose in SCENARIO and its replacement.
if(NOT DEFINED OTHER_FROM)
  set(OTHER_FROM "dose_mg_per_kg: 3")
  set(OTHER_TO "dose_mg_per_kg: 10")
endif()
file(READ ${SCENARIO} text)
string(REPLACE "${OTHER_FROM}," "${OTHER_TO}," text "${text}")
file(WRITE ${WORK}/other.yaml "${text}")
run(${MPIEXEC} ${MPI_WATCH} -np 2 ${VCT} run ${WORK}/other.yaml --threads 1 --quiet --output ${WORK}/resumed.h5 --resume)
if(last_code EQUAL 0 OR NOT last_output MATCHES "earlier '${OTHER_FROM}', now '${OTHER_TO}'")
  message(FATAL_ERROR "resuming with another scenario must refuse and say what differs:\n${last_output}")
endif()
run(${MPIEXEC} ${MPI_WATCH} -np 2 ${VCT} run ${SCENARIO} --threads 1 --quiet --output ${WORK}/resumed.h5 --resume)
if(NOT last_code EQUAL 0)
  message(FATAL_ERROR "resume failed:\n${last_output}")
endif()
expect_single_result(${WORK}/resumed.h5 "resumed MPI result")
# A part its rank was killed while writing cannot be read (a truncated part stands in for one: such
# a kill leaves the file shorter than its header says). The first part is the one truncated, since
# vct merge reads its scenario (it used to fail there with HDF5's bare message). --resume sets it
# aside, kept as part-0-0.h5.unreadable in the parts folder, which stays for it, simulates its
# candidates again, and the result still equals the single-process run.
run(${MPIEXEC} ${MPI_WATCH} -np 2 ${VCT} run ${SCENARIO} --threads 1 --quiet --output ${WORK}/aside.h5 --stop-after 1)
run(truncate -s 4096 ${WORK}/aside.h5.parts/part-0-0.h5)
expect_merge_refuses_and_resume_sets_aside(aside part-0-0 "an unreadable part")
file(GLOB left RELATIVE ${WORK}/aside.h5.parts ${WORK}/aside.h5.parts/*)
if(NOT left STREQUAL "part-0-0.h5.unreadable")
  message(FATAL_ERROR "after the merge the parts folder must keep only the set-aside part, found: ${left}")
endif()
expect_single_result(${WORK}/aside.h5 "the result after an unreadable part")
# A part whose identity reads but whose candidates do not (a kill that tore a table after the
# identity was written; here the arms' tables of part-0-1.h5 are deleted with PYTHON's h5py): vct
# merge names it with the way on, and --resume, which reads every earlier part whole, sets it aside
# (it used to check the candidate ids only, and the merge then failed on the missing table).
run(${MPIEXEC} ${MPI_WATCH} -np 2 ${VCT} run ${SCENARIO} --threads 1 --quiet --output ${WORK}/torn.h5 --stop-after 1)
# (Lines, not semicolons, separate the Python statements: run() would split its arguments there.)
run(${PYTHON} -c "import sys, h5py\nwith h5py.File(sys.argv[1], 'r+') as f:\n    del f['arms']"
    ${WORK}/torn.h5.parts/part-0-1.h5)
if(NOT last_code EQUAL 0)
  message(FATAL_ERROR "cannot delete the arms' tables of part-0-1.h5 with ${PYTHON} (h5py):\n${last_output}")
endif()
expect_merge_refuses_and_resume_sets_aside(torn part-0-1 "a part with torn tables")
expect_single_result(${WORK}/torn.h5 "the result after a part with torn tables")
# An unfinished single-process run of the same output is not overwritten by an MPI run (issue #19).
run(${VCT} run ${SCENARIO} --threads 1 --quiet --output ${WORK}/shared.h5 --stop-after 1)
file(RENAME ${WORK}/shared.h5 ${WORK}/shared.h5.partial)  # as a SIGKILL would leave it
run(${MPIEXEC} ${MPI_WATCH} -np 2 ${VCT} run ${SCENARIO} --threads 1 --quiet --output ${WORK}/shared.h5)
if(last_code EQUAL 0 OR NOT last_output MATCHES "unfinished single-process run")
  message(FATAL_ERROR "an MPI run must not overwrite an unfinished single-process run:\n${last_output}")
endif()
# With probability-of-inclusion selection (SELECTION_FROM in SCENARIO replaced by SELECTION_TO,
# when given): the merged file's selection record (plausible candidates' ids, probabilities, the
# selected flags, the scale factor and KS fit) equals the single-process one too. The merge used to
# write every plausible candidate's id as 0.
if(DEFINED SELECTION_FROM)
  file(READ ${SCENARIO} text)
  string(REPLACE "${SELECTION_FROM}" "${SELECTION_TO}" text "${text}")
  file(WRITE ${WORK}/selection.yaml "${text}")
  file(REMOVE ${WORK}/single.h5)  # the reference of expect_single_result becomes the run with selection
  run(${VCT} run ${WORK}/selection.yaml --threads 1 --quiet --output ${WORK}/single.h5)
  if(NOT last_code EQUAL 0)
    message(FATAL_ERROR "single-process run with selection failed:\n${last_output}")
  endif()
  run(${MPIEXEC} ${MPI_WATCH} -np 2 ${VCT} run ${WORK}/selection.yaml --threads 1 --quiet
      --output ${WORK}/selection_mpi.h5)
  if(NOT last_code EQUAL 0)
    message(FATAL_ERROR "mpirun -np 2 with selection failed:\n${last_output}")
  endif()
  expect_single_result(${WORK}/selection_mpi.h5 "MPI result with selection")
endif()
