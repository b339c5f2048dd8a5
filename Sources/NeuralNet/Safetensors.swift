import Foundation
import Tensor

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
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) -> [UInt8] {
        let names = tensors.keys.sorted()
        var header = "{"
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            entries.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for name in names {
            let t = tensors[name]!
            let bytes = t.count * 4
            entries.append("\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes)]}")
            offset += bytes
        }
        header += entries.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        headerBytes += [UInt8](repeating: 0x20, count: (8 - headerBytes.count % 8) % 8)
        var out: [UInt8] = []
        out.reserveCapacity(8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { out += $0 }
        out += headerBytes
        for name in names {
            tensors[name]!.withUnsafeBufferPointer { values in
                for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { out += $0 } }
            }
        }
        return out
    }

    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to path: String) throws {
        try Data(encode(tensors, metadata: metadata)).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Reads every tensor, converting F16, BF16 and F64 to Float32.
    public static func read(path: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SafetensorsError(path: path, reason: "cannot read the file")
        }
        return try decode([UInt8](data), path: path)
    }

    public static func decode(_ bytes: [UInt8], path: String = "<memory>") throws -> (tensors: [String: Tensor], metadata: [String: String]) {
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
        var tensors: [String: Tensor] = [:]
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
            let elementSize: Int
            switch dtype {
            case "F32": elementSize = 4
            case "F16", "BF16": elementSize = 2
            case "F64": elementSize = 8
            default: throw fail("tensor '\(name)' has dtype \(dtype); supported: F32, F16, BF16, F64")
            }
            let count = shape.reduce(1, *)
            guard shape.allSatisfy({ $0 >= 0 }), offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataLength,
                  offsets[1] - offsets[0] == count * elementSize else {
                throw fail("tensor '\(name)' has offsets \(offsets) that do not match shape \(shape) of \(dtype) in \(dataLength) data bytes")
            }
            let base = dataStart + offsets[0]
            tensors[name] = bytes.withUnsafeBytes { raw in
                Tensor(shape: shape) { out in
                    for i in 0..<count {
                        switch dtype {
                        case "F32": out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: base + 4 * i, as: UInt32.self)))
                        case "F64": out[i] = Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: base + 8 * i, as: UInt64.self))))
                        case "BF16": out[i] = Float(bitPattern: UInt32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: base + 2 * i, as: UInt16.self))) << 16)
                        default: out[i] = halfToFloat(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: base + 2 * i, as: UInt16.self)))
                        }
                    }
                }
            }
        }
        return (tensors, metadata)
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

/// A JSON string literal as serde_json writes it.
func jsonString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        default:
            if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
        }
    }
    return out + "\""
}
