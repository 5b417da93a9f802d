#pragma once
namespace clab {
void register_thread_engines(); // EngineKind::Sequential, Threads, ThreadPool
}
