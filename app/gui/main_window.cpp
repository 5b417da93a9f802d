#include "main_window.h"

#include <QLabel>

namespace clab {

MainWindow::MainWindow(const cli::GuiOptions&, QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("Concurrency Lab"));
    setCentralWidget(new QLabel(tr("Concurrency Lab"), this));
    resize(1400, 900);
}

} // namespace clab
