import Foundation

/// Artifact directories as POSIX tar archives (ustar): what `GET …/artifact` downloads and an
/// upload import reads. Flat directories of regular files only; a name with a path
/// separator or `..` is refused, so an archive cannot write outside its directory.
public enum ArtifactArchive {
    public static func tar(directory: URL) throws -> [UInt8] {
        try tar(files: files(in: directory))
    }

    /// The regular files of a directory, by name (hidden files left out).
    public static func files(in directory: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".") && FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path, isDirectory: &isDirectory)
                && !isDirectory.boolValue
        }.sorted().map { directory.appendingPathComponent($0) }
    }

    /// An archive of the given files, each under its own name, in memory.
    public static func tar(files: [URL]) throws -> [UInt8] {
        var out: [UInt8] = []
        for file in files {
            let data = try Data(contentsOf: file, options: .mappedIfSafe)
            out += header(name: file.lastPathComponent, size: data.count)
            out += data
            out += [UInt8](repeating: 0, count: padding(after: data.count))
        }
        out += [UInt8](repeating: 0, count: 1024)
        return out
    }

    /// Zeros after a file's data up to the next 512-byte block.
    static func padding(after size: Int) -> Int { (512 - size % 512) % 512 }

    /// A ustar header block for a regular file.
    static func header(name: String, size: Int) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int, width: Int) {
            for (i, byte) in text.utf8.prefix(width).enumerated() { header[offset + i] = byte }
        }
        func octal(_ value: Int, width: Int) -> String {
            let digits = String(value, radix: 8)
            return String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits
        }
        put(name, at: 0, width: 100)
        put(octal(0o644, width: 8), at: 100, width: 8)
        put(octal(0, width: 8), at: 108, width: 8)
        put(octal(0, width: 8), at: 116, width: 8)
        put(octal(size, width: 12), at: 124, width: 12)
        put(octal(0, width: 12), at: 136, width: 12)
        header[156] = UInt8(ascii: "0")
        put("ustar", at: 257, width: 6)
        put("00", at: 263, width: 2)
        for i in 148..<156 { header[i] = UInt8(ascii: " ") }
        let checksum = header.reduce(0) { $0 + Int($1) }
        put(octal(checksum, width: 7), at: 148, width: 7)
        header[155] = UInt8(ascii: " ")
        return header
    }

    /// Writes the archive's regular files into `directory` (created).
    public static func untar(_ bytes: [UInt8], into directory: URL) throws {
        try bytes.withUnsafeBytes { try untar($0, into: directory) }
    }

    static func untar(_ bytes: UnsafeRawBufferPointer, into directory: URL) throws {
        func invalid(_ message: String) -> PlatformError { .invalid(field: "body", message: "not a usable artifact archive: \(message)") }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var offset = 0
        while offset + 512 <= bytes.count {
            let header = bytes[offset..<(offset + 512)]
            if header.allSatisfy({ $0 == 0 }) { return }
            func field(_ start: Int, _ width: Int) -> String {
                let slice = header[(offset + start)..<(offset + start + width)]
                return String(decoding: slice.prefix { $0 != 0 }, as: UTF8.self)
            }
            let stored = header.enumerated().reduce(0) { sum, item in sum + ((148..<156).contains(item.offset) ? 32 : Int(item.element)) }
            guard let checksum = Int(field(148, 8).trimmingCharacters(in: .whitespaces), radix: 8), checksum == stored else {
                throw invalid("header at byte \(offset) has a wrong checksum")
            }
            guard let size = Int(field(124, 12).trimmingCharacters(in: .whitespaces), radix: 8), size >= 0,
                  offset + 512 + size <= bytes.count else { throw invalid("entry at byte \(offset) runs past the end") }
            let prefix = field(345, 155), name = (prefix.isEmpty ? "" : prefix + "/") + field(0, 100)
            let type = header[offset + 156]
            if type == UInt8(ascii: "0") || type == 0 {
                var file = name.hasPrefix("./") ? String(name.dropFirst(2)) : name
                if let slash = file.lastIndex(of: "/"), file[..<slash].allSatisfy({ $0 == "." }) { file = String(file[file.index(after: slash)...]) }
                guard !file.isEmpty, !file.contains("/"), file != "..", file != "." else { throw invalid("entry '\(name)' is not a plain file name") }
                // Written straight from the archive's bytes (no copy: they may be a mapped file).
                let start = UnsafeMutableRawPointer(mutating: bytes.baseAddress!) + offset + 512
                try Data(bytesNoCopy: start, count: size, deallocator: .none).write(to: directory.appendingPathComponent(file))
            }
            offset += 512 + (size + 511) / 512 * 512
        }
    }
}

/// Reads a tar archive as it arrives (an upload), sealing each regular file into a staging
/// area as its bytes come: nothing of it is ever written in plain text, and memory holds one
/// chunk. Names with a path separator or `..` are refused, like `untar`.
public struct ArchiveUnpacker {
    private let staging: ArtifactStaging
    private var header: [UInt8] = []
    private var writer: ArtifactStaging.FileWriter?
    private var remaining = 0
    private var padding = 0
    private var ended = false
    private var offset = 0

    public init(into staging: ArtifactStaging) { self.staging = staging }

    static func invalid(_ message: String) -> PlatformError { .invalid(field: "body", message: "not a usable artifact archive: \(message)") }

    public mutating func consume(_ chunk: some Collection<UInt8>) throws {
        var rest = chunk[...]
        while !rest.isEmpty && !ended {
            if remaining > 0 {
                let piece = rest.prefix(remaining)
                if let writer { try writer.write(Array(piece)) }
                remaining -= piece.count
                rest = rest.dropFirst(piece.count)
                offset += piece.count
                if remaining == 0, let done = writer { try done.finish(); writer = nil }
            } else if padding > 0 {
                let skip = min(padding, rest.count)
                padding -= skip
                rest = rest.dropFirst(skip)
                offset += skip
            } else {
                let piece = rest.prefix(512 - header.count)
                header += piece
                rest = rest.dropFirst(piece.count)
                offset += piece.count
                if header.count == 512 { try startEntry() }
            }
        }
    }

    private mutating func startEntry() throws {
        defer { header.removeAll(keepingCapacity: true) }
        if header.allSatisfy({ $0 == 0 }) { ended = true; return }
        func field(_ start: Int, _ width: Int) -> String {
            String(decoding: header[start..<(start + width)].prefix { $0 != 0 }, as: UTF8.self)
        }
        let stored = header.enumerated().reduce(0) { sum, item in sum + ((148..<156).contains(item.offset) ? 32 : Int(item.element)) }
        let at = offset - 512
        guard let checksum = Int(field(148, 8).trimmingCharacters(in: .whitespaces), radix: 8), checksum == stored else {
            throw Self.invalid("header at byte \(at) has a wrong checksum")
        }
        guard let size = Int(field(124, 12).trimmingCharacters(in: .whitespaces), radix: 8), size >= 0 else {
            throw Self.invalid("entry at byte \(at) has no size")
        }
        let prefix = field(345, 155), name = (prefix.isEmpty ? "" : prefix + "/") + field(0, 100)
        let type = header[156]
        remaining = size
        padding = (512 - size % 512) % 512
        guard type == UInt8(ascii: "0") || type == 0 else { return }  // directories, links, pax headers: skipped
        var file = name.hasPrefix("./") ? String(name.dropFirst(2)) : name
        if let slash = file.lastIndex(of: "/"), file[..<slash].allSatisfy({ $0 == "." }) { file = String(file[file.index(after: slash)...]) }
        guard !file.isEmpty, !file.contains("/"), file != "..", file != "." else { throw Self.invalid("entry '\(name)' is not a plain file name") }
        writer = try staging.writer(name: file)
        if size == 0 { try writer!.finish(); writer = nil }
    }

    /// Checks that the archive ended where a file's bytes were complete.
    public func finish() throws {
        guard remaining == 0, header.isEmpty || ended else { throw Self.invalid("it ends in the middle of an entry") }
    }
}

/// Where an archive entry's bytes come from, a chunk at a time (a file, or a sealed object
/// decrypted as it is read).
public protocol ArchiveEntrySource: AnyObject {
    func next() throws -> Data?
}

extension SealedReader: ArchiveEntrySource {}

/// A plain file read in chunks.
final class FileEntrySource: ArchiveEntrySource {
    let handle: FileHandle
    let path: String
    let chunkSize: Int
    var left: Int

    init(path: String, size: Int, chunkSize: Int) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw PlatformError.conflict("cannot read \(path)") }
        self.handle = handle
        self.path = path
        self.chunkSize = chunkSize
        left = size
    }

    deinit { try? handle.close() }

    func next() throws -> Data? {
        guard left > 0 else { return nil }
        let chunk = try handle.read(upToCount: Swift.min(left, chunkSize)) ?? Data()
        guard !chunk.isEmpty else { throw PlatformError.conflict("\(path) shrank while it was being sent") }
        left -= chunk.count
        return chunk
    }
}

/// The same archive as `ArtifactArchive.tar(files:)`, produced as it is sent: each entry is read
/// a chunk at a time, so uploading or downloading a multi-gigabyte model holds one chunk in
/// memory, not the model. `length` is known up front (Content-Length).
public struct ArchiveStream: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    public struct Entry: Sendable {
        public let name: String
        public let size: Int
        public let open: @Sendable () async throws -> any ArchiveEntrySource

        public init(name: String, size: Int, open: @escaping @Sendable () async throws -> any ArchiveEntrySource) {
            self.name = name; self.size = size; self.open = open
        }
    }

    public let entries: [Entry]
    /// Total bytes: a header and padded data per file, then two zero blocks.
    public var length: Int { entries.reduce(1024) { $0 + 512 + $1.size + ArtifactArchive.padding(after: $1.size) } }

    public init(entries: [Entry]) { self.entries = entries }

    /// Plain files, each under its own name, read in chunks of at most `chunkSize` bytes.
    public init(files: [URL], chunkSize: Int = 1 << 20) throws {
        entries = try files.map { file in
            guard let size = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int else {
                throw PlatformError.conflict("cannot read the size of \(file.path)")
            }
            return Entry(name: file.lastPathComponent, size: size) { try FileEntrySource(path: file.path, size: size, chunkSize: chunkSize) }
        }
    }

    /// A stored artifact's files, decrypted as they are sent.
    public static func artifact(_ digest: String, in store: any ArtifactStore) async throws -> ArchiveStream {
        ArchiveStream(entries: try await store.listing(digest).map { file in
            Entry(name: file.name, size: file.size) { try await store.reader(digest, file: file.name) }
        })
    }

    public func makeAsyncIterator() -> Iterator { Iterator(stream: self) }

    public struct Iterator: AsyncIteratorProtocol {
        let stream: ArchiveStream
        var index = 0
        var source: (any ArchiveEntrySource)?
        var left = 0
        var finished = false

        public mutating func next() async throws -> [UInt8]? {
            while !finished {
                if let open = source {
                    if left > 0 {
                        guard let chunk = try open.next(), !chunk.isEmpty else {
                            throw PlatformError.conflict("\(stream.entries[index].name) ended early while it was being sent")
                        }
                        left -= chunk.count
                        return [UInt8](chunk)
                    }
                    source = nil
                    let padding = ArtifactArchive.padding(after: stream.entries[index].size)
                    index += 1
                    if padding > 0 { return [UInt8](repeating: 0, count: padding) }
                    continue
                }
                guard index < stream.entries.count else {
                    finished = true
                    return [UInt8](repeating: 0, count: 1024)
                }
                source = try await stream.entries[index].open()
                left = stream.entries[index].size
                return ArtifactArchive.header(name: stream.entries[index].name, size: left)
            }
            return nil
        }
    }
}
