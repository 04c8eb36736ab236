# Writes OUTPUT: a C++ source defining `const char* const SYMBOL` in NAMESPACE (default vct::models)
# with the text of INPUT.
if(NOT DEFINED NAMESPACE)
  set(NAMESPACE vct::models)
endif()
file(READ ${INPUT} text)
file(WRITE ${OUTPUT} "// Generated from ${INPUT}; do not edit.\nnamespace ${NAMESPACE} {\nextern const char* const ${SYMBOL};\nconst char* const ${SYMBOL} = R\"vctdata(${text})vctdata\";\n}\n")
