// The lab's controls: the sliders and choices a lesson step allows, each editing one field of
// the ExperimentSpec, with a live value label. Reset puts back the step's defaults.
#pragma once

#include "control_catalog.h"
#include "lessons/lesson.h"

#include <QHash>
#include <QWidget>

class QGridLayout;
class QLabel;

namespace clab::gui {

class ControlsPanel : public QWidget {
    Q_OBJECT
public:
    explicit ControlsPanel(QWidget* parent = nullptr);

    // Shows the controls a step allows (unknown keys are skipped and reported by unknownKeys()).
    void setStep(const ExperimentSpec& defaults, const QList<lessons::Control>& controls);
    const ExperimentSpec& spec() const { return spec_; }
    const ExperimentSpec& defaults() const { return defaults_; }
    void resetToDefaults();

    // The keys shown, in order, and their widgets (a QSlider, QComboBox or QCheckBox).
    QStringList keys() const { return order_; }
    QWidget* editor(const QString& key) const;
    QString valueText(const QString& key) const;
    QStringList unknownKeys() const { return unknown_; }
    // Sets a control as if the student moved it (clamped to its range); false for a key not shown.
    bool setValue(const QString& key, double value);
    // Moves a numeric control by `steps` slider steps (presenter +/-).
    bool nudge(const QString& key, int steps);

    QSize minimumSizeHint() const override; // one control per row

signals:
    void specChanged(const clab::ExperimentSpec& spec);

protected:
    void resizeEvent(QResizeEvent* event) override; // two controls per row where they fit
    void changeEvent(QEvent* event) override;

private:
    struct Row {
        const ControlDef* def = nullptr;
        SliderScale scale;
        QLabel* label = nullptr;
        QWidget* editor = nullptr;
        QLabel* value = nullptr;
    };
    void clearRows();
    void restyle(); // the empty note's colour, for the desk or the projector
    void addRow(const ControlDef& def, double min, double max);
    int valueWidth(const Row& row) const;
    int controlWidth(const Row& row) const;
    int columnsFor(int width) const;
    void placeRows(int columns);
    void syncEditors();
    void edited(const QString& key, double value);

    ExperimentSpec defaults_;
    ExperimentSpec spec_;
    QGridLayout* grid_ = nullptr;
    QLabel* empty_ = nullptr;
    QHash<QString, Row> rows_;
    QStringList order_;
    QStringList unknown_;
    bool syncing_ = false;
    int columns_ = 2;
};

// One line saying what the experiment does: "2 threads, each counting to 10,000,000".
QString describe_spec(const ExperimentSpec& spec);

} // namespace clab::gui
