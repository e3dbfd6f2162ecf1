// The base of the simulator's live views: each receives every pulled ReplaySnapshot, keeps its
// model current (cheap, always) and redraws its chart only while visible (charts are the costly
// part; a hidden dock costs nothing). GUI thread only.
#pragma once

#include "model/spec.h"
#include "runtime/plan.h"
#include "runtime/replay.h"

#include <QWidget>
#include <memory>

namespace streamlab::ui {

class SimView : public QWidget {
    Q_OBJECT
public:
    explicit SimView(QWidget* parent = nullptr);

    // A new run of `spec` starts: views forget the previous run.
    void setJob(const model::JobSpec& spec, const runtime::Plan& plan);
    // Another job was opened: forget the previous run and show the view empty, as before any run.
    void clear(const model::JobSpec& spec, const runtime::Plan& plan);
    // Updates the model; the chart follows on refreshChart() (charts redraw at a lower rate than
    // models update, see MainWindow), or at once when `redraw`.
    void setSnapshot(std::shared_ptr<const runtime::ReplaySnapshot> snapshot, bool redraw = true);
    // Redraws the chart from the latest snapshot when it is visible and out of date.
    void refreshChart();
    const runtime::ReplaySnapshot* snapshot() const { return m_snapshot.get(); }

protected:
    virtual void jobChanged() { }
    virtual void updateModel() = 0; // from snapshot(), always
    virtual void updateChart() = 0; // from snapshot(), only while visible
    void showEvent(QShowEvent* event) override;

    model::JobSpec m_spec;
    runtime::Plan m_plan;

private:
    std::shared_ptr<const runtime::ReplaySnapshot> m_snapshot;
    bool m_chartStale = true;
};

} // namespace streamlab::ui
