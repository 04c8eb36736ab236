# `vct calibrate --size 16 --evaluations 2 --output OUT` must run, report two evaluations and write
# OUT with every calibrated parameter (the suite's own calibrated file is not touched).
# Runs `vct calibrate SUITE ARGN --output OUT` from no OUT; stops unless it succeeds; sets `out`.
function(calibrate)
  file(REMOVE ${OUT})
  execute_process(COMMAND ${VCT} calibrate ${SUITE} ${ARGN} --output ${OUT}
                  RESULT_VARIABLE code OUTPUT_VARIABLE stdout ERROR_VARIABLE err)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "vct calibrate ${ARGN} failed (${code}):\n${stdout}${err}")
  endif()
  set(out "${stdout}" PARENT_SCOPE)
endfunction()

calibrate(--size 16 --evaluations 2)
if(NOT out MATCHES "after 2 evaluations")
  message(FATAL_ERROR "expected two objective evaluations:\n${out}")
endif()
if(EXISTS ${OUT}.partial)
  message(FATAL_ERROR "the finished run left ${OUT}.partial (the best-so-far file of an unfinished run)")
endif()
file(READ ${OUT} written)
foreach(parameter f_PD1_blockable k_cell_clear_per_day k_C_T1_per_day rho_P2 alpha_L_per_Gy theta_CTLA4_priming)
  if(NOT written MATCHES "${parameter}:")
    message(FATAL_ERROR "${OUT} lacks ${parameter}:\n${written}")
  endif()
endforeach()

# `--only P --target T` fits P alone on T: one evaluation, and every other parameter written with
# the value of the suite's calibrated file (rho_P2 as the committed joint fit has it).
calibrate(--only theta_CTLA4_priming --target checkmate227_ipilimumab_increment --size 16 --evaluations 1)
if(NOT out MATCHES "Calibrating 1 parameter" OR NOT out MATCHES "targets \\(%\\): checkmate227_ipilimumab_increment 8.4\n")
  message(FATAL_ERROR "expected one parameter and one target:\n${out}")
endif()
file(READ ${OUT} written)
file(READ ${CALIBRATED} committed)
string(REGEX MATCH "rho_P2: [0-9.e+-]+" held "${committed}")
if(NOT written MATCHES "${held}")
  message(FATAL_ERROR "${OUT} does not hold '${held}' of the calibrated file:\n${written}")
endif()

# `--seeds 2` fits the mean over two populations, the scenarios' own seeds and offset 1001: it says
# so, prints each population's value beside the mean, and the calibrated file's header records it.
calibrate(--only theta_CTLA4_priming --target checkmate227_ipilimumab_increment --size 16 --evaluations 1 --seeds 2)
if(NOT out MATCHES "16 candidates per scenario in each of 2 populations \\(seed offsets 0, 1001\\)")
  message(FATAL_ERROR "expected the two populations named:\n${out}")
endif()
# The target's line: mean, published, then each population's value and their SD.
if(NOT out MATCHES "checkmate227_ipilimumab_increment +-?[0-9.]+ % \\(published 8.4 %\\)   -?[0-9.]+ -?[0-9.]+; [0-9.]+\n")
  message(FATAL_ERROR "expected the mean, each population's value and the SD:\n${out}")
endif()
file(READ ${OUT} written)
if(NOT written MATCHES "in each of 2 populations")
  message(FATAL_ERROR "${OUT} does not record the populations:\n${written}")
endif()
