// A message strip across the top of the window (like an IDE's info bar): a problem with the
// lesson files or a failed run, in words, with a close button. Never a modal dialog.
#pragma once

#include "summary_text.h"

#include <QFrame>

class QLabel;
class QToolButton;

namespace clab::gui {

class InfoBar : public QFrame {
    Q_OBJECT
public:
    explicit InfoBar(QWidget* parent = nullptr);

    void showMessage(const QString& text, Severity severity = Severity::Error);
    QString text() const;

private:
    QLabel* icon_ = nullptr;
    QLabel* text_ = nullptr;
    QToolButton* close_ = nullptr;
};

} // namespace clab::gui
