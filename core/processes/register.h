#pragma once
namespace clab {
void register_process_engines(); // EngineKind::Processes, ProcessPool
}
