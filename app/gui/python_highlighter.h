// Colours Python in the code blocks of a Markdown lesson (and nothing else). Qt's Markdown
// importer marks fenced code blocks with QTextFormat::BlockCodeFence / BlockCodeLanguage in the
// block format, so the highlighter checks each block before touching it.
#pragma once

#include <QRegularExpression>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace clab::gui {

class PythonHighlighter : public QSyntaxHighlighter {
    Q_OBJECT
public:
    explicit PythonHighlighter(QTextDocument* document);

    // True for a block of a fenced code block whose language is Python (```python, ```py, ```pycon).
    static bool isPythonBlock(const QTextBlock& block);
    // Colours every block, not just fenced python ones: the document is all code (the editor).
    void setWholeDocument(bool whole) { whole_document_ = whole; }

protected:
    void highlightBlock(const QString& text) override;

private:
    struct Rule {
        QRegularExpression pattern;
        QTextCharFormat format;
        int group = 0;
    };
    QList<Rule> rules_;
    QTextCharFormat string_;
    QTextCharFormat comment_;
    bool whole_document_ = false;
};

// Gives every fenced code block of `document` a tinted background and a monospace font.
// `ink`, when valid, is the colour of code the highlighter leaves plain (it must suit `background`,
// whatever the text colour of the page around it).
void style_code_blocks(QTextDocument* document, const QColor& background, const QColor& ink = QColor());

} // namespace clab::gui
