#!/usr/bin/env bash
# Tandem's nightly backup (docs/operations.md, "Backups"): runs the app's own `backup` command (SQLite's online
# backup, or pg_dump through the owner's connection) into a dated file, encrypts it with age to the recipients'
# public keys (whoever holds this server cannot read old backups: the private identity lives elsewhere), keeps
# TANDEM_BACKUP_KEEP_DAYS days of them, and hands the new file to an optional off-site hook.
# Run by tandem-backup.service (tandem-backup.timer, daily) with Tandem's own settings in the environment
# (/etc/tandem/tandem.env: Database__Provider, ConnectionStrings__..., Audit__ChainKeyFile, ...).
#
# Settings (environment, usually /etc/tandem/backup.env):
#   TANDEM_APP_DIR             the folder with Tandem.dll                      (default /opt/tandem)
#   TANDEM_BACKUP_DIR          where the encrypted backups are kept            (default /var/backups/tandem)
#   TANDEM_BACKUP_RECIPIENTS   an age recipients file (public keys, one a line) (default /etc/tandem/backup-recipients.txt)
#   TANDEM_BACKUP_KEEP_DAYS    backups older than this many days are removed   (default 14)
#   TANDEM_BACKUP_OFFSITE      optional shell command run with the new file as $1, e.g.
#                              'rclone copy "$1" offsite:tandem/' or 'scp -q "$1" backup@vault.example.org:tandem/'
#   TANDEM_DOTNET              the dotnet host                                 (default dotnet)
# Prints one line per step; exits non-zero (and the service shows failed) when any step fails.
set -euo pipefail
umask 077

APP_DIR=${TANDEM_APP_DIR:-/opt/tandem}
BACKUP_DIR=${TANDEM_BACKUP_DIR:-/var/backups/tandem}
RECIPIENTS=${TANDEM_BACKUP_RECIPIENTS:-/etc/tandem/backup-recipients.txt}
KEEP_DAYS=${TANDEM_BACKUP_KEEP_DAYS:-14}
DOTNET=${TANDEM_DOTNET:-dotnet}

fail() { echo "tandem-backup: $*" >&2; exit 1; }
command -v age >/dev/null 2>&1 || fail "age is not installed (Debian: apt-get install age)"
[ -f "$APP_DIR/Tandem.dll" ] || fail "no Tandem.dll in $APP_DIR (TANDEM_APP_DIR)"
[ -s "$RECIPIENTS" ] || fail "no age recipients file at $RECIPIENTS (TANDEM_BACKUP_RECIPIENTS): make one with age-keygen (see docs/operations.md)"
case "$KEEP_DAYS" in ''|*[!0-9]*) fail "TANDEM_BACKUP_KEEP_DAYS must be a whole number of days, not '$KEEP_DAYS'" ;; esac

mkdir -p "$BACKUP_DIR"
STAMP=$(date -u +%Y-%m-%dT%H%M%SZ)
NAME="tandem-$STAMP.backup"
TARGET="$BACKUP_DIR/$NAME.age"
[ -e "$TARGET" ] && fail "$TARGET exists already"

# The plain copy lives only in a private folder next to the target and is removed whatever happens.
WORK=$(mktemp -d "$BACKUP_DIR/.partial.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

( cd "$APP_DIR" && "$DOTNET" Tandem.dll backup "$WORK/$NAME" ) || fail "Tandem's backup command failed"
age --encrypt --recipients-file "$RECIPIENTS" --output "$WORK/$NAME.age" "$WORK/$NAME" || fail "encryption failed"
rm -f "$WORK/$NAME"
sync "$WORK/$NAME.age" 2>/dev/null || sync
mv "$WORK/$NAME.age" "$TARGET"
echo "tandem-backup: wrote $TARGET ($(stat -c %s "$TARGET") bytes, encrypted with age)"

# Keep KEEP_DAYS days; never the file just written.
find "$BACKUP_DIR" -maxdepth 1 -type f -name 'tandem-*.backup.age' -mtime +"$KEEP_DAYS" ! -path "$TARGET" -print -delete \
  | sed 's/^/tandem-backup: removed old /'

if [ -n "${TANDEM_BACKUP_OFFSITE:-}" ]; then
  bash -c "$TANDEM_BACKUP_OFFSITE" tandem-backup-offsite "$TARGET" || fail "the off-site copy failed (TANDEM_BACKUP_OFFSITE); the local backup $TARGET is kept"
  echo "tandem-backup: off-site copy done"
fi
