// The file dialog the window opens (lessons folder, run files, the python interpreter): a
// QFileDialog that never stops the program. Qt's own QFileDialog::accept() exec's a modal "File
// not found" / "Directory not found" box when the typed name does not exist (a nested event
// loop while runs stream: the random session, seeds 192026 and 7, found it), and its "replace
// it?" box when saving over a file. This one checks the name first, as Qt 6.4's accept() would,
// and says what is wrong beside the name; the dialog stays open with the name selected for
// retyping (saving over a file: pressing Save again replaces it, unless the caller set
// DontConfirmOverwrite and asks itself). Open it with open(): window-modal, answered later
// through fileSelected, deleted on close.
#pragma once

#include <QFileDialog>

class QLabel;
class QLineEdit;

namespace clab::gui {

class OpenFileDialog : public QFileDialog {
    Q_OBJECT
public:
    OpenFileDialog(QWidget* parent, const QString& caption, const QString& directory,
                   const QString& filter = QString());

    // What the dialog said about the last name accepted (empty while there is nothing to say).
    QString problem() const;

protected:
    void accept() override;

private:
    // Why QFileDialog::accept() would stop for a "not found" box on the current selection, or empty.
    QString whyNotAccepted() const;
    // The existing file QFileDialog::accept() would ask to replace with a box, or empty.
    QString fileToReplace() const;
    void sayProblem(const QString& text);

    QLabel* problem_ = nullptr; // made on the first problem (a native dialog has no layout of ours)
    QString replace_;           // the file the user was told exists; Save again replaces it
};

} // namespace clab::gui
