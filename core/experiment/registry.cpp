#include "engine.h"

#include <map>
#include <mutex>

namespace clab {

namespace {
struct Registry {
    std::mutex mutex;
    std::map<EngineKind, EngineFactory> factories;
};
Registry& registry() {
    static Registry instance;
    return instance;
}
} // namespace

bool register_engine(EngineKind kind, EngineFactory factory) {
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    return r.factories.emplace(kind, std::move(factory)).second;
}

std::unique_ptr<Engine> make_engine(EngineKind kind) {
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    auto it = r.factories.find(kind);
    return it == r.factories.end() ? nullptr : it->second();
}

} // namespace clab
