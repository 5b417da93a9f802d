#include "register.h"

#include "python_engine.h"

namespace clab {

void register_python_engine() {
    register_engine(EngineKind::Python, [] { return std::make_unique<py::PythonEngine>(); });
}

} // namespace clab
