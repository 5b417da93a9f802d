// `concurrency-lab schedule solve …`: exit 0 with a schedule, 1 when none exists, 2 for bad usage.
// Uses the shipped bytecode (--bytecode) so the answers do not depend on this machine's python3.
#include "cli/schedule_command.h"

#include <QTest>

using clab::cli::schedule_command;

class TestSchedulerCli : public QObject {
    Q_OBJECT
private slots:
    void solvesTheLessonSteps() {
        // Lesson 8 step 2: the call form loses an update under the GIL.
        QCOMPARE(schedule_command({"solve", "--lesson", "race-conditions", "--step", "2", "--rule", "gil",
                                   "--goal", "lost-update", "--bytecode", "3.11"}),
                 0);
        // Step 1: counter += 1 cannot lose one under the GIL on 3.11 ...
        QCOMPARE(schedule_command({"solve", "--lesson", "race-conditions", "--step", "1", "--rule", "gil",
                                   "--bytecode", "3.11"}),
                 1);
        // ... and can when any instruction may switch.
        QCOMPARE(schedule_command({"solve", "--lesson", "race-conditions", "--step", "1", "--rule", "any",
                                   "--bytecode", "3.11", "--json"}),
                 0);
        // Lesson 9 by number: opposite order deadlocks, one order cannot.
        QCOMPARE(schedule_command(
                     {"solve", "--lesson", "9", "--step", "1", "--goal", "deadlock", "--bytecode", "3.12"}),
                 0);
        QCOMPARE(schedule_command(
                     {"solve", "--lesson", "9", "--step", "2", "--goal", "deadlock", "--bytecode", "3.13"}),
                 1);
        QCOMPARE(schedule_command({"solve", "--puzzle", "async-check", "--bytecode", "3.12"}), 0);
        QCOMPARE(schedule_command({"solve", "--puzzle", "async-check-lock", "--bytecode", "3.12"}), 1);
        // A bound too small to decide says so and is not a schedule.
        QCOMPARE(
            schedule_command({"solve", "--puzzle", "inplace", "--bytecode", "3.11", "--max-states", "3"}), 1);
        QCOMPARE(schedule_command({"list"}), 0);
    }

    void badUsageExitsTwo() {
        QCOMPARE(schedule_command({}), 2);
        QCOMPARE(schedule_command({"solve"}), 2);
        QCOMPARE(schedule_command({"solve", "--puzzle", "call", "--rule", "sometimes"}), 2);
        QCOMPARE(schedule_command({"solve", "--puzzle", "call", "--goal", "deadlock"}), 2);
        QCOMPARE(schedule_command({"solve", "--puzzle", "nope"}), 2);
        QCOMPARE(schedule_command({"solve", "--lesson", "8", "--step", "x"}), 2);
        QCOMPARE(schedule_command({"solve", "--lesson", "8", "--step", "2", "--goal", "deadlock"}), 2);
        QCOMPARE(schedule_command({"solve", "--puzzle", "call", "--bytecode", "3.9"}), 2);
        QCOMPARE(schedule_command({"solve", "--puzzle", "call", "--frobnicate"}), 2);
        QCOMPARE(schedule_command({"solve", "--puzzle"}), 2);
        QCOMPARE(schedule_command({"--help"}), 0);
    }

    void aRuleThatDoesNotFitThePuzzleIsRefused() {
        // Threads under the await rule, tasks under the GIL rule: the puzzle cannot run (exit 1, a message).
        QCOMPARE(schedule_command({"solve", "--puzzle", "call", "--rule", "await", "--bytecode", "3.11"}), 1);
        QCOMPARE(
            schedule_command({"solve", "--puzzle", "async-check", "--rule", "gil", "--bytecode", "3.11"}), 1);
    }
};

QTEST_GUILESS_MAIN(TestSchedulerCli)
#include "tst_scheduler_cli.moc"
