#include "prediction_verdict.h"

#include "summary_text.h"

#include <QCoreApplication>
#include <cmath>

namespace clab::gui {

namespace {
// The translation context of this file's texts: lupdate reads it from the macro, as tr() finds it.
class PredictionVerdict {
    Q_DECLARE_TR_FUNCTIONS(PredictionVerdict)
};
} // namespace

EngineKind prediction_engine(const lessons::Prediction& p, const lessons::Step& step) {
    if (!step.compare.isEmpty() && !p.numeric && p.answer >= 1 && p.answer <= p.choices.size()) {
        const QString named = p.choices[p.answer - 1].trimmed().toLower();
        if (step.compare.contains(named))
            if (const auto engine = parse_engine(named.toStdString())) return *engine;
    }
    return step.spec.engine;
}

namespace {
Verdict judge(const lessons::Prediction& p, const PredictionAnswer& answer, const Summary* summary,
              const QString& about) {
    Verdict v;
    v.answered = answer.given();
    if (summary && !p.reveal.isEmpty()) v.measured = summary_metric(*summary, p.reveal);
    QString measured;
    if (v.measured)
        measured = about.isEmpty()
                       ? PredictionVerdict::tr(" Measured: %1").arg(measured_phrase(*summary, p.reveal))
                       : PredictionVerdict::tr(" Measured for %1: %2")
                             .arg(about, measured_phrase(*summary, p.reveal));
    else if (!summary && !about.isEmpty())
        measured = PredictionVerdict::tr(" (Run %1, or Run all, to measure it)").arg(about);

    if (p.numeric) {
        // Judge against what this machine measured; the lesson's number is the fallback.
        const double truth = v.measured ? *v.measured : p.number;
        if (!answer.number) {
            v.text = PredictionVerdict::tr("You made no guess.%1.").arg(measured);
            return v;
        }
        const double guess = *answer.number;
        const double scale = std::max(std::abs(truth), 1e-12);
        v.right = std::abs(guess - truth) / scale <= p.tolerance;
        const QString shown = v.measured ? format_metric(p.reveal, guess) : QString::number(guess, 'g', 4);
        v.text = PredictionVerdict::tr("You said %1.%2 — %3.")
                     .arg(shown, measured,
                          v.right ? PredictionVerdict::tr("right") : PredictionVerdict::tr("not quite"));
        return v;
    }

    const auto choice_text = [&](int one_based) {
        return one_based >= 1 && one_based <= p.choices.size() ? p.choices[one_based - 1] : QString();
    };
    const QString right_answer = choice_text(p.answer);
    if (!v.answered) {
        v.text = PredictionVerdict::tr("The answer: '%1'.%2.").arg(right_answer, measured);
        return v;
    }
    v.right = answer.choice == p.answer;
    if (v.right)
        v.text = PredictionVerdict::tr("You said '%1'.%2 — right.").arg(choice_text(answer.choice), measured);
    else
        v.text = PredictionVerdict::tr("You said '%1'.%2 — the answer is '%3'.")
                     .arg(choice_text(answer.choice), measured, right_answer);
    return v;
}
} // namespace

Verdict prediction_verdict(const lessons::Prediction& p, const PredictionAnswer& answer,
                           const Summary* summary, const QString& about) {
    Verdict v = judge(p, answer, summary, about);
    // A verdict from a run that shared the machine with busy programs may be wrong either way.
    if (summary && v.measured)
        if (const QString busy = busy_machine_note(*summary); !busy.isEmpty())
            v.text += QLatin1Char(' ') + busy;
    return v;
}

} // namespace clab::gui
