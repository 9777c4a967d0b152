# Mutants of sources, for tests that must fail on them (tests/functional, tests/cosim).

# asim_mutant_source(OUT var SOURCE file FROM text TO text [NAME n]): a copy of `file` in the
# build tree with the one occurrence of `text` replaced. Fails the configure step unless
# `text` occurs exactly once, so a mutant can never silently become the original. Mutation
# hooks thus live in the tests, never in the sources. Semicolons in FROM and TO survive when
# they are bracket arguments ([[a;b]]), so a mutant can be any Verilog or C text.
function(asim_mutant_source)
  cmake_parse_arguments(PARSE_ARGV 0 M "" "OUT;SOURCE;FROM;TO;NAME" "")
  file(READ ${M_SOURCE} text)
  string(REPLACE "${M_FROM}" "@@ASIM_MUTANT@@" marked "${text}")
  string(REGEX MATCHALL "@@ASIM_MUTANT@@" hits "${marked}")
  list(LENGTH hits n)
  if(NOT n EQUAL 1)
    message(FATAL_ERROR "mutant ${M_NAME}: '${M_FROM}' occurs ${n} times in ${M_SOURCE}")
  endif()
  string(REPLACE "@@ASIM_MUTANT@@" "${M_TO}" mutated "${marked}")
  get_filename_component(base ${M_SOURCE} NAME)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/mutants/${M_NAME}/${base})
  file(WRITE ${out} "${mutated}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${M_SOURCE})
  set(${M_OUT} ${out} PARENT_SCOPE)
endfunction()
