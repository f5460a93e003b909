# Arrow and Parquet C++ have no Debian package: floe takes the headers and shared libraries
# shipped in the pyarrow wheel of the project's virtualenv and wraps them in imported targets.
set(FLOE_VENV "${CMAKE_SOURCE_DIR}/.venv" CACHE PATH "virtualenv holding the pinned pyarrow wheel")
set(_floe_python "${FLOE_VENV}/bin/python")
# A Python package build (scikit-build-core) links the pyarrow of the interpreter it builds for.
if(DEFINED SKBUILD AND DEFINED Python_EXECUTABLE)
  set(_floe_python "${Python_EXECUTABLE}")
endif()
if(NOT EXISTS "${_floe_python}")
  message(FATAL_ERROR "No virtualenv at ${FLOE_VENV}: run scripts/setup.sh (or `make setup`) first")
endif()
execute_process(
  COMMAND "${_floe_python}" -c
    "import pyarrow as pa; print(pa.get_include()); print(pa.get_library_dirs()[0]); print(pa.__version__)"
  OUTPUT_VARIABLE _floe_pa OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE _floe_rc)
if(NOT _floe_rc EQUAL 0)
  message(FATAL_ERROR "pyarrow is not importable from ${_floe_python}")
endif()
string(REPLACE "\n" ";" _floe_pa "${_floe_pa}")
list(GET _floe_pa 0 ARROW_INCLUDE_DIR)
list(GET _floe_pa 1 ARROW_LIB_DIR)
list(GET _floe_pa 2 ARROW_VERSION)
# libarrow.so.2600 for pyarrow 26.0.x: the SO version is major * 100 + minor.
string(REGEX MATCH "^([0-9]+)\\.([0-9]+)" _ "${ARROW_VERSION}")
math(EXPR ARROW_SO_VERSION "${CMAKE_MATCH_1} * 100 + ${CMAKE_MATCH_2}")
message(STATUS "Arrow ${ARROW_VERSION} from ${ARROW_LIB_DIR}")

function(floe_arrow_target name lib)
  set(path "${ARROW_LIB_DIR}/lib${lib}.so.${ARROW_SO_VERSION}")
  if(NOT EXISTS "${path}")
    message(FATAL_ERROR "missing ${path}")
  endif()
  add_library(${name} SHARED IMPORTED GLOBAL)
  set_target_properties(${name} PROPERTIES
    IMPORTED_LOCATION "${path}"
    IMPORTED_SONAME "lib${lib}.so.${ARROW_SO_VERSION}"
    INTERFACE_INCLUDE_DIRECTORIES "${ARROW_INCLUDE_DIR}")
  # Arrow's headers are not ours to keep warning-free.
  set_target_properties(${name} PROPERTIES INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${ARROW_INCLUDE_DIR}")
endfunction()

floe_arrow_target(floe::arrow arrow)
floe_arrow_target(floe::arrow_compute arrow_compute)
floe_arrow_target(floe::parquet parquet)
# The S3 filesystem (and the AWS SDK for C++ it bundles) is its own library in the wheel.
floe_arrow_target(floe::arrow_s3 arrow_s3)
set_target_properties(floe::arrow_compute PROPERTIES INTERFACE_LINK_LIBRARIES floe::arrow)
set_target_properties(floe::parquet PROPERTIES INTERFACE_LINK_LIBRARIES floe::arrow)
set_target_properties(floe::arrow_s3 PROPERTIES INTERFACE_LINK_LIBRARIES floe::arrow)
set(CMAKE_BUILD_RPATH "${ARROW_LIB_DIR}")
set(CMAKE_INSTALL_RPATH "${ARROW_LIB_DIR}")
