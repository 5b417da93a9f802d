// The real bytecode of the puzzles' functions: one dis.get_instructions() dump per Python version,
// either made by the student's python3 (run once per interpreter, cached) or shipped with the app
// (core/sched/data/bytecode-3.XX.json, made by the real CPython 3.11.7, 3.12.1 and 3.13.0).
#pragma once

#include "json.h"

#include <map>
#include <string>
#include <vector>

namespace clab::sched {

struct Instruction {
    int offset = 0;
    std::string opname;
    int arg = -1;         // -1: the instruction takes no argument
    Json argval;          // dis's resolved argument: a name, a constant, a jump target ...
    std::string argrepr;  // dis's text for it ("counter", "+=", "to 82")
    int line = 0;         // source line, 0 when dis gives none
    int jump_target = -1; // offset, for jumps
    bool is_jump_target = false;
};

struct Function {
    std::string name;
    int argcount = 0;
    std::vector<std::string> varnames;
    bool is_coroutine = false;
    std::vector<Instruction> code;
    // Index of the instruction at `offset`, -1 if none.
    int index_of(int offset) const;
};

struct Program {
    std::vector<Function> functions;
    const Function* find(const std::string& name) const;
    int index_of(const std::string& name) const;
};

struct Bytecode {
    std::string python;                      // "3.11.7"
    int minor = 0;                           // 11, 12, 13
    std::string origin;                      // where it came from, for the window and the CLI
    std::map<std::string, Program> programs; // by puzzle id
};

// The versions the interpreter models (3.11, 3.12, 3.13): their shipped dumps are in the binary.
std::vector<int> shipped_minors();
bool shipped_bytecode(int minor, Bytecode& out, std::string& error);

// Runs `python` (a path, or a name looked up in PATH) once to dump the bytecode of every puzzle and
// caches the answer in $XDG_CACHE_HOME/concurrency-lab/ (mode 0700), keyed by the interpreter's
// path, size and modification time. Fails (false, `error`) when python cannot run or is a version
// the interpreter does not model.
bool python_bytecode(const std::string& python, Bytecode& out, std::string& error);

// python_bytecode, else the shipped dump of `fallback_minor` with a note in `origin` saying why.
Bytecode load_bytecode(const std::string& python, int fallback_minor = 11);

// Parses a dump made by data/dump_bytecode.py.
bool parse_bytecode(const std::string& json_text, Bytecode& out, std::string& error);

} // namespace clab::sched
