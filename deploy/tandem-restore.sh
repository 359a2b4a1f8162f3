#!/usr/bin/env bash
# Restores an encrypted Tandem backup made by tandem-backup.sh (docs/operations.md, "Backups", the restore drill):
#   tandem-restore.sh /var/backups/tandem/tandem-2026-12-03T023000Z.backup.age
# with Tandem's settings in the environment (as for the service: set -a; . /etc/tandem/tandem.env; set +a), Tandem
# stopped, and an EMPTY database (a missing SQLite file, or a new PostgreSQL database owned by the owner role).
# Decrypts with the age identity (TANDEM_BACKUP_IDENTITY, default /etc/tandem/backup-identity.txt: bring it from where
# you keep it, it is not on the server), runs Tandem's `restore` command, which migrates the database to this version
# and verifies every audit chain with the audit chain key, and removes the decrypted copy.
# Exit code: Tandem's (0 restored and the audit chain intact; 1 anything else).
set -euo pipefail
umask 077

APP_DIR=${TANDEM_APP_DIR:-/opt/tandem}
IDENTITY=${TANDEM_BACKUP_IDENTITY:-/etc/tandem/backup-identity.txt}
DOTNET=${TANDEM_DOTNET:-dotnet}

fail() { echo "tandem-restore: $*" >&2; exit 1; }
[ $# -eq 1 ] || fail "usage: tandem-restore.sh <backup file (.age)>"
SOURCE=$(readlink -f "$1")
[ -f "$SOURCE" ] || fail "$1 does not exist"
command -v age >/dev/null 2>&1 || fail "age is not installed (Debian: apt-get install age)"
[ -f "$APP_DIR/Tandem.dll" ] || fail "no Tandem.dll in $APP_DIR (TANDEM_APP_DIR)"
[ -s "$IDENTITY" ] || fail "no age identity at $IDENTITY (TANDEM_BACKUP_IDENTITY): the private key the backups are encrypted to"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tandem-restore.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
PLAIN="$WORK/$(basename "${SOURCE%.age}")"
age --decrypt --identity "$IDENTITY" --output "$PLAIN" "$SOURCE" || fail "could not decrypt $SOURCE with $IDENTITY"
echo "tandem-restore: decrypted $SOURCE"
( cd "$APP_DIR" && "$DOTNET" Tandem.dll restore "$PLAIN" )
