# `vct calibrate --size 16 --evaluations 2 --output OUT` must run, report two evaluations and write
# OUT with every calibrated parameter (the suite's own calibrated file is not touched).
file(REMOVE ${OUT})
execute_process(COMMAND ${VCT} calibrate ${SUITE} --size 16 --evaluations 2 --output ${OUT}
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "vct calibrate failed (${code}):\n${out}${err}")
endif()
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
file(REMOVE ${OUT})
execute_process(COMMAND ${VCT} calibrate ${SUITE} --only theta_CTLA4_priming --target checkmate227_ipilimumab_increment
                        --size 16 --evaluations 1 --output ${OUT}
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "vct calibrate --only failed (${code}):\n${out}${err}")
endif()
if(NOT out MATCHES "Calibrating 1 parameter" OR NOT out MATCHES "targets \\(%\\): checkmate227_ipilimumab_increment 8.4\n")
  message(FATAL_ERROR "expected one parameter and one target:\n${out}")
endif()
file(READ ${OUT} written)
file(READ ${CALIBRATED} committed)
string(REGEX MATCH "rho_P2: [0-9.e+-]+" held "${committed}")
if(NOT written MATCHES "${held}")
  message(FATAL_ERROR "${OUT} does not hold '${held}' of the calibrated file:\n${written}")
endif()
