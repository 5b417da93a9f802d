#include "interpreter_setting.h"

#include "gui/open_file_dialog.h"
#include "python_check.h"

#include <QAction>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QVBoxLayout>

namespace clab::editor {

namespace {
const char* const kKey = "editor/python";
constexpr int kAskMs = 10'000;
const char* const kDefault = "python3 (on PATH)";
} // namespace

QString saved_interpreter() {
    return QSettings().value(QLatin1String(kKey)).toString();
}

void save_interpreter(const QString& python) {
    QSettings settings;
    if (python.isEmpty())
        settings.remove(QLatin1String(kKey));
    else
        settings.setValue(QLatin1String(kKey), python);
    emit InterpreterNotifier::instance()->changed(python);
}

std::optional<QString> interpreter_version(const QString& python, QString& error) {
    const QString name = python.isEmpty() ? QStringLiteral("python3") : python;
    const QString found = QFileInfo(name).isAbsolute() ? name : QStandardPaths::findExecutable(name);
    if (found.isEmpty() || !QFileInfo(found).isExecutable()) {
        error = QObject::tr("'%1' is not an executable file or a program on PATH").arg(name);
        return std::nullopt;
    }
    QProcess ask;
    ask.start(found, {QStringLiteral("--version")});
    if (!ask.waitForStarted(kAskMs) || !ask.waitForFinished(kAskMs)) {
        ask.kill();
        ask.waitForFinished();
        error = QObject::tr("'%1 --version' did not answer: %2").arg(name, ask.errorString());
        return std::nullopt;
    }
    // Python 2 printed its version on stderr; 3.x on stdout.
    const QString answer =
        QString::fromUtf8(ask.readAllStandardOutput() + ask.readAllStandardError()).trimmed();
    if (ask.exitStatus() != QProcess::NormalExit || ask.exitCode() != 0 ||
        !answer.startsWith(QLatin1String("Python 3."))) {
        error = QObject::tr("'%1 --version' answered '%2', not Python 3").arg(name, answer.left(60));
        return std::nullopt;
    }
    return answer;
}

QStringList interpreters_on_path() {
    QStringList names{QStringLiteral("python3")};
    for (int minor = 8; minor <= 15; ++minor)
        for (const char* suffix : {"", "t"})
            names << QStringLiteral("python3.%1%2").arg(minor).arg(QLatin1String(suffix));
    QStringList found;
    for (const QString& name : names)
        if (!QStandardPaths::findExecutable(name).isEmpty()) found << name;
    return found;
}

QAction* interpreter_action(QWidget* window) {
    auto* action = new QAction(window);
    action->setObjectName(QStringLiteral("chooseInterpreterAction"));
    const auto describe = [action](const QString& python) {
        // The name until the interpreter has answered in the background (the menu is built before
        // the window first shows, which must not wait for it).
        const auto show = [action](const QString& text) {
            action->setText(QObject::tr("Python interpreter… (%1)").arg(text));
        };
        show(known_interpreter_description(python).value_or(python.isEmpty() ? QStringLiteral("python3")
                                                                             : python));
        describe_interpreter(python, action, [action, python, show](const QString& description) {
            if (saved_interpreter() == python) show(description); // not a choice since replaced
        });
    };
    describe(saved_interpreter());
    QObject::connect(InterpreterNotifier::instance(), &InterpreterNotifier::changed, action, describe);
    QObject::connect(action, &QAction::triggered, window, [window] {
        auto* dialog = new InterpreterDialog(window);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open(); // window-modal, no nested event loop
    });
    return action;
}

InterpreterNotifier* InterpreterNotifier::instance() {
    static InterpreterNotifier notifier;
    return &notifier;
}

InterpreterDialog::InterpreterDialog(QWidget* parent)
    : QDialog(parent) {
    setObjectName(QStringLiteral("interpreterDialog"));
    setWindowTitle(tr("Python interpreter"));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Run in Python uses this interpreter. Pick one found on PATH, or type or "
                                "browse to a path."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto* row = new QHBoxLayout;
    choice_ = new QComboBox(this);
    choice_->setObjectName(QStringLiteral("interpreterChoice"));
    choice_->setEditable(true);
    choice_->addItem(tr(kDefault), QString());
    for (const QString& name : interpreters_on_path())
        if (name != QLatin1String("python3")) choice_->addItem(name, name);
    const QString saved = saved_interpreter();
    if (saved.isEmpty())
        choice_->setCurrentIndex(0);
    else if (const int at = choice_->findData(saved); at >= 0)
        choice_->setCurrentIndex(at);
    else
        choice_->setEditText(saved);
    row->addWidget(choice_, 1);
    auto* browse = new QPushButton(tr("Browse…"), this);
    row->addWidget(browse);
    layout->addLayout(row);
    verdict_ = new QLabel(this);
    verdict_->setObjectName(QStringLiteral("interpreterVerdict"));
    verdict_->setWordWrap(true);
    layout->addWidget(verdict_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &InterpreterDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(choice_, &QComboBox::currentIndexChanged, this, &InterpreterDialog::check);
    connect(choice_->lineEdit(), &QLineEdit::editingFinished, this, &InterpreterDialog::check);
    connect(browse, &QPushButton::clicked, this, [this] {
        // An interpreter that is not there is said in the dialog, which stays open (never Qt's box).
        auto* files =
            new gui::OpenFileDialog(this, tr("Choose a python interpreter"), QStringLiteral("/usr/bin"));
        files->setObjectName(QStringLiteral("interpreterFileDialog"));
        files->setFileMode(QFileDialog::ExistingFile);
        connect(files, &QFileDialog::fileSelected, this, [this](const QString& path) {
            choice_->setEditText(path);
            check();
        });
        files->open(); // never a nested event loop while a run streams
    });
    check();
}

// The chosen text: empty for the default entry, else a name on PATH or a path.
static QString chosen(const QComboBox* box) {
    const int at = box->findText(box->currentText());
    return at >= 0 ? box->itemData(at).toString() : box->currentText().trimmed();
}

// "✓ python3 · Python 3.11.2 · GIL" (or free-threaded), or "✗ why not".
static QString verdict_text(const QString& python, const std::optional<QString>& version,
                            const QString& error) {
    return version ? QObject::tr("✓ %1").arg(interpreter_description(python))
                   : QObject::tr("✗ %1").arg(error);
}

void InterpreterDialog::check() {
    QString error;
    const QString python = chosen(choice_);
    const auto version = interpreter_version(python, error);
    verdict_->setText(verdict_text(python, version, error));
}

bool InterpreterDialog::apply() {
    const QString python = chosen(choice_);
    QString error;
    const auto version = interpreter_version(python, error);
    verdict_->setText(verdict_text(python, version, error));
    if (!version) return false;
    save_interpreter(python);
    return true;
}

void InterpreterDialog::accept() {
    if (apply()) QDialog::accept();
}

} // namespace clab::editor
