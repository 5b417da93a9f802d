#pragma once
namespace clab {
void register_python_engine(); // engine "python"
}
