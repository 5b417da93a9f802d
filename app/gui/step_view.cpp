#include "step_view.h"

#include "check_questions_box.h"
#include "editor/step_code.h"
#include "prediction_box.h"
#include "python_highlighter.h"
#include "summary_panel.h"

#include <QApplication>
#include <QEvent>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStyle>
#include <QTextBrowser>
#include <QTextDocument>
#include <QTimer>
#include <QVBoxLayout>

namespace clab::gui {

StepView::StepView(QWidget* parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("stepView"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 8, 12, 8);

    lesson_label_ = new QLabel(this);
    lesson_label_->setObjectName(QStringLiteral("lessonLabel"));
    lesson_label_->setWordWrap(true); // a long lesson title in presenter mode at 1280 px
    layout->addWidget(lesson_label_);

    title_ = new QLabel(this);
    title_->setObjectName(QStringLiteral("stepTitle"));
    title_->setWordWrap(true);
    layout->addWidget(title_);

    updateFonts();

    split_ = new QSplitter(Qt::Vertical, this);
    split_->setChildrenCollapsible(false);
    text_ = new QTextBrowser(split_);
    text_->setObjectName(QStringLiteral("stepText"));
    text_->setAccessibleName(tr("Lesson text"));
    text_->setAccessibleDescription(tr("The text of the lesson's current step"));
    text_->setOpenExternalLinks(true);
    text_->setFrameShape(QFrame::NoFrame);
    text_->document()->setDocumentMargin(4);
    // Prose and code wrap to the panel (style_code_blocks lets code lines break): nothing to scroll
    // sideways, so no scrollbar can ever sit over the last line of code.
    text_->setLineWrapMode(QTextEdit::WidgetWidth);
    text_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    highlighter_ = new PythonHighlighter(text_->document());

    activity_scroll_ = new QScrollArea(split_);
    activity_scroll_->setWidgetResizable(true);
    activity_scroll_->setAccessibleName(tr("Prediction, questions and code of the step"));
    activity_scroll_->setFrameShape(QFrame::NoFrame);
    activity_ = new QWidget;
    auto* activity_layout = new QVBoxLayout(activity_);
    activity_layout->setContentsMargins(0, 4, 4, 4);
    prediction_ = new PredictionBox(activity_);
    activity_layout->addWidget(prediction_);
    code_ = new editor::StepCode(activity_);
    code_->setMinimumHeight(320);
    activity_layout->addWidget(code_);
    auto* notices_group = new QGroupBox(tr("What to notice"), activity_);
    notices_group->setObjectName(QStringLiteral("notices"));
    auto* notices_layout = new QVBoxLayout(notices_group);
    notices_label_ = new QLabel(notices_group);
    notices_label_->setWordWrap(true);
    notices_label_->setTextFormat(Qt::RichText);
    connect(notices_label_, &QLabel::linkActivated, this, [this](const QString& link) {
        const int i = link.mid(QStringLiteral("notice:").size()).toInt();
        if (i >= 0 && i < notices_.size()) emit noticeClicked(notices_[i]);
    });
    notices_layout->addWidget(notices_label_);
    notices_box_ = notices_group;
    activity_layout->addWidget(notices_box_);
    checks_ = new CheckQuestionsBox(activity_);
    activity_layout->addWidget(checks_);
    activity_scroll_->setWidget(activity_);
    // Whatever moves the focus into the activity (Tab, Esc out of the code editor, a click), the
    // focused control is scrolled into view.
    connect(qApp, &QApplication::focusChanged, this, [this](QWidget*, QWidget* now) {
        if (now && activity_->isAncestorOf(now))
            QTimer::singleShot(0, this, [this, focused = QPointer<QWidget>(now)] {
                if (focused && focused->hasFocus()) activity_scroll_->ensureWidgetVisible(focused, 8, 8);
            });
    });
    split_->addWidget(text_);
    split_->addWidget(activity_scroll_);
    split_->setStretchFactor(0, 3);
    split_->setStretchFactor(1, 2);
    layout->addWidget(split_, 1);

    auto* nav = new QHBoxLayout;
    back_ = new QPushButton(style()->standardIcon(QStyle::SP_ArrowBack), tr("Back"), this);
    back_->setObjectName(QStringLiteral("backButton"));
    back_->setToolTip(tr("Previous step (← or Alt+←)"));
    next_ = new QPushButton(style()->standardIcon(QStyle::SP_ArrowForward), tr("Next"), this);
    next_->setObjectName(QStringLiteral("nextButton"));
    next_->setToolTip(tr("Next step (→ or Alt+→)"));
    next_->setLayoutDirection(Qt::RightToLeft); // icon after the text
    position_ = new QLabel(this);
    position_->setAlignment(Qt::AlignCenter);
    position_->setWordWrap(true); // "Step 4 of 4" takes two lines before "Next lesson" is cut
    nav->addWidget(back_);
    nav->addWidget(position_, 1);
    nav->addWidget(next_);
    layout->addLayout(nav);
    restyle();
    connect(back_, &QPushButton::clicked, this, &StepView::backRequested);
    connect(next_, &QPushButton::clicked, this, &StepView::nextRequested);
}

void StepView::showStep(const lessons::Lesson& lesson, int step, bool has_previous, bool has_next) {
    const lessons::Step& s = lesson.steps.at(step);
    lesson_label_->setText(tr("Lesson %1 · %2").arg(lesson.number).arg(lesson.title));
    title_->setText(s.title);
    // Each python snippet is shown once: in its editor, not also as text.
    text_->setMarkdown(s.python_snippets.isEmpty() ? s.markdown
                                                   : editor::StepCode::textWithoutSnippets(s.markdown));
    restyle();
    highlighter_->rehighlight();
    prediction_->setPrediction(s.prediction, s.prediction && !s.compare.isEmpty()
                                                 ? std::optional(prediction_engine(*s.prediction, s))
                                                 : std::nullopt);
    setNotices(s.notices);
    checks_->setQuestions(s.checks);
    code_->setVisible(code_->setStep(lesson, step));
    const bool any_activity = s.prediction.has_value() || !s.notices.isEmpty() || !s.checks.isEmpty() ||
                              code_->isVisibleTo(activity_);
    activity_scroll_->setVisible(any_activity);
    if (any_activity) QTimer::singleShot(0, this, &StepView::balanceSplit); // once the layout knows sizes
    position_->setText(tr("Step %1 of %2").arg(step + 1).arg(lesson.steps.size()));
    back_->setEnabled(has_previous);
    next_->setEnabled(has_next);
    next_->setText(step + 1 < lesson.steps.size() ? tr("Next") : tr("Next lesson"));
}

void StepView::showMessage(const QString& title, const QString& text) {
    lesson_label_->clear();
    title_->setText(title);
    text_->setPlainText(text);
    activity_scroll_->hide();
    prediction_->setPrediction(std::nullopt);
    position_->clear();
    back_->setEnabled(false);
    next_->setEnabled(false);
}

void StepView::balanceSplit() {
    if (activity_scroll_->isHidden()) return;
    // The activity gets what it needs, up to half of the panel; the text keeps the rest.
    activity_->adjustSize();
    const int total = split_->height() - split_->handleWidth();
    if (total <= 0) return;
    const int wanted = std::min(total / 2, activity_->sizeHint().height() + 6);
    split_->setSizes({total - wanted, wanted});
}

void StepView::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    balanceSplit();
}

void StepView::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange) { // presenter mode scales everything
        updateFonts();
        QTimer::singleShot(0, this, &StepView::restyle); // code follows the body size
    }
    // Deferred: presenter mode sets the style sheet and the palette one after the other.
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
        QTimer::singleShot(0, this, &StepView::restyle);
}

void StepView::restyle() {
    if (text_ == nullptr || notices_label_ == nullptr) return; // an event during construction
    const bool dark = on_dark_background(this);
    lesson_label_->setStyleSheet(QStringLiteral("color: %1;").arg(secondary_text_colour(dark)));
    // Code stays on light paper in both looks: the highlighter's colours are made for it, and on
    // the projector a light block reads better than dark syntax colours on black.
    if (dark)
        style_code_blocks(text_->document(), QColor(0xF2, 0xF2, 0xF2), QColor(0x10, 0x10, 0x10));
    else
        style_code_blocks(text_->document(), palette().color(QPalette::AlternateBase).darker(103));
    setNotices(notices_); // the links' colour
}

void StepView::updateFonts() {
    QFont big = font();
    big.setPointSizeF(font().pointSizeF() * 1.55);
    big.setBold(true);
    title_->setFont(big);
    QFont small = font();
    small.setCapitalization(QFont::AllUppercase);
    small.setLetterSpacing(QFont::PercentageSpacing, 106);
    lesson_label_->setFont(small);
}

QString StepView::title() const {
    return title_->text();
}

void StepView::setNotices(const QList<lessons::Notice>& notices) {
    notices_ = notices;
    notices_box_->setVisible(!notices.isEmpty());
    // Rich text takes its link colour from a palette that may be the light one: say it explicitly.
    const QString link = on_dark_background(this) ? QStringLiteral(" style='color:#ffd700'") : QString();
    QString html;
    for (int i = 0; i < notices.size(); ++i) {
        const lessons::Notice& n = notices[i];
        html += QStringLiteral("<p style='margin-bottom:6px'>• %1").arg(n.text.toHtmlEscaped());
        if (!n.lane.isEmpty() || n.from_s >= 0)
            html += QStringLiteral(" &nbsp;<a href='notice:%1'%2>%3</a>").arg(i).arg(link, tr("Show me"));
        html += QStringLiteral("</p>");
    }
    notices_label_->setText(html);
}

} // namespace clab::gui
