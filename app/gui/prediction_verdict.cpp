#include "prediction_verdict.h"

#include "summary_text.h"

#include <QCoreApplication>
#include <cmath>

namespace clab::gui {

namespace {
QString tr(const char* text) {
    return QCoreApplication::translate("PredictionVerdict", text);
}
} // namespace

Verdict prediction_verdict(const lessons::Prediction& p, const PredictionAnswer& answer,
                           const Summary& summary) {
    Verdict v;
    v.answered = answer.given();
    v.measured = p.reveal.isEmpty() ? std::nullopt : summary_metric(summary, p.reveal);
    const QString measured =
        v.measured ? tr(" Measured: %1").arg(format_metric(p.reveal, *v.measured)) : QString();

    if (p.numeric) {
        // Judge against what this machine measured; the lesson's number is the fallback.
        const double truth = v.measured ? *v.measured : p.number;
        if (!answer.number) {
            v.text = tr("You made no guess.%1.").arg(measured);
            return v;
        }
        const double guess = *answer.number;
        const double scale = std::max(std::abs(truth), 1e-12);
        v.right = std::abs(guess - truth) / scale <= p.tolerance;
        const QString shown = v.measured ? format_metric(p.reveal, guess) : QString::number(guess, 'g', 4);
        v.text = tr("You said %1.%2 — %3.").arg(shown, measured, v.right ? tr("right") : tr("not quite"));
        return v;
    }

    const auto choice_text = [&](int one_based) {
        return one_based >= 1 && one_based <= p.choices.size() ? p.choices[one_based - 1] : QString();
    };
    const QString right_answer = choice_text(p.answer);
    if (!v.answered) {
        v.text = tr("The answer: '%1'.%2.").arg(right_answer, measured);
        return v;
    }
    v.right = answer.choice == p.answer;
    if (v.right)
        v.text = tr("You said '%1'.%2 — right.").arg(choice_text(answer.choice), measured);
    else
        v.text = tr("You said '%1'.%2 — the answer is '%3'.")
                     .arg(choice_text(answer.choice), measured, right_answer);
    return v;
}

} // namespace clab::gui
