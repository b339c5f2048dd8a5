import Crypto
import Foundation

/// What `maas check` found: every recorded object read back in full and compared with its
/// record. `corrupt` and `missing` must be empty on a healthy node; `partialFilesRemoved` counts
/// the half-written files (never visible through the API) that a crash left and the node's
/// start erased.
public struct IntegrityReport: Codable, Sendable {
    public var datasets = 0
    public var datasetBytes = 0
    public var artifacts = 0
    public var artifactFiles = 0
    public var batchOutputs = 0
    public var checkpoints = 0
    public var auditEntries = 0
    public var jobStates: [String: Int] = [:]
    public var partialFilesRemoved = 0
    public var erasuresFinished = 0
    /// Objects whose bytes do not match their record (checksum, authentication, size).
    public var corrupt: [String] = []
    /// Objects a record names that are not stored.
    public var missing: [String] = []
    /// The audit chain's problems.
    public var audit: [String] = []

    public var intact: Bool { corrupt.isEmpty && missing.isEmpty && audit.isEmpty }
    public var objectsChecked: Int { datasets + artifacts + batchOutputs + checkpoints }

    enum CodingKeys: String, CodingKey {
        case datasets, datasetBytes = "dataset_bytes", artifacts, artifactFiles = "artifact_files", batchOutputs = "batch_outputs"
        case checkpoints, auditEntries = "audit_entries", jobStates = "job_states", partialFilesRemoved = "partial_files_removed", erasuresFinished = "erasures_finished"
        case corrupt, missing, audit
    }
}

extension PlatformServices {
    /// Reads every stored object that a record names (each dataset version, each model
    /// version's artifact, each succeeded batch job's output, each unfinished job's
    /// checkpoint), decrypting and hashing it in full, and verifies the audit chain. Meant
    /// for a stopped node's folder (`maas check`): it takes as long as reading everything.
    public func checkIntegrity() async throws -> IntegrityReport {
        var report = IntegrityReport()
        report.partialFilesRemoved = partialFilesRemoved
        report.erasuresFinished = erasuresFinished
        for project in try await store.projectNames() {
            for record in try await store.datasets(project: project) {
                report.datasets += 1
                let name = "dataset \(project)/\(record.name) v\(record.version)"
                do {
                    let reader = try await datasets.reader(record)
                    var hasher = SHA256()
                    var bytes = 0
                    while let chunk = try reader.next() { hasher.update(data: chunk); bytes += chunk.count }
                    report.datasetBytes += bytes
                    let digest = Digest.hex(hasher.finalize())
                    if digest != record.sha256 || bytes != record.bytes {
                        report.corrupt.append("\(name): \(bytes) bytes with SHA-256 \(digest), recorded \(record.bytes) bytes with \(record.sha256)")
                    }
                } catch {
                    Self.classify(error, name: name, into: &report)
                }
            }
            var seen = Set<String>()
            for version in try await store.modelVersions(project: project) where version.erasedAt == nil && seen.insert(version.artifact).inserted {
                report.artifacts += 1
                let name = "artifact \(version.artifact) (\(project)/\(version.name) v\(version.version))"
                do {
                    var hasher = SHA256()
                    for (file, _) in try await artifacts.listing(version.artifact).sorted(by: { $0.name < $1.name }) {
                        let reader = try await artifacts.reader(version.artifact, file: file)
                        var content = SHA256()
                        while let chunk = try reader.next() { content.update(data: chunk) }
                        hasher.update(data: Data(file.utf8))
                        hasher.update(data: Data([0]))
                        hasher.update(data: Data(content.finalize()))
                        report.artifactFiles += 1
                    }
                    let digest = Digest.hex(hasher.finalize())
                    if digest != version.artifact { report.corrupt.append("\(name): its files hash to \(digest)") }
                } catch {
                    Self.classify(error, name: name, into: &report)
                }
            }
            for job in try await store.jobs(project: project) {
                report.jobStates[job.state.rawValue, default: 0] += 1
                if job.kind == JobRecord.batchPrediction, job.state == .succeeded {
                    report.batchOutputs += 1
                    await Self.readWhole(jobs.outputPath(job.id), name: "batch job \(job.id) output", storage: storage, required: true, into: &report)
                }
                if !job.state.isFinished {
                    let checkpoint = jobs.workRoot.appendingPathComponent(job.id).appendingPathComponent(TrainingJobs.checkpointFile)
                    if FileManager.default.fileExists(atPath: checkpoint.path) {
                        report.checkpoints += 1
                        await Self.readWhole(checkpoint, name: "job \(job.id) checkpoint", storage: storage, required: false, into: &report)
                    }
                }
            }
        }
        let verification = try await audit.verify()
        report.auditEntries = verification.entries
        report.audit = verification.problems
        return report
    }

    private static func readWhole(_ url: URL, name: String, storage: SealedStorage, required: Bool, into report: inout IntegrityReport) async {
        guard FileManager.default.fileExists(atPath: url.path) else {
            if required { report.missing.append("\(name): no file at \(url.path)") }
            return
        }
        do {
            let reader = try await storage.open(url, name: name)
            while try reader.next() != nil {}
        } catch {
            classify(error, name: name, into: &report)
        }
    }

    private static func classify(_ error: any Error, name: String, into report: inout IntegrityReport) {
        switch error {
        case SealedError.unreadable, SealedError.erased, PlatformError.notFound: report.missing.append("\(name): \(error)")
        default: report.corrupt.append("\(name): \(error)")
        }
    }

    /// Erases what a crash can leave half-written under a node's own folder: dataset uploads
    /// (`.upload-*`, with their data keys, which nothing else uses), sealed files being
    /// replaced (`.NAME.partial-*`) and batch outputs being written (`*.partial`). None is ever
    /// read: each becomes visible only by a rename once complete. Returns how many it erased.
    /// Only for a folder no other process writes (the node holds its lock).
    public static func removePartialFiles(under root: URL, storage: SealedStorage) async -> Int {
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return 0 }
        var uploads: [URL] = [], others: [URL] = []
        for case let url as URL in walker {
            let name = url.lastPathComponent
            if name.hasPrefix(".upload-") { uploads.append(url) }
            else if (name.hasPrefix(".") && name.contains(".partial-")) || name.hasSuffix(".partial") { others.append(url) }
        }
        try? await storage.erase(uploads)
        for url in others { try? FileManager.default.removeItem(at: url) }
        return uploads.count + others.count
    }
}
