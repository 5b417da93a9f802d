// The lab's controls: every control edits its ExperimentSpec field, sliders map positions to values
// (linear and logarithmic), the step decides which controls show and their ranges, Reset restores.
#include "gui/control_catalog.h"
#include "gui/controls_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QSignalSpy>
#include <QSlider>
#include <QTest>

using namespace clab;
using namespace clab::gui;

class TestControls : public QObject {
    Q_OBJECT
private slots:
    void everyControlEditsItsField_data() {
        QTest::addColumn<QString>("key");
        for (const ControlDef& def : control_catalog())
            QTest::newRow(qPrintable(def.key)) << def.key;
    }
    void everyControlEditsItsField() {
        QFETCH(QString, key);
        const ControlDef* def = find_control(key);
        QVERIFY(def);
        QVERIFY(!def->label.isEmpty());
        ExperimentSpec spec;
        const double before = def->get(spec);
        // A value different from the default, inside the range.
        const double target = before == def->max ? def->min : def->max;
        def->set(spec, target);
        QCOMPARE(def->get(spec), target);
        QVERIFY(!format_control_value(*def, target).isEmpty());
        // Only this field moved: every other control reads the same as on a fresh spec.
        const ExperimentSpec fresh;
        for (const ControlDef& other : control_catalog())
            if (other.key != key && !(key == "lock_order" && other.key == "lock"))
                QCOMPARE(other.get(spec), other.get(fresh));
    }
    void choicesUseTheLessonFileNames() {
        const ControlDef* engine = find_control("engine");
        QVERIFY(engine->choices.contains("thread-pool"));
        ExperimentSpec spec;
        engine->set(spec, double(engine->choices.indexOf("asyncio")));
        QCOMPARE(spec.engine, EngineKind::Asyncio);
        const ControlDef* start = find_control("start_method");
        start->set(spec, double(start->choices.indexOf("spawn")));
        QCOMPARE(spec.start_method, StartMethod::Spawn);
    }
    void sliderScale_data() {
        QTest::addColumn<double>("min");
        QTest::addColumn<double>("max");
        QTest::addColumn<bool>("log");
        QTest::addColumn<bool>("integer");
        QTest::newRow("workers 1..8") << 1.0 << 8.0 << false << true;
        QTest::newRow("iterations 1e4..1e8") << 1e4 << 1e8 << true << true;
        QTest::newRow("switch 0.5..50 ms") << 0.5 << 50.0 << true << false;
        QTest::newRow("percent 0..100") << 0.0 << 100.0 << false << true;
    }
    void sliderScale() {
        QFETCH(double, min);
        QFETCH(double, max);
        QFETCH(bool, log);
        QFETCH(bool, integer);
        SliderScale s{min, max, log, integer};
        QCOMPARE(s.value_at(0), min);
        QCOMPARE(s.value_at(s.steps()), max);
        double previous = min;
        for (int p = 0; p <= s.steps(); ++p) { // monotonic, always in range
            const double v = s.value_at(p);
            QVERIFY(v >= previous && v >= min && v <= max);
            previous = v;
        }
        // A value maps to a position that maps back close to it (within one step's rounding).
        const double mid = log ? std::sqrt(min * max) : (min + max) / 2;
        const double back = s.value_at(s.position_of(mid));
        QVERIFY2(std::abs(back - mid) <= std::max(1.0, mid * 0.03), qPrintable(QString::number(back)));
    }
    void smallIntegerRangesReachEveryValue() {
        SliderScale s{1, 8, false, true};
        QCOMPARE(s.steps(), 7);
        for (int v = 1; v <= 8; ++v)
            QCOMPARE(s.value_at(s.position_of(v)), double(v));
    }
    void panelShowsTheStepsControls() {
        ControlsPanel panel;
        ExperimentSpec spec;
        spec.engine = EngineKind::Threads;
        spec.tasks = 2;
        spec.iterations = 10'000'000;
        panel.setStep(spec, {{"tasks", false, 1, 8}, {"gil", true, 0, 0}, {"no_such_knob", false, 0, 1}});
        QCOMPARE(panel.keys(), (QStringList{"tasks", "gil"}));
        QCOMPARE(panel.unknownKeys(), QStringList{"no_such_knob"});
        auto* slider = qobject_cast<QSlider*>(panel.editor("tasks"));
        QVERIFY(slider);
        QCOMPARE(slider->maximum(), 7); // 1..8: every value one notch
        QVERIFY(qobject_cast<QComboBox*>(panel.editor("gil")));
        QVERIFY(!panel.editor("iterations"));
    }
    void movingASliderChangesTheSpec() {
        ControlsPanel panel;
        ExperimentSpec spec;
        spec.tasks = 2;
        panel.setStep(spec, {{"tasks", false, 1, 8}, {"switch_interval_ms", false, 0.5, 50}});
        QSignalSpy changed(&panel, &ControlsPanel::specChanged);
        auto* slider = qobject_cast<QSlider*>(panel.editor("tasks"));
        slider->setFocus();
        QTest::keyClick(slider, Qt::Key_Right); // as a student would
        QCOMPARE(panel.spec().tasks, 3);
        QCOMPARE(panel.valueText("tasks"), QStringLiteral("3"));
        QCOMPARE(changed.count(), 1);
        slider->setValue(slider->maximum());
        QCOMPARE(panel.spec().tasks, 8);
        auto* interval = qobject_cast<QSlider*>(panel.editor("switch_interval_ms"));
        interval->setValue(interval->minimum());
        QCOMPARE(panel.spec().switch_interval_ms, 0.5);
        interval->setValue(interval->maximum());
        QCOMPARE(panel.spec().switch_interval_ms, 50.0);
        QCOMPARE(panel.valueText("switch_interval_ms"), QStringLiteral("50 ms"));
    }
    void choicesAndTogglesChangeTheSpec() {
        ControlsPanel panel;
        panel.setStep(ExperimentSpec{}, {{"engine", true, 0, 0}, {"lock", true, 0, 0}});
        auto* combo = qobject_cast<QComboBox*>(panel.editor("engine"));
        combo->setCurrentIndex(combo->findData("process-pool"));
        QCOMPARE(panel.spec().engine, EngineKind::ProcessPool);
        auto* box = qobject_cast<QCheckBox*>(panel.editor("lock"));
        QVERIFY(box);
        box->click();
        QVERIFY(panel.spec().lock);
    }
    void resetPutsBackTheStepsValues() {
        ControlsPanel panel;
        ExperimentSpec spec;
        spec.tasks = 4;
        spec.gil = GilMode::On;
        panel.setStep(spec, {{"tasks", false, 1, 16}, {"gil", true, 0, 0}});
        QVERIFY(panel.setValue("tasks", 12));
        QVERIFY(panel.setValue("gil", 1));
        QCOMPARE(panel.spec().tasks, 12);
        QCOMPARE(panel.spec().gil, GilMode::Off);
        panel.resetToDefaults();
        QCOMPARE(panel.spec().tasks, 4);
        QCOMPARE(panel.spec().gil, GilMode::On);
        QCOMPARE(qobject_cast<QSlider*>(panel.editor("tasks"))->value(), 3);
    }
    void valuesAreClampedToTheLessonsRange() {
        ControlsPanel panel;
        panel.setStep(ExperimentSpec{}, {{"tasks", false, 1, 8}});
        panel.setValue("tasks", 1000);
        QCOMPARE(panel.spec().tasks, 8);
        QVERIFY(!panel.setValue("workers", 3)); // not shown in this step
    }
    void describeSpecSaysWhatRuns() {
        ExperimentSpec spec;
        spec.engine = EngineKind::Threads;
        spec.tasks = 2;
        spec.iterations = 10'000'000;
        QCOMPARE(describe_spec(spec), QStringLiteral("2 threads, each counting to 10,000,000"));
    }
};

QTEST_MAIN(TestControls)
#include "tst_controls.moc"
