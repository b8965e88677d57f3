#!/usr/bin/env bash
# Builds FedGan's container images without Docker and without a public registry:
#   fedgan/{gateway,identity,roundscheduler,aggregator,modelregistry,privacyaccountant} (ASP.NET Core),
#   fedgan/edgetrainer (TorchSharp + libtorch, linux-x64 natives only) and
#   fedgan/redis (Debian's redis-server, uid 999, for local runs and the manifest-run test).
#
# How: a Debian 12 base is made with debootstrap from the machine's Debian mirror, this machine's
# .NET runtime (the version its SDK targets) is copied in, and the result is pushed to a local
# registry (docker-registry on 127.0.0.1:5000, data under .fedgan/). The SDK's container support
# (`dotnet publish /t:PublishContainer`) then builds every .NET image on that base and pushes it
# there; each image is also pulled into podman's local storage, ready for `podman run`.
#
# Usage: build/images.sh [--tag TAG] [--base-image IMAGE] [--registry HOST:PORT] [--force] [NAME...]
#   --tag TAG           image tag (default: <Version> in Directory.Build.props)
#   --base-image IMAGE  build the .NET images on IMAGE, e.g. mcr.microsoft.com/dotnet/aspnet:10.0,
#                       instead of the local Debian base (needs a registry that serves it). The
#                       official images are Ubuntu 24.04, whose libstdc++ TorchSharp loads as is, so
#                       the GLIBCXX weak-flag fix (build/TorchSharpNativeFix.targets) is not applied.
#   --registry HOST:PORT  where images are pushed (default localhost:5000, started here if nothing
#                       answers there). Pulled into podman as HOST:PORT/fedgan/NAME:TAG.
#   --force             rebuild the base image and every image even if they are up to date
#   NAME...             only these images (e.g. gateway edgetrainer redis)
#
# Caching: the Debian base is rebuilt only when its recipe changes (its hash is the image's
# org.fedgan.recipe label); an image is rebuilt only when the sources, the base or the way this
# script builds it changed since it was last built (hash kept in .fedgan/images/). A warm run
# takes seconds. Old images it replaces are removed from podman.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
started=$SECONDS

fail() { echo "images.sh: $*" >&2; exit 1; }
say() { echo "images.sh: $*"; }

all_images=(gateway identity roundscheduler aggregator modelregistry privacyaccountant edgetrainer redis)
declare -A project=(
  [gateway]=src/FedGan.Gateway [identity]=src/FedGan.Identity [roundscheduler]=src/FedGan.RoundScheduler
  [aggregator]=src/FedGan.Aggregator [modelregistry]=src/FedGan.ModelRegistry
  [privacyaccountant]=src/FedGan.PrivacyAccountant [edgetrainer]=src/FedGan.EdgeTrainer)

tag='' base_image='' registry=localhost:5000 force=false wanted=()
while [ $# -gt 0 ]; do
  case "$1" in
    --tag) [ $# -ge 2 ] || fail "--tag needs a value"; tag=$2; shift 2 ;;
    --base-image) [ $# -ge 2 ] || fail "--base-image needs a value"; base_image=$2; shift 2 ;;
    --registry) [ $# -ge 2 ] || fail "--registry needs a value (HOST:PORT)"; registry=$2; shift 2 ;;
    --force) force=true; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) fail "unknown option $1 (see --help)" ;;
    *) [[ " ${all_images[*]} " == *" $1 "* ]] || fail "unknown image '$1' (images: ${all_images[*]})"; wanted+=("$1"); shift ;;
  esac
done
[ ${#wanted[@]} -gt 0 ] || wanted=("${all_images[@]}")
if [ -z "$tag" ]; then
  tag=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/Directory.Build.props" | head -n1)
  [ -n "$tag" ] || fail "no <Version> in Directory.Build.props; pass --tag"
fi
[[ "$tag" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || fail "'$tag' is not a valid image tag"

# --- tools -----------------------------------------------------------------------------------
command -v podman >/dev/null || fail "podman is missing (run build/prerequisites.sh)"
command -v dotnet >/dev/null || fail "dotnet is missing"
export CONTAINERS_CONF="$repo/build/containers/containers.conf"
state="$repo/.fedgan/images"
mkdir -p "$state"
# One build at a time on this machine (podman's tags and the registry's port are machine-wide;
# the test and a developer, or two clones, may run it at once): wait for the other.
exec 9>"${TMPDIR:-/tmp}/fedgan-images.lock"
flock 9
podman info >/dev/null 2>"$state/podman-info.log" || fail "podman does not work here: $(tail -n 3 "$state/podman-info.log")"

# --- local registry --------------------------------------------------------------------------
registry_pid=''
stop_registry() { [ -z "$registry_pid" ] || kill "$registry_pid" 2>/dev/null || true; }
trap stop_registry EXIT
# A local registry is plain HTTP and open; any other is HTTPS and may want a login (401 answers too:
# log in first with `podman login` and `docker login`, whose credentials podman and the SDK use).
case "$registry" in localhost:*|127.0.0.1:*) scheme=http; answers='^200$' ;; *) scheme=https; answers='^(200|401)$' ;; esac
registry_up() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$scheme://$registry/v2/" 2>/dev/null | grep -Eq "$answers"; }
if ! registry_up; then
  case "$registry" in localhost:*|127.0.0.1:*) ;; *) fail "no registry answers at $registry" ;; esac
  # Something else (e.g. Debian's docker-registry service, which wants a password) holds the port.
  if (exec 3<>"/dev/tcp/127.0.0.1/${registry##*:}") 2>/dev/null; then
    fail "127.0.0.1:${registry##*:} is taken by something that is not an open registry; pass --registry localhost:PORT"
  fi
  command -v docker-registry >/dev/null || fail "docker-registry is missing (run build/prerequisites.sh)"
  mkdir -p "$repo/.fedgan/registry"
  REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY="$repo/.fedgan/registry" REGISTRY_HTTP_ADDR="127.0.0.1:${registry##*:}" \
    docker-registry serve "$repo/build/containers/registry.yml" >"$state/registry.log" 2>&1 &
  registry_pid=$!
  for _ in $(seq 1 100); do registry_up && break; kill -0 "$registry_pid" 2>/dev/null || break; sleep 0.1; done
  registry_up || fail "the local registry did not start: $(tail -n 3 "$state/registry.log")"
fi

image_label() { podman image inspect --format "{{index .Labels \"$2\"}}" "$1" 2>/dev/null || true; }

# --- the Debian 12 base with the .NET runtime ----------------------------------------------
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
runtime_version=$(sed -n 's:.*<BundledNETCoreAppPackageVersion>\(.*\)</BundledNETCoreAppPackageVersion>.*:\1:p' \
  "$dotnet_root/sdk/$(dotnet --version)/Microsoft.NETCoreSdk.BundledVersions.props" 2>/dev/null | head -n1 || true)
[ -n "$runtime_version" ] || fail "cannot tell which .NET runtime the SDK $(dotnet --version) targets"
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | grep -v security | head -n1 || true)
mirror=${mirror:-http://deb.debian.org/debian}
debian_packages=ca-certificates,libssl3,tzdata

# Everything that shapes the base is in this hash: change the recipe and the base is rebuilt.
recipe=$(printf '%s\n' "bookworm minbase $mirror $debian_packages dotnet $runtime_version uid 1654 v1" \
  "$(sed -n '/^build_base()/,/^}/p' "$0")" | sha256sum | cut -c1-16)
base_local="localhost/fedgan/dotnet-base:$runtime_version-bookworm"
debian_local="localhost/fedgan/debian:bookworm"

build_base() {
  command -v debootstrap >/dev/null || fail "debootstrap is missing (run build/prerequisites.sh)"
  [ "$(id -u)" -eq 0 ] || fail "debootstrap needs root to build the base image (or pass --base-image)"
  local rootfs="$state/rootfs-$recipe"
  if [ ! -f "$rootfs/.complete" ]; then
    rm -rf "$state"/rootfs-*
    say "debootstrap bookworm (minbase + $debian_packages) from $mirror"
    debootstrap --variant=minbase --include="$debian_packages" bookworm "$rootfs" "$mirror" \
      >"$state/debootstrap.log" 2>&1 || fail "debootstrap failed: $(tail -n 5 "$state/debootstrap.log")"
    # Nothing a service reads: package caches, docs, man pages, translations (the apps are invariant).
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/* \
      "$rootfs"/var/log/*.log "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
      "$rootfs"/usr/share/locale/* "$rootfs"/usr/share/lintian
    touch "$rootfs/.complete"
  fi
  tar -C "$rootfs" --exclude=./.complete -c . | podman import --quiet \
    --change "LABEL org.fedgan.recipe=$recipe" --change 'CMD ["bash"]' - "$debian_local" >/dev/null \
    || fail "podman import of the Debian rootfs failed"

  # The runtime layer: muxer, hostfxr and the two shared frameworks, nothing of the SDK.
  local stage="$state/dotnet-$recipe"
  rm -rf "$stage"; mkdir -p "$stage/usr/share/dotnet/host/fxr" "$stage/usr/share/dotnet/shared" "$stage/usr/bin" "$stage/etc"
  cp -a "$dotnet_root/dotnet" "$dotnet_root/LICENSE.txt" "$dotnet_root/ThirdPartyNotices.txt" "$stage/usr/share/dotnet/"
  local fxr; fxr=$(ls "$dotnet_root/host/fxr" | sort -V | tail -n1)
  cp -a "$dotnet_root/host/fxr/$fxr" "$stage/usr/share/dotnet/host/fxr/"
  for framework in Microsoft.NETCore.App Microsoft.AspNetCore.App; do
    [ -d "$dotnet_root/shared/$framework/$runtime_version" ] || fail "$framework $runtime_version is not installed in $dotnet_root"
    mkdir -p "$stage/usr/share/dotnet/shared/$framework"
    cp -a "$dotnet_root/shared/$framework/$runtime_version" "$stage/usr/share/dotnet/shared/$framework/"
  done
  ln -s /usr/share/dotnet/dotnet "$stage/usr/bin/dotnet"
  # The app user the SDK's images use (uid 1654), added to the imported rootfs's files.
  cp "$rootfs/etc/passwd" "$rootfs/etc/group" "$stage/etc/"
  echo 'app:x:1654:1654::/home/app:/usr/sbin/nologin' >>"$stage/etc/passwd"
  echo 'app:x:1654:' >>"$stage/etc/group"
  mkdir -p "$stage/home/app" "$stage/app"; chown 1654:1654 "$stage/home/app"
  cat >"$stage/Containerfile" <<EOF
FROM $debian_local
COPY usr /usr
COPY etc/passwd etc/group /etc/
COPY --chown=1654:1654 home /home
COPY app /app
ENV APP_UID=1654 ASPNETCORE_HTTP_PORTS=8080 DOTNET_RUNNING_IN_CONTAINER=true DOTNET_VERSION=$runtime_version ASPNET_VERSION=$runtime_version
LABEL org.fedgan.recipe=$recipe
WORKDIR /app
USER 1654
EOF
  podman build --quiet --network none -f "$stage/Containerfile" -t "$base_local" "$stage" >"$state/base-build.log" 2>&1 \
    || fail "building the .NET base image failed: $(tail -n 5 "$state/base-build.log")"
  rm -rf "$stage"
}

if [ -n "$base_image" ]; then
  sdk_base=$base_image
  mark_glibcxx_weak=false
  say "base image $sdk_base (given)"
else
  if $force || [ "$(image_label "$base_local" org.fedgan.recipe)" != "$recipe" ] || [ "$(image_label "$debian_local" org.fedgan.recipe)" != "$recipe" ]; then
    say "building the base image $base_local (recipe $recipe)"
    build_base
  fi
  sdk_base="$registry/fedgan/dotnet-base:$runtime_version-bookworm-$recipe"
  if ! curl -fsS -o /dev/null 2>/dev/null "$scheme://$registry/v2/fedgan/dotnet-base/manifests/$runtime_version-bookworm-$recipe" \
       -H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json'; then
    podman push --quiet --tls-verify=false "$base_local" "docker://$sdk_base" >"$state/push.log" 2>&1 \
      || fail "pushing the base image to $registry failed: $(tail -n 3 "$state/push.log")"
  fi
  # Debian 12's libstdc++ stops at GLIBCXX_3.4.30: the image's libLibTorchSharp.so needs the fix.
  mark_glibcxx_weak=true
fi

# --- the images ------------------------------------------------------------------------------
# One hash of everything an image is built from; unchanged => the image is not rebuilt.
sources_hash=$(cd "$repo" && {
  git ls-files -co --exclude-standard -- src FedGan.ServiceDefaults Directory.Build.props Directory.Build.targets \
    Directory.Packages.props NuGet.config nuget.config global.json build/TorchSharpNativeFix.targets \
    build/MarkGlibcxxRequirementWeak.cs build/containers | sort | xargs -r sha256sum
  echo "$sdk_base $(image_label "$base_local" org.fedgan.recipe) $mark_glibcxx_weak $tag"
  sed -n '/^build_dotnet_image()/,/^}/p; /^build_redis_image()/,/^}/p' "$0"; } | sha256sum | cut -c1-16)

build_dotnet_image() {
  local name=$1 log="$state/$1.publish.log"
  say "publishing fedgan/$name:$tag"
  dotnet publish "$repo/${project[$name]}" -c Release --os linux --arch x64 --self-contained false -nologo \
    /t:PublishContainer -p ContainerBaseImage="$sdk_base" -p ContainerRegistry="$registry" \
    -p ContainerRepository="fedgan/$name" -p ContainerImageTag="$tag" \
    -p FedGanMarkGlibcxxWeak="$mark_glibcxx_weak" >"$log" 2>&1 \
    || fail "publishing fedgan/$name failed (full log: $log):
$(grep -m 3 -E ': error [A-Z]+[0-9]+:' "$log" | sed -E 's/^.*: error [A-Z]+[0-9]+: *//; s/ \[[^]]*\]$//')"
}

build_redis_image() {
  say "building fedgan/redis:$tag"
  local log="$state/redis.build.log" redis_base="$debian_local"
  # Debian's redis-server needs the local Debian image, even when the .NET images use --base-image.
  if [ "$(image_label "$debian_local" org.fedgan.recipe)" != "$recipe" ]; then build_base; fi
  podman build --quiet --build-arg BASE="$redis_base" -f "$repo/build/containers/redis.Containerfile" \
    -t "$registry/fedgan/redis:$tag" "$repo/build/containers" >"$log" 2>&1 \
    || fail "building fedgan/redis failed (log: $log): $(tail -n 5 "$log")"
  podman push --quiet --tls-verify=false "$registry/fedgan/redis:$tag" >>"$log" 2>&1 \
    || fail "pushing fedgan/redis failed (log: $log): $(tail -n 3 "$log")"
}

for name in "${wanted[@]}"; do
  ref="$registry/fedgan/$name:$tag"
  stamp="$state/$name.built"
  if ! $force && [ "$(cat "$stamp" 2>/dev/null)" = "$sources_hash $ref" ] && podman image exists "$ref"; then
    continue
  fi
  previous=$(podman image inspect --format '{{.Id}}' "$ref" 2>/dev/null || true)
  if [ "$name" = redis ]; then build_redis_image; else build_dotnet_image "$name"; fi
  podman pull --quiet --tls-verify=false "$ref" >/dev/null 2>"$state/pull.log" \
    || fail "pulling $ref into podman failed: $(tail -n 3 "$state/pull.log")"
  # The image this one replaces, if nothing else uses it (keeps podman's storage from growing).
  if [ -n "$previous" ] && [ "$previous" != "$(podman image inspect --format '{{.Id}}' "$ref")" ]; then
    podman rmi "$previous" >/dev/null 2>&1 || true
  fi
  echo "$sources_hash $ref" >"$stamp"
done

# --- summary ---------------------------------------------------------------------------------
printf '%-42s %-10s %-73s %s\n' IMAGE TAG DIGEST SIZE
for name in "${wanted[@]}"; do
  ref="$registry/fedgan/$name:$tag"
  digest=$(podman image inspect --format '{{.Digest}}' "$ref")
  size=$(podman image inspect --format '{{.Size}}' "$ref")
  printf '%-42s %-10s %-73s %s MB\n' "$registry/fedgan/$name" "$tag" "$digest" "$((size / 1000000))"
done
say "done in $((SECONDS - started)) s"
