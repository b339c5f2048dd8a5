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

    /// Unpacks an archive file, read through a memory mapping: a multi-gigabyte model is never
    /// copied into memory.
    public static func untar(file: URL, into directory: URL) throws {
        let data = try Data(contentsOf: file, options: .alwaysMapped)
        try data.withUnsafeBytes { try untar($0, into: directory) }
    }

    /// Chunks of bytes (an upload) written to `file`; more than `limit` bytes is refused.
    public static func write<Chunks: AsyncSequence>(_ chunks: Chunks, to file: URL, limit: Int) async throws where Chunks.Element == [UInt8] {
        FileManager.default.createFile(atPath: file.path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: file.path) else {
            throw PlatformError.conflict("cannot write the upload to \(file.path)")
        }
        defer { try? handle.close() }
        var bytes = 0
        for try await chunk in chunks {
            bytes += chunk.count
            if bytes > limit { throw PlatformError.payloadTooLarge(limit: limit) }
            try handle.write(contentsOf: chunk)
        }
        guard bytes > 0 else { throw PlatformError.invalid(field: "body", message: "the archive is empty") }
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

/// The same archive as `ArtifactArchive.tar(files:)`, produced as it is sent: each file is read
/// in chunks of at most `chunkSize` bytes, so uploading or downloading a multi-gigabyte model
/// holds one chunk in memory, not the model. `length` is known up front (Content-Length).
public struct ArchiveStream: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    public let files: [URL]
    public let sizes: [Int]
    public let chunkSize: Int
    /// Total bytes: a header and padded data per file, then two zero blocks.
    public var length: Int { sizes.reduce(1024) { $0 + 512 + $1 + ArtifactArchive.padding(after: $1) } }

    public init(files: [URL], chunkSize: Int = 1 << 20) throws {
        self.files = files
        self.chunkSize = chunkSize
        sizes = try files.map { file in
            guard let size = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int else {
                throw PlatformError.conflict("cannot read the size of \(file.path)")
            }
            return size
        }
    }

    public func makeAsyncIterator() -> Iterator { Iterator(stream: self) }

    public struct Iterator: AsyncIteratorProtocol {
        let stream: ArchiveStream
        var index = 0
        var handle: FileHandle?
        var left = 0
        var finished = false

        public mutating func next() async throws -> [UInt8]? {
            while !finished {
                if let open = handle {
                    if left > 0 {
                        let chunk = try open.read(upToCount: Swift.min(left, stream.chunkSize)) ?? Data()
                        guard !chunk.isEmpty else { throw PlatformError.conflict("\(stream.files[index].path) shrank while it was being sent") }
                        left -= chunk.count
                        return [UInt8](chunk)
                    }
                    try open.close()
                    handle = nil
                    let padding = ArtifactArchive.padding(after: stream.sizes[index])
                    index += 1
                    if padding > 0 { return [UInt8](repeating: 0, count: padding) }
                    continue
                }
                guard index < stream.files.count else {
                    finished = true
                    return [UInt8](repeating: 0, count: 1024)
                }
                guard let open = FileHandle(forReadingAtPath: stream.files[index].path) else {
                    throw PlatformError.conflict("cannot read \(stream.files[index].path)")
                }
                handle = open
                left = stream.sizes[index]
                return ArtifactArchive.header(name: stream.files[index].lastPathComponent, size: left)
            }
            return nil
        }
    }
}
