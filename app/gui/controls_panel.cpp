#include "controls_panel.h"

#include "summary_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QGridLayout>
#include <QLabel>
#include <QLocale>
#include <QSlider>
#include <QTimer>
#include <algorithm>
#include <cmath>

namespace clab::gui {

namespace {
constexpr int kColumnsPerControl = 3; // label, editor, value
constexpr int kPairGap = 18;          // between two controls on one grid row
} // namespace

ControlsPanel::ControlsPanel(QWidget* parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("controlsPanel"));
    grid_ = new QGridLayout(this);
    grid_->setContentsMargins(0, 0, 0, 0);
    grid_->setHorizontalSpacing(10);
    grid_->setVerticalSpacing(6);
    empty_ = new QLabel(tr("This step has nothing to adjust: press Run and watch."), this);
    restyle();
    grid_->addWidget(empty_, 0, 0, 1, -1);
}

void ControlsPanel::restyle() {
    // Secondary, still >= 4.5:1: palette(mid) was 1.7:1 on the window grey.
    empty_->setStyleSheet(QStringLiteral("color: %1;").arg(secondary_text_colour(on_dark_background(this))));
}

void ControlsPanel::clearRows() {
    for (Row& row : rows_) {
        delete row.label;
        delete row.editor;
        delete row.value;
    }
    rows_.clear();
    order_.clear();
    unknown_.clear();
}

void ControlsPanel::setStep(const ExperimentSpec& defaults, const QList<lessons::Control>& controls) {
    clearRows();
    defaults_ = defaults;
    spec_ = defaults;
    for (const lessons::Control& c : controls) {
        const ControlDef* def = find_control(c.key);
        if (!def) {
            unknown_ << c.key;
            continue;
        }
        if (rows_.contains(c.key)) continue;
        // A lesson range of 0..0 (or none) means "the usual range".
        const bool has_range = !c.is_choice && c.max > c.min;
        addRow(*def, has_range ? c.min : def->min, has_range ? c.max : def->max);
    }
    empty_->setVisible(order_.isEmpty());
    syncEditors();
    placeRows(columnsFor(width()));
}

void ControlsPanel::addRow(const ControlDef& def, double min, double max) {
    Row row;
    row.def = &def;
    row.scale = slider_scale(def, min, max);
    auto* label = new QLabel(def.label, this);
    label->setToolTip(def.tooltip);
    label->setWordWrap(true); // "Concurrency limit" on two lines rather than cut in a narrow lab
    row.label = label;
    row.value = new QLabel(this);
    row.value->setObjectName(QStringLiteral("value_") + def.key);
    const QString key = def.key;
    switch (def.kind) {
    case ControlKind::Integer:
    case ControlKind::Real: {
        auto* slider = new QSlider(Qt::Horizontal, this);
        slider->setRange(0, row.scale.steps());
        slider->setPageStep(std::max(1, row.scale.steps() / 10));
        slider->setMinimumWidth(120);
        connect(slider, &QSlider::valueChanged, this,
                [this, key](int position) { edited(key, rows_.value(key).scale.value_at(position)); });
        row.editor = slider;
        break;
    }
    case ControlKind::Choice: {
        auto* combo = new QComboBox(this);
        for (int i = 0; i < def.choices.size(); ++i)
            combo->addItem(def.choice_labels.value(i, def.choices[i]), def.choices[i]);
        connect(combo, &QComboBox::currentIndexChanged, this, [this, key](int i) { edited(key, i); });
        row.editor = combo;
        row.value->hide(); // the combo box shows its value
        break;
    }
    case ControlKind::Toggle: {
        auto* box = new QCheckBox(def.choice_labels.value(1), this);
        connect(box, &QCheckBox::toggled, this, [this, key](bool on) { edited(key, on ? 1 : 0); });
        row.editor = box;
        row.value->hide();
        break;
    }
    }
    row.editor->setObjectName(QStringLiteral("control_") + key);
    row.editor->setToolTip(def.tooltip);
    row.editor->setAccessibleName(def.label);
    rows_.insert(key, row);
    order_ << key;
}

int ControlsPanel::valueWidth(const Row& row) const {
    // As wide as the widest value this control can show, so moving it never shifts the slider,
    // and no wider: "10,000,000 iterations" for every control made the panel wider than the lab.
    const QFontMetrics metrics = row.value->fontMetrics();
    int widest = 0;
    for (int position = 0; position <= row.scale.steps(); ++position)
        widest = std::max(
            widest, metrics.horizontalAdvance(format_control_value(*row.def, row.scale.value_at(position))));
    return widest + 4;
}

int ControlsPanel::controlWidth(const Row& row) const {
    const int spacing = grid_->horizontalSpacing();
    return row.label->sizeHint().width() + spacing + row.editor->minimumSizeHint().width() + spacing +
           (row.value->isHidden() ? 0 : row.value->minimumWidth());
}

int ControlsPanel::columnsFor(int width) const {
    // Two controls per grid row keeps the panel short, so the timeline gets the height; one when
    // two do not fit the lab's width (1280 px, presenter fonts).
    if (order_.size() < 2) return 1;
    int widest = 0;
    for (const QString& key : order_)
        widest = std::max(widest, controlWidth(rows_[key]));
    return width >= 2 * widest + kPairGap + grid_->horizontalSpacing() ? 2 : 1;
}

void ControlsPanel::placeRows(int columns) {
    columns_ = columns;
    for (const QString& key : order_) {
        const Row& row = rows_[key];
        grid_->removeWidget(row.label);
        grid_->removeWidget(row.editor);
        grid_->removeWidget(row.value);
    }
    for (int c = 0; c < grid_->columnCount(); ++c) {
        grid_->setColumnStretch(c, 0);
        grid_->setColumnMinimumWidth(c, 0);
    }
    for (int index = 0; index < order_.size(); ++index) {
        Row& row = rows_[order_[index]];
        row.value->setMinimumWidth(row.value->isHidden() ? 0 : valueWidth(row));
        const int grid_row = index / columns;
        const int col = (index % columns) * (kColumnsPerControl + 1);
        grid_->addWidget(row.label, grid_row, col);
        grid_->addWidget(row.editor, grid_row, col + 1);
        grid_->addWidget(row.value, grid_row, col + 2);
        grid_->setColumnStretch(col + 1, 1);
    }
    if (columns == 2) grid_->setColumnMinimumWidth(kColumnsPerControl, kPairGap); // gap between the pairs
    updateGeometry();
}

QSize ControlsPanel::minimumSizeHint() const {
    // One control per row is always possible: the lab may be as narrow as that.
    int widest = empty_->isVisible() ? empty_->minimumSizeHint().width() : 0;
    for (const QString& key : order_)
        widest = std::max(widest, controlWidth(rows_[key]));
    return {widest, QWidget::minimumSizeHint().height()};
}

void ControlsPanel::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    // Presenter mode's larger fonts: the values' widths and the columns that fit change. Deferred:
    // the children get their new fonts after the panel.
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange)
        QTimer::singleShot(0, this, [this] { placeRows(columnsFor(width())); });
    if (event->type() == QEvent::PaletteChange) QTimer::singleShot(0, this, &ControlsPanel::restyle);
}

void ControlsPanel::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    if (const int columns = columnsFor(width()); columns != columns_) placeRows(columns);
}

void ControlsPanel::syncEditors() {
    syncing_ = true;
    for (const QString& key : order_) {
        Row& row = rows_[key];
        const double v = row.def->get(spec_);
        if (auto* slider = qobject_cast<QSlider*>(row.editor))
            slider->setValue(row.scale.position_of(v));
        else if (auto* combo = qobject_cast<QComboBox*>(row.editor))
            combo->setCurrentIndex(int(std::lround(v)));
        else if (auto* box = qobject_cast<QCheckBox*>(row.editor))
            box->setChecked(v >= 0.5);
        row.value->setText(format_control_value(*row.def, v));
    }
    syncing_ = false;
}

void ControlsPanel::edited(const QString& key, double value) {
    if (syncing_) return;
    const auto it = rows_.constFind(key);
    if (it == rows_.constEnd()) return;
    it->def->set(spec_, value);
    it->value->setText(format_control_value(*it->def, it->def->get(spec_)));
    emit specChanged(spec_);
}

void ControlsPanel::resetToDefaults() {
    spec_ = defaults_;
    syncEditors();
    emit specChanged(spec_);
}

QWidget* ControlsPanel::editor(const QString& key) const {
    const auto it = rows_.constFind(key);
    return it == rows_.constEnd() ? nullptr : it->editor;
}

QString ControlsPanel::valueText(const QString& key) const {
    const auto it = rows_.constFind(key);
    return it == rows_.constEnd() ? QString() : format_control_value(*it->def, it->def->get(spec_));
}

bool ControlsPanel::setValue(const QString& key, double value) {
    const auto it = rows_.constFind(key);
    if (it == rows_.constEnd()) return false;
    if (it->def->kind == ControlKind::Integer || it->def->kind == ControlKind::Real)
        value = std::clamp(value, it->scale.min, it->scale.max);
    it->def->set(spec_, value);
    syncEditors();
    emit specChanged(spec_);
    return true;
}

bool ControlsPanel::nudge(const QString& key, int steps) {
    const auto it = rows_.constFind(key);
    if (it == rows_.constEnd()) return false;
    auto* slider = qobject_cast<QSlider*>(it->editor);
    if (!slider) return false;
    slider->setValue(slider->value() + steps * std::max(1, slider->singleStep()));
    return true;
}

namespace {
QString plural(int n, const char* one, const char* many) {
    return QStringLiteral("%1 %2").arg(n).arg(n == 1 ? QObject::tr(one) : QObject::tr(many));
}
} // namespace

QString describe_spec(const ExperimentSpec& s) {
    const QLocale en(QLocale::English);
    const QString n = en.toString(qlonglong(s.iterations));
    QString who;
    switch (s.engine) {
    case EngineKind::Sequential:
        who = plural(s.tasks, "task", "tasks") + QObject::tr(" one after another");
        break;
    case EngineKind::Threads:
        who = plural(s.tasks, "thread", "threads");
        break;
    case EngineKind::ThreadPool:
        who = QObject::tr("%1 tasks on a thread pool").arg(s.tasks) +
              (s.workers > 0 ? QObject::tr(" of %1").arg(s.workers) : QString());
        break;
    case EngineKind::Processes:
        who = plural(s.tasks, "process", "processes");
        break;
    case EngineKind::ProcessPool:
        who = QObject::tr("%1 tasks on a process pool").arg(s.tasks) +
              (s.workers > 0 ? QObject::tr(" of %1").arg(s.workers) : QString());
        break;
    case EngineKind::Asyncio:
        who = plural(s.tasks, "coroutine", "coroutines") + QObject::tr(" on one event loop");
        break;
    case EngineKind::Python: { // a real program: the workload controls do not apply
        const QString program = s.script.empty()
                                    ? QObject::tr("the step's code")
                                    : QString::fromStdString(s.script).section(QLatin1Char('/'), -1);
        return QObject::tr("%1 run by the real interpreter (%2)")
            .arg(program, s.python.empty() ? QStringLiteral("python3") : QString::fromStdString(s.python));
    }
    }
    QString what;
    switch (s.workload) {
    case WorkloadKind::Cpu:
        what = QObject::tr("each counting to %1").arg(n);
        break;
    case WorkloadKind::Sleep:
        what = QObject::tr("each waiting %1 × %2 ms").arg(s.io_count).arg(s.io_ms);
        break;
    case WorkloadKind::Net:
        what = QObject::tr("each making %1 of %2 ms")
                   .arg(plural(s.io_count, "request", "requests"))
                   .arg(s.io_ms);
        break;
    case WorkloadKind::Mixed:
        what = QObject::tr("one counting, the others doing short I/O");
        break;
    case WorkloadKind::Counter:
        what = QObject::tr("each adding 1 to a shared counter %1 times").arg(n);
        break;
    case WorkloadKind::Deadlock:
        what = QObject::tr("taking two locks");
        break;
    case WorkloadKind::Payload:
        what =
            QObject::tr("sending %1 bytes to a worker and back").arg(en.toString(qlonglong(s.payload_bytes)));
        break;
    case WorkloadKind::Blend:
        what = QObject::tr("%1 % CPU work, the rest I/O").arg(s.cpu_percent);
        break;
    case WorkloadKind::BlockLoop:
        what = QObject::tr("one of them blocking the loop");
        break;
    }
    return who + QStringLiteral(", ") + what;
}

} // namespace clab::gui
