#include "scheduler_window.h"

#include "core/sched/schedule_file.h"
#include "gui/open_file_dialog.h"
#include "gui/summary_panel.h"
#include "puzzle_lookup.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFontDatabase>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QStringList>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

namespace clab::sched_ui {

namespace {

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

// One colour per worker, for its cursor and its marks in the source (Okabe–Ito, colour-blind safe).
QColor worker_colour(int w) {
    static const QColor colours[] = {QColor(0x00, 0x72, 0xB2), QColor(0xD5, 0x5E, 0x00),
                                     QColor(0x00, 0x9E, 0x73), QColor(0xCC, 0x79, 0xA7)};
    return colours[w % 4];
}

// The same hues as text (a column's title): darker on the desk's light grey (>= 4.9:1), lighter on
// the projector's black; the marker colours above are 2.7–4.5:1 there, too faint to read as words.
QColor worker_text_colour(int w, bool dark_background) {
    static const QColor on_light[] = {QColor(0x00, 0x5A, 0x8C), QColor(0xA3, 0x47, 0x00),
                                      QColor(0x00, 0x75, 0x56), QColor(0xA3, 0x45, 0x7F)};
    static const QColor on_dark[] = {QColor(0x56, 0xB4, 0xE9), QColor(0xFF, 0x9E, 0x4A),
                                     QColor(0x3F, 0xD3, 0xA6), QColor(0xE7, 0xA3, 0xCB)};
    return dark_background ? on_dark[w % 4] : on_light[w % 4];
}

QString rule_label(sched::Rule r) {
    switch (r) {
    case sched::Rule::Gil:
        return QObject::tr("GIL (CPython 3.10+): switch only at eval-breaker checks");
    case sched::Rule::Any:
        return QObject::tr("any instruction (free-threaded, or before 3.10)");
    case sched::Rule::Await:
        return QObject::tr("asyncio tasks: switch only where a task awaits");
    }
    return {};
}

} // namespace

SchedulerWindow::SchedulerWindow(const Options& options, QWidget* parent)
    : QDialog(parent)
    , options_(options) {
    setWindowTitle(tr("Be the scheduler"));
    setObjectName(QStringLiteral("schedulerWindow"));
    resize(1500, 900);
    timer_ = new QTimer(this);
    timer_->setInterval(150);
    connect(timer_, &QTimer::timeout, this, [this] {
        if (pending_.empty()) {
            timer_->stop();
            return;
        }
        const int w = pending_.front();
        pending_.erase(pending_.begin());
        if (!runWorker(w)) pending_.clear();
    });
    buildUi(); // ends by loading the chosen puzzle
}

SchedulerWindow::~SchedulerWindow() = default;

void SchedulerWindow::buildUi() {
    auto* root = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    puzzle_box_ = new QComboBox(this);
    puzzle_box_->setObjectName(QStringLiteral("puzzleBox"));
    std::vector<const sched::Puzzle*> offered;
    if (!options_.lesson.isEmpty()) offered = puzzles_for_step(options_.lesson, options_.step);
    for (const sched::Puzzle& p : sched::puzzles())
        puzzle_box_->addItem(q(p.title) + QStringLiteral(" — ") + q(sched::goal_name(p.goal)), q(p.id));
    QString first = options_.puzzle;
    if (first.isEmpty() && !offered.empty()) first = q(offered.front()->id);
    if (!first.isEmpty()) puzzle_box_->setCurrentIndex(std::max(0, puzzle_box_->findData(first)));
    source_box_ = new QComboBox(this);
    source_box_->setObjectName(QStringLiteral("bytecodeBox"));
    source_box_->addItem(tr("bytecode of %1").arg(options_.python), options_.python);
    for (const int minor : sched::shipped_minors())
        source_box_->addItem(tr("shipped CPython 3.%1 bytecode").arg(minor),
                             QStringLiteral("3.%1").arg(minor));
    if (options_.shipped_minor)
        source_box_->setCurrentIndex(
            source_box_->findData(QStringLiteral("3.%1").arg(options_.shipped_minor)));
    rule_box_ = new QComboBox(this);
    rule_box_->setObjectName(QStringLiteral("ruleBox"));
    for (const sched::Rule r : {sched::Rule::Gil, sched::Rule::Any, sched::Rule::Await})
        rule_box_->addItem(rule_label(r), int(r));
    top->addWidget(new QLabel(tr("Puzzle:"), this));
    top->addWidget(puzzle_box_, 2);
    top->addWidget(source_box_, 1);
    top->addWidget(new QLabel(tr("Switch:"), this));
    top->addWidget(rule_box_, 2);
    root->addLayout(top);
    origin_ = new QLabel(this);
    origin_->setWordWrap(true);
    origin_->setStyleSheet( // secondary, still >= 4.5:1 (palette(mid) was 1.7:1 on the window grey)
        QStringLiteral("color: %1;").arg(gui::secondary_text_colour(gui::on_dark_background(this))));
    root->addWidget(origin_);

    auto* split = new QSplitter(Qt::Horizontal, this);
    source_ = new QTextBrowser(split);
    source_->setObjectName(QStringLiteral("sourceView"));
    source_->setAccessibleName(tr("Python source"));
    source_->setAccessibleDescription(tr("The puzzle's Python source"));
    auto* columns = new QWidget(split);
    columns_layout_ = new QHBoxLayout(columns);
    columns_layout_->setContentsMargins(0, 0, 0, 0);
    auto* side = new QWidget(split);
    auto* side_layout = new QVBoxLayout(side);
    side_layout->setContentsMargins(0, 0, 0, 0);
    auto* shared_box = new QGroupBox(tr("Shared"), side);
    auto* shared_layout = new QVBoxLayout(shared_box);
    shared_ = new QLabel(shared_box);
    shared_->setTextFormat(Qt::RichText);
    shared_layout->addWidget(shared_);
    goal_ = new QLabel(side);
    goal_->setObjectName(QStringLiteral("goalLabel"));
    goal_->setWordWrap(true);
    goal_->setTextFormat(Qt::RichText);
    schedule_ = new QLabel(side);
    schedule_->setWordWrap(true);
    auto* buttons = new QGridLayout;
    back_ = new QPushButton(tr("◀ Step back"), side);
    auto* restart = new QPushButton(tr("Restart"), side);
    auto* replay = new QPushButton(tr("Replay"), side);
    auto* save = new QPushButton(tr("Save…"), side);
    auto* load = new QPushButton(tr("Load…"), side);
    auto* solve = new QPushButton(tr("Solve"), side);
    solve->setObjectName(QStringLiteral("solveButton"));
    play_solution_ = new QPushButton(tr("Play the solution"), side);
    buttons->addWidget(back_, 0, 0);
    buttons->addWidget(restart, 0, 1);
    buttons->addWidget(replay, 0, 2);
    buttons->addWidget(save, 1, 0);
    buttons->addWidget(load, 1, 1);
    buttons->addWidget(solve, 1, 2);
    buttons->addWidget(play_solution_, 2, 0, 1, 3);
    solution_view_ = new QTextBrowser(side);
    solution_view_->setObjectName(QStringLiteral("solutionView"));
    solution_view_->setAccessibleName(tr("Solution"));
    solution_view_->setAccessibleDescription(tr("The schedule the solver found, step by step"));
    side_layout->addWidget(shared_box);
    side_layout->addWidget(goal_);
    side_layout->addWidget(schedule_);
    side_layout->addLayout(buttons);
    file_note_ = new QLabel(side);
    file_note_->setObjectName(QStringLiteral("scheduleFileNote"));
    file_note_->setWordWrap(true);
    file_note_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    file_note_->hide();
    side_layout->addWidget(file_note_);
    side_layout->addWidget(solution_view_, 1);
    split->setSizes({360, 1000, 420});
    root->addWidget(split, 1);

    connect(back_, &QPushButton::clicked, this, &SchedulerWindow::stepBack);
    connect(restart, &QPushButton::clicked, this, &SchedulerWindow::restart);
    connect(replay, &QPushButton::clicked, this, &SchedulerWindow::replay);
    connect(solve, &QPushButton::clicked, this, &SchedulerWindow::solve);
    connect(play_solution_, &QPushButton::clicked, this, &SchedulerWindow::playSolution);
    // Window-modal file dialogs answered later, and the outcome said under the buttons: never a
    // nested event loop (QFileDialog::getSaveFileName or a QMessageBox) while runs stream.
    connect(save, &QPushButton::clicked, this, [this] {
        auto* dialog = new gui::OpenFileDialog(
            this, tr("Save schedule"), puzzleId() + QStringLiteral(".json"), tr("Schedules (*.json)"));
        dialog->setObjectName(QStringLiteral("saveScheduleDialog"));
        dialog->setAcceptMode(QFileDialog::AcceptSave);
        connect(dialog, &QFileDialog::fileSelected, this, [this](const QString& path) {
            QString error;
            if (saveSchedule(path, &error))
                sayFileOutcome(tr("Saved to %1").arg(QDir::toNativeSeparators(path)));
            else
                sayFileOutcome(error);
        });
        dialog->open();
    });
    connect(load, &QPushButton::clicked, this, [this] {
        auto* dialog =
            new gui::OpenFileDialog(this, tr("Load schedule"), QString(), tr("Schedules (*.json)"));
        dialog->setObjectName(QStringLiteral("loadScheduleDialog"));
        dialog->setFileMode(QFileDialog::ExistingFile);
        connect(dialog, &QFileDialog::fileSelected, this, [this](const QString& path) {
            QString error;
            if (loadSchedule(path, &error))
                sayFileOutcome(tr("Loaded %1").arg(QDir::toNativeSeparators(path)));
            else
                sayFileOutcome(error);
        });
        dialog->open();
    });
    connect(puzzle_box_, &QComboBox::currentIndexChanged, this, [this] {
        // Each puzzle has its natural rule (the lesson step's, or tasks' await).
        if (const sched::Puzzle* p = sched::find_puzzle(puzzleId().toStdString())) {
            sched::Rule rule = p->default_rule();
            for (const sched::Attachment& a : p->attach)
                if (q(a.lesson) == lesson_short_name(options_.lesson) && a.step == options_.step)
                    rule = a.rule;
            const QSignalBlocker block(rule_box_);
            rule_box_->setCurrentIndex(rule_box_->findData(int(rule)));
        }
        loadPuzzle();
    });
    connect(source_box_, &QComboBox::currentIndexChanged, this, &SchedulerWindow::loadPuzzle);
    connect(rule_box_, &QComboBox::currentIndexChanged, this, &SchedulerWindow::loadPuzzle);
    // The rule of the first puzzle.
    emit puzzle_box_->currentIndexChanged(puzzle_box_->currentIndex());
}

QString SchedulerWindow::puzzleId() const {
    return puzzle_box_->currentData().toString();
}

void SchedulerWindow::selectPuzzle(const QString& id) {
    puzzle_box_->setCurrentIndex(std::max(0, puzzle_box_->findData(id)));
}

void SchedulerWindow::selectRule(sched::Rule rule) {
    rule_box_->setCurrentIndex(rule_box_->findData(int(rule)));
}

void SchedulerWindow::loadPuzzle() {
    if (!rule_box_ || !source_box_) return;
    timer_->stop();
    pending_.clear();
    solved_ = false;
    solution_ = {};
    history_.clear();
    const QString source = source_box_->currentData().toString();
    if (!bytecode_.count(source)) {
        sched::Bytecode b;
        if (source.startsWith(QStringLiteral("3."))) {
            std::string error;
            sched::shipped_bytecode(source.mid(2).toInt(), b, error);
        } else {
            QApplication::setOverrideCursor(Qt::WaitCursor);
            b = sched::load_bytecode(source.toStdString());
            QApplication::restoreOverrideCursor();
        }
        bytecode_[source] = std::move(b);
    }
    current_bytecode_ = &bytecode_[source];
    machine_.reset();
    const sched::Puzzle* puzzle = sched::find_puzzle(puzzleId().toStdString());
    const auto program =
        puzzle ? current_bytecode_->programs.find(puzzle->id) : current_bytecode_->programs.end();
    origin_->setText(
        tr("Bytecode: %1.   ▶ next instruction · ↳ a caller waiting at its CALL · ⇄ the rule lets "
           "another thread run after this instruction")
            .arg(q(current_bytecode_->origin)));
    if (!puzzle || program == current_bytecode_->programs.end()) {
        solution_view_->setPlainText(tr("This bytecode has no program for the puzzle."));
        rebuildColumns();
        return;
    }
    const auto rule = sched::Rule(rule_box_->currentData().toInt());
    machine_ = std::make_unique<sched::Machine>(*puzzle, program->second, current_bytecode_->minor, rule);
    if (!machine_->error().empty()) {
        solution_view_->setPlainText(q(machine_->error()));
        machine_.reset();
        rebuildColumns();
        return;
    }
    state_ = machine_->initial();
    solution_view_->setHtml(
        tr("<p>Click <b>Run</b> under a thread to execute its next instruction. "
           "<b>⇄</b> marks the instructions after which the rule lets another %1 run; "
           "elsewhere the running one must go on.</p><p>Goal: <b>%2</b>.</p>")
            .arg(puzzle->tasks ? tr("task") : tr("thread"), q(sched::goal_name(puzzle->goal))));
    rebuildColumns();
    refresh();
}

void SchedulerWindow::rebuildColumns() {
    for (Column& c : columns_)
        delete c.box;
    columns_.clear();
    if (!machine_) return;
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    for (size_t w = 0; w < machine_->puzzle().workers.size(); ++w) {
        Column c;
        auto* box = new QGroupBox(q(machine_->puzzle().workers[w].name), this);
        box->setStyleSheet(QStringLiteral("QGroupBox { font-weight: bold; color: %1; }")
                               .arg(worker_text_colour(int(w), gui::on_dark_background(this)).name()));
        auto* layout = new QVBoxLayout(box);
        c.box = box;
        c.title = new QLabel(box);
        c.title->setWordWrap(true);
        c.code = new QListWidget(box);
        c.code->setFont(mono);
        c.code->setSelectionMode(QAbstractItemView::NoSelection);
        c.code->setFocusPolicy(Qt::NoFocus);
        c.code->setAccessibleName(tr("%1's bytecode").arg(q(machine_->puzzle().workers[w].name)));
        c.code->setAccessibleDescription(tr("The instructions this thread runs; the next one is marked"));
        c.frame = new QLabel(box);
        c.frame->setFont(mono);
        c.frame->setWordWrap(true);
        c.frame->setTextFormat(Qt::RichText);
        c.status = new QLabel(box);
        c.status->setWordWrap(true);
        c.run = new QPushButton(tr("Run %1's next instruction ▶").arg(q(machine_->puzzle().workers[w].name)),
                                box);
        c.run->setObjectName(QStringLiteral("run%1").arg(w + 1));
        connect(c.run, &QPushButton::clicked, this, [this, w] {
            timer_->stop();
            pending_.clear();
            runWorker(int(w));
        });
        layout->addWidget(c.title);
        layout->addWidget(c.code, 1);
        layout->addWidget(c.frame);
        layout->addWidget(c.status);
        layout->addWidget(c.run);
        columns_layout_->addWidget(box, 1);
        columns_.push_back(c);
    }
}

bool SchedulerWindow::runWorker(int w) {
    if (!machine_ || w < 0 || w >= int(state_.workers.size()) || !machine_->allowed(state_, w)) return false;
    std::string error;
    sched::State next = state_;
    if (!machine_->step(next, w, error)) {
        solution_view_->setPlainText(tr("Stopped: %1").arg(q(error)));
        return false;
    }
    state_ = std::move(next);
    history_.push_back(w);
    refresh();
    return true;
}

bool SchedulerWindow::setHistory(const std::vector<int>& steps, QString* error) {
    if (!machine_) return false;
    sched::State s;
    std::string why;
    if (!sched::replay(*machine_, steps, s, why)) {
        if (error) *error = q(why);
        return false;
    }
    state_ = std::move(s);
    history_ = steps;
    refresh();
    return true;
}

void SchedulerWindow::stepBack() {
    if (history_.empty()) return;
    timer_->stop();
    pending_.clear();
    std::vector<int> shorter(history_.begin(), history_.end() - 1);
    setHistory(shorter, nullptr);
}

void SchedulerWindow::restart() {
    timer_->stop();
    pending_.clear();
    setHistory({}, nullptr);
}

void SchedulerWindow::replay() {
    if (!machine_) return;
    pending_ = history_;
    setHistory({}, nullptr);
    timer_->start();
}

void SchedulerWindow::solve() {
    if (!machine_) return;
    QApplication::setOverrideCursor(Qt::WaitCursor);
    solution_ = sched::solve(*machine_);
    QApplication::restoreOverrideCursor();
    solved_ = true;
    QString html;
    if (solution_.outcome == sched::SolveResult::Outcome::Error) {
        html = tr("<p><b>Cannot solve:</b> %1</p>").arg(q(solution_.error).toHtmlEscaped());
    } else {
        const bool found = solution_.outcome == sched::SolveResult::Outcome::Found;
        html = QStringLiteral("<p style='font-size:large'><b>%1</b></p>")
                   .arg(found ? tr("A schedule reaches the goal")
                        : solution_.outcome == sched::SolveResult::Outcome::Impossible
                            ? tr("No schedule reaches the goal")
                            : tr("Search bound reached"));
        for (size_t i = 0; i < solution_.explanation.size(); ++i) {
            const QString line = q(solution_.explanation[i]).toHtmlEscaped();
            html += found && i > 0 && i + 1 < solution_.explanation.size()
                        ? QStringLiteral("<li>%1</li>").arg(line)
                        : QStringLiteral("<p>%1</p>").arg(line);
        }
    }
    solution_view_->setHtml(html);
    refresh();
}

void SchedulerWindow::playSolution() {
    if (!solved_ || solution_.outcome != sched::SolveResult::Outcome::Found) return;
    pending_ = solution_.schedule;
    setHistory({}, nullptr);
    timer_->start();
}

bool SchedulerWindow::saveSchedule(const QString& path, QString* error) const {
    if (!machine_) return false;
    sched::ScheduleFile f;
    f.puzzle = machine_->puzzle().id;
    f.rule = machine_->rule();
    f.minor = machine_->minor();
    f.steps = history_;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        if (error) *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    file.write(QByteArray::fromStdString(sched::schedule_to_json(f)));
    return true;
}

bool SchedulerWindow::loadSchedule(const QString& path, QString* error) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error) *error = tr("Cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    sched::ScheduleFile f;
    std::string why;
    if (!sched::schedule_from_json(file.readAll().toStdString(), f, why)) {
        if (error) *error = tr("%1: %2").arg(path, q(why));
        return false;
    }
    // Same puzzle, rule and Python version as when it was saved; the python3 entry serves if it matches.
    {
        const QSignalBlocker b1(puzzle_box_), b2(rule_box_), b3(source_box_);
        puzzle_box_->setCurrentIndex(std::max(0, puzzle_box_->findData(q(f.puzzle))));
        rule_box_->setCurrentIndex(rule_box_->findData(int(f.rule)));
        if (!current_bytecode_ || current_bytecode_->minor != f.minor)
            source_box_->setCurrentIndex(
                std::max(0, source_box_->findData(QStringLiteral("3.%1").arg(f.minor))));
    }
    loadPuzzle();
    if (!machine_ || machine_->minor() != f.minor) {
        if (error) *error = tr("No bytecode of Python 3.%1 for this schedule").arg(f.minor);
        return false;
    }
    QString replay_error;
    if (!setHistory(f.steps, &replay_error)) {
        if (error) *error = tr("%1 does not replay: %2").arg(path, replay_error);
        return false;
    }
    return true;
}

QString SchedulerWindow::goalText() const {
    return machine_ ? q(machine_->goal_text(state_)) : QString();
}

QString SchedulerWindow::solutionText() const {
    return solution_view_->toPlainText();
}

QString SchedulerWindow::sourceHtml() const {
    const QStringList lines = q(machine_->puzzle().source).split(QLatin1Char('\n'));
    QString html = QStringLiteral("<pre style='font-family:monospace'>");
    for (int i = 0; i < lines.size(); ++i) {
        QString marks;
        for (size_t w = 0; w < state_.workers.size(); ++w) {
            const sched::Instruction* ins = machine_->next_instruction(state_, int(w));
            if (ins && ins->line == i + 1)
                marks += QStringLiteral("<span style='color:%1'>●</span>").arg(worker_colour(int(w)).name());
        }
        html += QStringLiteral("%1 %2 %3\n")
                    .arg(marks.isEmpty() ? QStringLiteral("&nbsp;") : marks)
                    .arg(i + 1, 2)
                    .arg(lines[i].toHtmlEscaped());
    }
    return html + QStringLiteral("</pre>");
}

void SchedulerWindow::refresh() {
    if (!machine_) return;
    const sched::Machine& m = *machine_;
    source_->setHtml(sourceHtml());
    for (size_t w = 0; w < columns_.size(); ++w) {
        Column& c = columns_[w];
        const sched::WorkerState& ws = state_.workers[w];
        c.code->clear();
        if (ws.frames.empty()) {
            c.title->setText(tr("finished"));
            c.frame->clear();
        } else {
            const sched::Function& inner = m.program().functions[size_t(ws.frames.back().function)];
            QString where = tr("in %1()").arg(q(inner.name));
            if (ws.frames.size() > 1)
                where +=
                    tr(", called from %1()")
                        .arg(q(m.program().functions[size_t(ws.frames[ws.frames.size() - 2].function)].name));
            c.title->setText(where);
            // Every frame, outermost first: a caller waits at its CALL, holding what its stack holds.
            QListWidgetItem* cursor = nullptr;
            QStringList frames_text;
            for (size_t k = 0; k < ws.frames.size(); ++k) {
                const sched::Frame& f = ws.frames[k];
                const sched::Function& fn = m.program().functions[size_t(f.function)];
                const bool active = k + 1 == ws.frames.size();
                auto* header = new QListWidgetItem(QStringLiteral("%1()").arg(q(fn.name)));
                QFont bold = header->font();
                bold.setBold(true);
                header->setFont(bold);
                header->setForeground(QColor(0x55, 0x55, 0x55));
                c.code->addItem(header);
                const int here = active ? f.pc : f.pc - 1; // a caller's pc is already past its CALL
                int last_line = -1;
                for (size_t i = 0; i < fn.code.size(); ++i) {
                    const sched::Instruction& ins = fn.code[i];
                    const bool mark = m.rule() == sched::Rule::Any     ? true
                                      : m.rule() == sched::Rule::Await ? ins.opname == "YIELD_VALUE"
                                                                       : m.may_check_eval_breaker(ins);
                    const QString line =
                        ins.line != last_line && ins.line > 0 ? QString::number(ins.line) : QString();
                    if (ins.line > 0) last_line = ins.line;
                    const QString pointer = int(i) != here ? QStringLiteral(" ")
                                            : active       ? QStringLiteral("▶")
                                                           : QStringLiteral("↳");
                    auto* item = new QListWidgetItem(
                        QStringLiteral("%1 %2 %3 %4 %5")
                            .arg(pointer)
                            .arg(line, 3)
                            .arg(ins.offset, 4)
                            .arg(q(ins.opname), -22)
                            .arg(q(ins.argrepr) + (mark ? QStringLiteral("  ⇄") : QString())));
                    if (int(i) == here) {
                        item->setBackground(active ? worker_colour(int(w)).lighter(170)
                                                   : QColor(0xE4, 0xE4, 0xE4));
                        item->setFont(bold);
                        if (active) cursor = item;
                    }
                    c.code->addItem(item);
                }
                QStringList locals, stack;
                for (size_t i = 0; i < fn.varnames.size() && i < f.locals.size(); ++i)
                    locals << q(fn.varnames[i]) + QStringLiteral(" = ") +
                                  (f.locals[i].kind == sched::Value::Kind::Null
                                       ? tr("(unbound)")
                                       : q(m.describe(f.locals[i])).toHtmlEscaped());
                for (const sched::Value& v : f.stack)
                    stack << q(m.describe(v)).toHtmlEscaped();
                frames_text << tr("<b>%1()</b> locals: %2<br>&nbsp;&nbsp;stack: [%3]")
                                   .arg(q(fn.name),
                                        locals.isEmpty() ? tr("none") : locals.join(QStringLiteral(", ")),
                                        stack.join(QStringLiteral(", ")));
            }
            if (cursor) c.code->scrollToItem(cursor, QAbstractItemView::PositionAtCenter);
            c.frame->setText(frames_text.join(QStringLiteral("<br>")));
        }
        const std::string blocked = m.blocked_reason(state_, int(w));
        const bool allowed = m.allowed(state_, int(w));
        QString status;
        if (!blocked.empty())
            status = q(blocked);
        else if (allowed)
            status = state_.current == int(w) || state_.current < 0
                         ? tr("can run")
                         : tr("can run: the switch is allowed here");
        else
            status = tr("must wait: %1 is not at a switch point")
                         .arg(q(m.puzzle().workers[size_t(state_.current)].name));
        c.status->setText(status);
        c.run->setEnabled(allowed);
    }
    QString shared;
    for (size_t g = 0; g < m.global_names().size(); ++g) {
        const sched::Value& v = state_.globals[g];
        if (v.kind != sched::Value::Kind::Int) continue;
        shared += QStringLiteral("<b>%1</b> = %2<br>").arg(q(m.global_names()[g]), q(m.describe(v)));
    }
    for (size_t l = 0; l < m.lock_names().size(); ++l) {
        const int owner = state_.lock_owner[l];
        shared += QStringLiteral("<b>%1</b>: %2<br>")
                      .arg(q(m.lock_names()[l]),
                           owner < 0 ? tr("free")
                                     : tr("held by %1").arg(q(m.puzzle().workers[size_t(owner)].name)));
    }
    shared_->setText(shared);
    const bool reached = m.goal_reached(state_);
    goal_->setText(
        QStringLiteral("<span style='font-size:large; color:%1'><b>%2</b></span><br>%3")
            .arg(reached ? gui::severity_colour(gui::Severity::Good, gui::on_dark_background(this)).name()
                         : QStringLiteral("palette(text)"),
                 reached ? tr("Goal reached!") : tr("Goal: %1").arg(q(sched::goal_name(m.puzzle().goal))),
                 q(m.goal_text(state_)).toHtmlEscaped()));
    QString steps;
    for (const int w : history_)
        steps += QString::number(w + 1);
    schedule_->setText(tr("Schedule, %n instruction(s): %1", nullptr, int(history_.size())).arg(steps));
    back_->setEnabled(!history_.empty());
    play_solution_->setEnabled(solved_ && solution_.outcome == sched::SolveResult::Outcome::Found);
}

void SchedulerWindow::sayFileOutcome(const QString& text) {
    file_note_->setText(text);
    file_note_->show();
}

} // namespace clab::sched_ui
