#include "output_pane.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTextCharFormat>
#include <QVBoxLayout>

namespace clab::editor {

OutputPane::OutputPane(QWidget* parent)
    : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    text_ = new QPlainTextEdit(this);
    text_->setObjectName(QStringLiteral("programOutput"));
    text_->setAccessibleName(tr("Program output"));
    text_->setAccessibleDescription(tr("What the program printed, its errors and its exit status"));
    text_->setReadOnly(true);
    // Monospace, but only the family is set: the size follows the window's (presenter mode).
    QFont mono;
    mono.setFamilies(QFontDatabase::systemFont(QFontDatabase::FixedFont).families());
    mono.setStyleHint(QFont::Monospace);
    text_->setFont(mono);
    text_->setPlaceholderText(tr("The program's output appears here."));
    text_->setMaximumBlockCount(5000); // a runaway print loop must not eat the memory
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("runStatus"));
    status_->setWordWrap(true);
    layout->addWidget(text_, 1);
    layout->addWidget(status_);
}

void OutputPane::clear() {
    text_->clear();
    status_->clear();
}

void OutputPane::append(const QString& text, bool is_stderr) {
    QTextCursor cursor(text_->document());
    cursor.movePosition(QTextCursor::End);
    QTextCharFormat format;
    if (is_stderr) format.setForeground(QColor(0xB0, 0x10, 0x10));
    cursor.insertText(text, format);
    text_->ensureCursorVisible();
}

void OutputPane::setStatus(const QString& text, bool ok) {
    status_->setStyleSheet(ok ? QString() : QStringLiteral("color: #B01010;"));
    status_->setText(text);
}

void OutputPane::showEnd(const lessons::ProgramRun& run) {
    const double wall = run.figures.value(QStringLiteral("wall_s"), 0);
    if (!run.problem.isEmpty())
        setStatus(run.problem, false);
    else if (run.timed_out)
        setStatus(tr("Stopped: still running at the time limit (%1 s)").arg(wall, 0, 'f', 1), false);
    else if (run.exit_status < 0)
        setStatus(tr("Killed by signal %1 after %2 s").arg(-run.exit_status).arg(wall, 0, 'f', 2), false);
    else
        setStatus(tr("Exit status %1 · %2 s").arg(run.exit_status).arg(wall, 0, 'f', 2),
                  run.exit_status == 0);
}

QString OutputPane::text() const {
    return text_->toPlainText();
}

QString OutputPane::status() const {
    return status_->text();
}

} // namespace clab::editor
