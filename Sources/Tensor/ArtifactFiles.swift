import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The files of a model artifact by name: a folder on disk, or files held in memory (an
/// artifact decrypted once when it is loaded). Loaders read through this, so they need not know
/// which; nothing on the inference path reads a file again.
public struct ArtifactFiles: @unchecked Sendable {
    /// Where the files came from, for messages (a folder, or the stored artifact's name).
    public let location: String
    private let folder: String?
    private let memory: [String: FileBuffer]

    public init(directory: String) {
        location = directory
        folder = directory
        memory = [:]
    }

    public init(files: [String: FileBuffer], location: String) {
        self.location = location
        folder = nil
        memory = files
    }

    public var names: [String] {
        if let folder {
            return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        }
        return memory.keys.sorted()
    }

    public func contains(_ name: String) -> Bool {
        if let folder { return FileManager.default.fileExists(atPath: folder + "/" + name) }
        return memory[name] != nil
    }

    /// A file's bytes (no copy for files in memory); nil if there is no such file.
    public func data(_ name: String) -> Data? {
        if let folder { return FileManager.default.contents(atPath: folder + "/" + name) }
        return memory[name]?.data
    }

    /// A file's pages in memory, for loaders that keep and release them (GGUF).
    public func buffer(_ name: String) -> FileBuffer? { memory[name] }

    /// The file's path when it is on disk.
    public func path(_ name: String) -> String? { folder.map { $0 + "/" + name } }

    /// How errors name one of the files.
    public func describe(_ name: String) -> String { location + "/" + name }

    /// Bytes of every file (what a loaded model's weights take).
    public var totalBytes: Int {
        if let folder {
            return names.reduce(0) { total, name in
                total + (((try? FileManager.default.attributesOfItem(atPath: folder + "/" + name))?[.size] as? Int) ?? 0)
            }
        }
        return memory.values.reduce(0) { $0 + $1.count }
    }
}

/// A file's bytes in private anonymous pages of their own: page-aligned, so a loader that
/// copies what it needs can hand the pages back (`madvise`), and freed whole when released.
public final class FileBuffer: @unchecked Sendable {
    public let base: UnsafeMutableRawPointer
    public let count: Int
    private let mappedLength: Int

    public init(count: Int) throws {
        self.count = count
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        mappedLength = max(page, (count + page - 1) / page * page)
        guard let pointer = mmap(nil, mappedLength, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), pointer != MAP_FAILED else {
            throw ArtifactFilesError(reason: "cannot map \(count) bytes of memory")
        }
        base = pointer
    }

    deinit { munmap(base, mappedLength) }

    public var bytes: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(start: base, count: count) }

    /// The bytes as Data without a copy; the Data keeps this buffer alive.
    public var data: Data {
        Data(bytesNoCopy: base, count: count, deallocator: .custom { [self] _, _ in withExtendedLifetime(self) {} })
    }
}

public struct ArtifactFilesError: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}
