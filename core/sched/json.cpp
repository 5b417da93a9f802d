#include "json.h"

#include <cstdio>
#include <cstdlib>

namespace clab::sched {

namespace {

struct Parser {
    const std::string& s;
    size_t i = 0;
    std::string error;

    void skip() {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t'))
            ++i;
    }
    bool fail(const std::string& what) {
        if (error.empty()) error = what + " at character " + std::to_string(i);
        return false;
    }
    bool literal(const char* word) {
        size_t n = 0;
        while (word[n])
            ++n;
        if (s.compare(i, n, word) != 0) return fail("unexpected text");
        i += n;
        return true;
    }
    static void put_utf8(std::string& out, unsigned code) {
        if (code < 0x80) {
            out += char(code);
        } else if (code < 0x800) {
            out += char(0xC0 | (code >> 6));
            out += char(0x80 | (code & 0x3F));
        } else {
            out += char(0xE0 | (code >> 12));
            out += char(0x80 | ((code >> 6) & 0x3F));
            out += char(0x80 | (code & 0x3F));
        }
    }
    bool string(std::string& out) {
        if (s[i] != '"') return fail("expected a string");
        ++i;
        while (i < s.size() && s[i] != '"') {
            char c = s[i++];
            if (c != '\\') {
                out += c;
                continue;
            }
            if (i >= s.size()) return fail("unfinished escape");
            const char e = s[i++];
            switch (e) {
            case 'n':
                out += '\n';
                break;
            case 't':
                out += '\t';
                break;
            case 'r':
                out += '\r';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'u': {
                if (i + 4 > s.size()) return fail("bad \\u escape");
                put_utf8(out, unsigned(std::strtoul(s.substr(i, 4).c_str(), nullptr, 16)));
                i += 4;
                break;
            }
            default:
                out += e;
            }
        }
        if (i >= s.size()) return fail("unfinished string");
        ++i;
        return true;
    }
    bool value(Json& out, int depth) {
        if (depth > 64) return fail("nested too deeply");
        skip();
        if (i >= s.size()) return fail("unexpected end");
        const char c = s[i];
        if (c == '{') {
            out.type = Json::Type::Object;
            ++i;
            skip();
            if (i < s.size() && s[i] == '}') return ++i, true;
            for (;;) {
                skip();
                std::string key;
                if (i >= s.size() || !string(key)) return fail("expected a key");
                skip();
                if (i >= s.size() || s[i] != ':') return fail("expected ':'");
                ++i;
                if (!value(out.object[key], depth + 1)) return false;
                skip();
                if (i < s.size() && s[i] == ',') {
                    ++i;
                    continue;
                }
                if (i < s.size() && s[i] == '}') return ++i, true;
                return fail("expected ',' or '}'");
            }
        }
        if (c == '[') {
            out.type = Json::Type::Array;
            ++i;
            skip();
            if (i < s.size() && s[i] == ']') return ++i, true;
            for (;;) {
                out.array.emplace_back();
                if (!value(out.array.back(), depth + 1)) return false;
                skip();
                if (i < s.size() && s[i] == ',') {
                    ++i;
                    continue;
                }
                if (i < s.size() && s[i] == ']') return ++i, true;
                return fail("expected ',' or ']'");
            }
        }
        if (c == '"') {
            out.type = Json::Type::String;
            return string(out.string);
        }
        if (c == 't') return out.type = Json::Type::Bool, out.boolean = true, literal("true");
        if (c == 'f') return out.type = Json::Type::Bool, out.boolean = false, literal("false");
        if (c == 'n') return out.type = Json::Type::Null, literal("null");
        char* end = nullptr;
        const double number = std::strtod(s.c_str() + i, &end);
        if (end == s.c_str() + i) return fail("unexpected character");
        i = size_t(end - s.c_str());
        out.type = Json::Type::Number;
        out.number = number;
        return true;
    }
};

} // namespace

const Json& Json::operator[](const std::string& key) const {
    static const Json null;
    if (!is_object()) return null;
    const auto it = object.find(key);
    return it == object.end() ? null : it->second;
}

bool parse_json(const std::string& text, Json& out, std::string& error) {
    Parser p{text};
    out = Json{};
    if (!p.value(out, 0)) {
        error = p.error;
        return false;
    }
    p.skip();
    if (p.i != text.size()) {
        error = "trailing text at character " + std::to_string(p.i);
        return false;
    }
    return true;
}

std::string json_quote(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\r':
            out += "\\r";
            break;
        default:
            if ((unsigned char)c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += c;
            }
        }
    }
    return out + "\"";
}

} // namespace clab::sched
