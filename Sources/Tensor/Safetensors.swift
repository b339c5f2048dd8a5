import Foundation

/// Errors reading a safetensors file, naming the file and the problem.
public struct SafetensorsError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}

/// The `safetensors` file format: an 8-byte little-endian header length, a JSON header mapping
/// names to dtype, shape and byte offsets, then the raw little-endian data.
///
/// `encode` writes what Python's `safetensors.torch.save_file` writes for the same F32 tensors
/// and metadata, byte for byte: tensors ordered by name, compact JSON with `__metadata__` first,
/// the header padded with spaces to a multiple of 8.
public enum Safetensors {
    /// One stored array: its dtype name (`F32`, `F64`, …), shape and little-endian bytes.
    public struct Entry: Sendable, Equatable {
        public var dtype: String
        public var shape: [Int]
        public var bytes: [UInt8]

        public init(floats: Tensor) {
            dtype = "F32"
            shape = floats.shape
            var out: [UInt8] = []
            out.reserveCapacity(floats.count * 4)
            floats.withUnsafeBufferPointer { for v in $0 { withUnsafeBytes(of: v.bitPattern.littleEndian) { out += $0 } } }
            bytes = out
        }

        public init(doubles: [Double], shape: [Int]? = nil) {
            dtype = "F64"
            self.shape = shape ?? [doubles.count]
            precondition(self.shape.reduce(1, *) == doubles.count, "shape \(self.shape) for \(doubles.count) values")
            var out: [UInt8] = []
            out.reserveCapacity(doubles.count * 8)
            for v in doubles { withUnsafeBytes(of: v.bitPattern.littleEndian) { out += $0 } }
            bytes = out
        }

        init(dtype: String, shape: [Int], bytes: [UInt8]) {
            self.dtype = dtype
            self.shape = shape
            self.bytes = bytes
        }

        static let elementSizes = ["F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "U8": 1]

        /// The values as Double (every supported dtype converts exactly or widens).
        public var doubles: [Double] {
            let count = shape.reduce(1, *)
            return bytes.withUnsafeBytes { raw in
                (0..<count).map { i in
                    switch dtype {
                    case "F64": return Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))
                    case "F32": return Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))))
                    case "BF16": return Double(Float(bitPattern: UInt32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16))
                    case "F16": return Double(halfToFloat(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
                    case "I64": return Double(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))
                    case "I32": return Double(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
                    default: return Double(raw.load(fromByteOffset: i, as: UInt8.self))
                    }
                }
            }
        }

        /// The values as a Float32 tensor.
        public var tensor: Tensor {
            if dtype == "F32" {
                return bytes.withUnsafeBytes { raw in
                    Tensor(shape: shape) { out in
                        for i in out.indices { out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
                    }
                }
            }
            return Tensor(shape: shape, scalars: doubles.map { Float($0) })
        }
    }

    public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) -> [UInt8] {
        encode(entries: tensors.mapValues(Entry.init(floats:)), metadata: metadata)
    }

    /// Serialises entries in the order Python's writer uses: larger dtypes first, then by name.
    public static func encode(entries: [String: Entry], metadata: [String: String] = [:]) -> [UInt8] {
        let names = entries.keys.sorted { a, b in
            let sa = Entry.elementSizes[entries[a]!.dtype] ?? 0, sb = Entry.elementSizes[entries[b]!.dtype] ?? 0
            return sa != sb ? sa > sb : a < b
        }
        var items: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(JSONText.quote($0)):\(JSONText.quote(metadata[$0]!))" }
            items.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for name in names {
            let e = entries[name]!
            items.append("\(JSONText.quote(name)):{\"dtype\":\"\(e.dtype)\",\"shape\":[\(e.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + e.bytes.count)]}")
            offset += e.bytes.count
        }
        var headerBytes = Array(("{" + items.joined(separator: ",") + "}").utf8)
        headerBytes += [UInt8](repeating: 0x20, count: (8 - headerBytes.count % 8) % 8)
        var out: [UInt8] = []
        out.reserveCapacity(8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { out += $0 }
        out += headerBytes
        for name in names { out += entries[name]!.bytes }
        return out
    }

    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to path: String) throws {
        try Data(encode(tensors, metadata: metadata)).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    public static func write(entries: [String: Entry], metadata: [String: String] = [:], to path: String) throws {
        try Data(encode(entries: entries, metadata: metadata)).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Reads every tensor as Float32 (F16, BF16, F64 and integers converted).
    public static func read(path: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let (entries, metadata) = try readEntries(path: path)
        return (entries.mapValues(\.tensor), metadata)
    }

    public static func readEntries(path: String) throws -> (entries: [String: Entry], metadata: [String: String]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SafetensorsError(path: path, reason: "cannot read the file")
        }
        return try decodeEntries([UInt8](data), path: path)
    }

    /// A file of an artifact (on disk or in memory).
    public static func readEntries(_ name: String, in files: ArtifactFiles) throws -> (entries: [String: Entry], metadata: [String: String]) {
        guard let data = files.data(name) else { throw SafetensorsError(path: files.describe(name), reason: "cannot read the file") }
        return try decodeEntries([UInt8](data), path: files.describe(name))
    }

    public static func read(_ name: String, in files: ArtifactFiles) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let (entries, metadata) = try readEntries(name, in: files)
        return (entries.mapValues(\.tensor), metadata)
    }

    public static func decode(_ bytes: [UInt8], path: String = "<memory>") throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let (entries, metadata) = try decodeEntries(bytes, path: path)
        return (entries.mapValues(\.tensor), metadata)
    }

    public static func decodeEntries(_ bytes: [UInt8], path: String = "<memory>") throws -> (entries: [String: Entry], metadata: [String: String]) {
        func fail(_ reason: String) -> SafetensorsError { SafetensorsError(path: path, reason: reason) }
        guard bytes.count >= 8 else { throw fail("shorter than the 8-byte header length") }
        let headerLength = bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= 100_000_000, 8 + Int(headerLength) <= bytes.count else {
            throw fail("header length \(headerLength) exceeds the file size \(bytes.count)")
        }
        let headerData = Data(bytes[8..<(8 + Int(headerLength))])
        guard let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any] else {
            throw fail("header is not a JSON object")
        }
        let dataStart = 8 + Int(headerLength), dataLength = bytes.count - dataStart
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                metadata = (value as? [String: String]) ?? [:]
                continue
            }
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = (info["shape"] as? [NSNumber])?.map(\.intValue),
                  let offsets = (info["data_offsets"] as? [NSNumber])?.map(\.intValue), offsets.count == 2 else {
                throw fail("tensor '\(name)' lacks dtype, shape or data_offsets")
            }
            guard let elementSize = Entry.elementSizes[dtype] else {
                throw fail("tensor '\(name)' has dtype \(dtype); supported: \(Entry.elementSizes.keys.sorted().joined(separator: ", "))")
            }
            let count = shape.reduce(1, *)
            guard shape.allSatisfy({ $0 >= 0 }), offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataLength,
                  offsets[1] - offsets[0] == count * elementSize else {
                throw fail("tensor '\(name)' has offsets \(offsets) that do not match shape \(shape) of \(dtype) in \(dataLength) data bytes")
            }
            entries[name] = Entry(dtype: dtype, shape: shape, bytes: Array(bytes[(dataStart + offsets[0])..<(dataStart + offsets[1])]))
        }
        return (entries, metadata)
    }
}

/// IEEE 754 half precision to single, including subnormals, infinities and NaN.
func halfToFloat(_ h: UInt16) -> Float {
    let sign = UInt32(h >> 15) << 31, exponent = Int((h >> 10) & 0x1F), mantissa = UInt32(h & 0x3FF)
    if exponent == 0 {
        let value = Float(mantissa) * powf(2, -24)
        return sign == 0 ? value : -value
    }
    if exponent == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
    return Float(bitPattern: sign | UInt32(exponent + 112) << 23 | (mantissa << 13))
}
