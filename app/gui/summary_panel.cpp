#include "summary_panel.h"

#include <QEvent>
#include <QGridLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace clab::gui {

namespace {
constexpr int kPairsPerLine = 3; // metric columns: the panel is wide and short
}

QColor severity_colour(Severity severity) {
    switch (severity) {
    case Severity::Good:
        return QColor(0x00, 0x73, 0x4F);
    case Severity::Warning:
        return QColor(0xB3, 0x5A, 0x00);
    case Severity::Error:
        return QColor(0xC0, 0x1C, 0x28);
    case Severity::Info:
        break;
    }
    return QColor();
}

SummaryPanel::SummaryPanel(QWidget* parent)
    : QFrame(parent) {
    setObjectName(QStringLiteral("summaryPanel"));
    setFrameShape(QFrame::StyledPanel);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 8, 10, 8);
    headline_ = new QLabel(this);
    headline_->setObjectName(QStringLiteral("summaryHeadline"));
    headline_->setWordWrap(true);
    updateFonts();
    layout->addWidget(headline_);
    rows_host_ = new QWidget(this);
    rows_ = new QGridLayout(rows_host_);
    rows_->setContentsMargins(0, 4, 0, 0);
    rows_->setHorizontalSpacing(12);
    rows_->setVerticalSpacing(3);
    layout->addWidget(rows_host_);
    baseline_note_ = new QLabel(this);
    baseline_note_->setStyleSheet(QStringLiteral("color: palette(mid);"));
    layout->addWidget(baseline_note_);
    layout->addStretch(1);
    clear(tr("Press Run (Space) to start the experiment. The numbers of the run appear here."));
}

void SummaryPanel::changeEvent(QEvent* event) {
    QFrame::changeEvent(event);
    if (event->type() == QEvent::FontChange) updateFonts(); // presenter mode scales everything
}

void SummaryPanel::updateFonts() {
    QFont f = font();
    f.setBold(true);
    f.setPointSizeF(font().pointSizeF() * 1.1);
    headline_->setFont(f);
}

void SummaryPanel::setHeadline(const QString& text, Severity severity) {
    const QColor c = severity_colour(severity);
    headline_->setStyleSheet(c.isValid() ? QStringLiteral("color: %1;").arg(c.name()) : QString());
    headline_->setText(text);
}

void SummaryPanel::clearRows() {
    while (QLayoutItem* item = rows_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    shown_.clear();
}

void SummaryPanel::clear(const QString& note) {
    clearRows();
    baseline_note_->clear();
    setHeadline(note, Severity::Info);
}

void SummaryPanel::showRunning(const QString& what) {
    clearRows();
    baseline_note_->clear();
    setHeadline(what, Severity::Info);
}

void SummaryPanel::showSummary(const Summary& summary) {
    clearRows();
    const Headline h = summary_headline(summary);
    setHeadline(h.text, h.severity);
    shown_ = summary_rows(summary);
    for (int i = 0; i < shown_.size(); ++i) {
        const SummaryRow& r = shown_[i];
        const int line = i / kPairsPerLine;
        const int col = (i % kPairsPerLine) * 2;
        auto* label = new QLabel(r.label, rows_host_);
        label->setToolTip(r.hint);
        label->setStyleSheet(QStringLiteral("color: palette(mid);"));
        auto* value = new QLabel(rows_host_);
        value->setObjectName(QStringLiteral("metric_") + r.key);
        const QColor c = severity_colour(r.severity);
        value->setText(QStringLiteral("<b%1>%2</b>")
                           .arg(c.isValid() ? QStringLiteral(" style='color:%1'").arg(c.name()) : QString(),
                                r.value.toHtmlEscaped()));
        value->setToolTip(r.hint);
        rows_->addWidget(label, line, col, Qt::AlignRight);
        rows_->addWidget(value, line, col + 1);
        rows_->setColumnStretch(col + 1, 1);
    }
    if (summary.baseline_wall_s <= 0 && summary.completed) baseline_note_->setText(QString());
}

void SummaryPanel::setBaselineNote(const QString& note) {
    baseline_note_->setText(note);
}

QString SummaryPanel::headline() const {
    return headline_->text();
}

QStringList SummaryPanel::rowTexts() const {
    QStringList out;
    for (const SummaryRow& r : shown_)
        out << r.label + QStringLiteral(": ") + r.value;
    return out;
}

} // namespace clab::gui
