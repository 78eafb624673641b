# kagami_stage(NAME DEPS ...): one static library per pipeline stage, from the .cc
# files of its folder. A stage links only the stages upstream of it.
function(kagami_stage name)
  cmake_parse_arguments(ARG "" "" "DEPS;DIRS" ${ARGN})
  set(sources)
  foreach(dir IN LISTS ARG_DIRS)
    file(GLOB_RECURSE found CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/*.cc)
    list(APPEND sources ${found})
  endforeach()
  if(NOT sources)
    # A stage still being written: keep the target so that the others build.
    file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/kagami_${name}_empty.cc "")
    set(sources ${CMAKE_CURRENT_BINARY_DIR}/kagami_${name}_empty.cc)
  endif()
  add_library(kagami_${name} STATIC ${sources})
  target_include_directories(kagami_${name} PUBLIC ${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(kagami_${name} PRIVATE ${KAGAMI_WARNINGS})
  target_link_libraries(kagami_${name} PUBLIC ${ARG_DEPS})
endfunction()

# kagami_tests(STAGE LIBS ...): tests/<stage>/*_test.cc as one GoogleTest program.
function(kagami_tests stage)
  cmake_parse_arguments(ARG "" "" "LIBS;LABELS" ${ARGN})
  file(GLOB found CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${stage}/*_test.cc)
  if(NOT found)
    return()
  endif()
  kagami_test_program(${stage}_tests SOURCES ${found} LIBS ${ARG_LIBS} LABELS ${ARG_LABELS})
endfunction()

# kagami_test_program(TARGET SOURCES ... LIBS ... LABELS ...): one GoogleTest program.
function(kagami_test_program target)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${target} ${ARG_SOURCES})
  target_compile_options(${target} PRIVATE ${KAGAMI_WARNINGS})
  target_compile_definitions(${target} PRIVATE
    KAGAMI_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    KAGAMI_CORPORA_DIR="${PROJECT_SOURCE_DIR}/../shared/corpora"
    KAGAMI_BINARY="$<TARGET_FILE:kagami>")
  target_link_libraries(${target} PRIVATE ${ARG_LIBS} kagami_test_support GTest::gtest GTest::gtest_main)
  gtest_discover_tests(${target} PROPERTIES LABELS "${ARG_LABELS}" DISCOVERY_TIMEOUT 60)
endfunction()

# kagami_program(TARGET): what every executable gets. With KAGAMI_MIMALLOC, mimalloc is
# the first needed library, so its malloc interposes for GMime and GLib too.
function(kagami_program target)
  target_compile_options(${target} PRIVATE ${KAGAMI_WARNINGS})
  if(KAGAMI_MIMALLOC)
    target_link_options(${target} PRIVATE -Wl,--no-as-needed)
    target_link_libraries(${target} PRIVATE mimalloc)
  endif()
endfunction()
