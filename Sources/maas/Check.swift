import ArgumentParser
import Foundation
import Platform

/// `maas check`: a stopped node's folder read back in full, as `fsck` reads a file system.
struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify a stopped node's data: every stored object against its record, and the audit chain.",
        discussion: """
            Opens the node as `maas serve` would (same --data-dir, --database, --artifacts and master key; it waits for a \
            running server on that folder to stop), erases the half-written files an interrupted process left (as a start \
            does), then decrypts and hashes every dataset version, model artifact, batch output and job checkpoint that a \
            record names. Prints a JSON report; exits 1 if any object is missing or corrupt or the audit chain is broken.
            """)

    @OptionGroup var node: NodeOptions

    func run() async throws {
        let logger = nodeLogger()
        let services = try await node.open(trainingWorkers: 0, logger: logger)
        let report = try await services.checkIntegrity()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        FileHandle.standardOutput.write(try encoder.encode(report) + Data("\n".utf8))
        guard report.intact else {
            throw CommandFailure("\(report.missing.count) missing and \(report.corrupt.count) corrupt object(s), \(report.audit.count) audit chain problem(s)")
        }
    }
}

/// One process per data folder: its SQLite database, its partial-file sweep at start and its
/// job leases assume no other process writes there. An exclusive `flock` on `node.lock` is
/// held for the process's life (the kernel drops it when the process dies, even by SIGKILL).
enum DataFolderLock {
    nonisolated(unsafe) private static var held: [String: Int32] = [:]

    /// Takes the folder's lock, waiting up to `patience` for a process that is stopping.
    static func acquire(_ root: URL, patience: Duration = .seconds(10)) async throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = root.appendingPathComponent("node.lock").path
        guard held[path] == nil else { return }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CommandFailure("cannot start: cannot open \(path): \(String(cString: strerror(errno)))") }
        let deadline = ContinuousClock.now + patience
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, ContinuousClock.now < deadline else {
                let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                close(descriptor)
                throw CommandFailure("cannot start: another maas process\(holder.isEmpty ? "" : " (pid \(holder))") is using --data-dir \(root.path); stop it first")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, pid, pid.count, 0)
        held[path] = descriptor
    }
}
