// render_icon SVG SIZE OUT.png: draws the app's SVG icon at SIZE×SIZE pixels, for the hicolor PNG sizes
// the package installs. Qt's own SVG renderer (Qt SVG is already a dependency) keeps the SVG the one
// source of the icon, with no image tool to install.
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>
#include <cstdio>

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fputs("usage: render_icon SVG SIZE OUT.png\n", stderr);
        return 2;
    }
    // No QGuiApplication: the icon has no text, so drawing it needs no fonts and no display.
    bool ok = false;
    const int size = QString::fromLocal8Bit(argv[2]).toInt(&ok);
    QSvgRenderer svg(QString::fromLocal8Bit(argv[1]));
    if (!ok || size < 1 || !svg.isValid()) {
        std::fprintf(stderr, "render_icon: cannot render '%s' at size '%s'\n", argv[1], argv[2]);
        return 1;
    }
    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    svg.render(&painter);
    painter.end();
    if (!image.save(QString::fromLocal8Bit(argv[3]), "PNG")) {
        std::fprintf(stderr, "render_icon: cannot write '%s'\n", argv[3]);
        return 1;
    }
    return 0;
}
