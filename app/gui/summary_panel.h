// The numbers of the last run, in words a student understands: a headline (finished, stopped,
// deadlock, broken pool) and rows of metrics with a one-line hint each.
#pragma once

#include "summary_text.h"

#include <QFrame>

class QGridLayout;
class QLabel;

namespace clab::gui {

class SummaryPanel : public QFrame {
    Q_OBJECT
public:
    explicit SummaryPanel(QWidget* parent = nullptr);

    void clear(const QString& note = QString()); // before a run: no numbers, maybe a note
    void showRunning(const QString& what);
    void showSummary(const Summary& summary);
    void setBaselineNote(const QString& note); // "measuring the sequential baseline…"

    QString headline() const;
    // "label: value" of every row shown (tests, exports).
    QStringList rowTexts() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void updateFonts();
    void setHeadline(const QString& text, Severity severity);
    void clearRows();

    QLabel* headline_ = nullptr;
    QLabel* baseline_note_ = nullptr;
    QWidget* rows_host_ = nullptr;
    QGridLayout* rows_ = nullptr;
    QList<SummaryRow> shown_;
};

QColor severity_colour(Severity severity);

} // namespace clab::gui
