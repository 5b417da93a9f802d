// The first run after a cold calibration cache: python3 times the Python-speed calibration for
// seconds, and none of that may count in the run's wall time (Engine::prepare runs before the
// Runner starts its clock). The calibration is computed once per process, so the run happens in a
// fresh copy of this test program with an empty cache folder.
#include "core/experiment/runner.h"
#include "core/workload/calibration.h"

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <gtest/gtest.h>
#include <string>
#include <unistd.h>

using namespace clab;

namespace {

constexpr const char* kChildFlag = "CLAB_COLD_CALIBRATION_CHILD";

std::string this_program() {
    char path[PATH_MAX] = {};
    const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    return n > 0 ? std::string(path, size_t(n)) : std::string();
}

} // namespace

// The child's part: one short run with nothing cached; prints what it measured.
TEST(ColdCalibration, ChildRunsOneShortRun) {
    if (!std::getenv(kChildFlag)) GTEST_SKIP() << "runs only as the child of FirstRunsWallTimeLeavesItOut";
    ExperimentSpec s;
    s.engine = EngineKind::Threads;
    s.workload = WorkloadKind::Cpu;
    s.tasks = 2;
    s.iterations = 200'000;
    const int64_t t0 = now_ns();
    const Summary summary = Runner::run(s);
    const double elapsed_s = double(now_ns() - t0) * 1e-9;
    ASSERT_TRUE(summary.completed) << summary.error;
    std::printf("COLD %.6f %.6f %s\n", summary.wall_s, elapsed_s, calibration().source.c_str());
}

TEST(ColdCalibration, FirstRunsWallTimeLeavesItOut) {
    char dir[] = "/tmp/clab-cold-cache-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    const std::string command = "env -u CLAB_PYTHON_NS_PER_ITERATION XDG_CACHE_HOME=" + std::string(dir) +
                                " " + kChildFlag + "=1 '" + this_program() +
                                "' --gtest_filter=ColdCalibration.ChildRunsOneShortRun 2>&1";
    FILE* child = popen(command.c_str(), "r");
    ASSERT_NE(child, nullptr);
    std::string output;
    char line[512];
    double wall_s = -1, elapsed_s = -1;
    char source[256] = {};
    while (fgets(line, sizeof line, child)) {
        output += line;
        std::sscanf(line, "COLD %lf %lf %255[^\n]", &wall_s, &elapsed_s, source);
    }
    const int status = pclose(child);
    std::system(("rm -rf '" + std::string(dir) + "'").c_str());
    ASSERT_EQ(status, 0) << output;
    ASSERT_GT(wall_s, 0) << output;
    if (std::string(source) != "python3 (measured)")
        GTEST_SKIP() << "python3 did not calibrate here (" << source << "): nothing slow to leave out";
    // python3's timing runs take seconds, the run a few tens of milliseconds: the run's wall
    // time must be a small part of what the child spent in all.
    EXPECT_LT(wall_s / elapsed_s, 0.5) << "wall_s " << wall_s << " of " << elapsed_s << " s in all";
    RecordProperty("cold_wall_s", std::to_string(wall_s));
    RecordProperty("cold_elapsed_s", std::to_string(elapsed_s));
}
