// Checks one lesson file for the lesson tests (tests/lessons/CMakeLists.txt):
//   lesson_test_tool snippets FILE    every python snippet compiles (python3 -m py_compile); 77 = skip
//                                     (no python3, or a snippet imports a module python3 lacks)
//   lesson_test_tool runs EXE FILE    every step's experiment runs headless
//                                     (EXE run --lesson ID --step N --json) and every expect: holds
//   lesson_test_tool exercises FILE   every exercise's reference solution passes its checks on a real
//                                     python3 run and its starting code fails them; 77 = no python3
// Exit 0 when all is well, 1 when something failed (each failure on one line), 77 when python3 is absent.
#include "editor/python_process.h"
#include "lessons/exercise_checker.h"
#include "lessons/expectation.h"
#include "lessons/lesson_parser.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <cstdio>
#include <optional>

using namespace clab::lessons;

namespace {

constexpr int kSkip = 77;
constexpr int kRunTimeoutMs = 150'000; // one headless run; the longest lesson run takes seconds

// Results go to stdout in order; only usage and file problems go to stderr.
void say(FILE* to, const QString& text) {
    fputs(qPrintable(text + QLatin1Char('\n')), to);
    fflush(to);
}

std::optional<Lesson> load(const QString& file) {
    ParsedLesson parsed = parse_lesson_file(file);
    for (const LessonError& error : parsed.errors)
        say(stderr, error.toString());
    return parsed.lesson;
}

// ---- snippets -----------------------------------------------------------------------------------

// Prints, for each file given, the top-level modules it imports that this python cannot find,
// as "FILE<TAB>module module". Imports inside try/except are the snippet's own fallbacks and
// do not count. Run by the same python3 that compiles the snippets.
constexpr const char* kMissingImports = R"(
import ast, importlib.util, sys
for path in sys.argv[1:]:
    tree = ast.parse(open(path, encoding="utf-8").read())
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    missing = sorted(n for n in names if importlib.util.find_spec(n) is None)
    if missing:
        print(path + "\t" + " ".join(missing))
)";

// One python3 for all snippets of the lesson (start-up dominates); py_compile reports each
// broken file by name, and the names say which step and snippet they came from. A lesson whose
// snippets need a package this python3 lacks (aiohttp, dask) is reported as skipped, never as
// passed: the snippets that could not run here are named.
// 0 when every snippet's imports exist for `python`, kSkip (naming each module missing and the
// snippet that needs it) when some do not, 1 when the check itself failed.
int missing_imports(const QString& python, const QStringList& paths, const QStringList& origins) {
    QProcess check;
    check.start(python, QStringList{QStringLiteral("-c"), QString::fromLatin1(kMissingImports)} + paths);
    if (!check.waitForFinished(60'000) || check.exitStatus() != QProcess::NormalExit ||
        check.exitCode() != 0) {
        say(stderr, QStringLiteral("could not check the snippets' imports: %1")
                        .arg(QString::fromUtf8(check.readAllStandardError()).trimmed()));
        return 1;
    }
    const QStringList lines =
        QString::fromUtf8(check.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    if (lines.isEmpty()) return 0;
    for (const QString& line : lines) {
        const QString path = line.section(QLatin1Char('\t'), 0, 0);
        const QString modules = line.section(QLatin1Char('\t'), 1);
        const qsizetype index = paths.indexOf(path);
        say(stdout, QStringLiteral("SKIP %1 needs %2, which %3 cannot import")
                        .arg(index >= 0 ? origins[index].trimmed() : path, modules, python));
    }
    return kSkip;
}

int check_snippets(const QString& file) {
    const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    if (python.isEmpty()) {
        say(stdout, QStringLiteral("python3 not found: skipping the snippets of %1").arg(file));
        return kSkip;
    }
    const auto lesson = load(file);
    if (!lesson) return 1;
    QTemporaryDir dir;
    QStringList paths;
    QStringList origins; // "step1_snippet1.py is FILE:LINE"
    for (qsizetype s = 0; s < lesson->steps.size(); ++s) {
        const Step& step = lesson->steps[s];
        for (qsizetype k = 0; k < step.python_snippets.size(); ++k) {
            const QString name = QStringLiteral("step%1_snippet%2.py").arg(s + 1).arg(k + 1);
            QFile out(dir.filePath(name));
            if (!out.open(QIODevice::WriteOnly) || out.write(step.python_snippets[k].toUtf8()) < 0) {
                say(stderr, QStringLiteral("cannot write %1").arg(out.fileName()));
                return 1;
            }
            paths.append(out.fileName());
            origins.append(QStringLiteral("  %1 is the snippet at %2:%3")
                               .arg(name, file)
                               .arg(step.python_lines.value(k)));
        }
    }
    if (paths.isEmpty()) {
        say(stdout, QStringLiteral("%1: no python snippets").arg(QFileInfo(file).fileName()));
        return 0;
    }
    QProcess compile;
    compile.start(python, QStringList{QStringLiteral("-m"), QStringLiteral("py_compile")} + paths);
    const bool finished = compile.waitForFinished(60'000);
    if (finished && compile.exitStatus() == QProcess::NormalExit && compile.exitCode() == 0) {
        say(stdout, QStringLiteral("%1: %2 python snippets compile")
                        .arg(QFileInfo(file).fileName())
                        .arg(paths.size()));
        return missing_imports(python, paths, origins);
    }
    say(stderr, QStringLiteral("%1: python snippets do not compile:\n%2\n%3")
                    .arg(file, QString::fromUtf8(compile.readAllStandardError()).trimmed(),
                         origins.join(QLatin1Char('\n'))));
    return 1;
}

// ---- runs ---------------------------------------------------------------------------------------

struct RunResult {
    bool ok = false;
    QString problem;     // why there is no summary
    QJsonObject summary; // the run's JSON summary
    double seconds = 0;
};

// The summary of `engine` in the output: one object, or (a compare run) an array of them.
std::optional<QJsonObject> summary_for(const QJsonDocument& doc, const QString& engine) {
    if (doc.isObject()) return doc.object();
    for (const QJsonValue& value : doc.array()) {
        const QJsonObject object = value.toObject();
        const QJsonValue named =
            object.value(QStringLiteral("spec")).toObject().value(QStringLiteral("engine"));
        if (named.toString() == engine || object.value(QStringLiteral("engine")).toString() == engine)
            return object;
    }
    return std::nullopt;
}

RunResult run_step(const QString& exe, const QString& lessons_dir, const QString& id, int step,
                   const QString& engine, bool override_engine) {
    QStringList args{QStringLiteral("run"),    QStringLiteral("--lesson"), id,
                     QStringLiteral("--step"), QString::number(step),      QStringLiteral("--json")};
    if (override_engine) args << QStringLiteral("--engine") << engine;
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("CLAB_LESSONS_DIR"), lessons_dir);
    process.setProcessEnvironment(env);
    QElapsedTimer clock;
    clock.start();
    process.start(exe, args);
    RunResult result;
    const QString command = QStringLiteral("concurrency-lab %1").arg(args.join(QLatin1Char(' ')));
    if (!process.waitForFinished(kRunTimeoutMs)) {
        process.kill();
        process.waitForFinished(5'000);
        result.problem =
            QStringLiteral("`%1` did not finish within %2 s").arg(command).arg(kRunTimeoutMs / 1000);
        return result;
    }
    result.seconds = double(clock.elapsed()) / 1000.0;
    const QString errors = QString::fromUtf8(process.readAllStandardError()).trimmed();
    // Exit 1 is a run that failed on purpose (a deadlock, a broken pool): its summary still counts.
    if (process.exitStatus() != QProcess::NormalExit ||
        (process.exitCode() != 0 && process.exitCode() != 1)) {
        result.problem =
            QStringLiteral("`%1` exited with %2: %3").arg(command).arg(process.exitCode()).arg(errors);
        return result;
    }
    QJsonParseError parse_error;
    const QJsonDocument doc = QJsonDocument::fromJson(process.readAllStandardOutput(), &parse_error);
    const auto summary = doc.isNull() ? std::nullopt : summary_for(doc, engine);
    if (!summary) {
        result.problem = QStringLiteral("`%1` printed no JSON summary for %2 (%3) %4")
                             .arg(command, engine, parse_error.errorString(), errors);
        return result;
    }
    result.ok = true;
    result.summary = *summary;
    return result;
}

std::optional<double> metric_of(const QJsonObject& summary, const QString& metric) {
    const QJsonValue value = summary.value(metric);
    if (value.isDouble()) return value.toDouble();
    if (value.isBool()) return value.toBool() ? 1.0 : 0.0;
    return std::nullopt;
}

// For a step with `engine: python`: 0 when the python3 that runs it can import everything its
// snippet imports, kSkip (after naming what is missing) when it cannot, 1 when the check failed.
int python_step_imports(const Step& step, const QString& file, int number) {
    const QString python = step.spec.python.empty()
                               ? QStandardPaths::findExecutable(QStringLiteral("python3"))
                               : QString::fromStdString(step.spec.python);
    if (python.isEmpty()) {
        say(stdout, QStringLiteral("SKIP step %1 of %2: python3 not found").arg(number).arg(file));
        return kSkip;
    }
    QTemporaryDir dir;
    QFile out(dir.filePath(QStringLiteral("step%1.py").arg(number)));
    const QByteArray source = step.spec.script.empty()
                                  ? QByteArray::fromStdString(step.spec.source)
                                  : QByteArray(); // a script file is checked where it lives
    const QString path = step.spec.script.empty() ? out.fileName() : QString::fromStdString(step.spec.script);
    if (step.spec.script.empty() && (!out.open(QIODevice::WriteOnly) || out.write(source) < 0)) {
        say(stderr, QStringLiteral("cannot write %1").arg(out.fileName()));
        return 1;
    }
    out.close();
    return missing_imports(python, {path},
                           {QStringLiteral("the python experiment of step %1 in %2").arg(number).arg(file)});
}

int check_runs(const QString& exe, const QString& file) {
    const auto lesson = load(file);
    if (!lesson) return 1;
    const QString dir = QFileInfo(file).absolutePath();
    int failures = 0;
    double total_s = 0;
    for (qsizetype s = 0; s < lesson->steps.size(); ++s) {
        const Step& step = lesson->steps[s];
        if (!step.has_experiment) continue;
        const int number = int(s) + 1;
        const QString own = QString::fromLatin1(clab::to_string(step.spec.engine).data());
        // A step that runs its snippet in the real interpreter needs the snippet's packages
        // (aiohttp, dask): without them the step is reported as skipped, never as passed.
        if (step.spec.engine == clab::EngineKind::Python) {
            const int imports = python_step_imports(step, file, number);
            if (imports == kSkip) continue;
            if (imports != 0) {
                ++failures;
                continue;
            }
        }
        // Engines to run: the step's own, and each compared engine an expectation names.
        QStringList engines{own};
        QList<std::pair<Expectation, QString>> expectations; // with the text as the lesson writes it
        for (const QString& text : step.expects) {
            QString error;
            const auto expectation = parse_expectation(text, error);
            if (!expectation) continue; // the parser already accepted the file; cannot happen
            for (const MetricRef& operand : expectation->operands()) {
                const QString engine = operand.engine.isEmpty() ? own : operand.engine;
                if (!engines.contains(engine)) engines.append(engine);
            }
            expectations.append({*expectation, text});
        }
        // Run every engine first: a ratio may read two runs.
        QHash<QString, QJsonObject> summaries;
        bool all_ran = true;
        for (const QString& engine : engines) {
            const RunResult run = run_step(exe, dir, lesson->id, number, engine, engine != own);
            total_s += run.seconds;
            const QString where = QStringLiteral("%1 step %2 (%3)").arg(lesson->id).arg(number).arg(engine);
            if (!run.ok) {
                ++failures;
                all_ran = false;
                say(stdout, QStringLiteral("FAIL %1: %2").arg(where, run.problem));
                continue;
            }
            say(stdout, QStringLiteral("ran  %1 in %2 s").arg(where).arg(run.seconds, 0, 'f', 2));
            summaries.insert(engine, run.summary);
        }
        if (!all_ran) continue;
        const Expectation::Lookup lookup = [&](const QString& engine, const QString& metric) {
            return metric_of(summaries.value(engine.isEmpty() ? own : engine), metric);
        };
        for (const auto& [expectation, text] : expectations) {
            const QString line =
                QStringLiteral("%1 step %2: expect %3").arg(lesson->id).arg(number).arg(text);
            const auto measured = expectation.measure(lookup);
            if (!measured) {
                ++failures;
                say(stdout,
                    QStringLiteral("FAIL %1: the summaries lack a number it needs, or it divides by 0")
                        .arg(line));
            } else if (!expectation.holds(*measured)) {
                ++failures;
                say(stdout, QStringLiteral("FAIL %1, measured %2").arg(line).arg(*measured));
            } else {
                say(stdout, QStringLiteral("ok   %1, measured %2").arg(line).arg(*measured));
            }
        }
    }
    say(stdout, QStringLiteral("%1: %2 failures, %3 s of runs")
                    .arg(QFileInfo(file).fileName())
                    .arg(failures)
                    .arg(total_s, 0, 'f', 1));
    return failures == 0 ? 0 : 1;
}

// ---- exercises ----------------------------------------------------------------------------------

// Runs the starting code and the reference solution of every exercise through the same checker
// the editor uses (the starting code's run is also what `start.METRIC` compares with).
int check_exercises(const QString& file) {
    if (QStandardPaths::findExecutable(QStringLiteral("python3")).isEmpty()) {
        say(stdout, QStringLiteral("python3 not found: skipping the exercises of %1").arg(file));
        return kSkip;
    }
    const auto lesson = load(file);
    if (!lesson) return 1;
    int failures = 0;
    int exercises = 0;
    for (qsizetype s = 0; s < lesson->steps.size(); ++s) {
        for (const Exercise& exercise : lesson->steps[s].exercises) {
            ++exercises;
            const QString where = QStringLiteral("%1:%2").arg(QFileInfo(file).fileName()).arg(exercise.line);
            const ProgramRun start = clab::editor::PythonProcess::run(exercise.start, exercise.timeout_s);
            const ProgramRun solution =
                clab::editor::PythonProcess::run(exercise.solution, exercise.timeout_s);
            const ExerciseResult solved = check_exercise(exercise, solution, &start);
            const ExerciseResult unsolved = check_exercise(exercise, start, &start);
            const auto wall = [](const ProgramRun& run) {
                return run.figures.value(QStringLiteral("wall_s"), -1);
            };
            if (!solved.passed) {
                ++failures;
                say(stdout, QStringLiteral("FAIL %1: the reference solution does not pass:\n%2\n%3")
                                .arg(where, solved.toString(), solution.err.right(600)));
            } else {
                say(stdout, QStringLiteral("ok   %1: the reference solution passes (%2 s)")
                                .arg(where)
                                .arg(wall(solution), 0, 'f', 2));
            }
            if (unsolved.passed) {
                ++failures;
                say(stdout, QStringLiteral("FAIL %1: the starting code already passes:\n%2")
                                .arg(where, unsolved.toString()));
            } else {
                say(stdout, QStringLiteral("ok   %1: the starting code fails (%2 s):\n%3")
                                .arg(where)
                                .arg(wall(start), 0, 'f', 2)
                                .arg(unsolved.toString()));
            }
        }
    }
    if (exercises == 0) {
        say(stdout, QStringLiteral("%1 has no exercises").arg(file));
        return 1; // the test is added only for files with exercises
    }
    return failures == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() == 3 && args[1] == QLatin1String("snippets")) return check_snippets(args[2]);
    if (args.size() == 4 && args[1] == QLatin1String("runs")) return check_runs(args[2], args[3]);
    if (args.size() == 3 && args[1] == QLatin1String("exercises")) return check_exercises(args[2]);
    say(stderr, QStringLiteral("usage: lesson_test_tool snippets FILE | runs EXE FILE | exercises FILE"));
    return 2;
}
