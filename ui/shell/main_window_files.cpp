#include "shell/main_window.h"

#include "common/theme.h"
#include "designer/commands.h"
#include "designer/graph_layout.h"
#include "designer/graph_scene.h"
#include "designer/graph_view.h"
#include "designer/physical_view.h"
#include "designer/problems_widget.h"
#include "replay/live_settings.h"
#include "replay/replay_controller.h"
#include "shell/start_page.h"

#include <QAction>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTimer>

namespace streamlab::ui {

using model::Json;

static constexpr int kMaxRecentFiles = 8;

QMessageBox::StandardButton Prompter::askToSave(QWidget* parent, const QString& document)
{
    QMessageBox box(QMessageBox::Warning, QObject::tr("Unsaved changes"),
        QObject::tr("Save the changes to “%1” before closing it?").arg(document),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, parent);
    box.setInformativeText(QObject::tr("Your changes will be lost if you don't save them."));
    box.setDefaultButton(QMessageBox::Save);
    return QMessageBox::StandardButton(box.exec());
}

void Prompter::showError(QWidget* parent, const QString& title, const QString& text)
{
    QMessageBox box(QMessageBox::Critical, title, title, QMessageBox::Ok, parent);
    box.setInformativeText(text);
    box.exec();
}

bool Prompter::askToRecover(QWidget* parent, const QString& document, const QDateTime& when)
{
    QMessageBox box(QMessageBox::Question, QObject::tr("Recover unsaved changes"),
        QObject::tr("Streamlab did not close normally. Recover the unsaved changes to “%1”?").arg(document),
        QMessageBox::Yes | QMessageBox::No, parent);
    box.setInformativeText(QObject::tr("They were saved automatically at %1.").arg(QLocale().toString(when, QLocale::ShortFormat)));
    box.setDefaultButton(QMessageBox::Yes);
    return box.exec() == QMessageBox::Yes;
}

QString Prompter::openFileName(QWidget* parent, const QString& dir)
{
    return QFileDialog::getOpenFileName(
        parent, QObject::tr("Open Job"), dir, QObject::tr("Streamlab jobs (*.json);;All files (*)"));
}

QString Prompter::saveFileName(QWidget* parent, const QString& suggestion)
{
    return QFileDialog::getSaveFileName(parent, QObject::tr("Save Job As"), suggestion,
        QObject::tr("Streamlab jobs (*.json);;All files (*)"));
}

void MainWindow::newJob()
{
    removeAutosave();
    m_model->clear();
    resetReplay();
    m_undo->clear();
    m_file.clear();
    showStartPage(false);
    m_view->setZoom(1.0);
    m_view->centerOn(QPointF(400, 200));
    showProblems();
    updateTitle();
    updateStatus();
    updateActions();
}

bool MainWindow::openFile(const QString& path, bool ask)
{
    if (ask && !maybeSave())
        return false;
    auto job = model::Job::load(path.toStdString());
    Status st = job.ok() ? m_model->setJob(*job) : job.status();
    if (!st.ok()) {
        m_lastError = QString::fromStdString(st.message());
        const bool newer = st.code() == Status::Code::Unsupported;
        m_prompter->showError(this,
            newer ? tr("“%1” was written by a newer Streamlab").arg(QFileInfo(path).fileName())
                  : tr("“%1” cannot be opened").arg(QFileInfo(path).fileName()),
            m_lastError);
        log(tr("Not opened: %1").arg(m_lastError));
        return false;
    }
    m_lastError.clear();
    removeAutosave();
    m_undo->clear();
    m_file = QFileInfo(path).absoluteFilePath();
    showStartPage(false);
    resetReplay();
    // Nodes without a position (a hand-written file) get the automatic layout; so do files whose
    // cards would lie on top of each other, or stand side by side in a row with no room for the
    // edge's label between them (files from before the cards grew). Any other layout is the
    // person's, kept as saved: downstream below, or to the left, is theirs to choose.
    bool missing = false;
    const auto ids = m_model->nodeIds();
    for (NodeId id : ids)
        missing = missing || !m_model->hasPosition(id);
    for (size_t i = 0; i < ids.size() && !missing; ++i)
        for (size_t j = i + 1; j < ids.size() && !missing; ++j)
            missing = QRectF(m_model->nodePosition(ids[i]), m_scene->nodeSize(ids[i]))
                          .intersects(QRectF(m_model->nodePosition(ids[j]), m_scene->nodeSize(ids[j])));
    for (const auto& c : m_model->connections()) {
        const QPointF from = m_model->nodePosition(c.outNode), to = m_model->nodePosition(c.inNode);
        const qreal gap = to.x() - from.x() - GraphScene::cardWidth();
        const bool sameRow = std::abs(to.y() - from.y()) < m_scene->nodeSize(c.outNode).height();
        missing = missing || (sameRow && gap > -GraphScene::cardWidth() && gap < 70);
    }
    if (missing) {
        log(tr("Laid out %1 automatically: node positions were missing or too tight")
                .arg(QFileInfo(path).fileName()));
        auto pos = layeredLayout(*m_model, [this](NodeId id) { return m_scene->nodeSize(id); });
        for (const auto& [id, p] : pos)
            m_model->setNodePosition(id, p + QPointF(40, 40));
        m_undo->setClean();
    }
    showProblems();
    addRecentFile(m_file);
    updateTitle();
    updateStatus();
    updateActions();
    log(tr("Opened %1").arg(m_file));
    QTimer::singleShot(0, m_view, [this] { m_view->fitReadable(); });
    if (m_physicalAct->isChecked())
        m_physical->showPlan(*m_model);
    return true;
}

bool MainWindow::saveTo(const QString& path)
{
    // Into another folder: each relative path of a source's event file or a file sink's output
    // is rewritten relative to the new folder, so that the saved job finds its files when
    // opened from there. Computed on a copy, which is what is saved; the window's job follows
    // only once the save succeeded.
    const std::filesystem::path target = std::filesystem::absolute(path.toStdString());
    model::Job job = m_model->job();
    std::vector<std::pair<NodeId, std::string>> moves;
    if (!job.path.empty() && job.path.parent_path() != target.parent_path())
        for (NodeId id : m_model->nodeIds()) {
            const QString kind = m_model->nodeKind(id);
            const model::Json p = m_model->param(id, "path");
            if ((kind != QLatin1String("source") && kind != QLatin1String("sink")) || !p.is_string()
                || p.get<std::string>().empty() || std::filesystem::path(p.get<std::string>()).is_absolute())
                continue;
            std::error_code ec;
            const auto resolved = std::filesystem::weakly_canonical(job.resolve(p.get<std::string>()), ec);
            const auto rel = std::filesystem::relative(resolved, target.parent_path(), ec);
            const std::string moved = ec || rel.empty() ? resolved.string() : rel.generic_string();
            if (model::Node* n = job.node(m_model->nodeKey(id).toStdString())) {
                n->doc["path"] = moved;
                moves.push_back({ id, moved });
            }
        }
    Status st = job.save(path.toStdString());
    if (!st.ok()) {
        m_lastError = QString::fromStdString(st.message());
        m_prompter->showError(this, tr("The job could not be saved"), m_lastError);
        return false;
    }
    // The job now lives in the new folder. Its moved paths are not an edit to undo: undoing one
    // (or an older edit of a path) would name a file relative to the old folder from the new
    // one, so the history before the move is let go, and said.
    m_model->setFilePath(target);
    for (const auto& [id, p] : moves)
        m_model->setParam(id, "path", p);
    if (!moves.empty()) {
        m_undo->clear();
        log(tr("Saved into another folder: event paths rewritten relative to %1; the undo history before it is cleared")
                .arg(QFileInfo(path).absolutePath()));
    }
    removeAutosave();
    m_file = QFileInfo(path).absoluteFilePath();
    m_undo->setClean();
    addRecentFile(m_file);
    updateTitle();
    statusBar()->showMessage(tr("Saved %1").arg(m_file), 4000);
    log(tr("Saved %1").arg(m_file));
    return true;
}

bool MainWindow::save()
{
    // A sample stays as shipped: saving one saves a copy, where the person chooses.
    if (m_file.isEmpty() || isSample(m_file))
        return saveAs();
    return saveTo(m_file);
}

bool MainWindow::isSample(const QString& file)
{
    const QString dir = QDir(samplesDir()).canonicalPath();
    const QString f = QFileInfo(file).canonicalFilePath();
    return !dir.isEmpty() && !f.isEmpty() && f.startsWith(dir + '/');
}

bool MainWindow::saveAs()
{
    QString suggestion = m_file;
    if (suggestion.isEmpty())
        suggestion = QString::fromStdString(m_model->job().name()).replace(' ', '-') + ".json";
    else if (isSample(m_file)) // a copy of a sample goes among the person's documents
        suggestion = QDir(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
                         .filePath(QFileInfo(m_file).dir().dirName() + ".json");
    QString f = m_prompter->saveFileName(this, suggestion);
    if (f.isEmpty())
        return false;
    // A new job is "untitled" until it has a file: then it is named after it (one undo step).
    if (m_model->job().name() == GraphModel::kUntitled)
        m_undo->push(new SetParamCommand(m_model, kJobNodeId, "name", QFileInfo(f).completeBaseName().toStdString()));
    return saveTo(f);
}

bool MainWindow::maybeSave()
{
    if (!isModified())
        return true;
    const QString doc
        = m_file.isEmpty() ? QString::fromStdString(m_model->job().name()) : QFileInfo(m_file).fileName();
    switch (m_prompter->askToSave(this, doc)) {
    case QMessageBox::Save:
        return save();
    case QMessageBox::Discard:
        return true;
    default:
        return false;
    }
}

QStringList MainWindow::recentFiles() const { return QSettings().value("recentFiles").toStringList(); }

void MainWindow::addRecentFile(const QString& path)
{
    QSettings settings;
    QStringList files = settings.value("recentFiles").toStringList();
    files.removeAll(path);
    files.prepend(path);
    while (files.size() > kMaxRecentFiles)
        files.removeLast();
    settings.setValue("recentFiles", files);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    if (!m_recentMenu)
        return;
    m_recentMenu->clear();
    const QStringList files = recentFiles();
    for (const QString& f : files) {
        QAction* a = m_recentMenu->addAction(
            QFileInfo(f).fileName() + QStringLiteral("  —  ") + QFileInfo(f).absolutePath());
        connect(a, &QAction::triggered, this, [this, f] { openFile(f); });
    }
    if (files.isEmpty())
        m_recentMenu->addAction(tr("No recent files"))->setEnabled(false);
    else {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(tr("Clear Menu"), this, [this] {
            QSettings().remove("recentFiles");
            rebuildRecentMenu();
        });
    }
}

QString MainWindow::autosaveDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/autosave");
}

QString MainWindow::autosavePath() const
{
    const QByteArray key = (m_file.isEmpty() ? QStringLiteral("untitled") : m_file).toUtf8();
    const QString id = QString::fromLatin1(QCryptographicHash::hash(key, QCryptographicHash::Sha1).toHex().left(16));
    // One per process and document, so that two windows or two instances never share one.
    return autosaveDir() + QStringLiteral("/%1-%2.json").arg(id).arg(QCoreApplication::applicationPid());
}

bool MainWindow::autosaveNow()
{
    if (!isModified() || m_undo->index() == m_autosavedIndex)
        return false;
    QDir().mkpath(autosaveDir());
    const QString path = autosavePath();
    if (!m_autosaveFile.isEmpty() && m_autosaveFile != path)
        removeAutosave();
    model::Job job = m_model->job();
    model::Json meta = { { "file", m_file.toStdString() }, { "savedAt", QDateTime::currentMSecsSinceEpoch() } };
    job.root["x-streamlab-autosave"] = meta;
    Status st = job.save(path.toStdString());
    if (!st.ok()) {
        log(tr("Autosave failed: %1").arg(QString::fromStdString(st.message())));
        return false;
    }
    m_autosaveFile = path;
    m_autosavedIndex = m_undo->index();
    return true;
}

void MainWindow::removeAutosave()
{
    if (!m_autosaveFile.isEmpty())
        QFile::remove(m_autosaveFile);
    m_autosaveFile.clear();
    m_autosavedIndex = -1;
}

// Whether the Streamlab that wrote an autosave ("<id>-<pid>.json") still runs. A pid that now
// belongs to another program, or to a process that crashed and was not yet reaped (a zombie), is
// not ours: its autosave is offered back.
static bool autosaveOwnerRuns(qint64 pid)
{
    if (pid <= 0 || pid == QCoreApplication::applicationPid())
        return false;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    // "pid (comm) state ...": the state follows the last ')'.
    const QByteArray line = stat.readAll();
    const int close = line.lastIndexOf(')');
    if (close < 0 || line.mid(close + 2, 1) == "Z" || line.mid(close + 2, 1) == "X")
        return false;
    QFile comm(QStringLiteral("/proc/%1/comm").arg(pid));
    if (!comm.open(QIODevice::ReadOnly))
        return false;
    // The kernel keeps the first 15 bytes of the executable's name.
    const QByteArray ours = QFileInfo(QCoreApplication::applicationFilePath()).fileName().toUtf8().left(15);
    return comm.readAll().trimmed() == ours;
}

bool MainWindow::recoverAutosave()
{
    QDir dir(autosaveDir());
    const QFileInfoList files = dir.entryInfoList({ "*.json" }, QDir::Files, QDir::Time);
    bool recovered = false;
    for (const QFileInfo& f : files) {
        if (f.absoluteFilePath() == m_autosaveFile)
            continue;
        // "<id>-<pid>.json": another Streamlab still running owns it.
        if (autosaveOwnerRuns(f.completeBaseName().section('-', -1).toLongLong()))
            continue;
        if (!recovered) {
            auto job = model::Job::load(f.absoluteFilePath().toStdString());
            if (job.ok()) {
                const model::Json* meta = nullptr;
                if (job->root.contains("x-streamlab-autosave"))
                    meta = &job->root["x-streamlab-autosave"];
                const QString original = meta && (*meta)["file"].is_string()
                    ? QString::fromStdString((*meta)["file"].get<std::string>())
                    : QString();
                const QString document = original.isEmpty() ? tr("an unsaved job") : QFileInfo(original).fileName();
                if (m_prompter->askToRecover(this, document, f.lastModified())) {
                    job->root.erase("x-streamlab-autosave");
                    // Relative event paths resolve against the original file's folder.
                    job->path = original.isEmpty() ? std::filesystem::path() : std::filesystem::path(original.toStdString());
                    if (m_model->setJob(*job).ok()) {
                        m_undo->clear();
                        m_file = original;
                        m_undo->resetClean(); // recovered changes are unsaved changes
                        showProblems();
                        updateTitle();
                        updateStatus();
                        updateActions();
                        log(tr("Recovered unsaved changes to %1").arg(document));
                        QTimer::singleShot(0, m_view, [this] { m_view->fitReadable(); });
                        recovered = true;
                    }
                }
            }
        }
        QFile::remove(f.absoluteFilePath());
    }
    return recovered;
}

} // namespace streamlab::ui
