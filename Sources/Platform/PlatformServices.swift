import Foundation

/// Everything a server node needs, wired over one metadata store and one artifact store.
public struct PlatformServices: Sendable {
    public let store: any MetadataStore
    public let artifacts: any ArtifactStore
    public let keys: KeyRing
    public let registry: ModelRegistry
    public let endpoints: InferenceEndpoints
    public let datasets: DatasetStore
    public let jobs: TrainingJobs

    /// `datasetRoot` holds uploads; `maximumUploadBytes` caps each one (default 1 GiB).
    /// `workRoot` holds running jobs' checkpoints; `trainingWorkers` bounds concurrent jobs.
    public init(store: any MetadataStore, artifacts: any ArtifactStore, datasetRoot: URL, workRoot: URL,
                maximumUploadBytes: Int = 1 << 30, trainingWorkers: Int = 1) async throws {
        self.store = store
        datasets = try DatasetStore(root: datasetRoot, store: store, maximumBytes: maximumUploadBytes)
        self.artifacts = artifacts
        keys = try await KeyRing(store: store)
        registry = ModelRegistry(store: store, artifacts: artifacts)
        endpoints = InferenceEndpoints(store: store, registry: registry, artifacts: artifacts)
        jobs = TrainingJobs(store: store, datasets: datasets, registry: registry, workRoot: workRoot, workers: trainingWorkers)
    }
}
