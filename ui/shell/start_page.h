// The start page, in place of the canvas when Streamlab starts without a job: what Streamlab is
// in one line, the samples (each a pitfall from production, with its README's summary), the
// recent files, and the ways to begin (a new pipeline, open a file). A node kind dragged from
// the palette onto it starts a new pipeline with that node. GUI thread only.
#pragma once

#include <QList>
#include <QScrollArea>

class QLabel;
class QListWidget;
class QPushButton;

namespace streamlab::ui {

// A sample job shipped with Streamlab.
struct Sample {
    QString path;    // its job.json
    QString title;   // its README's heading ("Stuck producer: the late-firing flood")
    QString summary; // its README's first paragraph, as plain text
};

// Where the samples are: $STREAMLAB_SAMPLES, else beside an installed executable
// (../share/streamlab/samples), else the source tree's samples/ this build came from.
QString samplesDir();
// Every sample's main job (samples/*/job.json), in name order.
QList<Sample> samples();

// A scroll area: on a small screen the page scrolls rather than hold the window taller than it.
class StartPage : public QScrollArea {
    Q_OBJECT
public:
    explicit StartPage(QWidget* parent = nullptr);

    void setRecentFiles(const QStringList& files);
    QListWidget* sampleList() const { return m_samples; }
    QListWidget* recentList() const { return m_recent; }
    QPushButton* newButton() const { return m_new; }
    QPushButton* openButton() const { return m_open; }

signals:
    void openRequested(const QString& path); // a sample or a recent file
    void openDialogRequested();
    void newRequested();
    void kindDropped(const QString& kind); // a node kind from the palette

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void restyle(); // colours of the palette in use (light or dark)
    void fitCards(); // each sample's card as tall as its text at the list's width

    QListWidget* m_samples;
    QListWidget* m_recent;
    QLabel* m_noRecent;
    QPushButton* m_new;
    QPushButton* m_open;
    QList<QLabel*> m_muted;
    struct Card {
        QLabel* label;
        QString title, summary;
    };
    QList<Card> m_cards;
    bool m_restyling = false;
};

} // namespace streamlab::ui
