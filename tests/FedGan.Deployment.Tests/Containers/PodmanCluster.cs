using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using FedGan.Deployment.Tests.Manifests;

namespace FedGan.Deployment.Tests.Containers;

/// <summary>
/// Rendered pod specs run as podman containers on a private network, the way a cluster would run
/// them: every Service name resolves to its pods (network alias), each container gets exactly its
/// manifest's image (mapped to the locally built one), env, envFrom, command, args, user, read-only
/// root, capabilities and volumes. One replica per workload. Everything it creates carries the
/// run's unique name and is removed on dispose.
/// </summary>
public sealed partial class PodmanCluster : IAsyncDisposable
{
    private readonly BuiltImages _images;
    private readonly List<string> _containers = [];
    private readonly List<string> _volumes = [];
    private readonly List<string> _directories = [];
    private readonly Dictionary<string, string> _podFolders = [];
    private readonly Dictionary<(string Secret, string Key), string> _secrets = [];
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _configMaps = [];

    private PodmanCluster(BuiltImages images, string runId)
    {
        _images = images;
        RunId = runId;
        Network = $"{runId}-net";
    }

    /// <summary>Unique per run, so concurrent or leftover runs never collide: "fedgan-t-0123abcd".</summary>
    public string RunId { get; }

    public string Network { get; }

    /// <summary>The network's gateway address: the host as containers on the network see it.</summary>
    public IPAddress HostAddress { get; private set; } = IPAddress.None;

    public IReadOnlyList<StartedContainer> Started => _started;

    private readonly List<StartedContainer> _started = [];

    public static async Task<PodmanCluster> CreateAsync(BuiltImages images)
    {
        var cluster = new PodmanCluster(images, "fedgan-t-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
        await Podman.CheckedAsync("network", "create", "--label", "org.fedgan.test-run=" + cluster.RunId, cluster.Network);
        var gateway = await Podman.CheckedAsync("network", "inspect", "--format", "{{range .Subnets}}{{.Gateway}} {{end}}", cluster.Network);
        cluster.HostAddress = IPAddress.Parse(gateway.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]);
        return cluster;
    }

    /// <summary>Sets a Secret key's value (a test value or one the test built, e.g. a connection string).</summary>
    public void SetSecret(string secret, string key, string value) => _secrets[(secret, key)] = value;

    /// <summary>
    /// A Secret key's value: the one set, else a random 48-character alphanumeric test value, fixed
    /// for the run so every container reading that key gets the same.
    /// </summary>
    public string Secret(string secret, string key)
    {
        if (!_secrets.TryGetValue((secret, key), out var value))
        {
            value = RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 48);
            _secrets[(secret, key)] = value;
        }

        return value;
    }

    /// <summary>Makes a rendered manifest's ConfigMaps available to the containers started from it.</summary>
    public void AddConfigMaps(RenderedKustomization manifests)
    {
        foreach (var (name, data) in manifests.ConfigMaps)
        {
            _configMaps[name] = data;
        }
    }

    public void SetConfigMap(string name, IReadOnlyDictionary<string, string> data) => _configMaps[name] = data;

    public IReadOnlyDictionary<string, string> ConfigMap(string name) =>
        _configMaps.TryGetValue(name, out var data) ? data : throw new ManifestException($"ConfigMap {name} is referenced but no manifest defines it");

    /// <summary>
    /// Starts one replica of a workload's containers. <paramref name="instance"/> names it (workload
    /// name by default); <paramref name="aliases"/> are the names it answers to on the network;
    /// <paramref name="claims"/> maps PersistentVolumeClaim names to host folders (others get a
    /// fresh podman volume); <paramref name="values"/> are test values for env keys the manifest
    /// declares (a key it does not declare is an error: the test configures only what the manifest offers).
    /// </summary>
    public async Task<IReadOnlyList<StartedContainer>> StartAsync(Workload workload, IReadOnlyList<string> aliases,
        string? instance = null, IReadOnlyDictionary<string, string>? claims = null, IReadOnlyDictionary<string, string>? values = null)
    {
        var started = new List<StartedContainer>();
        foreach (var container in workload.Containers)
        {
            var name = $"{RunId}-{instance ?? workload.Name}-{container.Name}";
            var arguments = await RunArgumentsAsync(workload, container, name, aliases, instance ?? workload.Name,
                claims ?? new Dictionary<string, string>(), values ?? new Dictionary<string, string>());
            _containers.Add(name);
            var run = await Podman.RunAsync(arguments);
            if (run.ExitCode != 0)
            {
                throw new ManifestException($"podman could not start {workload.Kind}/{workload.Name} container {container.Name}: {run.Stderr.Trim()}");
            }

            if (container.Init)
            {
                var exit = await Podman.CheckedAsync("wait", name);
                if (exit != "0")
                {
                    throw new ManifestException($"init container {container.Name} of {workload.Name} exited with {exit}:\n{await LogTailAsync(name)}");
                }

                continue;
            }

            var probe = container.ReadinessPort is { } port ? container.ResolvePort(port) : (int?)null;
            var published = probe is null ? null : await PublishedPortAsync(name, probe.Value);
            var entry = new StartedContainer(name, workload.Name, container.Name, container.ReadinessPath, published, container.ReadinessCommand);
            started.Add(entry);
            _started.Add(entry);
        }

        return started;
    }

    /// <summary>Waits until every started container is ready (its readiness probe answers), or fails naming the one that is not.</summary>
    public async Task WaitUntilReadyAsync(IEnumerable<StartedContainer> containers, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        var pending = containers.ToList();
        var lastSeen = new Dictionary<string, string>();
        while (pending.Count > 0)
        {
            foreach (var container in pending.ToList())
            {
                var state = await Podman.CheckedAsync("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", container.Name);
                if (!state.StartsWith("running", StringComparison.Ordinal))
                {
                    var log = await LogTailAsync(container.Name);
                    throw new ManifestException(
                        $"container {container.Container} of {container.Workload} stopped ({state}) before it was ready{FirstError(log)}; its log ends:\n{log}");
                }

                if (await IsReadyAsync(http, container, lastSeen))
                {
                    pending.Remove(container);
                }
            }

            if (pending.Count == 0)
            {
                break;
            }

            if (DateTime.UtcNow > deadline)
            {
                var report = new StringBuilder();
                foreach (var container in pending)
                {
                    report.Append(CultureInfo.InvariantCulture, $"container {container.Container} of {container.Workload} was not ready within {timeout} ")
                        .Append(CultureInfo.InvariantCulture, $"(last probe: {lastSeen.GetValueOrDefault(container.Name, "none")}); its log ends:\n")
                        .AppendLine(await LogTailAsync(container.Name));
                }

                throw new ManifestException(report.ToString());
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }

    /// <summary>
    /// What killed the process (e.g. the options validation naming a missing key), to lead the
    /// message: the unhandled exception, else the first exception logged.
    /// </summary>
    private static string FirstError(string log)
    {
        var lines = log.Split('\n').Select(l => l.Trim()).ToList();
        var line = lines.FirstOrDefault(l => l.StartsWith("Unhandled exception.", StringComparison.Ordinal))
            ?? lines.FirstOrDefault(l => l.Contains("Exception: ", StringComparison.Ordinal));
        return line is null ? string.Empty : $": {line}";
    }

    public async Task<string> LogTailAsync(string container, int lines = 40)
    {
        var logs = await Podman.RunAsync(["logs", "--tail", lines.ToString(CultureInfo.InvariantCulture), container]);
        return (logs.Stdout + logs.Stderr).Trim();
    }

    /// <summary>Where the host reaches a container's port (published on 127.0.0.1 for the test only).</summary>
    public static async Task<Uri> PublishedPortAsync(string container, int port)
    {
        var mapping = await Podman.CheckedAsync("port", container, $"{port}/tcp");
        var address = mapping.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0].Trim();
        return new Uri($"http://{address}");
    }

    private static async Task<bool> IsReadyAsync(HttpClient http, StartedContainer container, Dictionary<string, string> lastSeen)
    {
        if (container.ReadinessCommand is { Count: > 0 } command)
        {
            var probe = await Podman.RunAsync(["exec", container.Name, .. command], TimeSpan.FromSeconds(10));
            lastSeen[container.Name] = $"exec exit {probe.ExitCode} {probe.Stdout.Trim()} {probe.Stderr.Trim()}";
            return probe.ExitCode == 0;
        }

        if (container.Address is null)
        {
            return true;
        }

        try
        {
            if (container.ReadinessPath is null)
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(container.Address.Host, container.Address.Port);
                return true;
            }

            using var response = await http.GetAsync(new Uri(container.Address, container.ReadinessPath));
            lastSeen[container.Name] = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception exception) when (exception is HttpRequestException or SocketException or TaskCanceledException)
        {
            lastSeen[container.Name] = exception.Message;
            return false;
        }
    }

    private async Task<List<string>> RunArgumentsAsync(Workload workload, ContainerSpec container, string name,
        IReadOnlyList<string> aliases, string instance, IReadOnlyDictionary<string, string> claims, IReadOnlyDictionary<string, string> values)
    {
        var arguments = new List<string>
        {
            "run", "--detach", "--name", name, "--label", "org.fedgan.test-run=" + RunId,
            "--network", Network, "--hostname", instance,
        };
        foreach (var alias in aliases)
        {
            arguments.AddRange(["--network-alias", alias]);
        }

        if (container.RunAsUser is { } user)
        {
            arguments.AddRange(["--user", container.RunAsGroup is { } group ? $"{user}:{group}" : $"{user}"]);
        }

        if (container.ReadOnlyRootFilesystem)
        {
            // Podman would otherwise mount its own tmpfs on /tmp, /run and /var/tmp; a pod has none.
            arguments.AddRange(["--read-only", "--read-only-tmpfs=false"]);
        }

        if (container.NoNewPrivileges)
        {
            arguments.AddRange(["--security-opt", "no-new-privileges"]);
        }

        foreach (var capability in container.DropCapabilities)
        {
            arguments.AddRange(["--cap-drop", capability]);
        }

        foreach (var capability in container.AddCapabilities)
        {
            arguments.AddRange(["--cap-add", capability]);
        }

        var environment = ResolveEnvironment(workload, container, values);
        foreach (var (key, value) in environment)
        {
            arguments.AddRange(["--env", $"{key}={value}"]);
        }

        foreach (var mount in container.VolumeMounts)
        {
            arguments.AddRange(await MountAsync(workload, container, instance, mount, claims));
        }

        if (!container.Init && container.ReadinessPort is { } probe)
        {
            // Only for the test's own readiness checks: in the cluster the kubelet probes the pod directly.
            arguments.AddRange(["--publish", $"127.0.0.1::{container.ResolvePort(probe)}"]);
        }

        var command = container.Command?.Select(c => Expand(c, environment)).ToList();
        if (command is not null)
        {
            arguments.AddRange(["--entrypoint", System.Text.Json.JsonSerializer.Serialize(command)]);
        }

        arguments.Add(MapImage(workload, container));
        arguments.AddRange(container.Args?.Select(a => Expand(a, environment)) ?? []);
        return arguments;
    }

    /// <summary>envFrom first, then env (which wins), with $(VAR) references expanded as the kubelet does.</summary>
    private List<KeyValuePair<string, string>> ResolveEnvironment(Workload workload, ContainerSpec container, IReadOnlyDictionary<string, string> values)
    {
        var environment = new Dictionary<string, string>();
        foreach (var source in container.EnvFrom)
        {
            if (source.ConfigMap is { } configMap)
            {
                if (!_configMaps.TryGetValue(configMap, out var data))
                {
                    if (source.Optional)
                    {
                        continue;
                    }

                    throw new ManifestException($"{workload.Name}/{container.Name}: envFrom ConfigMap {configMap} is not defined by any manifest");
                }

                foreach (var (key, value) in data)
                {
                    environment[source.Prefix + key] = value;
                }
            }
            else if (source.Secret is { } secret)
            {
                var keys = _secrets.Keys.Where(k => k.Secret == secret).ToList();
                if (keys.Count == 0)
                {
                    throw new ManifestException($"{workload.Name}/{container.Name}: envFrom Secret {secret}: the test cannot tell which keys it holds; reference its keys with secretKeyRef");
                }

                foreach (var key in keys)
                {
                    environment[source.Prefix + key.Key] = _secrets[key];
                }
            }
        }

        foreach (var variable in container.Env)
        {
            string value;
            if (variable.ConfigMapKey is { } configMapKey)
            {
                if (!_configMaps.TryGetValue(configMapKey.Name, out var data) || !data.TryGetValue(configMapKey.Key, out var found))
                {
                    if (configMapKey.Optional)
                    {
                        continue;
                    }

                    throw new ManifestException($"{workload.Name}/{container.Name}: env {variable.Name} refers to ConfigMap {configMapKey.Name} key {configMapKey.Key}, which no manifest defines");
                }

                value = found;
            }
            else if (variable.SecretKey is { } secretKey)
            {
                value = Secret(secretKey.Name, secretKey.Key);
            }
            else
            {
                value = Expand(variable.Value ?? string.Empty, environment);
            }

            environment[variable.Name] = value;
        }

        foreach (var (key, value) in values)
        {
            if (!environment.ContainsKey(key))
            {
                throw new ManifestException($"{workload.Name}/{container.Name} declares no {key}: the test can only set keys the manifest offers");
            }

            environment[key] = value;
        }

        return environment.ToList();
    }

    /// <summary>Kubernetes' $(VAR) expansion in env values, command and args; $$(VAR) stays literal.</summary>
    private static string Expand(string text, IEnumerable<KeyValuePair<string, string>> environment)
    {
        var variables = environment.ToDictionary(p => p.Key, p => p.Value);
        return VariableReference().Replace(text, match => match.Value.StartsWith("$$", StringComparison.Ordinal)
            ? match.Value[1..]
            : variables.TryGetValue(match.Groups["name"].Value, out var value) ? value : match.Value);
    }

    [GeneratedRegex(@"\$?\$\((?<name>[A-Za-z_][A-Za-z0-9_.-]*)\)")]
    private static partial Regex VariableReference();

    private async Task<List<string>> MountAsync(Workload workload, ContainerSpec container, string instance, VolumeMount mount, IReadOnlyDictionary<string, string> claims)
    {
        if (!workload.Volumes.TryGetValue(mount.Volume, out var volume))
        {
            throw new ManifestException($"{workload.Name}/{container.Name} mounts volume {mount.Volume}, which the pod does not declare");
        }

        if (mount.SubPath is not null && volume.Kind is not (VolumeKind.ConfigMap or VolumeKind.Secret))
        {
            throw new NotSupportedException($"{workload.Name}/{container.Name}: subPath mounts of {volume.Kind} volumes are not emulated");
        }

        var readOnly = mount.ReadOnly ? ",ro" : string.Empty;
        switch (volume.Kind)
        {
            case VolumeKind.EmptyDir when workload.Containers.Count(c => c.VolumeMounts.Any(m => m.Volume == mount.Volume)) > 1:
            {
                // Shared by the pod's containers (an init container writes, the main one reads): one folder per pod.
                var key = $"{instance}/{mount.Volume}";
                if (!_podFolders.TryGetValue(key, out var folder))
                {
                    folder = Directory.CreateTempSubdirectory($"{RunId}-{instance}-{mount.Volume}-").FullName;
                    if (!OperatingSystem.IsWindows())
                    {
                        File.SetUnixFileMode(folder, (UnixFileMode)0b1_111_111_111);
                    }

                    _directories.Add(folder);
                    _podFolders[key] = folder;
                }

                return ["--volume", $"{folder}:{mount.MountPath}:{(mount.ReadOnly ? "ro" : "rw")}"];
            }

            case VolumeKind.EmptyDir:
                // emptyDir is a fresh, world-writable directory; as tmpfs it also works on a read-only root.
                return ["--mount", $"type=tmpfs,destination={mount.MountPath},tmpfs-mode=1777{readOnly}"];

            case VolumeKind.PersistentVolumeClaim when claims.TryGetValue(volume.Source, out var folder):
                return ["--volume", $"{folder}:{mount.MountPath}:{(mount.ReadOnly ? "ro" : "rw")}"];

            case VolumeKind.PersistentVolumeClaim:
            {
                var podmanVolume = $"{RunId}-{instance}-{volume.Source}";
                if (!_volumes.Contains(podmanVolume))
                {
                    await Podman.CheckedAsync("volume", "create", "--label", "org.fedgan.test-run=" + RunId, podmanVolume);
                    _volumes.Add(podmanVolume);
                }

                // U: owned by the container's user, as fsGroup makes a claim writable for the pod.
                var owner = container.RunAsUser is not null || container.FsGroup is not null ? ",U" : string.Empty;
                return ["--volume", $"{podmanVolume}:{mount.MountPath}:{(mount.ReadOnly ? "ro" : "rw")}{owner}"];
            }

            default:
            {
                var data = volume.Kind == VolumeKind.ConfigMap
                    ? ConfigMap(volume.Source)
                    : _secrets.Where(s => s.Key.Secret == volume.Source).ToDictionary(s => s.Key.Key, s => s.Value);
                var items = volume.Items.Count > 0 ? volume.Items : data.Keys.Select(k => KeyValuePair.Create(k, k)).ToList();
                var directory = Directory.CreateTempSubdirectory($"{RunId}-{volume.Source}-").FullName;
                _directories.Add(directory);
                foreach (var (key, path) in items)
                {
                    var content = volume.Kind == VolumeKind.Secret ? Secret(volume.Source, key)
                        : data.TryGetValue(key, out var text) ? text
                        : throw new ManifestException($"{workload.Name}/{container.Name}: volume {mount.Volume} wants key {key} of ConfigMap {volume.Source}, which it lacks");
                    var file = Path.Combine(directory, path);
                    Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                    await File.WriteAllTextAsync(file, content);
                    if (!OperatingSystem.IsWindows())
                    {
                        // Readable by the container's non-root user, as the kubelet's projected files are.
                        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                    }
                }

                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
                }
                var source = mount.SubPath is null ? directory : Path.Combine(directory, mount.SubPath);
                return ["--volume", $"{source}:{mount.MountPath}:ro"];
            }
        }
    }

    /// <summary>
    /// The manifest's image, run as the locally built one: fedgan/NAME:TAG must be an image
    /// build/images.sh built, with its tag; a Redis image runs as the local fedgan/redis.
    /// </summary>
    private string MapImage(Workload workload, ContainerSpec container)
    {
        var image = container.Image;
        var slash = image.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && (image[..slash].Contains('.', StringComparison.Ordinal) || image[..slash].Contains(':', StringComparison.Ordinal) || image[..slash] == "localhost"))
        {
            image = image[(slash + 1)..];
        }

        var at = image.IndexOf('@', StringComparison.Ordinal);
        var reference = at >= 0 ? image[..at] : image;
        var colon = reference.LastIndexOf(':');
        var repository = colon > reference.LastIndexOf('/') && colon >= 0 ? reference[..colon] : reference;
        var tag = colon > reference.LastIndexOf('/') && colon >= 0 ? reference[(colon + 1)..] : "latest";
        var name = repository.StartsWith("fedgan/", StringComparison.Ordinal) ? repository["fedgan/".Length..]
            : repository.Split('/')[^1] == "redis" ? "redis"
            : throw new ManifestException($"{workload.Name}/{container.Name}: image {container.Image} is not one build/images.sh builds");
        if (!_images.References.TryGetValue(name, out var local))
        {
            throw new ManifestException($"{workload.Name}/{container.Name}: image {container.Image}: build/images.sh built no fedgan/{name}");
        }

        if (repository.StartsWith("fedgan/", StringComparison.Ordinal) && tag != _images.Tag)
        {
            throw new ManifestException($"{workload.Name}/{container.Name}: image {container.Image} is not pinned to the product version {_images.Tag} that build/images.sh built");
        }

        return local;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var container in Enumerable.Reverse(_containers))
        {
            await Podman.RunAsync(["rm", "--force", "--volumes", "--time", "2", container]);
        }

        foreach (var volume in _volumes)
        {
            await Podman.RunAsync(["volume", "rm", "--force", volume]);
        }

        await Podman.RunAsync(["network", "rm", "--force", Network]);
        foreach (var directory in _directories)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // Left to the OS's temporary-file cleanup.
            }
        }
    }
}

/// <summary>A running container; <see cref="Address"/> is where the host reaches its probed port.</summary>
public sealed record StartedContainer(string Name, string Workload, string Container, string? ReadinessPath, Uri? Address,
    IReadOnlyList<string>? ReadinessCommand = null);

/// <summary>What a manifest lacks or gets wrong for its containers to start, in words an operator can act on.</summary>
public sealed class ManifestException(string message) : Exception(message);
