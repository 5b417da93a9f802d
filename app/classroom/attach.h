// The one call the main window makes: builds the ClassroomController on top of the window's
// public API (lab, lesson, navigator, presenter signal) and installs its menus, toolbar section
// and history dock. Keeps app/gui free of classroom code beyond this line.
#pragma once

namespace clab {
class MainWindow;
namespace classroom {
class ClassroomController;

ClassroomController* attach_classroom(MainWindow* window);

} // namespace classroom
} // namespace clab
