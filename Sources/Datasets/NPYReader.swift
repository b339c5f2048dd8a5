import Foundation
import Tensor

/// Reads NumPy `.npy` arrays (format 1.x–3.x) of little-endian float, integer, unsigned and
/// bool dtypes in C order, as a Float32 tensor.
public enum NPYReader {
    public static func read(path: String) throws -> Tensor {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DatasetError.unreadable(path: path, reason: "no such file or no permission")
        }
        return try read(bytes: [UInt8](data), name: path)
    }

    /// An array's bytes, e.g. decrypted from a stored object named `name`.
    public static func read(bytes: [UInt8], name path: String) throws -> Tensor {
        func fail(_ reason: String) -> DatasetError { .malformed(path: path, reason: reason) }
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
            throw fail("missing the \\x93NUMPY magic string")
        }
        let major = bytes[6]
        let headerLength = major == 1 ? Int(bytes[8]) | Int(bytes[9]) << 8
            : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        let headerStart = major == 1 ? 10 : 12
        guard headerStart + headerLength <= bytes.count,
              let header = String(bytes: bytes[headerStart..<(headerStart + headerLength)], encoding: .utf8) else {
            throw fail("header is truncated")
        }
        guard let descr = capture(header, #"'descr'\s*:\s*'([^']+)'"#) else { throw fail("header lacks 'descr'") }
        if capture(header, #"'fortran_order'\s*:\s*(True|False)"#) == "True" {
            throw fail("Fortran-ordered arrays are not supported; save with np.ascontiguousarray")
        }
        guard let shapeText = capture(header, #"'shape'\s*:\s*\(([^)]*)\)"#) else { throw fail("header lacks 'shape'") }
        let shape = shapeText.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let count = shape.reduce(1, *)
        let type = descr.dropFirst(), order = descr.first!
        guard order == "<" || order == "|" || (order == "=" ) else { throw fail("big-endian dtype \(descr) is not supported") }
        let size: Int
        switch type {
        case "f4", "i4", "u4": size = 4
        case "f8", "i8", "u8": size = 8
        case "f2", "i2", "u2": size = 2
        case "i1", "u1", "b1": size = 1
        default: throw fail("dtype \(descr) is not supported")
        }
        let start = headerStart + headerLength
        guard bytes.count - start >= count * size else {
            throw fail("shape \(shape) of \(descr) needs \(count * size) bytes, the file has \(bytes.count - start)")
        }
        return bytes.withUnsafeBytes { raw in
            Tensor(shape: shape) { out in
                for i in 0..<count {
                    let o = start + i * size
                    switch type {
                    case "f4": out[i] = raw.loadUnaligned(fromByteOffset: o, as: Float.self)
                    case "f8": out[i] = Float(raw.loadUnaligned(fromByteOffset: o, as: Double.self))
                    case "f2": out[i] = Float(Float16(bitPattern: raw.loadUnaligned(fromByteOffset: o, as: UInt16.self)))
                    case "i4": out[i] = Float(raw.loadUnaligned(fromByteOffset: o, as: Int32.self))
                    case "i8": out[i] = Float(raw.loadUnaligned(fromByteOffset: o, as: Int64.self))
                    case "i2": out[i] = Float(raw.loadUnaligned(fromByteOffset: o, as: Int16.self))
                    case "u4": out[i] = Float(raw.loadUnaligned(fromByteOffset: o, as: UInt32.self))
                    case "u8": out[i] = Float(raw.loadUnaligned(fromByteOffset: o, as: UInt64.self))
                    case "u2": out[i] = Float(raw.loadUnaligned(fromByteOffset: o, as: UInt16.self))
                    case "i1": out[i] = Float(raw.load(fromByteOffset: o, as: Int8.self))
                    default: out[i] = Float(raw.load(fromByteOffset: o, as: UInt8.self))
                    }
                }
            }
        }
    }

    private static func capture(_ text: String, _ pattern: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range(at: 1), in: text) else { return nil }
        return String(text[range])
    }
}
