import Foundation

/// Everything a server node needs, wired over one metadata store and one artifact store.
public struct PlatformServices: Sendable {
    public let store: any MetadataStore
    /// Data keys under the master key; every stored object is sealed through `storage`.
    public let vault: KeyVault
    public let storage: SealedStorage
    public let artifacts: any ArtifactStore
    public let keys: KeyRing
    public let registry: ModelRegistry
    public let endpoints: InferenceEndpoints
    public let datasets: DatasetStore
    public let jobs: TrainingJobs
    public let metrics: PlatformMetrics
    public let usage: UsageMeter
    public let audit: AuditLog
    /// Fairness evaluations of model versions over datasets.
    public let fairness: FairnessEvaluations
    public let drift: DriftMonitor
    public let gates: PromotionGates
    public let shadows: ShadowTraffic
    public let canaries: CanaryGuard
    /// Per-key quotas (requests and language-model tokens per minute).
    public let rateLimiter = RateLimiter()
    /// The longest audio a transcription request may send (`maas serve --max-audio-seconds`).
    public var maximumAudioSeconds = 3600.0
    /// Half-written files (never visible) that an interrupted process left in the data folder
    /// and `open` erased.
    public internal(set) var partialFilesRemoved = 0
    /// Dataset and model erasures an interrupted process left part-way, finished by `open`.
    public internal(set) var erasuresFinished = 0

    /// `datasetRoot` holds uploads; `maximumUploadBytes` caps each one (default 1 GiB).
    /// `workRoot` holds running jobs' checkpoints; `trainingWorkers` bounds concurrent jobs on
    /// this node (0: this node queues jobs and other nodes run them).
    /// `sharedFiles` is where nodes sharing the store share datasets, checkpoints and outputs;
    /// `queue` sets the job leases and the per-project limit, over every node.
    public init(store: any MetadataStore, vault: KeyVault, artifacts: any ArtifactStore, datasetRoot: URL, workRoot: URL,
                maximumUploadBytes: Int = 1 << 30, trainingWorkers: Int = 1, modelMemoryBudget: Int = 4 << 30,
                nodeID: String = "local", sharedFiles: (any SharedFiles)? = nil, queue: JobQueueSettings = JobQueueSettings()) async throws {
        self.store = store
        self.vault = vault
        storage = SealedStorage(vault: vault)
        datasets = try DatasetStore(root: datasetRoot, store: store, storage: storage, maximumBytes: maximumUploadBytes, shared: sharedFiles)
        self.artifacts = artifacts
        keys = try await KeyRing(store: store)
        registry = ModelRegistry(store: store, artifacts: artifacts, vault: vault)
        metrics = PlatformMetrics()
        usage = UsageMeter(store: store)
        audit = AuditLog(store: store, vault: vault)
        endpoints = InferenceEndpoints(store: store, registry: registry, artifacts: artifacts, vault: vault, metrics: metrics, memoryBudget: modelMemoryBudget)
        jobs = TrainingJobs(store: store, datasets: datasets, registry: registry, artifacts: artifacts, storage: storage, workRoot: workRoot,
                            workers: trainingWorkers, nodeID: nodeID, shared: sharedFiles, queue: queue)
        fairness = FairnessEvaluations(store: store, registry: registry, artifacts: artifacts, datasets: datasets)
        drift = DriftMonitor(store: store, metrics: metrics)
        gates = PromotionGates(store: store, registry: registry, artifacts: artifacts, datasets: datasets, fairness: fairness)
        try await drift.load()
        shadows = ShadowTraffic(store: store)
        try await shadows.load()
        canaries = CanaryGuard(store: store)
        try await canaries.load()
        let (endpoints, canaries, metrics, usage, audit) = (endpoints, canaries, metrics, usage, audit)
        canaries.onBreach = { project, endpoint, reason in
            do {
                let withdrawn = try await endpoints.withdrawCanary(project: project, endpoint: endpoint)
                try await canaries.set(project: project, endpoint: endpoint, objective: nil)
                metrics.recordCanaryRollback(project: project, endpoint: endpoint)
                try? await audit.record(actor: "canary-guard", project: project, action: "canary.rollback",
                                        resource: "endpoint:\(endpoint) canary:\(withdrawn.map { "\($0.name)@\($0.version)" } ?? "none") reason: \(reason)",
                                        requestID: "-", outcome: "rolled_back")
            } catch {
                try? await audit.record(actor: "canary-guard", project: project, action: "canary.rollback", resource: "endpoint:\(endpoint) reason: \(reason)",
                                        requestID: "-", outcome: "failed: \(error)")
            }
        }
        drift.onCrossing = { project, endpoint, version, feature, psi, threshold in
            metrics.recordDriftAlert(project: project, endpoint: endpoint, feature: feature)
            try? await audit.record(actor: "drift-monitor", project: project, action: "drift_threshold_crossed",
                                    resource: "endpoint:\(endpoint)@\(version) feature:\(feature) psi:\((psi * 1000).rounded() / 1000) threshold:\(threshold)",
                                    requestID: "-", outcome: "alert")
        }
        await jobs.setOnFinish { job in
            metrics.recordJob(job)
            usage.record(project: job.project, keyID: job.keyID, requests: 0, trainingSeconds: job.computeSeconds)
        }
    }

    /// A node over a data folder: `artifacts/`, `datasets/` and `jobs/` under it, every object
    /// sealed under the configured master key (which, by default, is `master.key` in the folder).
    /// Refuses to open (changing nothing) when the master key does not match the store.
    /// `artifactStore` makes the artifact store over the node's sealed storage (an object store
    /// several nodes share); by default artifacts live under `artifacts/` in the folder.
    public static func open(dataDirectory root: URL, store: any MetadataStore, masterKey: MasterKeyConfiguration? = nil,
                            maximumUploadBytes: Int = 1 << 30, trainingWorkers: Int = 1, modelMemoryBudget: Int = 4 << 30,
                            artifactStore: ((SealedStorage) async throws -> any ArtifactStore)? = nil,
                            sharedFiles: (any SharedFiles)? = nil, queue: JobQueueSettings = JobQueueSettings(),
                            log: (String) -> Void = { _ in }) async throws -> PlatformServices {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // Only the server's user may list or read the folder (the store beside the sealed files
        // holds wrapped keys and hashes).
        chmod(root.path, 0o700)
        let configuration = masterKey ?? MasterKeyConfiguration(source: .dataFolder(root.appendingPathComponent("master.key")))
        let vault = try await KeyVault.open(store: store, configuration: configuration, log: log)
        let artifacts: any ArtifactStore
        if let artifactStore {
            artifacts = try await artifactStore(SealedStorage(vault: vault))
        } else {
            let folder = try FileArtifactStore(root: root.appendingPathComponent("artifacts"), storage: SealedStorage(vault: vault))
            await folder.removeAbandonedStaging()
            artifacts = folder
        }
        let removed = await removePartialFiles(under: root, storage: SealedStorage(vault: vault))
        if removed > 0 { log("erased \(removed) partial file(s) that an interrupted write left") }
        var services = try await PlatformServices(store: store, vault: vault, artifacts: artifacts, datasetRoot: root.appendingPathComponent("datasets"),
                                                  workRoot: root.appendingPathComponent("jobs"), maximumUploadBytes: maximumUploadBytes,
                                                  trainingWorkers: trainingWorkers, modelMemoryBudget: modelMemoryBudget,
                                                  nodeID: try nodeID(in: root), sharedFiles: sharedFiles, queue: queue)
        services.partialFilesRemoved = removed
        let erasures = try await services.datasets.finishInterruptedErasures() + services.registry.finishInterruptedErasures()
        if erasures > 0 { log("finished \(erasures) erasure(s) that an interrupted process left part-way") }
        services.erasuresFinished = erasures
        return services
    }

    /// This node's name for job leases: `node.id` in the data folder, made on first start.
    static func nodeID(in root: URL) throws -> String {
        let file = root.appendingPathComponent("node.id")
        if let text = try? String(contentsOf: file, encoding: .utf8), !text.isEmpty { return text.trimmingCharacters(in: .whitespacesAndNewlines) }
        let id = "node-" + APIKeyToken.randomBase62(12)
        try Data(id.utf8).write(to: file, options: .atomic)
        return id
    }

    /// On a store several nodes share: applies the changes other nodes announce to this node's
    /// in-memory keys and routes (within a second of the change), and re-reads both every
    /// `period` in case an announcement was lost. Returns at once on a store of one's own; runs
    /// until cancelled otherwise.
    public func followSharedChanges(period: Duration = .seconds(10), quotaPeriod: Duration = .seconds(1)) async {
        guard let shared = store as? any SharedMetadataStore else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { for await change in shared.changes() { await self.apply(change) } }
            group.addTask {
                while (try? await Task.sleep(for: period)) != nil {
                    for change in MetadataChange.allCases { await self.apply(change) }
                }
            }
            group.addTask { await self.shareQuotas(through: shared, every: quotaPeriod) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Every `period`, hands the quota use this node admitted to the other nodes and takes what
    /// they admitted off this node's buckets: a key's quota holds over all nodes together.
    func shareQuotas(through shared: any SharedMetadataStore, every period: Duration) async {
        var cursors: [String: Int64] = [:]
        while (try? await Task.sleep(for: period)) != nil {
            let mine = rateLimiter.takeUnsharedUse()
            do {
                let (others, next) = try await shared.exchangeQuotaUse(node: jobs.nodeID, use: mine, after: cursors)
                cursors = next
                var limits: [String: RateLimits] = [:]
                for use in others { limits[use.keyID] = await keys.limits(keyID: use.keyID) }
                rateLimiter.applyUse(others, limits: limits)
            } catch {
                rateLimiter.keepUnsharedUse(mine)
            }
        }
    }

    /// Re-reads what `change` names (a failure, e.g. the database down, waits for the next one).
    public func apply(_ change: MetadataChange) async {
        switch change {
        case .keys: try? await keys.reload()
        case .deployments: try? await endpoints.sync()
        case .jobs: await jobs.wake()
        }
    }

    /// Moves an alias and re-points the endpoints serving it (warming the new version first).
    public func moveAlias(project: String, model: String, alias: String, version: Int) async throws {
        try await registry.setAlias(project: project, model: model, alias: alias, version: version)
        try await endpoints.refresh(project: project, model: model)
    }

    /// A version's card with what only a running node knows: global feature importance from
    /// its artifact, and the drift of the endpoints serving it.
    public func modelCard(project: String, name: String, version: Int) async throws -> ModelCard {
        var card = try await ModelCard.load(project: project, name: name, version: version, registry: registry, store: store)
        if card.version.kind == "classical" {
            let files = try await artifacts.open(card.version.artifact)
            let pseudonyms = try await datasets.pseudonyms(project: project)
            card.importance = try? await TrainingJobs.onTrainingThread { try LoadedModel.load(files: files, pseudonyms: pseudonyms).globalImportance() }
        }
        for (deployment, primary, canary) in await endpoints.list(project: project) {
            for served in [primary, canary].compactMap({ $0 }) where served.name == name && served.version == version {
                guard let target = try? await endpoints.target(project: project, endpoint: deployment.name, version: version) else { continue }
                let report = drift.report(project: project, endpoint: deployment.name, version: version, model: target.model)
                card.drift.append((deployment.name, report.rowsSeen, (report.features + [report.prediction].compactMap { $0 }).filter(\.over).map(\.name)))
            }
        }
        return card
    }

    /// Moves an alias only if the version passes the alias's promotion policy (when it has
    /// one): the evaluation is stored either way; a refusal throws `promotionRefused`.
    public func promote(project: String, keyID: String, model: String, alias: String, version: Int) async throws -> PromotionGates.Outcome? {
        let outcome = try await gates.evaluate(project: project, keyID: keyID, model: model, alias: alias, version: version)
        if let outcome, !outcome.passed { throw PromotionRefused(outcome: outcome) }
        try await moveAlias(project: project, model: model, alias: alias, version: version)
        return outcome
    }
}

/// A version failed its alias's promotion policy: the stored evaluation says which checks.
public struct PromotionRefused: Error, Sendable {
    public let outcome: PromotionGates.Outcome
}
