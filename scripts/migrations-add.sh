#!/usr/bin/env bash
# Adds an EF Core migration for both database providers (docs/adr/0024): SQLite's in src/Data/Migrations
# (context PortalDbContext), PostgreSQL's in src/Data/PostgreSql/Migrations (context PostgresPortalDbContext).
#
#   bash scripts/migrations-add.sh NAME                 both, from the current model
#   bash scripts/migrations-add.sh --postgresql NAME    PostgreSQL only: the counterpart of a SQLite migration that a
#                                                       branch added without one (after merging it, with the same NAME)
#   bash scripts/migrations-add.sh --check              fails when either provider's migrations lag the model
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export DOTNET_NOLOGO=1

sqlite=(--project ZfsPortal.csproj --context PortalDbContext)
postgresql=(--project ZfsPortal.csproj --context PostgresPortalDbContext)

case "${1:-}" in
  --check)
    dotnet build ZfsPortal.csproj -c Release --nologo -v quiet >/dev/null
    dotnet ef migrations has-pending-model-changes "${sqlite[@]}" --no-build --configuration Release
    dotnet ef migrations has-pending-model-changes "${postgresql[@]}" --no-build --configuration Release
    exit 0 ;;
  --postgresql) only=postgresql; name="${2:-}" ;;
  -*|"") echo "usage: $0 [--postgresql] NAME | --check" >&2; exit 2 ;;
  *) only=""; name="$1" ;;
esac
[[ $name =~ ^[A-Z][A-Za-z0-9]*$ ]] || { echo "NAME must be PascalCase, saying what the migration adds (e.g. UsageHistory)." >&2; exit 2; }

dotnet build ZfsPortal.csproj -c Release --nologo -v quiet >/dev/null
if [[ -z $only ]]; then
  dotnet ef migrations add "$name" "${sqlite[@]}" --no-build --configuration Release --output-dir src/Data/Migrations \
    --namespace ZfsPortal.src.Data.Migrations
  # The second one is generated from a build that contains the first.
  dotnet build ZfsPortal.csproj -c Release --nologo -v quiet >/dev/null
fi
dotnet ef migrations add "$name" "${postgresql[@]}" --no-build --configuration Release \
  --output-dir src/Data/PostgreSql/Migrations --namespace ZfsPortal.Data.PostgreSql.Migrations
dotnet build ZfsPortal.csproj -c Release --nologo -v quiet >/dev/null
dotnet ef migrations has-pending-model-changes "${sqlite[@]}" --no-build --configuration Release
dotnet ef migrations has-pending-model-changes "${postgresql[@]}" --no-build --configuration Release
