# Runs "${VCT} check ${SCENARIO}" and requires exit code ${EXPECTED_CODE} and ${EXPECTED_TEXT} on stderr.
execute_process(COMMAND ${VCT} check ${SCENARIO} RESULT_VARIABLE code ERROR_VARIABLE err OUTPUT_VARIABLE out)
if(NOT code EQUAL ${EXPECTED_CODE})
  message(FATAL_ERROR "expected exit code ${EXPECTED_CODE}, got ${code}\nstderr:\n${err}")
endif()
string(FIND "${err}" "${EXPECTED_TEXT}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "stderr does not contain:\n${EXPECTED_TEXT}\nstderr was:\n${err}")
endif()
