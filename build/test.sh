#!/usr/bin/env bash
# Every test: unit, service (against real Redis and Azurite) and end to end (the real AppHost).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$repo/build/prerequisites.sh"
dotnet test "$repo/FedGan.sln" --logger "console;verbosity=normal" "$@"
