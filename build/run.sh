#!/usr/bin/env bash
# The whole FedGan stack on this machine: stores, services, gateway and simulated hospitals,
# with the Aspire dashboard. No container engine needed.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$repo/build/prerequisites.sh"
exec dotnet run --project "$repo/FedGan.AppHost" --launch-profile http -- "$@"
