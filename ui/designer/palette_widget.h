// The palette of node kinds: a search box over a list; items are dragged onto the canvas or
// activated (double-click, Enter) to add at the centre of the view. GUI thread only.
#pragma once

#include <QListWidget>
#include <QWidget>

class QLabel;
class QLineEdit;

namespace streamlab::ui {

// The list with drag support; shared by the palette and the quick-add popup.
class NodeKindList : public QListWidget {
    Q_OBJECT
public:
    explicit NodeKindList(QWidget* parent = nullptr);
    void setKinds(const QStringList& kinds); // the kinds listed, in this order
    void setFilter(const QString& text); // hides kinds that do not match; selects the first shown
    QString currentKind() const;
    static QString describe(const QString& kind);

protected:
    QMimeData* mimeData(const QList<QListWidgetItem*>& items) const override;
    void startDrag(Qt::DropActions actions) override; // and no kind stays selected after it
};

class PaletteWidget : public QWidget {
    Q_OBJECT
public:
    explicit PaletteWidget(QWidget* parent = nullptr);
    QLineEdit* searchBox() const { return m_search; }
    NodeKindList* list() const { return m_list; }

    // Narrower than its names need (a small window gives its width to the canvas), the palette
    // shows the kinds' icons only, each named in its tooltip, and no search box.
    bool isCompact() const { return m_compact; }
    int fullWidth() const; // the width at which every name shows
    int compactWidth() const;

signals:
    void kindActivated(const QString& kind); // then nothing stays selected

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void setCompact(bool on);

    QLineEdit* m_search;
    NodeKindList* m_list;
    bool m_compact = false;
};

// A small search box with the list, opened at the cursor by Tab or a double-click on the canvas,
// or where a dragged wire was dropped on empty canvas.
class QuickAddPopup : public QWidget {
    Q_OBJECT
public:
    explicit QuickAddPopup(QWidget* parent = nullptr);
    // Opens at `globalPos` with every kind; or, with `kinds`, only those, in that order, under
    // `title` ("After clicks"): the kinds the new node may have where it will be connected.
    void popup(QPoint globalPos, const QString& title = {}, const QStringList& kinds = {});
    QLineEdit* searchBox() const { return m_search; }
    NodeKindList* list() const { return m_list; }
    QLabel* titleLabel() const { return m_title; }

signals:
    void kindChosen(const QString& kind);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void choose();

    QLabel* m_title;
    QLineEdit* m_search;
    NodeKindList* m_list;
};

} // namespace streamlab::ui
