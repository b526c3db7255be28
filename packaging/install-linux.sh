#!/bin/sh
# Put RehabTrack in the desktop's menus: the .desktop file, the AppStream metainfo and the icons,
# and (with --bundle) the PyInstaller bundle itself with a `rehabtrack` command in PREFIX/bin.
#
#   packaging/install-linux.sh [--prefix DIR] [--bundle dist/rehabtrack] [--uninstall]
#
# PREFIX defaults to ~/.local (no root needed); use /usr/local for every user of the machine.
set -eu

APP_ID=org.rehabtrack.RehabTrack
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PREFIX="${HOME}/.local"
BUNDLE=""
UNINSTALL=0

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) PREFIX=$2; shift 2 ;;
        --prefix=*) PREFIX=${1#--prefix=}; shift ;;
        --bundle) BUNDLE=$2; shift 2 ;;
        --bundle=*) BUNDLE=${1#--bundle=}; shift ;;
        --uninstall) UNINSTALL=1; shift ;;
        -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
        *) echo "install-linux.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
done

SHARE="$PREFIX/share"
ICONS="$SHARE/icons/hicolor"

if [ "$UNINSTALL" = 1 ]; then
    rm -f "$SHARE/applications/$APP_ID.desktop" "$SHARE/metainfo/$APP_ID.metainfo.xml" \
          "$ICONS/scalable/apps/$APP_ID.svg" "$ICONS"/*/apps/"$APP_ID.png"
    if [ -L "$PREFIX/bin/rehabtrack" ]; then rm -f "$PREFIX/bin/rehabtrack"; fi
    rm -rf "$PREFIX/lib/rehabtrack"
    echo "Removed RehabTrack from $PREFIX (your records are not touched)."
    exit 0
fi

EXEC=rehabtrack
if [ -n "$BUNDLE" ]; then
    if [ ! -x "$BUNDLE/rehabtrack" ]; then
        echo "install-linux.sh: $BUNDLE/rehabtrack is not a built bundle (run pyinstaller first)" >&2
        exit 1
    fi
    rm -rf "$PREFIX/lib/rehabtrack"
    mkdir -p "$PREFIX/lib" "$PREFIX/bin"
    cp -a "$BUNDLE" "$PREFIX/lib/rehabtrack"
    ln -sf "$PREFIX/lib/rehabtrack/rehabtrack" "$PREFIX/bin/rehabtrack"
    EXEC="$PREFIX/bin/rehabtrack"  # works even when PREFIX/bin is not on PATH
fi

mkdir -p "$SHARE/applications" "$SHARE/metainfo" "$ICONS/scalable/apps"
sed "s|^Exec=rehabtrack|Exec=$EXEC|" "$ROOT/resources/desktop/$APP_ID.desktop" \
    > "$SHARE/applications/$APP_ID.desktop"
chmod 644 "$SHARE/applications/$APP_ID.desktop"
install -m 644 "$ROOT/resources/desktop/$APP_ID.metainfo.xml" "$SHARE/metainfo/$APP_ID.metainfo.xml"
install -m 644 "$ROOT/resources/icons/rehabtrack.svg" "$ICONS/scalable/apps/$APP_ID.svg"
for png in "$ROOT"/resources/icons/rehabtrack-*.png; do
    size=$(basename "$png" .png); size=${size#rehabtrack-}
    mkdir -p "$ICONS/${size}x${size}/apps"
    install -m 644 "$png" "$ICONS/${size}x${size}/apps/$APP_ID.png"
done

# Refresh the menu and icon caches where the tools exist; a missing tool only delays the menu entry.
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$SHARE/applications" 2>/dev/null || true
fi
if [ -f "$ICONS/icon-theme.cache" ] && command -v gtk-update-icon-cache >/dev/null 2>&1; then  # a stale cache hides new icons
    gtk-update-icon-cache -q -t "$ICONS" 2>/dev/null || true
fi
echo "Installed RehabTrack's menu entry, metainfo and icons under $PREFIX (Exec=$EXEC)."
