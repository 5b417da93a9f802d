#include "machine.h"

#include <cmath>
#include <cstring>

namespace clab::sched {

namespace {

Value make(Value::Kind k, int64_t a = 0, int64_t b = 0) {
    return Value{k, a, b};
}

bool truthy(const Value& v) {
    switch (v.kind) {
    case Value::Kind::None:
        return false;
    case Value::Kind::Bool:
    case Value::Kind::Int:
        return v.a != 0;
    default:
        return true;
    }
}

bool starts_with(const std::string& s, const char* prefix) {
    return s.rfind(prefix, 0) == 0;
}

void put(std::string& out, const void* p, size_t n) {
    out.append(static_cast<const char*>(p), n);
}

void put_value(std::string& out, const Value& v) {
    out += char(v.kind);
    put(out, &v.a, sizeof v.a);
    put(out, &v.b, sizeof v.b);
}

} // namespace

std::string State::key() const {
    std::string out;
    out.reserve(256);
    put(out, &current, sizeof current);
    for (const int o : lock_owner)
        put(out, &o, sizeof o);
    for (const Value& v : globals)
        put_value(out, v);
    for (const WorkerState& w : workers) {
        out += char(w.breaker) + 2 * char(w.yielded) + 4 * char(w.passed);
        put(out, &w.waiting_lock, sizeof w.waiting_lock);
        put(out, &w.unwritten_reads, sizeof w.unwritten_reads);
        const uint16_t depth = uint16_t(w.frames.size());
        put(out, &depth, sizeof depth);
        for (const Frame& f : w.frames) {
            put(out, &f.function, sizeof f.function);
            put(out, &f.pc, sizeof f.pc);
            const uint16_t n = uint16_t(f.stack.size());
            put(out, &n, sizeof n);
            for (const Value& v : f.locals)
                put_value(out, v);
            for (const Value& v : f.stack)
                put_value(out, v);
        }
    }
    return out;
}

Machine::Machine(const Puzzle& puzzle, const Program& program, int minor, Rule rule)
    : puzzle_(puzzle)
    , program_(program)
    , minor_(minor)
    , rule_(rule) {
    if (minor < 11 || minor > 13) {
        error_ =
            "the scheduler models the bytecode of Python 3.11, 3.12 and 3.13, not 3." + std::to_string(minor);
        return;
    }
    if (puzzle.tasks && rule != Rule::Await) {
        error_ = "asyncio tasks switch only where they await: use the rule 'await'";
        return;
    }
    if (!puzzle.tasks && rule == Rule::Await) {
        error_ = "threads are switched by the interpreter, not at awaits: use the rule 'gil' or 'any'";
        return;
    }
    for (const auto& [name, init] : puzzle.globals.object) {
        Value v;
        if (init.is_number()) {
            v = make(Value::Kind::Int, init.as_int());
        } else if (init.has("builtin") && init["builtin"].as_string() == "range") {
            v = make(Value::Kind::Builtin, Value::BuiltinRange);
        } else if (init.has("function")) {
            const int f = program.index_of(init["function"].as_string());
            if (f < 0) {
                error_ =
                    "global " + name + ": no function " + init["function"].as_string() + " in the bytecode";
                return;
            }
            v = make(Value::Kind::Function, f);
        } else if (init.has("module") && init["module"].as_string() == "time") {
            v = make(Value::Kind::Module, Value::ModuleTime);
        } else if (init.has("module") && init["module"].as_string() == "asyncio") {
            v = make(Value::Kind::Module, Value::ModuleAsyncio);
        } else if (init.has("lock")) {
            v = make(Value::Kind::Lock, int64_t(lock_names_.size()));
            lock_names_.push_back(name);
            lock_async_.push_back(init["lock"].as_string() == "asyncio.Lock");
        } else {
            error_ = "global " + name + ": an initial value the scheduler does not model";
            return;
        }
        global_names_.push_back(name);
        initial_globals_.push_back(v);
    }
    for (const std::string& name : puzzle.shared)
        shared_globals_.push_back(global_index(name));
    for (const Worker& w : puzzle.workers) {
        const int f = program.index_of(w.function);
        if (f < 0) {
            error_ = w.name + ": no function " + w.function + " in the bytecode";
            return;
        }
        if (program.functions[size_t(f)].is_coroutine != puzzle.tasks) {
            error_ = w.name + ": " + w.function + (puzzle.tasks ? " is not a coroutine" : " is a coroutine");
            return;
        }
        std::vector<Value> args;
        for (const Json& a : w.args) {
            if (a.is_number()) {
                args.push_back(make(Value::Kind::Int, a.as_int()));
            } else if (const int g = global_index(a["global"].as_string()); g >= 0) {
                args.push_back(initial_globals_[size_t(g)]);
            } else {
                error_ = w.name + ": an argument the scheduler does not model";
                return;
            }
        }
        if (int(args.size()) != program.functions[size_t(f)].argcount) {
            error_ = w.name + ": " + w.function + " takes " +
                     std::to_string(program.functions[size_t(f)].argcount) + " arguments";
            return;
        }
        entry_.push_back(f);
        entry_args_.push_back(args);
    }
}

int Machine::global_index(const std::string& name) const {
    for (size_t i = 0; i < global_names_.size(); ++i)
        if (global_names_[i] == name) return int(i);
    return -1;
}

int Machine::shared_bit(int global) const {
    for (size_t i = 0; i < shared_globals_.size(); ++i)
        if (shared_globals_[i] == global) return int(i);
    return -1;
}

State Machine::initial() const {
    State s;
    s.globals = initial_globals_;
    s.lock_owner.assign(lock_names_.size(), -1);
    for (size_t w = 0; w < entry_.size(); ++w) {
        WorkerState ws;
        Frame f;
        f.function = entry_[w];
        const Function& fn = program_.functions[size_t(f.function)];
        f.locals.assign(fn.varnames.size(), Value{});
        for (size_t i = 0; i < entry_args_[w].size(); ++i)
            f.locals[i] = entry_args_[w][i];
        ws.frames.push_back(std::move(f));
        s.workers.push_back(std::move(ws));
    }
    return s;
}

bool Machine::all_done(const State& s) const {
    for (size_t w = 0; w < s.workers.size(); ++w)
        if (!done(s, int(w))) return false;
    return true;
}

const Instruction* Machine::next_instruction(const State& s, int w) const {
    const WorkerState& ws = s.workers[size_t(w)];
    if (ws.frames.empty()) return nullptr;
    const Frame& f = ws.frames.back();
    const Function& fn = program_.functions[size_t(f.function)];
    return f.pc >= 0 && f.pc < int(fn.code.size()) ? &fn.code[size_t(f.pc)] : nullptr;
}

std::string Machine::blocked_reason(const State& s, int w) const {
    const WorkerState& ws = s.workers[size_t(w)];
    if (ws.frames.empty()) return "finished";
    auto held = [&](int lock) {
        const int owner = s.lock_owner[size_t(lock)];
        return "waits for " + lock_names_[size_t(lock)] + ", held by " +
               (owner == w ? std::string("itself") : puzzle_.workers[size_t(owner)].name);
    };
    if (ws.waiting_lock >= 0 && s.lock_owner[size_t(ws.waiting_lock)] >= 0) return held(ws.waiting_lock);
    const Instruction* ins = next_instruction(s, w);
    const Frame& f = ws.frames.back();
    if (ins && ins->opname == "BEFORE_WITH" && !f.stack.empty() && f.stack.back().kind == Value::Kind::Lock &&
        s.lock_owner[size_t(f.stack.back().a)] >= 0)
        return held(int(f.stack.back().a));
    return {};
}

bool Machine::runnable(const State& s, int w) const {
    return blocked_reason(s, w).empty();
}

bool Machine::at_switch_point(const State& s, int w) const {
    const WorkerState& ws = s.workers[size_t(w)];
    switch (rule_) {
    case Rule::Any:
        return true;
    case Rule::Gil:
        return ws.breaker;
    case Rule::Await:
        return ws.yielded;
    }
    return true;
}

bool Machine::allowed(const State& s, int w) const {
    if (!runnable(s, w)) return false;
    const int c = s.current;
    return c < 0 || c == w || !runnable(s, c) || at_switch_point(s, c);
}

std::vector<int> Machine::choices(const State& s) const {
    std::vector<int> out;
    for (size_t w = 0; w < s.workers.size(); ++w)
        if (allowed(s, int(w))) out.push_back(int(w));
    return out;
}

bool Machine::deadlocked(const State& s) const {
    if (all_done(s)) return false;
    for (size_t w = 0; w < s.workers.size(); ++w)
        if (runnable(s, int(w))) return false;
    return true;
}

bool Machine::goal_reached(const State& s) const {
    switch (puzzle_.goal) {
    case Goal::LostUpdate:
        if (!all_done(s)) return false;
        for (const auto& [name, expected] : puzzle_.expected) {
            const int g = global_index(name);
            if (g >= 0 && s.globals[size_t(g)].kind == Value::Kind::Int && s.globals[size_t(g)].a < expected)
                return true;
        }
        return false;
    case Goal::Deadlock:
        return deadlocked(s);
    case Goal::BothPass: {
        int passed = 0;
        for (const WorkerState& w : s.workers)
            passed += w.passed;
        return passed >= 2;
    }
    }
    return false;
}

std::string Machine::goal_text(const State& s) const {
    std::string out;
    switch (puzzle_.goal) {
    case Goal::LostUpdate:
        for (const auto& [name, expected] : puzzle_.expected) {
            const int g = global_index(name);
            if (g < 0) continue;
            out +=
                name + " = " + describe(s.globals[size_t(g)]) + ", " + std::to_string(expected) + " expected";
            if (!all_done(s))
                out += " (still running)";
            else if (goal_reached(s))
                out += ": " + std::to_string(expected - s.globals[size_t(g)].a) + " update(s) lost";
            else
                out += ": exact";
        }
        return out;
    case Goal::Deadlock:
        if (!deadlocked(s)) return all_done(s) ? "every thread finished: no deadlock" : "no deadlock (yet)";
        out = "deadlock:";
        for (size_t w = 0; w < s.workers.size(); ++w)
            if (!done(s, int(w)))
                out += " " + puzzle_.workers[w].name + " " + blocked_reason(s, int(w)) + ";";
        out.pop_back();
        return out;
    case Goal::BothPass: {
        int passed = 0;
        for (const WorkerState& w : s.workers)
            passed += w.passed;
        out = std::to_string(passed) + " task(s) past the check";
        for (const std::string& name : puzzle_.shared)
            if (const int g = global_index(name); g >= 0)
                out += ", " + name + " = " + describe(s.globals[size_t(g)]);
        if (passed >= 2) out += ": both passed";
        return out;
    }
    }
    return out;
}

std::string Machine::describe(const Value& v) const {
    switch (v.kind) {
    case Value::Kind::Null:
        return "NULL";
    case Value::Kind::None:
        return "None";
    case Value::Kind::Bool:
        return v.a ? "True" : "False";
    case Value::Kind::Int:
        return std::to_string(v.a);
    case Value::Kind::Float: {
        double d;
        std::memcpy(&d, &v.a, sizeof d);
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", d);
        return buf;
    }
    case Value::Kind::Function:
        return "<function " + program_.functions[size_t(v.a)].name + ">";
    case Value::Kind::Builtin:
        return v.a == Value::BuiltinRange       ? "<class range>"
               : v.a == Value::BuiltinTimeSleep ? "<built-in time.sleep>"
                                                : "<function asyncio.sleep>";
    case Value::Kind::Module:
        return v.a == Value::ModuleTime ? "<module time>" : "<module asyncio>";
    case Value::Kind::Lock:
        return "<" + lock_names_[size_t(v.a)] + ">";
    case Value::Kind::LockExit:
        return "<" + lock_names_[size_t(v.a)] + (lock_async_[size_t(v.a)] ? ".__aexit__>" : ".__exit__>");
    case Value::Kind::Range:
        return "range(" + std::to_string(v.a) + ")";
    case Value::Kind::RangeIter:
        return "<range_iterator " + std::to_string(v.a) + "/" + std::to_string(v.b) + ">";
    case Value::Kind::Awaitable:
        return v.a == Value::AwaitSleep     ? "<coroutine asyncio.sleep>"
               : v.a == Value::AwaitAcquire ? "<coroutine " + lock_names_[size_t(v.b)] + ".__aenter__>"
                                            : "<coroutine " + lock_names_[size_t(v.b)] + ".__aexit__>";
    }
    return "?";
}

std::string Machine::describe(const Instruction& ins) const {
    std::string out = ins.opname;
    if (!ins.argrepr.empty()) out += " " + ins.argrepr;
    return out;
}

bool Machine::may_check_eval_breaker(const Instruction& ins) const {
    const std::string& op = ins.opname;
    if (op == "RESUME") return ins.arg < 2;
    return op == "JUMP_BACKWARD" || starts_with(op, "POP_JUMP_BACKWARD_IF_") || op == "CALL";
}

bool Machine::call(State& s, int w, Frame& f, const Instruction& ins, std::string& error) const {
    const int n = ins.arg;
    auto& st = f.stack;
    if (int(st.size()) < n + 2) return error = "stack underflow at " + describe(ins), false;
    const Value below = st[st.size() - size_t(n) - 2]; // 3.11/3.12: method or NULL; 3.13: callable
    const Value above = st[st.size() - size_t(n) - 1]; // 3.11/3.12: callable or self; 3.13: self or NULL
    Value callable;
    std::vector<Value> args;
    bool with_self;
    if (minor_ <= 12) {
        with_self = below.kind != Value::Kind::Null;
        callable = with_self ? below : above;
    } else {
        with_self = above.kind != Value::Kind::Null;
        callable = below;
    }
    const size_t first = st.size() - size_t(n) - (with_self ? 1 : 0);
    args.assign(st.begin() + long(first), st.end());
    st.resize(st.size() - size_t(n) - 2);
    WorkerState& ws = s.workers[size_t(w)];
    ++f.pc;
    if (callable.kind == Value::Kind::Function) {
        const Function& fn = program_.functions[size_t(callable.a)];
        if (fn.is_coroutine)
            return error = "calling the coroutine function " + fn.name + " is not modelled", false;
        if (int(args.size()) != fn.argcount)
            return error = fn.name + "() takes " + std::to_string(fn.argcount) + " arguments", false;
        Frame callee;
        callee.function = int(callable.a);
        callee.locals.assign(fn.varnames.size(), Value{});
        for (size_t i = 0; i < args.size(); ++i)
            callee.locals[i] = args[i];
        ws.frames.push_back(std::move(callee)); // invalidates f
        ws.breaker = false; // a call of a Python function is inlined: the callee's RESUME checks
        return true;
    }
    Value result = make(Value::Kind::None);
    if (callable.kind == Value::Kind::Builtin && callable.a == Value::BuiltinRange) {
        if (args.size() != 1 || args[0].kind != Value::Kind::Int)
            return error = "range() with other than one int", false;
        result = make(Value::Kind::Range, args[0].a);
    } else if (callable.kind == Value::Kind::Builtin && callable.a == Value::BuiltinTimeSleep) {
        // Releases the GIL while it sleeps; no time is modelled, only the chance to switch.
    } else if (callable.kind == Value::Kind::Builtin && callable.a == Value::BuiltinAsyncioSleep) {
        result = make(Value::Kind::Awaitable, Value::AwaitSleep, 0);
    } else if (callable.kind == Value::Kind::LockExit && !lock_async_[size_t(callable.a)]) {
        if (s.lock_owner[size_t(callable.a)] != w)
            return error = "release of a lock this thread does not hold", false;
        s.lock_owner[size_t(callable.a)] = -1;
    } else if (callable.kind == Value::Kind::LockExit) {
        result = make(Value::Kind::Awaitable, Value::AwaitAExit, callable.a);
    } else {
        return error = "calling " + describe(callable) + " is outside what the scheduler models", false;
    }
    st.push_back(result);
    ws.breaker = true; // a call into C ends with CHECK_EVAL_BREAKER()
    return true;
}

// SEND: drive the awaitable one step. asyncio.sleep(0) yields once (a bare `yield` in
// asyncio's __sleep0) and then returns; an asyncio.Lock's __aenter__ returns at once when the lock
// is free, else yields (parks the task on a future) until it is; __aexit__ releases and returns.
bool Machine::send(State& s, int w, Frame& f, const Instruction& ins, std::string& error) const {
    auto& st = f.stack;
    if (st.size() < 2) return error = "stack underflow at SEND", false;
    st.pop_back(); // the value sent in: always None here
    Value& receiver = st.back();
    if (receiver.kind != Value::Kind::Awaitable)
        return error = "SEND to " + describe(receiver) + " is not modelled", false;
    WorkerState& ws = s.workers[size_t(w)];
    bool returns = false;
    if (receiver.a == Value::AwaitSleep) {
        returns = receiver.b == 1;
        receiver.b = 1;
    } else if (receiver.a == Value::AwaitAcquire) {
        const int lock = int(receiver.b);
        if (s.lock_owner[size_t(lock)] < 0) {
            s.lock_owner[size_t(lock)] = w;
            ws.waiting_lock = -1;
            returns = true;
        } else {
            ws.waiting_lock = lock;
        }
    } else {
        const int lock = int(receiver.b);
        if (s.lock_owner[size_t(lock)] != w)
            return error = "release of a lock this task does not hold", false;
        s.lock_owner[size_t(lock)] = -1;
        returns = true;
    }
    const Function& fn = program_.functions[size_t(f.function)];
    if (returns) {
        if (minor_ == 11)
            receiver = make(Value::Kind::None); // 3.11: the result replaces the receiver
        else
            st.push_back(make(Value::Kind::None)); // 3.12+: receiver, result; END_SEND drops the receiver
        const int target = fn.index_of(ins.jump_target);
        if (target < 0) return error = "SEND without a target", false;
        f.pc = target;
    } else {
        st.push_back(make(Value::Kind::None)); // the value yielded up to the Task
        ++f.pc;
    }
    return true;
}

bool Machine::step(State& s, int w, std::string& error) const {
    if (!allowed(s, w)) {
        error = puzzle_.workers[size_t(w)].name + " cannot run now";
        return false;
    }
    WorkerState& ws = s.workers[size_t(w)];
    Frame& f = ws.frames.back();
    const Function& fn = program_.functions[size_t(f.function)];
    if (f.pc < 0 || f.pc >= int(fn.code.size())) return error = "ran off the end of " + fn.name, false;
    const Instruction& ins = fn.code[size_t(f.pc)];
    const std::string& op = ins.opname;
    auto& st = f.stack;
    auto pop = [&]() {
        Value v = st.back();
        st.pop_back();
        return v;
    };
    auto need = [&](size_t n) {
        if (st.size() >= n) return true;
        error = "stack underflow at " + describe(ins) + " in " + fn.name;
        return false;
    };
    auto jump_to = [&](int offset) {
        const int i = fn.index_of(offset);
        if (i < 0) error = "no instruction at offset " + std::to_string(offset) + " in " + fn.name;
        f.pc = i;
        return i >= 0;
    };
    auto local = [&](const std::string& name) -> int {
        for (size_t i = 0; i < fn.varnames.size(); ++i)
            if (fn.varnames[i] == name) return int(i);
        return -1;
    };
    s.current = w;
    ws.breaker = false;
    ws.yielded = false;
    if (puzzle_.passed_line > 0 && ins.line == puzzle_.passed_line) ws.passed = true;

    if (op == "RESUME") {
        ws.breaker = ins.arg < 2; // CPython checks at function starts and after `yield`, not after await
        ++f.pc;
    } else if (op == "NOP" || op == "PRECALL" || op == "CACHE" || op == "EXTENDED_ARG" ||
               op == "GET_AWAITABLE") {
        if (op == "GET_AWAITABLE" && (!need(1) || st.back().kind != Value::Kind::Awaitable))
            return error.empty() ? (error = "await on " + describe(st.back()) + " is not modelled", false)
                                 : false;
        ++f.pc;
    } else if (op == "RETURN_GENERATOR") {
        // The coroutine object is made when the task is created; its first step starts here with
        // the value the Task sends in (None) on the stack, which the next POP_TOP drops.
        st.push_back(make(Value::Kind::None));
        ++f.pc;
    } else if (op == "POP_TOP") {
        if (!need(1)) return false;
        pop();
        ++f.pc;
    } else if (op == "PUSH_NULL") {
        st.push_back(Value{});
        ++f.pc;
    } else if (op == "COPY") {
        if (!need(size_t(ins.arg))) return false;
        st.push_back(st[st.size() - size_t(ins.arg)]);
        ++f.pc;
    } else if (op == "SWAP") {
        if (!need(size_t(ins.arg))) return false;
        std::swap(st.back(), st[st.size() - size_t(ins.arg)]);
        ++f.pc;
    } else if (op == "LOAD_CONST" || op == "RETURN_CONST") {
        Value v;
        const Json& c = ins.argval;
        if (c.is_null())
            v = make(Value::Kind::None);
        else if (c.type == Json::Type::Bool)
            v = make(Value::Kind::Bool, c.boolean);
        else if (c.is_number() && std::floor(c.number) == c.number)
            v = make(Value::Kind::Int, int64_t(c.number));
        else if (c.is_number()) {
            v.kind = Value::Kind::Float;
            std::memcpy(&v.a, &c.number, sizeof c.number);
        } else
            return error = "the constant " + ins.argrepr + " is outside what the scheduler models", false;
        st.push_back(v);
        ++f.pc;
        if (op == "RETURN_CONST") goto do_return;
    } else if (op == "LOAD_FAST" || op == "LOAD_FAST_CHECK" || op == "LOAD_FAST_LOAD_FAST") {
        std::vector<std::string> names;
        if (ins.argval.is_array())
            for (const Json& n : ins.argval.array)
                names.push_back(n.as_string());
        else
            names.push_back(ins.argval.as_string());
        for (const std::string& name : names) {
            const int i = local(name);
            if (i < 0 || f.locals[size_t(i)].kind == Value::Kind::Null)
                return error = "local " + name + " is unbound in " + fn.name, false;
            st.push_back(f.locals[size_t(i)]);
        }
        ++f.pc;
    } else if (op == "STORE_FAST" || op == "STORE_FAST_STORE_FAST" || op == "STORE_FAST_LOAD_FAST") {
        std::vector<std::string> names;
        if (ins.argval.is_array())
            for (const Json& n : ins.argval.array)
                names.push_back(n.as_string());
        else
            names.push_back(ins.argval.as_string());
        const size_t stores = op == "STORE_FAST_LOAD_FAST" ? 1 : names.size();
        for (size_t k = 0; k < names.size(); ++k) {
            const int i = local(names[k]);
            if (i < 0) return error = "no local " + names[k] + " in " + fn.name, false;
            if (k < stores) {
                if (!need(1)) return false;
                f.locals[size_t(i)] = pop();
            } else {
                st.push_back(f.locals[size_t(i)]);
            }
        }
        ++f.pc;
    } else if (op == "LOAD_GLOBAL") {
        const int g = global_index(ins.argval.as_string());
        if (g < 0)
            return error = "the global " + ins.argval.as_string() + " is not part of the puzzle", false;
        const bool null = ins.arg & 1;
        if (null && minor_ <= 12) st.push_back(Value{});
        st.push_back(s.globals[size_t(g)]);
        if (null && minor_ >= 13) st.push_back(Value{});
        if (const int bit = shared_bit(g); bit >= 0) ws.unwritten_reads |= 1u << bit;
        ++f.pc;
    } else if (op == "STORE_GLOBAL") {
        const int g = global_index(ins.argval.as_string());
        if (g < 0)
            return error = "the global " + ins.argval.as_string() + " is not part of the puzzle", false;
        if (!need(1)) return false;
        s.globals[size_t(g)] = pop();
        if (const int bit = shared_bit(g); bit >= 0) ws.unwritten_reads &= ~(1u << bit);
        ++f.pc;
    } else if (op == "LOAD_ATTR" || op == "LOAD_METHOD") {
        if (!need(1)) return false;
        const Value owner = pop();
        const std::string name = ins.argval.as_string();
        Value attr;
        if (owner.kind == Value::Kind::Module && owner.a == Value::ModuleTime && name == "sleep")
            attr = make(Value::Kind::Builtin, Value::BuiltinTimeSleep);
        else if (owner.kind == Value::Kind::Module && owner.a == Value::ModuleAsyncio && name == "sleep")
            attr = make(Value::Kind::Builtin, Value::BuiltinAsyncioSleep);
        else
            return error = "the attribute " + describe(owner) + "." + name +
                           " is outside what the scheduler models",
                   false;
        // A module's function is not a method: the NULL|self slot gets NULL.
        const bool method = op == "LOAD_METHOD" || (minor_ >= 12 && (ins.arg & 1));
        if (method && minor_ <= 12) st.push_back(Value{});
        st.push_back(attr);
        if (method && minor_ >= 13) st.push_back(Value{});
        ++f.pc;
    } else if (op == "BINARY_OP" || op == "BINARY_ADD" || op == "INPLACE_ADD" || op == "BINARY_SUBTRACT" ||
               op == "INPLACE_SUBTRACT") {
        if (!need(2)) return false;
        const Value r = pop(), l = pop();
        const std::string sym =
            op == "BINARY_OP" ? ins.argrepr : (op.find("ADD") != std::string::npos ? "+" : "-");
        if ((l.kind != Value::Kind::Int && l.kind != Value::Kind::Bool) ||
            (r.kind != Value::Kind::Int && r.kind != Value::Kind::Bool))
            return error =
                       describe(l) + " " + sym + " " + describe(r) + " is outside what the scheduler models",
                   false;
        if (sym == "+" || sym == "+=")
            st.push_back(make(Value::Kind::Int, l.a + r.a));
        else if (sym == "-" || sym == "-=")
            st.push_back(make(Value::Kind::Int, l.a - r.a));
        else
            return error = "the operator " + sym + " is outside what the scheduler models", false;
        ++f.pc;
    } else if (op == "COMPARE_OP") {
        if (!need(2)) return false;
        const Value r = pop(), l = pop();
        std::string sym = ins.argval.as_string();
        if (l.kind != Value::Kind::Int || r.kind != Value::Kind::Int)
            return error = "comparing " + describe(l) + " with " + describe(r) + " is not modelled", false;
        bool res;
        if (sym == "<")
            res = l.a < r.a;
        else if (sym == "<=")
            res = l.a <= r.a;
        else if (sym == ">")
            res = l.a > r.a;
        else if (sym == ">=")
            res = l.a >= r.a;
        else if (sym == "==")
            res = l.a == r.a;
        else if (sym == "!=")
            res = l.a != r.a;
        else
            return error = "the comparison " + sym + " is not modelled", false;
        st.push_back(make(Value::Kind::Bool, res));
        ++f.pc;
    } else if (op == "TO_BOOL") {
        if (!need(1)) return false;
        st.back() = make(Value::Kind::Bool, truthy(st.back()));
        ++f.pc;
    } else if (starts_with(op, "POP_JUMP_") &&
               (op.find("IF_FALSE") != std::string::npos || op.find("IF_TRUE") != std::string::npos)) {
        if (!need(1)) return false;
        const bool want = op.find("IF_TRUE") != std::string::npos;
        if (truthy(pop()) == want) {
            if (!jump_to(ins.jump_target)) return false;
        } else {
            ++f.pc;
        }
        ws.breaker = starts_with(op, "POP_JUMP_BACKWARD_IF_"); // 3.11's backward forms check
    } else if (op == "JUMP_FORWARD" || op == "JUMP_BACKWARD" || op == "JUMP_BACKWARD_NO_INTERRUPT") {
        if (!jump_to(ins.jump_target)) return false;
        ws.breaker = op == "JUMP_BACKWARD"; // the loop back-edge checks; NO_INTERRUPT does not
    } else if (op == "GET_ITER") {
        if (!need(1)) return false;
        if (st.back().kind != Value::Kind::Range)
            return error = "iterating over " + describe(st.back()) + " is not modelled", false;
        st.back() = make(Value::Kind::RangeIter, 0, st.back().a);
        ++f.pc;
    } else if (op == "FOR_ITER") {
        if (!need(1)) return false;
        Value& it = st.back();
        if (it.kind != Value::Kind::RangeIter) return error = "FOR_ITER over " + describe(it), false;
        if (it.a < it.b) {
            st.push_back(make(Value::Kind::Int, it.a++));
            ++f.pc;
        } else {
            // Exhausted: the iterator is popped. 3.12 skips the END_FOR at the target, and 3.13 the
            // END_FOR and POP_TOP there (those two only run on instrumented paths).
            st.pop_back();
            if (!jump_to(ins.jump_target)) return false;
            if (minor_ >= 12 && fn.code[size_t(f.pc)].opname == "END_FOR") {
                ++f.pc;
                if (minor_ >= 13 && f.pc < int(fn.code.size()) && fn.code[size_t(f.pc)].opname == "POP_TOP")
                    ++f.pc;
            }
        }
    } else if (op == "END_FOR") {
        if (!need(minor_ == 12 ? 2 : 1)) return false;
        st.resize(st.size() - (minor_ == 12 ? 2 : 1));
        ++f.pc;
    } else if (op == "PRECALL") {
        ++f.pc;
    } else if (op == "CALL") {
        return call(s, w, f, ins, error); // may push a frame: `f` is not used after this
    } else if (op == "BEFORE_WITH") {
        if (!need(1)) return false;
        const Value mgr = st.back();
        if (mgr.kind != Value::Kind::Lock || lock_async_[size_t(mgr.a)])
            return error = "with " + describe(mgr) + " is outside what the scheduler models", false;
        s.lock_owner[size_t(mgr.a)] = w; // runnable() made sure it is free
        st.back() = make(Value::Kind::LockExit, mgr.a);
        st.push_back(make(Value::Kind::Bool, 1)); // Lock.__enter__ returns True
        ++f.pc;
    } else if (op == "BEFORE_ASYNC_WITH") {
        if (!need(1)) return false;
        const Value mgr = st.back();
        if (mgr.kind != Value::Kind::Lock || !lock_async_[size_t(mgr.a)])
            return error = "async with " + describe(mgr) + " is outside what the scheduler models", false;
        st.back() = make(Value::Kind::LockExit, mgr.a);
        st.push_back(make(Value::Kind::Awaitable, Value::AwaitAcquire, mgr.a));
        ++f.pc;
    } else if (op == "SEND") {
        return send(s, w, f, ins, error);
    } else if (op == "YIELD_VALUE") {
        if (!need(1)) return false;
        pop();
        st.push_back(make(Value::Kind::None)); // what the Task sends when it resumes the coroutine
        ws.yielded = true;
        ++f.pc;
    } else if (op == "END_SEND") {
        if (!need(2)) return false;
        const Value v = pop();
        st.back() = v;
        ++f.pc;
    } else if (op == "RETURN_VALUE") {
        goto do_return;
    } else {
        return error = op + " (offset " + std::to_string(ins.offset) + " in " + fn.name +
                       ") is outside the instructions the scheduler models",
               false;
    }
    return true;

do_return : {
    if (!need(1)) return false;
    const Value result = pop();
    ws.frames.pop_back();
    if (!ws.frames.empty()) ws.frames.back().stack.push_back(result);
    return true;
}
}

} // namespace clab::sched
