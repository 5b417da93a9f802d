// "Predict before you run": the step's question with radio buttons or a number field. After the
// run the verdict appears below it, with the measured figure.
#pragma once

#include "prediction_verdict.h"

#include <QGroupBox>
#include <optional>

class QButtonGroup;
class QDoubleSpinBox;
class QLabel;
class QVBoxLayout;

namespace clab::gui {

class PredictionBox : public QGroupBox {
    Q_OBJECT
public:
    explicit PredictionBox(QWidget* parent = nullptr);

    // Shows `prediction` (hides the box when there is none) and clears the answer and verdict.
    // `about`: in a compare step, the engine whose run the prediction is about (prediction_engine);
    // runs of the other engines then never lend it their figure.
    void setPrediction(const std::optional<lessons::Prediction>& prediction,
                       std::optional<EngineKind> about = std::nullopt);
    PredictionAnswer answer() const;
    // Sets the answer from outside (a restored session, the tests).
    void setAnswer(const PredictionAnswer& answer);
    // After a run: shows the verdict next to the measured figure. In a compare step a run of
    // another engine shows the verdict without a figure, and never replaces one already shown.
    Verdict reveal(const Summary& summary);
    QString verdictText() const;

signals:
    void answered(const clab::gui::PredictionAnswer& answer);

protected:
    void changeEvent(QEvent* event) override;

private:
    void colourVerdict(); // light colours on the projector's black, dark ones on the desk
    void clearChoices();

    std::optional<lessons::Prediction> prediction_;
    std::optional<EngineKind> about_;
    bool figure_shown_ = false; // the verdict shows the figure of the run it is about
    QLabel* question_ = nullptr;
    QWidget* choices_host_ = nullptr;
    QVBoxLayout* choices_layout_ = nullptr;
    QButtonGroup* group_ = nullptr;
    QDoubleSpinBox* number_ = nullptr;
    QLabel* verdict_ = nullptr;
    Verdict shown_verdict_;
    bool number_given_ = false;
};

} // namespace clab::gui
