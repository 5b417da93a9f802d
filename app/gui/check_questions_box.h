// The recap's check questions (last step of a lesson): pick an answer, press Check, read why.
#pragma once

#include "lessons/lesson.h"

#include <QGroupBox>

class QButtonGroup;
class QLabel;
class QVBoxLayout;

namespace clab::gui {

class CheckQuestionsBox : public QGroupBox {
    Q_OBJECT
public:
    explicit CheckQuestionsBox(QWidget* parent = nullptr);

    void setQuestions(const QList<lessons::CheckQuestion>& questions); // hides the box when empty
    // Grades every question; returns how many were right.
    int check();
    // The picked choice of each question (1-based; 0: none picked), in question order.
    QList<int> answers() const;
    // Puts back answers saved earlier and grades them again, as the student left the box. Emits nothing.
    void restoreAnswers(const QList<int>& answers);

signals:
    void checked(int right, int total);

private:
    struct Item {
        lessons::CheckQuestion question;
        QButtonGroup* group = nullptr;
        QLabel* result = nullptr;
    };
    QList<Item> items_;
    QWidget* body_ = nullptr;
    QVBoxLayout* body_layout_ = nullptr;
    QLabel* score_ = nullptr;
};

} // namespace clab::gui
