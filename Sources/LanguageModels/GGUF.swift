import Foundation
import Tensor

/// A GGUF file (v2/v3): metadata and a tensor index over the memory-mapped file, so weights
/// are read in place (the page cache holds them once, however many models share the file).
public final class GGUFFile: @unchecked Sendable {
    public enum Value: Sendable {
        case integer(Int64), unsigned(UInt64), float(Double), bool(Bool), string(String)
        case array([Value])

        public var int: Int? {
            switch self {
            case .integer(let v): return Int(v)
            case .unsigned(let v): return Int(v)
            default: return nil
            }
        }
        public var double: Double? {
            switch self {
            case .float(let v): return v
            case .integer(let v): return Double(v)
            case .unsigned(let v): return Double(v)
            default: return nil
            }
        }
        public var string: String? { if case .string(let s) = self { return s } else { return nil } }
        public var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
        public var array: [Value]? { if case .array(let a) = self { return a } else { return nil } }
    }

    /// ggml tensor types this reader knows the block layout of.
    public enum TensorType: UInt32, Sendable {
        case f32 = 0, f16 = 1, q4_0 = 2, q4_1 = 3, q5_0 = 6, q5_1 = 7, q8_0 = 8, q6_k = 14

        /// (elements per block, bytes per block)
        var block: (elements: Int, bytes: Int) {
            switch self {
            case .f32: return (1, 4)
            case .f16: return (1, 2)
            case .q4_0: return (32, 18)
            case .q4_1: return (32, 20)
            case .q5_0: return (32, 22)
            case .q5_1: return (32, 24)
            case .q8_0: return (32, 34)
            case .q6_k: return (256, 210)
            }
        }
    }

    public struct TensorInfo: Sendable {
        public var name: String
        /// ggml order: dimensions[0] is the row length (contiguous).
        public var dimensions: [Int]
        public var type: TensorType
        public var offset: Int
        public var byteCount: Int
    }

    public let path: String
    public let version: Int
    public private(set) var metadata: [String: Value] = [:]
    public private(set) var tensors: [String: TensorInfo] = [:]
    let mapping: UnsafeRawPointer
    let mappedLength: Int
    private(set) var dataStart = 0
    /// The decrypted pages this file reads from, when it was not mapped from disk.
    private let owner: FileBuffer?

    public convenience init(path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw LanguageModelError.unreadable(path, "cannot open the file") }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_size > 24 else { throw LanguageModelError.malformed(path, "too short to be GGUF") }
        guard let pointer = mmap(nil, Int(status.st_size), PROT_READ, MAP_PRIVATE, fd, 0), pointer != MAP_FAILED else {
            throw LanguageModelError.unreadable(path, "cannot map the file")
        }
        try self.init(mapping: UnsafeRawPointer(pointer), length: Int(status.st_size), path: path, owner: nil)
    }

    /// A GGUF file's bytes in memory (decrypted from a stored artifact named `name`). Released
    /// pages are gone for good here, so nothing may read a tensor after `releasePages(of:)`.
    public convenience init(buffer: FileBuffer, name: String) throws {
        guard buffer.count > 24 else { throw LanguageModelError.malformed(name, "too short to be GGUF") }
        try self.init(mapping: UnsafeRawPointer(buffer.base), length: buffer.count, path: name, owner: buffer)
    }

    private init(mapping: UnsafeRawPointer, length: Int, path: String, owner: FileBuffer?) throws {
        self.path = path
        self.mapping = mapping
        mappedLength = length
        self.owner = owner
        var reader = Reader(base: mapping, length: mappedLength, path: path)
        guard try reader.u32() == 0x4655_4747 else { throw LanguageModelError.malformed(path, "not a GGUF file (bad magic)") }
        version = Int(try reader.u32())
        guard version == 2 || version == 3 else { throw LanguageModelError.malformed(path, "GGUF version \(version); versions 2 and 3 are read") }
        let tensorCount = Int(try reader.u64()), keyCount = Int(try reader.u64())
        guard tensorCount < 1_000_000, keyCount < 1_000_000 else { throw LanguageModelError.malformed(path, "implausible header counts") }
        for _ in 0..<keyCount {
            let key = try reader.string()
            metadata[key] = try reader.value(type: try reader.u32())
        }
        var infos: [TensorInfo] = []
        for _ in 0..<tensorCount {
            let name = try reader.string()
            let rank = Int(try reader.u32())
            guard rank <= 4 else { throw LanguageModelError.malformed(path, "tensor \(name) has \(rank) dimensions") }
            let dimensions = try (0..<rank).map { _ in Int(try reader.u64()) }
            let rawType = try reader.u32()
            guard let type = TensorType(rawValue: rawType) else {
                throw LanguageModelError.malformed(path, "tensor \(name) has ggml type \(rawType), which this build does not read")
            }
            let offset = Int(try reader.u64())
            let count = dimensions.reduce(1, *)
            guard count % type.block.elements == 0 else { throw LanguageModelError.malformed(path, "tensor \(name) does not fill whole blocks") }
            infos.append(TensorInfo(name: name, dimensions: dimensions, type: type, offset: offset, byteCount: count / type.block.elements * type.block.bytes))
        }
        let alignment = metadata["general.alignment"]?.int ?? 32
        dataStart = (reader.offset + alignment - 1) / alignment * alignment
        for info in infos {
            guard dataStart + info.offset + info.byteCount <= mappedLength else {
                throw LanguageModelError.malformed(path, "tensor \(info.name) runs past the end of the file")
            }
            tensors[info.name] = info
        }
    }

    /// Frees metadata values once they have been turned into something else (the tokenizer's
    /// vocabulary and merges are ~100k strings each).
    public func dropMetadata(_ keys: [String]) { for key in keys { metadata[key] = nil } }

    /// Releases the mapped pages before the tensor data (the header and metadata, 1.7 MiB of
    /// SmolLM2's vocabulary and merges) once they are parsed: nothing reads them again, and if
    /// something did, the kernel would read them back from the file.
    public func releaseHeaderPages() {
        let length = dataStart / Self.pageSize * Self.pageSize
        if length > 0 { madvise(UnsafeMutableRawPointer(mutating: mapping), length, MADV_DONTNEED) }
    }

    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Releases every mapped page; anything read later comes back from the file.
    public func releaseAllPages() {
        madvise(UnsafeMutableRawPointer(mutating: mapping), mappedLength, MADV_DONTNEED)
    }

    /// Releases the mapped pages that lie wholly inside a tensor, once a repacked copy replaces it.
    public func releasePages(of info: TensorInfo) {
        let page = Self.pageSize
        let start = (dataStart + info.offset + page - 1) / page * page, end = (dataStart + info.offset + info.byteCount) / page * page
        if end > start { madvise(UnsafeMutableRawPointer(mutating: mapping + start), end - start, MADV_DONTNEED) }
    }

    deinit { if owner == nil { munmap(UnsafeMutableRawPointer(mutating: mapping), mappedLength) } }

    /// The bytes of a tensor, in place.
    public func data(_ info: TensorInfo) -> UnsafeRawPointer { mapping + dataStart + info.offset }

    public func tensor(_ name: String) throws -> TensorInfo {
        guard let info = tensors[name] else { throw LanguageModelError.malformed(path, "lacks tensor \(name)") }
        return info
    }

    /// Bounds-checked little-endian reads over the mapping.
    struct Reader {
        let base: UnsafeRawPointer, length: Int, path: String
        var offset = 0

        mutating func take(_ count: Int) throws -> UnsafeRawPointer {
            guard count >= 0, offset + count <= length else { throw LanguageModelError.malformed(path, "header ends early at byte \(offset)") }
            defer { offset += count }
            return base + offset
        }
        mutating func u8() throws -> UInt8 { try take(1).load(as: UInt8.self) }
        mutating func u16() throws -> UInt16 { UInt16(littleEndian: try take(2).loadUnaligned(as: UInt16.self)) }
        mutating func u32() throws -> UInt32 { UInt32(littleEndian: try take(4).loadUnaligned(as: UInt32.self)) }
        mutating func u64() throws -> UInt64 { UInt64(littleEndian: try take(8).loadUnaligned(as: UInt64.self)) }
        mutating func string() throws -> String {
            let count = Int(try u64())
            guard count < 1 << 30 else { throw LanguageModelError.malformed(path, "string of \(count) bytes at \(offset)") }
            return String(decoding: UnsafeRawBufferPointer(start: try take(count), count: count), as: UTF8.self)
        }
        mutating func value(type: UInt32) throws -> Value {
            switch type {
            case 0: return .unsigned(UInt64(try u8()))
            case 1: return .integer(Int64(Int8(bitPattern: try u8())))
            case 2: return .unsigned(UInt64(try u16()))
            case 3: return .integer(Int64(Int16(bitPattern: try u16())))
            case 4: return .unsigned(UInt64(try u32()))
            case 5: return .integer(Int64(Int32(bitPattern: try u32())))
            case 6: return .float(Double(Float(bitPattern: try u32())))
            case 7: return .bool(try u8() != 0)
            case 8: return .string(try string())
            case 9:
                let elementType = try u32(), count = Int(try u64())
                guard count < 1 << 28 else { throw LanguageModelError.malformed(path, "array of \(count) values") }
                var values: [Value] = []
                values.reserveCapacity(count)
                for _ in 0..<count { values.append(try value(type: elementType)) }
                return .array(values)
            case 10: return .unsigned(try u64())
            case 11: return .integer(Int64(bitPattern: try u64()))
            case 12: return .float(Double(bitPattern: try u64()))
            default: throw LanguageModelError.malformed(path, "unknown metadata value type \(type)")
            }
        }
    }
}
