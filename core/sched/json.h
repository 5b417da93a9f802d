// A small JSON reader and writer for the scheduler's data: shipped puzzles and bytecode, python3's
// dis dumps and saved schedules. Only what those need (no \u escapes beyond Latin-1 output).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace clab::sched {

struct Json {
    enum class Type { Null, Bool, Number, String, Array, Object };
    Type type = Type::Null;
    bool boolean = false;
    double number = 0;
    std::string string;
    std::vector<Json> array;
    std::map<std::string, Json> object;

    bool is_null() const { return type == Type::Null; }
    bool is_number() const { return type == Type::Number; }
    bool is_string() const { return type == Type::String; }
    bool is_array() const { return type == Type::Array; }
    bool is_object() const { return type == Type::Object; }
    // Member access that never throws: a missing key gives a null value.
    const Json& operator[](const std::string& key) const;
    bool has(const std::string& key) const { return is_object() && object.count(key) > 0; }
    long long as_int(long long fallback = 0) const { return is_number() ? (long long)number : fallback; }
    std::string as_string(const std::string& fallback = {}) const { return is_string() ? string : fallback; }
};

// Parses `text`; on failure returns false and says where in `error`.
bool parse_json(const std::string& text, Json& out, std::string& error);

// `text` as a JSON string literal, quotes included.
std::string json_quote(const std::string& text);

} // namespace clab::sched
