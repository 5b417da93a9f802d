# Compiles core/sched/data (puzzles, shipped bytecode, the dis dump script) into clab_sched, so the
# app finds them wherever it is installed. Re-runs when a data file changes.
set(sched_data_dir ${CMAKE_CURRENT_SOURCE_DIR}/sched/data)
set(sched_embedded_cpp ${CMAKE_CURRENT_BINARY_DIR}/sched_embedded_data.cpp)
set(sched_embedded_body "#include \"core/sched/embedded_data.h\"\nnamespace clab::sched::embedded {\n")
foreach(pair "puzzles_json=puzzles.json" "dump_bytecode_py=dump_bytecode.py" "bytecode_311_json=bytecode-3.11.json"
             "bytecode_312_json=bytecode-3.12.json" "bytecode_313_json=bytecode-3.13.json")
  string(REPLACE "=" ";" parts ${pair})
  list(GET parts 0 symbol)
  list(GET parts 1 file)
  file(READ ${sched_data_dir}/${file} content)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${sched_data_dir}/${file})
  string(APPEND sched_embedded_body "const char* const ${symbol} = R\"clabdata(${content})clabdata\";\n")
endforeach()
string(APPEND sched_embedded_body "} // namespace clab::sched::embedded\n")
file(CONFIGURE OUTPUT ${sched_embedded_cpp} CONTENT "${sched_embedded_body}" @ONLY)
target_sources(clab_sched PRIVATE ${sched_embedded_cpp})
