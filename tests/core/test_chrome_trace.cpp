// Chrome Trace Event export: the file is valid JSON in the object form Perfetto and
// chrome://tracing open, with metadata naming every lane, complete events for the segments,
// instant events for marks and counter events for core utilisation.
#include "core/experiment/runner.h"
#include "core/trace/chrome_trace.h"

#include <cstdio>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <memory>
#include <sstream>
#include <unistd.h>
#include <variant>
#include <vector>

using namespace clab;

namespace {

// A minimal JSON value and a strict recursive-descent parser: enough to validate structure.
struct Value {
    enum Type { Null, Bool, Number, String, Array, Object } type = Null;
    double number = 0;
    bool boolean = false;
    std::string string;
    std::vector<Value> array;
    std::map<std::string, Value> object;
    const Value* get(const std::string& key) const {
        const auto it = object.find(key);
        return it == object.end() ? nullptr : &it->second;
    }
};

class Parser {
public:
    explicit Parser(const std::string& text)
        : s_(text) {}
    bool parse(Value& out) {
        if (!value(out)) return false;
        ws();
        return i_ == s_.size();
    }

private:
    void ws() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r'))
            ++i_;
    }
    bool literal(const char* word) {
        const std::string w(word);
        if (s_.compare(i_, w.size(), w) != 0) return false;
        i_ += w.size();
        return true;
    }
    bool string(std::string& out) {
        if (s_[i_] != '"') return false;
        for (++i_; i_ < s_.size(); ++i_) {
            const char c = s_[i_];
            if (c == '"') {
                ++i_;
                return true;
            }
            if (static_cast<unsigned char>(c) < 0x20) return false;
            if (c == '\\') {
                if (++i_ >= s_.size()) return false;
                if (s_[i_] == 'u') {
                    if (i_ + 4 >= s_.size()) return false;
                    i_ += 4;
                } else if (std::string("\"\\/bfnrt").find(s_[i_]) == std::string::npos) {
                    return false;
                }
                out += '?';
                continue;
            }
            out += c;
        }
        return false;
    }
    bool value(Value& v) {
        ws();
        if (i_ >= s_.size()) return false;
        const char c = s_[i_];
        if (c == '{') {
            v.type = Value::Object;
            ++i_;
            ws();
            if (s_[i_] == '}') return ++i_, true;
            for (;;) {
                ws();
                std::string key;
                if (!string(key)) return false;
                ws();
                if (s_[i_++] != ':') return false;
                if (!value(v.object[key])) return false;
                ws();
                if (s_[i_] == ',') {
                    ++i_;
                    continue;
                }
                return s_[i_++] == '}';
            }
        }
        if (c == '[') {
            v.type = Value::Array;
            ++i_;
            ws();
            if (s_[i_] == ']') return ++i_, true;
            for (;;) {
                v.array.emplace_back();
                if (!value(v.array.back())) return false;
                ws();
                if (s_[i_] == ',') {
                    ++i_;
                    continue;
                }
                return s_[i_++] == ']';
            }
        }
        if (c == '"') {
            v.type = Value::String;
            return string(v.string);
        }
        if (literal("true")) return v.type = Value::Bool, v.boolean = true, true;
        if (literal("false")) return v.type = Value::Bool, true;
        if (literal("null")) return true;
        char* end = nullptr;
        v.number = std::strtod(s_.c_str() + i_, &end);
        if (end == s_.c_str() + i_) return false;
        v.type = Value::Number;
        i_ = size_t(end - s_.c_str());
        return true;
    }
    const std::string& s_;
    size_t i_ = 0;
};

} // namespace

TEST(ChromeTrace, ExportIsValidTraceEventJson) {
    ExperimentSpec s;
    s.engine = EngineKind::Threads;
    s.workload = WorkloadKind::Mixed;
    s.tasks = 2;
    s.iterations = 3'000'000;
    s.io_ms = 2;
    s.io_count = 5;
    s.timeout_s = 30;
    Trace trace;
    const Summary summary = Runner::run(s, &trace);
    ASSERT_TRUE(summary.completed) << summary.error;

    const std::string path = "/tmp/clab_chrome_trace_" + std::to_string(getpid()) + ".json";
    std::string error;
    ASSERT_TRUE(write_chrome_trace(trace, path, &error)) << error;
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    std::remove(path.c_str());

    Value root;
    ASSERT_TRUE(Parser(text.str()).parse(root)) << "not valid JSON";
    ASSERT_EQ(root.type, Value::Object);
    const Value* events = root.get("traceEvents");
    ASSERT_TRUE(events && events->type == Value::Array);

    std::map<std::string, int> phases;
    std::map<double, std::string> thread_names;
    for (const Value& e : events->array) {
        ASSERT_EQ(e.type, Value::Object);
        const Value* ph = e.get("ph");
        ASSERT_TRUE(ph && ph->type == Value::String);
        ASSERT_TRUE(e.get("pid") && e.get("pid")->type == Value::Number);
        ASSERT_TRUE(e.get("name") && e.get("name")->type == Value::String);
        ++phases[ph->string];
        if (ph->string == "M") {
            ASSERT_TRUE(e.get("args") && e.get("args")->type == Value::Object);
            if (e.get("name")->string == "thread_name" && e.get("pid")->number == 1)
                thread_names[e.get("tid")->number] = e.get("args")->get("name")->string;
        } else {
            ASSERT_TRUE(e.get("ts") && e.get("ts")->type == Value::Number);
            EXPECT_GE(e.get("ts")->number, -1.0);
            ASSERT_TRUE(e.get("tid") && e.get("tid")->type == Value::Number);
        }
        if (ph->string == "X") {
            ASSERT_TRUE(e.get("dur") && e.get("dur")->type == Value::Number);
            EXPECT_GE(e.get("dur")->number, 0.0);
        }
        if (ph->string == "i") {
            EXPECT_EQ(e.get("s")->string, "t");
        }
    }
    EXPECT_GT(phases["M"], 3);
    EXPECT_GT(phases["X"], 10);
    EXPECT_GT(phases["i"], 3);
    EXPECT_GT(phases["C"], 0);
    EXPECT_EQ(thread_names[0], "MainThread");
    bool has_thread = false;
    for (const auto& [tid, name] : thread_names)
        has_thread |= name == "Thread-1 (worker)";
    EXPECT_TRUE(has_thread);
}

TEST(ChromeTrace, UnwritablePathIsReported) {
    Trace trace;
    std::string error;
    EXPECT_FALSE(write_chrome_trace(trace, "/nonexistent-dir/x.json", &error));
    EXPECT_FALSE(error.empty());
}
