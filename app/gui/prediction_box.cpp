#include "prediction_box.h"

#include "summary_panel.h"
#include "wrapping_radio_button.h"

#include <QButtonGroup>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QLabel>
#include <QTimer>
#include <QVBoxLayout>
#include <cmath>

namespace clab::gui {

PredictionBox::PredictionBox(QWidget* parent)
    : QGroupBox(tr("Predict before you run"), parent) {
    setObjectName(QStringLiteral("predictionBox"));
    auto* layout = new QVBoxLayout(this);
    question_ = new QLabel(this);
    question_->setWordWrap(true);
    question_->setTextFormat(Qt::PlainText);
    layout->addWidget(question_);
    choices_host_ = new QWidget(this);
    choices_layout_ = new QVBoxLayout(choices_host_);
    choices_layout_->setContentsMargins(8, 0, 0, 0);
    layout->addWidget(choices_host_);
    group_ = new QButtonGroup(this);
    connect(group_, &QButtonGroup::idClicked, this, [this] { emit answered(answer()); });
    number_ = new QDoubleSpinBox(this);
    number_->setRange(0, 1e9);
    number_->setDecimals(2);
    number_->setMaximumWidth(180);
    number_->setSpecialValueText(tr("your guess"));
    connect(number_, &QDoubleSpinBox::valueChanged, this, [this] {
        number_given_ = true;
        emit answered(answer());
    });
    layout->addWidget(number_);
    verdict_ = new QLabel(this);
    verdict_->setWordWrap(true);
    verdict_->setObjectName(QStringLiteral("verdict"));
    verdict_->setTextFormat(Qt::PlainText);
    layout->addWidget(verdict_);
    setPrediction(std::nullopt);
}

void PredictionBox::clearChoices() {
    for (QAbstractButton* b : group_->buttons()) {
        group_->removeButton(b);
        delete b;
    }
}

void PredictionBox::setPrediction(const std::optional<lessons::Prediction>& prediction,
                                  std::optional<EngineKind> about) {
    prediction_ = prediction;
    about_ = about;
    figure_shown_ = false;
    clearChoices();
    verdict_->clear();
    verdict_->hide();
    number_given_ = false;
    setVisible(prediction.has_value());
    if (!prediction) return;
    question_->setText(prediction->question);
    number_->setVisible(prediction->numeric);
    {
        const QSignalBlocker block(number_);
        number_->setValue(0);
    }
    number_->setEnabled(true);
    if (!prediction->numeric) {
        int id = 1;
        for (const QString& choice : prediction->choices) {
            auto* button = new WrappingRadioButton(choice, choices_host_);
            group_->addButton(button, id++);
            choices_layout_->addWidget(button);
        }
    }
    choices_host_->setVisible(!prediction->numeric);
}

PredictionAnswer PredictionBox::answer() const {
    PredictionAnswer a;
    if (!prediction_) return a;
    if (prediction_->numeric) {
        if (number_given_) a.number = number_->value();
    } else {
        a.choice = std::max(0, group_->checkedId());
    }
    return a;
}

void PredictionBox::setAnswer(const PredictionAnswer& a) {
    if (!prediction_) return;
    if (prediction_->numeric && a.number) {
        number_->setValue(*a.number);
        number_given_ = true;
    } else if (QAbstractButton* b = group_->button(a.choice)) {
        b->setChecked(true);
        emit answered(answer());
    }
}

Verdict PredictionBox::reveal(const Summary& summary) {
    if (!prediction_) return {};
    const bool ours = !about_ || summary.spec.engine == *about_;
    if (!ours && figure_shown_) return shown_verdict_;
    const QString about = about_ ? QString::fromLatin1(to_string(*about_).data()) : QString();
    const Verdict v = prediction_verdict(*prediction_, answer(), ours ? &summary : nullptr, about);
    figure_shown_ = ours;
    shown_verdict_ = v;
    verdict_->setText(v.text);
    colourVerdict();
    verdict_->show();
    // Mark the right choice so the answer stays visible while the student reads the timeline.
    if (!prediction_->numeric)
        if (QAbstractButton* right = group_->button(prediction_->answer))
            right->setText(prediction_->choices.value(prediction_->answer - 1) + QStringLiteral("  ✔"));
    return v;
}

void PredictionBox::colourVerdict() {
    if (verdict_ == nullptr) return; // an event during construction
    const bool dark = on_dark_background(this);
    const Verdict& v = shown_verdict_;
    const QString colour = !v.answered
                               ? (dark ? QStringLiteral("#d8d8d8") : QStringLiteral("#444444"))
                               : severity_colour(v.right ? Severity::Good : Severity::Warning, dark).name();
    verdict_->setStyleSheet(QStringLiteral("color: %1; font-weight: 600;").arg(colour));
    verdict_->setFont(font()); // as large as the question, in presenter mode too
}

void PredictionBox::changeEvent(QEvent* event) {
    QGroupBox::changeEvent(event);
    // Deferred: presenter mode sets the style sheet and the palette one after the other.
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange ||
        event->type() == QEvent::FontChange)
        QTimer::singleShot(0, this, &PredictionBox::colourVerdict);
}

QString PredictionBox::verdictText() const {
    return verdict_->isHidden() ? QString() : verdict_->text();
}

} // namespace clab::gui
