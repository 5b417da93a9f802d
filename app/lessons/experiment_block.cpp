#include "experiment_block.h"

#include "expectation.h"

#include <QRegularExpression>
#include <climits>
#include <functional>
#include <string>
#include <type_traits>

namespace clab::lessons {

namespace {

// Large enough for any count a lesson needs, small enough to convert to and from double exactly.
constexpr qint64 kLargestInt64 = 1'000'000'000'000'000LL;

// One ExperimentSpec field as a lesson file names it. Numeric keys read and write a double, which
// is exact for every value a lesson can hold; choice keys parse a name.
struct SpecKey {
    QString name;
    bool is_choice = false;
    bool is_integer = false;
    qint64 largest = 0; // integers: the largest value the field can hold
    std::function<void(ExperimentSpec&, double)> set_number;
    std::function<double(const ExperimentSpec&)> get_number;
    std::function<bool(ExperimentSpec&, const std::string&)> set_choice;
    QString choices; // for messages: "fork, spawn, forkserver"
};

template <typename T> SpecKey integer_key(const char* name, T ExperimentSpec::*field) {
    return {QString::fromLatin1(name),
            false,
            true,
            std::is_same_v<T, int> ? qint64(INT_MAX) : kLargestInt64,
            [field](ExperimentSpec& s, double v) { s.*field = T(v); },
            [field](const ExperimentSpec& s) { return double(s.*field); },
            {},
            {}};
}

SpecKey real_key(const char* name, double ExperimentSpec::*field) {
    return {QString::fromLatin1(name),
            false,
            false,
            0,
            [field](ExperimentSpec& s, double v) { s.*field = v; },
            [field](const ExperimentSpec& s) { return s.*field; },
            {},
            {}};
}

template <typename Parse, typename Field>
SpecKey choice_key(const char* name, Parse parse, Field ExperimentSpec::*field, const char* choices) {
    return {QString::fromLatin1(name),
            true,
            false,
            0,
            {},
            {},
            [parse, field](ExperimentSpec& s, const std::string& text) {
                const auto value = parse(text);
                if (value) s.*field = *value;
                return value.has_value();
            },
            QString::fromLatin1(choices)};
}

std::optional<bool> parse_bool(std::string_view text) {
    if (text == "true") return true;
    if (text == "false") return false;
    return std::nullopt;
}

std::optional<bool> parse_lock_order_fixed(std::string_view text) {
    if (text == "fixed") return true;
    if (text == "opposite") return false;
    return std::nullopt;
}

const QList<SpecKey>& spec_keys() {
    static const QList<SpecKey> keys{
        choice_key("engine", parse_engine, &ExperimentSpec::engine,
                   "sequential, threads, thread-pool, processes, process-pool, asyncio, python"),
        choice_key("workload", parse_workload, &ExperimentSpec::workload,
                   "cpu, sleep, net, mixed, counter, deadlock, payload, blend, block-loop"),
        integer_key("tasks", &ExperimentSpec::tasks),
        integer_key("workers", &ExperimentSpec::workers),
        integer_key("iterations", &ExperimentSpec::iterations),
        real_key("io_ms", &ExperimentSpec::io_ms),
        integer_key("io_count", &ExperimentSpec::io_count),
        real_key("switch_interval_ms", &ExperimentSpec::switch_interval_ms),
        choice_key("gil", parse_gil, &ExperimentSpec::gil, "on, off, per-interpreter"),
        choice_key("update", parse_update, &ExperimentSpec::update, "inplace, call"),
        choice_key("lock", parse_bool, &ExperimentSpec::lock, "true, false"),
        choice_key("lock_order", parse_lock_order_fixed, &ExperimentSpec::lock_order_fixed,
                   "opposite, fixed"),
        choice_key("start_method", parse_start_method, &ExperimentSpec::start_method,
                   "fork, spawn, forkserver"),
        integer_key("chunksize", &ExperimentSpec::chunksize),
        integer_key("payload_bytes", &ExperimentSpec::payload_bytes),
        integer_key("concurrency", &ExperimentSpec::concurrency),
        integer_key("cpu_percent", &ExperimentSpec::cpu_percent),
        integer_key("cpus", &ExperimentSpec::cpus),
        choice_key("blocker", parse_blocker, &ExperimentSpec::blocker, "cpu, sleep"),
        choice_key("offload", parse_offload, &ExperimentSpec::offload, "none, thread, process"),
        choice_key("debug", parse_bool, &ExperimentSpec::debug, "true, false"),
        real_key("time_scale", &ExperimentSpec::time_scale),
        real_key("timeout_s", &ExperimentSpec::timeout_s),
        integer_key("crash_task", &ExperimentSpec::crash_task),
    };
    return keys;
}

const SpecKey* find_spec_key(const QString& name) {
    for (const SpecKey& key : spec_keys())
        if (key.name == name) return &key;
    return nullptr;
}

// Sets one spec field from its text; returns a problem sentence or an empty string.
QString set_spec_value(const SpecKey& key, const QString& text, ExperimentSpec& spec) {
    if (key.is_choice) {
        if (key.set_choice(spec, text.toStdString())) return {};
        return QStringLiteral("%1 must be one of %2, got '%3'").arg(key.name, key.choices, text.left(40));
    }
    if (key.is_integer) {
        const auto value = parse_integer(text);
        if (!value) return QStringLiteral("%1 must be a whole number, got '%2'").arg(key.name, text.left(40));
        if (*value > key.largest || *value < -key.largest)
            return QStringLiteral("%1 is far too large: %2").arg(key.name, text.left(40));
        key.set_number(spec, double(*value));
        return {};
    }
    const auto value = parse_number(text);
    if (!value) return QStringLiteral("%1 must be a number, got '%2'").arg(key.name, text.left(40));
    key.set_number(spec, *value);
    return {};
}

// "tasks 1..8" or "engine". Checks the key, the range, and that the spec is valid at both ends.
void read_control(const QString& item, int line, Step& step, Problems& problems) {
    static const QRegularExpression pattern(QStringLiteral("^([a-z_]+)(?:\\s+(\\S+)\\.\\.(\\S+))?$"));
    const auto match = pattern.match(item);
    if (!match.hasMatch()) {
        problems.add(line, QStringLiteral("a control is 'name min..max' or a bare choice name, got '%1'")
                               .arg(item.left(40)));
        return;
    }
    const QString name = match.captured(1);
    const SpecKey* key = find_spec_key(name);
    if (!key) {
        problems.add(line, QStringLiteral("control '%1' is not an experiment key").arg(name));
        return;
    }
    for (const Control& existing : step.controls)
        if (existing.key == name) {
            problems.add(line, QStringLiteral("control '%1' is listed twice").arg(name));
            return;
        }
    const bool has_range = !match.captured(2).isEmpty();
    Control control;
    control.key = name;
    control.is_choice = key->is_choice;
    if (key->is_choice) {
        if (has_range) {
            problems.add(line,
                         QStringLiteral("control '%1' is a choice: write it without a range").arg(name));
            return;
        }
        step.controls.append(control);
        return;
    }
    if (!has_range) {
        problems.add(line, QStringLiteral("control '%1' needs a range, e.g. '%1 1..8'").arg(name));
        return;
    }
    ExperimentSpec at_min = step.spec;
    ExperimentSpec at_max = step.spec;
    const QString min_error = set_spec_value(*key, match.captured(2), at_min);
    const QString max_error = set_spec_value(*key, match.captured(3), at_max);
    if (!min_error.isEmpty() || !max_error.isEmpty()) {
        problems.add(line,
                     QStringLiteral("control %1: %2").arg(name, min_error.isEmpty() ? max_error : min_error));
        return;
    }
    control.min = key->get_number(at_min);
    control.max = key->get_number(at_max);
    if (control.min > control.max) {
        problems.add(line, QStringLiteral("control %1: min %2 is larger than max %3")
                               .arg(name)
                               .arg(control.min)
                               .arg(control.max));
        return;
    }
    for (const ExperimentSpec* end : {&at_min, &at_max})
        if (const auto invalid = validate(*end)) {
            problems.add(line, QStringLiteral("control %1 %2..%3 goes out of range: %4")
                                   .arg(name)
                                   .arg(control.min)
                                   .arg(control.max)
                                   .arg(QString::fromStdString(*invalid)));
            return;
        }
    const double current = key->get_number(step.spec);
    if (current < control.min || current > control.max)
        problems.add(line, QStringLiteral("the experiment's %1 (%2) lies outside its control range %3..%4")
                               .arg(name)
                               .arg(current)
                               .arg(control.min)
                               .arg(control.max));
    step.controls.append(control);
}

void read_compare(const Field& field, Step& step, Problems& problems) {
    for (const QString& item : field.value.split(QLatin1Char(','))) {
        const QString name = item.trimmed();
        if (!parse_engine(name.toStdString())) {
            problems.add(field.line, QStringLiteral("compare: '%1' is not an engine").arg(name.left(40)));
            continue;
        }
        if (step.compare.contains(name)) {
            problems.add(field.line, QStringLiteral("compare: '%1' is listed twice").arg(name));
            continue;
        }
        step.compare.append(name);
    }
    if (step.compare.size() < 2)
        problems.add(field.line, QStringLiteral("compare needs at least two engines"));
}

void read_expect(const Field& field, Step& step, Problems& problems) {
    QString error;
    const auto expectation = parse_expectation(field.value, error);
    if (!expectation) {
        problems.add(field.line, error);
        return;
    }
    const QString own_engine = QString::fromLatin1(to_string(step.spec.engine).data());
    const QString python = QString::fromLatin1(to_string(EngineKind::Python).data());
    for (const MetricRef& operand : expectation->operands()) {
        const bool on_python = operand.engine == python || (operand.engine.isEmpty() && own_engine == python);
        if (on_python && !python_metrics().contains(operand.metric)) {
            problems.add(field.line,
                         QStringLiteral("expect names python.%1, which a real program's run does not "
                                        "measure (it measures: %2)")
                             .arg(operand.metric, python_metrics().join(QStringLiteral(", "))));
            return;
        }
        // python.X: the step's first python snippet, run in the real interpreter.
        if (operand.engine == python && operand.engine != own_engine) {
            if (step.python_snippets.isEmpty()) {
                problems.add(field.line, QStringLiteral("expect names python.%1, but this step has no python "
                                                        "snippet to run")
                                             .arg(operand.metric));
                return;
            }
            continue;
        }
        if (!operand.engine.isEmpty() && operand.engine != own_engine &&
            !step.compare.contains(operand.engine)) {
            problems.add(field.line,
                         QStringLiteral("expect names engine '%1', which is not in this step's compare list")
                             .arg(operand.engine));
            return;
        }
    }
    step.expects.append(field.value.simplified());
}

} // namespace

QStringList experiment_keys() {
    QStringList keys;
    for (const SpecKey& key : spec_keys())
        keys.append(key.name);
    keys << QStringLiteral("controls") << QStringLiteral("expect") << QStringLiteral("compare");
    return keys;
}

void read_experiment(const QList<Field>& fields, int block_line, Step& step, Problems& problems) {
    check_keys(fields, experiment_keys(), {QStringLiteral("expect")}, QStringLiteral("experiment"), problems);
    // engine: python runs the step's first python snippet in a real interpreter: no workload.
    const Field* engine = find_field(fields, QStringLiteral("engine"));
    const bool python = engine && engine->value.trimmed() == QLatin1String("python");
    for (const char* required : {"engine", "workload"})
        if (!(python && qstrcmp(required, "workload") == 0) &&
            !find_field(fields, QString::fromLatin1(required)))
            problems.add(block_line,
                         QStringLiteral("the experiment block needs '%1:'").arg(QLatin1String(required)));

    // Spec keys first, so controls are checked against the final spec whatever the order of lines.
    const qsizetype before = problems.count();
    for (const Field& field : fields)
        if (const SpecKey* key = find_spec_key(field.key)) {
            const QString error = set_spec_value(*key, field.value, step.spec);
            if (!error.isEmpty()) problems.add(field.line, error);
        }
    if (step.spec.engine == EngineKind::Python && step.spec.script.empty() && step.spec.source.empty()) {
        if (step.python_snippets.isEmpty())
            problems.add(block_line, QStringLiteral("engine: python runs the step's first python snippet, "
                                                    "and this step has none"));
        else
            step.spec.source = step.python_snippets.first().toStdString();
    }
    if (problems.count() == before)
        if (const auto invalid = validate(step.spec))
            problems.add(block_line, QStringLiteral("experiment: %1").arg(QString::fromStdString(*invalid)));

    if (const Field* compare = find_field(fields, QStringLiteral("compare")))
        read_compare(*compare, step, problems);
    for (const Field& field : fields) {
        if (field.key == QLatin1String("controls")) {
            for (const QString& item : field.value.split(QLatin1Char(','), Qt::SkipEmptyParts))
                read_control(item.simplified(), field.line, step, problems);
        } else if (field.key == QLatin1String("expect")) {
            read_expect(field, step, problems);
        }
    }
}

} // namespace clab::lessons
