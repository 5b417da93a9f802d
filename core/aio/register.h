#pragma once
namespace clab {
void register_asyncio_engine(); // EngineKind::Asyncio
}
