# Writes the source revision (`git describe --always --dirty`, or "unknown" outside a git checkout) into
# OUT as a C++ string literal, and touches OUT only when the revision changed: run at every build by the
# fabu_revision target (core/CMakeLists.txt), so a new commit rebuilds version.cpp alone.
set(revision "unknown")
if(GIT AND EXISTS "${SOURCE_DIR}/.git")
  execute_process(COMMAND "${GIT}" describe --always --dirty WORKING_DIRECTORY "${SOURCE_DIR}"
                  OUTPUT_VARIABLE described OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE failed)
  if(NOT failed AND described)
    set(revision "${described}")
  endif()
endif()
set(content "\"${revision}\"\n")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
  if(old STREQUAL content)
    return()
  endif()
endif()
file(WRITE "${OUT}" "${content}")
