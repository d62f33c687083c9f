import KosmosAPI

/// A scheduler configuration in the shape of kube-scheduler's `KubeSchedulerConfiguration`
/// (`kubescheduler.config.k8s.io/v1`): leader election, `percentageOfNodesToScore`, and profiles whose
/// `plugins` enable and disable plugins per extension point (on top of the Kosmos default set) and whose
/// `pluginConfig` passes arguments.
///
/// ```yaml
/// apiVersion: kubescheduler.config.k8s.io/v1
/// kind: KubeSchedulerConfiguration
/// leaderElection: {leaderElect: true, resourceName: kosmos-scheduler, resourceNamespace: kube-system}
/// profiles:
/// - schedulerName: default-scheduler
///   plugins:
///     filter: {disabled: [{name: LeafNodeDistribution}]}
///     score: {enabled: [{name: NodeResourcesFit, weight: 3}]}
///   pluginConfig:
///   - name: NodeResourcesFit
///     args: {scoringStrategy: {type: MostAllocated}}
/// ```
public struct SchedulerConfiguration: Sendable {
    /// One profile: a scheduler name and its plugin set.
    public struct ProfileConfig: Sendable {
        /// The scheduler name pods ask for in `spec.schedulerName`.
        public var schedulerName: String
        /// The plugins enabled at each extension point.
        public var plugins: PluginSet
        /// Plugin arguments flattened to dotted keys (`scoringStrategy.type`).
        public var pluginArgs: [String: [String: String]]
        public var percentageOfNodesToScore: Int?
    }

    /// Whether to take part in leader election before scheduling.
    public var leaderElect = true
    /// The Lease used for leader election.
    public var leaseName = "kosmos-scheduler"
    /// The Lease's namespace.
    public var leaseNamespace = "kube-system"
    public var percentageOfNodesToScore: Int?
    /// The profiles, one per scheduler name.
    public var profiles: [ProfileConfig]

    /// One profile named `default-scheduler` with the Kosmos default plugins.
    public init(schedulerNames: [String] = [PodSpec.defaultSchedulerName]) {
        profiles = schedulerNames.map {
            ProfileConfig(schedulerName: $0, plugins: .kosmosDefault, pluginArgs: [:], percentageOfNodesToScore: nil)
        }
    }

    /// Builds the profiles.
    /// - Throws: `ConfigurationError` for unknown plugins.
    public func makeProfiles(registry: PluginRegistry = .builtIn, source: String = "configuration") throws -> [Profile]
    {
        try profiles.enumerated().map { i, pc in
            var p = try pc.plugins.profile(
                schedulerName: pc.schedulerName, registry: registry, args: pc.pluginArgs,
                source: "\(source): profiles[\(i)]")
            p.percentageOfNodesToScore = pc.percentageOfNodesToScore ?? percentageOfNodesToScore
            return p
        }
    }

    /// Parses a configuration document.
    /// - Parameters:
    ///   - text: the YAML (or JSON) text.
    ///   - file: the file name used in error messages.
    /// - Throws: `ConfigurationError` naming the file and the field that is wrong.
    public static func parse(_ text: String, file: String = "configuration") throws -> SchedulerConfiguration {
        let doc: JSONValue
        do { doc = try YAML.parse(text, file: file) } catch { throw ConfigurationError("\(file): \(error)") }
        guard let root = doc.objectValue else { throw ConfigurationError("\(file): expected a mapping at the top") }
        if let kind = root["kind"]?.stringValue, kind != "KubeSchedulerConfiguration" {
            throw ConfigurationError("\(file): kind: expected KubeSchedulerConfiguration, got \(kind)")
        }
        var c = SchedulerConfiguration(schedulerNames: [])
        let known: Set<String> = [
            "apiVersion", "kind", "leaderElection", "percentageOfNodesToScore", "profiles",
            "parallelism", "clientConnection", "podInitialBackoffSeconds", "podMaxBackoffSeconds",
        ]
        for (k, _) in root where !known.contains(k) { throw ConfigurationError("\(file): \(k): unknown field") }
        if let le = root["leaderElection"] {
            guard let o = le.objectValue else {
                throw ConfigurationError("\(file): leaderElection: expected a mapping")
            }
            if let v = o["leaderElect"] {
                guard let b = v.boolValue else {
                    throw ConfigurationError("\(file): leaderElection.leaderElect: expected a boolean")
                }
                c.leaderElect = b
            }
            if let v = o["resourceName"]?.stringValue { c.leaseName = v }
            if let v = o["resourceNamespace"]?.stringValue { c.leaseNamespace = v }
        }
        c.percentageOfNodesToScore = try percentage(
            root["percentageOfNodesToScore"], "\(file): percentageOfNodesToScore")
        let profiles = root["profiles"]?.arrayValue ?? [["schedulerName": .string(PodSpec.defaultSchedulerName)]]
        for (i, p) in profiles.enumerated() {
            let at = "\(file): profiles[\(i)]"
            guard let o = p.objectValue else { throw ConfigurationError("\(at): expected a mapping") }
            var set = PluginSet.kosmosDefault
            if let plugins = o["plugins"] {
                guard let po = plugins.objectValue else {
                    throw ConfigurationError("\(at).plugins: expected a mapping")
                }
                for (point, value) in po { try apply(point: point, value, to: &set, at: "\(at).plugins") }
            }
            var args: [String: [String: String]] = [:]
            for (j, pcfg) in (o["pluginConfig"]?.arrayValue ?? []).enumerated() {
                guard let name = pcfg["name"]?.stringValue else {
                    throw ConfigurationError("\(at).pluginConfig[\(j)].name: missing")
                }
                var flat: [String: String] = [:]
                flatten(pcfg["args"] ?? .null, prefix: "", into: &flat)
                args[name] = flat
            }
            c.profiles.append(
                ProfileConfig(
                    schedulerName: o["schedulerName"]?.stringValue ?? PodSpec.defaultSchedulerName, plugins: set,
                    pluginArgs: args,
                    percentageOfNodesToScore: try percentage(
                        o["percentageOfNodesToScore"], "\(at).percentageOfNodesToScore")))
        }
        _ = try c.makeProfiles(source: file)
        return c
    }

    private static func percentage(_ v: JSONValue?, _ at: String) throws -> Int? {
        guard let v, !v.isNull else { return nil }
        guard let n = v.intValue, n >= 0, n <= 100 else {
            throw ConfigurationError("\(at): expected an integer 0...100")
        }
        return n == 0 ? nil : Int(n)
    }

    private static func flatten(_ v: JSONValue, prefix: String, into out: inout [String: String]) {
        if let o = v.objectValue {
            for (k, x) in o { flatten(x, prefix: prefix.isEmpty ? k : prefix + "." + k, into: &out) }
        } else if let s = v.stringValue {
            out[prefix] = s
        } else if let i = v.intValue {
            out[prefix] = String(i)
        } else if let b = v.boolValue {
            out[prefix] = String(b)
        }
    }

    private static func names(_ v: JSONValue?, _ at: String) throws -> [(String, Int64?)] {
        guard let v, !v.isNull else { return [] }
        guard let a = v.arrayValue else { throw ConfigurationError("\(at): expected a list") }
        return try a.enumerated().map { i, e in
            guard let n = e["name"]?.stringValue else { throw ConfigurationError("\(at)[\(i)].name: missing") }
            return (n, e["weight"]?.intValue)
        }
    }

    private static func apply(point: String, _ value: JSONValue, to set: inout PluginSet, at: String) throws {
        let at = "\(at).\(point)"
        let enabled = try names(value["enabled"], "\(at).enabled")
        let disabled = Set(try names(value["disabled"], "\(at).disabled").map(\.0))
        func edit(_ list: inout [String]) {
            if disabled.contains("*") { list.removeAll() } else { list.removeAll { disabled.contains($0) } }
            for (n, _) in enabled where !list.contains(n) { list.append(n) }
        }
        switch point {
        case "preFilter": edit(&set.preFilter)
        case "filter": edit(&set.filter)
        case "postFilter": edit(&set.postFilter)
        case "preScore": edit(&set.preScore)
        case "reserve": edit(&set.reserve)
        case "preBind": edit(&set.preBind)
        case "score":
            edit(&set.scoreOrder)
            for (n, w) in enabled { set.score[n] = w ?? set.score[n] ?? 1 }
        case "multiPoint":
            try applyMultiPoint(enabled: enabled, disabled: disabled, to: &set, at: at)
        case "queueSort", "bind", "permit", "postBind":
            if !enabled.isEmpty {
                throw ConfigurationError("\(at).enabled: extension point \(point) takes no configurable plugins here")
            }
        default:
            throw ConfigurationError("\(at): unknown extension point")
        }
    }

    /// `multiPoint`: an enabled plugin joins every extension point it implements, a disabled one leaves them all.
    private static func applyMultiPoint(
        enabled: [(String, Int64?)], disabled: Set<String>, to set: inout PluginSet,
        at: String
    ) throws {
        func drop(_ list: inout [String]) {
            if disabled.contains("*") { list.removeAll() } else { list.removeAll { disabled.contains($0) } }
        }
        drop(&set.preFilter)
        drop(&set.filter)
        drop(&set.postFilter)
        drop(&set.preScore)
        drop(&set.scoreOrder)
        drop(&set.reserve)
        drop(&set.preBind)
        let registry = PluginRegistry.builtIn
        for (i, (name, weight)) in enabled.enumerated() {
            guard let factory = registry.factories[name] else {
                throw ConfigurationError("\(at).enabled[\(i)]: unknown plugin \"\(name)\"")
            }
            let plugin = try factory([:])
            func join(_ list: inout [String], _ applies: Bool) {
                if applies && !list.contains(name) { list.append(name) }
            }
            join(&set.preFilter, plugin is any PreFilterPlugin)
            join(&set.filter, plugin is any FilterPlugin)
            join(&set.postFilter, plugin is any PostFilterPlugin)
            join(&set.preScore, plugin is any PreScorePlugin)
            join(&set.scoreOrder, plugin is any ScorePlugin)
            join(&set.reserve, plugin is any ReservePlugin)
            join(&set.preBind, plugin is any PreBindPlugin)
            if plugin is any ScorePlugin { set.score[name] = weight ?? set.score[name] ?? 1 }
        }
    }
}
