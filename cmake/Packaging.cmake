# `make package` (cpack in the build folder) builds concurrency-lab_<version>_<arch>.deb with CPack's DEB
# generator. The package holds exactly what the install() rules install, under /usr:
#   app/CMakeLists.txt        the binary, bin/concurrency-lab
#   CMakeLists.txt            the course, share/concurrency-lab/lessons (found relative to the binary)
#   resources/CMakeLists.txt  .desktop file, AppStream metainfo, hicolor icons, man page
# Hook for the Python tracer (core/python/tracer, engine `python`): its own install() rule is all it
# needs; every install() rule of the project lands in the package (no components). Install it under
# ${CMAKE_INSTALL_DATADIR}/concurrency-lab/ so the binary finds it relative to itself, like the lessons,
# and add its path to the list tests/package/package_test.sh checks.
# tests/package checks the result (contents, Depends, a run from the extracted files alone).

# `make install`, `make package` (Makefile) and ctest all run after a full build, so installing need not
# walk every target again first (here that walk alone took 90 s of the package test under load).
# `cmake --build build --target package` still builds everything first.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME concurrency-lab)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "The Concurrency Lab authors")
# Debian wants "Name <address>" here: whoever publishes the package sets it.
set(CLAB_PACKAGE_MAINTAINER "Concurrency Lab <concurrency-lab@localhost>"
    CACHE STRING "The Maintainer field of the .deb")
set(CPACK_PACKAGE_CONTACT "${CLAB_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON) # a RelWithDebInfo build; the package ships no debug info
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # concurrency-lab_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION education)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/concurrency-lab/concurrency-lab")
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
# The first line is the short description; the rest is the long one (CPack indents it for control).
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "Learn Python concurrency by running it
A desktop course that puts a lesson next to a live lab: real OS threads under a
GIL that follows CPython's algorithm, real processes talking over pipes, and a
real asyncio-like event loop. Every run is recorded and drawn as it happens, so
students see why CPU-bound threads do not speed up, why processes do, and why
I/O-bound threads and asyncio do.")
# Depends: the shared libraries' packages come from dpkg-shlibdeps (Qt 6 Widgets/Gui/Core,
# Svg, QCustomPlot, libstdc++, libgcc, libc), with the versions their symbols need. python3 is run, not
# linked: calibration times a CPython loop, and the lessons' Python engine runs students' programs.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "python3")
# Lesson 22's snippets, which students run themselves, use aiohttp; the app itself does not.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "python3-aiohttp")

include(CPack)
