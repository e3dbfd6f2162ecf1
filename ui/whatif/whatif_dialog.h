// ui/whatif: what-if tools. The sweep dialog (this file, its table in sweep_table_model.h), and
// Compare A/B: a pinned run and the current one (compare_run.h), their difference
// (compare_diff.h) and its view. It includes ui/common, the designer's model and commands (a
// chosen value is an undoable edit) and the engine (whatif/sweep.h, the engine's own what-if
// folder of the same name).
//
// The what-if sweep dialog (issue 10, Replay ▸ Sweep…): picks one numeric parameter of the job
// (a source's watermark delay, a window's allowed lateness, ... from model::paramsOf), replays the
// job once per value of FROM..TO/STEP (each replay exactly `streamlab run --set TARGET=VALUE`, see
// whatif::measureReplay) and plots completeness against result latency (median or p99), one point
// per value labelled with it, above a table of every figure. Clicking a point or a row applies
// that value to the job as one undoable command. Replays run one after another on a worker thread
// (std::jthread) and come back queued, tagged with the sweep's generation; Cancel stops the replay
// under way (SweepOptions::stopRequested) and starts no further one. The dialog is modeless and kept by the main window. GUI thread only.
#pragma once

#include "designer/commands.h"
#include "whatif/sweep.h"
#include "whatif/sweep_table_model.h"

#include <QDialog>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <stop_token>
#include <thread>

class QChart;
class QChartView;
class QComboBox;
class QGraphicsSimpleTextItem;
class QLabel;
class QLineEdit;
class QLineSeries;
class QProgressBar;
class QPushButton;
class QScatterSeries;
class QTableView;
class QUndoStack;
class QValueAxis;

namespace streamlab::ui {

class GraphModel;

// Sets a parameter from the sweep: a SetParamCommand that never merges with the edit before it,
// so that Undo goes back exactly to the value the job had before the click.
class ApplySweepValueCommand : public SetParamCommand {
public:
    ApplySweepValueCommand(
        GraphModel* model, NodeId node, std::string path, model::Json value, const QString& text);
    int id() const override { return -1; }
};

class WhatIfDialog : public QDialog {
    Q_OBJECT
public:
    enum class LatencyAxis { Median, P99 };
    // One measured replay of a job; called on the worker thread. Default: whatif::measureReplay.
    using ReplayFunction
        = std::function<Result<whatif::SweepOutcome>(const model::Job&, const whatif::SweepOptions&)>;

    WhatIfDialog(GraphModel* model, QUndoStack* undo, QWidget* parent = nullptr);
    ~WhatIfDialog() override;

    // Event files replacing the job's, per source (the simulator's live settings).
    void setEventFiles(std::map<std::string, std::filesystem::path> events) { m_events = std::move(events); }
    // Replay Settings' live values ("src.watermark.maxOutOfOrderness=20000ms"): each replay of
    // the sweep runs with them, as the replay beside it does, the swept parameter excepted.
    // Settings of nodes the job no longer has (another job opened, a node renamed) are left out.
    void setLiveSettings(QStringList assignments)
    {
        m_live = std::move(assignments);
        updatePreview();
    }
    const QStringList& liveSettings() const { return m_live; }
    // REQUIRES: no sweep running. Tests inject one that holds replays, to stop them at a known point.
    void setReplayFunction(ReplayFunction replay) { m_replayFunction = std::move(replay); }
    // Fills the target list from the current job (keeps the chosen target when it still exists).
    void refreshTargets();
    // Chooses the target and range of "NODE.PARAM=FROM..TO/STEP"; false (with the reason in the
    // status line) when the target is not in the list or the text does not parse.
    bool setSweep(const QString& vary);
    // The range as typed, "NODE.PARAM=FROM..TO/STEP".
    QString varyText() const;
    // Whether the job with TARGET=VALUE still compiles without an error on that parameter.
    bool acceptsValue(const QString& target, const QString& value) const;
    // The live settings a sweep of `target` runs with: of nodes the job has, the target's own left out.
    QStringList liveFor(const std::string& target) const;
    // Starts the sweep (false with the reason in the status line when it cannot start).
    bool run();
    void cancel();
    bool isRunning() const { return m_running; }
    void setLatencyAxis(LatencyAxis axis);
    // Applies the value of row `row` to the job (one undoable command).
    bool applyRow(int row);

    QComboBox* targetBox() const { return m_target; }
    QLineEdit* fromField() const { return m_from; }
    QLineEdit* toField() const { return m_to; }
    QLineEdit* stepField() const { return m_step; }
    QPushButton* runButton() const { return m_run; }
    QPushButton* cancelButton() const { return m_cancel; }
    QComboBox* latencyBox() const { return m_latency; }
    QProgressBar* progressBar() const { return m_progress; }
    QLabel* statusLabel() const { return m_status; }
    QChart* chart() const { return m_chart; }
    QChartView* chartView() const { return m_chartView; }
    QScatterSeries* pointSeries() const { return m_points; }
    QTableView* table() const { return m_table; }
    SweepTableModel* tableModel() const { return m_model; }
    // The label of each plotted point, in the order of pointSeries().
    QStringList pointLabels() const;
    // The row of each plotted point (rows whose completeness is undefined are not plotted).
    const QList<int>& pointRows() const { return m_pointRows; }

signals:
    // After the last replay of a sweep, or after it failed or was cancelled.
    void sweepFinished(bool ok);
    // A value was applied to the job ("clicks.watermark.maxOutOfOrderness", "5s", previous value).
    void valueApplied(const QString& target, const QString& value, const QString& previous);

private:
    void targetChanged();
    void updatePreview();
    void updateChart();
    void placeLabels();
    void markCurrentValue();
    void setStatus(const QString& text, bool error = false);
    void received(uint64_t generation, int index, const Result<whatif::SweepOutcome>& result);
    void done(uint64_t generation, bool cancelled);
    QString currentValueText(const QString& target) const;
    std::optional<whatif::SweepAxis> parsedAxis(QString* error) const;

    GraphModel* m_graph;
    QUndoStack* m_undo;
    QComboBox* m_target;
    QLineEdit* m_from;
    QLineEdit* m_to;
    QLineEdit* m_step;
    QLabel* m_preview;
    QPushButton* m_run;
    QPushButton* m_cancel;
    QProgressBar* m_progress;
    QLabel* m_status;
    QComboBox* m_latency;
    QChart* m_chart;
    QChartView* m_chartView;
    QLineSeries* m_line;
    QScatterSeries* m_points;
    QScatterSeries* m_current;
    QValueAxis* m_axisX;
    QValueAxis* m_axisY;
    QList<QGraphicsSimpleTextItem*> m_labels;
    QList<int> m_pointRows;
    QTableView* m_table;
    SweepTableModel* m_model;

    QStringList m_live;
    std::map<std::string, std::filesystem::path> m_events;
    ReplayFunction m_replayFunction = whatif::measureReplay;
    LatencyAxis m_axis = LatencyAxis::Median;
    QString m_sweptTarget; // the target of the rows shown
    std::vector<std::string> m_values; // of the sweep under way
    uint64_t m_generation = 0;
    bool m_running = false;
    bool m_failed = false;
    std::jthread m_worker; // declared last: joined first on destruction
};

} // namespace streamlab::ui
