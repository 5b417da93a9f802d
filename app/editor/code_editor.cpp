#include "code_editor.h"

#include "gui/python_highlighter.h"

#include <QApplication>
#include <QFontDatabase>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QTextBlock>
#include <QToolTip>
#include <cmath>

namespace clab::editor {

namespace {
constexpr int kIndent = 4;
constexpr int kSmallestPt = 7;
constexpr int kLargestPt = 40;

// The strip left of the text that shows line numbers; CodeEditor paints it.
class LineNumbers : public QWidget {
public:
    explicit LineNumbers(CodeEditor* editor)
        : QWidget(editor)
        , editor_(editor) {}
    QSize sizeHint() const override { return {editor_->lineNumberWidth(), 0}; }

protected:
    void paintEvent(QPaintEvent* event) override { editor_->paintLineNumbers(event); }

private:
    CodeEditor* editor_;
};
} // namespace

CodeEditor::CodeEditor(QWidget* parent)
    : QPlainTextEdit(parent) {
    setObjectName(QStringLiteral("codeEditor"));
    setAccessibleName(tr("Python code"));
    applyFont();
    watchWindow();
    setLineWrapMode(QPlainTextEdit::NoWrap);
    highlighter_ = new gui::PythonHighlighter(document());
    highlighter_->setWholeDocument(true);
    numbers_ = new LineNumbers(this);
    connect(this, &QPlainTextEdit::blockCountChanged, this, &CodeEditor::updateMargins);
    connect(this, &QPlainTextEdit::updateRequest, this, [this](const QRect& rect, int dy) {
        if (dy != 0)
            numbers_->scroll(0, dy);
        else
            numbers_->update(0, rect.y(), numbers_->width(), rect.height());
    });
    // An edit makes the old traceback's mark wrong.
    connect(this, &QPlainTextEdit::textChanged, this, [this] {
        if (marked_line_ != 0) markLine(0);
    });
    updateMargins();
}

int CodeEditor::lineNumberWidth() const {
    const int digits = QString::number(std::max(1, blockCount())).size();
    return 8 + fontMetrics().horizontalAdvance(QLatin1Char('9')) * std::max(2, digits);
}

void CodeEditor::updateMargins() {
    setViewportMargins(lineNumberWidth(), 0, 0, 0);
    const QRect area = contentsRect();
    numbers_->setGeometry(area.left(), area.top(), lineNumberWidth(), area.height());
}

void CodeEditor::resizeEvent(QResizeEvent* event) {
    QPlainTextEdit::resizeEvent(event);
    updateMargins();
}

void CodeEditor::paintLineNumbers(QPaintEvent* event) {
    QPainter painter(numbers_);
    painter.fillRect(event->rect(), palette().color(QPalette::AlternateBase));
    QTextBlock block = firstVisibleBlock();
    int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
    while (block.isValid() && top <= event->rect().bottom()) {
        const int height = qRound(blockBoundingRect(block).height());
        const int number = block.blockNumber() + 1;
        if (block.isVisible() && top + height >= event->rect().top()) {
            painter.setPen(number == marked_line_ ? QColor(0xC0, 0x20, 0x20)
                                                  : palette().color(QPalette::PlaceholderText));
            painter.drawText(0, top, numbers_->width() - 4, height, Qt::AlignRight | Qt::AlignVCenter,
                             QString::number(number));
        }
        block = block.next();
        top += height;
    }
}

void CodeEditor::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Escape && event->modifiers() == Qt::NoModifier) {
        // Tab indents here, so Esc is the keyboard's way out to the next control (no trap). QWidget's
        // own step: an editable QPlainTextEdit refuses to hand the focus on.
        QWidget::focusNextPrevChild(true);
        return;
    }
    if (event->key() == Qt::Key_Tab && event->modifiers() == Qt::NoModifier) {
        // Python wants spaces: a tab becomes the spaces to the next multiple of four.
        const int column = textCursor().positionInBlock();
        insertPlainText(QString(kIndent - column % kIndent, QLatin1Char(' ')));
        return;
    }
    if (event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) {
        if (event->modifiers() & Qt::ControlModifier) { // Ctrl+Enter is Run: the window's shortcut
            event->ignore();
            return;
        }
        // Keep the indentation of the line, one level more after a ':'.
        const QString line = textCursor().block().text();
        int indent = 0;
        while (indent < line.size() && line[indent] == QLatin1Char(' '))
            ++indent;
        if (line.trimmed().endsWith(QLatin1Char(':'))) indent += kIndent;
        QPlainTextEdit::keyPressEvent(event);
        insertPlainText(QString(indent, QLatin1Char(' ')));
        return;
    }
    QPlainTextEdit::keyPressEvent(event);
}

void CodeEditor::watchWindow() {
    QWidget* top = window();
    if (top == watched_ || top == this) return;
    if (watched_) watched_->removeEventFilter(this);
    watched_ = top;
    top->installEventFilter(this);
}

bool CodeEditor::eventFilter(QObject* watched, QEvent* event) {
    // The window's FontChange comes after its children took the new font: the parent has it now.
    if (watched == watched_ && event->type() == QEvent::FontChange) applyFont();
    return QPlainTextEdit::eventFilter(watched, event);
}

void CodeEditor::applyFont() {
    const QWidget* parent = parentWidget();
    base_pt_ = (parent ? parent->font() : QApplication::font()).pointSizeF();
    if (base_pt_ <= 0) base_pt_ = 10;
    QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    font.setPointSize(std::clamp(int(std::lround(base_pt_)), kSmallestPt, kLargestPt));
    setFont(font);
    setTabStopDistance(QFontMetrics(font).horizontalAdvance(QLatin1Char(' ')) * kIndent);
    if (numbers_) updateMargins();
}

void CodeEditor::markLine(int line, const QString& why) {
    marked_line_ = line;
    marked_why_ = why;
    if (line > 0) {
        const QTextBlock block = document()->findBlockByNumber(line - 1);
        if (block.isValid()) {
            QTextCursor cursor(block);
            setTextCursor(cursor);
            ensureCursorVisible();
        }
    }
    updateSelections();
    numbers_->update();
}

void CodeEditor::updateSelections() {
    QList<QTextEdit::ExtraSelection> selections;
    if (marked_line_ > 0) {
        QTextEdit::ExtraSelection mark;
        mark.format.setBackground(QColor(0xFF, 0xD6, 0xD6));
        mark.format.setProperty(QTextFormat::FullWidthSelection, true);
        mark.cursor = QTextCursor(document()->findBlockByNumber(marked_line_ - 1));
        selections.append(mark);
    }
    setExtraSelections(selections);
}

bool CodeEditor::event(QEvent* event) {
    // A widget with a font size of its own hears nothing when its window's font changes, so the
    // editor watches its window (whichever it is once shown) and follows the parent's size.
    if (event->type() == QEvent::Show || event->type() == QEvent::ParentChange) {
        watchWindow();
        const QWidget* parent = parentWidget();
        const double base = (parent ? parent->font() : QApplication::font()).pointSizeF();
        if (base > 0 && base != base_pt_) applyFont();
    }
    if (event->type() == QEvent::ToolTip && marked_line_ > 0) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QTextCursor at = cursorForPosition(viewport()->mapFrom(this, help->pos()));
        if (at.blockNumber() + 1 == marked_line_) {
            QToolTip::showText(help->globalPos(), marked_why_, this);
            return true;
        }
    }
    return QPlainTextEdit::event(event);
}

} // namespace clab::editor
