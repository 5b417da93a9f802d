// The numbers of the last run, in words a student understands: a headline (finished, stopped,
// deadlock, broken pool) and rows of metrics with a one-line hint each.
#pragma once

#include "summary_text.h"

#include <QFrame>

class QGridLayout;
class QLabel;

namespace clab::gui {

class LatencyHistogram;

class SummaryPanel : public QFrame {
    Q_OBJECT
public:
    explicit SummaryPanel(QWidget* parent = nullptr);

    void clear(const QString& note = QString()); // before a run: no numbers, maybe a note
    void showRunning(const QString& what);
    void showSummary(const Summary& summary);
    void setBaselineNote(const QString& note); // "measuring the sequential baseline…"
    // Beside the figures: the run's I/O latency histogram (hidden when the run made few blocking calls).
    LatencyHistogram* latencyHistogram() const { return histogram_; }

    QString headline() const;
    // "label: value" of every row shown (tests, exports).
    QStringList rowTexts() const;

protected:
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void updateFonts();
    void setHeadline(const QString& text, Severity severity);
    void clearRows();
    int pairsThatFit() const; // figures (label and value) per line that the width holds whole
    void layoutRows();
    void restyle(); // colours for the current background (desk or projector)

    QLabel* headline_ = nullptr;
    LatencyHistogram* histogram_ = nullptr;
    QLabel* baseline_note_ = nullptr;
    QWidget* rows_host_ = nullptr;
    QGridLayout* rows_ = nullptr;
    QList<SummaryRow> shown_;
    Severity headline_severity_ = Severity::Info;
    QList<QLabel*> row_labels_;
    QList<QLabel*> row_values_; // same order as shown_
    int laid_pairs_ = 0;        // figures per line as laid out
};

QColor severity_colour(Severity severity);
// The same meanings, light enough for a black background (>= 7:1 contrast, like the classroom palette).
QColor severity_colour(Severity severity, bool dark_background);
// True when `widget`'s window is dark (presenter mode): text colours must then be light. Asks the
// window, whose palette is set explicitly, because children created under a style sheet may carry
// the application's (light) palette instead of the one they should have inherited.
bool on_dark_background(const QWidget* widget);
// Secondary text (labels, notes) as a style-sheet colour.
QString secondary_text_colour(bool dark_background);

} // namespace clab::gui
