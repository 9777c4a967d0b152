# Functions a block's tests/cosim/<block>/CMakeLists.txt uses to declare its RTL checks.
# Every Verilated configuration of a block goes into ONE static library v<block>, so the
# Verilator runtime is compiled once per block; the generated model code is compiled at -O0
# and only top-level ports are traced (build time dominates: 10^5 cycles run in seconds even
# so, and the VCD diff is on ports).

include(${CMAKE_CURRENT_LIST_DIR}/../AsimMutant.cmake)

# asim_cosim_config(BLOCK b NAME n PREFIX P TOP module TB testbench.cpp RTL files...
#                   VPARAMS -G... DEFS macros... [ARGS test args...] [STEP_SOURCE mutated.c]
#                   [TEST_NAME name] [PASS_REGEX re]):
# Verilates RTL with VPARAMS as class V<b>_<n> (into v<b>), builds the lockstep testbench with
# DEFS plus P_VCLASS, P_VHEADER and P_NAME, and adds the ctest cosim.<b>.<n>. STEP_SOURCE
# links a mutated step model ahead of the library's; PASS_REGEX makes the test pass only on
# that output (a mutant must be caught).
function(asim_cosim_config)
  cmake_parse_arguments(C "" "BLOCK;NAME;PREFIX;TOP;TB;STEP_SOURCE;TEST_NAME;PASS_REGEX;VCLASS"
    "RTL;VPARAMS;DEFS;ARGS" ${ARGN})
  set(lib v${C_BLOCK})
  if(NOT TARGET ${lib})
    add_library(${lib} STATIC)
    target_compile_definitions(${lib} INTERFACE VM_TRACE=1 VM_TRACE_VCD=1)
    target_compile_options(${lib} PUBLIC -Wno-unused-parameter)  # Verilator's headers
    target_compile_options(${lib} PRIVATE -Wno-unused-variable)  # its port-only trace code
  endif()
  set(vclass V${C_BLOCK}_${C_NAME})
  if(C_VCLASS)
    set(vclass ${C_VCLASS})  # an existing configuration's model, e.g. for a C mutant
  else()
    verilate(${lib} TRACE PREFIX ${vclass} TOP_MODULE ${C_TOP}
      SOURCES ${C_RTL} OPT_FAST -O0 OPT_SLOW -O0 OPT_GLOBAL -O1
      VERILATOR_ARGS -Wall --trace-depth 1 ${C_VPARAMS})
  endif()
  set(exe cosim_${C_BLOCK}_${C_NAME})
  set(extra)
  if(C_STEP_SOURCE)
    add_library(${exe}_step OBJECT ${C_STEP_SOURCE})
    target_link_libraries(${exe}_step PRIVATE asim_internal)
    set(extra $<TARGET_OBJECTS:${exe}_step>)
  endif()
  add_executable(${exe} ${C_TB} ${extra})
  target_compile_definitions(${exe} PRIVATE ${C_DEFS} ${C_PREFIX}_VCLASS=${vclass}
    ${C_PREFIX}_VHEADER="${vclass}.h" ${C_PREFIX}_NAME="${C_BLOCK}_${C_NAME}")
  target_link_libraries(${exe} PRIVATE ${lib} cosim_harness asim_internal)
  if(NOT C_TEST_NAME)
    set(C_TEST_NAME cosim.${C_BLOCK}.${C_NAME})
  endif()
  add_test(NAME ${C_TEST_NAME}
    COMMAND ${exe} --vcd-dir ${CMAKE_CURRENT_BINARY_DIR} ${C_ARGS})
  if(C_PASS_REGEX)
    set_tests_properties(${C_TEST_NAME} PROPERTIES PASS_REGULAR_EXPRESSION "${C_PASS_REGEX}")
  endif()
endfunction()

# asim_cosim_step_mutant(BLOCK b NAME n PREFIX P TB tb.cpp OF config DEFS ... SOURCE step.c
#                        FROM text TO text): the testbench of configuration `config` with a
# step model mutated by asim_mutant_source; the test passes only if the cosim reports the
# mismatch.
function(asim_cosim_step_mutant)
  cmake_parse_arguments(M "" "BLOCK;NAME;PREFIX;TB;OF;SOURCE;FROM;TO" "DEFS" ${ARGN})
  asim_mutant_source(OUT mutated SOURCE ${M_SOURCE} FROM "${M_FROM}" TO "${M_TO}"
    NAME ${M_BLOCK}_${M_NAME})
  asim_cosim_config(BLOCK ${M_BLOCK} NAME mutant_${M_NAME} PREFIX ${M_PREFIX} TB ${M_TB}
    VCLASS V${M_BLOCK}_${M_OF} DEFS ${M_DEFS} STEP_SOURCE ${mutated} ARGS --cycles 20000
    PASS_REGEX "cosim: MISMATCH at cycle [0-9]+ port ")
endfunction()

# asim_cosim_rtl_mutant(BLOCK b NAME n PREFIX P TOP module TB tb.cpp RTL files... VPARAMS ...
#                       DEFS ... SOURCE file.v FROM text TO text): configuration `n` built from
# the RTL list with `file.v` replaced by its asim_mutant_source copy; the test passes only if
# the cosim reports a mismatch against the (unmutated) step model.
function(asim_cosim_rtl_mutant)
  cmake_parse_arguments(M "" "BLOCK;NAME;PREFIX;TOP;TB;SOURCE;FROM;TO" "RTL;VPARAMS;DEFS"
    ${ARGN})
  asim_mutant_source(OUT mutated SOURCE ${M_SOURCE} FROM "${M_FROM}" TO "${M_TO}"
    NAME ${M_BLOCK}_rtl_${M_NAME})
  list(TRANSFORM M_RTL REPLACE "^${M_SOURCE}$" "${mutated}")
  asim_cosim_config(BLOCK ${M_BLOCK} NAME rtl_mutant_${M_NAME} PREFIX ${M_PREFIX} TOP ${M_TOP}
    TB ${M_TB} RTL ${M_RTL} VPARAMS ${M_VPARAMS} DEFS ${M_DEFS}
    ARGS --seeds 1 --cycles 20000 PASS_REGEX "cosim: MISMATCH at cycle [0-9]+ port ")
endfunction()

# asim_cosim_dead_stimulus(BLOCK b OF config): proves that a dead stimulus cannot pass:
# configuration `config` with every *_valid input held low must trip the hang guard
# (cosim.<b>.dead_hang) and, with the guard off, the minimum-activity check
# (cosim.<b>.dead_activity).
function(asim_cosim_dead_stimulus)
  cmake_parse_arguments(D "" "BLOCK;OF" "" ${ARGN})
  set(exe cosim_${D_BLOCK}_${D_OF})
  add_test(NAME cosim.${D_BLOCK}.dead_hang
    COMMAND ${exe} --dead --seeds 1 --cycles 20000 --vcd-dir ${CMAKE_CURRENT_BINARY_DIR})
  set_tests_properties(cosim.${D_BLOCK}.dead_hang PROPERTIES
    PASS_REGULAR_EXPRESSION "cosim: cycle [0-9]+: no handshake for [0-9]+ cycles \\(hang\\)")
  add_test(NAME cosim.${D_BLOCK}.dead_activity
    COMMAND ${exe} --dead --seeds 1 --cycles 20000 --hang-limit 0)
  set_tests_properties(cosim.${D_BLOCK}.dead_activity PROPERTIES
    PASS_REGULAR_EXPRESSION "cosim: too little activity: 0 jobs checked")
endfunction()

# asim_cosim_bench(BLOCK b TOP module RTL files... VPARAMS -G... SOURCE bench.cpp): the speed
# bench bench_<b>, built on demand only (ninja bench_<b>), with Verilator's default -Os.
function(asim_cosim_bench)
  cmake_parse_arguments(B "" "BLOCK;TOP;SOURCE" "RTL;VPARAMS" ${ARGN})
  add_executable(bench_${B_BLOCK} EXCLUDE_FROM_ALL ${B_SOURCE})
  verilate(bench_${B_BLOCK} PREFIX Vbench_${B_BLOCK} TOP_MODULE ${B_TOP}
    SOURCES ${B_RTL} VERILATOR_ARGS -Wall ${B_VPARAMS})
  target_compile_options(bench_${B_BLOCK} PRIVATE -Wno-unused-parameter)
  target_link_libraries(bench_${B_BLOCK} PRIVATE asim_internal)
endfunction()

# asim_calibration_check(BLOCK b NAME n ARGS point...): the block's resource calibration cannot
# rot: tools/calibrate.sh b resynthesizes one point with Yosys (as rtl/b/calibration.sh says)
# and requires the committed traces/calibration/<b>_yosys.csv row.
function(asim_calibration_check)
  cmake_parse_arguments(K "" "BLOCK;NAME" "ARGS" ${ARGN})
  add_test(NAME resource.${K_BLOCK}.yosys_${K_NAME}
    COMMAND sh ${ASIM_ROOT}/tools/calibrate.sh ${K_BLOCK} --check ${K_ARGS})
  set_tests_properties(resource.${K_BLOCK}.yosys_${K_NAME} PROPERTIES TIMEOUT 1200)
endfunction()

# asim_fmax_check(BLOCK b NAME n ARGS point...): the block's Fmax estimate cannot rot:
# tools/fmax_estimate.sh resynthesizes one point with Yosys, reruns its static timing and
# requires the committed traces/calibration/<b>_fmax.csv row (docs/fmax.md).
function(asim_fmax_check)
  cmake_parse_arguments(K "" "BLOCK;NAME" "ARGS" ${ARGN})
  add_test(NAME fmax.${K_BLOCK}.yosys_${K_NAME}
    COMMAND sh ${ASIM_ROOT}/tools/fmax_estimate.sh --check ${K_BLOCK} ${K_ARGS})
  set_tests_properties(fmax.${K_BLOCK}.yosys_${K_NAME} PROPERTIES TIMEOUT 1200)
endfunction()
