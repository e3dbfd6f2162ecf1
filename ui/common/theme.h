// ui/common: what every part of the window shares and nothing of any part: the theme (this
// file), the formats of figures (sim_format.h), the model base for tables whose rows are replaced
// wholesale (row_table_model.h) and the release of replay snapshots off the GUI thread
// (release_later.h). It includes the engine and Qt only.
//
// Colours, fonts and icons of the designer. Everything follows the application palette, so the
// same code draws the light and the dark look; kind colours are fixed hues readable on both.
// GUI thread only.
#pragma once

#include <QColor>
#include <QIcon>
#include <QPalette>
#include <QPixmap>
#include <QString>

namespace streamlab::ui::theme {

bool isDark(const QPalette& palette = {});
// Applies the Fusion style with a light or dark palette (dark: true), or the system's (nullopt).
void applyPalette(bool dark);

QColor kindColor(const QString& kind);
QColor accent();
QColor errorColor();
QColor warningColor();
QColor lateColor(); // the window's late port and its edges

QColor canvasBackground();
QColor canvasGrid();
QColor nodeFill();
QColor nodeHeaderFill(const QString& kind);
QColor nodeBorder();
QColor text();
QColor mutedText();
QColor edgeColor();

// An icon from resources/icons/NAME.svg. Line icons are drawn in `color` (default: the palette's
// text colour); coloured icons (error, warning, ok, streamlab) keep their own colours.
QIcon icon(const QString& name, const QColor& color = {});
QPixmap pixmap(const QString& name, int size, qreal dpr, const QColor& color = {});

} // namespace streamlab::ui::theme
