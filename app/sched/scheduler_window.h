// "Be the scheduler": each thread (or asyncio task) of a puzzle is a column of its real bytecode
// with a cursor; the student picks which one executes its next instruction, under CPython's switch
// rule, and tries to reach the goal (lose an update, deadlock, let two tasks past a check). Undo,
// replay, save/load of the schedule, and Solve (core/sched's search) with its answer in words.
#pragma once

#include "core/sched/solver.h"

#include <QDialog>
#include <QString>
#include <map>
#include <memory>
#include <vector>

class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;
class QTextBrowser;
class QTimer;
class QHBoxLayout;

namespace clab::sched_ui {

class SchedulerWindow : public QDialog {
    Q_OBJECT
public:
    struct Options {
        QString lesson; // short name or number; empty: no step association
        int step = 0;   // 1-based
        QString puzzle; // a puzzle id; overrides the step's first puzzle
        QString python = QStringLiteral("python3");
        int shipped_minor = 0; // 11, 12, 13: use the shipped bytecode instead of python
    };
    explicit SchedulerWindow(const Options& options, QWidget* parent = nullptr);
    ~SchedulerWindow() override;

    const sched::Machine* machine() const { return machine_.get(); }
    const sched::State& state() const { return state_; }
    const std::vector<int>& history() const { return history_; }
    QString goalText() const;
    QString solutionText() const;
    QString puzzleId() const;

public slots:
    bool runWorker(int worker); // one instruction; false if the rule does not allow it now
    void stepBack();
    void restart();
    void replay(); // from the start, one instruction every 150 ms
    void solve();
    void playSolution(); // the solver's schedule, replayed
    bool saveSchedule(const QString& path, QString* error = nullptr) const;
    bool loadSchedule(const QString& path, QString* error = nullptr);
    void selectPuzzle(const QString& id);
    void selectRule(sched::Rule rule);

private:
    void buildUi();
    void sayFileOutcome(const QString& text); // under the buttons, never a box
    void loadPuzzle();                        // bytecode + machine for the chosen puzzle, source and rule
    void rebuildColumns();
    void refresh();
    QString sourceHtml() const;
    bool setHistory(const std::vector<int>& steps, QString* error);

    Options options_;
    std::map<QString, sched::Bytecode> bytecode_; // by source ("python3", "3.12" ...)
    const sched::Bytecode* current_bytecode_ = nullptr;
    std::unique_ptr<sched::Machine> machine_;
    sched::State state_;
    std::vector<int> history_;
    std::vector<int> pending_; // replay queue
    sched::SolveResult solution_;
    bool solved_ = false;

    QComboBox* puzzle_box_ = nullptr;
    QComboBox* source_box_ = nullptr;
    QComboBox* rule_box_ = nullptr;
    QLabel* origin_ = nullptr;
    QTextBrowser* source_ = nullptr;
    QHBoxLayout* columns_layout_ = nullptr;
    struct Column {
        QWidget* box = nullptr;
        QLabel* title = nullptr;
        QListWidget* code = nullptr;
        QLabel* frame = nullptr;
        QLabel* status = nullptr;
        QPushButton* run = nullptr;
    };
    std::vector<Column> columns_;
    QLabel* shared_ = nullptr;
    QLabel* goal_ = nullptr;
    QLabel* schedule_ = nullptr;
    QLabel* file_note_ = nullptr; // what became of the last Save…/Load… (saved, or why not)
    QTextBrowser* solution_view_ = nullptr;
    QPushButton* back_ = nullptr;
    QPushButton* play_solution_ = nullptr;
    QTimer* timer_ = nullptr;
};

} // namespace clab::sched_ui
