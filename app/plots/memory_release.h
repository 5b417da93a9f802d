// Gives freed heap memory back to the system soon after a large part of a session's data went
// (a run left the history, a large timeline was dropped, a timeline view was destroyed: a replay or
// compare window closed). glibc keeps freed pages mapped unless asked; RunController trims at each
// run's end, but what is freed between runs stayed resident until the next one (47 MB in a random
// session, issue 19).
#pragma once

namespace clab::plots {

// GUI thread: one malloc_trim(0) shortly after the last call (calls in a burst trim once). No-op
// without a running Qt application or outside glibc.
void release_freed_memory_soon();

} // namespace clab::plots
