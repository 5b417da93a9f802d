// The view titles on the left ("Workers", "GIL waiters", "CPU busy %") never overlap, on the desk
// and in the presenter theme, in tall and short windows: each stays within its own stretch of the
// title column, and all stand in one column left of every tick label. With room enough they are
// shown whole.
#include "core/builtin_engines.h"
#include "core/experiment/runner.h"
#include "plots/timeline_view.h"

#include <QFontMetrics>
#include <QTest>

using namespace clab;
using namespace clab::plots;

namespace {
struct TitleBox {
    QString text;
    double top = 0.0;
    double bottom = 0.0;
};

// Where QCustomPlot puts a left axis title: rotated, centred on the axis rect, as long as its
// longest line.
std::vector<TitleBox> title_boxes(const TimelineView& view) {
    const QFontMetrics metrics(view.theme().title_font);
    std::vector<TitleBox> boxes;
    for (int i = 0; i < view.plot()->axisRectCount(); ++i) {
        const QCPAxisRect* rect = view.plot()->axisRect(i);
        const QString label = rect->axis(QCPAxis::atLeft)->label();
        int length = 0;
        for (const QString& line : label.split(QLatin1Char('\n')))
            length = std::max(length, metrics.horizontalAdvance(line));
        const double centre = rect->rect().center().y();
        boxes.push_back({label, centre - length / 2.0, centre + length / 2.0});
    }
    return boxes;
}
} // namespace

class TestTimelineTitles : public QObject {
    Q_OBJECT
    Trace threads_;

private slots:
    void initTestCase() {
        register_builtin_engines();
        ExperimentSpec spec;
        spec.engine = EngineKind::Threads;
        spec.workload = WorkloadKind::Cpu;
        spec.tasks = 2;
        spec.iterations = 400'000;
        spec.timeout_s = 20;
        Runner::run(spec, &threads_);
    }

    void titlesNeverOverlap_data() {
        QTest::addColumn<bool>("presenter");
        QTest::addColumn<int>("height");
        for (bool presenter : {false, true})
            for (int height : {320, 450, 600, 800, 1100})
                QTest::newRow(
                    qPrintable(QStringLiteral("%1, %2 px").arg(presenter ? "presenter" : "desk").arg(height)))
                    << presenter << height;
    }
    void titlesNeverOverlap() {
        QFETCH(bool, presenter);
        QFETCH(int, height);
        TimelineView view;
        view.resize(1000, height);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.set_presenter(presenter);
        view.load_trace(threads_);
        view.replot_now();
        QVERIFY(view.is_view_shown(TimelineView::View::Gil)); // five rects: the crowded case
        const std::vector<TitleBox> boxes = title_boxes(view);
        QVERIFY(boxes.size() >= 4);
        for (size_t i = 0; i + 1 < boxes.size(); ++i)
            QVERIFY2(boxes[i].bottom < boxes[i + 1].top,
                     qPrintable(QStringLiteral("'%1' reaches %2, '%3' starts at %4")
                                    .arg(boxes[i].text)
                                    .arg(boxes[i].bottom)
                                    .arg(boxes[i + 1].text)
                                    .arg(boxes[i + 1].top)));
        // One column: every title as far from its rect as the others, so none sits beside the wider
        // tick labels of a neighbour.
        int offset = -1;
        for (int i = 0; i < view.plot()->axisRectCount(); ++i) {
            const QCPAxis* axis = view.plot()->axisRect(i)->axis(QCPAxis::atLeft);
            QFontMetrics ticks(axis->tickLabelFont());
            int widest = 0;
            for (const QString& label : axis->tickVectorLabels())
                widest = std::max(widest, ticks.horizontalAdvance(label));
            const int from_rect = widest + axis->labelPadding();
            if (offset < 0) offset = from_rect;
            QCOMPARE(from_rect, offset);
        }
        // With room enough, every title is there whole (perhaps on two lines).
        if (height >= 800) {
            for (const TitleBox& box : boxes)
                QVERIFY2(!box.text.contains(QChar(0x2026)), qPrintable(box.text));
        }
    }
};

QTEST_MAIN(TestTimelineTitles)
#include "tst_timeline_titles.moc"
