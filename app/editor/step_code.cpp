#include "step_code.h"

#include "code_panel.h"
#include "code_store.h"

#include <QTabWidget>
#include <QVBoxLayout>
#include <algorithm>

namespace clab::editor {

StepCode::StepCode(QWidget* parent, CodeStore* store)
    : QWidget(parent)
    , store_(store ? store : new CodeStore)
    , own_store_(store == nullptr) {
    setObjectName(QStringLiteral("stepCode"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    tabs_ = new QTabWidget(this);
    tabs_->setDocumentMode(true);
    layout->addWidget(tabs_);
}

StepCode::~StepCode() {
    // The panels stop their runs as they go; the store must outlive them.
    delete tabs_;
    if (own_store_) delete store_;
}

bool StepCode::setStep(const lessons::Lesson& lesson, int step) {
    while (tabs_->count() > 0) {
        QWidget* page = tabs_->widget(0);
        tabs_->removeTab(0);
        delete page;
    }
    const lessons::Step& s = lesson.steps.at(step);
    for (qsizetype i = 0; i < s.python_snippets.size(); ++i) {
        auto* panel = new CodePanel(store_, tabs_);
        panel->setRunController(runs_);
        panel->setSnippet(lesson.id, step + 1, int(i), s.python_snippets[i]);
        panel->setRunBothAvailable(s.has_experiment);
        connect(panel, &CodePanel::runBothRequested, this, [this, panel] { emit runBothRequested(panel); });
        tabs_->addTab(panel, s.python_snippets.size() == 1 ? tr("Code") : tr("Code %1").arg(i + 1));
    }
    for (qsizetype i = 0; i < s.exercises.size(); ++i) {
        auto* panel = new CodePanel(store_, tabs_);
        panel->setRunController(runs_);
        panel->setExercise(lesson.id, step + 1, int(i), s.exercises[i]);
        connect(panel, &CodePanel::solved, this, &StepCode::solved);
        connect(panel, &CodePanel::solved, this, &StepCode::exercisesChanged);
        connect(panel, &CodePanel::wasReset, this, &StepCode::exercisesChanged);
        tabs_->addTab(panel, s.exercises.size() == 1 ? tr("Exercise") : tr("Exercise %1").arg(i + 1));
    }
    return tabs_->count() > 0;
}

void StepCode::setRunController(gui::RunController* runs) {
    runs_ = runs;
    for (CodePanel* panel : panels())
        panel->setRunController(runs);
}

QString StepCode::textWithoutSnippets(const QString& markdown) {
    // Count first, so a single snippet's pointer names the tab as it is titled ("Code").
    const QStringList lines = markdown.split(QLatin1Char('\n'));
    const auto opens = [](const QString& line) {
        return line.trimmed().startsWith(QLatin1String("```python"));
    };
    const qsizetype snippets = std::count_if(lines.begin(), lines.end(), opens);
    QStringList out;
    int seen = 0;
    bool inside = false;
    for (const QString& line : lines) {
        if (inside) {
            if (line.trimmed() == QLatin1String("```")) inside = false;
            continue;
        }
        if (opens(line)) {
            inside = true;
            ++seen;
            const QString tab = snippets == 1 ? tr("Code") : tr("Code %1").arg(seen);
            out << tr("*▸ The code is in the editor below (tab “%1”): change it and press Run in Python.*")
                       .arg(tab);
            continue;
        }
        out << line;
    }
    return out.join(QLatin1Char('\n'));
}

QList<CodePanel*> StepCode::panels() const {
    QList<CodePanel*> panels;
    for (int i = 0; i < tabs_->count(); ++i)
        panels.append(static_cast<CodePanel*>(tabs_->widget(i)));
    return panels;
}

} // namespace clab::editor
