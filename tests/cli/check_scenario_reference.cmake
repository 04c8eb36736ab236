# Compares docs/scenario-reference.md with what `vct schema` writes now (the scenario keys'
# declarations in io/scenario/schema.cpp); regenerate with tools/gen_model_docs.sh.
execute_process(COMMAND ${VCT} schema OUTPUT_VARIABLE expected RESULT_VARIABLE code)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "vct schema failed")
endif()
file(READ ${DOC} actual)
if(NOT actual STREQUAL expected)
  message(FATAL_ERROR "${DOC} is out of date with io/scenario/schema.cpp: run tools/gen_model_docs.sh")
endif()
