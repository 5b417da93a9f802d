# CLAB_SANITIZE=address -> ASan + UBSan; CLAB_SANITIZE=thread -> TSan. Applied to everything we build.
# UBSan's default set leaves out float-cast-overflow (a double too big for the integer it is cast
# to, as in a run file's or an option's seconds turned into nanoseconds): ask for it by name.
if(CLAB_SANITIZE STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined,float-cast-overflow)
  add_link_options(-fsanitize=address,undefined,float-cast-overflow)
elseif(CLAB_SANITIZE STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
elseif(NOT CLAB_SANITIZE STREQUAL "")
  message(FATAL_ERROR "CLAB_SANITIZE must be empty, 'address' or 'thread'")
endif()
