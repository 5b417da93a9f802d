#include "open_file_dialog.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>

namespace clab::gui {

namespace {

// The widget dialog's name field (Qt's ui names it); none while a native dialog is in use,
// which checks names itself without a box of Qt's.
QLineEdit* name_edit(const QFileDialog* dialog) {
    return dialog->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"));
}

// QFileDialog::accept() reads a name it cannot find as an environment variable ("$HOME").
QFileInfo as_qt_reads_it(const QString& path) {
    QFileInfo info(path);
    if (!info.exists() && path.size() > 1 && path.startsWith(QLatin1Char('$')))
        info = QFileInfo(qEnvironmentVariable(qPrintable(path.mid(1))));
    return info;
}

} // namespace

OpenFileDialog::OpenFileDialog(QWidget* parent, const QString& caption, const QString& directory,
                               const QString& filter)
    : QFileDialog(parent, caption, directory, filter) {
    setAttribute(Qt::WA_DeleteOnClose);
    // Qt's file list asks "delete it?" (Delete key, context menu) and its "Look in" field says
    // "Directory not found" with exec'd boxes too: the list is read-only here (no delete, rename
    // or new folder) and the folder is picked from the list, not typed in "Look in".
    setOption(ReadOnly, true);
    if (auto* look_in = findChild<QComboBox*>(QStringLiteral("lookInCombo"))) look_in->setEditable(false);
}

QString OpenFileDialog::problem() const {
    return problem_ && problem_->isVisible() ? problem_->text() : QString();
}

QString OpenFileDialog::whyNotAccepted() const {
    const QLineEdit* edit = name_edit(this);
    if (!edit) return {};
    const FileMode mode = fileMode();
    if (mode != Directory && mode != ExistingFile && mode != ExistingFiles) return {}; // saving: any name
    if (edit->text() == QLatin1String("..")) return {};                                // Qt goes up a folder
    QStringList files = selectedFiles();
    if (mode == Directory && !files.isEmpty()) files = {files.first()}; // all Qt looks at
    for (const QString& file : files) {
        const QFileInfo info = as_qt_reads_it(file);
        if (!info.exists())
            return mode == Directory
                       ? tr("There is no folder “%1” in %2.")
                             .arg(info.fileName(), QDir::toNativeSeparators(info.absolutePath()))
                       : tr("There is no file “%1” in %2.")
                             .arg(info.fileName(), QDir::toNativeSeparators(info.absolutePath()));
        if (mode == Directory && !info.isDir()) // Qt would silently stay open
            return tr("“%1” is a file, not a folder.").arg(info.fileName());
    }
    return {};
}

QString OpenFileDialog::fileToReplace() const {
    if (!name_edit(this) || acceptMode() != AcceptSave || fileMode() != AnyFile ||
        testOption(DontConfirmOverwrite))
        return {};
    const QString file = selectedFiles().value(0);
    const QFileInfo info(file);
    return info.exists() && !info.isDir() ? file : QString();
}

void OpenFileDialog::sayProblem(const QString& text) {
    QLineEdit* edit = name_edit(this);
    if (!problem_) {
        problem_ = new QLabel(this);
        problem_->setObjectName(QStringLiteral("fileDialogProblem"));
        problem_->setWordWrap(true);
        problem_->setTextInteractionFlags(Qt::TextSelectableByMouse);
        problem_->setAccessibleName(tr("Problem with the name"));
        if (auto* grid = qobject_cast<QGridLayout*>(layout()))
            grid->addWidget(problem_, grid->rowCount(), 0, 1, grid->columnCount());
        // Typing a new name takes the old complaint away.
        if (edit)
            connect(edit, &QLineEdit::textEdited, this, [this] {
                problem_->hide();
                replace_.clear();
            });
    }
    problem_->setText(text);
    problem_->show();
    if (edit) {
        edit->setFocus();
        edit->selectAll();
    }
}

void OpenFileDialog::accept() {
    if (const QString why = whyNotAccepted(); !why.isEmpty()) return sayProblem(why);
    const QString replace = fileToReplace();
    if (!replace.isEmpty() && replace != replace_) {
        replace_ = replace;
        return sayProblem(
            tr("“%1” already exists. %2 again to replace it.")
                .arg(QFileInfo(replace).fileName(), labelText(Accept).remove(QLatin1Char('&'))));
    }
    if (problem_) problem_->hide();
    // The question was asked and answered here: Qt must not ask it again with its box.
    if (!replace.isEmpty()) setOption(DontConfirmOverwrite, true);
    QFileDialog::accept();
    if (!replace.isEmpty()) setOption(DontConfirmOverwrite, false);
}

} // namespace clab::gui
