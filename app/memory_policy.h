// How this program's heap gives memory back (issue 19). glibc's defaults suit short programs, not a
// GUI that runs engine after engine for hours: a freed block of 128 KiB and more raises the mmap
// threshold to its size (up to 32 MiB), so every later buffer that size - the recorder's event
// chunks, the drained trace, the timelines' stores - comes from a malloc arena instead of its own
// mapping, and arenas keep what is freed (the trim threshold rises with it, up to 64 MiB each, and
// malloc_trim cannot shrink the top of an engine thread's arena). A long random session kept 185 MB
// above its start that way, 26 MB of it in use (benchmarks/reports/memory-rss-session.md).
#pragma once

namespace clab {

// Sets the policy, once, at the start of main (before any engine thread): buffers of 1 MiB and
// more are mapped on their own and unmapped when freed, and an arena's free top is given back above
// 1 MiB. Together with the malloc_trim after each run (gui/run_controller.cpp) and after a run or a
// window is dropped (plots/memory_release.h), what a run allocated goes back to the system when it
// is freed. No-op outside glibc.
void apply_malloc_policy();

// Qt's own caches that grow with use, bounded for a session of hours; once the QApplication exists
// (main, and the tests that stand in for it). The style's and icons' pixmap cache (QPixmapCache) is
// capped at kPixmapCacheKb: at Qt's default of 10 MiB a random session of 2000 actions filled it
// with Fusion's frame, button and slider pixmaps, one per size a widget was ever drawn at (11.4 MB
// live at the end, heaptrack, issue 19); what it drops is redrawn when next needed.
constexpr int kPixmapCacheKb = 2048;
void apply_gui_memory_policy();

} // namespace clab
