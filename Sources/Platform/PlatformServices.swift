import Foundation

/// Everything a server node needs, wired over one metadata store and one artifact store.
public struct PlatformServices: Sendable {
    public let store: any MetadataStore
    public let artifacts: any ArtifactStore
    public let keys: KeyRing
    public let registry: ModelRegistry
    public let endpoints: InferenceEndpoints
    public let datasets: DatasetStore

    /// `datasetRoot` holds uploads; `maximumUploadBytes` caps each one (default 1 GiB).
    public init(store: any MetadataStore, artifacts: any ArtifactStore, datasetRoot: URL, maximumUploadBytes: Int = 1 << 30) async throws {
        self.store = store
        datasets = try DatasetStore(root: datasetRoot, store: store, maximumBytes: maximumUploadBytes)
        self.artifacts = artifacts
        keys = try await KeyRing(store: store)
        registry = ModelRegistry(store: store, artifacts: artifacts)
        endpoints = InferenceEndpoints(store: store, registry: registry, artifacts: artifacts)
    }
}
