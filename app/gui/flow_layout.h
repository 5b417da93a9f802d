// A row of widgets that wraps to the next line when the row is too narrow (buttons under a lesson's
// code in a narrow column or at presenter size), so nothing is cut or pushes the panel sideways.
// Items keep their size hints; each line is as tall as its tallest item.
#pragma once

#include <QLayout>
#include <QList>

namespace clab::gui {

class FlowLayout : public QLayout {
public:
    explicit FlowLayout(QWidget* parent = nullptr, int spacing = 6);
    ~FlowLayout() override;

    void addItem(QLayoutItem* item) override;
    int count() const override { return int(items_.size()); }
    QLayoutItem* itemAt(int index) const override { return items_.value(index); }
    QLayoutItem* takeAt(int index) override;
    Qt::Orientations expandingDirections() const override { return {}; }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override { return arrange(QRect(0, 0, width, 0), false); }
    QSize minimumSize() const override; // the widest item: anything wider wraps
    QSize sizeHint() const override;    // everything on one line
    void setGeometry(const QRect& rect) override;

private:
    int arrange(const QRect& rect, bool place) const; // the height used
    int gap() const;

    QList<QLayoutItem*> items_;
    int spacing_;
};

} // namespace clab::gui
