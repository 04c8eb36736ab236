# Writes OUT (a header defining VCT_VERSION) from PROJECT_VERSION and `git describe`, at build
# time, so every build carries the commit it was built from; the file is rewritten only when the
# text changes, so an unchanged tree does not trigger a rebuild.
execute_process(COMMAND git describe --always --dirty --tags
                WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE describe OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT describe)
  set(describe "unknown")
endif()
set(text "#pragma once\n#define VCT_VERSION \"${PROJECT_VERSION}+${describe}\"\n")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE ${OUT} "${text}")
endif()
