#include "replay/sim_view.h"

#include "common/release_later.h"

namespace streamlab::ui {

SimView::SimView(QWidget* parent)
    : QWidget(parent)
{
}

void SimView::setJob(const model::JobSpec& spec, const runtime::Plan& plan)
{
    m_spec = spec;
    m_plan = plan;
    m_snapshot.reset();
    jobChanged();
}

void SimView::clear(const model::JobSpec& spec, const runtime::Plan& plan)
{
    setJob(spec, plan);
    // The snapshot of a run that has not begun: no events, no history, nothing fired.
    auto empty = std::make_shared<runtime::ReplaySnapshot>();
    empty->history = std::make_shared<const runtime::ReplayHistory>();
    setSnapshot(std::move(empty));
}

void SimView::setSnapshot(std::shared_ptr<const runtime::ReplaySnapshot> snapshot, bool redraw)
{
    if (m_snapshot && snapshot && m_snapshot->generation != snapshot->generation)
        releaseLater(m_snapshot); // the previous replay's rows are freed off the GUI thread
    m_snapshot = std::move(snapshot);
    if (!m_snapshot)
        return;
    updateModel();
    m_chartStale = true;
    if (redraw)
        refreshChart();
}

void SimView::refreshChart()
{
    if (m_snapshot && m_chartStale && isVisible()) {
        updateChart();
        m_chartStale = false;
    }
}

void SimView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_snapshot && m_chartStale) {
        updateChart();
        m_chartStale = false;
    }
}

} // namespace streamlab::ui
