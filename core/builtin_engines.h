// Registers every engine built into core/ with the experiment registry. Call once at start-up
// (the app's main and the test mains do); calling it again is harmless.
#pragma once

namespace clab {
void register_builtin_engines();
}
