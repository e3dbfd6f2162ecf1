#include "common/theme.h"

#include <QApplication>
#include <QFile>
#include <QHash>
#include <QPainter>
#include <QStyleFactory>
#include <QSvgRenderer>

// The resources live in the static `ui` library: they must be registered explicitly.
static void initResources() { Q_INIT_RESOURCE(streamlab); }

namespace streamlab::ui::theme {

bool isDark(const QPalette& palette)
{
    const QPalette& p = palette.resolveMask() ? palette : QApplication::palette();
    return p.color(QPalette::Window).lightness() < 128;
}

void applyPalette(bool dark)
{
    QApplication::setStyle(QStyleFactory::create("Fusion"));
    QPalette p;
    if (dark) {
        p.setColor(QPalette::Window, QColor(0x26, 0x28, 0x2c));
        p.setColor(QPalette::WindowText, QColor(0xe6, 0xe8, 0xeb));
        p.setColor(QPalette::Base, QColor(0x1e, 0x20, 0x23));
        p.setColor(QPalette::AlternateBase, QColor(0x2a, 0x2c, 0x31));
        p.setColor(QPalette::ToolTipBase, QColor(0x33, 0x36, 0x3b));
        p.setColor(QPalette::ToolTipText, QColor(0xe6, 0xe8, 0xeb));
        p.setColor(QPalette::PlaceholderText, QColor(0x8b, 0x90, 0x98));
        p.setColor(QPalette::Text, QColor(0xe6, 0xe8, 0xeb));
        p.setColor(QPalette::Button, QColor(0x30, 0x33, 0x38));
        p.setColor(QPalette::ButtonText, QColor(0xe6, 0xe8, 0xeb));
        p.setColor(QPalette::BrightText, Qt::white);
        p.setColor(QPalette::Highlight, QColor(0x3e, 0x63, 0xdd));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::Link, QColor(0x84, 0x9d, 0xff));
        p.setColor(QPalette::Mid, QColor(0x44, 0x48, 0x4f));
        p.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1c));
        p.setColor(QPalette::Light, QColor(0x3a, 0x3d, 0x44));
        p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x6b, 0x70, 0x78));
        p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x6b, 0x70, 0x78));
        p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x6b, 0x70, 0x78));
    } else {
        p.setColor(QPalette::Window, QColor(0xf3, 0xf4, 0xf6));
        p.setColor(QPalette::WindowText, QColor(0x1c, 0x20, 0x24));
        p.setColor(QPalette::Base, Qt::white);
        p.setColor(QPalette::AlternateBase, QColor(0xf7, 0xf8, 0xfa));
        p.setColor(QPalette::ToolTipBase, QColor(0xff, 0xff, 0xff));
        p.setColor(QPalette::ToolTipText, QColor(0x1c, 0x20, 0x24));
        p.setColor(QPalette::PlaceholderText, QColor(0x8b, 0x90, 0x98));
        p.setColor(QPalette::Text, QColor(0x1c, 0x20, 0x24));
        p.setColor(QPalette::Button, QColor(0xfa, 0xfa, 0xfb));
        p.setColor(QPalette::ButtonText, QColor(0x1c, 0x20, 0x24));
        p.setColor(QPalette::Highlight, QColor(0x3e, 0x63, 0xdd));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::Link, QColor(0x3e, 0x63, 0xdd));
        p.setColor(QPalette::Mid, QColor(0xc8, 0xcc, 0xd2));
        p.setColor(QPalette::Dark, QColor(0x9a, 0xa0, 0xa8));
        p.setColor(QPalette::Light, Qt::white);
        // Disabled text greyed as in the dark palette (Pin A before a run looked enabled).
        p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x9a, 0xa0, 0xa8));
        p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x9a, 0xa0, 0xa8));
        p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x9a, 0xa0, 0xa8));
    }
    QApplication::setPalette(p);
}

QColor kindColor(const QString& kind)
{
    static const QHash<QString, QColor> kColors {
        { "source", QColor(0x3e, 0x63, 0xdd) },
        { "filter", QColor(0xd9, 0x8e, 0x04) },
        { "map", QColor(0x12, 0xa5, 0x94) },
        { "keyBy", QColor(0x8e, 0x4e, 0xc6) },
        { "window", QColor(0xf7, 0x6b, 0x15) },
        { "aggregate", QColor(0xd6, 0x40, 0x9f) },
        { "sink", QColor(0x30, 0xa4, 0x6c) },
    };
    return kColors.value(kind, QColor(0x80, 0x86, 0x8e));
}

QColor accent() { return QApplication::palette().color(QPalette::Highlight); }
QColor errorColor() { return QColor(0xe5, 0x48, 0x4d); }
QColor warningColor() { return QColor(0xf5, 0xa6, 0x23); }
QColor lateColor() { return QColor(0xf7, 0x6b, 0x15); }

QColor canvasBackground() { return isDark() ? QColor(0x1b, 0x1d, 0x20) : QColor(0xf7, 0xf8, 0xfa); }
QColor canvasGrid() { return isDark() ? QColor(0x30, 0x33, 0x38) : QColor(0xdc, 0xdf, 0xe4); }
QColor nodeFill() { return isDark() ? QColor(0x2a, 0x2d, 0x32) : QColor(0xff, 0xff, 0xff); }
QColor nodeHeaderFill(const QString& kind)
{
    QColor c = kindColor(kind);
    QColor base = nodeFill();
    qreal a = isDark() ? 0.22 : 0.10;
    return QColor::fromRgbF(base.redF() * (1 - a) + c.redF() * a, base.greenF() * (1 - a) + c.greenF() * a,
        base.blueF() * (1 - a) + c.blueF() * a);
}
QColor nodeBorder() { return isDark() ? QColor(0x44, 0x48, 0x50) : QColor(0xd0, 0xd4, 0xda); }
QColor text() { return QApplication::palette().color(QPalette::Text); }
QColor mutedText() { return isDark() ? QColor(0x9a, 0xa0, 0xa8) : QColor(0x6b, 0x71, 0x79); }
QColor edgeColor() { return isDark() ? QColor(0x7a, 0x80, 0x8a) : QColor(0x8a, 0x90, 0x99); }

static bool keepsOwnColours(const QString& name)
{
    return name == "error" || name == "warning" || name == "ok" || name == "streamlab";
}

QPixmap pixmap(const QString& name, int size, qreal dpr, const QColor& color)
{
    static const bool kInitialised = (initResources(), true);
    Q_UNUSED(kInitialised);
    QFile f(":/icons/" + name + ".svg");
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QByteArray svg = f.readAll();
    if (!keepsOwnColours(name)) {
        QColor c = color.isValid() ? color : text();
        svg.replace("#000000", c.name(QColor::HexRgb).toLatin1());
    }
    QSvgRenderer renderer(svg);
    QPixmap pm(QSize(size, size) * dpr);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    renderer.render(&p);
    p.end();
    pm.setDevicePixelRatio(dpr);
    return pm;
}

QIcon icon(const QString& name, const QColor& color)
{
    QIcon ic;
    for (int size : { 16, 20, 24, 32 }) {
        ic.addPixmap(pixmap(name, size, 1.0, color));
        ic.addPixmap(pixmap(name, size, 2.0, color));
    }
    QColor disabled = mutedText();
    disabled.setAlpha(110);
    if (!keepsOwnColours(name))
        for (int size : { 16, 20, 24 })
            ic.addPixmap(pixmap(name, size, 1.0, disabled), QIcon::Disabled);
    return ic;
}

} // namespace streamlab::ui::theme
