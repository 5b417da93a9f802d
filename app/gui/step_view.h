// The middle panel: one lesson step. Its title, its Markdown text (Python highlighted), the
// prediction to make before the run, "what to notice" (each can highlight part of the timeline),
// the recap's check questions, and Back / Next.
#pragma once

#include "lessons/lesson.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QScrollArea;
class QSplitter;
class QTextBrowser;

namespace clab::editor {
class StepCode;
}

namespace clab::gui {

class CheckQuestionsBox;
class PredictionBox;
class PythonHighlighter;

class StepView : public QWidget {
    Q_OBJECT
public:
    explicit StepView(QWidget* parent = nullptr);

    // Shows step `step` (0-based) of `lesson`.
    void showStep(const lessons::Lesson& lesson, int step, bool has_previous, bool has_next);
    // Shows a message instead of a step (no lessons, a broken lesson file).
    void showMessage(const QString& title, const QString& text);

    PredictionBox* predictionBox() const { return prediction_; }
    CheckQuestionsBox* checkQuestions() const { return checks_; }
    QTextBrowser* textBrowser() const { return text_; }
    editor::StepCode* code() const { return code_; } // the step's snippets and exercises, editable
    QString title() const;

signals:
    void backRequested();
    void nextRequested();
    void noticeClicked(const clab::lessons::Notice& notice);

protected:
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void restyle(); // colours for the current background (desk or projector)
    void balanceSplit();
    void updateFonts();
    void setNotices(const QList<lessons::Notice>& notices);

    QLabel* lesson_label_ = nullptr;
    QLabel* title_ = nullptr;
    QTextBrowser* text_ = nullptr;
    PythonHighlighter* highlighter_ = nullptr;
    QSplitter* split_ = nullptr;
    QScrollArea* activity_scroll_ = nullptr;
    QWidget* activity_ = nullptr;
    PredictionBox* prediction_ = nullptr;
    QWidget* notices_box_ = nullptr;
    QLabel* notices_label_ = nullptr;
    CheckQuestionsBox* checks_ = nullptr;
    editor::StepCode* code_ = nullptr;
    QPushButton* back_ = nullptr;
    QPushButton* next_ = nullptr;
    QLabel* position_ = nullptr;
    QList<lessons::Notice> notices_;
};

} // namespace clab::gui
