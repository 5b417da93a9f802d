#include "check_questions_box.h"

#include "summary_panel.h"
#include "wrapping_radio_button.h"

#include <QButtonGroup>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>
#include <algorithm>

namespace clab::gui {

CheckQuestionsBox::CheckQuestionsBox(QWidget* parent)
    : QGroupBox(tr("Check yourself"), parent) {
    setObjectName(QStringLiteral("checkQuestions"));
    auto* layout = new QVBoxLayout(this);
    body_ = new QWidget(this);
    body_layout_ = new QVBoxLayout(body_);
    body_layout_->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(body_);
    auto* row = new QHBoxLayout;
    auto* check_button = new QPushButton(tr("Check answers"), this);
    connect(check_button, &QPushButton::clicked, this, &CheckQuestionsBox::check);
    score_ = new QLabel(this);
    row->addWidget(check_button);
    row->addWidget(score_, 1);
    layout->addLayout(row);
    hide();
}

void CheckQuestionsBox::setQuestions(const QList<lessons::CheckQuestion>& questions) {
    for (Item& item : items_)
        delete item.group;
    items_.clear();
    while (QLayoutItem* child = body_layout_->takeAt(0)) {
        delete child->widget();
        delete child;
    }
    score_->clear();
    setVisible(!questions.isEmpty());
    int number = 1;
    for (const lessons::CheckQuestion& q : questions) {
        auto* frame = new QWidget(body_);
        auto* v = new QVBoxLayout(frame);
        v->setContentsMargins(0, 4, 0, 4);
        auto* label =
            new QLabel(QStringLiteral("<b>%1.</b> %2").arg(number++).arg(q.question.toHtmlEscaped()), frame);
        label->setWordWrap(true);
        v->addWidget(label);
        Item item;
        item.question = q;
        item.group = new QButtonGroup(frame);
        int id = 1;
        for (const QString& choice : q.choices) {
            auto* b = new WrappingRadioButton(choice, frame);
            item.group->addButton(b, id++);
            v->addWidget(b);
        }
        item.result = new QLabel(frame);
        item.result->setWordWrap(true);
        item.result->hide();
        v->addWidget(item.result);
        body_layout_->addWidget(frame);
        items_.append(item);
    }
}

int CheckQuestionsBox::check() {
    int right = 0;
    for (Item& item : items_) {
        const int picked = item.group->checkedId();
        const bool ok = picked == item.question.answer;
        right += ok ? 1 : 0;
        const QString answer = item.question.choices.value(item.question.answer - 1);
        QString text = picked < 1 ? tr("The answer: %1.").arg(answer)
                       : ok       ? tr("Right.")
                                  : tr("Not quite — the answer is: %1.").arg(answer);
        if (!item.question.explain.isEmpty()) text += QLatin1Char(' ') + item.question.explain;
        item.result->setText(
            QStringLiteral("<span style='color:%1'>%2</span>")
                .arg(
                    severity_colour(ok ? Severity::Good : Severity::Warning, on_dark_background(this)).name(),
                    text.toHtmlEscaped()));
        item.result->show();
    }
    score_->setText(tr("%1 of %2 right").arg(right).arg(items_.size()));
    emit checked(right, int(items_.size()));
    return right;
}

QList<int> CheckQuestionsBox::answers() const {
    QList<int> picked;
    for (const Item& item : items_)
        picked.append(std::max(0, item.group->checkedId()));
    return picked;
}

void CheckQuestionsBox::restoreAnswers(const QList<int>& answers) {
    bool any = false;
    for (qsizetype i = 0; i < items_.size() && i < answers.size(); ++i)
        if (QAbstractButton* b = items_[i].group->button(answers[i])) {
            b->setChecked(true);
            any = true;
        }
    if (!any) return;
    const QSignalBlocker quiet(this);
    check();
}

} // namespace clab::gui
