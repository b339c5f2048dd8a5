import CZlib
import Foundation

/// A minimal PNG writer (8-bit RGB, no interlace) for generated images such as attribution heat
/// maps. `raw` holds each scanline prefixed by its filter byte.
public enum PNG {
    public static func encode(rgb raw: [UInt8], width: Int, height: Int) -> Data {
        var out = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var header = Data()
        header.append(bigEndian: UInt32(width)); header.append(bigEndian: UInt32(height))
        header.append(contentsOf: [8, 2, 0, 0, 0])  // depth 8, RGB, deflate, adaptive filter, no interlace
        chunk("IHDR", header, into: &out)
        var size = compressBound(uLong(raw.count))
        var compressed = [UInt8](repeating: 0, count: Int(size))
        _ = compress2(&compressed, &size, raw, uLong(raw.count), 6)
        chunk("IDAT", Data(compressed[0..<Int(size)]), into: &out)
        chunk("IEND", Data(), into: &out)
        return out
    }

    private static func chunk(_ type: String, _ body: Data, into out: inout Data) {
        out.append(bigEndian: UInt32(body.count))
        let typed = Data(type.utf8) + body
        out.append(typed)
        let crc = typed.withUnsafeBytes { UInt32(crc32(0, $0.bindMemory(to: UInt8.self).baseAddress, uInt(typed.count))) }
        out.append(bigEndian: crc)
    }
}

extension Data {
    mutating func append(bigEndian value: UInt32) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}
