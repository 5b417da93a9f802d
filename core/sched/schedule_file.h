// Saving and loading a schedule (the student's or the solver's) as JSON; format in README.md.
#pragma once

#include "puzzle.h"

#include <string>
#include <vector>

namespace clab::sched {

struct ScheduleFile {
    std::string puzzle; // puzzle id
    Rule rule = Rule::Gil;
    int minor = 11;         // the Python version whose bytecode the schedule steps through
    std::vector<int> steps; // worker index (0-based in memory, 1-based in the file) per instruction
};

std::string schedule_to_json(const ScheduleFile& file);
bool schedule_from_json(const std::string& text, ScheduleFile& out, std::string& error);

} // namespace clab::sched
