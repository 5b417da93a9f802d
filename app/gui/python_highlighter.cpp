#include "python_highlighter.h"

#include <QFontDatabase>
#include <QFontMetrics>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>

namespace clab::gui {

namespace {
QTextCharFormat char_format(const QColor& colour, bool bold = false, bool italic = false) {
    QTextCharFormat f;
    f.setForeground(colour);
    if (bold) f.setFontWeight(QFont::Bold);
    f.setFontItalic(italic);
    return f;
}

enum BlockState { Normal = 0, InTripleDouble = 1, InTripleSingle = 2 };
} // namespace

PythonHighlighter::PythonHighlighter(QTextDocument* document)
    : QSyntaxHighlighter(document) {
    // Colours chosen to stay readable on the light code background and on a projector.
    const QStringList keywords = {
        "and",  "as",   "assert", "async", "await",    "break", "class", "continue", "def",   "del",
        "elif", "else", "except", "False", "finally",  "for",   "from",  "global",   "if",    "import",
        "in",   "is",   "lambda", "None",  "nonlocal", "not",   "or",    "pass",     "raise", "return",
        "True", "try",  "while",  "with",  "yield",    "match", "case"};
    rules_.append({QRegularExpression(QStringLiteral("\\b(%1)\\b").arg(keywords.join(QLatin1Char('|')))),
                   char_format(QColor(0x8B, 0x00, 0x8B), true)});
    const QStringList builtins = {"print",     "range", "len", "sum",    "list",  "dict",
                                  "set",       "int",   "str", "float",  "open",  "isinstance",
                                  "enumerate", "zip",   "map", "sorted", "super", "self"};
    rules_.append({QRegularExpression(QStringLiteral("\\b(%1)\\b").arg(builtins.join(QLatin1Char('|')))),
                   char_format(QColor(0x00, 0x5C, 0xA8))});
    rules_.append({QRegularExpression(QStringLiteral("\\b(?:def|class)\\s+(\\w+)")),
                   char_format(QColor(0x00, 0x60, 0x60), true), 1});
    rules_.append({QRegularExpression(QStringLiteral("@[\\w.]+")), char_format(QColor(0xA0, 0x50, 0x00))});
    rules_.append({QRegularExpression(QStringLiteral("\\b\\d[\\d_]*(\\.\\d+)?([eE][+-]?\\d+)?\\b")),
                   char_format(QColor(0xB3, 0x45, 0x00))});
    string_ = char_format(QColor(0x0A, 0x7A, 0x2F));
    comment_ = char_format(QColor(0x6A, 0x6A, 0x6A), false, true);
}

bool PythonHighlighter::isPythonBlock(const QTextBlock& block) {
    const QTextBlockFormat f = block.blockFormat();
    if (!f.hasProperty(QTextFormat::BlockCodeFence) && !f.hasProperty(QTextFormat::BlockCodeLanguage))
        return false;
    const QString language = f.stringProperty(QTextFormat::BlockCodeLanguage).toLower();
    return language == QLatin1String("python") || language == QLatin1String("py") ||
           language == QLatin1String("python3") || language == QLatin1String("pycon");
}

void PythonHighlighter::highlightBlock(const QString& text) {
    setCurrentBlockState(Normal);
    if (!whole_document_ && !isPythonBlock(currentBlock())) return;

    for (const Rule& rule : rules_) {
        auto it = rule.pattern.globalMatch(text);
        while (it.hasNext()) {
            const auto m = it.next();
            setFormat(int(m.capturedStart(rule.group)), int(m.capturedLength(rule.group)), rule.format);
        }
    }

    // Strings and comments last, scanning left to right, so a '#' inside a string is not a comment
    // and keywords inside strings lose their colour. Triple-quoted strings may span blocks.
    int i = 0;
    const int n = int(text.size());
    int state = previousBlockState() > 0 ? previousBlockState() : Normal;
    if (state != Normal) {
        const QString close = state == InTripleDouble ? QStringLiteral("\"\"\"") : QStringLiteral("'''");
        const int end = int(text.indexOf(close));
        if (end < 0) {
            setFormat(0, n, string_);
            setCurrentBlockState(state);
            return;
        }
        setFormat(0, end + 3, string_);
        i = end + 3;
    }
    while (i < n) {
        const QChar c = text[i];
        if (c == QLatin1Char('#')) {
            setFormat(i, n - i, comment_);
            return;
        }
        if (c == QLatin1Char('"') || c == QLatin1Char('\'')) {
            const QString triple(3, c);
            if (text.mid(i, 3) == triple) {
                const int end = int(text.indexOf(triple, i + 3));
                if (end < 0) {
                    setFormat(i, n - i, string_);
                    setCurrentBlockState(c == QLatin1Char('"') ? InTripleDouble : InTripleSingle);
                    return;
                }
                setFormat(i, end + 3 - i, string_);
                i = end + 3;
                continue;
            }
            int j = i + 1;
            while (j < n && text[j] != c)
                j += text[j] == QLatin1Char('\\') ? 2 : 1;
            const int end = std::min(j + 1, n);
            setFormat(i, end - i, string_);
            i = end;
            continue;
        }
        ++i;
    }
}

void style_code_blocks(QTextDocument* document, const QColor& background, const QColor& ink) {
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    const double body_pt =
        document->defaultFont().pointSizeF() > 0 ? document->defaultFont().pointSizeF() : mono.pointSizeF();
    QFont sized = mono;
    sized.setPointSizeF(body_pt);
    const int hang_px = 2 * QFontMetrics(sized).horizontalAdvance(QLatin1Char(' '));
    QTextCursor cursor(document);
    cursor.beginEditBlock();
    for (QTextBlock block = document->begin(); block.isValid(); block = block.next()) {
        const QTextBlockFormat bf = block.blockFormat();
        if (!bf.hasProperty(QTextFormat::BlockCodeFence) && !bf.hasProperty(QTextFormat::BlockCodeLanguage)) {
            // `inline code` in the prose: Markdown gives it the system's fixed font at the
            // desktop's size, half the body's on the projector. As large as the prose around it.
            QList<std::pair<int, int>> spans; // first found, then sized: formats change fragments
            for (auto it = block.begin(); !it.atEnd(); ++it)
                if (const QTextFragment f = it.fragment(); f.isValid() && f.charFormat().fontFixedPitch())
                    spans.append({f.position(), f.position() + f.length()});
            for (const auto& [from, to] : spans) {
                cursor.setPosition(from);
                cursor.setPosition(to, QTextCursor::KeepAnchor);
                QTextCharFormat cf;
                cf.setFontPointSize(body_pt);
                cursor.mergeCharFormat(cf);
            }
            continue;
        }
        cursor.setPosition(block.position());
        QTextBlockFormat code;
        code.setBackground(background);
        // A long line wraps inside the panel (never a sideways scrollbar over the lesson), and its
        // continuation hangs two characters in, so it still reads as one line of Python.
        code.setNonBreakableLines(false);
        code.setLeftMargin(8 + hang_px);
        code.setTextIndent(-hang_px);
        code.setRightMargin(8);
        cursor.mergeBlockFormat(code);
        cursor.setPosition(block.position() + block.length() - 1, QTextCursor::KeepAnchor);
        QTextCharFormat cf;
        cf.setFontFamilies({mono.family()});
        cf.setFontFixedPitch(true);
        cf.setFontPointSize(body_pt); // as large as the prose, on the projector too
        if (ink.isValid()) cf.setForeground(ink);
        cursor.mergeCharFormat(cf);
    }
    cursor.endEditBlock();
}

} // namespace clab::gui
