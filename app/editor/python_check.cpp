#include "python_check.h"

#include <QCoreApplication>
#include <QHash>
#include <QPointer>
#include <QProcess>
#include <QTimer>
#include <unistd.h>

namespace clab::editor {

namespace {
constexpr int kAskMs = 10'000;
// The background question blocks nothing, so it may wait longer: at nice 10 on a busy machine
// (load 14 on 2 cores) python3 took more than 10 s to start, and the window then said "no python3".
constexpr int kBackgroundAskMs = 60'000;

QString interpreter(const QString& python) {
    return python.isEmpty() ? QStringLiteral("python3") : python;
}

// Prints "LINE<TAB>Kind: message" for code on stdin that does not compile.
constexpr const char* kCompile = R"(
import sys
source = sys.stdin.buffer.read()
try:
    compile(source, "main.py", "exec")
except SyntaxError as e:
    print(f"{e.lineno or 0}\t{type(e).__name__}: {e.msg}")
except ValueError as e:
    print(f"0\tValueError: {e}")
)";

constexpr const char* kDescribe = R"(
import sys, sysconfig
free = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
gil = sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else True
# A free-threaded build may still run with the GIL (PYTHON_GIL=1, or an extension that needs it).
print(sys.version.split()[0], ("free-threaded" if not gil else "free-threaded-build-GIL") if free else "GIL")
)";
} // namespace

std::optional<SyntaxProblem> syntax_problem(const QString& code, const QString& python) {
    QProcess check;
    check.start(interpreter(python), {QStringLiteral("-c"), QString::fromLatin1(kCompile)});
    if (!check.waitForStarted(kAskMs)) return std::nullopt;
    check.write(code.toUtf8());
    check.closeWriteChannel();
    if (!check.waitForFinished(kAskMs)) {
        check.kill();
        check.waitForFinished();
        return std::nullopt;
    }
    const QString answer = QString::fromUtf8(check.readAllStandardOutput()).trimmed();
    if (answer.isEmpty()) return std::nullopt;
    return SyntaxProblem{answer.section(QLatin1Char('\t'), 0, 0).toInt(),
                         answer.section(QLatin1Char('\t'), 1)};
}

namespace {
QHash<QString, QString>& known_descriptions() {
    static QHash<QString, QString> known;
    return known;
}

// The words kDescribe printed (or nothing: the interpreter is missing, broken or did not answer).
QString describe(const QString& name, bool answered, const QByteArray& output) {
    if (!answered) return QObject::tr("no %1 found (Debian package python3)").arg(name);
    const QStringList words = QString::fromUtf8(output).trimmed().split(QLatin1Char(' '));
    const QString gil = words.value(1) == QLatin1String("free-threaded-build-GIL")
                            ? QObject::tr("free-threaded build, GIL enabled")
                            : words.value(1);
    return QStringLiteral("%1 · Python %2 · %3").arg(name, words.value(0), gil);
}

QString too_slow(const QString& name) {
    return QObject::tr("%1 did not answer in %2 s (a busy machine?)").arg(name).arg(kBackgroundAskMs / 1000);
}

// One background question to one interpreter; everyone who asks meanwhile waits for the same answer.
class DescriptionQuery : public QObject {
    Q_OBJECT
public:
    explicit DescriptionQuery(const QString& name)
        : QObject(QCoreApplication::instance()) // the application ends it (and its process) at exit
        , name_(name) {
        process_ = new QProcess(this);
        connect(process_, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
            finish(status == QProcess::NormalExit && code == 0, process_->readAllStandardOutput());
        });
        connect(process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
            if (error == QProcess::FailedToStart) finish(false, {});
        });
        QTimer::singleShot(kBackgroundAskMs, process_, [this] {
            timed_out_ = true;
            process_->kill(); // then finished() comes
        });
        // Not urgent: at a lower priority it does not slow the first paint on a busy or small machine.
        process_->setChildProcessModifier([] { (void)::nice(10); });
        process_->start(name_, {QStringLiteral("-c"), QString::fromLatin1(kDescribe)});
    }
    // Quitting while python3 still answers: end it here (QProcess's own destructor would too, with
    // a warning on the terminal that reads like a fault).
    ~DescriptionQuery() override {
        if (process_->state() == QProcess::NotRunning) return;
        process_->disconnect(this); // nobody waits for this answer any more
        process_->kill();
        process_->waitForFinished(1000);
    }
    static DescriptionQuery* running(const QString& name) {
        static QHash<QString, QPointer<DescriptionQuery>> queries;
        QPointer<DescriptionQuery>& query = queries[name];
        if (!query) query = new DescriptionQuery(name);
        return query;
    }

signals:
    void described(const QString& description);

private:
    void finish(bool answered, const QByteArray& output) {
        if (done_) return;
        done_ = true;
        // An interpreter too slow to answer is not "missing": say so, and ask again next time.
        const QString description = timed_out_ ? too_slow(name_) : describe(name_, answered, output);
        if (!timed_out_) known_descriptions().insert(name_, description);
        emit described(description);
        deleteLater();
    }

    QString name_;
    QProcess* process_ = nullptr;
    bool done_ = false;
    bool timed_out_ = false;
};
} // namespace

QString interpreter_description(const QString& python) {
    const QString name = interpreter(python);
    if (const auto known = known_interpreter_description(python)) return *known;
    QProcess ask;
    ask.start(name, {QStringLiteral("-c"), QString::fromLatin1(kDescribe)});
    const bool answered = ask.waitForStarted(kAskMs) && ask.waitForFinished(kAskMs) &&
                          ask.exitStatus() == QProcess::NormalExit && ask.exitCode() == 0;
    if (!answered) {
        ask.kill();
        ask.waitForFinished();
    }
    const QString description =
        describe(name, answered, answered ? ask.readAllStandardOutput() : QByteArray());
    known_descriptions().insert(name, description);
    return description;
}

std::optional<QString> known_interpreter_description(const QString& python) {
    const QHash<QString, QString>& known = known_descriptions();
    if (const auto it = known.constFind(interpreter(python)); it != known.constEnd()) return *it;
    return std::nullopt;
}

void describe_interpreter(const QString& python, QObject* context, std::function<void(const QString&)> done) {
    if (const auto known = known_interpreter_description(python)) {
        done(*known);
        return;
    }
    QObject::connect(DescriptionQuery::running(interpreter(python)), &DescriptionQuery::described, context,
                     std::move(done), Qt::SingleShotConnection);
}

} // namespace clab::editor

#include "python_check.moc"
