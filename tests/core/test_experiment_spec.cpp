// Spec names round-trip (they are the command line's and the lesson files' vocabulary) and
// validation catches out-of-range values with a readable sentence.
#include "core/experiment/spec.h"

#include <gtest/gtest.h>

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
