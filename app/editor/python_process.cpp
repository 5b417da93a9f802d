#include "python_process.h"

#include <QEventLoop>
#include <QFile>
#include <QStandardPaths>
#include <csignal>
#include <sys/types.h>
#include <unistd.h>

namespace clab::editor {

namespace {
constexpr qsizetype kOutputCap = 1 << 20; // kept of each stream, like the python engine
constexpr int kReapMs = 2000;             // after SIGKILL the session is gone in milliseconds

void append_capped(QString& into, const QString& text) {
    if (into.size() < kOutputCap) into += text.left(kOutputCap - into.size());
}
} // namespace

PythonProcess::PythonProcess(QObject* parent)
    : QObject(parent) {
    timeout_.setSingleShot(true);
    connect(&timeout_, &QTimer::timeout, this, [this] {
        timed_out_ = true;
        kill_tree();
    });
}

PythonProcess::~PythonProcess() {
    if (process_) {
        process_->disconnect(this);
        kill_tree();
        process_->waitForFinished(kReapMs);
        delete process_;
    }
}

void PythonProcess::start(const QString& code, double timeout_s) {
    if (process_) {
        process_->disconnect(this);
        kill_tree();
        process_->waitForFinished(kReapMs);
        delete process_;
        process_ = nullptr;
    }
    out_.clear();
    err_.clear();
    timed_out_ = false;
    stopped_ = false;
    lessons::ProgramRun failed;
    const QString python =
        QStandardPaths::findExecutable(python_.isEmpty() ? QStringLiteral("python3") : python_);
    if (python.isEmpty() && !QFile::exists(python_)) {
        failed.problem = tr("no interpreter '%1' found (install the Debian package python3, or choose one in "
                            "Settings)")
                             .arg(python_.isEmpty() ? QStringLiteral("python3") : python_);
        finish(failed);
        return;
    }
    dir_ = std::make_unique<QTemporaryDir>();
    script_ = dir_->filePath(QStringLiteral("main.py"));
    QFile file(script_);
    if (!dir_->isValid() || !file.open(QIODevice::WriteOnly) || file.write(code.toUtf8()) < 0) {
        failed.problem = tr("cannot write the program to a temporary file: %1").arg(file.errorString());
        finish(failed);
        return;
    }
    file.close();

    process_ = new QProcess(this);
    process_->setWorkingDirectory(dir_->path());
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PYTHONUNBUFFERED"), QStringLiteral("1")); // output as it comes
    process_->setProcessEnvironment(env);
    process_->setChildProcessModifier([] { ::setsid(); }); // its own session: Stop ends the whole tree
    connect(process_, &QProcess::readyReadStandardOutput, this, [this] {
        const QString text = QString::fromUtf8(process_->readAllStandardOutput());
        append_capped(out_, text);
        emit output(text, false);
    });
    connect(process_, &QProcess::readyReadStandardError, this, [this] {
        const QString text = QString::fromUtf8(process_->readAllStandardError());
        append_capped(err_, text);
        emit output(text, true);
    });
    connect(process_, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
        lessons::ProgramRun run;
        // Whatever is still buffered belongs to the run.
        append_capped(out_, QString::fromUtf8(process_->readAllStandardOutput()));
        append_capped(err_, QString::fromUtf8(process_->readAllStandardError()));
        run.figures.insert(QStringLiteral("wall_s"), double(clock_.nsecsElapsed()) / 1e9);
        run.exit_status = status == QProcess::NormalExit ? code : -SIGKILL;
        run.timed_out = timed_out_;
        if (stopped_) run.problem = tr("stopped");
        run.out = out_;
        run.err = err_;
        process_->deleteLater();
        process_ = nullptr;
        timeout_.stop();
        finish(run);
    });
    connect(process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart) return;
        lessons::ProgramRun run;
        run.problem = tr("%1 could not be started: %2").arg(process_->program(), process_->errorString());
        process_->deleteLater();
        process_ = nullptr;
        timeout_.stop();
        finish(run);
    });
    clock_.start();
    process_->start(python, {script_});
    timeout_.start(int(timeout_s * 1000));
}

void PythonProcess::kill_tree() {
    if (!process_ || process_->processId() <= 0) return;
    // The session leader's pid is its group's id; every descendant that did not leave the group dies.
    ::kill(-pid_t(process_->processId()), SIGKILL);
    process_->kill();
}

void PythonProcess::stop() {
    if (!process_) return;
    stopped_ = true;
    kill_tree();
}

void PythonProcess::finish(lessons::ProgramRun run) {
    dir_.reset(); // the temporary file goes as soon as the run is over
    emit finished(run);
}

lessons::ProgramRun PythonProcess::run(const QString& code, double timeout_s, const QString& python) {
    PythonProcess process;
    process.setInterpreter(python);
    lessons::ProgramRun result;
    QEventLoop loop;
    connect(&process, &PythonProcess::finished, &loop, [&](const lessons::ProgramRun& run) {
        result = run;
        loop.quit();
    });
    QTimer::singleShot(0, &process, [&] { process.start(code, timeout_s); });
    loop.exec();
    return result;
}

} // namespace clab::editor
