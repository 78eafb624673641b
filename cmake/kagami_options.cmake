option(KAGAMI_BUILD_TESTS "Build the test suite" ${PROJECT_IS_TOP_LEVEL})
option(KAGAMI_BUILD_BENCH "Build the benchmarks" OFF)
option(KAGAMI_SANITIZE "Build with ASan and UBSan" OFF)
option(KAGAMI_FUZZ "Link fuzz targets with libFuzzer (clang only); otherwise with a replay main" OFF)
# mimalloc replaces malloc in the programs (not the library): GMime and the tree builders
# allocate many small objects, and the MIME stage runs ~20% faster with it. Sanitizers
# bring their own allocator, so it is off there.
option(KAGAMI_MIMALLOC "Link the programs with mimalloc" ON)
if(KAGAMI_SANITIZE OR KAGAMI_FUZZ)
  set(KAGAMI_MIMALLOC OFF)
endif()

set(KAGAMI_WARNINGS -Wall -Wextra -Wpedantic $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local> -Wno-missing-field-initializers)

if(KAGAMI_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
if(KAGAMI_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
