import CZlib
import Tensor

/// Errors reading a data file; each names the file and what was wrong with it.
public enum DatasetError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .malformed(let path, let reason): return "\(path) is not a valid file: \(reason)"
        }
    }
}

/// Reads IDX files (the MNIST family's format), plain or gzip-compressed.
///
/// Layout: two zero bytes, a type code, the number of dimensions, one big-endian UInt32 per
/// dimension, then the values in row-major order.
public enum IDXReader {
    /// Reads the whole file as a tensor of its dimensions, values converted to Float and
    /// multiplied by `scale` on the way (pixels to [0, 1] without a second full-size copy).
    public static func read(path: String, scale: Float = 1) throws -> Tensor {
        try parse(try readDecompressed(path: path), path: path, scale: scale)
    }

    /// An IDX file's bytes (plain or gzip), e.g. decrypted from a stored object named `name`.
    public static func read(bytes: [UInt8], name: String, scale: Float = 1) throws -> Tensor {
        try parse(bytes.starts(with: [0x1F, 0x8B]) ? try gunzip(bytes, name: name) : bytes, path: name, scale: scale)
    }

    static func parse(_ bytes: [UInt8], path: String, scale: Float) throws -> Tensor {
        guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0 else {
            throw DatasetError.malformed(path: path, reason: "missing the IDX magic number (two zero bytes)")
        }
        let typeCode = bytes[2], rank = Int(bytes[3])
        let elementSize: Int
        switch typeCode {
        case 0x08, 0x09: elementSize = 1
        case 0x0B: elementSize = 2
        case 0x0C, 0x0D: elementSize = 4
        case 0x0E: elementSize = 8
        default: throw DatasetError.malformed(path: path, reason: "unknown element type 0x\(String(typeCode, radix: 16))")
        }
        let headerSize = 4 + 4 * rank
        guard rank > 0, bytes.count >= headerSize else {
            throw DatasetError.malformed(path: path, reason: "header declares \(rank) dimensions but the file ends early")
        }
        var shape: [Int] = []
        for d in 0..<rank {
            let o = 4 + 4 * d
            shape.append(Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3]))
        }
        let count = shape.reduce(1, *)
        guard bytes.count >= headerSize + count * elementSize else {
            throw DatasetError.malformed(path: path, reason:
                "shape \(shape) needs \(count * elementSize) bytes of data, the file has \(bytes.count - headerSize)")
        }
        return bytes.withUnsafeBufferPointer { raw in
            let data = UnsafeRawPointer(raw.baseAddress! + headerSize)
            return Tensor(shape: shape) { out in
                for i in 0..<count {
                    switch typeCode {
                    case 0x08: out[i] = Float(data.load(fromByteOffset: i, as: UInt8.self)) * scale
                    case 0x09: out[i] = Float(data.load(fromByteOffset: i, as: Int8.self))
                    case 0x0B: out[i] = Float(Int16(bigEndian: data.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)))
                    case 0x0C: out[i] = Float(Int32(bigEndian: data.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
                    case 0x0D: out[i] = Float(bitPattern: UInt32(bigEndian: data.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                    default: out[i] = Float(Double(bitPattern: UInt64(bigEndian: data.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
                    }
                    if typeCode != 0x08 { out[i] *= scale }
                }
            }
        }
    }

    /// A gzip stream inflated in memory.
    static func gunzip(_ bytes: [UInt8], name: String) throws -> [UInt8] {
        var stream = z_stream()
        // 16 + MAX_WBITS: a gzip header and trailer around the deflate data.
        guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DatasetError.malformed(path: name, reason: "cannot start gzip decompression")
        }
        defer { inflateEnd(&stream) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 17)
        var input = bytes
        try input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = UInt32(source.count)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { out -> (Int32, Int) in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    return (status, out.count - Int(stream.avail_out))
                }
                result.append(contentsOf: chunk[0..<produced])
                if status == Z_STREAM_END { break }
                guard status == Z_OK else { throw DatasetError.malformed(path: name, reason: "corrupt gzip stream") }
                if produced == 0 && stream.avail_in == 0 { throw DatasetError.malformed(path: name, reason: "gzip stream ends early") }
            }
        }
        return result
    }

    /// File contents, gunzipped when the file is gzip (zlib reads plain files through unchanged).
    static func readDecompressed(path: String) throws -> [UInt8] {
        guard let file = gzopen(path, "rb") else {
            throw DatasetError.unreadable(path: path, reason: "no such file or no permission")
        }
        defer { gzclose(file) }
        gzbuffer(file, 1 << 17)
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 17)
        while true {
            let n = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
            if n < 0 { throw DatasetError.malformed(path: path, reason: "corrupt gzip stream") }
            if n == 0 { break }
            result.append(contentsOf: chunk[0..<Int(n)])
        }
        return result
    }
}

/// An image-classification split: images [N, H, W, C] scaled to [0, 1] and integer labels.
public struct LabelledImages: Sendable {
    public var images: Tensor
    public var labels: [Int32]

    public var count: Int { labels.count }

    /// Loads an MNIST-layout folder: `{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]`.
    public static func loadIDXFolder(_ folder: String, split: String) throws -> LabelledImages {
        let prefix = split == "train" ? "train" : "t10k"
        func find(_ stem: String) throws -> String {
            for candidate in ["\(folder)/\(prefix)-\(stem)-ubyte.gz", "\(folder)/\(prefix)-\(stem)-ubyte", "\(folder)/\(prefix)-\(stem).gz"]
            where gzFileExists(candidate) { return candidate }
            throw DatasetError.unreadable(path: "\(folder)/\(prefix)-\(stem)-ubyte[.gz]", reason: "not found")
        }
        let raw = try IDXReader.read(path: try find("images-idx3"), scale: 1 / 255)
        let labelTensor = try IDXReader.read(path: try find("labels-idx1"))
        guard raw.rank == 3 || raw.rank == 4, raw.shape[0] == labelTensor.count else {
            throw DatasetError.malformed(path: folder, reason: "images \(raw.shape) do not match \(labelTensor.count) labels")
        }
        let images = raw.rank == 3 ? raw.reshaped(raw.shape + [1]) : raw
        return LabelledImages(images: images, labels: labelTensor.scalars.map { Int32($0) })
    }

    public func prefix(_ n: Int) -> LabelledImages {
        let n = min(n, count)
        return LabelledImages(images: images.slice(rows: 0..<n), labels: Array(labels[0..<n]))
    }
}

private func gzFileExists(_ path: String) -> Bool {
    guard let f = gzopen(path, "rb") else { return false }
    gzclose(f)
    return true
}
