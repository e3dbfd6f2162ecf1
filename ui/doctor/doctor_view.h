// The Doctor dock: the pipeline doctor's findings for the current job (severity, title, node or
// edge, rule), and for the selected one what it means, the evidence (static, or figures measured in
// a replay) and the fix, with a Fix button. A line on top says what was checked (static rules, or
// measured in a replay) and shows what went wrong (a replay that failed). It only shows and asks:
// DoctorController runs the checks and applies the fixes. GUI thread only.
#pragma once

#include "doctor/doctor_runner.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTextBrowser;
class QTreeView;

namespace streamlab::ui {

class DoctorModel;

class DoctorView : public QWidget {
    Q_OBJECT
public:
    explicit DoctorView(QWidget* parent = nullptr);

    DoctorModel* model() const { return m_model; }
    // Shows the findings of a finished check; keeps the selected finding when it is still there.
    void setResult(const DoctorResult& result);
    // A check for a newer version of the job is under way (`measuring`: with a replay). Until its
    // result arrives the findings shown are out of date and cannot be fixed.
    void setChecking(bool measuring);
    // The check under way was called off: the findings on show stay.
    void stopChecking();
    bool isChecking() const { return m_checking; }
    // A message above the list (a replay or a fix that failed, the fixes applied); empty hides it.
    void setMessage(const QString& text, bool error);
    QString message() const;

    int currentRow() const;
    void setCurrentRow(int row); // selects without asking the canvas to follow
    QTreeView* list() const { return m_list; }
    QPushButton* fixButton() const { return m_fix; }
    QPushButton* measureButton() const { return m_measure; }
    QString statusText() const;
    QString detailsText() const; // the details of the selected finding, as plain text

signals:
    // A person selected a finding: select its node or edge on the canvas.
    void findingActivated(const QString& nodeKey, const QString& edgeKey);
    void fixRequested(int row);
    void measureRequested();

private:
    void updateDetails();
    void updateStatus();

    DoctorModel* m_model;
    QLabel* m_status;
    QLabel* m_message;
    QPushButton* m_measure;
    QTreeView* m_list;
    QTextBrowser* m_details;
    QPushButton* m_fix;
    bool m_checking = false;
    bool m_measuring = false;
    bool m_measured = false;
    bool m_hasResult = false;
    bool m_invalid = false; // the job does not compile
    bool m_selecting = false; // the selection changes by program, not by a person
};

} // namespace streamlab::ui
