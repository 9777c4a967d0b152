# asim_block(NAME): declares the block whose C model is sim/NAME/ (compiled into asim) and,
# when the RTL cross-checks are on and tests/cosim/NAME/CMakeLists.txt exists, whose cosim
# configurations, mutants, benches and calibration checks that file declares with the
# functions of tests/cosim/AsimCosim.cmake. Adding a block is this one call, its folders and
# one line of sim/block/registry.c.
#
# A block with fitted resource coefficients, traces/calibration/NAME_fit.csv (tools/fit.py),
# also gets them compiled in: the build generates NAME_fit.c from the CSV
# (cmake/AsimFitSource.cmake; the struct is declared in sim/NAME/NAME_fit.h).
function(asim_block name)
  file(GLOB sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/sim/${name}/*.c)
  target_sources(asim PRIVATE ${sources})
  set(fit_csv ${PROJECT_SOURCE_DIR}/traces/calibration/${name}_fit.csv)
  if(EXISTS ${fit_csv})
    set(fit_c ${PROJECT_BINARY_DIR}/generated/${name}_fit.c)
    set(generator ${PROJECT_SOURCE_DIR}/cmake/AsimFitSource.cmake)
    add_custom_command(OUTPUT ${fit_c}
      COMMAND ${CMAKE_COMMAND} -DBLOCK=${name} -DCSV=${fit_csv} -DOUT=${fit_c} -P ${generator}
      DEPENDS ${fit_csv} ${generator}
      COMMENT "Generating ${name}_fit.c from traces/calibration/${name}_fit.csv")
    target_sources(asim PRIVATE ${fit_c})
  endif()
  set_property(GLOBAL APPEND PROPERTY ASIM_BLOCKS ${name})
endfunction()
