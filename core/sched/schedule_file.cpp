#include "schedule_file.h"

#include "json.h"

namespace clab::sched {

std::string schedule_to_json(const ScheduleFile& f) {
    std::string out = "{\n  \"format\": \"concurrency-lab schedule\",\n  \"version\": 1,\n";
    out += "  \"puzzle\": " + json_quote(f.puzzle) + ",\n";
    out += "  \"python\": \"3." + std::to_string(f.minor) + "\",\n";
    out += "  \"rule\": " + json_quote(rule_name(f.rule)) + ",\n  \"steps\": [";
    for (size_t i = 0; i < f.steps.size(); ++i)
        out += (i ? ", " : "") + std::to_string(f.steps[i] + 1);
    return out + "]\n}\n";
}

bool schedule_from_json(const std::string& text, ScheduleFile& out, std::string& error) {
    Json root;
    if (!parse_json(text, root, error)) return false;
    if (root["format"].as_string() != "concurrency-lab schedule")
        return error = "not a concurrency-lab schedule", false;
    if (root["version"].as_int() != 1) return error = "unknown schedule version", false;
    out = ScheduleFile{};
    out.puzzle = root["puzzle"].as_string();
    if (!find_puzzle(out.puzzle)) return error = "unknown puzzle '" + out.puzzle + "'", false;
    if (!parse_rule(root["rule"].as_string(), out.rule))
        return error = "unknown rule '" + root["rule"].as_string() + "'", false;
    const std::string python = root["python"].as_string();
    if (python.rfind("3.", 0) != 0) return error = "no python version", false;
    out.minor = std::atoi(python.c_str() + 2);
    for (const Json& s : root["steps"].array) {
        if (!s.is_number() || s.as_int() < 1) return error = "steps are worker numbers from 1", false;
        out.steps.push_back(int(s.as_int()) - 1);
    }
    return true;
}

} // namespace clab::sched
