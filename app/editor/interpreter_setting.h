// Which python the editor runs: python3 on PATH unless the student chose another (any python3.x on
// PATH, or a file), remembered in QSettings. A choice is accepted only after asking the interpreter
// itself (`PATH --version`), so a typo or a non-python file is refused with the reason.
#pragma once

#include <QDialog>
#include <QObject>
#include <QString>
#include <QStringList>
#include <optional>

class QAction;
class QComboBox;
class QLabel;

namespace clab::editor {

// The saved choice; empty means python3 on PATH.
QString saved_interpreter();
// Saves `python` (empty: back to python3 on PATH) and tells every editor (InterpreterNotifier).
void save_interpreter(const QString& python);

// Runs `python --version`: "Python 3.11.7", or nothing and `error` says why.
std::optional<QString> interpreter_version(const QString& python, QString& error);

// python3 and every python3.N (and free-threaded python3.Nt) found on PATH, by name.
QStringList interpreters_on_path();

// The Settings entry (the Run menu): "Python interpreter… (python3 · Python 3.11.2 · GIL)", which
// opens the dialog below; its text follows the choice.
QAction* interpreter_action(QWidget* window);

// One object that announces a new choice to every open editor.
class InterpreterNotifier : public QObject {
    Q_OBJECT
public:
    static InterpreterNotifier* instance();
signals:
    void changed(const QString& python);
};

// The dialog: a list of the interpreters on PATH (editable: type a path), Browse…, and a line saying
// what `--version` answered. OK saves a valid choice only.
class InterpreterDialog : public QDialog {
    Q_OBJECT
public:
    explicit InterpreterDialog(QWidget* parent = nullptr);
    QComboBox* choice() const { return choice_; }
    QLabel* verdict() const { return verdict_; }
    // Validates the current text; true (and saved) when it is a working python.
    bool apply();
    void accept() override;

private:
    void check();

    QComboBox* choice_ = nullptr;
    QLabel* verdict_ = nullptr;
};

} // namespace clab::editor
