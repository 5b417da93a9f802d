# Warnings for our own targets only (system headers such as Qt's stay quiet).
function(clab_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
endfunction()
