// Compare A/B (issue 10): a run pinned as A beside the live run B, for the same job replayed with
// other settings. Three small charts draw both runs as two series each, labelled by the settings
// that differ between them ("A: clicks.watermark.maxOutOfOrderness=0ms"): window firings (fired
// at / window end), the watermark of the window operators, and the state entries. Below them the
// results diff (compare_diff.h) with its counts in the header. Run B is re-read from the live
// snapshot while the view is visible: charts at most once a second while it plays, the diff when
// it pauses, finishes or fails (a half-replayed B would differ everywhere). Copying a large run's
// results and diffing them take a few hundred milliseconds for millions of rows: from
// backgroundRows() rows on, both run on the background thread of release_later.h and the
// view shows them when they are done. GUI thread only.
#pragma once

#include "whatif/compare_run.h"

#include <QWidget>
#include <memory>

class QChart;
class QCategoryAxis;
class QLabel;
class QLineSeries;
class QScatterSeries;
class QSplitter;
class QTableView;
class QValueAxis;

namespace streamlab::ui {

class CompareDiffModel;

class CompareView : public QWidget {
    Q_OBJECT
public:
    static constexpr int kMaxFiringPoints = 400; // per run; scatter points are graphics items
    static constexpr int kPlayingRefreshMs = 1000;
    static constexpr size_t kBackgroundRows = 100000;
    explicit CompareView(QWidget* parent = nullptr);

    void setRunA(std::shared_ptr<const PinnedRun> run);
    // Copies `snapshot` (paused or finished) as run A, on the background thread when it is
    // large; pinned() follows when run A is in place.
    void pinAsRunA(std::shared_ptr<const runtime::ReplaySnapshot> snapshot, RunSettings settings);
    void clearRunA();
    const PinnedRun* runA() const { return m_a.get(); }
    // The live run: its latest snapshot and the settings it was started with.
    void setLiveRun(std::shared_ptr<const runtime::ReplaySnapshot> snapshot, const RunSettings& settings);
    void clearLiveRun();
    const PinnedRun* runB() const { return m_b.get(); }

    // Re-reads run B and redraws now, visible or not (tests, screenshots).
    void refresh();
    // From how many result rows and firings on copying run B and diffing go to the background
    // (kBackgroundRows; tests lower it).
    void setBackgroundRows(size_t rows) { m_backgroundRows = rows; }
    // True while a copy of run B or a diff runs in the background.
    bool isBusy() const { return m_readPending || m_diffPending || m_pinPending; }

signals:
    void pinned(quint64 generation, qint64 events, qint64 results);

public:

    CompareDiffModel* diffModel() const { return m_model; }
    QTableView* diffTable() const { return m_table; }
    QLabel* header() const { return m_header; }
    QChart* firingsChart() const { return m_firingsChart; }
    QChart* watermarkChart() const { return m_watermarkChart; }
    QChart* stateChart() const { return m_stateChart; }
    // The legend labels of A and B ("A: …", "B: …").
    QString labelA() const { return m_labelA; }
    QString labelB() const { return m_labelB; }

protected:
    void showEvent(QShowEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void reread(bool force);
    void updateLabels();
    void updateHeader();
    void updateCharts();
    void updateDiff();
    void showDiff(ResultDiff diff);
    void adoptRunB(std::shared_ptr<const PinnedRun> b);

    CompareDiffModel* m_model;
    QLabel* m_header;
    QTableView* m_table;
    QSplitter* m_split;
    bool m_splitMoved = false;
    QChart* m_firingsChart;
    QChart* m_watermarkChart;
    QChart* m_stateChart;
    QScatterSeries* m_firings[2];
    QLineSeries* m_watermarks[2];
    QLineSeries* m_maxEventTime;
    QLineSeries* m_state[2];
    QCategoryAxis* m_firingsX;
    QCategoryAxis* m_firingsY;
    QCategoryAxis* m_watermarkX;
    QCategoryAxis* m_watermarkY;
    QCategoryAxis* m_stateX;
    QValueAxis* m_stateY;

    std::shared_ptr<const PinnedRun> m_a;
    std::shared_ptr<const PinnedRun> m_b;
    std::shared_ptr<const runtime::ReplaySnapshot> m_live; // the latest snapshot of B
    RunSettings m_liveSettings;
    std::shared_ptr<const runtime::ReplaySnapshot> m_read; // the snapshot m_b was read from
    qint64 m_lastRead = 0;
    bool m_diffStale = true;
    size_t m_backgroundRows = kBackgroundRows;
    // Background work in flight, and tokens that tell a stale result from the latest one.
    bool m_readPending = false;
    bool m_diffPending = false;
    bool m_pinPending = false;
    quint64 m_pinToken = 0;
    quint64 m_readToken = 0;
    quint64 m_diffToken = 0;
    QString m_labelA;
    QString m_labelB;
};

} // namespace streamlab::ui
