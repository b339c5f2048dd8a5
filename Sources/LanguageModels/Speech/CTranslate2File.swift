import Foundation

/// A CTranslate2 model file (`model.bin`, format versions 5 and 6): a spec name and revision,
/// then named variables (rank, dimensions, data type, bytes) and aliases. faster-whisper's
/// models ship in this layout. Weights are converted to Float32 when read: float32, float16 and
/// bfloat16 directly, int8 and int16 through their `…_scale` companion (one scale per row).
public struct CTranslate2File: @unchecked Sendable {
    public enum DataType: UInt8 { case float32 = 0, int8, int16, int32, float16, bfloat16 }

    struct Variable {
        var shape: [Int]
        var type: DataType
        var offset: Int
        var byteCount: Int
    }

    public let path: String
    public let spec: String
    public let revision: Int
    let data: Data
    var variables: [String: Variable] = [:]

    public init(path: String) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) }
        catch { throw LanguageModelError.unreadable(path, "cannot read the file") }
        try self.init(data: data, name: path)
    }

    /// A model.bin's bytes (decrypted from a stored artifact named `name`).
    public init(data: Data, name: String) throws {
        self.path = name
        self.data = data
        var offset = 0
        func bytes(_ count: Int) throws -> Data {
            guard count >= 0, offset + count <= data.count else { throw LanguageModelError.malformed(name, "truncated at byte \(offset)") }
            defer { offset += count }
            return data[(data.startIndex + offset)..<(data.startIndex + offset + count)]
        }
        func integer<T: FixedWidthInteger>(_: T.Type) throws -> T {
            let raw = try bytes(MemoryLayout<T>.size)
            return raw.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(as: T.self)) }
        }
        func string() throws -> String {
            let length = Int(try integer(UInt16.self))
            let raw = try bytes(length)
            guard let text = String(bytes: raw.prefix(max(length - 1, 0)), encoding: .utf8) else { throw LanguageModelError.malformed(name, "a name is not UTF-8") }
            return text
        }
        let version = try integer(UInt32.self)
        guard version == 5 || version == 6 else {
            throw LanguageModelError.malformed(name, version > 6 || version == 0 ? "not a CTranslate2 model.bin (version field \(version))"
                                                                  : "CTranslate2 format version \(version); versions 5 and 6 are read (convert with a newer ct2-transformers-converter)")
        }
        spec = try string()
        revision = Int(try integer(UInt32.self))
        let count = Int(try integer(UInt32.self))
        guard count < 100_000 else { throw LanguageModelError.malformed(name, "implausible variable count \(count)") }
        for _ in 0..<count {
            let variable = try string()
            let rank = Int(try integer(UInt8.self))
            let shape = try (0..<rank).map { _ in Int(try integer(UInt32.self)) }
            let rawType = try integer(UInt8.self)
            guard let type = DataType(rawValue: rawType) else { throw LanguageModelError.malformed(name, "\(variable) has unknown data type \(rawType)") }
            let byteCount = Int(try integer(UInt32.self))
            let expected = shape.reduce(1, *) * type.size
            guard byteCount == expected else { throw LanguageModelError.malformed(name, "\(variable) holds \(byteCount) bytes; its shape \(shape) needs \(expected)") }
            variables[variable] = Variable(shape: shape, type: type, offset: offset, byteCount: byteCount)
            _ = try bytes(byteCount)
        }
        if offset < data.count {
            let aliases = Int(try integer(UInt32.self))
            for _ in 0..<aliases {
                let alias = try string(), target = try string()
                if let variable = variables[target] { variables[alias] = variable }
            }
        }
    }

    public func has(_ name: String) -> Bool { variables[name] != nil }

    public func shape(_ name: String) throws -> [Int] {
        guard let variable = variables[name] else { throw LanguageModelError.malformed(path, "has no variable \(name)") }
        return variable.shape
    }

    /// A scalar flag or count (num_heads, activation, pre_norm).
    public func integer(_ name: String) throws -> Int {
        guard let variable = variables[name] else { throw LanguageModelError.malformed(path, "has no variable \(name)") }
        return data.withUnsafeBytes { raw -> Int in
            let p = raw.baseAddress! + variable.offset
            switch variable.type {
            case .int8: return Int(p.loadUnaligned(as: Int8.self))
            case .int16: return Int(Int16(littleEndian: p.loadUnaligned(as: Int16.self)))
            case .int32: return Int(Int32(littleEndian: p.loadUnaligned(as: Int32.self)))
            case .float32: return Int(Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(as: UInt32.self))))
            case .float16, .bfloat16: return Int(Self.float(p, variable.type))
            }
        }
    }

    /// A weight as Float32 values, with `expected` checked against its shape when given.
    public func floats(_ name: String, shape expected: [Int]? = nil) throws -> [Float] {
        guard let variable = variables[name] else { throw LanguageModelError.malformed(path, "has no variable \(name)") }
        if let expected, expected != variable.shape {
            throw LanguageModelError.malformed(path, "\(name) has shape \(variable.shape); expected \(expected)")
        }
        let count = variable.shape.reduce(1, *)
        var out = [Float](repeating: 0, count: count)
        var scales: [Float]?
        if variable.type == .int8 || variable.type == .int16 {
            scales = try floats(name.hasSuffix("weight") ? name + "_scale" : name + "_scale")
        }
        data.withUnsafeBytes { raw in
            let p = raw.baseAddress! + variable.offset
            out.withUnsafeMutableBufferPointer { out in
                switch variable.type {
                case .float32: for i in 0..<count { out[i] = Float(bitPattern: UInt32(littleEndian: (p + 4 * i).loadUnaligned(as: UInt32.self))) }
                case .float16, .bfloat16: for i in 0..<count { out[i] = Self.float(p + 2 * i, variable.type) }
                case .int32: for i in 0..<count { out[i] = Float(Int32(littleEndian: (p + 4 * i).loadUnaligned(as: Int32.self))) }
                case .int8, .int16:
                    // CTranslate2 stores q = round(w · scale) per output row: w = q / scale.
                    let rows = max(scales?.count ?? 1, 1), width = count / rows
                    for i in 0..<count {
                        let q = variable.type == .int8 ? Float((p + i).load(as: Int8.self)) : Float(Int16(littleEndian: (p + 2 * i).loadUnaligned(as: Int16.self)))
                        out[i] = q / (scales?[min(i / max(width, 1), rows - 1)] ?? 1)
                    }
                }
            }
        }
        return out
    }

    @inline(__always)
    static func float(_ p: UnsafeRawPointer, _ type: DataType) -> Float {
        let bits = UInt16(littleEndian: p.loadUnaligned(as: UInt16.self))
        return type == .bfloat16 ? Float(bitPattern: UInt32(bits) << 16) : Float(Float16(bitPattern: bits))
    }
}

extension CTranslate2File.DataType {
    var size: Int {
        switch self {
        case .float32, .int32: return 4
        case .int8: return 1
        case .int16, .float16, .bfloat16: return 2
        }
    }
}
