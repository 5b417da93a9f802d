// The compare window: the table of pinned runs on top, and below it one timeline per pinned run,
// stacked, on one shared time axis (zoom or pan one, all follow). Lesson 18 pins four engines.
#pragma once

#include "compare_model.h"
#include "timeline_factory.h"

#include <QHash>
#include <QWidget>

class QLabel;
class QSplitter;
class QTableView;
class QVBoxLayout;

namespace clab::classroom {

class CompareWindow : public QWidget {
    Q_OBJECT
public:
    CompareWindow(CompareModel* model, TimelineFactory factory, QWidget* parent = nullptr);

    QTableView* table() const { return table_; }
    QList<QWidget*> timelines() const;
    QWidget* stack() const { return stack_; } // what "Export ▸ Plots" saves from this window

    QLabel* legend() const { return legend_; }
    // A line above the table saying how the pinned runs differ ("Run both"'s fidelity note);
    // empty hides it.
    void setNote(const QString& text);
    QLabel* note() const { return note_; }

public slots:
    void rebuild(); // after pins changed

private:
    void fitTable();

    CompareModel* model_;
    TimelineFactory factory_;
    QSplitter* split_ = nullptr; // the table above, the timelines below
    QTableView* table_ = nullptr;
    QWidget* stack_ = nullptr;
    QVBoxLayout* stack_layout_ = nullptr;
    QLabel* empty_ = nullptr;
    QLabel* legend_ = nullptr; // one legend for every timeline of the stack
    QLabel* note_ = nullptr;
    QList<QWidget*> rows_; // one per pinned run: title + timeline
    QHash<QWidget*, QWidget*> timeline_of_row_;
};

} // namespace clab::classroom
