// Results: every record that reached a sink, in emission order, including a window's late side
// output; filterable by sink, key, window and firing, exported to CSV. ResultsModel appends rows
// as the replay produces them (beginInsertRows, never a reset while the run goes on).
// GUI thread only.
#pragma once

#include "replay/sim_view.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;

namespace streamlab::ui {

class ResultsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Sink, Subtask, Key, Window, Value, Firing, Pane, Record, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;
    void update(const runtime::ReplaySnapshot& snap);
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;
    QStringList sinks() const;
    // The record as the CLI writes it: {"sink":...,"subtask":...,"record":{...}}.
    QString jsonLine(int row) const;

private:
    const runtime::SinkRow& row(int r) const;
    QString field(int sink, const streamlab::Record& record, const char* name) const;

    runtime::Chunks<runtime::SinkRow> m_chunks;
    std::vector<size_t> m_offsets; // first row of each chunk
    int m_rows = 0;
    std::vector<std::string> m_sinks;
    std::vector<SchemaPtr> m_schemas;
    uint64_t m_generation = 0;
};

class ResultsFilter : public QSortFilterProxyModel {
    Q_OBJECT
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setFilter(const QString& sink, const QString& key, const QString& window, const QString& firing);

protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override;

private:
    QString m_sink, m_key, m_window, m_firing;
};

class ResultsView : public SimView {
    Q_OBJECT
public:
    explicit ResultsView(QWidget* parent = nullptr);
    ResultsModel* model() const { return m_model; }
    ResultsFilter* filter() const { return m_filter; }
    void setFilter(const QString& sink, const QString& key, const QString& window, const QString& firing);
    // Writes the rows that pass the filter; false with a message when the file cannot be written.
    bool exportCsv(const QString& path, QString* error = nullptr) const;

protected:
    void jobChanged() override;
    void updateModel() override;
    void updateChart() override;

private:
    void applyFilter();

    ResultsModel* m_model;
    ResultsFilter* m_filter;
    QComboBox* m_sink;
    QLineEdit* m_key;
    QLineEdit* m_window;
    QComboBox* m_firing;
    QLabel* m_count;
    QTableView* m_table;
};

} // namespace streamlab::ui
