import Foundation
import Platform
import Testing

@Suite struct ArchiveStreaming {
    /// The streamed archive is byte for byte the in-memory one (sizes around the 512-byte block,
    /// an empty file, chunks smaller than a file), its announced length is its real length, and
    /// it unpacks to the same files.
    @Test func streamedArchiveEqualsTheInMemoryOne() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-archive-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let source = root.appendingPathComponent("source")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        var generator = SystemRandomNumberGenerator()
        var contents: [String: [UInt8]] = [:]
        for (name, size) in [("empty.bin", 0), ("a.json", 511), ("b.bin", 512), ("c.gguf", 1500), ("d.safetensors", 4096 + 3)] {
            contents[name] = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
            try Data(contents[name]!).write(to: source.appendingPathComponent(name))
        }
        let files = try ArtifactArchive.files(in: source)
        let stream = try ArchiveStream(files: files, chunkSize: 1000)
        var streamed: [UInt8] = []
        var largest = 0
        for try await chunk in stream {
            streamed += chunk
            largest = max(largest, chunk.count)
        }
        #expect(streamed == (try ArtifactArchive.tar(files: files)))
        #expect(streamed.count == stream.length)
        #expect(largest <= 1024)  // chunks of the files, headers, padding and the end blocks
        let unpacked = root.appendingPathComponent("unpacked")
        try ArtifactArchive.untar(streamed, into: unpacked)
        for (name, bytes) in contents { #expect([UInt8](try Data(contentsOf: unpacked.appendingPathComponent(name))) == bytes) }
    }
}
