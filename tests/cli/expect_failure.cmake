# Runs "${VCT} check ${SCENARIO}" (or "${VCT} ${ARGS}" when ARGS, a ;-list, is given) and requires
# exit code ${EXPECTED_CODE} and ${EXPECTED_TEXT} on stderr.
if(DEFINED ARGS)
  execute_process(COMMAND ${VCT} ${ARGS} RESULT_VARIABLE code ERROR_VARIABLE err OUTPUT_VARIABLE out)
else()
  execute_process(COMMAND ${VCT} check ${SCENARIO} RESULT_VARIABLE code ERROR_VARIABLE err OUTPUT_VARIABLE out)
endif()
if(NOT code EQUAL ${EXPECTED_CODE})
  message(FATAL_ERROR "expected exit code ${EXPECTED_CODE}, got ${code}\nstderr:\n${err}")
endif()
string(FIND "${err}" "${EXPECTED_TEXT}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "stderr does not contain:\n${EXPECTED_TEXT}\nstderr was:\n${err}")
endif()
