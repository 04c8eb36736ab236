# Writes OUTPUT: a C++ source defining `const char* const SYMBOL` with the text of INPUT.
file(READ ${INPUT} text)
file(WRITE ${OUTPUT} "// Generated from ${INPUT}; do not edit.\nnamespace vct::models {\nextern const char* const ${SYMBOL};\nconst char* const ${SYMBOL} = R\"vctdata(${text})vctdata\";\n}\n")
