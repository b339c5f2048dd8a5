import Foundation

/// What erasing a dataset did, for the response and the audit trail.
public struct DatasetErasure: Sendable {
    public var tombstone: DatasetTombstone
    /// Live model versions whose lineage names the erased dataset (any of its versions).
    public var derivedVersions: [ModelVersion]
    /// Those erased with it (`erase_derived`); the others are flagged `trained_on_erased_data`.
    public var erasedVersions: [ModelVersion]
    /// Endpoints undeployed first (`force`).
    public var undeployed: [String]
    /// Jobs reading the dataset, cancelled (their checkpoints are erased as they stop).
    public var cancelledJobs: [String]
    /// Batch jobs whose predictions over the dataset were erased.
    public var erasedOutputs: [String]
}

/// What erasing records did.
public struct RecordErasure: Sendable {
    public var record: DatasetRecord
    public var removedRows: Int
    public var tombstone: DatasetTombstone
    /// Model versions trained on the old version, now flagged `trained_on_erased_data`.
    public var flaggedVersions: [ModelVersion]
    public var erasedOutputs: [String]
}

extension PlatformServices {
    /// Erases a dataset (the right to be forgotten): its data key is destroyed first, so every
    /// copy of its files (a backup, a snapshot) is unreadable; then its files go and a tombstone
    /// stays. Running jobs on it are cancelled and batch predictions over it erased. Model
    /// versions trained on it are listed; with `eraseDerived` they are erased too (their
    /// artifacts shredded), refusing a deployed one unless `force`, which undeploys it first.
    public func eraseDataset(project: String, name: String, actor: String, eraseDerived: Bool = false, force: Bool = false) async throws -> DatasetErasure {
        let record = try await datasets.record(project: project, name: name)
        // Every version of the dataset counts: models trained on a version a record erasure or
        // a replacement already shredded still came from it.
        let earlier = try await store.tombstones(project: project).filter { $0.name == name }.map(\.sha256)
        let checksums = Set([record.sha256] + earlier)
        let derived = try await registry.versions(project: project).filter { version in checksums.contains { version.trained(onDatasetSHA256: $0) } }
        var undeployed: [String] = []
        if eraseDerived {
            var deployed: [(ModelVersion, [String])] = []
            for version in derived {
                let serving = await endpoints.endpoints(serving: version)
                if !serving.isEmpty { deployed.append((version, serving)) }
            }
            if !deployed.isEmpty && !force {
                let list = deployed.map { "\($0.0.name)@\($0.0.version) is served by " + $0.1.map { "endpoint '\($0)'" }.joined(separator: ", ") }.joined(separator: "; ")
                throw PlatformError.conflict("\(list): undeploy first, or pass force=true to undeploy and erase")
            }
            for endpoint in Set(deployed.flatMap(\.1)).sorted() {
                try await endpoints.undeploy(project: project, name: endpoint)
                undeployed.append(endpoint)
            }
        }
        let cancelled = try await jobs.cancelJobs(project: project, dataset: name)
        let outputs = try await jobs.eraseOutputs(project: project, dataset: name)
        let tombstone = try await datasets.erase(record, actor: actor, reason: "deleted")
        var erased: [ModelVersion] = []
        for version in derived {
            if eraseDerived {
                try await registry.erase(version)
                erased.append(version)
            } else {
                try await registry.flagTrainedOnErasedData(version)
            }
        }
        // A version loaded for requests by number must stop answering too, not only deployed ones.
        await endpoints.forget(erased)
        return DatasetErasure(tombstone: tombstone, derivedVersions: derived, erasedVersions: erased, undeployed: undeployed,
                              cancelledJobs: cancelled, erasedOutputs: outputs)
    }

    /// Erases the rows whose `column` holds one of `values`: a new dataset version without them,
    /// the old one shredded, and the model versions trained on it flagged so the team retrains.
    public func eraseRecords(project: String, name: String, column: String, values: [String], actor: String) async throws -> RecordErasure {
        let before = try await datasets.record(project: project, name: name)
        let result = try await datasets.eraseRecords(project: project, name: name, column: column, values: values, actor: actor)
        let flagged = try await registry.versions(project: project, trainedOn: before.sha256)
        for version in flagged { try await registry.flagTrainedOnErasedData(version) }
        let outputs = try await jobs.eraseOutputs(project: project, dataset: name)
        return RecordErasure(record: result.record, removedRows: result.removed, tombstone: result.tombstone, flaggedVersions: flagged,
                             erasedOutputs: outputs)
    }
}
