// Spec names round-trip (they are the command line's and the lesson files' vocabulary) and
// validation catches out-of-range values with a readable sentence.
#include "core/experiment/spec.h"

#include <gtest/gtest.h>
#include <limits>

using namespace clab;

TEST(Spec, NamesRoundTrip) {
    for (auto kind : {EngineKind::Sequential, EngineKind::Threads, EngineKind::ThreadPool,
                      EngineKind::Processes, EngineKind::ProcessPool, EngineKind::Asyncio})
        EXPECT_EQ(parse_engine(to_string(kind)), kind);
    for (auto kind : {WorkloadKind::Cpu, WorkloadKind::Sleep, WorkloadKind::Net, WorkloadKind::Mixed,
                      WorkloadKind::Counter, WorkloadKind::Deadlock, WorkloadKind::Payload,
                      WorkloadKind::Blend, WorkloadKind::BlockLoop})
        EXPECT_EQ(parse_workload(to_string(kind)), kind);
    for (auto mode : {GilMode::On, GilMode::Off, GilMode::PerInterpreter})
        EXPECT_EQ(parse_gil(to_string(mode)), mode);
    for (auto method : {StartMethod::Fork, StartMethod::Spawn, StartMethod::Forkserver})
        EXPECT_EQ(parse_start_method(to_string(method)), method);
    EXPECT_EQ(parse_engine("thread-pool"), EngineKind::ThreadPool);
    EXPECT_FALSE(parse_engine("threadpool").has_value());
    EXPECT_FALSE(parse_workload("").has_value());
}

TEST(Spec, DefaultsAreValid) {
    EXPECT_FALSE(validate(ExperimentSpec{}).has_value());
}

TEST(Spec, OutOfRangeValuesAreNamed) {
    ExperimentSpec spec;
    spec.switch_interval_ms = 0.01;
    ASSERT_TRUE(validate(spec).has_value());
    EXPECT_NE(validate(spec)->find("switch_interval_ms"), std::string::npos);

    spec = {};
    spec.tasks = 0;
    ASSERT_TRUE(validate(spec).has_value());
    EXPECT_NE(validate(spec)->find("tasks"), std::string::npos);

    spec = {};
    spec.workload = WorkloadKind::Deadlock;
    spec.tasks = 1;
    EXPECT_TRUE(validate(spec).has_value());
}

TEST(Spec, BaselineRunsTheSameWorkOneAfterAnother) {
    ExperimentSpec spec;
    spec.engine = EngineKind::ProcessPool;
    spec.tasks = 8;
    spec.workers = 4;
    spec.iterations = 12345;
    const ExperimentSpec base = sequential_baseline(spec);
    EXPECT_EQ(base.engine, EngineKind::Sequential);
    EXPECT_EQ(base.tasks, 8);
    EXPECT_EQ(base.iterations, 12345);
    EXPECT_EQ(base.workers, 1);
}

// Issue 20.2 and 20.5: NaN passed every "< min" check and then acted as 0; a huge timeout
// overflowed the deadline. Every numeric field refuses NaN, infinities and absurd sizes.
TEST(Spec, NaNInfinityAndHugeValuesAreRefused) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    for (double ExperimentSpec::*field : {&ExperimentSpec::io_ms, &ExperimentSpec::switch_interval_ms,
                                          &ExperimentSpec::time_scale, &ExperimentSpec::timeout_s})
        for (const double bad : {nan, inf, -inf, 1e10, 1e308, 9223372036854775807.0}) {
            ExperimentSpec spec;
            spec.*field = bad;
            EXPECT_TRUE(validate(spec).has_value()) << bad;
        }
    ExperimentSpec spec;
    spec.timeout_s = 86'400; // a day is the longest time limit
    EXPECT_FALSE(validate(spec).has_value());
    spec.concurrency = 100'001;
    ASSERT_TRUE(validate(spec).has_value());
    EXPECT_NE(validate(spec)->find("concurrency must be between 0 (unlimited) and 100000"),
              std::string::npos);
}

// The command line reads its numbers against these ranges: each names its field, and validate()
// accepts both ends and refuses just past them.
TEST(Spec, FieldRangesMatchValidate) {
    for (const char* name :
         {"tasks", "workers", "iterations", "io_ms", "io_count", "switch_interval_ms", "chunksize",
          "payload_bytes", "concurrency", "cpu_percent", "cpus", "time_scale", "timeout_s", "crash_task"}) {
        const auto range = field_range(name);
        ASSERT_TRUE(range.has_value()) << name;
        EXPECT_EQ(range->name, name);
        EXPECT_LT(range->min, range->max);
        EXPECT_LT(range->max, 9007199254740992.0) << name; // exact in a double
    }
    EXPECT_FALSE(field_range("engine").has_value());
    EXPECT_EQ(describe_range(*field_range("workers")), "between 0 (default) and 1024");
    EXPECT_EQ(describe_range(*field_range("switch_interval_ms")), "between 0.1 and 100");
}
