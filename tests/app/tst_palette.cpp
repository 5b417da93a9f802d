// The lane colours stay apart for every student: every two state colours differ clearly
// (CIEDE2000 ≥ 8; about 2 is a just-noticeable difference) for normal vision and under simulated
// deuteranopia and protanopia (Machado, Oliveira & Fernandes 2009, severity 1, applied in linear
// RGB), and no worker's identity colour comes near a state's (≥ 12), so a worker on a core lane is
// never read as "blocked in I/O".
#include "gui/palette.h"
#include "plots/palette.h"
#include "plots/timeline_view.h"

#include <QApplication>
#include <QTest>
#include <algorithm>
#include <array>
#include <cmath>

using namespace clab;
using namespace clab::plots;

namespace {
using Vec = std::array<double, 3>;
using Mat = std::array<Vec, 3>;

constexpr Mat kIdentity{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
constexpr Mat kProtanopia{
    {{0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216}, {-0.003882, -0.048116, 1.051998}}};
constexpr Mat kDeuteranopia{
    {{0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413}, {-0.011820, 0.042940, 0.968881}}};

double linear(int c) {
    const double v = c / 255.0;
    return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
}

Vec lab_of(const QColor& colour, const Mat& vision) {
    const Vec rgb{linear(colour.red()), linear(colour.green()), linear(colour.blue())};
    Vec seen{};
    for (int i = 0; i < 3; ++i)
        seen[i] = std::clamp(vision[i][0] * rgb[0] + vision[i][1] * rgb[1] + vision[i][2] * rgb[2], 0.0, 1.0);
    const double x = (0.4124 * seen[0] + 0.3576 * seen[1] + 0.1805 * seen[2]) / 0.95047;
    const double y = 0.2126 * seen[0] + 0.7152 * seen[1] + 0.0722 * seen[2];
    const double z = (0.0193 * seen[0] + 0.1192 * seen[1] + 0.9505 * seen[2]) / 1.08883;
    const auto f = [](double t) { return t > 0.008856 ? std::cbrt(t) : 7.787 * t + 16.0 / 116; };
    return {116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))};
}

double radians(double degrees) {
    return degrees * M_PI / 180;
}

// CIEDE2000 (Sharma, Wu & Dalal 2005).
double ciede2000(const Vec& lab1, const Vec& lab2) {
    const auto [l1, a1, b1] = lab1;
    const auto [l2, a2, b2] = lab2;
    const double c_bar = (std::hypot(a1, b1) + std::hypot(a2, b2)) / 2;
    const double g = 0.5 * (1 - std::sqrt(std::pow(c_bar, 7) / (std::pow(c_bar, 7) + std::pow(25.0, 7))));
    const double a1p = (1 + g) * a1, a2p = (1 + g) * a2;
    const double c1p = std::hypot(a1p, b1), c2p = std::hypot(a2p, b2);
    const auto hue = [](double b, double a) {
        const double h = std::atan2(b, a) * 180 / M_PI;
        return h < 0 ? h + 360 : h;
    };
    const double h1 = hue(b1, a1p), h2 = hue(b2, a2p);
    const double dl = l2 - l1, dc = c2p - c1p;
    double dh = 0;
    if (c1p * c2p != 0) {
        dh = h2 - h1;
        if (dh > 180) dh -= 360;
        if (dh < -180) dh += 360;
    }
    const double d_big_h = 2 * std::sqrt(c1p * c2p) * std::sin(radians(dh / 2));
    const double l_bar = (l1 + l2) / 2, cp_bar = (c1p + c2p) / 2;
    double h_bar = h1 + h2;
    if (c1p * c2p != 0)
        h_bar = std::abs(h1 - h2) <= 180 ? (h1 + h2) / 2
                                         : (h1 + h2 < 360 ? (h1 + h2 + 360) / 2 : (h1 + h2 - 360) / 2);
    const double t = 1 - 0.17 * std::cos(radians(h_bar - 30)) + 0.24 * std::cos(radians(2 * h_bar)) +
                     0.32 * std::cos(radians(3 * h_bar + 6)) - 0.20 * std::cos(radians(4 * h_bar - 63));
    const double d_theta = 30 * std::exp(-std::pow((h_bar - 275) / 25, 2));
    const double rc = 2 * std::sqrt(std::pow(cp_bar, 7) / (std::pow(cp_bar, 7) + std::pow(25.0, 7)));
    const double sl = 1 + 0.015 * std::pow(l_bar - 50, 2) / std::sqrt(20 + std::pow(l_bar - 50, 2));
    const double sc = 1 + 0.045 * cp_bar, sh = 1 + 0.015 * cp_bar * t;
    const double rt = -std::sin(radians(2 * d_theta)) * rc;
    return std::sqrt(std::pow(dl / sl, 2) + std::pow(dc / sc, 2) + std::pow(d_big_h / sh, 2) +
                     rt * (dc / sc) * (d_big_h / sh));
}

double distance(const QColor& a, const QColor& b, const Mat& vision) {
    return ciede2000(lab_of(a, vision), lab_of(b, vision));
}

// WCAG 2 contrast ratio: (L1 + 0.05) / (L2 + 0.05) of the relative luminances.
double contrast(const QColor& a, const QColor& b) {
    const auto luminance = [](const QColor& c) {
        return 0.2126 * linear(c.red()) + 0.7152 * linear(c.green()) + 0.0722 * linear(c.blue());
    };
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QString name_of(const QColor& c) {
    return c.name();
}
} // namespace

Q_DECLARE_METATYPE(clab::plots::Look)

class TestPalette : public QObject {
    Q_OBJECT
private slots:
    void ciede2000MatchesThePublishedPairs() {
        // Sharma et al. (2005), table 1, pairs 1 and 17.
        QVERIFY(std::abs(ciede2000({50, 2.6772, -79.7751}, {50, 0, -82.7485}) - 2.0425) < 1e-3);
        QVERIFY(std::abs(ciede2000({50, 2.5, 0}, {73, 25, -18}) - 27.1492) < 1e-3);
    }

    void everyTwoStatesStayApart_data() {
        QTest::addColumn<int>("vision");
        QTest::newRow("normal vision") << 0;
        QTest::newRow("deuteranopia") << 1;
        QTest::newRow("protanopia") << 2;
    }
    void everyTwoStatesStayApart() {
        QFETCH(int, vision);
        const Mat& m = vision == 0 ? kIdentity : vision == 1 ? kDeuteranopia : kProtanopia;
        QStringList close;
        for (int a = 0; a < int(SegState::Count); ++a)
            for (int b = a + 1; b < int(SegState::Count); ++b) {
                const double d = distance(state_colour(SegState(a)), state_colour(SegState(b)), m);
                if (d < 8)
                    close << QStringLiteral("%1 / %2: %3")
                                 .arg(state_label(SegState(a)), state_label(SegState(b)))
                                 .arg(d, 0, 'f', 1);
            }
        QVERIFY2(close.isEmpty(), qPrintable(close.join(QStringLiteral("; "))));
    }

    void noWorkerLooksLikeAState() {
        QStringList close;
        for (int w = 0; w < kWorkerColours; ++w)
            for (int s = 0; s < int(SegState::Count); ++s) {
                const double d = distance(worker_colour(uint32_t(w)), state_colour(SegState(s)), kIdentity);
                if (d < 12)
                    close << QStringLiteral("worker %1 / %2: %3")
                                 .arg(w)
                                 .arg(state_label(SegState(s)))
                                 .arg(d, 0, 'f', 1);
            }
        QVERIFY2(close.isEmpty(), qPrintable(close.join(QStringLiteral("; "))));
    }

    // In every theme (desk and presenter, light, dark and high contrast): no worker's colour comes
    // near a state's as drawn, every lane colour stands apart from the plot's background and from the
    // zebra rows (CIEDE2000 >= 8 and >= 6), and text (tick labels, legend) and the axis colour (which the
    // placeholder text uses) pass WCAG's 4.5:1 against the background.
    void everyThemeKeepsColoursApart_data() {
        QTest::addColumn<bool>("presenter");
        QTest::addColumn<Look>("look");
        for (const bool presenter : {false, true})
            for (const auto& [look, name] : {std::pair{Look::Light, "light"}, std::pair{Look::Dark, "dark"},
                                             std::pair{Look::HighContrast, "high contrast"}})
                QTest::newRow(
                    qPrintable(QStringLiteral("%1, %2").arg(presenter ? "presenter" : "desk", name)))
                    << presenter << look;
    }
    void everyThemeKeepsColoursApart() {
        QFETCH(bool, presenter);
        QFETCH(Look, look);
        const Theme theme = Theme::make(presenter, look);
        QCOMPARE(theme.look, look);
        QCOMPARE(theme.presenter, presenter);
        QStringList bad;
        std::vector<uint8_t> keys;
        for (int s = 0; s < int(SegState::Count); ++s)
            keys.push_back(state_key(SegState(s)));
        for (int w = 0; w < kWorkerColours; ++w)
            keys.push_back(worker_key(uint32_t(w)));
        for (const uint8_t key : keys) {
            // The zebra tint only marks every other row, and a bar there also has the plain background
            // above and below it (the lane's gap), so 6 is asked of it: still three times a
            // just-noticeable difference.
            for (const auto& [ground, least] :
                 {std::pair{theme.background, 8.0}, std::pair{theme.lane_background, 6.0}})
                if (const double d = distance(key_colour(key), ground, kIdentity); d < least)
                    bad << QStringLiteral("key %1 on %2: %3").arg(key).arg(name_of(ground)).arg(d, 0, 'f', 1);
            if (!is_worker_key(key)) continue;
            for (int s = 0; s < int(SegState::Count); ++s)
                if (const double d = distance(key_colour(key), key_colour(state_key(SegState(s))), kIdentity);
                    d < 12)
                    bad << QStringLiteral("worker key %1 / %2: %3")
                               .arg(key)
                               .arg(state_label(SegState(s)))
                               .arg(d);
        }
        for (const QColor& text : {theme.text, theme.axis})
            if (const double c = contrast(text, theme.background); c < 4.5)
                bad << QStringLiteral("text %1 on %2: %3:1")
                           .arg(name_of(text), name_of(theme.background))
                           .arg(c);
        QVERIFY2(bad.isEmpty(), qPrintable(bad.join(QStringLiteral("; "))));
    }

    // The high-contrast window palette: every text role at least 7:1 on the background it is drawn on,
    // in every colour group (disabled text too).
    // One word, one meaning: "forced switch" is the summary's count and the ▲ marker (a drop at
    // the interval, on request); no lane state borrows it (a thread waiting for a taker after any
    // drop while a request was pending was once "forced switch: waits for a taker").
    void forcedSwitchNamesOneThing() {
        for (int s = 0; s < int(SegState::Count); ++s)
            QVERIFY2(!state_label(SegState(s)).contains(QStringLiteral("forced"), Qt::CaseInsensitive),
                     qPrintable(state_label(SegState(s))));
    }

    // Lines and markers (core utilisation, GIL drop requests and forced switches, the ready queue)
    // stand out from the plot's background at WCAG's 3:1 for graphics in every theme (#222222 and
    // black vanished on the dark look's grey), and the utilisation lines stay apart from each other.
    void linesAndMarkersStandOut_data() { everyThemeKeepsColoursApart_data(); }
    void linesAndMarkersStandOut() {
        QFETCH(bool, presenter);
        QFETCH(Look, look);
        const Theme theme = Theme::make(presenter, look);
        QList<std::pair<QString, QColor>> drawn = {{QStringLiteral("drop request"), theme.drop_marker},
                                                   {QStringLiteral("forced switch"), theme.forced_marker},
                                                   {QStringLiteral("ready queue"), theme.ready_line}};
        constexpr size_t kCores = 6;
        for (size_t core = 0; core < kCores; ++core)
            drawn.append({QStringLiteral("core %1 busy").arg(core), utilisation_colour(core, look)});
        QStringList bad;
        for (const auto& [what, colour] : drawn)
            if (const double c = contrast(colour, theme.background); c < 3.0)
                bad << QStringLiteral("%1 %2 on %3: %4:1")
                           .arg(what, name_of(colour), name_of(theme.background))
                           .arg(c, 0, 'f', 2);
        for (size_t a = 0; a < kCores; ++a)
            for (size_t b = a + 1; b < kCores; ++b)
                if (const double d =
                        distance(utilisation_colour(a, look), utilisation_colour(b, look), kIdentity);
                    d < 8)
                    bad << QStringLiteral("cores %1 / %2: %3").arg(a).arg(b).arg(d, 0, 'f', 1);
        QVERIFY2(bad.isEmpty(), qPrintable(bad.join(QStringLiteral("; "))));
    }

    void highContrastPaletteIsReadable() {
        const QPalette p = gui::high_contrast_palette();
        const std::pair<QPalette::ColorRole, QPalette::ColorRole> pairs[] = {
            {QPalette::WindowText, QPalette::Window},
            {QPalette::Text, QPalette::Base},
            {QPalette::ButtonText, QPalette::Button},
            {QPalette::ToolTipText, QPalette::ToolTipBase},
            {QPalette::HighlightedText, QPalette::Highlight},
            {QPalette::PlaceholderText, QPalette::Base},
            {QPalette::Link, QPalette::Base},
            {QPalette::Text, QPalette::AlternateBase}};
        for (const QPalette::ColorGroup group : {QPalette::Active, QPalette::Inactive, QPalette::Disabled})
            for (const auto& [fore, back] : pairs) {
                const double c = contrast(p.color(group, fore), p.color(group, back));
                QVERIFY2(c >= 7.0, qPrintable(QStringLiteral("group %1 role %2 on %3: %4:1")
                                                  .arg(int(group))
                                                  .arg(int(fore))
                                                  .arg(int(back))
                                                  .arg(c)));
            }
    }

    // Views follow the application: a dark desktop palette gives the dark look, high contrast its own,
    // and turning high contrast off gives the desktop's look back.
    void viewsFollowTheApplicationsLook() {
        const QPalette original = QApplication::palette();
        plots::TimelineView view;
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCOMPARE(view.theme().look, application_look());
        QPalette dark(QColor(0xE0, 0xE0, 0xE0), QColor(0x2B, 0x2B, 0x2B)); // a dark desktop's palette
        QApplication::setPalette(dark);
        QCOMPARE(application_look(), Look::Dark);
        QTRY_COMPARE(view.theme().look, Look::Dark);
        QVERIFY(view.theme().background.lightness() < 128);
        gui::set_high_contrast(true);
        QVERIFY(gui::high_contrast());
        QCOMPARE(application_look(), Look::HighContrast);
        QTRY_COMPARE(view.theme().look, Look::HighContrast);
        QCOMPARE(QApplication::palette().color(QPalette::WindowText), QColor(Qt::black));
        gui::set_high_contrast(false);
        QTRY_COMPARE(view.theme().look, Look::Dark);
        view.set_presenter(true); // presenter mode keeps the look
        QCOMPARE(view.theme().look, Look::Dark);
        QVERIFY(view.theme().presenter);
        QApplication::setPalette(original);
        QTRY_COMPARE(view.theme().look, application_look());
    }
};

QTEST_MAIN(TestPalette)
#include "tst_palette.moc"
