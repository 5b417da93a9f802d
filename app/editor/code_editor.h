// The editor of one python snippet: line numbers, the lesson's python colours, monospace,
// Tab = 4 spaces, undo/redo (QPlainTextEdit's), and one marked line (a traceback's or a syntax
// error's). The font size follows the surrounding widgets' (View → Zoom, Ctrl+= / Ctrl+- / Ctrl+0,
// and presenter mode make the whole window larger, the code with it).
#pragma once

#include <QPlainTextEdit>
#include <QPointer>

namespace clab::gui {
class PythonHighlighter;
}

namespace clab::editor {

class CodeEditor : public QPlainTextEdit {
    Q_OBJECT
public:
    explicit CodeEditor(QWidget* parent = nullptr);

    // Moves the cursor to `line` (1-based), shows it and marks it with `why` as its tooltip; 0 clears.
    void markLine(int line, const QString& why = {});
    int markedLine() const { return marked_line_; }

    int lineNumberWidth() const;
    void paintLineNumbers(QPaintEvent* event);

protected:
    void keyPressEvent(QKeyEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    bool event(QEvent* event) override; // the marked line's tooltip; follow the window's font
    bool eventFilter(QObject* watched, QEvent* event) override; // the window's font changed

private:
    void updateMargins();
    void applyFont();   // monospace at the parent's size
    void watchWindow(); // a font set on the window (presenter mode) reaches us through its FontChange
    void updateSelections();

    QWidget* numbers_ = nullptr;
    gui::PythonHighlighter* highlighter_ = nullptr;
    int marked_line_ = 0;
    double base_pt_ = 0; // the parent's size the font was made for
    QPointer<QWidget> watched_;
    QString marked_why_;
};

} // namespace clab::editor
