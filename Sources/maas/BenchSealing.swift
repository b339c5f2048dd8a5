import ArgumentParser
import Crypto
import Datasets
import Dispatch
import Foundation
import Platform
import SQLiteStore

/// Encryption at rest against the same work without it, on one CSV, interleaved round by round:
/// - `upload`: the server's upload path (`DatasetStore.upload`: sealed, hashed, parsed, described,
///   recorded) against the same steps writing the file plain;
/// - `read`: a training job's read (`preparedTable`: decrypted and parsed as it streams) against
///   parsing the plain file;
/// - `store` / `load`: the bytes alone (hash and seal, or open and authenticate) against plain
///   writes and reads, the worst case for encryption.
/// Prints one JSON line per measurement, then one per kind with the medians and the ratio.
struct BenchSealing: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sealing",
        abstract: "Upload and training-read throughput of a CSV with encryption at rest and without.")

    @Option(help: "The CSV to upload (bench/privacy/sealing.sh makes a 1 GB one).") var csv: String
    @Option(help: "A scratch folder on the disk to measure (emptied first).") var dir: String
    @Option var rounds = 3

    func run() async throws {
        let scratch = URL(fileURLWithPath: dir)
        try? FileManager.default.removeItem(at: scratch)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let store = try SQLiteMetadataStore(path: scratch.appendingPathComponent("metadata.sqlite").path)
        let services = try await PlatformServices.open(dataDirectory: scratch.appendingPathComponent("sealed"), store: store,
                                                       maximumUploadBytes: 1 << 40)
        try await store.createProject("bench")
        let plainRoot = scratch.appendingPathComponent("plain")
        try FileManager.default.createDirectory(at: plainRoot, withIntermediateDirectories: true)
        guard let bytes = (try? FileManager.default.attributesOfItem(atPath: csv))?[.size] as? Int, bytes > 0 else {
            throw CommandFailure("--csv \(csv): no such file, or it is empty")
        }
        var seconds: [String: [Double]] = [:]
        func record(_ kind: String, _ variant: String, _ round: Int, _ work: () async throws -> Void) async throws {
            let start = DispatchTime.now().uptimeNanoseconds
            try await work()
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            seconds["\(kind) \(variant)", default: []].append(elapsed)
            printJSON(["kind": kind, "variant": variant, "round": round, "seconds": elapsed, "mb_per_s": Double(bytes) / elapsed / 1e6])
        }
        for round in 1...rounds {
            // Alternate who goes first so neither side always gets the cooler machine or the warmer cache.
            let order = round % 2 == 1 ? ["plain", "sealed"] : ["sealed", "plain"]
            for variant in order {
                let plainFile = plainRoot.appendingPathComponent("upload.csv")
                if variant == "plain" {
                    try await record("upload", variant, round) { try Self.plainUpload(csv, to: plainFile) }
                    try await record("read", variant, round) {
                        var source = try FileByteSource(path: plainFile.path)
                        _ = try TableFormat.csv.read(&source)
                    }
                    try FileManager.default.removeItem(at: plainFile)
                    try await record("store", variant, round) { try Self.plainStore(csv, to: plainFile) }
                    try await record("load", variant, round) { try Self.plainLoad(plainFile) }
                    try FileManager.default.removeItem(at: plainFile)
                } else {
                    var uploaded: DatasetRecord?
                    try await record("upload", variant, round) {
                        uploaded = try await services.datasets.upload(project: "bench", name: "upload", format: "csv",
                                                                      chunks: try FileChunks(URL(fileURLWithPath: csv)), actor: "bench").record
                    }
                    try await record("read", variant, round) {
                        var table = try await services.datasets.preparedTable(uploaded!)
                        _ = try table.read()
                    }
                    _ = try await services.datasets.erase(uploaded!, actor: "bench", reason: "benchmark")
                    let sealedFile = scratch.appendingPathComponent("sealed/store.sealed")
                    let key = try await services.storage.newKey()
                    try await record("store", variant, round) { try Self.sealedStore(csv, to: sealedFile, key: key) }
                    try await record("load", variant, round) { try Self.sealedLoad(sealedFile, key: key) }
                    try await services.storage.erase([sealedFile])
                }
            }
        }
        for kind in ["upload", "read", "store", "load"] {
            let plain = median(seconds["\(kind) plain"]!), sealed = median(seconds["\(kind) sealed"]!)
            printJSON(["summary": kind, "bytes": bytes, "rounds": rounds, "plain_mb_per_s": Double(bytes) / plain / 1e6,
                       "sealed_mb_per_s": Double(bytes) / sealed / 1e6, "sealed_over_plain_throughput": plain / sealed,
                       "peak_rss_mib": peakRSSMiB()])
        }
        try? FileManager.default.removeItem(at: scratch)
    }

    private func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    /// `DatasetStore.upload`'s steps without sealing: hash, write, parse and describe as the bytes
    /// stream in, the description written beside the file, both made durable.
    static func plainUpload(_ csv: String, to file: URL) throws {
        FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        var source = try FileByteSource(path: csv)
        var hasher = SHA256()
        var parser = TableFormat.csv.parser(name: "the upload")
        while let chunk = try source.nextChunk() {
            let bytes = [UInt8](chunk)  // the upload arrives as [UInt8] chunks
            hasher.update(data: bytes)
            try handle.write(contentsOf: bytes)
            try parser.consume(Data(bytes))
        }
        try handle.synchronize()
        try handle.close()
        _ = hasher.finalize()
        let description = DatasetStore.describe(try parser.finish())
        try JSONEncoder().encode(description).write(to: URL(fileURLWithPath: file.path + ".schema"), options: .atomic)
        try? FileManager.default.removeItem(atPath: file.path + ".schema")
    }

    static func plainStore(_ csv: String, to file: URL) throws {
        FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        try hashing(csv) { try handle.write(contentsOf: $0) }
        try handle.synchronize()
        try handle.close()
    }

    static func sealedStore(_ csv: String, to file: URL, key: DataKey) throws {
        let writer = try SealedWriter(path: file.path, key: key)
        try hashing(csv) { try writer.write($0) }
        try writer.finish()
    }

    /// Reads `csv` in 1 MiB chunks, hashing each (as an upload is) and handing it to `write`.
    private static func hashing(_ csv: String, write: (Data) throws -> Void) throws {
        var source = try FileByteSource(path: csv)
        var hasher = SHA256()
        while let chunk = try source.nextChunk() {
            hasher.update(data: chunk)
            try write(chunk)
        }
        _ = hasher.finalize()
    }

    static func plainLoad(_ file: URL) throws {
        var source = try FileByteSource(path: file.path)
        var total = 0
        while let chunk = try source.nextChunk() { total &+= chunk.count }
    }

    static func sealedLoad(_ file: URL, key: DataKey) throws {
        let reader = try SealedReader(path: file.path, key: key)
        var total = 0
        while let chunk = try reader.next() { total &+= chunk.count }
    }
}
