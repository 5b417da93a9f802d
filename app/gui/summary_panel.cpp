#include "summary_panel.h"

#include "latency_histogram.h"

#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QTimer>
#include <QVBoxLayout>

namespace clab::gui {

namespace {
// Metric columns: the panel is wide and short; with the latency histogram beside them, two.
constexpr int kPairsPerLine = 3;
constexpr int kPairsBesideHistogram = 2;
} // namespace

QColor severity_colour(Severity severity) {
    switch (severity) {
    case Severity::Good:
        return QColor(0x00, 0x73, 0x4F);
    case Severity::Warning:
        return QColor(0x9A, 0x4D, 0x00); // 5.3:1 on the window grey (#efefef), 6.4:1 on white
    case Severity::Error:
        return QColor(0xC0, 0x1C, 0x28);
    case Severity::Info:
        break;
    }
    return QColor();
}

QColor severity_colour(Severity severity, bool dark_background) {
    if (!dark_background) return severity_colour(severity);
    switch (severity) {
    case Severity::Good:
        return QColor(0x7C, 0xE8, 0xB0); // light green, ~13:1 on black
    case Severity::Warning:
        return QColor(0xFF, 0xD7, 0x00); // the classroom accent yellow
    case Severity::Error:
        return QColor(0xFF, 0x8A, 0x80); // light red, ~9:1 on black
    case Severity::Info:
        break;
    }
    return QColor(Qt::white);
}

bool on_dark_background(const QWidget* widget) {
    const QWidget* w = widget ? widget->window() : nullptr;
    return w && w->palette().color(QPalette::Window).lightness() < 128;
}

QString secondary_text_colour(bool dark_background) {
    // On the desk's light grey, palette(mid) was 1.7:1; this grey is 6.5:1 and still reads as secondary.
    return dark_background ? QStringLiteral("#d8d8d8") : QStringLiteral("#555555");
}

SummaryPanel::SummaryPanel(QWidget* parent)
    : QFrame(parent) {
    setObjectName(QStringLiteral("summaryPanel"));
    setFrameShape(QFrame::StyledPanel);
    auto* outer = new QHBoxLayout(this);
    outer->setContentsMargins(10, 8, 10, 8);
    auto* layout = new QVBoxLayout;
    layout->setContentsMargins(0, 0, 0, 0);
    outer->addLayout(layout, 3);
    histogram_ = new LatencyHistogram(this);
    outer->addWidget(histogram_, 2);
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
    baseline_note_->setWordWrap(true);
    layout->addWidget(baseline_note_);
    layout->addStretch(1);
    restyle();
    clear(tr("Press Run (Space) to start the experiment. The numbers of the run appear here."));
}

void SummaryPanel::changeEvent(QEvent* event) {
    QFrame::changeEvent(event);
    if (event->type() == QEvent::FontChange) updateFonts(); // presenter mode scales everything
    // Presenter mode swaps the palette and style sheet: recolour, or values vanish on black.
    // Deferred: presenter mode sets the style sheet and the palette one after the other.
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange ||
        event->type() == QEvent::FontChange)
        QTimer::singleShot(0, this, &SummaryPanel::restyle);
}

void SummaryPanel::restyle() {
    if (headline_ == nullptr || baseline_note_ == nullptr) return; // an event during construction
    const bool dark = on_dark_background(this);
    const QString secondary = QStringLiteral("color: %1;").arg(secondary_text_colour(dark));
    const QColor headline = severity_colour(headline_severity_, dark);
    headline_->setStyleSheet(headline.isValid() ? QStringLiteral("color: %1;").arg(headline.name())
                                                : QString());
    baseline_note_->setStyleSheet(secondary);
    // The rows are made after presenter mode scaled the fonts: give them the panel's explicitly.
    for (QLabel* label : std::as_const(row_labels_)) {
        label->setStyleSheet(secondary);
        label->setFont(font());
    }
    for (QLabel* value : std::as_const(row_values_))
        value->setFont(font());
    if (!row_labels_.isEmpty()) layoutRows(); // a larger font may need fewer figures per line
    baseline_note_->setFont(font());
    for (int i = 0; i < row_values_.size() && i < shown_.size(); ++i) {
        const QColor c = severity_colour(shown_[i].severity, dark);
        row_values_[i]->setStyleSheet(c.isValid() ? QStringLiteral("color: %1;").arg(c.name()) : QString());
    }
}

void SummaryPanel::updateFonts() {
    QFont f = font();
    f.setBold(true);
    f.setPointSizeF(font().pointSizeF() * 1.1);
    headline_->setFont(f);
}

void SummaryPanel::setHeadline(const QString& text, Severity severity) {
    headline_severity_ = severity;
    headline_->setText(text);
    restyle();
}

void SummaryPanel::clearRows() {
    while (QLayoutItem* item = rows_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    for (int col = 0; col < rows_->columnCount(); ++col)
        rows_->setColumnStretch(col, 0); // the next summary may use fewer columns
    shown_.clear();
    laid_pairs_ = 0;
    row_labels_.clear();
    row_values_.clear();
}

void SummaryPanel::clear(const QString& note) {
    clearRows();
    histogram_->clear();
    baseline_note_->clear();
    setHeadline(note, Severity::Info);
}

void SummaryPanel::showRunning(const QString& what) {
    clearRows();
    histogram_->clear();
    baseline_note_->clear();
    setHeadline(what, Severity::Info);
}

void SummaryPanel::showSummary(const Summary& summary) {
    clearRows();
    const Headline h = summary_headline(summary);
    setHeadline(h.text, h.severity);
    shown_ = summary_rows(summary);
    for (const SummaryRow& r : std::as_const(shown_)) {
        auto* label = new QLabel(r.label, rows_host_);
        label->setToolTip(r.hint);
        auto* value = new QLabel(rows_host_);
        value->setObjectName(QStringLiteral("metric_") + r.key);
        value->setText(QStringLiteral("<b>%1</b>").arg(r.value.toHtmlEscaped()));
        value->setToolTip(r.hint);
        row_labels_.append(label);
        row_values_.append(value);
    }
    restyle(); // the new rows get the colours (and fonts) of the current background
    layoutRows();
    if (summary.baseline_wall_s <= 0 && summary.completed) baseline_note_->setText(QString());
}

int SummaryPanel::pairsThatFit() const {
    const int most =
        histogram_->calls() >= LatencyHistogram::kMinCalls ? kPairsBesideHistogram : kPairsPerLine;
    // The width the rows get: the panel's, less the histogram's share beside them.
    const QMargins m = contentsMargins() + layout()->contentsMargins();
    int available = width() - m.left() - m.right();
    if (histogram_->isVisibleTo(this)) available = available * 3 / 5 - layout()->spacing();
    for (int pairs = most; pairs > 1; --pairs) {
        int total = rows_->horizontalSpacing() * (2 * pairs - 1);
        for (int col = 0; col < pairs; ++col) {
            int label = 0, value = 0;
            for (int i = col; i < row_labels_.size(); i += pairs) {
                label = std::max(label, row_labels_[i]->sizeHint().width());
                value = std::max(value, row_values_[i]->sizeHint().width());
            }
            total += label + value;
        }
        if (total <= available) return pairs;
    }
    return 1;
}

void SummaryPanel::layoutRows() {
    const int pairs = pairsThatFit();
    if (pairs == laid_pairs_ && rows_->count() == 2 * row_labels_.size()) return;
    laid_pairs_ = pairs;
    for (QLabel* w : std::as_const(row_labels_))
        rows_->removeWidget(w);
    for (QLabel* w : std::as_const(row_values_))
        rows_->removeWidget(w);
    for (int col = 0; col < rows_->columnCount(); ++col)
        rows_->setColumnStretch(col, 0);
    for (int i = 0; i < row_labels_.size(); ++i) {
        const int line = i / pairs;
        const int col = (i % pairs) * 2;
        rows_->addWidget(row_labels_[i], line, col, Qt::AlignRight);
        rows_->addWidget(row_values_[i], line, col + 1);
        rows_->setColumnStretch(col + 1, 1);
    }
}

void SummaryPanel::resizeEvent(QResizeEvent* event) {
    QFrame::resizeEvent(event);
    layoutRows(); // as many figures per line as the width holds, none cut
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
