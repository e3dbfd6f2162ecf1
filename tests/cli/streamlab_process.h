// Runs the `streamlab` command of this build as a person would, for the CLI tests.
#pragma once

#include <QByteArray>
#include <QProcess>
#include <QStringList>
#include <QtGlobal>

struct StreamlabRun {
    int code = -1; // the exit status; -2 when it did not end in time, -3 when it crashed
    QByteArray out, err;
};

// A run that has not ended after `timeoutMs` is killed (a hang fails the test that asked, the
// others go on); its output so far is dropped.
inline StreamlabRun runStreamlab(const QStringList& args, int timeoutMs = 120000)
{
    QProcess p;
    p.start(STREAMLAB_BINARY, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        qWarning("streamlab %s did not end within %d ms", qPrintable(args.join(' ')), timeoutMs);
        return { -2, {}, {} };
    }
    if (p.exitStatus() != QProcess::NormalExit)
        return { -3, p.readAllStandardOutput(), p.readAllStandardError() };
    return { p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError() };
}
