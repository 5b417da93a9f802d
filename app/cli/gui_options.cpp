#include "gui_options.h"

#include <QCommandLineParser>
#include <cstdio>

namespace clab::cli {

namespace {
const char* kUsageTail = "\nHeadless commands:\n"
                         "  concurrency-lab run [options]        run an experiment, print its summary\n"
                         "  concurrency-lab lessons check [DIR]  validate lesson files\n"
                         "Run 'concurrency-lab run --help' for the experiment options.\n";

void print(FILE* to, const QString& text) {
    fputs(text.toLocal8Bit().constData(), to);
}
} // namespace

int parse_gui_options(const QStringList& arguments, GuiOptions& options) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Concurrency Lab: learn Python concurrency by running it."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help."));
    const QCommandLineOption version({QStringLiteral("v"), QStringLiteral("version")},
                                     QStringLiteral("Show the version."));
    const QCommandLineOption lesson(QStringLiteral("lesson"),
                                    QStringLiteral("Open lesson ID (number or short name)."),
                                    QStringLiteral("ID"));
    const QCommandLineOption step(QStringLiteral("step"),
                                  QStringLiteral("Open step N of the lesson (from 1)."), QStringLiteral("N"));
    const QCommandLineOption presenter(QStringLiteral("presenter"),
                                       QStringLiteral("Projector mode: full screen, large fonts."));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("Save the window to FILE after the step's run, then quit."), QStringLiteral("FILE"));
    const QCommandLineOption screenshot_size(
        QStringLiteral("screenshot-size"),
        QStringLiteral("The window's size for --screenshot (default 1600x1000)."), QStringLiteral("WxH"));
    const QCommandLineOption lessons(QStringLiteral("lessons"), QStringLiteral("Load lessons from DIR."),
                                     QStringLiteral("DIR"));
    parser.addOptions({help, version, lesson, step, presenter, screenshot, screenshot_size, lessons});

    // No QCoreApplication exists yet (the GUI options are parsed before it), so Qt cannot know the
    // program's name: put it in ourselves.
    QString usage = parser.helpText() + QString::fromLatin1(kUsageTail);
    usage.replace(QStringLiteral("<executable_name>"), QStringLiteral("concurrency-lab"));
    if (!parser.parse(arguments)) {
        print(stderr, QStringLiteral("concurrency-lab: %1\n\n").arg(parser.errorText()) + usage);
        return 2;
    }
    if (!parser.positionalArguments().isEmpty()) {
        print(stderr, QStringLiteral("concurrency-lab: unexpected argument '%1'\n\n")
                              .arg(parser.positionalArguments().first()) +
                          usage);
        return 2;
    }
    if (parser.isSet(help)) {
        print(stdout, usage);
        return 0;
    }
    if (parser.isSet(version)) {
        print(stdout, QStringLiteral("concurrency-lab %1\n").arg(QStringLiteral(CLAB_VERSION)));
        return 0;
    }
    options.lesson = parser.value(lesson);
    if (parser.isSet(step)) {
        bool ok = false;
        options.step = parser.value(step).toInt(&ok);
        if (!ok || options.step < 1) {
            print(stderr, QStringLiteral("concurrency-lab: --step takes a whole number from 1\n\n") + usage);
            return 2;
        }
    }
    options.presenter = parser.isSet(presenter);
    options.screenshot = parser.value(screenshot);
    if (parser.isSet(screenshot_size)) {
        const QStringList wh = parser.value(screenshot_size).split(QLatin1Char('x'));
        bool ok_w = false, ok_h = false;
        const int w = wh.size() == 2 ? wh[0].toInt(&ok_w) : 0;
        const int h = wh.size() == 2 ? wh[1].toInt(&ok_h) : 0;
        if (!ok_w || !ok_h || w < 640 || h < 480 || w > 7680 || h > 4320) {
            print(stderr, QStringLiteral(
                              "concurrency-lab: --screenshot-size takes WxH, from 640x480 to 7680x4320\n\n") +
                              usage);
            return 2;
        }
        options.screenshot_size = QSize(w, h);
    }
    options.lessons_dir = parser.value(lessons);
    return -1;
}

} // namespace clab::cli
