#include "python_check.h"

#include <QHash>
#include <QProcess>

namespace clab::editor {

namespace {
constexpr int kAskMs = 10'000;

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

QString interpreter_description(const QString& python) {
    static QHash<QString, QString> known;
    const QString name = interpreter(python);
    if (const auto it = known.constFind(name); it != known.constEnd()) return *it;
    QProcess ask;
    ask.start(name, {QStringLiteral("-c"), QString::fromLatin1(kDescribe)});
    QString description;
    if (!ask.waitForStarted(kAskMs) || !ask.waitForFinished(kAskMs) || ask.exitCode() != 0) {
        ask.kill();
        ask.waitForFinished();
        description = QObject::tr("no %1 found (Debian package python3)").arg(name);
    } else {
        const QStringList words =
            QString::fromUtf8(ask.readAllStandardOutput()).trimmed().split(QLatin1Char(' '));
        const QString gil = words.value(1) == QLatin1String("free-threaded-build-GIL")
                                ? QObject::tr("free-threaded build, GIL enabled")
                                : words.value(1);
        description = QStringLiteral("%1 · Python %2 · %3").arg(name, words.value(0), gil);
    }
    known.insert(name, description);
    return description;
}

} // namespace clab::editor
