import Foundation

/// Sealed files that every node must be able to read, kept where all nodes share them (an
/// object store): dataset versions, running jobs' checkpoints, batch prediction outputs. Each
/// node keeps its working copy under its data folder; `name` is that copy's path relative to the
/// folder (`datasets/p/iris/v1.csv`), so every node finds the same file under the same name.
///
/// The files are sealed before they are published: the shared store never holds plaintext, and
/// destroying a file's data key shreds every copy at once.
public protocol SharedFiles: Sendable {
    /// Publishes the sealed file at `file` under `name`, replacing what was there. All or nothing:
    /// a reader sees the previous object or this one whole.
    func publish(_ file: URL, as name: String) async throws
    /// Fetches `name` into `file` (written beside it and renamed into place, so a reader never sees
    /// half a file). False when there is no such object.
    func fetch(_ name: String, to file: URL) async throws -> Bool
    /// Deletes `name` (nothing when there is none).
    func remove(_ name: String) async throws
}

/// A node's working folder whose files are mirrored to shared files, when there are any.
struct MirroredFolder: Sendable {
    /// The folder on this node.
    let root: URL
    /// `root`'s name among the shared files (`datasets`, `jobs`).
    let sharedPrefix: String
    let shared: (any SharedFiles)?

    func name(_ file: URL) -> String {
        let path = file.standardizedFileURL.path, base = root.standardizedFileURL.path + "/"
        return sharedPrefix + "/" + (path.hasPrefix(base) ? String(path.dropFirst(base.count)) : file.lastPathComponent)
    }

    func publish(_ file: URL) async throws { try await shared?.publish(file, as: name(file)) }

    /// Makes sure this node has `file`, fetching it when another node wrote it. True when it is here.
    @discardableResult
    func ensureLocal(_ file: URL) async throws -> Bool {
        if FileManager.default.fileExists(atPath: file.path) { return true }
        guard let shared else { return false }
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        return try await shared.fetch(name(file), to: file)
    }

    func remove(_ file: URL) async throws { try await shared?.remove(name(file)) }
}
