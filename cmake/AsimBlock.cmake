# asim_block(NAME): declares the block whose C model is sim/NAME/ (compiled into asim) and,
# when the RTL cross-checks are on and tests/cosim/NAME/CMakeLists.txt exists, whose cosim
# configurations, mutants, benches and calibration checks that file declares with the
# functions of tests/cosim/AsimCosim.cmake. Adding a block is this one call, its folders and
# one line of sim/block/registry.c.
function(asim_block name)
  file(GLOB sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/sim/${name}/*.c)
  target_sources(asim PRIVATE ${sources})
  set_property(GLOBAL APPEND PROPERTY ASIM_BLOCKS ${name})
endfunction()
