#pragma once

#include "cli/gui_options.h"

#include <QMainWindow>

namespace clab {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(const cli::GuiOptions& options, QWidget* parent = nullptr);
};

} // namespace clab
