import Foundation
import Tracing

#if os(Linux)
/// glibc's malloc_trim(3), which the Glibc module does not export.
@_silgen_name("malloc_trim") private func mallocTrim(_ pad: Int) -> Int32
#endif

/// Deployed endpoints and the models loaded behind them.
///
/// - A deploy (or a redeploy, or an alias move) loads and warms the new version with one
///   forward pass before the endpoint's route points at it; requests already queued on the
///   old version finish there. No request sees a half-swap or a cold model.
/// - Loaded models live under a memory budget: a model that is not loaded loads on its first
///   request, and the least recently used are unloaded when the budget is exceeded. Unloading
///   closes the model's batcher, which still runs what is queued, so in-flight requests finish.
/// - A canary split sends a share of an endpoint's requests to a second version.
public actor InferenceEndpoints {
    /// What a request is served by.
    public struct Target: Sendable {
        public let batcher: InferenceBatcher
        public let version: ModelVersion
        /// Drawn to the endpoint's canary by its share (its outcome counts against the SLO).
        public var isCanary = false
        public var model: LoadedModel { batcher.model }
    }

    struct Route {
        var deployment: Deployment
        var primary: ModelVersion
        var canary: ModelVersion?
    }

    private let store: any MetadataStore
    private let registry: ModelRegistry
    private let artifacts: any ArtifactStore
    private let vault: KeyVault
    private let metrics: PlatformMetrics
    /// Bytes of model weights kept loaded; the least recently used models beyond it are unloaded.
    public let memoryBudget: Int
    /// Loaded models by artifact digest (endpoints serving the same artifact share one).
    private var loaded: [String: InferenceBatcher] = [:]
    private var lastUsed: [String: UInt64] = [:]
    private var loading: [String: Task<InferenceBatcher, any Error>] = [:]
    private var routes: [String: Route] = [:]
    /// Versions reached by number (`/v2/models/{name}/versions/{v}`), by "project/model@v".
    private var namedVersions: [String: ModelVersion] = [:]
    private var useClock: UInt64 = 0
    private var random = SystemRandomNumberGenerator()

    public init(store: any MetadataStore, registry: ModelRegistry, artifacts: any ArtifactStore, vault: KeyVault, metrics: PlatformMetrics,
                memoryBudget: Int = 4 << 30) {
        self.store = store
        self.registry = registry
        self.artifacts = artifacts
        self.vault = vault
        self.metrics = metrics
        self.memoryBudget = memoryBudget
    }

    private static func key(_ project: String, _ name: String) -> String { "\(project)/\(name)" }

    /// Restores every persisted deployment after a restart, resolving versions without loading
    /// them (models load on first request, so the server is ready at once). A deployment that
    /// no longer resolves is skipped and reported.
    public func restore(projects: [String]) async throws -> [(deployment: Deployment, error: String)] {
        var failures: [(deployment: Deployment, error: String)] = []
        for project in projects {
            for deployment in try await store.deployments(project: project) {
                do { routes[Self.key(project, deployment.name)] = try await resolve(deployment) }
                catch { failures.append((deployment, "\(error)")) }
            }
        }
        return failures
    }

    /// Brings this node's routes in line with the store, after another node deployed, redeployed,
    /// undeployed or moved an alias (a shared store announces it; see
    /// `PlatformServices.followSharedChanges`). New versions load on their first request, as
    /// after a restart. A route this node changed while the store was being read is left as it is:
    /// its own announcement brings the next sync.
    public func sync() async throws {
        let before = routes
        var fresh: [String: Route] = [:]
        for project in try await store.projectNames() {
            for deployment in try await store.deployments(project: project) {
                if let route = try? await resolve(deployment) { fresh[Self.key(project, deployment.name)] = route }
            }
        }
        var retired: [ModelVersion] = []
        for key in Set(before.keys).union(fresh.keys) {
            let old = before[key], new = fresh[key]
            guard routes[key]?.deployment == old?.deployment, routes[key]?.primary.version == old?.primary.version else { continue }
            guard old?.deployment != new?.deployment || old?.primary.artifact != new?.primary.artifact
                    || old?.canary?.artifact != new?.canary?.artifact else { continue }
            routes[key] = new
            retired += [old?.primary, old?.canary].compactMap { $0 }
        }
        for version in retired { unloadIfUnused(version.artifact) }
        // Versions reached by number that another node erased since: dropped, models unloaded.
        var live: [String: [ModelVersion]] = [:]
        for version in namedVersions.values {
            if live[version.project] == nil { live[version.project] = try await registry.versions(project: version.project) }
            if !live[version.project]!.contains(where: { $0.name == version.name && $0.version == version.version }) { forget([version]) }
        }
    }

    /// Drops erased versions that requests reached by number (`/versions/{n}`): they stop
    /// answering at once, and their models are unloaded unless an endpoint still serves the artifact.
    public func forget(_ versions: [ModelVersion]) {
        for version in versions {
            namedVersions["\(version.project)/\(version.name)@\(version.version)"] = nil
            unloadIfUnused(version.artifact)
        }
    }

    private func resolve(_ deployment: Deployment) async throws -> Route {
        let primary = try await registry.resolve(project: deployment.project, reference: "\(deployment.model)@\(deployment.reference)")
        var canary: ModelVersion?
        if let split = deployment.canary {
            canary = try await registry.resolve(project: deployment.project, reference: "\(deployment.model)@\(split.reference)")
        }
        return Route(deployment: deployment, primary: primary, canary: canary)
    }

    /// Deploys (or redeploys with a warm swap) endpoint `name` serving `reference`
    /// (`model@alias`, `model@3`, `model`), with an optional canary and batching policy.
    public func deploy(project: String, name: String, reference: String, canary: Deployment.Canary? = nil,
                       batching: BatchingPolicy = BatchingPolicy()) async throws -> (Deployment, ModelVersion) {
        try ModelRegistry.checkName(name, field: "name")
        try batching.validate()
        if let canary {
            guard (0...100).contains(canary.percent) else { throw PlatformError.invalid(field: "canary.percent", message: "must be between 0 and 100, got \(canary.percent)") }
        }
        let parts = reference.split(separator: "@", maxSplits: 1).map(String.init)
        let deployment = Deployment(project: project, name: name, model: parts[0], reference: parts.count > 1 ? parts[1] : "latest",
                                    canary: canary, batching: batching, createdAt: Date())
        let route = try await resolve(deployment)
        let previous = routes[Self.key(project, name)]
        if previous?.deployment.batching != batching, let previous {
            // A new policy needs new batchers: drop ones only this endpoint used (they drain first).
            for version in [previous.primary, previous.canary].compactMap({ $0 }) { unloadIfUnused(version.artifact, except: name, project: project) }
        }
        _ = try await batcher(for: route.primary, policy: batching)
        if let version = route.canary { _ = try await batcher(for: version, policy: batching) }
        try await store.upsertDeployment(deployment)
        routes[Self.key(project, name)] = route
        if let previous { for version in [previous.primary, previous.canary].compactMap({ $0 }) { unloadIfUnused(version.artifact) } }
        return (deployment, route.primary)
    }

    /// Sends every request of an endpoint to its primary again (the canary's batcher finishes
    /// what it was handed). Returns the withdrawn canary, nil when there was none.
    public func withdrawCanary(project: String, endpoint: String) async throws -> ModelVersion? {
        guard let route = routes[Self.key(project, endpoint)], let canary = route.canary else { return nil }
        let d = route.deployment
        _ = try await deploy(project: project, name: endpoint, reference: "\(d.model)@\(d.reference)", canary: nil, batching: d.batching)
        return canary
    }

    /// Re-resolves the endpoints that serve `model` (after an alias moved), warming the new
    /// versions before switching to them.
    public func refresh(project: String, model: String) async throws {
        for route in routes.values where route.deployment.project == project && route.deployment.model == model {
            let fresh = try await resolve(route.deployment)
            guard fresh.primary.version != route.primary.version || fresh.canary?.version != route.canary?.version else { continue }
            _ = try await batcher(for: fresh.primary, policy: route.deployment.batching)
            if let version = fresh.canary { _ = try await batcher(for: version, policy: route.deployment.batching) }
            routes[Self.key(project, route.deployment.name)] = fresh
            for version in [route.primary, route.canary].compactMap({ $0 }) { unloadIfUnused(version.artifact) }
        }
    }

    public func undeploy(project: String, name: String) async throws {
        guard let route = routes.removeValue(forKey: Self.key(project, name)) else { throw PlatformError.notFound(kind: "endpoint", name: name) }
        try await store.deleteDeployment(project: project, name: name)
        for version in [route.primary, route.canary].compactMap({ $0 }) { unloadIfUnused(version.artifact) }
    }

    public func list(project: String) -> [(deployment: Deployment, version: ModelVersion, canary: ModelVersion?)] {
        routes.values.filter { $0.deployment.project == project }.sorted { $0.deployment.name < $1.deployment.name }
            .map { ($0.deployment, $0.primary, $0.canary) }
    }

    /// The version an endpoint serves when no canary is drawn.
    public func primaryVersion(project: String, endpoint: String) throws -> Int {
        guard let route = routes[Self.key(project, endpoint)] else { throw PlatformError.notFound(kind: "model", name: endpoint) }
        return route.primary.version
    }

    /// The model serving a request to an endpoint: the canary for its share of requests, or a
    /// named version of the endpoint's model. Other projects' endpoints look like missing ones.
    public func target(project: String, endpoint: String, version: Int? = nil) async throws -> Target {
        guard let route = routes[Self.key(project, endpoint)] else { throw PlatformError.notFound(kind: "model", name: endpoint) }
        var chosen = route.primary, drawnToCanary = false
        if let version {
            if version == route.canary?.version { chosen = route.canary! }
            else if version != route.primary.version {
                // Versions are immutable: one store read per named version, not per request.
                let key = "\(project)/\(route.deployment.model)@\(version)"
                if let known = namedVersions[key] { chosen = known } else {
                    guard let other = try await registry.versions(project: project, name: route.deployment.model).first(where: { $0.version == version }) else {
                        throw PlatformError.notFound(kind: "version", name: "\(endpoint)/versions/\(version)")
                    }
                    namedVersions[key] = other
                    chosen = other
                }
            }
        } else if let canary = route.canary, let share = route.deployment.canary?.percent,
                  Double(random.next(upperBound: UInt64(10_000))) < share * 100 {
            chosen = canary
            drawnToCanary = true
        }
        return Target(batcher: try await batcher(for: chosen, policy: route.deployment.batching), version: chosen, isCanary: drawnToCanary)
    }

    /// Endpoints of the version's project that serve it (as primary or canary).
    public func endpoints(serving version: ModelVersion) -> [String] {
        routes.values.filter { route in
            route.deployment.project == version.project
                && [route.primary, route.canary].contains { $0?.name == version.name && $0?.version == version.version }
        }.map(\.deployment.name).sorted()
    }

    /// Whether an endpoint exists (without loading its model).
    public func version(project: String, endpoint: String) throws -> ModelVersion {
        guard let route = routes[Self.key(project, endpoint)] else { throw PlatformError.notFound(kind: "model", name: endpoint) }
        return route.primary
    }

    // MARK: Loading and eviction

    private func batcher(for version: ModelVersion, policy: BatchingPolicy) async throws -> InferenceBatcher {
        useClock += 1
        lastUsed[version.artifact] = useClock
        if let batcher = loaded[version.artifact] { return batcher }
        if let pending = loading[version.artifact] { return try await pending.value }
        let (metrics, artifacts, vault) = (self.metrics, self.artifacts, self.vault)
        let task = Task.detached { () throws -> InferenceBatcher in
            // Decrypted once, here: the model's files are in memory from now on, and no request
            // does any cryptography.
            let files = try await artifacts.open(version.artifact)
            let model = try LoadedModel.load(files: files, pseudonyms: try await Pseudonyms.of(project: version.project, vault: vault))
            // Warm-up: one forward pass allocates buffers and touches the weights before traffic.
            if let encoder = model.encoder { _ = encoder.embed(["warm up"]) }
            else if model.language != nil { /* weights are mapped; the first request faults them in */ }
            else { _ = try? model.predict(features: [Float](repeating: 0, count: model.inputShape.reduce(1, *)), rows: 1) }
            return InferenceBatcher(model: model, policy: policy) { rows, _ in
                metrics.recordBatch(project: version.project, model: version.name, version: version.version, rows: rows)
            }
        }
        loading[version.artifact] = task
        defer { loading[version.artifact] = nil }
        // A span on the request that waits for the load (a no-op unless tracing is on).
        let batcher = try await withSpan("model load") { span in
            span.attributes["maas.model"] = version.name
            span.attributes["maas.model_version"] = version.version
            return try await task.value
        }
        loaded[version.artifact] = batcher
        metrics.modelLoads.increment()
        evictBeyondBudget(keeping: version.artifact)
        updateGauges()
        return batcher
    }

    private func evictBeyondBudget(keeping: String) {
        var total = loaded.values.reduce(0) { $0 + $1.model.memoryBytes }
        var evicted = false
        for (artifact, _) in lastUsed.filter({ loaded[$0.key] != nil }).sorted(by: { $0.value < $1.value }) where total > memoryBudget {
            guard artifact != keeping, let batcher = loaded.removeValue(forKey: artifact) else { continue }
            total -= batcher.model.memoryBytes
            batcher.close()
            metrics.modelEvictions.increment()
            evicted = true
        }
        if evicted { Self.returnFreedMemory() }
    }

    /// An evicted model's memory is free once its batcher's last request ends; glibc keeps freed
    /// heap pages unless asked, so the process would stay at its peak. Trim after a moment.
    private static func returnFreedMemory() {
        #if os(Linux)
        Task.detached {
            try? await Task.sleep(for: .seconds(2))
            _ = mallocTrim(0)
        }
        #endif
    }

    private func unloadIfUnused(_ artifact: String, except endpoint: String? = nil, project: String? = nil) {
        let used = routes.values.contains { route in
            !(route.deployment.name == endpoint && route.deployment.project == project)
                && (route.primary.artifact == artifact || route.canary?.artifact == artifact)
        }
        guard !used, let batcher = loaded.removeValue(forKey: artifact) else { return }
        batcher.close()
        lastUsed[artifact] = nil
        updateGauges()
    }

    private func updateGauges() {
        metrics.modelsLoaded.set(Double(loaded.count))
        metrics.modelMemoryBytes.set(Double(loaded.values.reduce(0) { $0 + $1.model.memoryBytes }))
    }

    /// Queue depth per endpoint, for the metrics scrape.
    public func publishQueueDepths() {
        for route in routes.values {
            let depth = [route.primary, route.canary].compactMap { $0 }.compactMap { loaded[$0.artifact]?.queueDepth }.reduce(0, +)
            metrics.setQueueDepth(project: route.deployment.project, endpoint: route.deployment.name, depth: depth)
        }
        updateGauges()
    }

    /// Loaded artifacts, most recently used last (for tests and the admin view).
    public var loadedArtifacts: [String] {
        loaded.keys.sorted { (lastUsed[$0] ?? 0) < (lastUsed[$1] ?? 0) }
    }
}
