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
file(READ ${OUT} written)
foreach(parameter f_PD1_blockable k_cell_clear_per_day k_C_T1_per_day rho_P2 alpha_L_per_Gy)
  if(NOT written MATCHES "${parameter}:")
    message(FATAL_ERROR "${OUT} lacks ${parameter}:\n${written}")
  endif()
endforeach()
